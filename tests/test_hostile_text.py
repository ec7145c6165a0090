"""Text from imports and options stays text, whole, in every engine (issue 16 items 1, 4, 9)."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from renaksi_xl import cellsafe, cli, headless, layout, tables
from renaksi_xl.dpa.samples import expected_records, sample_subs, write_flat_csv
from tests.hostile import walk

INJECTED = [
    '=HYPERLINK("http://contoh.invalid/x","klik")',
    "=cmd|' /C notepad'!A1",
    "=1+1",
    "#N/A",
    "+62 812",
    "-lihat lampiran",
    "@SUM(A1:A2)",
    "'kutip di depan",
]


def _dpa_with(tmp_path, texts):
    records = expected_records(sample_subs())

    def mutate(rows):
        for row, text in zip(rows, texts):
            row[1] = text  # Sub Kegiatan (name)
            row[9] = text  # Sumber Dana

    return write_flat_csv(tmp_path / "DPA.csv", records, mutate=mutate)


def test_imported_formula_text_is_stored_as_text_and_verifies(built_workbook, tmp_path, capsys):
    walk.set_officials(built_workbook)
    assert walk.disposisi(built_workbook) == 0
    assert walk.tarik_dpa(built_workbook, _dpa_with(tmp_path, INJECTED)) == 0, capsys.readouterr().err
    wb = openpyxl.load_workbook(built_workbook, keep_vba=True)
    ws = wb[layout.SHEET_DPA]
    names = [ws.cell(row=5 + i, column=2) for i in range(len(INJECTED))]
    assert [c.value for c in names] == INJECTED
    assert [c.data_type for c in names] == ["s"] * len(INJECTED)
    # No formula anywhere in the sheet's XML, and no error cell.
    with zipfile.ZipFile(built_workbook) as zf:
        sheet_xml = zf.read(_sheet_part(zf, layout.SHEET_DPA))
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml and b't="e"' not in sheet_xml
    # Read back the way every command reads: the same text.  (An error-shaped text such
    # as '#N/A' reads as empty, like an error value: the xlwings payload cannot tell them
    # apart; the cell itself holds the text, as checked above.)
    data = tables.read_table(headless.open_book(built_workbook), layout.TBL_DPA)
    assert [r[1] for r in data.rows[: len(INJECTED)]] == [None if t == "#N/A" else t for t in INJECTED]
    capsys.readouterr()
    assert cli.main(["verify", str(built_workbook)]) == 0
    out = capsys.readouterr().out
    assert "berubah" not in out, out


def _sheet_part(zf, name):
    import re

    wb = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{name}"[^>]*r:id="(rId\d+)"', wb).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")


@pytest.mark.parametrize("text", INJECTED)
def test_protected_marks_exactly_what_excel_would_parse(text):
    # The definition: Excel parses a typed/assigned string starting with = + - @ as a
    # formula, '#N/A' as an error value, and eats one leading apostrophe.
    assert cellsafe.protected(text) == "'" + text
    assert cellsafe.assigned_text(cellsafe.protected(text)) == (text, True)


@pytest.mark.parametrize("text", ["Kecamatan Neglasari", "7.01.01.2.01.0001", "2025-01-06 09:00 WIB", ""])
def test_ordinary_text_is_not_marked(text):
    assert cellsafe.protected(text) == text


def test_a_note_over_excels_cell_limit_is_refused_before_writing(built_workbook, capsys):
    walk.set_officials(built_workbook)
    before = built_workbook.read_bytes()
    assert walk.disposisi(built_workbook, catatan="x" * 40_000) == 2
    err = capsys.readouterr().err
    assert "32.767" in err and "kesalahan program" not in err
    assert built_workbook.read_bytes() == before


def test_a_control_character_in_a_note_gets_a_clear_answer(built_workbook, capsys):
    walk.set_officials(built_workbook)
    before = built_workbook.read_bytes()
    assert walk.disposisi(built_workbook, catatan="baris\x0bsatu") == 2
    err = capsys.readouterr().err
    assert "U+000B" in err and "kesalahan program" not in err and "IllegalCharacter" not in err
    assert built_workbook.read_bytes() == before
