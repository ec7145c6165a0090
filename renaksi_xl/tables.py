"""Read and write the workbook's Excel tables through an `xlwings.Book`.

Every macro works on an `xlwings.Book`, whatever engine is behind it (desktop
Excel, the remote engine fed by the VBA client, or the headless runner).  This
module is the one place that turns a table into rows and back, so all three
engines and all features read the workbook the same way.

Only operations the xlwings VBA client can replay are used: `setValues`,
`rangeClearContents`, `resizeTable` (see design.md section 3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from . import layout
from .errors import InputError
from .layout import TableSpec


class WorkbookError(InputError):
    """The workbook is not usable as a Rencana Aksi workbook (message in Indonesian)."""


def col_letter(col: int) -> str:
    """1-based column number -> Excel letters (1 -> A, 27 -> AA)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_number(letters: str) -> int:
    """Excel letters -> 1-based column number (A -> 1, AA -> 27), in either case."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


def cell_address(row: int, col: int) -> str:
    """1-based row/col -> 'B7'."""
    return f"{col_letter(col)}{row}"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class TableData:
    """The data rows of one table, with enough position to name any cell."""

    spec: TableSpec
    header: list[str]  # headers as found in the sheet
    rows: list[list[Any]]  # data rows, fully blank rows dropped
    excel_rows: list[int]  # 1-based Excel row of each kept row
    first_col: int  # 1-based Excel column of the table's first column

    def col(self, header: str) -> int:
        """0-based index of a column, by its header."""
        return self.header.index(header)

    def address(self, row_index: int, header: str) -> str:
        """Cell address ('M7') of a value: row_index into `rows`, header of the column."""
        return cell_address(self.excel_rows[row_index], self.first_col + self.col(header))

    def value(self, row: Sequence[Any], header: str) -> Any:
        """The cell of `row` under `header`; None when the (optional) column is absent."""
        try:
            return row[self.header.index(header)]
        except ValueError:
            return None

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.header, r)) for r in self.rows]

    def to_frame(self):
        """A pandas DataFrame of the rows; index is the Excel row number."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.header, index=self.excel_rows, dtype=object)


def _sheet(book, name: str):
    try:
        return book.sheets[name]
    except Exception as exc:  # xlwings raises different errors per engine
        raise WorkbookError(f"Lembar '{name}' tidak ditemukan di buku kerja.") from exc


def _table(book, spec: TableSpec):
    """The table; a step table of a workbook built from another SOP may sit on another sheet."""
    try:
        sheet = _sheet(book, spec.sheet) if spec.sheet else None
    except WorkbookError:
        if not spec.name.startswith("tblLangkah"):
            raise
        sheet = None
    for t in sheet.tables if sheet is not None else ():
        if t.name == spec.name:
            return t
    if spec.name.startswith("tblLangkah"):
        for other in book.sheets:
            for t in other.tables:
                if t.name == spec.name:
                    return t
    raise WorkbookError(
        f"Tabel '{spec.name}' tidak ditemukan di lembar '{spec.sheet}'. "
        "Buku kerja ini mungkin bukan buku kerja Rencana Aksi atau tabelnya terhapus."
    )


def read_table(book, name: str, *, check_headers: bool = True) -> TableData:
    """Read the data body of table `name`; blank rows are skipped.

    With `check_headers`, every header the layout requires must be present
    (extra columns are allowed, optional ones may be absent: see `value`),
    otherwise WorkbookError names the missing ones.
    Values are what `Range.value` gives on the book's engine (dates as datetimes).
    """
    spec = layout.table(name)
    tbl = _table(book, spec)
    if spec.name.startswith("tblLangkah") and tbl.parent.name != spec.sheet:
        spec = replace(spec, sheet=tbl.parent.name)
    header_range = tbl.header_row_range
    body = tbl.data_body_range
    if _is_remote(book):
        header_values, body_values = _remote_values(tbl.parent, header_range, body)
    else:
        header_values = _as_row(header_range.value)
        body_values = None
        if body is not None:
            values = body.value
            if values is not None:
                body_values = _as_grid(values, header_range.shape[1])
    header = [("" if h is None else str(h).strip()) for h in header_values]
    if check_headers:
        missing = [h for h in spec.required_headers if h not in header]
        if missing:
            raise WorkbookError(
                f"Tabel '{spec.name}' (lembar '{spec.sheet}') tidak memiliki kolom: "
                + ", ".join(f"'{m}'" for m in missing)
                + ". Jangan mengganti nama judul kolom."
            )
    first_row = header_range.row + 1
    first_col = header_range.column
    ncols = len(header)
    rows: list[list[Any]] = []
    excel_rows: list[int] = []
    for i, row in enumerate(body_values or ()):
        if len(row) != ncols:
            row = (list(row) + [None] * ncols)[:ncols]
        for v in row:  # keep the row unless every cell is blank
            if v is not None and (type(v) is not str or v.strip()):
                rows.append(list(row))
                excel_rows.append(first_row + i)
                break
    return TableData(spec, header, rows, excel_rows, first_col)


def _is_remote(book) -> bool:
    try:
        return book.app.engine.type == "remote"
    except Exception:  # pragma: no cover - engines without that attribute
        return False


def _remote_values(sheet, header_range, body) -> tuple[list, list[list] | None]:
    """Header row and body of a table on the remote engine, as `Range.value` gives them.

    `Range.value` copies the sheet's whole value grid on every call and runs
    xlwings' converter over every cell; here one `raw_value` read covers header
    and body, and only the strings that the converter can change (empty, ISO
    date shaped, error values) go through the remote engine's own cell
    converter.  Numbers, None and ordinary text pass unchanged, as they do in
    `Range.value`.
    """
    last = body if body is not None else header_range
    grid = sheet.range(
        (header_range.row, header_range.column),
        (last.row + last.shape[0] - 1, header_range.column + header_range.shape[1] - 1),
    ).raw_value
    header = _remote_clean_row(grid[0])
    if body is None:
        return header, None
    offset = body.row - header_range.row
    return header, [_remote_clean_row(row) for row in grid[offset : offset + body.shape[0]]]


def _remote_clean_row(row) -> list:
    """The remote engine's `Range.value` conversion of one raw row (default options)."""
    start = _CONVERTIBLE_START
    return [(v if v and v[0] not in start else _remote_clean_text(v)) if type(v) is str else v for v in row]


# Only empty strings, ISO datetimes ('2025-01-06T00:00:00.000Z', a year may be
# signed) and error values ('#N/A') are changed by the converter.
_CONVERTIBLE_START = frozenset("-#0123456789")


def _remote_clean_text(text: str) -> Any:
    if not text:
        return None  # empty cell: `empty=None`
    if text[0] != "#" and "T" not in text:
        return text  # a code such as 7.01.01.2.01.0001: no datetime without a 'T'
    from xlwings.pro._xlremote import _clean_value_data_element  # xlwings is pinned exactly

    return _clean_value_data_element(text, dt.datetime, None, None, False)


def _as_row(value) -> list:
    if isinstance(value, list):
        return value
    return [value]


def _as_grid(value, ncols: int) -> list[list]:
    """xlwings collapses 1-row or 1-col ranges; bring it back to a 2-D list."""
    if not isinstance(value, list):
        return [[value]]
    if value and not isinstance(value[0], list):
        return [value] if ncols > 1 else [[v] for v in value]
    return value


def write_table(
    book, name: str, rows: Sequence[Sequence[Any]], *, columns: Sequence[str] | None = None
) -> None:
    """Replace the data rows of table `name` with `rows` and resize the table.

    `rows` follow the layout's column order, or `columns` when given (a subset;
    other columns are left blank).  The table keeps at least one (blank) data
    row, as Excel requires.  Rows below the new end that belonged to the old
    table are cleared.
    """
    spec = layout.table(name)
    tbl = _table(book, spec)
    sheet = tbl.parent if hasattr(tbl, "parent") else _sheet(book, spec.sheet)
    header_range = tbl.header_row_range
    header = [("" if h is None else str(h).strip()) for h in _as_row(header_range.value)]
    ncols = len(header)
    order = list(columns) if columns is not None else spec.headers
    optional = {c.header for c in spec.columns if c.optional}
    # (position in the sheet, position in the row); an optional column the sheet lacks is skipped
    pairs = [(header.index(h), k) for k, h in enumerate(order) if h in header or h not in optional]
    grid = []
    for r in rows:
        out = [None] * ncols
        for pos, k in pairs:
            if k < len(r):
                out[pos] = r[k]
        grid.append(out)
    hr, hc = header_range.row, header_range.column
    old_body = tbl.data_body_range
    old_last = old_body.last_cell.row if old_body is not None else hr + 1
    n = max(len(grid), 1)
    new_last = hr + n
    if old_last > new_last:
        sheet.range((new_last + 1, hc), (old_last, hc + ncols - 1)).clear_contents()
    if grid:
        sheet.range((hr + 1, hc)).value = grid
    else:
        sheet.range((hr + 1, hc), (hr + 1, hc + ncols - 1)).clear_contents()
    tbl.resize(sheet.range((hr, hc), (new_last, hc + ncols - 1)))


def append_rows(book, name: str, rows: Iterable[Sequence[Any]]) -> None:
    """Append rows at the end of a table (the Log is append-only)."""
    existing = read_table(book, name, check_headers=False)
    write_table(book, name, [*existing.rows, *[list(r) for r in rows]], columns=existing.header)


def named_range(book, name: str):
    """The Range of a workbook-scope defined name from layout.NAMED_CELLS."""
    sheet, address = layout.NAMED_CELLS[name]
    return _sheet(book, sheet)[address]


def read_settings(book) -> dict[str, Any]:
    """tblSetelan as {Setelan: Nilai}."""
    data = read_table(book, layout.TBL_SETELAN)
    k, v = data.col("Setelan"), data.col("Nilai")
    return {str(r[k]).strip(): r[v] for r in data.rows if r[k] is not None}


def write_setting(book, key: str, value: Any) -> None:
    """Set one value in tblSetelan (the key must exist)."""
    data = read_table(book, layout.TBL_SETELAN)
    k = data.col("Setelan")
    for i, r in enumerate(data.rows):
        if str(r[k]).strip() == key:
            addr = data.address(i, "Nilai")
            _sheet(book, data.spec.sheet)[addr].value = value
            return
    raise WorkbookError(f"Setelan '{key}' tidak ada di tabel {layout.TBL_SETELAN} (lembar Pengaturan).")


def saved_workbook_path(book, instead: str):
    """The workbook's file on this machine, for buttons that write beside it (PDF, email).

    In server mode the server never sees the user's disk; `instead` says what to do then.
    """
    from pathlib import Path

    path = Path(str(book.fullname or ""))
    if not path.is_file():
        raise WorkbookError(
            f"Buku kerja harus tersimpan di komputer ini (mode Lokal) untuk tombol ini; {instead} "
            "Simpan buku kerja lalu coba lagi."
        )
    return path
