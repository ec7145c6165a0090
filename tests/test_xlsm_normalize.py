"""A workbook rewritten by an action keeps the parts the build wrote, as Excel writes them."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree as ET

from renaksi_xl import headless, layout
from renaksi_xl.xlsm_normalize import _PRINT_NAME, _print_name, _relationships, _worksheet

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _header_footer(sheet_xml: bytes) -> dict[str, str]:
    hf = ET.fromstring(sheet_xml).find(f"{MAIN}headerFooter")
    return {} if hf is None else {child.tag: child.text or "" for child in hf}


def _targets(rels_xml: bytes) -> set[tuple[str, str, str | None]]:
    # openpyxl writes text as inline strings, so it has no shared-strings part
    # (Excel reads inline strings; nothing to normalize there).
    return {
        (r.get("Type"), r.get("Target"), r.get("TargetMode"))
        for r in ET.fromstring(rels_xml).findall(f"{REL}Relationship")
        if not r.get("Type", "").endswith("/sharedStrings")
    }


def _print_names(workbook_xml: bytes) -> dict[tuple[str, str | None], str]:
    return {
        (d.get("name"), d.get("localSheetId")): d.text
        for d in ET.fromstring(workbook_xml).iter(f"{MAIN}definedName")
        if d.get("name", "").startswith("_xlnm.Print_")
    }


def test_an_action_keeps_the_blanks_parts_as_excel_writes_them(built_workbook_master, built_workbook):
    blank = _parts(built_workbook_master)

    def act(book):
        sheet = book.sheets[layout.SHEET_ORDER[0]]
        sheet["A1"].value = "x"  # a cell the blank leaves empty: written, then emptied
        sheet["A1"].value = None

    headless.run_on_file(built_workbook, act)
    saved = _parts(built_workbook)

    sheets = [n for n in blank if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
    assert sheets
    # Header/footer codes as the build wrote them: '&9Rencana', not '&9 Rencana'.
    assert any(_header_footer(blank[n]) for n in sheets)
    for name in sheets:
        assert _header_footer(saved[name]) == _header_footer(blank[name]), name
    # Relationship targets relative to their part, as in the blank (ExcelJS needs that).
    for name in [n for n in blank if n.endswith(".rels")]:
        assert _targets(saved[name]) == _targets(blank[name]), name
    # Print titles columns first, sheet names quoted only where they must be.
    assert _print_names(saved["xl/workbook.xml"]) == _print_names(blank["xl/workbook.xml"])
    # An emptied cell is an empty cell, not an empty inline string.
    first = ET.fromstring(saved["xl/worksheets/sheet1.xml"])
    for cell in first.iter(f"{MAIN}c"):
        if len(cell) == 0:
            assert cell.get("t") is None, cell.get("r")


def test_header_footer_keeps_a_needed_space_and_literal_ampersands():
    xml = (
        b"<worksheet><headerFooter><oddHeader>&amp;C&amp;9 2025 &amp;&amp;9 x&amp;R&amp;12 Teks</oddHeader>"
        b"<evenHeader /><firstFooter/></headerFooter></worksheet>"
    )
    assert _worksheet(xml) == (
        b"<worksheet><headerFooter><oddHeader>&amp;C&amp;9 2025 &amp;&amp;9 x&amp;R&amp;12Teks</oddHeader>"
        b"</headerFooter></worksheet>"
    )


def test_relationships_external_targets_untouched_internal_ones_relative():
    rels = (
        b'<Relationships><Relationship Id="rId1" Type="t" Target="/xl/tables/table1.xml"/>'
        b'<Relationship Id="rId2" Type="h" Target="/data/x.xlsx" TargetMode="External"/></Relationships>'
    )
    fixed = _relationships("xl/worksheets/_rels/sheet1.xml.rels")(rels)
    assert b'Target="../tables/table1.xml"' in fixed
    assert b'Target="/data/x.xlsx" TargetMode="External"' in fixed
    root = _relationships("_rels/.rels")(b'<Relationship Id="rId1" Target="/xl/workbook.xml"/>')
    assert root == b'<Relationship Id="rId1" Target="xl/workbook.xml"/>'


def test_print_titles_quote_only_the_sheet_names_that_need_it():
    def fix(text: str) -> str:
        xml = f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{text}</definedName>'.encode()
        return _PRINT_NAME.sub(_print_name, xml).decode().split(">")[1].split("<")[0]

    assert fix("'DPA'!$4:$4,'DPA'!$A:$B") == "DPA!$A:$B,DPA!$4:$4"
    for name in ("'Rencana Aksi'", "'A1'", "'2025'", "'R1C1'", "'TRUE'", "'Bu''s'", "'Data,2'"):
        assert fix(f"{name}!$1:$1") == f"{name}!$1:$1"
