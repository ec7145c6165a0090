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
