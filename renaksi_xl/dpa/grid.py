"""A grid of cell values with its origin, and the problems found in it.

Every reader (xlsx via python-calamine, CSV, the workbook's `Impor` sheet)
produces `Grid`s: a list of rows of raw cell values plus where they came from,
so one parser serves all sources and every message can name the exact cell of
the user's own file ("DPA_2025.xlsx, lembar 'Sub 3', sel C12").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import InputError
from ..tables import cell_address


@dataclass(frozen=True)
class Source:
    """Where a grid came from: file, sheet, and the Excel cell of grid[0][0]."""

    file: str
    sheet: str | None = None
    row0: int = 1  # 1-based Excel row of the grid's first row
    col0: int = 1  # 1-based Excel column of the grid's first column

    def where(self, r: int | None = None, c: int | None = None) -> str:
        """Human location of grid cell (r, c) (0-based), or of the sheet/file."""
        text = self.file
        if self.sheet is not None:
            text += f", lembar '{self.sheet}'"
        if r is not None and c is not None:
            text += f", sel {cell_address(self.row0 + r, self.col0 + c)}"
        elif r is not None:
            text += f", baris {self.row0 + r}"
        return text


@dataclass(frozen=True)
class PdfSource(Source):
    """A grid rebuilt from a PDF's text layer: every finding names the page."""

    pages: tuple = ()  # 1-based page of each grid row
    lines: tuple = ()  # 1-based row of each grid row within its page

    def where(self, r: int | None = None, c: int | None = None) -> str:
        if r is not None and 0 <= r < len(self.pages):
            return f"{self.file}, halaman {self.pages[r]}, baris {self.lines[r]}"
        return self.file


@dataclass
class Grid:
    source: Source
    rows: list[list[Any]]


@dataclass(frozen=True)
class Problem:
    """One finding: an Indonesian message and where it is ('berkas, lembar, sel')."""

    message: str
    where: str

    def as_dict(self) -> dict:
        return {"message": self.message, "where": self.where}

    def text(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class DpaError(InputError):
    """The DPA source cannot be used; `problems` lists every blocking finding."""

    def __init__(self, problems: list[Problem], *, file: str | None = None, what: str = "DPA") -> None:
        self.problems = list(problems)
        shown = [p.text() for p in self.problems[:12]]
        more = len(self.problems) - len(shown)
        head = f"Berkas {what} '{file}' tidak bisa dipakai" if file else f"Data {what} tidak bisa dipakai"
        message = head + ":\n- " + "\n- ".join(shown)
        if more > 0:
            message += f"\n- ... dan {more} masalah lain."
        super().__init__(message, where=self.problems[0].where if self.problems else None)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_LABEL_JUNK = re.compile(r"[\s:]+")


def norm(value: Any) -> str:
    """Label comparison key: lower case, single spaces, no colons or trailing dots."""
    if not isinstance(value, str):
        return ""
    return _norm_text(value)


@lru_cache(maxsize=1 << 16)
def _norm_text(value: str) -> str:
    # cached: a DPA repeats the same labels and month names thousands of times
    return _LABEL_JUNK.sub(" ", value).strip(" .").lower()


# --- codes ---------------------------------------------------------------------
# Permendagri 90/2019 nomenclature: program 7.01.01, kegiatan 7.01.01.2.01,
# sub kegiatan 7.01.01.2.01.0001.  'X' stands for a placeholder urusan digit.
# Documents of 2021-2022 (Kepmendagri 050-5889/2021) number sub kegiatan with
# two digits (4.02.01.2.06.01): read as printed, with one warning per document.
OLD_NOMENCLATURE = "Kepmendagri 050-5889/2021"
OLD_SUB_SHAPE = re.compile(r"^[0-9X]\.[0-9X]{2}\.\d{2}\.\d\.\d{2}\.\d{2}$")
CODE_SHAPES = {
    "program": (r"[0-9X]\.[0-9X]{2}\.\d{2}", "7.01.01"),
    "kegiatan": (r"[0-9X]\.[0-9X]{2}\.\d{2}\.\d\.\d{2}", "7.01.01.2.01"),
    "sub_kegiatan": (r"[0-9X]\.[0-9X]{2}\.\d{2}\.\d\.\d{2}\.\d{4}", "7.01.01.2.01.0001"),
}
CODE_LABEL = {"program": "Kode program", "kegiatan": "Kode kegiatan", "sub_kegiatan": "Kode sub kegiatan"}
_CODE_RE = {k: re.compile(rf"^{p}$") for k, (p, _) in CODE_SHAPES.items()}
_CODE_PREFIX = re.compile(
    r"^\s*([0-9X]+(?:\.[0-9X]+)+)(?=\s|$|[-\u2013\u2014:])\s*[-\u2013\u2014:]?\s*(.*)$", re.S
)
_DATE_TEXT = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?|\d{1,2}[/-]\d{1,2}[/-]\d{2,4})\s*$"
)


def mangled_code(value: Any, kind: str) -> str | None:
    """Why a code cell cannot be a code (number/date), or None when it is text.

    A spreadsheet turns '7.01' into the number 7,01 and '7.01.01' into a date
    (1 Januari 2007 / 7 Januari 2001 depending on the locale).  We cannot know
    the original text, so we say so instead of guessing.
    """
    label = CODE_LABEL[kind]
    if isinstance(value, bool):
        return f"{label} berisi nilai logika ({value}), bukan teks kode"
    if isinstance(value, (int, float)):
        return (
            f"{label} tersimpan sebagai angka ({value!r}), bukan teks; spreadsheet telah mengubah "
            f"kodenya sehingga kode aslinya tidak bisa dipastikan. Ketik ulang kode sebagai teks "
            f"(format sel Teks, atau awali dengan tanda petik ')"
        )
    if isinstance(value, (dt.date, dt.datetime)):
        return (
            f"{label} tersimpan sebagai tanggal ({value.isoformat()[:10]}), bukan teks; spreadsheet "
            f"telah mengubah kodenya menjadi tanggal. Ketik ulang kode sebagai teks (format sel Teks, "
            f"atau awali dengan tanda petik ')"
        )
    if isinstance(value, str) and _DATE_TEXT.match(value):
        return (
            f"{label} berbentuk tanggal ('{value.strip()}'), bukan kode; spreadsheet telah mengubah "
            f"kodenya menjadi tanggal. Ketik ulang kode sebagai teks"
        )
    return None


def is_old_sub_code(text: str) -> bool:
    """A 2-digit sub kegiatan code of the 2021-2022 nomenclature (4.02.01.2.06.01)."""
    return bool(OLD_SUB_SHAPE.match(text))


def check_code(text: str, kind: str) -> str | None:
    """None when `text` has the shape of a `kind` code (2-digit sub kegiatan included), else the reason."""
    if _CODE_RE[kind].match(text) or (kind == "sub_kegiatan" and OLD_SUB_SHAPE.match(text)):
        return None
    example = CODE_SHAPES[kind][1]
    return (
        f"{CODE_LABEL[kind]} '{text}' tidak berbentuk kode {kind.replace('_', ' ')} "
        f"(contoh: {example}{'; dokumen 2021-2022: 4.02.01.2.06.01' if kind == 'sub_kegiatan' else ''}); mungkin angka nol di depan hilang. Periksa dan ketik ulang sebagai teks"
    )


def split_code(value: Any) -> tuple[str | None, str]:
    """'7.01.01.2.01.0001 - Penyusunan ...' -> ('7.01.01.2.01.0001', 'Penyusunan ...').

    Returns (None, text) when the text does not start with a dotted code.
    """
    text = str(value).strip()
    m = _CODE_PREFIX.match(text)
    if not m:
        return None, text
    # names printed over several lines (SIPD wraps them) read as one line
    return m.group(1), " ".join(m.group(2).split())


@dataclass
class Findings:
    """Errors (block the import) and warnings (shown, import goes on)."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, message: str, where: str) -> None:
        self.errors.append(Problem(message, where))

    def warn(self, message: str, where: str) -> None:
        self.warnings.append(Problem(message, where))
