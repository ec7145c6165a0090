"""The built workbook in a real VBA host and renderer: LibreOffice headless.

LibreOffice compiles a document's whole Basic library before running any macro,
and it cannot compile four of xlwings' modules (Excel-only conditional
compilation such as ``#If App = "Microsoft Excel"``; see renaksi_xl/xlsm/vba_sources.py).
So LibreOffice opens the built workbook itself to list its modules, and runs
our macros in a copy whose VBA project is the built one minus the xlwings
modules (everything else -- sheets, tables, names, our modules -- byte for
byte the same). Test-only macros that call ours with arguments are added to
that copy, never to the product.

These tests never skip: without LibreOffice they fail (CI installs it).
"""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from renaksi_xl import layout
from renaksi_xl.tables import cell_address
from renaksi_xl.xlsm import vba_sources
from renaksi_xl.xlsm.lo_host import run_macros
from renaksi_xl.xlsm.render import (
    MAX_PNG_BYTES,
    demo_books,
    guide_images,
    guide_shots,
    pages_by_sheet,
    to_pdf,
)
from renaksi_xl.xlsm.vba_project import VbaModule, build_vba_project, module_from_file, read_module_sources

pytestmark = pytest.mark.libreoffice

SELFTEST_SHEET, SELFTEST_CELL = layout.NAMED_CELLS["nmSelfTest"]
SELFTEST = f"{SELFTEST_SHEET}!{SELFTEST_CELL}"
RED = "FFFF0000"
IMPOR = layout.SHEET_IMPOR


def lo_copy(src: Path, dst: Path, extra: dict[str, str] | None = None, lay=None) -> Path:
    """`src` with the xlwings modules left out of its VBA project and `extra` test modules added
    (`lay`: the layout of a workbook built from another SOP, for its sheets' module kinds)."""
    kinds = {m.name: m.kind for m in vba_sources.all_modules(lay=lay)}
    with zipfile.ZipFile(src) as z:
        items = [(info, z.read(info.filename)) for info in z.infolist()]
        sources = read_module_sources(z.read("xl/vbaProject.bin"))
    modules = []
    for name, text in sources.items():
        if name in vba_sources.XLWINGS_MODULES:
            continue
        m = module_from_file(text, name)
        modules.append(VbaModule(m.name, kinds[name], m.code))
    modules += [VbaModule(name, "standard", code) for name, code in (extra or {}).items()]
    binary = build_vba_project(modules)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info, binary if info.filename == "xl/vbaProject.bin" else data)
    return dst


def _vba(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


PK_PATHS = ("C:\\Data\\PK 'baru'.xlsx", "D:\\b.csv")
HELPER_CELLS = {
    "cmd_dpa": f"Renaksi_PythonCommand({_vba(layout.ACTION_TARIK_DPA)}, Empty)",
    "cmd_pk": f"Renaksi_PythonCommand({_vba(layout.ACTION_IMPOR_KINERJA)}, "
    f"Array({_vba(PK_PATHS[0])}, {_vba(PK_PATHS[1])}))",
    "url": f'Renaksi_ActionUrl("http://10.0.0.5:8000//", {_vba(layout.ACTION_PARAF_PEMERIKSAAN)})',
    "mode": f"Renaksi_GetSetting(ThisWorkbook, {_vba(layout.SET_MODE)})",
}


def helper_module() -> str:
    """Calls our dispatch helpers and writes what they return into the Impor sheet."""
    lines = [
        "Option Explicit",
        "Public Sub Uji_Helpers()",
        "    Dim ws As Worksheet, names As String",
        f"    Set ws = ThisWorkbook.Worksheets({_vba(IMPOR)})",
    ]
    for i, expr in enumerate(HELPER_CELLS.values()):
        lines.append(f'    ws.Range("A{20 + i}").Value = {expr}')
    lines += [
        "    names = Renaksi_UnprotectSheets(ThisWorkbook)",
        '    ws.Range("B20").Value = names',
        f'    ws.Range("B21").Value = CStr(ThisWorkbook.Worksheets({_vba(layout.SHEET_LOG)}).ProtectContents)',
        "    Renaksi_ReprotectSheets ThisWorkbook, names",
        f'    ws.Range("B22").Value = CStr(ThisWorkbook.Worksheets({_vba(layout.SHEET_LOG)}).ProtectContents)',
        f"    Renaksi_SetSetting ThisWorkbook, {_vba(layout.SET_FILE_DPA)}, {_vba('C:/dpa 2025.xlsx')}",
        f'    ws.Range("B23").Value = Renaksi_GetSetting(ThisWorkbook, {_vba(layout.SET_FILE_DPA)})',
        "End Sub",
        "Public Sub Uji_Hapus()",
        "    Renaksi_HapusSorotan ThisWorkbook",
        "End Sub",
        "Public Sub Uji_Kunci()",
        "    Renaksi_KunciLembar ThisWorkbook",
        "    Renaksi_KunciRealisasi ThisWorkbook",
        "End Sub",
        "",
    ]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def lo_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("lo")


@pytest.fixture(scope="module")
def pristine_run(built_workbook_master, lo_dir):
    """Self-test and dispatch helpers on an unmodified copy."""
    book = lo_copy(built_workbook_master, lo_dir / "pristine.xlsm", {"UjiLO": helper_module()})
    cells = (
        [SELFTEST]
        + [f"{IMPOR}!A{20 + i}" for i in range(len(HELPER_CELLS))]
        + [f"{IMPOR}!B{r}" for r in range(20, 24)]
    )
    return run_macros(book, ["RenaksiUji.Renaksi_SelfTest", "UjiLO.Uji_Helpers"], read_cells=cells)


def test_libreoffice_lists_every_module_of_the_built_workbook(built_workbook_master):
    report = run_macros(built_workbook_master, [])
    expected = {m.name for m in vba_sources.all_modules()}
    assert set(report["libraries"][layout_library()]) == expected


def layout_library() -> str:
    from renaksi_xl.xlsm.lo_host import VBA_LIBRARY

    return VBA_LIBRARY


def test_selftest_says_ok(pristine_run):
    assert pristine_run["macros"]["RenaksiUji.Renaksi_SelfTest"]["ok"], pristine_run["macros"]
    # the cell's number format hides the text on screen; the formula is the stored value
    assert pristine_run["cells"][SELFTEST]["formula"] == "OK"


def test_dispatch_helpers_build_the_python_and_server_calls(pristine_run):
    import renaksi_xl.macros as macros

    assert pristine_run["macros"]["UjiLO.Uji_Helpers"]["ok"], pristine_run["macros"]
    got = {key: pristine_run["cells"][f"{IMPOR}!A{20 + i}"]["formula"] for i, key in enumerate(HELPER_CELLS)}
    assert got["cmd_dpa"] == "import renaksi_xl.macros as m; m.tarik_dpa()"
    call = ast.parse(got["cmd_pk"]).body[1].value
    assert call.func.attr == "impor_kinerja" and [ast.literal_eval(a) for a in call.args] == list(PK_PATHS)
    for action in (layout.ACTION_TARIK_DPA, layout.ACTION_IMPOR_KINERJA):
        assert callable(getattr(macros, action.replace("-", "_")))
    assert got["url"] == "http://10.0.0.5:8000/aksi/paraf-pemeriksaan"
    assert got["mode"] == layout.MODE_LOKAL
    unprotected = pristine_run["cells"][f"{IMPOR}!B20"]["formula"].split("|")
    assert unprotected == [s for s in layout.SHEET_ORDER if s in vba_sources.ALWAYS_PROTECTED]
    assert pristine_run["cells"][f"{IMPOR}!B21"]["text"].lower() == "false"
    assert pristine_run["cells"][f"{IMPOR}!B22"]["text"].lower() == "true"
    assert pristine_run["cells"][f"{IMPOR}!B23"]["formula"] == "C:/dpa 2025.xlsx"


def test_selftest_names_what_is_broken(built_workbook_master, lo_dir):
    broken = lo_dir / "broken.xlsm"
    wb = openpyxl.load_workbook(built_workbook_master, keep_vba=True)
    spec = layout.table(layout.TBL_DPA)
    wb[spec.sheet].cell(spec.header_row, spec.first_col + spec.col_index("Pagu (Rp)")).value = "Pagu"
    del wb.defined_names["nmTahun"]
    wb.save(broken)
    report = run_macros(
        lo_copy(broken, lo_dir / "broken-lo.xlsm"), ["RenaksiUji.Renaksi_SelfTest"], read_cells=[SELFTEST]
    )
    verdict = report["cells"][SELFTEST]["formula"]
    assert verdict.startswith("MASALAH: ")
    assert "tblDPA" in verdict and "'Pagu'" in verdict and "'Pagu (Rp)'" in verdict
    assert "nama nmTahun tidak ada" in verdict


def test_hapus_sorotan_and_kunci_lembar(built_workbook_master, lo_dir):
    colored = lo_dir / "colored.xlsm"
    wb = openpyxl.load_workbook(built_workbook_master, keep_vba=True)
    red = PatternFill("solid", fgColor=RED)
    body = {}
    for name in layout.HIGHLIGHTED_TABLES:  # the plan and the realisasi tables
        spec = layout.table(name)
        ws = wb[spec.sheet]
        cells = [
            cell_address(spec.header_row + 1, spec.first_col),
            cell_address(spec.header_row + 1, spec.first_col + 3),
        ]
        for c in cells:
            ws[c].fill = red
        body[spec.sheet] = cells
    rencana = layout.table(layout.TBL_RENCANA)
    outside = cell_address(rencana.header_row + 1, rencana.first_col + len(rencana.columns) + 1)
    wb[rencana.sheet][outside].fill = red
    wb.save(colored)
    out = lo_dir / "after.xlsx"
    report = run_macros(
        lo_copy(colored, lo_dir / "colored-lo.xlsm", {"UjiLO": helper_module()}),
        ["UjiLO.Uji_Hapus", "UjiLO.Uji_Kunci"],
        out_path=out,
    )
    assert report["ok"], report["macros"]
    after = openpyxl.load_workbook(out)
    for sheet, cells in body.items():
        for c in cells:
            assert after[sheet][c].fill.fill_type in (None, "none"), (sheet, c)
    assert after[rencana.sheet][outside].fill.fgColor.rgb == RED, "cells outside the tables keep their fill"
    header = cell_address(rencana.header_row, rencana.first_col)
    assert after[rencana.sheet][header].fill.fill_type == "solid", "headers keep their fill"
    for name in vba_sources.LOCKED_AFTER_TETAPKAN:
        assert after[name].protection.sheet, f"{name} must be protected after Renaksi_KunciLembar"
    for name in layout.LOCKED_AFTER_YEAR_END:
        assert after[name].protection.sheet, f"{name} must be protected after Renaksi_KunciRealisasi"
    assert not after[layout.SHEET_PENGATURAN].protection.sheet, "settings stay editable"


def test_every_visible_sheet_renders_to_pdf(built_workbook_master, lo_dir):
    pdf = to_pdf(built_workbook_master, lo_dir / "pdf")
    pages = pages_by_sheet(pdf)
    visible = [s for s in layout.SHEET_ORDER if s not in layout.HIDDEN_SHEETS]
    assert [s for s in visible if s not in pages] == []
    assert set(pages) == set(visible), "the hidden sheet must not print"
    assert len(pages[layout.SHEET_BERANDA]) == 1, "Beranda fits one A4 page"
    # the SOP prints as two pages like the paper SOP; the wide tables two pages across
    for sheet in (layout.SHEET_SOP, layout.SHEET_DPA, layout.SHEET_RENCANA):
        assert len(pages[sheet]) == 2, (sheet, pages[sheet])


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    from renaksi_xl.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    run_demo(out, with_pdf=False, quiet=True)
    return out


def test_guide_images_from_a_demo_run(demo_run, lo_dir):
    from pypdf import PdfReader

    work = lo_dir / "shots"
    work.mkdir()
    out = guide_images(demo_books(demo_run), lo_dir / "img", work)
    assert set(out) == {s.png for s in guide_shots()}
    for name, png in out.items():
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        assert 10_000 < len(data) < MAX_PNG_BYTES, (name, len(data))

    def text(source: str) -> str:
        pdf = next((work / f"pdf-{source}").glob("*.pdf"))
        return "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)

    akhir, temuan = text("akhir"), text("temuan")
    assert "DITETAPKAN" in akhir and "1. Catat Disposisi" in akhir, "final state, buttons shown"
    assert "Mohon disusun Rencana Aksi" in akhir, "the disposisi typed into L1's input cells"
    assert "3.573.114.320" in akhir, "Indonesian separators with the id-ID locale"
    assert "KEUANGAN_TIDAK_KUMULATIF" in temuan, "the Validasi picture shows the demo's slip"
