"""What a cell holds (number, empty, number typed as text, text) and how to write figures.

Staff paste amounts in every style (`Rp 1.250.000,00`, `1,250,000`, `500.000,-`):
such a cell is still checked with its value, but reported because Excel does
not add text cells in its totals.  Text that is no number at all is reported
and left out of the arithmetic rules, never a crash.

The column helpers take and return 1-D numpy arrays (object arrays for cells
and texts): on a plan of 21 or 3,000 rows a numpy operation costs a few
microseconds, a pandas one tens, and the validator runs on every click.
"""

from __future__ import annotations

import math
import re
from enum import IntEnum
from typing import Any

import numpy as np
import pandas as pd

from renaksi_xl import layout
from renaksi_xl.dpa.numbers import parse_number


class Kind(IntEnum):
    """What a numeric cell holds.  Small integers, so that rules compare whole columns fast."""

    EMPTY = 0  # nothing (or only spaces, or '-')
    NUMBER = 1  # a number
    NUMERIC_TEXT = 2  # text that reads as a number: 'Rp 1.250.000,00'
    NOT_NUMBER = 3  # text that is no number, an error value, a date, a boolean


EMPTY, NUMBER, NUMERIC_TEXT, NOT_NUMBER = Kind

_FAST_KINDS = {"integer", "floating", "mixed-integer-float", "empty", "decimal"}


def _kind_and_value(value: Any) -> tuple[Kind, float]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EMPTY, math.nan
    if isinstance(value, bool):
        return NOT_NUMBER, math.nan
    if isinstance(value, (int, float)):
        return (NUMBER, float(value)) if math.isfinite(value) else (NOT_NUMBER, math.nan)
    if isinstance(value, str):
        if not value.strip():
            return EMPTY, math.nan
        try:
            parsed = parse_number(value)
        except (ValueError, ArithmeticError):
            return NOT_NUMBER, math.nan
        if parsed is None:  # '-' and dashes: the spreadsheet way of writing "nothing"
            return EMPTY, math.nan
        return NUMERIC_TEXT, float(parsed)
    return NOT_NUMBER, math.nan  # dates, times and anything else an engine hands over


def classify(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(kind per cell as int8, float value per cell); NaN where there is no usable number.

    `column` is a 1-D object array of cells as written.  Columns that hold only
    numbers and blanks (the normal case) take a vectorized path; only columns
    with text are looked at cell by cell.
    """
    if pd.api.types.infer_dtype(column, skipna=True) in _FAST_KINDS:
        values = column.astype(float)  # None -> NaN
        kinds = np.full(len(values), NUMBER, dtype=np.int8)
        missing = np.isnan(values)
        if missing.any():
            kinds[missing] = EMPTY
        infinite = np.isinf(values)
        if infinite.any():
            kinds[infinite] = NOT_NUMBER
            values[infinite] = np.nan
        return kinds, values
    pairs = [_kind_and_value(v) for v in column.tolist()]
    return np.array([int(k) for k, _ in pairs], dtype=np.int8), np.array([v for _, v in pairs], dtype=float)


def round_rupiah(values):
    """Whole rupiah, half away from zero (0,5 -> 1), as amounts are compared (array or one number)."""
    a = np.asarray(values, dtype=float)
    return np.sign(a) * np.floor(np.abs(a) + 0.5)


def objects(items: list) -> np.ndarray:
    """A 1-D object array of `items` (np.array would make a 2-D array of a list of tuples)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def missing(column: np.ndarray) -> np.ndarray:
    """True where a value is missing (None or NaN), as pandas counts it."""
    return np.isnan(column) if column.dtype.kind == "f" else pd.isna(column)


def same_text(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a == b cell by cell, a missing value (None, NaN) equal to nothing, as pandas compares objects."""
    return np.array(
        [x is not None and y is not None and x == y for x, y in zip(a.tolist(), b.tolist())], dtype=bool
    )


def is_blank(column: np.ndarray) -> np.ndarray:
    """True where a text cell is empty (None or only spaces)."""
    return np.array(
        [v is None or (not v.strip() if type(v) is str else _is_blank(v)) for v in column.tolist()],
        dtype=bool,
    )


def _is_blank(v: Any) -> bool:
    return (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def clean_text(value: Any) -> str | None:
    """Stripped text of a cell, None when blank; numbers come back as their text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def clean_texts(column: np.ndarray) -> np.ndarray:
    """clean_text over a column (a list comprehension: faster than numpy's vectorize here)."""
    return objects(
        [
            (v.strip() or None) if type(v) is str else None if v is None else clean_text(v)
            for v in column.tolist()
        ]
    )


def normalize_names(column: np.ndarray) -> np.ndarray:
    """normalize_name over a column (a column of a few names repeated: each text done once)."""
    done: dict[str, str | None] = {}

    def norm(v: str) -> str | None:
        out = done[v] = " ".join(v.split()).casefold() or None
        return out

    return objects(
        [
            (done[v] if v in done else norm(v))
            if type(v) is str
            else None
            if v is None
            else normalize_name(v)
            for v in column.tolist()
        ]
    )


def normalize_name(value: Any) -> str | None:
    """For comparing names: case and spacing do not matter."""
    text = clean_text(value)
    return " ".join(text.split()).casefold() if text else None


_SIFAT = {s.casefold(): s for s in layout.SIFAT_TARGET}


def sifat_target(value: Any) -> str | None:
    """'kumulatif ' -> 'Kumulatif'; None when not one of layout.SIFAT_TARGET."""
    text = normalize_name(value)
    return _SIFAT.get(text) if text else None


def sifat_targets(column: np.ndarray) -> np.ndarray:
    """sifat_target over a column (three words repeated: each text done once)."""
    get = _SIFAT.get
    done: dict[str, str | None] = {}

    def sifat(v: str) -> str | None:
        out = done[v] = get(" ".join(v.split()).casefold())
        return out

    return objects(
        [
            (done[v] if v in done else sifat(v)) if type(v) is str else None if v is None else sifat_target(v)
            for v in column.tolist()
        ]
    )


# --------------------------------------------------------------------------- writing figures
def rupiah(value: float | None) -> str:
    """'Rp 1.250.000': whole rupiah, Indonesian grouping."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(kosong)"
    whole = int(round_rupiah(float(value)))
    text = f"{abs(whole):,}".replace(",", ".")
    return f"-Rp {text}" if whole < 0 else f"Rp {text}"


def angka(value: float | None) -> str:
    """'1.250' / '12,5': a target or a percentage, Indonesian style."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(kosong)"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    return whole.replace(",", ".") + ("," + frac if frac else "")


def persen(value: float | None) -> str:
    return angka(value) + (
        "%" if value is not None and not (isinstance(value, float) and math.isnan(value)) else ""
    )


def shown(value: Any) -> str:
    """A raw cell value quoted for a message."""
    if value is None:
        return "(kosong)"
    if isinstance(value, str):
        return f"'{value.strip()}'"
    return f"'{value}'"


KODE_PATTERN = re.compile(r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}$")
