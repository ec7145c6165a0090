"""python-calamine never reads a part the reading limits did not check (renaksi_xl.calamine_gate).

Each workbook here carries a copy of a sheet with a cell at IV1000000 (calamine would ask for
a quarter of a billion cells and abort) where calamine, reading the package its own way, would
take it for the sheet.  The commands run as child processes under a memory cap, so a regression
shows as a crash here instead of killing the test run.  Found by an attack pass: before the
gate every one of these ended in SIGABRT.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from renaksi_xl import layout
from tests.hostile import books as b

CLI = [sys.executable, "-m", "renaksi_xl.cli"]
COMMANDS = {
    "verify": lambda p: ["verify", str(p)],
    "capaian": lambda p: ["capaian", str(p), "--json"],
    "validate": lambda p: ["validate", str(p)],
    "dpa": lambda p: ["dpa", str(p)],
}


def run_capped(args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    cap = "ulimit -v 4000000; exec " + " ".join(f"'{a}'" for a in [*CLI, *args])
    return subprocess.run(["bash", "-c", cap], capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.parametrize("how", ["x-id", "upper", "backslash", "office-document"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_part_only_calamine_would_read_is_never_read(built_workbook_master, tmp_path, how, command):
    path = tmp_path / "RencanaAksi.xlsm"
    shutil.copyfile(built_workbook_master, path)
    b.unscanned_part(layout.SHEET_RENCANA, how)(path)
    before = path.read_bytes()
    done = run_capped(COMMANDS[command](path))
    text = done.stdout + done.stderr
    assert done.returncode in (0, 1, 2), (done.returncode, text[-1500:])
    assert "memory allocation" not in text and "Traceback" not in text, text[-1500:]
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_calamine_panic_is_a_message_naming_the_sheet(built_workbook_master, tmp_path, command):
    path = tmp_path / "RencanaAksi.xlsm"
    shutil.copyfile(built_workbook_master, path)
    b.calamine_panic(layout.SHEET_RENCANA, "Z7")(path)
    done = run_capped(COMMANDS[command](path))
    text = done.stdout + done.stderr
    assert done.returncode == 2, (done.returncode, text[-1500:])
    assert "Traceback" not in text and "PanicException" not in text.split("(")[0]
    assert "tanggal" in text and (layout.SHEET_RENCANA in text or "buku kerja" in text), text[-800:]
