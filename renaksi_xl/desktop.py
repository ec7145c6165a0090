"""The desktop engine made transactional: caller book -> payload -> remote engine -> actions -> caller book.

A RunPython click must behave like the server and headless engines: if the
button's function raises (after writing some cells, or on an unexpected bug),
the open workbook stays exactly as it was.  So the desktop does not run the
function on `xw.Book.caller()`.  Instead it

1. builds, through the xlwings desktop API, the JSON payload the embedded VBA
   client (`RunServerPython` in xlwings' `addin/Remote.bas`) would post
   (`payload_from_book`),
2. runs the function on a remote-engine `xw.Book(json=payload)`
   (`renaksi_xl.headless.remote_book`): literally the server's code path,
3. and only if it returns, replays the returned actions on the caller book
   through the xlwings desktop API (`apply_actions`), with the VBA client's
   semantics for exactly the action set our functions may emit.

Payload differences from `renaksi_xl.headless.payload_from_file` (both are
"what the VBA client would send"; each follows it where the other cannot):
- `book.name` is the caller's full path (`book.fullname`), as headless does,
  so the local-only buttons (PDF, email) find the saved file;
- (alike in both) date cells arrive as the VBA client's `WebHelpers.ConvertToIso`
  writes them, `YYYY-MM-DDTHH:MM:SS.000Z`, which the remote engine reads back
  as datetimes;
- pictures (name, height, width) are listed like the VBA client does, and every
  defined name that refers to a range is sent (including Excel's own
  `Print_Area`), as the VBA client does; headless sends neither;
- `selection` is the app's current selection (None if it is not a range);
- a one-cell table part is spelled as Excel's `Range.Address` does, `$B$2`
  (headless writes `$B$2:$B$2`; the remote engine reads both alike).
What the desktop does *not* copy from the VBA client: the JSON transport.  The
VBA JSON encoder writes text of 16+ characters made only of digits, '.', 'E' or
'e' (an 18-digit NIP stored as text, a code such as 7.01.01.2.01.0001)
unquoted, as a number; here values go to the remote engine as Python objects,
so text stays text.

Limits (said in the report too): there is no Excel on the build machine.  The
payload builder and the applier are tested against the only real
implementation of the xlwings Book API available, the remote engine itself
(tests/test_desktop.py); the Windows COM and macOS AppleScript
implementations of the same calls (`Range.value`, `.color`,
`.number_format`, `.add_hyperlink`, `Table.resize`, `App.alert`,
`Book.macro`) are untested here.  As with the VBA client, an error from
Excel while the actions are being applied (e.g. a protected cell) cannot be
rolled back: the user is told that part of the change may have been applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from .headless import _vba_parse_iso
from .tables import WorkbookError


# --------------------------------------------------------------------------- payload
def _json_value(value: Any) -> Any:
    """One cell as the VBA client's JSON encoder would send it (then parsed by Python)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # VBA-JSON writes a whole Double without decimals
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sheet_values(sheet) -> list[list]:
    """Values from A1 to the used range's last cell (the VBA client's rule); [[]] if empty."""
    used = sheet.used_range
    last = used.last_cell
    nrows, ncols = last.row, last.column
    if nrows == 1 and ncols == 1 and used.count == 1 and _json_value(used.value) is None:
        return [[]]
    grid = sheet.range((1, 1), (nrows, ncols)).options(ndim=2, err_to_str=True).value
    return [[_json_value(v) for v in row] for row in grid]


def _address(rng) -> str | None:
    return None if rng is None else rng.address


def _table_payload(table) -> dict:
    try:
        style = table.table_style or ""
    except Exception:  # Excel: a table without a style has no TableStyle object
        style = ""
    show_headers = bool(table.show_headers)
    show_totals = bool(table.show_totals)
    return {
        "name": table.name,
        "range_address": _address(table.range),
        "header_row_range_address": _address(table.header_row_range) if show_headers else None,
        "data_body_range_address": _address(table.data_body_range),
        "total_row_range_address": _address(table.totals_row_range) if show_totals else None,
        "show_headers": show_headers,
        "show_totals": show_totals,
        "table_style": style,
        "show_autofilter": bool(table.show_autofilter),
    }


def _unquote_sheet(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def _names_payload(book, sheet_index: dict[str, int]) -> list[dict]:
    """Every name that refers to a range (the VBA client skips constants and formulas)."""
    out = []
    for name in book.names:
        try:
            target = name.refers_to_range
        except Exception:
            continue
        if target is None:
            continue
        full = name.name
        if "!" in full:  # sheet scope: Excel spells it Sheet!name
            scope = _unquote_sheet(full.rsplit("!", 1)[0])
            scope_index = sheet_index.get(scope)
        else:
            scope, scope_index = None, None
        out.append(
            {
                "name": full,
                "sheet_index": target.sheet.index - 1,
                "address": target.get_address(False, False),
                "book_scope": scope is None,
                "scope_sheet_name": scope,
                "scope_sheet_index": scope_index,
            }
        )
    return out


def _selection(book) -> str | None:
    try:
        selection = book.app.selection
        return None if selection is None else selection.get_address(False, False)
    except Exception:  # a shape or chart is selected: the VBA client sends null
        return None


def payload_from_book(book) -> dict:
    """The VBA client's request payload, read from an open workbook through the
    xlwings API (desktop Excel; any engine implementing the Book API)."""
    import xlwings

    sheets = list(book.sheets)
    sheet_index = {s.name: i for i, s in enumerate(sheets)}
    sheets_payload = []
    for sheet in sheets:
        sheets_payload.append(
            {
                "name": sheet.name,
                "pictures": [{"name": p.name, "height": p.height, "width": p.width} for p in sheet.pictures],
                "tables": [_table_payload(t) for t in sheet.tables],
                "values": _sheet_values(sheet),
            }
        )
    return {
        "client": "VBA",
        "version": xlwings.__version__,
        "book": {
            "name": str(book.fullname or book.name),
            "active_sheet_index": book.sheets.active.index - 1,
            "selection": _selection(book),
        },
        "names": _names_payload(book, sheet_index),
        "sheets": sheets_payload,
    }


def run_remote(payload: dict, fn: Callable) -> tuple[Any, list[dict]]:
    """Run `fn(book)` on a remote-engine Book of `payload`; returns (fn's value, actions).

    The Book lives in a remote-engine App of its own (`headless.remote_book`),
    so it never becomes the "active book" other Books' `app.alert`/`macro` talk
    to, and nothing piles up across clicks: the server's code path.
    """
    from .headless import remote_book

    with remote_book(payload) as book:
        value = fn(book)
        return value, book.json()["actions"]


# --------------------------------------------------------------------------- applying
def _range(book, action: dict):
    sheet = book.sheets[action["sheet_position"]]
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    return sheet.range((r0, c0), (r0 + action["row_count"] - 1, c0 + action["column_count"] - 1))


def _set_values(book, action):
    # The VBA client passes every value through WebHelpers.ParseIso.
    _range(book, action).value = [[_vba_parse_iso(v) for v in row] for row in action["values"]]


def _clear_contents(book, action):
    _range(book, action).clear_contents()


def _set_color(book, action):
    color = action["args"][0]
    if color is None:  # the VBA client's HexToRgb fails on Null: so do we, before touching Excel
        raise WorkbookError("Aksi setRangeColor tanpa warna tidak didukung klien VBA xlwings.")
    _range(book, action).color = color


def _set_number_format(book, action):
    _range(book, action).number_format = action["args"][0]


def _add_hyperlink(book, action):
    address, text, tip = (list(action["args"]) + [None, None])[:3]
    _range(book, action).add_hyperlink(address, text, tip)


def _resize_table(book, action):
    sheet = book.sheets[action["sheet_position"]]
    index, address = action["args"][:2]
    sheet.tables[index].resize(sheet.range(address))


def _alert(book, action):
    prompt, title, buttons, mode, callback = (list(action["args"]) + [None] * 5)[:5]
    book.app.alert(
        prompt or "",
        title=title or None,
        buttons=buttons or "ok",
        mode=mode or None,
        callback=callback or None,
    )


def _activate_sheet(book, action):
    book.sheets[action["args"][0]].activate()


def _run_macro(book, action):
    # The VBA client: Application.Run name, wb, args...; `book.macro` adds the
    # "'Book.xlsm'!" prefix itself, so strip the one the remote engine sent.
    name, *args = action["args"]
    book.macro(name.rsplit("!", 1)[-1])(book, *args)


APPLIERS: dict[str, Callable] = {
    "setValues": _set_values,
    "rangeClearContents": _clear_contents,
    "setRangeColor": _set_color,
    "setNumberFormat": _set_number_format,
    "addHyperlink": _add_hyperlink,
    "resizeTable": _resize_table,
    "alert": _alert,
    "activateSheet": _activate_sheet,
    "runMacro": _run_macro,
}


def check_actions(actions: list[dict]) -> None:
    """Refuse the whole list before touching the workbook if one action is not ours."""
    for action in actions:
        if action.get("func") not in APPLIERS:
            raise WorkbookError(
                f"Aksi '{action.get('func')}' tidak didukung di Excel desktop oleh renaksi-xl. "
                "Buku kerja tidak diubah. Laporkan ke admin."
            )
        if action["func"] == "setRangeColor" and action["args"][0] is None:
            # The VBA client's HexToRgb fails on Null: Excel would stop midway.
            raise WorkbookError(
                "Aksi setRangeColor tanpa warna tidak didukung klien VBA xlwings. "
                "Buku kerja tidak diubah. Laporkan ke admin."
            )


def apply_actions(book, actions: list[dict]) -> None:
    """Replay remote-engine actions on `book` through the xlwings API, in order."""
    check_actions(actions)
    for action in actions:
        APPLIERS[action["func"]](book, action)
