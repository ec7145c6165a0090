"""After openpyxl saves a workbook: make the parts it writes differently look like Excel's.

openpyxl writes a few things unlike Excel (and unlike our own build):

* page header/footer font-size codes gain a space (``&9Rencana`` becomes
  ``&9 Rencana``, printed with a leading space), and empty even/first
  header and footer elements are added;
* relationship targets are absolute (``/xl/tables/table1.xml``), which some
  readers (ExcelJS) cannot load; Excel writes them relative to the part;
* a cell emptied by an action is written as an empty inline string
  (``<c r="A1" t="inlineStr"/>``), which readers may take for the text "",
  and empty styled cells carry the default type (``t="n"``);
* print titles are written rows first, every sheet name quoted; Excel writes
  columns first and quotes a sheet name only where it must.

`normalize_file` rewrites those parts of a saved .xlsx/.xlsm in place; every
other part is copied unchanged.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from collections.abc import Callable

# --------------------------------------------------------------------------- headers/footers
_HF_ELEMENT = re.compile(rb"<(odd|even|first)(Header|Footer)>(.*?)</\1\2>", re.S)
_HF_EMPTY = re.compile(rb"<(?:even|first)(?:Header|Footer)\s*/>")
# In the XML text '&' is '&amp;'.  '&&' is a literal ampersand; '&nn ' a font
# size whose space openpyxl added.  Excel separates the size from the text only
# when the text starts with a digit.
_HF_SIZE_SPACE = re.compile(rb"(&amp;&amp;)|(&amp;\d+) (?=[^\d]|$)")


def _header_footer_text(match: re.Match) -> bytes:
    text = _HF_SIZE_SPACE.sub(lambda m: m.group(1) or m.group(2), match.group(3))
    return b"<%s%s>%s</%s%s>" % (match.group(1), match.group(2), text, match.group(1), match.group(2))


# --------------------------------------------------------------------------- cells
# An empty cell typed as an inline string (or as a number, the default): Excel
# writes an empty cell untyped.
_EMPTY_INLINE = re.compile(rb'(<c\b[^>]*?) t="(?:inlineStr|n)"(\s*/>)')


def _worksheet(data: bytes) -> bytes:
    data = _EMPTY_INLINE.sub(rb"\1\2", data)
    start = data.rfind(b"<headerFooter")
    if start < 0:
        return data
    head, tail = data[:start], data[start:]
    tail = _HF_EMPTY.sub(b"", _HF_ELEMENT.sub(_header_footer_text, tail))
    return head + tail


# --------------------------------------------------------------------------- relationships
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
_TARGET = re.compile(rb'\bTarget="/([^"]*)"')


def _relationships(part: str) -> Callable[[bytes], bytes]:
    """Absolute internal targets of `part` (a .rels part) made relative to its source's folder."""
    folder = posixpath.dirname(posixpath.dirname(part))  # 'xl/worksheets/_rels/x.rels' -> 'xl/worksheets'

    def relative(element: re.Match) -> bytes:
        tag = element.group(0)
        if b'TargetMode="External"' in tag:
            return tag
        return _TARGET.sub(
            lambda m: b'Target="%s"' % posixpath.relpath(m.group(1).decode(), folder or ".").encode(), tag
        )

    return lambda data: _RELATIONSHIP.sub(relative, data)


# --------------------------------------------------------------------------- print titles
_PRINT_NAME = re.compile(
    rb'(<definedName\b[^>]*\bname="_xlnm\.Print_(Titles|Area)"[^>]*>)([^<]*)(</definedName>)'
)
_AREA = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$")
# A sheet name Excel writes unquoted: letters, digits, '_' and '.', not starting
# with a digit or '.', and not readable as a cell (A1 or R1C1) or a boolean.
_PLAIN_SHEET = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_LOOKS_LIKE_CELL = re.compile(r"^(?:[A-Za-z]{1,3}\d+|[Rr]\d*(?:[Cc]\d*)?|[Cc]\d*|TRUE|FALSE)$", re.I)


def _split_areas(text: str) -> list[str]:
    """'A'!$1:$1,'B,C'!$A:$A -> the comma-separated areas (commas in quotes kept)."""
    areas, current, quoted = [], "", False
    for ch in text:
        if ch == "'":
            quoted = not quoted
        if ch == "," and not quoted:
            areas.append(current)
            current = ""
        else:
            current += ch
    return [*areas, current]


def _excel_area(area: str) -> tuple[str, str]:
    """(sheet as Excel writes it, cell part) of one area; unchanged if not understood."""
    m = _AREA.match(area)
    if m is None:
        return area, ""
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    if not (_PLAIN_SHEET.match(sheet) and not _LOOKS_LIKE_CELL.match(sheet)):
        sheet = "'" + sheet.replace("'", "''") + "'"
    return sheet, m.group(3)


def _print_name(match: re.Match) -> bytes:
    areas = [_excel_area(a) for a in _split_areas(match.group(3).decode())]
    if match.group(2) == b"Titles":
        # Columns ('$A:$B') before rows ('$4:$4'), as Excel writes them.
        areas.sort(key=lambda a: not a[1][1:2].isalpha())
    text = ",".join(f"{sheet}!{cells}" if cells else sheet for sheet, cells in areas)
    return match.group(1) + text.encode() + match.group(4)


def _workbook(data: bytes) -> bytes:
    return _PRINT_NAME.sub(_print_name, data)


# --------------------------------------------------------------------------- the file
def _fixer(name: str) -> Callable[[bytes], bytes] | None:
    if name.endswith(".rels"):
        return _relationships(name)
    if name == "xl/workbook.xml":
        return _workbook
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return _worksheet
    return None


def normalize_file(path: str | os.PathLike) -> None:
    """Rewrite the openpyxl-written workbook at `path` as described above (in place)."""
    tmp = f"{os.fspath(path)}.normalizing"
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                fix = _fixer(info.filename)
                dst.writestr(info, fix(data) if fix else data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
