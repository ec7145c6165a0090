"""Text an action writes to the workbook stays text, whole, in every engine.

Every value an action writes travels as a `setValues` action, and every engine
ends in something that parses strings the way typing into a cell does: the
xlwings VBA client assigns them to `Range.Value` (server mode), xlwings sets
`Range.value` on the open workbook (desktop mode), openpyxl turns `"=..."` into
a formula and `"#N/A"` into an error value (headless).  So a DPA name such as
`=HYPERLINK("http://…")` or `=cmd|' /C notepad'!A1` would become a live
formula.  Excel's own mark for "this is text, do not parse it" is a leading
apostrophe (the cell's PrefixCharacter): assigning `'=1+1` stores the text
`=1+1`.  `protect_actions` adds that apostrophe to every string that Excel
could parse as a formula or an error value (and to a string that itself starts
with an apostrophe, which Excel would otherwise eat), once, at the end of
`macros.run_action`, the one function all three engines run.  The headless
applier reads the apostrophe the way Excel does (`assigned_text`), so the file
holds exactly the text the action wrote, and fingerprints computed during the
action (which see the text without the apostrophe) match what is stored.

It also refuses, before anything is written, a text that cannot be stored
whole: longer than Excel's 32,767 characters per cell, or holding a character
that a workbook's XML cannot carry (control characters such as U+000B, lone
surrogates, U+FFFE/U+FFFF).  A record hashed in full but stored cut would read
"TIDAK UTUH" at once, so such a text is refused, naming the cell.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import InputError

# Excel's limit on the characters in one cell.
MAX_CELL_TEXT = 32_767
# What may make Excel (or openpyxl) read an assigned string as something other than text.
FORMULA_START = frozenset("=+-@'#")
# Characters outside XML 1.0's Char production (TAB, LF and CR are allowed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class CellTextError(InputError):
    """A text an action would write cannot be stored whole (exit 2, nothing written)."""


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored in a cell as it is, in Indonesian; None if it can."""
    if len(text) > MAX_CELL_TEXT:
        n, limit = (f"{v:,}".replace(",", ".") for v in (len(text), MAX_CELL_TEXT))
        return f"teksnya {n} karakter, lebih dari batas Excel {limit} karakter per sel"
    bad = _NOT_XML.search(text)
    if bad is not None:
        return (
            f"teksnya memuat karakter kendali U+{ord(bad.group()):04X} (posisi {bad.start() + 1}) "
            "yang tidak bisa disimpan di buku kerja Excel"
        )
    return None


def check_text(text: str, where: str) -> None:
    """Refuse a text that cannot be stored whole; `where` names the cell or option."""
    problem = text_problem(text)
    if problem:
        raise CellTextError(
            f"{where}: {problem}. Tidak ada yang ditulis; perbaiki teksnya (hapus karakter itu "
            "atau persingkat) lalu ulangi."
        )


def protected(value: Any) -> Any:
    """The value to assign so that Excel keeps a string as the same text."""
    if type(value) is str and value[:1] in FORMULA_START:
        return "'" + value
    return value


def assigned_text(value: Any) -> tuple[Any, bool]:
    """What assigning `value` to a cell stores, for an apostrophe-marked string:
    (the text without the apostrophe, True); anything else: (value, False)."""
    if type(value) is str and value[:1] == "'":
        return value[1:], True
    return value, False


def _cell_name(book, action: dict, i: int, j: int) -> str:
    from .tables import cell_address

    try:
        sheet = book.sheets[action["sheet_position"]].name
    except Exception:  # pragma: no cover - a book without that sheet never produced the action
        sheet = f"#{action['sheet_position']}"
    return f"Sel '{sheet}'!{cell_address(action['start_row'] + i + 1, action['start_column'] + j + 1)}"


def protect_actions(book, actions: list[dict]) -> None:
    """Check and mark, in place, every string the `setValues` actions write."""
    for action in actions:
        if action.get("func") != "setValues":
            continue
        for i, row in enumerate(action["values"]):
            for j, v in enumerate(row):
                if type(v) is not str:
                    continue
                problem = text_problem(v)
                if problem:
                    check_text(v, _cell_name(book, action, i, j))
                if v[:1] in FORMULA_START:
                    row[j] = "'" + v


def protect_book(book) -> None:
    """`protect_actions` on the actions a remote-engine Book has queued."""
    get = getattr(book, "json", None)
    if get is None:  # pragma: no cover - every engine we run actions on is the remote engine
        return
    protect_actions(book, get()["actions"])
