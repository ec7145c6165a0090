"""Where python-calamine will place a worksheet's cells, read from the sheet's XML before it does.

python-calamine builds a sheet's grid from A1 to its furthest cell holding something,
every cell in between allocated: one cell claiming XFD1048576 asks for 17 billion cells
and the process is killed.  So the furthest cell is found here first, the way calamine
places cells (measured on python-calamine 0.9, see tests/test_sheetscan.py):

- a cell's place is its `r` attribute ("B7"; letters in either case, leading zeros in
  the row allowed); a cell without `r` goes to the column after the previous cell, in the
  current row: the row a `<row r=..>` names, plus one for every `</row>` since (nested rows
  included), the column starting again at every `</row>`;
- a cell with no child element (`<c r="B7" s="3"/>`) holds nothing and does not count;
- a namespace prefix does not matter (`<x:c>` is a cell), and attributes are whatever
  XML makes of them (any whitespace, either quote, character references).

Two ways to the answer, one fast and one exact:

`fits(data, box)`: for the shape Excel, LibreOffice, openpyxl, XlsxWriter and our own
writer produce: every cell start tag is `<c r="B7"` followed only by its s and t
attributes, in that order, and no cell or formula element has a prefix.
One regular-expression search looks for the first cell start tag that is *not* of that
shape inside the box; finding none proves every cell is inside it, without making an
object per cell.  A search that finds one says where it stopped, so a wider box can
carry on from there.

`exact(data, ...)`: an XML parser (expat, streaming) for everything else: the exact
furthest row and column, and the cells holding a formula.  It stops at the first cell
beyond the limits it is given.  A DOCTYPE (Excel never writes one; it can declare
entities) is refused.
"""

from __future__ import annotations

import re
import sys
import xml.parsers.expat
from dataclasses import dataclass, field

from .tables import col_letter, col_number

# What a cell start tag may carry after r in the fast shape: a style, then a type, as every
# writer above puts them (anything else, cm or vm for instance, takes the exact way).
FAST_ATTRIBUTES = r'(?: s="[0-9]{1,5}+")?+(?: t="[a-zA-Z]{1,9}+")?+'
_ANY_PREFIXED = re.compile(rb":[cf][\s/>]")  # <x:c ...>, <x:f>: a cell or formula element with a prefix
_REF = re.compile(r"([A-Za-z]{1,8})0*([0-9]{1,12})")  # calamine: either case, leading zeros
_ROW = re.compile(r"0*([0-9]{1,12})")


_E = xml.parsers.expat.errors
_EXPAT_WORDS = {  # expat's words for what it found, as staff would read them
    _E.XML_ERROR_DUPLICATE_ATTRIBUTE: "atribut yang sama ditulis dua kali",
    _E.XML_ERROR_TAG_MISMATCH: "tag pembuka dan penutup tidak berpasangan",
    _E.XML_ERROR_NO_ELEMENTS: "isinya kosong",
    _E.XML_ERROR_UNCLOSED_TOKEN: "isinya terpotong",
    _E.XML_ERROR_INVALID_TOKEN: "ada karakter atau tanda yang tidak sah",
    _E.XML_ERROR_SYNTAX: "susunannya tidak sah",
    _E.XML_ERROR_UNDEFINED_ENTITY: "memakai entitas yang tidak dikenal",
    _E.XML_ERROR_JUNK_AFTER_DOC_ELEMENT: "ada isi sesudah akhir lembar",
    _E.XML_ERROR_BAD_CHAR_REF: "rujukan karakter yang tidak sah",
}


class NotReadable(Exception):
    """The sheet's XML is not well formed, declares a DOCTYPE, or names a cell no reader can place."""


# --------------------------------------------------------------------------- the fast way
def _up_to(top: str, alphabet: str, lowest_first: str) -> str:
    """A regular expression for the words over `alphabet` up to `top`, words ordered by length
    and then symbol by symbol ('GR' for columns A..GR, '99999' for rows 1..99,999); a word's
    first symbol is at least `lowest_first` (no leading zeros)."""
    first, last = alphabet[0], alphabet[-1]
    n = len(top)
    symbol = f"[{first}-{last}]"
    if top == last * n:  # Z, 9999: every word of up to n symbols (possessive: the next symbol is '"')
        return f"[{lowest_first}-{last}]" + (f"{symbol}{{0,{n - 1}}}+" if n > 1 else "")
    # (possessive: another alternative is still tried when the '"' after it does not follow)
    parts = [f"[{lowest_first}-{last}]{symbol}{{0,{n - 2}}}+"] if n > 1 else []
    for i, ch in enumerate(top):
        lowest = lowest_first if i == 0 else first
        rest = n - i - 1
        if rest == 0:
            parts.append(f"{top[:i]}[{lowest}-{ch}]")
        elif ch != lowest:
            parts.append(f"{top[:i]}[{lowest}-{alphabet[alphabet.index(ch) - 1]}]{symbol}{{{rest}}}")
    return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True)
class Box:
    """Columns A..`cols`, rows 1..`rows`, and the search that finds a cell start tag outside it
    (or not in the fast shape)."""

    cols: int
    rows: int
    outside: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        letters = _up_to(col_letter(self.cols), "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "A")
        digits = _up_to(str(self.rows), "0123456789", "1")
        shape = rf' r="{letters}{digits}"{FAST_ATTRIBUTES} ?+/?+>'
        object.__setattr__(self, "outside", re.compile(_possessive(rf"<c(?!{shape})[\s/>]").encode()))


def _possessive(pattern: str) -> str:
    """Possessive quantifiers (`{1,5}+`, `?+`: no backtracking, about twice as fast here, and
    nothing to give back: what follows each is a fixed character) where Python has them (3.11);
    the same pattern without them before."""
    if sys.version_info >= (3, 11):
        return pattern
    return re.sub(r"([}?*+])\+", r"\1", pattern)  # pragma: no cover - Python 3.10


def fast_shape(data: bytes) -> bool:
    """No cell or formula element with a namespace prefix (the cell tags themselves are
    checked by `fits`).  A DOCTYPE does not matter here: python-calamine expands no entity,
    and the fast shape of a cell tag has no room for an entity reference."""
    return _ANY_PREFIXED.search(data) is None


CHUNK = 1 << 18  # bytes searched per call: the interpreter can switch threads in between
REACH = 512  # past a chunk's end, so every fast-shape tag that starts in it is read whole


def fits(data: bytes, box: Box, start: int = 0) -> int | None:
    """None when every cell start tag from `start` on is in the fast shape and inside `box`;
    else where the first one that is not begins (a wider box can go on from there).

    Searched a chunk at a time: one call over megabytes would hold the interpreter for tens
    of milliseconds while python-calamine, in another thread, waits for it to hand over its
    grid.  A fast-shape tag is under a hundred bytes, so reading REACH bytes past a chunk's end
    settles every tag that starts in it; one cut there is not in the fast shape anyway."""
    n = len(data)
    pos = start
    while pos < n:
        end = min(pos + CHUNK, n)
        m = box.outside.search(data, pos, min(n, end + REACH))
        if m is not None and m.start() < end:
            return m.start()
        pos = end
    return None


# --------------------------------------------------------------------------- the exact way
@dataclass
class Cells:
    """The furthest row and column holding something (0 for an empty sheet), the cells that
    name them as written, the cells holding a formula, and whether the scan stopped early
    at a cell beyond the limits it was given."""

    far_row: int = 0
    far_row_cell: str = ""
    far_col: int = 0
    far_col_cell: str = ""
    formulas: list[tuple[int, int]] = field(default_factory=list)
    stopped: bool = False


class _Stop(Exception):
    pass


def exact(data: bytes, max_rows: int, max_cols: int, max_cells: int) -> Cells:
    """Every cell as calamine places it; stops at the first one past `max_rows`, `max_cols`
    or `max_cells` (counted from A1).  NotReadable when the XML is not well formed, has a
    DOCTYPE, or a cell's `r` is not a cell address."""
    out = Cells()
    # Where the next cell without `r` goes, as calamine keeps it: the row is set by <row r=..>
    # and moves on at every </row> (nested rows included); the column follows the last cell
    # and starts again at every </row>.
    state: dict = {"row": 1, "col": 1, "cell": None, "filled": False, "formula": False}

    def start(name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if state["cell"] is not None:  # something inside a cell: it holds a value, a formula, a text
            state["filled"] = True
            state["formula"] = state["formula"] or local == "f"
            if local != "c":
                return
            close()  # a cell inside a cell: count the outer one, then place the inner one
        if local == "row":
            r = attrs.get("r")
            if r is not None:
                state["row"] = _row_number(r)
        elif local == "c":
            r = attrs.get("r")
            if r is None:
                row, col = state["row"], state["col"]
                label = f"{col_letter(col)}{row}"
            else:
                (row, col), label = _place(r), r
            state["col"] = col + 1
            state["cell"] = (row, col, label)
            state["filled"] = state["formula"] = False

    def close() -> None:
        row, col, label = state["cell"]
        state["cell"] = None
        if not state["filled"]:
            return
        if row > out.far_row:
            out.far_row, out.far_row_cell = row, label
        if col > out.far_col:
            out.far_col, out.far_col_cell = col, label
        if state["formula"]:
            out.formulas.append((row, col))
        if out.far_row > max_rows or out.far_col > max_cols or out.far_row * out.far_col > max_cells:
            out.stopped = True
            raise _Stop

    def end(name: str) -> None:
        local = name.rpartition(":")[2]
        if state["cell"] is not None and local == "c":
            close()
        elif local == "row":
            state["row"] += 1
            state["col"] = 1

    def doctype(*_args) -> None:
        raise NotReadable("XML lembar memuat deklarasi DOCTYPE (Excel tidak pernah menulisnya)")

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except _Stop:
        pass
    except xml.parsers.expat.ExpatError as exc:
        what = _EXPAT_WORDS.get(
            xml.parsers.expat.errors.messages[exc.code], f"kesalahan XML nomor {exc.code}"
        )
        raise NotReadable(f"XML lembar tidak utuh ({what}, baris {exc.lineno} kolom {exc.offset})") from None
    return out


def _row_number(text: str) -> int:
    m = _ROW.fullmatch(text)
    if m is None:
        raise NotReadable(f"nomor baris '{text[:20]}' bukan angka")
    return int(m.group(1))


def _place(ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref)
    if m is None:
        raise NotReadable(f"alamat sel '{ref[:20]}' tidak sah")
    return int(m.group(2)), col_number(m.group(1))


__all__ = ["Box", "Cells", "NotReadable", "exact", "fast_shape", "fits"]
