"""The xlwings VBA client's action set, applied to an openpyxl workbook.

`apply_actions` implements exactly the actions the VBA client runs for
`RunRemotePython`, so what a click does in Excel is what `renaksi-xl run`
does to a file.  Our own VBA macros called through `runMacro` have Python
twins registered with `macro_equivalent`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from .cellsafe import assigned_text
from .payload import _split_ref, _strip_dollars
from .tables import WorkbookError, col_number

# The xlwings VBA client's action functions that `apply_actions` implements.
# (The full list the client has is read from the built workbook by the tests.)
APPLIERS: dict[str, Callable] = {}


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
            out.append((col_number(c1), first, col_number(c2), last))
    return out


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
            text, quoted = assigned_text(v)
            if quoted:  # Excel's text mark: the text itself, never a formula or error value
                cell.value = text
                cell.data_type = "s"
            else:
                cell.value = _vba_parse_iso(v)
            if bodies:
                _adopt_column_style(ws, cell, bodies)
            if quoted:
                cell.quotePrefix = True


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
        min_row=old_last + 1, max_row=new_last, min_col=col_number(c1), max_col=col_number(c2)
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
