"""The headless engine: file -> xlwings JSON payload -> remote-engine Book -> actions -> file.

The payload is what the embedded xlwings VBA client (`RunRemotePython`) would
post: every worksheet's values from A1 to the end of its used range, the
defined names, the tables, the active sheet.  Values come from python-calamine
(fast), tables and names from the workbook XML.  The returned actions are
applied with openpyxl (`keep_vba=True`), implementing exactly the VBA client's
action set, so what a click does in Excel is what `renaksi-xl run` does to a
file.  Writes are atomic (temp file + rename) under a lock file.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import posixpath
import re
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterable
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

# The xlwings VBA client's action functions that `apply_actions` implements.
# (The full list the client has is read from the built workbook by the tests.)
APPLIERS: dict[str, Callable] = {}


def _enable_remote_engine() -> None:
    """The remote engine is xlwings PRO code, free for noncommercial use (PolyForm
    Noncommercial 1.0.0, which names government institutions); see README."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


# --------------------------------------------------------------------------- reading
def _read_xml(zf: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(zf.read(name))


def _rels(zf: zipfile.ZipFile, part: str, types: dict[str, str] | None = None) -> dict[str, str]:
    """Relationship id -> target part path, for `part` (and id -> type into `types`)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    try:
        xml = _read_xml(zf, rels_name)
    except KeyError:
        return {}
    out = {}
    for rel in xml.findall("rel:Relationship", NS):
        target = rel.get("Target")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = target
        if types is not None:
            types[rel.get("Id")] = rel.get("Type", "")
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
_TABLE_PARTS = re.compile(rb"<((?:[\w.-]+:)?)tableParts\b[^>]*?(?:/>|>.*?</\1tableParts>)", re.S)


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
    found = _TABLE_PARTS.search(data, max(data.rfind(b"sheetData>"), 0))
    if found is None:
        return []
    tree = ET.fromstring(root.group(0) + found.group(0) + b"</" + root.group(1) + b">")
    return [tp.get(R_ID) for tp in tree.findall("m:tableParts/m:tablePart", NS)]


def _strip_dollars(ref: str) -> str:
    return ref.replace("$", "")


def payload_from_file(
    path: str | os.PathLike, *, active_sheet: str | None = None, sheets: Iterable[str] | None = None
) -> dict:
    """Build the VBA client's request payload from a workbook file on disk.

    `sheets`: only these sheets' values and tables, like the VBA client's
    `include` option (the others are sent as `values: [[]]` without tables);
    None: every sheet.  For readers that need a few tables of a big workbook.
    """
    from python_calamine import CalamineError, load_workbook

    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"Berkas '{path}' tidak ditemukan.")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(_not_a_workbook_message(path)) from exc
    with zf:
        try:
            wb_xml = _read_xml(zf, "xl/workbook.xml")
        except KeyError as exc:
            raise WorkbookError(_not_a_workbook_message(path)) from exc
        wb_rels = _rels(zf, "xl/workbook.xml")
        sheets_meta = []
        for el in wb_xml.findall("m:sheets/m:sheet", NS):
            part = wb_rels.get(el.get(R_ID), "")
            sheets_meta.append((el.get("name"), part))
        view = wb_xml.find("m:bookViews/m:workbookView", NS)
        active_index = int(view.get("activeTab", "0")) if view is not None else 0
        wanted = _wanted_sheets(sheets, [n for n, _ in sheets_meta])
        tables_by_sheet: dict[str, list[dict]] = {}
        for name, part in sheets_meta:
            if name not in wanted:
                continue  # the VBA client sends no tables for an excluded sheet
            # In the order of the sheet's <tableParts>: that is the ListObjects
            # index the VBA client's table actions use.
            types: dict[str, str] = {}
            rels = _rels(zf, part, types)
            tables_by_sheet[name] = [
                _table_payload(_read_xml(zf, rels[rid])) for rid in _table_part_ids(zf, part, types)
            ]
        names = []
        sheet_index = {n: i for i, (n, _) in enumerate(sheets_meta)}
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
    try:
        cal = load_workbook(str(path))
    except CalamineError as exc:  # pragma: no cover - zip/xml problems are caught above
        raise WorkbookError(_not_a_workbook_message(path)) from exc
    except Exception as exc:
        raise WorkbookError(_not_a_workbook_message(path)) from exc
    sheets = []
    for name, _part in sheets_meta:
        if name not in wanted:
            sheets.append({"name": name, "pictures": [], "tables": [], "values": [[]]})
            continue
        grid = cal.get_sheet_by_name(name).to_python(skip_empty_area=False)
        values = [_clean_row(row) for row in grid] or [[]]
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


def _not_a_workbook_message(path: Path) -> str:
    return (
        f"Berkas '{path}' bukan buku kerja Excel (.xlsx/.xlsm) yang bisa dibaca, "
        "atau berkas itu terkunci kata sandi. Simpan ulang dari Excel sebagai .xlsm tanpa kata sandi."
    )


def _xlwings_version() -> str:
    import xlwings

    return xlwings.__version__


def _table_payload(t: ET.Element) -> dict:
    ref = t.get("ref")
    (c1, r1), (c2, r2) = _split_ref(ref)
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
    return (m1.group(1), int(m1.group(2))), (m2.group(1), int(m2.group(2)))


def _parse_ref(text: str) -> tuple[str, str] | None:
    """'Beranda'!$C$4 -> ('Beranda', 'C4'); None for formulas and external refs."""
    m = re.match(r"^(?:'((?:[^']|'')+)'|([^!'\s]+))!(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)$", text.strip())
    if not m:
        return None
    sheet = (m.group(1) or m.group(2)).replace("''", "'")
    return sheet, _strip_dollars(m.group(3))


def open_book(path: str | os.PathLike, **kwargs):
    """An `xlwings.Book` on the remote engine, fed by the file's payload (one-off use, as book_from_payload)."""
    return book_from_payload(payload_from_file(path, **kwargs))


def book_from_payload(payload: dict):
    """A remote-engine Book in the engine's shared App: for one-off use (tests, one command).

    Code that opens many Books, or several at once, uses `remote_book`."""
    _enable_remote_engine()
    import xlwings as xw

    return xw.Book(json=payload)


_NEW_APP = threading.Lock()


@contextlib.contextmanager
def remote_book(payload: dict):
    """A remote-engine Book of `payload` in an App of its own, dropped on exit.

    The remote engine keeps every Book its App opened (a long-running server
    would pile them up) and sends `app.alert`/`book.macro` to the App's active
    Book, which, in a shared App, is whichever Book was opened last: another
    request's, when two run at once.  One App per Book avoids both.
    """
    _enable_remote_engine()
    import xlwings as xw

    with _NEW_APP:  # apps.add inserts at the front, then returns the front: not atomic
        app = xw.engines["remote"].apps.add(add_book=False)
    try:
        yield app.books.open(json=payload)
    finally:
        app.kill()


# --------------------------------------------------------------------------- applying
_ISO_DATE = re.compile(
    r"^(\d{1,4})-(\d{1,2})-(\d{1,2})(?:T(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2})(?:\.\d+)?)?(?:Z|[+-]\d{1,2}(?::\d{2})?)?)?$"
)


def _vba_parse_iso(value: Any) -> Any:
    """What the VBA client's setValues does to a string: WebHelpers.ParseIso turns
    'YYYY-MM-DD[THH:MM[:SS][offset]]' into a date (no time zone conversion)."""
    if not isinstance(value, str):
        return value
    m = _ISO_DATE.match(value)
    if not m:
        return value
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    try:
        base = dt.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return value
    return base if m.group(4) else base.date()


class AppliedResult:
    """What applying the actions did besides cells: messages for the user."""

    def __init__(self) -> None:
        self.alerts: list[tuple[str, str]] = []  # (title, prompt)
        self.macros: list[str] = []


def _target(wb, action: dict):
    ws = wb.worksheets[action["sheet_position"]]
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    return ws, r0, c0, action["row_count"], action["column_count"]


def _cells(wb, action):
    ws, r0, c0, nr, nc = _target(wb, action)
    for r in range(r0, r0 + nr):
        for c in range(c0, c0 + nc):
            yield ws.cell(row=r, column=c)


def _table_bodies(ws) -> list[tuple[int, int, int, int]]:
    """(first col, first body row, last col, last body row) of each table on `ws`, 1-based."""
    out = []
    for table in ws.tables.values():
        (c1, r1), (c2, r2) = _split_ref(table.ref)
        header_rows = 1 if table.headerRowCount is None else int(table.headerRowCount)
        first, last = r1 + header_rows, r2 - int(table.totalsRowCount or 0)
        if last >= first:
            out.append((_col_index(c1), first, _col_index(c2), last))
    return out


def _col_index(letters: str) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col


def _adopt_column_style(ws, cell, bodies) -> None:
    """A default-styled cell inside a table's data body takes the style of its
    column's first data row: Excel formats rows a table grows into like the
    rest of the column (borders, number formats, text format of code columns);
    openpyxl would leave them bare.  A cell whose only formatting is a number
    format set just before (e.g. text "@" for a NIP) keeps that format."""
    own_format = None
    if cell.has_style:
        st = cell._style
        if any((st.fontId, st.fillId, st.borderId, st.protectionId, st.alignmentId)):
            return
        own_format = cell.number_format
    row, col = cell.row, cell.column
    for c1, first, c2, last in bodies:
        if first < row <= last and c1 <= col <= c2:
            source = ws.cell(row=first, column=col)
            if source.has_style and source is not cell:
                cell._style = copy.copy(source._style)
                if own_format is not None:
                    cell.number_format = own_format
            return


def _apply_set_values(wb, action, result):
    ws, r0, c0, _, _ = _target(wb, action)
    bodies = _table_bodies(ws)
    for i, row in enumerate(action["values"]):
        for j, v in enumerate(row):
            cell = ws.cell(row=r0 + i, column=c0 + j)
            cell.value = _vba_parse_iso(v)
            if bodies:
                _adopt_column_style(ws, cell, bodies)


def _apply_clear_contents(wb, action, result):
    for cell in _cells(wb, action):
        if type(cell).__name__ != "MergedCell":
            cell.value = None


def _apply_clear_formats(wb, action, result):
    from openpyxl.styles import NamedStyle  # noqa: F401  (keeps import local)

    for cell in _cells(wb, action):
        cell.style = "Normal"


def _apply_clear(wb, action, result):
    _apply_clear_contents(wb, action, result)
    _apply_clear_formats(wb, action, result)


def _apply_color(wb, action, result):
    from openpyxl.styles import PatternFill

    color = action["args"][0]
    if color is None:
        # The VBA client's HexToRgb cannot take Null: Excel would stop here.
        raise WorkbookError("Aksi setRangeColor tanpa warna tidak didukung klien VBA xlwings.")
    fill = PatternFill("solid", fgColor="FF" + color.lstrip("#").upper())
    for cell in _cells(wb, action):
        cell.fill = fill


def _apply_number_format(wb, action, result):
    for cell in _cells(wb, action):
        cell.number_format = action["args"][0]


def _apply_hyperlink(wb, action, result):
    from openpyxl.worksheet.hyperlink import Hyperlink

    address, text, tip = action["args"][:3]
    for cell in _cells(wb, action):
        if address.startswith("#"):
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=address[1:], tooltip=tip, display=text)
        else:
            cell.hyperlink = Hyperlink(ref=cell.coordinate, target=address, tooltip=tip, display=text)
        cell.value = text
        cell.style = "Hyperlink" if "Hyperlink" in wb.named_styles else cell.style


def _apply_resize_table(wb, action, result):
    ws = wb.worksheets[action["sheet_position"]]
    index, address = action["args"][:2]
    table = list(ws.tables.values())[index]
    ref = _strip_dollars(address)
    (_, _), (_, old_last) = _split_ref(table.ref)
    table.ref = ref
    if table.autoFilter is not None:
        table.autoFilter.ref = ref
    # Rows the table grew into (written before the resize) get their column's style.
    (c1, _), (c2, new_last) = _split_ref(ref)
    bodies = _table_bodies(ws)
    for row in ws.iter_rows(
        min_row=old_last + 1, max_row=new_last, min_col=_col_index(c1), max_col=_col_index(c2)
    ):
        for cell in row:
            _adopt_column_style(ws, cell, bodies)


def _apply_alert(wb, action, result):
    prompt, title = action["args"][:2]
    result.alerts.append((title or "", prompt or ""))


def _apply_activate(wb, action, result):
    wb.active = action["args"][0]


def _apply_run_macro(wb, action, result):
    name, *args = action["args"]
    # `book.macro(name)` sends "'Book.xlsm'!name"; the twin is registered by the bare name.
    handler = MACRO_EQUIVALENTS.get(name) or MACRO_EQUIVALENTS.get(name.rsplit("!", 1)[-1])
    if handler is None:
        raise WorkbookError(f"Makro '{name}' tidak dikenal oleh mesin tanpa Excel.")
    handler(wb, *args)
    result.macros.append(name)


APPLIERS.update(
    {
        "setValues": _apply_set_values,
        "rangeClearContents": _apply_clear_contents,
        "rangeClearFormats": _apply_clear_formats,
        "rangeClear": _apply_clear,
        "setRangeColor": _apply_color,
        "setNumberFormat": _apply_number_format,
        "addHyperlink": _apply_hyperlink,
        "resizeTable": _apply_resize_table,
        "alert": _apply_alert,
        "activateSheet": _apply_activate,
        "runMacro": _apply_run_macro,
    }
)

# Python equivalents of our own VBA macros that actions may call through
# `runMacro` (the VBA client calls `Application.Run name, wb, args...`).
# Each key must be a Sub in workbook/vba/ taking (wb As Workbook, ...): tested.
MACRO_EQUIVALENTS: dict[str, Callable] = {}


def macro_equivalent(name: str):
    """Register the headless twin of a VBA macro called through runMacro."""

    def register(fn):
        MACRO_EQUIVALENTS[name] = fn
        return fn

    return register


def apply_actions(wb, actions: list[dict]) -> AppliedResult:
    """Apply remote-engine actions to an openpyxl workbook, in order."""
    result = AppliedResult()
    for action in actions:
        func = action["func"]
        applier = APPLIERS.get(func)
        if applier is None:
            raise WorkbookError(f"Aksi '{func}' tidak didukung oleh klien VBA xlwings di buku kerja ini.")
        applier(wb, action, result)
    return result


def load_for_update(path: str | os.PathLike):
    import openpyxl

    keep_vba = str(path).lower().endswith((".xlsm", ".xltm"))
    return openpyxl.load_workbook(path, keep_vba=keep_vba, keep_links=True, rich_text=False)


def save_atomic(wb, out_path: str | os.PathLike) -> None:
    """Save to a temp file in the same folder, then rename over the target."""
    out_path = Path(out_path)
    fd, tmp = tempfile.mkstemp(
        prefix=".~" + out_path.stem, suffix=out_path.suffix, dir=out_path.parent or "."
    )
    os.close(fd)
    try:
        wb.save(tmp)
        # mkstemp makes the file private (0600): keep the permissions the workbook had.
        try:
            mode = out_path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, out_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    finally:
        release(wb)


def release(wb) -> None:
    """Close the in-memory zip openpyxl keeps of an .xlsm's VBA parts.

    Left to the garbage collector, it may be finalized after its buffer and
    complain ("I/O operation on closed file")."""
    archive = getattr(wb, "vba_archive", None)
    if archive is not None:
        archive.close()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def lock_for(path: str | os.PathLike, timeout: float = 60):
    """An exclusive lock beside the workbook so two runs cannot interleave."""
    from filelock import FileLock

    p = Path(path)
    return FileLock(str(p.with_name("." + p.name + ".lock")), timeout=timeout)


def run_on_file(path, fn: Callable, *, out_path=None, write: bool = True, active_sheet: str | None = None):
    """Run `fn(book)` on the workbook at `path` through the remote engine and
    apply its actions to `out_path` (default: in place).

    Returns (fn's return value, AppliedResult).  If `fn` raises, nothing is
    written.  The whole read-run-write happens under the file's lock.
    """
    from filelock import Timeout

    out_path = Path(out_path or path)
    try:
        with lock_for(path):
            return _run_locked(path, fn, out_path, write, active_sheet)
    except Timeout as exc:
        raise WorkbookError(
            f"Buku kerja '{path}' sedang dipakai proses renaksi-xl lain (kunci {exc.lock_file}). "
            "Tunggu sampai selesai lalu ulangi."
        ) from exc


def _run_locked(path, fn, out_path: Path, write: bool, active_sheet):
    payload = payload_from_file(path, active_sheet=active_sheet)
    # Like desktop Excel, `book.fullname` is the file's full path (what the
    # local-only buttons, PDF and email, need); the VBA client sends the bare name.
    payload["book"]["name"] = str(Path(path).resolve())
    with remote_book(payload) as book:
        value = fn(book)
        actions = book.json()["actions"]
    if not write:
        return value, AppliedResult()
    return value, apply_to_file(path, actions, out_path)


# Actions that only talk to the user: a file needs no rewrite for them.
NON_WRITING = frozenset({"alert"})


def apply_to_file(path, actions: list[dict], out_path=None) -> AppliedResult:
    """Apply actions to the workbook at `path`, saving atomically to `out_path`
    (default: in place).  Messages only (alerts): the file is not rewritten,
    as Excel would not mark the workbook changed."""
    out_path = Path(out_path or path)
    if Path(out_path) == Path(path) and all(a["func"] in NON_WRITING for a in actions):
        result = AppliedResult()
        for a in actions:
            APPLIERS[a["func"]](None, a, result)
        return result
    wb = load_for_update(path)
    try:
        result = apply_actions(wb, actions)
    except BaseException:
        release(wb)
        raise
    save_atomic(wb, out_path)
    return result
