"""The `validasi` button body on a real workbook through the headless engine.

Findings land in tblTemuan with links, offending cells are coloured, the
previous run's colours are cleared by the workbook's own macro (its headless
twin here), and Beranda shows the verdict and the time.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from renaksi_xl import headless, layout, tables
from renaksi_xl.context import ActionContext
from renaksi_xl.errors import InputError
from renaksi_xl.layout import FISIK_TW, H_PENANGGUNG_JAWAB, TARGET_TW
from renaksi_xl.validate import CLEAR_MACRO, ERROR_FILL, WARNING_FILL, clear_highlights, validasi_body
from renaksi_xl.validators import sample

# The actions the xlwings VBA client implements (design.md section 3, architecture.md).
VBA_CLIENT_ACTIONS = {
    "setValues",
    "rangeClearContents",
    "setRangeColor",
    "setNumberFormat",
    "addHyperlink",
    "resizeTable",
    "alert",
    "activateSheet",
    "runMacro",
}
WHEN = ActionContext(now=dt.datetime(2025, 1, 6, 9, 0))


def col(header: str) -> int:
    return layout.RENCANA_COLUMNS.index(layout.table(layout.TBL_RENCANA).column(header))


def broken_plan():
    """One error (fisik going down, row 2) and one warning (unknown official, row 3)."""
    plan = sample.clean_plan(3)
    plan.rencana[1][col(FISIK_TW[1])] = 20
    plan.rencana[2][col(H_PENANGGUNG_JAWAB)] = "Pak Lurah"
    return plan


def fill_of(ws, address) -> str | None:
    fill = ws[address].fill
    return None if fill is None or fill.fill_type is None else fill.fgColor.rgb


def rencana_cell(i: int, header: str) -> str:
    spec = layout.table(layout.TBL_RENCANA)
    return tables.cell_address(spec.header_row + 1 + i, spec.first_col + spec.col_index(header))


@pytest.fixture
def broken_file(built_workbook):
    sample.write_plan(built_workbook, broken_plan())
    return built_workbook


def test_validasi_lists_links_colours_and_shows_the_verdict(broken_file):
    summary, applied = headless.run_on_file(broken_file, lambda b: validasi_body(b, WHEN))
    assert summary == "Validasi: 1 galat, 1 peringatan"
    assert applied.macros and applied.macros[0].endswith(CLEAR_MACRO)

    book = headless.open_book(broken_file)
    temuan = tables.read_table(book, layout.TBL_TEMUAN)
    records = temuan.records()
    fisik, pj = rencana_cell(1, FISIK_TW[1]), rencana_cell(2, H_PENANGGUNG_JAWAB)
    assert [(r["No"], r["Tingkat"], r["Aturan"], r["Lembar"], r["Sel"]) for r in records] == [
        (1, "Galat", "FISIK_TIDAK_KUMULATIF", layout.SHEET_RENCANA, fisik),
        (2, "Peringatan", "PENANGGUNG_JAWAB_TIDAK_DIKENAL", layout.SHEET_RENCANA, pj),
    ]
    assert records[0]["Kode Sub Kegiatan"] == sample.kode(1)
    assert "20%" in records[0]["Pesan"] and "25%" in records[0]["Pesan"]
    assert tables.named_range(book, "nmValidasiStatus").value == "TIDAK LULUS: 1 galat, 1 peringatan"
    assert tables.named_range(book, "nmValidasiWaktu").value == "2025-01-06 09:00 WIB"
    assert "1 galat, 1 peringatan" in tables.named_range(book, "nmValidasiRingkas").value

    wb = openpyxl.load_workbook(broken_file)
    ws = wb[layout.SHEET_VALIDASI]
    sel = temuan.address(0, layout.H_SEL)
    assert ws[sel].hyperlink.location == f"'{layout.SHEET_RENCANA}'!{fisik}"
    assert ws[temuan.address(1, layout.H_SEL)].hyperlink.location == f"'{layout.SHEET_RENCANA}'!{pj}"
    plan_ws = wb[layout.SHEET_RENCANA]
    assert fill_of(plan_ws, fisik) == "FF" + ERROR_FILL[1:]
    assert fill_of(plan_ws, pj) == "FF" + WARNING_FILL[1:]
    assert fill_of(plan_ws, rencana_cell(1, FISIK_TW[0])) is None


def test_second_run_clears_the_first_runs_colours_and_list(broken_file):
    headless.run_on_file(broken_file, lambda b: validasi_body(b, WHEN))
    sample.write_plan(broken_file, sample.clean_plan(3))  # staff fix the plan
    later = ActionContext(now=dt.datetime(2025, 1, 7, 14, 30))
    summary, _ = headless.run_on_file(broken_file, lambda b: validasi_body(b, later))
    assert summary == "Validasi: 0 galat, 0 peringatan"

    book = headless.open_book(broken_file)
    assert tables.read_table(book, layout.TBL_TEMUAN).rows == []
    assert tables.named_range(book, "nmValidasiStatus").value == "LULUS: tanpa temuan"
    assert tables.named_range(book, "nmValidasiWaktu").value == "2025-01-07 14:30 WIB"
    ws = openpyxl.load_workbook(broken_file)[layout.SHEET_RENCANA]
    assert fill_of(ws, rencana_cell(1, FISIK_TW[1])) is None
    assert fill_of(ws, rencana_cell(2, H_PENANGGUNG_JAWAB)) is None


def test_only_actions_the_vba_client_can_apply(broken_file):
    book = headless.open_book(broken_file)
    validasi_body(book, WHEN)
    actions = book.json()["actions"]
    assert {a["func"] for a in actions} <= VBA_CLIENT_ACTIONS
    assert all(a["args"][0] for a in actions if a["func"] == "setRangeColor")
    run_macro = [a for a in actions if a["func"] == "runMacro"]
    assert len(run_macro) == 1 and run_macro[0]["args"][0].endswith(CLEAR_MACRO)
    assert actions.index(run_macro[0]) < min(i for i, a in enumerate(actions) if a["func"] == "setRangeColor")


def test_adjacent_offending_cells_are_one_colour_action(built_workbook):
    plan = sample.clean_plan(3)
    plan.rencana[0][col(TARGET_TW[1])] = "dua"
    plan.rencana[0][col(TARGET_TW[2])] = "tiga"
    sample.write_plan(built_workbook, plan)
    book = headless.open_book(built_workbook)
    validasi_body(book, WHEN)
    colours = [a for a in book.json()["actions"] if a["func"] == "setRangeColor"]
    assert len(colours) == 1 and colours[0]["column_count"] == 2


def test_headless_twin_clears_only_the_plan_table_bodies(broken_file):
    headless.run_on_file(broken_file, lambda b: validasi_body(b, WHEN))
    wb = headless.load_for_update(broken_file)
    red = PatternFill("solid", fgColor="FFFF0000")
    spec = layout.table(layout.TBL_DPA)
    header = tables.cell_address(spec.header_row, spec.first_col)
    body = tables.cell_address(spec.header_row + 1, spec.first_col)
    wb[spec.sheet][header].fill = red
    wb[spec.sheet][body].fill = red
    wb[layout.SHEET_BERANDA]["C8"].fill = red
    clear_highlights(wb)
    assert fill_of(wb[spec.sheet], header) == "FFFF0000"
    assert fill_of(wb[layout.SHEET_BERANDA], "C8") == "FFFF0000"
    assert fill_of(wb[spec.sheet], body) is None
    assert fill_of(wb[layout.SHEET_RENCANA], rencana_cell(1, FISIK_TW[1])) is None


def realisasi_cell(i: int, header: str) -> str:
    spec = layout.table(layout.TBL_REALISASI_AKSI)
    return tables.cell_address(spec.header_row + 1 + i, spec.first_col + spec.col_index(header))


def test_realisasi_findings_are_coloured_and_cleared_like_the_plans(built_workbook):
    plan = sample.add_realisasi(sample.clean_plan(3), 1)
    fisik = layout.table(layout.TBL_REALISASI_AKSI).col_index(layout.H_REALISASI_FISIK)
    bukti = layout.table(layout.TBL_REALISASI_AKSI).col_index(layout.H_BUKTI)
    plan.realisasi_aksi[0][fisik] = 140  # REALISASI_FISIK_DI_LUAR_RENTANG: an error
    plan.realisasi_aksi[1][bukti] = "map di lemari"  # BUKTI_DUKUNG_KOSONG: a warning
    sample.write_plan(built_workbook, plan)
    headless.run_on_file(built_workbook, lambda b: validasi_body(b, WHEN))
    ws = openpyxl.load_workbook(built_workbook)[layout.SHEET_REALISASI_AKSI]
    assert fill_of(ws, realisasi_cell(0, layout.H_REALISASI_FISIK)) == "FF" + ERROR_FILL[1:]
    assert fill_of(ws, realisasi_cell(1, layout.H_BUKTI)) == "FF" + WARNING_FILL[1:]
    assert fill_of(ws, realisasi_cell(2, layout.H_REALISASI_FISIK)) is None

    wb = headless.load_for_update(built_workbook)
    clear_highlights(wb)
    assert fill_of(wb[layout.SHEET_REALISASI_AKSI], realisasi_cell(0, layout.H_REALISASI_FISIK)) is None
    assert fill_of(wb[layout.SHEET_REALISASI_AKSI], realisasi_cell(1, layout.H_BUKTI)) is None


def test_the_headless_twin_clears_a_workbook_without_realisasi_sheets(broken_file):
    headless.run_on_file(broken_file, lambda b: validasi_body(b, WHEN))
    wb = headless.load_for_update(broken_file)
    for name in layout.REALISASI_TABLES:
        del wb[layout.table(name).sheet]
    clear_highlights(wb)
    assert fill_of(wb[layout.SHEET_RENCANA], rencana_cell(1, FISIK_TW[1])) is None


def test_unusable_plan_raises_before_any_change(broken_file):
    wb = openpyxl.load_workbook(broken_file, keep_vba=True)
    spec = layout.table(layout.TBL_RENCANA)
    wb[spec.sheet].cell(spec.header_row, spec.first_col + spec.col_index(TARGET_TW[1])).value = "Target TW 2"
    wb.save(broken_file)
    before = hashlib.sha256(broken_file.read_bytes()).hexdigest()
    with pytest.raises(InputError) as exc:
        headless.run_on_file(broken_file, lambda b: validasi_body(b, WHEN))
    assert f"'{TARGET_TW[1]}'" in exc.value.message and layout.TBL_RENCANA in exc.value.message
    assert hashlib.sha256(broken_file.read_bytes()).hexdigest() == before
