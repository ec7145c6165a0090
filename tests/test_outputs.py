"""Outputs and pipes (issue 16 items 3 and 11), and text marks seen by every engine (item 1, 9)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from renaksi_xl import cli, headless, layout, macros, outputs, tables
from renaksi_xl.dpa import SAMPLE_DPA
from renaksi_xl.dpa.samples import expected_records, sample_subs, write_flat_csv
from tests.hostile import books, walk


def test_run_on_a_symlinked_workbook_updates_the_target_and_keeps_the_link(built_workbook, tmp_path):
    walk.set_officials(built_workbook)
    link = tmp_path / "tautan.xlsm"
    os.symlink(built_workbook, link)
    before = built_workbook.read_bytes()
    assert walk.disposisi(link) == 0
    assert link.is_symlink() and os.readlink(link) == str(built_workbook)
    assert built_workbook.read_bytes() != before
    assert len(tables.read_table(headless.open_book(built_workbook), layout.TBL_LOG).rows) == 1


def test_an_eml_is_written_atomically(built_workbook, tmp_path, monkeypatch, capsys):
    out = tmp_path / "draf.eml"
    out.write_bytes(b"versi lama")

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", disk_full)
    code = cli.main(["email", str(built_workbook), "--ke", layout.ROLE_CAMAT, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "disk penuh" in err and "kesalahan program" not in err
    assert out.read_bytes() == b"versi lama"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []


def test_dpa_into_a_closed_pipe_ends_quietly():
    cmd = f"'{sys.executable}' -m renaksi_xl.cli dpa '{SAMPLE_DPA}' | head -c 10 >/dev/null"
    res = subprocess.run(["bash", "-c", cmd + "; echo ${PIPESTATUS[0]}"], capture_output=True, text=True)
    assert res.stderr == "", res.stderr
    assert res.stdout.strip() in ("0", "141")


def _writes(texts):
    def probe(book, ctx):
        tables.write_table(book, layout.TBL_KINERJA, [[t] for t in texts], columns=["Indikator Kinerja"])
        return "ok"

    return probe


def test_the_actions_every_engine_receives_carry_the_text_mark(built_workbook, monkeypatch):
    """What the server sends to the VBA client and desktop replays in Excel: marked strings."""
    from renaksi_xl.context import ActionContext

    texts = ["=1+1", "@SUM(A1)", "-", "#N/A", "'x", "biasa"]
    monkeypatch.setitem(macros.ACTIONS, "uji-tulis", _writes(texts))
    with headless.remote_book(headless.payload_from_file(built_workbook)) as book:
        macros.run_action(book, "uji-tulis", ActionContext())
        sent = [
            v for a in book.json()["actions"] if a["func"] == "setValues" for row in a["values"] for v in row
        ]
    assert [v for v in sent if isinstance(v, str) and v] == [
        "'=1+1",
        "'@SUM(A1)",
        "'-",
        "'#N/A",
        "''x",
        "biasa",
    ]


def test_a_control_character_in_the_dpa_is_refused_naming_the_cell(built_workbook, tmp_path, capsys):
    walk.set_officials(built_workbook)
    assert walk.disposisi(built_workbook) == 0
    before = built_workbook.read_bytes()

    def mutate(rows):
        rows[0][1] = "Sub kegiatan\x0bdengan tab vertikal"

    dpa = write_flat_csv(tmp_path / "DPA.csv", expected_records(sample_subs()), mutate=mutate)
    assert walk.tarik_dpa(built_workbook, dpa) == 2
    err = capsys.readouterr().err
    assert "U+000B" in err and "'DPA'!B5" in err and "kesalahan program" not in err
    assert built_workbook.read_bytes() == before


@pytest.mark.parametrize("action", [layout.ACTION_VALIDASI, layout.ACTION_PERIKSA_KEASLIAN])
def test_a_control_character_in_a_plan_cell_gets_a_clear_answer(built_workbook, capsys, action):
    sheet = layout.table(layout.TBL_RENCANA).sheet
    books.cell(sheet, "B5", books.inline("B5", "Kode").replace("Kode", "Kode_x000B_lain"))(built_workbook)
    code = cli.main(["run", action, str(built_workbook), "--pejabat", walk.CAMAT])
    err = capsys.readouterr().err
    assert "kesalahan program" not in err and "IllegalCharacter" not in err
    assert code in (0, 1, 2)
    if code == 2:
        assert "U+000B" in err
