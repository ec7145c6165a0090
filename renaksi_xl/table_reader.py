"""Tables of a workbook file, read-only and without the remote engine.

For commands that only read a few big tables (`renaksi-xl capaian` on a city-scale
plan): where the tables are comes from the workbook XML exactly as for the VBA
client's payload (renaksi_xl.payload), the values straight from python-calamine.
Actions never use this: they read through `tables.read_table` on a Book.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

from .payload import (
    NS,
    R_ID,
    _not_a_workbook_message,
    _read_xml,
    _rels,
    _split_ref,
    _table_part_ids,
    _table_payload,
)
from .tables import WorkbookError


def read_tables(path: str | os.PathLike, names: Iterable[str]):
    """Tables of a workbook file, read-only, without the remote engine: {name: tables.TableData}.

    For commands that only read a few big tables (`renaksi-xl capaian`): the
    tables' places come from the workbook XML as in `payload_from_file`, the
    values straight from python-calamine (numbers as floats, empty cells as
    '' or None; readers must accept both), blank rows dropped like
    `tables.read_table`.  A missing sheet, table or required header is a
    WorkbookError naming it.
    """
    from python_calamine import load_workbook

    from . import layout
    from .tables import TableData

    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"Berkas '{path}' tidak ditemukan.")
    specs = [layout.table(n) for n in names]
    wanted = {spec.sheet for spec in specs}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(_not_a_workbook_message(path)) from exc
    found: dict[str, dict] = {}
    with zf:
        try:
            wb_xml = _read_xml(zf, "xl/workbook.xml")
        except KeyError as exc:
            raise WorkbookError(_not_a_workbook_message(path)) from exc
        wb_rels = _rels(zf, "xl/workbook.xml")
        sheet_names = []
        for el in wb_xml.findall("m:sheets/m:sheet", NS):
            name = el.get("name")
            sheet_names.append(name)
            if name not in wanted:
                continue
            part = wb_rels.get(el.get(R_ID), "")
            types: dict[str, str] = {}
            rels = _rels(zf, part, types)
            for rid in _table_part_ids(zf, part, types):
                table = _table_payload(_read_xml(zf, rels[rid]))
                found[table["name"]] = {**table, "sheet": name}
    for spec in specs:
        if spec.sheet not in sheet_names:
            raise WorkbookError(f"Lembar '{spec.sheet}' tidak ditemukan di buku kerja.")
        if spec.name not in found or found[spec.name]["sheet"] != spec.sheet:
            raise WorkbookError(
                f"Tabel '{spec.name}' tidak ditemukan di lembar '{spec.sheet}'. "
                "Buku kerja ini mungkin bukan buku kerja Rencana Aksi atau tabelnya terhapus."
            )
    try:
        cal = load_workbook(str(path))
        grids = {sheet: cal.get_sheet_by_name(sheet).to_python(skip_empty_area=False) for sheet in wanted}
    except Exception as exc:
        raise WorkbookError(_not_a_workbook_message(path)) from exc
    return {
        spec.name: _table_from_grid(spec, found[spec.name], grids[spec.sheet], TableData) for spec in specs
    }


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
