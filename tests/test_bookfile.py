"""The workbook file's lock: exclusive, bounded in time, and gone once released."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from filelock import Timeout

from renaksi_xl import headless, layout


def test_no_lock_file_stays_beside_the_workbook(built_workbook):
    headless.run_on_file(built_workbook, lambda b: b.sheets[layout.SHEET_ORDER[0]]["A1"].value)
    assert sorted(p.name for p in built_workbook.parent.iterdir()) == [built_workbook.name]


def _add_one_many_times(path: str, times: int) -> None:
    from pathlib import Path

    from renaksi_xl.bookfile import lock_for

    counter = Path(path)
    for _ in range(times):
        with lock_for(counter, timeout=60):
            value = int(counter.read_text())
            time.sleep(0.001)  # widen the window a missing lock would lose updates in
            counter.write_text(str(value + 1))


def test_the_lock_excludes_other_processes_although_its_file_is_removed(tmp_path):
    counter = tmp_path / "hitungan.txt"
    counter.write_text("0")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_one_many_times, args=(str(counter), 40)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert counter.read_text() == "160"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hitungan.txt"]


def test_a_held_lock_times_out_with_a_clear_message(built_workbook):
    from renaksi_xl.bookfile import lock_for

    with lock_for(built_workbook):
        with pytest.raises(Timeout):
            with lock_for(built_workbook, timeout=0.2):
                pass
    with lock_for(built_workbook, timeout=0.2):  # free again
        pass
