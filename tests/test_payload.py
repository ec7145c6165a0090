"""The payload reader on damaged workbook parts: a clear WorkbookError, not a crash."""

from __future__ import annotations

import re
import zipfile

import pytest

from renaksi_xl import headless
from renaksi_xl.tables import WorkbookError


def _rewrite(src, dst, part: str, fix) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, fix(data) if info.filename == part else data)


def test_a_table_with_an_unreadable_address_is_named(built_workbook, tmp_path):
    damaged = tmp_path / "rusak.xlsm"
    _rewrite(
        built_workbook,
        damaged,
        "xl/tables/table1.xml",
        lambda d: re.sub(rb'ref="[^"]*"', b'ref="X"', d, count=1),
    )
    with pytest.raises(WorkbookError) as err:
        headless.payload_from_file(damaged)
    assert "tblProgres" in err.value.message and "('X')" in err.value.message


def test_a_sheet_whose_relationship_lost_its_target_is_named(built_workbook, tmp_path):
    damaged = tmp_path / "rusak.xlsm"
    _rewrite(
        built_workbook,
        damaged,
        "xl/_rels/workbook.xml.rels",
        lambda d: d.replace(b' Target="worksheets/sheet16.xml"', b""),
    )
    with pytest.raises(WorkbookError) as err:
        headless.payload_from_file(damaged)
    # the sheet is named, not Python's complaint about a missing attribute
    assert "rusak.xlsm" in err.value.message and "lembar '" in err.value.message
    assert "NoneType" not in err.value.message


def _sheet_with_table_parts(tmp_path, tail: str):
    import zipfile

    from renaksi_xl.payload import TABLE_REL_TYPE

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = f'<worksheet xmlns="{main}" xmlns:r="{rel}"><sheetData/>{tail}</worksheet>'
    path = tmp_path / "t.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return path, {"rId1": TABLE_REL_TYPE, "rId2": TABLE_REL_TYPE}


def test_table_parts_end_tag_may_carry_a_space(tmp_path):
    import zipfile

    from renaksi_xl.payload import _table_part_ids

    tail = '<tableParts count="2"><tablePart r:id="rId2"/><tablePart r:id="rId1"/></tableParts >'
    path, types = _sheet_with_table_parts(tmp_path, tail)
    with zipfile.ZipFile(path) as zf:
        assert _table_part_ids(zf, "xl/worksheets/sheet1.xml", types) == ["rId2", "rId1"]


def test_thousands_of_unclosed_table_parts_are_one_search_not_a_hang(tmp_path):
    """Each start used to be retried to the end of the file (a 225 KB sheet took 68 s): now the first
    start is taken and its end looked for once; without one, the sheet names no tables."""
    import zipfile
    from xml.etree import ElementTree as ET

    from renaksi_xl.payload import _table_part_ids

    path, types = _sheet_with_table_parts(tmp_path, "<tableParts>" * 20_000)
    with zipfile.ZipFile(path) as zf:
        assert _table_part_ids(zf, "xl/worksheets/sheet1.xml", types) == []
    # with a few end tags the cut is not well formed: a parse error, which the readers report as 'rusak'
    path, types = _sheet_with_table_parts(tmp_path, "<tableParts>" * 20_000 + "</tableParts >" * 3)
    with zipfile.ZipFile(path) as zf, pytest.raises(ET.ParseError):
        _table_part_ids(zf, "xl/worksheets/sheet1.xml", types)
