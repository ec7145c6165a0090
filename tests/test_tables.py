"""tables.read_table on the remote engine gives exactly what `Range.value` gives.

read_table reads a table's cells with one `raw_value` and converts only the
strings the remote engine's converter changes; these tests hold it to the
engine's own `Range.value` (with `ndim=2`, blank rows dropped) on a real
built workbook, for every kind of cell and for tables of one row or column.
"""

from __future__ import annotations

import datetime as dt

import pytest

from renaksi_xl import headless, layout, tables

LIBUR = layout.TBL_LIBUR


def reference(book, name: str, *, check_headers: bool = True) -> tuple[list, list, list]:
    """(header, rows, excel rows) straight from xlwings' `Range.value`: the behaviour to keep."""
    tbl = tables._table(book, layout.table(name))
    header = [("" if h is None else str(h).strip()) for h in tbl.header_row_range.options(ndim=2).value[0]]
    body = tbl.data_body_range
    rows, excel_rows = [], []
    if body is not None:
        for i, row in enumerate(body.options(ndim=2).value):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            rows.append(list(row))
            excel_rows.append(body.row + i)
    return header, rows, excel_rows


def assert_same_as_range_value(book, name: str, *, check_headers: bool = True) -> tables.TableData:
    data = tables.read_table(book, name, check_headers=check_headers)
    header, rows, excel_rows = reference(book, name)
    assert data.header == header
    assert data.excel_rows == excel_rows
    assert data.rows == rows
    # same types too (== would let 1 == 1.0 and a date string pass)
    assert [[type(v) for v in r] for r in data.rows] == [[type(v) for v in r] for r in rows]
    return data


@pytest.fixture
def libur_book(built_workbook):
    """tblLibur holding every kind of cell, written through the headless engine."""
    rows = [
        [dt.datetime(2025, 1, 1), "Tahun Baru", "Libur"],
        ["2025-03-31T09:30:00", 7, 2.5],  # the VBA client stores ISO text as a datetime; an int, a float
        [None, "7.01.01.2.01.0001", "-"],  # empty, a code, a dash
        [None, None, None],  # blank row: dropped
        ["#N/A", "   ", "2025-06-01T00:00:00.000Z"],  # error text, spaces, ISO text
        ["Tanpa tanggal", -3, "T"],
    ]
    headless.run_on_file(built_workbook, lambda b: tables.write_table(b, LIBUR, rows))
    return built_workbook


def test_every_kind_of_cell_reads_as_range_value(libur_book):
    book = headless.open_book(libur_book)
    data = assert_same_as_range_value(book, LIBUR)
    first = data.excel_rows[0]
    assert data.rows[0] == [dt.datetime(2025, 1, 1), "Tahun Baru", "Libur"]  # a date cell -> datetime
    assert data.rows[1] == [dt.datetime(2025, 3, 31, 9, 30), 7, 2.5]
    assert type(data.rows[1][1]) is int
    assert data.rows[2] == [None, "7.01.01.2.01.0001", "-"]
    assert data.excel_rows == [first, first + 1, first + 2, first + 4, first + 5]
    assert data.rows[3][0] is None  # an error value reads as empty, as xlwings does
    assert data.rows[3][2] == dt.datetime(2025, 6, 1)
    assert data.rows[4] == ["Tanpa tanggal", -3, "T"]


def test_built_workbook_tables_read_as_range_value(built_workbook):
    book = headless.open_book(built_workbook)
    for name in layout.TABLES:
        assert_same_as_range_value(book, name)


def test_one_row_table(built_workbook):
    headless.run_on_file(
        built_workbook,
        lambda b: tables.write_table(b, LIBUR, [[dt.datetime(2025, 8, 17), "HUT RI", "Libur"]]),
    )
    book = headless.open_book(built_workbook)
    data = assert_same_as_range_value(book, LIBUR)
    assert data.rows == [[dt.datetime(2025, 8, 17), "HUT RI", "Libur"]]


def test_one_column_table(libur_book):
    """A table the user shrank to its first column (xlwings squeezes such a range to 1-D)."""
    payload = headless.payload_from_file(libur_book)
    sheet = next(s for s in payload["sheets"] if s["name"] == layout.SHEET_PENGATURAN)
    table = next(t for t in sheet["tables"] if t["name"] == LIBUR)
    for key in ("range_address", "header_row_range_address", "data_body_range_address"):
        first, _, last = table[key].partition(":")
        table[key] = f"{first}:{last.replace('$C$', '$A$')}"
    book = headless.book_from_payload(payload)
    data = assert_same_as_range_value(book, LIBUR, check_headers=False)
    assert data.header == ["Tanggal"]
    assert data.rows[:2] == [[dt.datetime(2025, 1, 1)], [dt.datetime(2025, 3, 31, 9, 30)]]


def test_empty_body_gives_no_rows(built_workbook):
    book = headless.open_book(built_workbook)
    data = tables.read_table(book, layout.TBL_TEMUAN)
    assert data.rows == [] and data.excel_rows == []


def test_other_engines_read_through_range_value(libur_book, monkeypatch):
    """Engines other than the remote one take `Range.value` itself; same result."""
    book = headless.open_book(libur_book)
    fast = tables.read_table(book, LIBUR)
    monkeypatch.setattr(tables, "_is_remote", lambda book: False)
    slow = tables.read_table(book, LIBUR)
    assert (slow.header, slow.rows, slow.excel_rows) == (fast.header, fast.rows, fast.excel_rows)
