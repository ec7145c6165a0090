"""Tables of a workbook file, read-only and without the remote engine.

For commands that only read a few big tables (`renaksi-xl capaian` on a city-scale
plan): where the tables are comes from the workbook XML as for the VBA client's
payload (renaksi_xl.payload), the values straight from python-calamine.  Actions
never use this: they read through `tables.read_table` on a Book.

The file is untrusted, so it is read within the limits of renaksi_xl.readlimits:
the zip's sizes, each XML part's size, each table's range, and each sheet's
furthest cell before python-calamine builds its grid.  The extent check is two
regular-expression scans over the sheet's XML (rows, then cells' columns and
rows), which costs little next to calamine; a sheet with cells placed without a
reference goes through `readlimits.scan_sheet`, which accounts for them.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree as ET

from .payload import NS, R_ID, _not_a_workbook_message, _rels, _split_ref, _table_part_ids, _table_payload
from .tables import WorkbookError

_CELL_TAG = re.compile(rb"<c[ >/]")
_PREFIXED_CELL = re.compile(rb":c[ >/]")  # a cell element written with a namespace prefix
_REF_COLUMN = re.compile(rb' r="([A-Z]{1,4})[0-9]')
_REF_WIDE_COLUMN = re.compile(rb' r="([A-Z]{2,4})[0-9]')  # column AA or further
_REF_FAR_ROW = re.compile(rb' r="[A-Z]{1,4}([0-9]{5,8})"')  # row 10,000 or further
_REF_FULL = re.compile(rb' r="([A-Z]{1,4})([0-9]{1,8})"')
NEAR_ROWS = 9_999  # the furthest row a reference of at most four digits can name
NEAR_COLS = 26  # the furthest column a one-letter reference can name (Z)


def read_tables(path: str | os.PathLike, names: Iterable[str]):
    """{name: tables.TableData} of a workbook file, read-only, without the remote engine.

    Values come straight from python-calamine (numbers as floats, empty cells as
    '' or None: readers accept both); blank rows are dropped as `tables.read_table`
    drops them.  A missing sheet, table or required header, a damaged file, or a
    file beyond a reading limit is a WorkbookError (exit 2) naming it.
    """
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"Berkas '{path}' tidak ditemukan.")
    where = ["struktur berkas"]
    try:
        return _read(path, list(names), where)
    except WorkbookError:
        raise
    except MemoryError as exc:
        raise WorkbookError(
            f"Berkas '{path}' terlalu besar untuk dibaca ({where[0]}); minta pengirim menyimpan ulang dari Excel."
        ) from exc
    except Exception as exc:  # zip, XML, calamine: whatever a damaged file makes them raise
        detail = str(exc).strip() or type(exc).__name__
        raise WorkbookError(
            f"Berkas '{path}' rusak ({where[0]}): isinya tidak terbaca ({detail[:120]}). "
            "Buka dan simpan ulang di Excel (atau minta pengirim mengirim ulang), lalu ulangi."
        ) from exc


def _read(path: Path, names: list[str], where: list[str]):
    from python_calamine import load_workbook

    from . import layout, readlimits
    from .tables import TableData

    specs = [layout.table(n) for n in names]
    wanted = {spec.sheet for spec in specs}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(_not_a_workbook_message(path)) from exc
    found: dict[str, dict] = {}
    sheet_names: list[str] = []
    with zf:
        readlimits.check_archive(zf, path)

        def xml(name: str) -> ET.Element:
            where[0] = f"bagian {name}"
            return ET.fromstring(readlimits.read_part(zf, name, path))

        try:
            wb_xml = xml("xl/workbook.xml")
        except KeyError as exc:
            raise WorkbookError(_not_a_workbook_message(path)) from exc
        wb_rels = _rels(zf, "xl/workbook.xml", read=xml)
        for el in wb_xml.findall("m:sheets/m:sheet", NS):
            name = el.get("name") or ""
            sheet_names.append(name)
            if name not in wanted:
                continue
            part = wb_rels.get(el.get(R_ID) or "", "")
            types: dict[str, str] = {}
            rels = _rels(zf, part, types, read=xml)
            for rid in _table_part_ids(zf, part, types):
                table = _table_payload(xml(rels[rid]), name, path)
                found[table["name"]] = {**table, "sheet": name}
            where[0] = f"lembar '{name}' ({part})"
            _check_extent(readlimits.read_part(zf, part, path), name, path)
    for spec in specs:
        if spec.sheet not in sheet_names:
            raise WorkbookError(f"Lembar '{spec.sheet}' tidak ditemukan di buku kerja.")
        if spec.name not in found or found[spec.name]["sheet"] != spec.sheet:
            raise WorkbookError(
                f"Tabel '{spec.name}' tidak ditemukan di lembar '{spec.sheet}'. "
                "Buku kerja ini mungkin bukan buku kerja Rencana Aksi atau tabelnya terhapus."
            )
    where[0] = "isi lembar (python-calamine)"
    cal = load_workbook(str(path))
    grids = {}
    for sheet in wanted:
        where[0] = f"lembar '{sheet}'"
        grids[sheet] = cal.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return {
        spec.name: _table_from_grid(spec, found[spec.name], grids[spec.sheet], TableData) for spec in specs
    }


def _every_cell_has_its_reference_first(data: bytes) -> bool:
    """Every <c> element starts with its r="..." attribute, as Excel, XlsxWriter and openpyxl write it;
    anything else (no reference, another order, a namespace prefix) is False."""
    return len(_CELL_TAG.findall(data)) == data.count(b'<c r="') and _PREFIXED_CELL.search(data) is None


def _check_extent(data: bytes, sheet: str, path) -> None:
    """The sheet's furthest cell within readlimits' grid limits, before calamine allocates the grid.

    Cheap first: only references with two or more column letters, or five or more row
    digits, are read; the others are bounded by column Z and row 9,999.  Only when
    those bounds could break a limit is every reference read, so a refusal names the
    real furthest cell.  A sheet with cells placed by position goes through
    `readlimits.scan_sheet`, which accounts for them.
    """
    from . import readlimits

    if not _every_cell_has_its_reference_first(data):
        readlimits.scan_sheet(data, sheet, path, [])  # the careful scan: it counts cells placed by position
        return
    wide = set(_REF_WIDE_COLUMN.findall(data))
    far_rows = set(_REF_FAR_ROW.findall(data))
    far_col = max(map(_col_number_bytes, wide), default=NEAR_COLS)
    far_row = max(map(int, far_rows), default=NEAR_ROWS)
    if (
        far_col <= readlimits.MAX_COLS
        and far_row <= readlimits.MAX_ROWS
        and far_col * far_row <= readlimits.MAX_CELLS
    ):
        return  # within the limits even at the bounds
    letters = max(set(_REF_COLUMN.findall(data)), key=lambda c: (len(c), c), default=b"")
    far_col = _col_number_bytes(letters) if letters else 0
    far_row = max((int(r) for _c, r in _REF_FULL.findall(data)), default=0)
    readlimits._check_extent(
        path, sheet, far_row, f"baris {far_row}", far_col, f"kolom {letters.decode() or '-'}"
    )


def _col_number_bytes(letters: bytes) -> int:
    return _col_number(letters.decode())


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _table_from_grid(spec, table: dict, grid: list, table_data):
    (c1, r1), (c2, r2) = _split_ref(table["range_address"].replace("$", ""))
    first, last = _col_number(c1) - 1, _col_number(c2)
    width = last - first
    header_row = grid[r1 - 1] if r1 - 1 < len(grid) else []
    header = [
        ("" if h is None else str(h).strip()) for h in (list(header_row[first:last]) + [""] * width)[:width]
    ]
    missing = [h for h in spec.required_headers if h not in header]
    if missing:
        raise WorkbookError(
            f"Tabel '{spec.name}' (lembar '{spec.sheet}') tidak memiliki kolom: "
            + ", ".join(f"'{m}'" for m in missing)
            + ". Jangan mengganti nama judul kolom."
        )
    rows, excel_rows = [], []
    body_last = r2 if table["data_body_range_address"] else r1
    for r in range(r1 + 1, min(body_last, len(grid)) + 1):
        row = grid[r - 1][first:last]
        for v in row:  # keep the row unless every cell is blank
            if v is not None and (type(v) is not str or v.strip()):
                if len(row) < width:
                    row = row + [None] * (width - len(row))
                rows.append(row)
                excel_rows.append(r)
                break
    return table_data(spec, header, rows, excel_rows, first + 1)


__all__ = ["read_tables"]
