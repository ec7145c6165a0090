"""The workbook builder: determinism, committed output, VBA project, buttons, guards, layout.

Structural checks of the real built workbook (XlsxWriter output read back with
zipfile, openpyxl and oletools). What needs a VBA host is in test_workbook_lo.py.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from renaksi_xl import layout, sop
from renaksi_xl.tables import cell_address
from renaksi_xl.xlsm import vba_sources
from renaksi_xl.xlsm.vba_project import read_module_sources, strip_attributes
from renaksi_xl.xlsm.workbook import DEFAULT_OUT, build_workbook

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / DEFAULT_OUT


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").rstrip("\n")


def _code(source: str) -> str:
    """Module code without its attribute header, line endings normalised."""
    return _norm(strip_attributes(source)[1])


def _content(path: Path) -> dict[str, bytes | dict]:
    """What must not drift: every XML part (sheets, names, tables, buttons, styles) + module sources."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if n.endswith((".xml", ".vml", ".rels"))}
        parts["vba"] = {k: _norm(v) for k, v in read_module_sources(z.read("xl/vbaProject.bin")).items()}
    return parts


def _vml_buttons(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Sheet name -> [(caption, macro)] of the form buttons in the file's VML drawings."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    import xml.etree.ElementTree as ET

    out: dict[str, list[tuple[str, str]]] = {}
    with zipfile.ZipFile(path) as z:
        wbx = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        for sh in wbx.find("m:sheets", ns):
            part = "xl/" + target[sh.get(f"{{{ns['r']}}}id")].lstrip("/").removeprefix("xl/")
            rel_part = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
            if rel_part not in z.namelist():
                continue
            for r in ET.fromstring(z.read(rel_part)):
                if r.get("Target", "").endswith(".vml"):
                    vml = z.read("xl/drawings/" + r.get("Target").rsplit("/", 1)[-1]).decode("utf-8")
                    for shape in re.findall(r"<v:shape .*?</v:shape>", vml, re.S):
                        macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape)
                        caption = re.search(r"<font[^>]*>(.*?)</font>", shape, re.S)
                        if macro:
                            out.setdefault(sh.get("name"), []).append((caption.group(1), macro.group(1)))
    return out


# --- determinism and the committed file ------------------------------------------------
def test_build_is_byte_for_byte_deterministic(built_workbook_master, tmp_path):
    again = build_workbook(tmp_path / "again.xlsm")
    assert again.read_bytes() == built_workbook_master.read_bytes()


def test_committed_workbook_matches_its_sources(built_workbook_master):
    assert COMMITTED.is_file(), "workbook/RencanaAksi.xlsm is missing: run `renaksi-xl build`"
    fresh, committed = _content(built_workbook_master), _content(COMMITTED)
    assert sorted(committed) == sorted(fresh), "parts differ: run `renaksi-xl build` and commit the result"
    for name in fresh:
        assert committed[name] == fresh[name], f"{name} differs from the sources: run `renaksi-xl build`"


def test_cli_build_writes_the_workbook(tmp_path):
    out = tmp_path / "sub" / "Buku.xlsm"
    run = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.cli", "build", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert out.is_file() and "Buku kerja dibangun" in run.stdout
    assert not list(out.parent.glob(".~*")), "temporary file left behind"


# --- the VBA project -------------------------------------------------------------------
def test_olevba_reads_every_module_back_to_our_source(built_workbook_master):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(built_workbook_master))
    try:
        found = {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()
    expected = {m.name: m.code for m in vba_sources.all_modules()}
    assert set(found) == set(expected)
    for path in vba_sources.our_module_files():
        name = path.stem
        assert _code(found[name]) == _code(path.read_text(encoding="utf-8")), name
    assert _code(found[vba_sources.LAYOUT_MODULE]) == _code(vba_sources.layout_module_code())
    xl = vba_sources.xlwings_dir()
    for rel, name in vba_sources.XLWINGS_FILES:
        assert _code(found[name]) == _code((xl / rel).read_text(encoding="utf-8")), name
    for sheet, codename in layout.CODENAMES.items():
        assert _code(found[codename]) == "", sheet


def test_xlwings_modules_match_the_installed_version(built_workbook_master):
    import xlwings

    with zipfile.ZipFile(built_workbook_master) as z:
        sources = read_module_sources(z.read("xl/vbaProject.bin"))
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in sources["xlwings"]
    assert "Function RunRemotePython(" in sources["Remote"]


def test_no_ambiguous_public_names_and_no_repo_copy_of_xlwings():
    modules = vba_sources.all_modules()
    vba_sources.check_public_names(modules)  # raises on a clash
    owners = {}
    for m in modules:
        for n in vba_sources.public_names(m):
            owners.setdefault(n.lower(), []).append(m.name)
    assert owners["getconfig"] == ["xlwings"]  # Remote.bas relies on it; no Config.bas embedded
    assert owners["runpython"] == ["xlwings"] and owners["runremotepython"] == ["Remote"]
    for path in (REPO / "workbook" / "vba").iterdir():
        assert "Zoomer Analytics" not in path.read_text(encoding="utf-8"), f"xlwings code copied into {path}"


def test_a_clash_is_refused():
    from renaksi_xl.xlsm.vba_project import VbaModule

    with pytest.raises(vba_sources.VbaSourceError, match="getconfig"):
        vba_sources.check_public_names(
            [
                VbaModule("A", "standard", "Function GetConfig()\nEnd Function\n"),
                VbaModule("B", "standard", "Public Function GetConfig(x)\nEnd Function\n"),
            ]
        )
    vba_sources.check_public_names(
        [  # private duplicates are fine
            VbaModule("A", "standard", "Private Sub Helper()\nEnd Sub\n"),
            VbaModule("B", "standard", "Private Sub Helper()\nEnd Sub\n"),
        ]
    )


def test_project_document_modules_match_codenames(built_workbook_master):
    wb = openpyxl.load_workbook(built_workbook_master, keep_vba=True)
    assert wb.code_name == layout.WORKBOOK_CODENAME
    for name in layout.SHEET_ORDER:
        assert wb[name].sheet_properties.codeName == layout.CODENAMES[name]
    with zipfile.ZipFile(built_workbook_master) as z:
        sources = read_module_sources(z.read("xl/vbaProject.bin"))
    for codename in [layout.WORKBOOK_CODENAME, *layout.CODENAMES.values()]:
        assert "VB_Base" in sources[codename] and strip_attributes(sources[codename])[0] == "document"


# --- buttons and dispatch ------------------------------------------------------------------
def _our_subs() -> dict[str, str]:
    subs = {}
    for m in vba_sources.our_modules():
        for name, params in vba_sources.procedures(m).items():
            subs[name] = params
    return subs


def test_every_button_is_in_the_file_and_bound_to_a_parameterless_sub(built_workbook_master):
    buttons = _vml_buttons(built_workbook_master)
    subs = _our_subs()
    tombol = next(m for m in vba_sources.our_modules() if m.name == "RenaksiTombol").code
    for b in layout.BUTTONS:
        assert (b.caption, f"[0]!{b.macro}") in buttons.get(b.sheet, []), b
        assert subs.get(b.macro) == "", f"{b.macro} is not a Sub without parameters"
        body = re.search(rf"Sub {b.macro}\(\)(.*?)End Sub", tombol, re.S).group(1)
        assert re.fullmatch(rf'\s*{vba_sources.DISPATCH_MACRO} "{re.escape(b.action)}"\s*', body), b.macro
    assert sum(len(v) for v in buttons.values()) == len(layout.BUTTONS)


def test_every_dispatch_target_is_a_python_function():
    macros = importlib.import_module(vba_sources.PYTHON_MODULE)
    for b in layout.BUTTONS:
        fn = getattr(macros, b.action.replace("-", "_"), None)
        assert callable(fn), f"{vba_sources.PYTHON_MODULE}.{b.action.replace('-', '_')} is missing"


def test_dispatch_uses_xlwings_entry_points_that_exist():
    inti = next(m for m in vba_sources.our_modules() if m.name == "RenaksiInti").code
    assert re.search(r"^\s*RunPython ", inti, re.M) and re.search(r"^\s*RunRemotePython ", inti, re.M)
    remote = next(m for m in vba_sources.xlwings_modules() if m.name == "Remote").code
    params = re.search(r"Function RunRemotePython\((.*?)\)\s*\n", remote, re.S).group(1)
    first_two = [p.strip().split()[0] for p in params.replace("_\n", "").split(",")][:2]
    assert first_two == ["url", "Optional"] and "auth As String" in params.split(",")[1]


def test_macros_python_calls_by_runmacro_take_the_workbook():
    subs = _our_subs()
    for name in ("Renaksi_HapusSorotan", "Renaksi_KunciLembar", "Renaksi_KunciRealisasi"):
        assert subs[name] == "wb As Workbook"
    assert subs[vba_sources.SELFTEST_MACRO] == ""


# --- layout in the file ------------------------------------------------------------------
def test_sheets_tables_and_names(built_workbook_master):
    wb = openpyxl.load_workbook(built_workbook_master, keep_vba=True)
    assert wb.sheetnames == list(layout.SHEET_ORDER)
    assert wb.active.title == layout.SHEET_BERANDA
    for name in layout.SHEET_ORDER:
        expected = "hidden" if name in layout.HIDDEN_SHEETS else "visible"
        assert wb[name].sheet_state == expected, name
    for spec in layout.TABLES.values():
        ws = wb[spec.sheet]
        assert spec.name in ws.tables, spec.name
        ref = ws.tables[spec.name].ref
        assert ref.startswith(cell_address(spec.header_row, spec.first_col) + ":"), (spec.name, ref)
        headers = [ws.cell(spec.header_row, spec.first_col + i).value for i in range(len(spec.columns))]
        assert headers == spec.headers
    for name, (sheet, address) in vba_sources.named_cells().items():
        dest = list(wb.defined_names[name].destinations)
        assert dest == [(sheet, f"${address[0]}${address[1:]}")], name


def _column_format(ws, index: int) -> str | None:
    """Number format of the column default style covering column `index` (XlsxWriter groups columns)."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.min <= index <= dim.max:
            return dim.number_format
    return None


def test_number_formats_codes_text_money_percent(built_workbook_master):
    wb = openpyxl.load_workbook(built_workbook_master)
    expected = {layout.CODE: "@", layout.MONEY: "#,##0", layout.PERCENT: "0.00"}
    for name in (layout.TBL_DPA, layout.TBL_RENCANA, layout.TBL_KINERJA, layout.TBL_LOG):
        spec = layout.table(name)
        ws = wb[spec.sheet]
        for i, c in enumerate(spec.columns):
            if c.kind in expected:
                cell = ws.cell(spec.header_row + 1, spec.first_col + i)
                assert cell.number_format == expected[c.kind], (name, c.header)
                assert _column_format(ws, cell.column) == expected[c.kind], (name, c.header, "column")
    setelan = layout.table(layout.TBL_SETELAN)
    ws = wb[setelan.sheet]
    values = {
        ws.cell(r, 1).value: ws.cell(r, 2).value
        for r in range(setelan.header_row + 1, setelan.header_row + 1 + len(layout.SETELAN_DEFAULTS))
    }
    assert values[layout.SET_TAHUN] == "2025" and values[layout.SET_MODE] == layout.MODE_LOKAL
    assert _column_format(wb[layout.SHEET_IMPOR], 1) == _column_format(wb[layout.SHEET_IMPOR], 200) == "@"


def test_default_rows_of_settings_roles_and_progress(built_workbook_master):
    from renaksi_xl.xlsm.workbook import default_rows

    wb = openpyxl.load_workbook(built_workbook_master)
    for name in (layout.TBL_PEJABAT, layout.TBL_PERAN_LANGKAH, layout.TBL_SETELAN, layout.TBL_PROGRES):
        spec = layout.table(name)
        ws = wb[spec.sheet]
        rows = default_rows(name)
        assert rows
        for i, row in enumerate(rows):
            got = [ws.cell(spec.header_row + 1 + i, spec.first_col + j).value for j in range(len(row))]
            assert got == [None if v == "" else v for v in row], (name, i)
    beranda = wb[layout.SHEET_BERANDA]
    assert beranda[layout.NAMED_CELLS["nmStatusDokumen"][1]].value == layout.STATUS_DRAF
    assert beranda[layout.NAMED_CELLS["nmUnit"][1]].value == "Kecamatan Neglasari"


def test_sop_sheet_is_the_whole_document(built_workbook_master):
    ws = openpyxl.load_workbook(built_workbook_master)[layout.SHEET_SOP]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    blob = "\n".join(texts)
    for item in (
        *sop.DASAR_HUKUM,
        *sop.KUALIFIKASI_PELAKSANA,
        *sop.KETERKAITAN,
        *sop.PERALATAN,
        sop.PERINGATAN,
        *sop.PENCATATAN,
        sop.PENCATATAN_CATATAN,
        sop.SOP_NUMBER,
        sop.SOP_TANGGAL_PENGESAHAN,
        sop.SOP_DISAHKAN_OLEH[1],
        sop.SOP_DISAHKAN_OLEH[2],
    ):
        assert item in blob, item[:60]
    # Each legal basis once (the printed SOP repeats its first one), numbered 1..n.
    for item in sop.DASAR_HUKUM:
        assert texts.count(item) == 1, item[:60]
    section = texts[texts.index("Dasar Hukum") + 1 : texts.index("Kualifikasi Pelaksana")]
    numbers = [t for t in section if t.endswith(".") and t[:-1].isdigit()]
    assert numbers == [f"{i}." for i in range(1, len(set(sop.DASAR_HUKUM)) + 1)]
    for heading in (
        "Dasar Hukum",
        "Kualifikasi Pelaksana",
        "Keterkaitan",
        "Peralatan/Perlengkapan",
        "Peringatan",
        "Pencatatan dan Pendataan",
        "Pelaksana",
        "Mutu Baku",
        "Kelengkapan",
        "Waktu",
        "Output",
    ):
        assert heading in texts, heading
    # the procedure table: one mark per step, in the column of its role
    header_row = next(c.row for row in ws.iter_rows() for c in row if c.value == layout.ROLE_CAMAT)
    role_col = {ws.cell(header_row, c).value: c for c in range(1, 10)}
    for step in sop.STEPS:
        row = next(c.row for r in ws.iter_rows() for c in r if c.value == step.uraian)
        marks = {role: ws.cell(row, role_col[role]).value for role in layout.ROLES}
        assert [r for r, v in marks.items() if v] == [step.role], step.number
        assert step.waktu.label() in [ws.cell(row, c).value for c in range(1, 10)]
    assert sop.TOTAL_TIME_LABEL == "4 hari 55 menit" and "4 hari 55 menit" in texts


def test_step_sheets_have_inputs_and_record_tables(built_workbook_master):
    wb = openpyxl.load_workbook(built_workbook_master)
    for n, sheet in layout.STEP_SHEETS.items():
        ws = wb[sheet]
        assert ws["A1"].value.startswith(f"Langkah {n}: ")
        for i, (label, name) in enumerate(vba_sources.step_inputs(n)):
            row = layout.INPUT_FIRST_ROW + i
            assert ws.cell(row, 2).value == label
            assert ws.cell(row, 3).protection.locked is False, (sheet, name)
            assert ws.cell(row, 3).number_format == "@"
        body = ws.cell(layout.STEP_TABLE_HEADER_ROW + 1, 1)
        assert body.protection.locked is not False
    assert ("inDisposisiIsi" in wb.defined_names) and ("inCatatan6" in wb.defined_names)


# --- guards ------------------------------------------------------------------------------
def _validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


def _dv_for(ws, cell: str):
    return [dv for dv in _validations(ws) if cell in dv.sqref]


def test_data_validation(built_workbook_master):
    wb = openpyxl.load_workbook(built_workbook_master)
    spec = layout.table(layout.TBL_RENCANA)
    ws = wb[spec.sheet]
    row = spec.header_row + 1

    def col(h):
        return cell_address(row, spec.first_col + spec.col_index(h))

    (sifat,) = _dv_for(ws, col("Sifat Target"))
    assert sifat.type == "list" and sifat.formula1 == '"' + ",".join(layout.SIFAT_TARGET) + '"'
    (fisik,) = _dv_for(ws, col(layout.FISIK_TW[2]))
    assert (fisik.type, fisik.operator or "between", fisik.formula1, fisik.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    (money,) = _dv_for(ws, col(layout.KEUANGAN_TW[3]))
    assert (money.type, money.operator, money.formula1) == ("decimal", "greaterThanOrEqual", "0")
    (pj,) = _dv_for(ws, col("Penanggung Jawab"))
    assert pj.formula1 == "lstNamaPejabat" and pj.errorStyle == "warning"
    assert wb.defined_names["lstNamaPejabat"].attr_text == f"{layout.TBL_PEJABAT}[Nama]"
    # guards reach far below the blank table, where rows will be added
    assert f"{row + 999}" in str(sifat.sqref)
    peng = wb[layout.SHEET_PENGATURAN]
    from renaksi_xl.xlsm.guards import setting_row

    (mode,) = _dv_for(peng, f"B{setting_row(layout.SET_MODE)}")
    assert mode.formula1 == '"Lokal,Server"'
    libur = layout.table(layout.TBL_LIBUR)
    (jenis,) = _dv_for(peng, cell_address(libur.header_row + 1, 3))
    assert jenis.formula1 == '"' + ",".join(layout.LIBUR_JENIS) + '"'
    for dv in (d for s in wb.worksheets for d in _validations(s)):
        assert dv.error and dv.prompt, "every rule explains itself in Indonesian"


def test_conditional_formats_for_plain_mistakes(built_workbook_master):
    wb = openpyxl.load_workbook(built_workbook_master)
    spec = layout.table(layout.TBL_RENCANA)
    ws = wb[spec.sheet]
    rules = {
        str(rng.sqref): [r.formula[0] for r in rs] for rng, rs in ws.conditional_formatting._cf_rules.items()
    }

    def col(h):
        return cell_address(spec.header_row + 1, spec.first_col + spec.col_index(h))[:-1].rstrip("0123456789")

    pagu, k4, f4 = col("Pagu (Rp)"), col(layout.KEUANGAN_TW[3]), col(layout.FISIK_TW[3])
    flat = [f for fs in rules.values() for f in fs]
    assert any(f"ROUND({k4}5,0)<>ROUND(${pagu}5,0)" in f for f in flat)
    assert any(f"{f4}5<>100" in f for f in flat)
    t2, t1 = col(layout.TARGET_TW[1]), col(layout.TARGET_TW[0])
    assert any(f"{t2}5<{t1}5" in f for f in flat)
    assert len(flat) >= 12


def test_protection_and_locked_cells(built_workbook_master):
    wb = openpyxl.load_workbook(built_workbook_master)
    for name in layout.SHEET_ORDER:
        protected = bool(wb[name].protection.sheet)
        assert protected == (name in vba_sources.ALWAYS_PROTECTED), name
        assert not wb[name].protection.password, f"{name}: no password"
    for name in (layout.SHEET_DPA, layout.SHEET_RENCANA, layout.SHEET_KINERJA):
        assert not wb[name].protection.sheet, f"{name} stays editable during the draft"
        assert name in vba_sources.LOCKED_AFTER_TETAPKAN
    sheet, address = layout.NAMED_CELLS["nmSelfTest"]
    assert wb[sheet][address].protection.locked is False, "the self-test writes its verdict there"


def test_page_setup_is_a4_with_headers_and_page_numbers(built_workbook_master):
    wb = openpyxl.load_workbook(built_workbook_master)
    for name in layout.SHEET_ORDER:
        if name in layout.HIDDEN_SHEETS:
            continue
        ws = wb[name]
        assert int(ws.page_setup.paperSize) == 9, name  # A4
        assert ws.page_setup.orientation == "landscape", name
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert "Kecamatan Neglasari" in ws.oddHeader.left.text
    assert wb[layout.SHEET_BERANDA].print_area and wb[layout.SHEET_SOP].print_area
    for spec in (layout.table(layout.TBL_RENCANA), layout.table(layout.TBL_LOG)):
        assert wb[spec.sheet].print_title_rows == f"${spec.header_row}:${spec.header_row}"


# --- openpyxl round trip -----------------------------------------------------------------------
def test_openpyxl_round_trip_keeps_vba_buttons_and_codenames(built_workbook_master, tmp_path):
    out = tmp_path / "rt.xlsm"
    wb = openpyxl.load_workbook(built_workbook_master, keep_vba=True)
    wb[layout.SHEET_RENCANA]["A5"] = "7.01.01.2.01.0001"
    wb.save(out)
    with zipfile.ZipFile(built_workbook_master) as a, zipfile.ZipFile(out) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")
        ct = b.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in ct
    assert _vml_buttons(out) == _vml_buttons(built_workbook_master)
    back = openpyxl.load_workbook(out, keep_vba=True)
    assert back.code_name == layout.WORKBOOK_CODENAME
    assert {n: back[n].sheet_properties.codeName for n in layout.SHEET_ORDER} == layout.CODENAMES


def test_layout_module_carries_the_layout():
    code = vba_sources.layout_module_code()
    for name in layout.SHEET_ORDER:
        assert f"{name}:{layout.CODENAMES[name]}" in code
    for spec in layout.TABLES.values():
        assert ";".join(spec.headers) in code
    assert f'RX_IMPOR_MARKER As String = "{layout.IMPOR_MARKER}"' in code
    assert all(len(line) <= 1000 for line in code.splitlines())


# --- looks: print layout, fingerprints, buttons ---------------------------------------------
def test_wide_sheets_break_between_column_groups_at_a_fixed_scale(built_workbook_master):
    from renaksi_xl.xlsm.sheets import PLAN_SECOND_PAGE

    wb = openpyxl.load_workbook(built_workbook_master)
    for sheet, header in PLAN_SECOND_PAGE.items():
        ws = wb[sheet]
        spec = next(t for t in layout.TABLES.values() if t.sheet == sheet)
        assert [b.id for b in ws.col_breaks.brk] == [spec.first_col - 1 + spec.col_index(header)], sheet
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, f"{sheet}: Excel ignores breaks under fit-to"
        assert 50 <= ws.page_setup.scale < 100, sheet
        assert ws.print_title_cols == "$A:$B", sheet
    sop_ws = wb[layout.SHEET_SOP]
    assert len(sop_ws.row_breaks.brk) == 1 and not sop_ws.sheet_properties.pageSetUpPr.fitToPage
    heading = next(c for c in sop_ws["A"] if c.value == "Keterkaitan")
    assert sop_ws.row_breaks.brk[0].id == heading.row - 1, "the second SOP page starts at Keterkaitan"


def test_fingerprints_are_clipped_not_spilled(built_workbook_master):
    wb = openpyxl.load_workbook(built_workbook_master)
    for spec in [
        layout.table(layout.TBL_LOG),
        *(layout.table(layout.step_table(n)) for n in layout.STEP_SHEETS),
    ]:
        for header in spec.headers:
            cell = wb[spec.sheet].cell(spec.header_row + 1, spec.first_col + spec.col_index(header))
            # the signature columns (issue 14) hold long codes too
            if header.startswith("Sidik") or header in (layout.H_TTD_DIGITAL, layout.H_SERTIFIKAT):
                assert cell.alignment.horizontal == "fill" and cell.number_format == "@", (spec.name, header)
            else:
                assert cell.alignment.horizontal != "fill"


def test_beranda_buttons_stay_inside_their_columns(built_workbook_master):
    with zipfile.ZipFile(built_workbook_master) as z:
        vml = z.read("xl/drawings/vmlDrawing1.vml").decode()
    anchors = re.findall(r"<x:Anchor>\s*([\d,\s]+)</x:Anchor>", vml)
    captions = re.findall(r"<font[^>]*>(.*?)</font>", vml, re.S)
    beranda = [b.caption for b in layout.BUTTONS if b.sheet == layout.SHEET_BERANDA]
    assert captions == beranda
    for caption, anchor in zip(captions, anchors):
        col0, _x0, _row0, _y0, col1, _x1, _row1, _y1 = (int(v) for v in anchor.split(","))
        assert col0 == col1, f"button {caption!r} runs into the next column"


def test_table_rows_that_python_fills_keep_automatic_height(built_workbook_master):
    """A set height stops Excel from growing a row when a longer text is written into it."""
    wb = openpyxl.load_workbook(built_workbook_master)
    spec = layout.table(layout.TBL_PROGRES)
    ws = wb[spec.sheet]
    for step in range(1, len(sop.STEPS) + 1):
        dim = ws.row_dimensions[spec.header_row + step]
        uraian = sop.step(step).uraian
        assert bool(dim.customHeight) == (len(uraian) > 45), (step, dim.height)
