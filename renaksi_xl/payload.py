"""The request payload of the xlwings VBA client, built from a workbook file on disk.

The payload is what the embedded xlwings VBA client (`RunRemotePython`) would
post: every worksheet's values from A1 to the end of its used range, the
defined names, the tables, the active sheet.  Values come from python-calamine
(fast), tables and names from the workbook XML.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .tables import WorkbookError

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{{{}}}id".format(NS["r"])


def _read_xml(zf: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(zf.read(name))


def _rels(
    zf: zipfile.ZipFile, part: str, types: dict[str, str] | None = None, *, read=None
) -> dict[str, str]:
    """Relationship id -> target part path, for `part` (and id -> type into `types`)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    try:
        xml = read(rels_name) if read is not None else _read_xml(zf, rels_name)
    except KeyError:
        return {}
    out = {}
    for rel in xml.findall("rel:Relationship", NS):
        target, rid = rel.get("Target") or "", rel.get("Id") or ""
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        out[rid] = target
        if types is not None:
            types[rid] = rel.get("Type", "")
    return out


def _clean_row(row: list, _float=float, _str=str, _big=2.0**53) -> list:
    """`_clean` over a row: whole floats (most cells) and text inline, the rare rest through `_clean`."""
    return [
        (int(v) if v.is_integer() and -_big < v < _big else v)
        if type(v) is _float
        else (v or None)
        if type(v) is _str
        else _clean(v)
        for v in row
    ]


_BIG = 2.0**53


def _vba_date(value: dt.date | dt.datetime | dt.time) -> str:
    """A date cell as the VBA client's JSON has it (WebHelpers.ConvertToIso:
    'yyyy-mm-ddTHH:mm:ss.000Z', no time zone); the remote engine expects exactly
    that shape (it cuts the trailing 'Z'). A bare time is a date on Excel's day 0."""
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(1899, 12, 30), value)
    elif not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value.strftime("%Y-%m-%dT%H:%M:%S") + ".000Z"


def _clean(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _vba_date(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _wanted_sheets(sheets: Iterable[str] | None, names: list[str]) -> frozenset[str]:
    if sheets is None:
        return frozenset(names)
    return frozenset(sheets)


TABLE_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
_ROOT_TAG = re.compile(rb"<((?:[\w.-]+:)?worksheet)\b[^>]*>")
_TABLE_PARTS_START = re.compile(rb"<((?:[\w.-]+:)?)tableParts\b[^>]*?(/?)>")


def _table_part_ids(zf: zipfile.ZipFile, part: str, rel_types: dict[str, str]) -> list[str]:
    """The r:ids of a worksheet's <tableParts>, in order.

    A sheet whose relationships name no table part has none, one that names
    one table part has that one (no XML read either).
    Otherwise only the <tableParts> element is parsed, not the whole sheet
    (its <sheetData> can be megabytes): it is cut out of the bytes after
    </sheetData>, together with the root start tag whose namespace
    declarations it needs.  Markup cannot occur inside cell text (it is
    escaped), so the cut is exact.
    """
    table_rids = [rid for rid, kind in rel_types.items() if kind == TABLE_REL_TYPE]
    if not table_rids:
        return []
    if len(table_rids) == 1:
        # One table: its order is known without reading the sheet (a big sheet's
        # XML takes milliseconds to inflate); the table's relationship is only
        # there because <tableParts> names it.
        return table_rids
    data = zf.read(part)
    root = _ROOT_TAG.search(data)
    if root is None:
        return []
    # The first <tableParts> after the sheet data, up to its own end tag: found with one search
    # each, never retried from later starts (a file can hold thousands of unclosed starts).
    start = _TABLE_PARTS_START.search(data, max(data.rfind(b"sheetData>"), 0))
    if start is None:
        return []
    if start.group(2):  # <tableParts/>
        element = start.group(0)
    else:
        close = re.compile(rb"</" + re.escape(start.group(1)) + rb"tableParts\s*>").search(data, start.end())
        if close is None:
            return []
        element = data[start.start() : close.end()]
    tree = ET.fromstring(root.group(0) + element + b"</" + root.group(1) + b">")
    return [tp.get(R_ID) or "" for tp in tree.findall("m:tableParts/m:tablePart", NS)]


def _strip_dollars(ref: str) -> str:
    return ref.replace("$", "")


def payload_from_file(
    path: str | os.PathLike, *, active_sheet: str | None = None, sheets: Iterable[str] | None = None
) -> dict:
    """Build the VBA client's request payload from a workbook file on disk.

    `sheets`: only these sheets' values and tables, like the VBA client's
    `include` option (the others are sent as `values: [[]]` without tables);
    None: every sheet.  For readers that need a few tables of a big workbook.

    The file is read within the limits of `renaksi_xl.readlimits`; a damaged
    file or one beyond a limit raises WorkbookError (exit 2) naming the file and
    the part, sheet, table or cell, never anything else.
    """
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"Berkas '{path}' tidak ditemukan.")
    reading = _Reading(path)
    try:
        return _payload(path, active_sheet, sheets, reading)
    except WorkbookError:
        raise
    except MemoryError as exc:
        raise WorkbookError(
            f"Berkas '{path}' terlalu besar untuk dibaca ({reading.where}); minta pengirim menyimpan ulang dari Excel."
        ) from exc
    except Exception as exc:  # zip, XML, calamine: whatever a damaged file makes them raise
        raise WorkbookError(reading.damaged(exc)) from exc


class _Reading:
    """Where the reader is, for the message when the file turns out damaged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = "struktur berkas"

    def damaged(self, exc: BaseException) -> str:
        detail = str(exc).strip() or type(exc).__name__
        if isinstance(exc, zipfile.BadZipFile) or "CRC" in detail:
            what = "isi zip-nya rusak atau terpotong"
        else:
            what = "isinya tidak terbaca"
        return (
            f"Berkas '{self.path}' rusak ({self.where}): {what} ({detail[:120]}). "
            "Buka dan simpan ulang di Excel (atau minta pengirim mengirim ulang), lalu ulangi."
        )


# Tables whose cells are fingerprinted or chained: a formula there is refused (its cached
# value may be stale; the fingerprint is of values).
def _protected_tables() -> frozenset[str]:
    from . import layout
    from .sop import MAX_STEPS

    # every step table an SOP may have (a workbook built with --sop has up to MAX_STEPS)
    return frozenset(
        (
            *layout.PLAN_TABLES,
            *layout.REALISASI_TABLES,  # fingerprinted once reported (renaksi_xl.laporan)
            layout.TBL_LOG,
            layout.TBL_LAPORAN,
            # every step table an SOP may have (a workbook built with --sop has up to MAX_STEPS)
            *(layout.step_table(n) for n in range(1, MAX_STEPS + 1)),
        )
    )


def workbook_sheets(zf: zipfile.ZipFile, path: Path, xml) -> tuple[ET.Element, list[tuple[str, str]]]:
    """xl/workbook.xml (read through `xml`) and its sheets as (name, part), in the workbook's order;
    a file without it is not a workbook."""
    try:
        wb_xml = xml("xl/workbook.xml")
    except KeyError as exc:
        raise WorkbookError(_not_a_workbook_message(path)) from exc
    rels = _rels(zf, "xl/workbook.xml", read=xml)
    return wb_xml, [
        (el.get("name") or "", rels.get(el.get(R_ID) or "", ""))
        for el in wb_xml.findall("m:sheets/m:sheet", NS)
    ]


def _payload(path: Path, active_sheet, sheets, reading: _Reading) -> dict:
    from . import calamine_gate, readlimits

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(_not_a_workbook_message(path)) from exc
    protected_names = _protected_tables()
    with zf:
        readlimits.check_archive(zf, path)

        def xml(name: str) -> ET.Element:
            reading.where = f"bagian {name}"
            return ET.fromstring(readlimits.read_part(zf, name, path))

        wb_xml, sheets_meta = workbook_sheets(zf, path, xml)
        view = wb_xml.find("m:bookViews/m:workbookView", NS)
        active_index = int(view.get("activeTab", "0")) if view is not None else 0
        wanted = _wanted_sheets(sheets, [n for n, _ in sheets_meta])
        tables_by_sheet: dict[str, list[dict]] = {}
        checked: list = []  # calamine_gate.Sheet: the bytes scanned, the only ones calamine reads
        for name, part in sheets_meta:
            if name not in wanted:
                continue  # the VBA client sends no tables for an excluded sheet
            # In the order of the sheet's <tableParts>: that is the ListObjects
            # index the VBA client's table actions use.
            reading.where = f"lembar '{name}'"
            types: dict[str, str] = {}
            rels = _rels(zf, part, types, read=xml)
            tables_by_sheet[name] = [
                _table_payload(xml(rels[rid]), name, path) for rid in _table_part_ids(zf, part, types)
            ]
            protected = [
                (t["name"], readlimits.ref_box(t["range_address"].replace("$", "")))
                for t in tables_by_sheet[name]
                if t["name"] in protected_names
            ]
            reading.where = f"lembar '{name}' ({part})"
            data = readlimits.read_part(zf, part, path)
            scan = readlimits.scan_sheet(data, name, path, protected)
            if scan.formula_cells:
                raise readlimits.LimitError(readlimits.formula_message(path, name, scan.formula_cells))
            checked.append(calamine_gate.Sheet(name, data))
        reading.where = "bagian xl/workbook.xml (string bersama, gaya)"
        extras = calamine_gate.workbook_extras(
            zf, wb_xml, "xl/workbook.xml", lambda name: readlimits.read_part(zf, name, path)
        )
        names = []
        sheet_index = {n: i for i, (n, _) in enumerate(sheets_meta)}
        reading.where = "nama-nama sel (definedNames) di xl/workbook.xml"
        for el in wb_xml.findall("m:definedNames/m:definedName", NS):
            parsed = _parse_ref(el.text or "")
            if parsed is None or el.get("name", "").startswith("_xlnm."):
                continue
            sheet_name, address = parsed
            if sheet_name not in sheet_index:
                continue
            local = el.get("localSheetId")
            names.append(
                {
                    "name": el.get("name")
                    if local is None
                    else f"{sheets_meta[int(local)][0]}!{el.get('name')}",
                    "sheet_index": sheet_index[sheet_name],
                    "address": address,
                    "book_scope": local is None,
                    "scope_sheet_name": None if local is None else sheets_meta[int(local)][0],
                    "scope_sheet_index": None if local is None else int(local),
                }
            )
    reading.where = "isi lembar (python-calamine)"
    sheets = []
    with calamine_gate.Checked(checked, *extras) as cal:
        for name, _part in sheets_meta:
            if name not in wanted:
                sheets.append({"name": name, "pictures": [], "tables": [], "values": [[]]})
                continue
            reading.where = f"lembar '{name}'"
            values = [_clean_row(row) for row in cal.grid(name)] or [[]]
            readlimits.check_values(values, path, name)
            sheets.append({"name": name, "pictures": [], "tables": tables_by_sheet[name], "values": values})
    if active_sheet is not None:
        active_index = sheet_index.get(active_sheet, active_index)
    return {
        "client": "VBA",
        "version": _xlwings_version(),
        "book": {"name": path.name, "active_sheet_index": active_index, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }


def _not_a_workbook_message(path: Path) -> str:
    return (
        f"Berkas '{path}' bukan buku kerja Excel (.xlsx/.xlsm) yang bisa dibaca, "
        "atau berkas itu terkunci kata sandi. Simpan ulang dari Excel sebagai .xlsm tanpa kata sandi."
    )


def _xlwings_version() -> str:
    import xlwings

    return xlwings.__version__


def _table_payload(t: ET.Element, sheet: str = "", path="") -> dict:
    from .readlimits import check_table_ref

    ref = t.get("ref")
    check_table_ref(ref, t.get("displayName") or t.get("name") or "?", sheet, path)
    (c1, r1), (c2, r2) = _split_ref(ref or "")  # checked just above
    header_rows = int(t.get("headerRowCount", "1"))
    totals_rows = int(t.get("totalsRowCount", "0"))
    style = t.find("m:tableStyleInfo", NS)

    def addr(ra, rb):
        return f"${c1}${ra}:${c2}${rb}"

    body_first = r1 + header_rows
    body_last = r2 - totals_rows
    return {
        "name": t.get("displayName") or t.get("name"),
        "range_address": addr(r1, r2),
        "header_row_range_address": addr(r1, r1) if header_rows else None,
        "data_body_range_address": addr(body_first, body_last) if body_last >= body_first else None,
        "total_row_range_address": addr(r2, r2) if totals_rows else None,
        "show_headers": bool(header_rows),
        "show_totals": bool(totals_rows),
        "table_style": style.get("name") if style is not None else "",
        "show_autofilter": t.find("m:autoFilter", NS) is not None,
    }


_CELL = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")


def _split_ref(ref: str) -> tuple[tuple[str, int], tuple[str, int]]:
    parts = ref.split(":")
    m1 = _CELL.match(parts[0])
    m2 = _CELL.match(parts[-1])
    if m1 is None or m2 is None:
        raise WorkbookError(f"Alamat tabel '{ref}' di buku kerja tidak bisa dibaca (bukan seperti A1:D10).")
    return (m1.group(1), int(m1.group(2))), (m2.group(1), int(m2.group(2)))


def _parse_ref(text: str) -> tuple[str, str] | None:
    """'Beranda'!$C$4 -> ('Beranda', 'C4'); None for formulas and external refs."""
    m = re.match(r"^(?:'((?:[^']|'')+)'|([^!'\s]+))!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$", text.strip())
    if not m:
        return None
    sheet = (m.group(1) or m.group(2)).replace("''", "'")
    return sheet, _strip_dollars(m.group(3))
