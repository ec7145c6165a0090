"""Tolerant reading of the numbers people paste, and whole-rupiah rounding.

One small function, `parse_number`, understands every style we meet in DPA
files: `Rp 1.250.000,00` (Indonesian), `1,250,000.00` (English), `1.250.000`,
`Rp. 500.000,-`, numbers stored as text, negatives in parentheses `(1.000)`.
Anything else is refused with ValueError rather than guessed; an ambiguous
number (`12345.678`: three digits after one separator, but an integer part that
is not written in thousands groups) raises AmbiguousNumber, whose text says
in Indonesian how to write it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_DIGITS = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


class AmbiguousNumber(ValueError):
    """A number that could be read two ways; str() is the Indonesian explanation."""


def ambiguity_hint(exc: BaseException) -> str:
    """' <explanation>' for an AmbiguousNumber, '' for any other error: for messages
    that say a cell is not a number."""
    return f" {exc}" if isinstance(exc, AmbiguousNumber) else ""


def _is_grouped(text: str, sep: str) -> bool:
    """'1.250.000' with sep '.' : groups of three after the first."""
    parts = text.split(sep)
    return (
        1 <= len(parts[0]) <= 3 and all(len(p) == 3 and p.isdigit() for p in parts[1:]) and parts[0].isdigit()
    )


def _unsigned(text: str) -> Decimal:
    """Digits with thousands/decimal separators in either convention -> Decimal."""
    if _DIGITS.match(text):
        return Decimal(text)
    has_dot, has_comma = "." in text, "," in text
    if has_dot and has_comma:
        # The separator that comes last is the decimal one.
        dec = "," if text.rfind(",") > text.rfind(".") else "."
        thou = "." if dec == "," else ","
        whole, _, frac = text.rpartition(dec)
        if not frac.isdigit() or not _is_grouped(whole, thou):
            raise ValueError(text)
        return Decimal(whole.replace(thou, "") + "." + frac)
    sep = "." if has_dot else ","
    parts = text.split(sep)
    if len(parts) > 2:
        if not _is_grouped(text, sep):
            raise ValueError(text)
        return Decimal(text.replace(sep, ""))
    whole, frac = parts
    if not whole.isdigit() or not frac.isdigit():
        raise ValueError(text)
    if len(frac) == 3:
        # '1.250' / '1,250': rupiah amounts are written with thousands groups;
        # a three-digit fraction is a thousands group in both conventions, when
        # the part before it is a first group (1 to 3 digits).  No thousands
        # group follows a leading 0: '0.500' is a half in both conventions.
        if whole.startswith("0"):
            return Decimal(whole + "." + frac)
        if _is_grouped(text, sep):
            return Decimal(whole + frac)
        raise AmbiguousNumber(_ambiguous_text(text, sep))
    return Decimal(whole + "." + frac)


def _ambiguous_text(text: str, sep: str) -> str:
    whole, _, frac = text.partition(sep)
    grouped = f"{int(whole):,}".replace(",", ".") + "." + frac
    decimal = f"{int(whole):,}".replace(",", ".") + "," + frac
    return (
        f"Angka '{text}' tidak jelas: tiga angka sesudah '{sep}' bisa berarti ribuan ({grouped}) atau "
        f"desimal ({decimal}). Tulis dengan titik ribuan dan koma desimal, mis. {grouped} atau {decimal}."
    )


def parse_number(value):
    """A cell value -> int/float, None for blank; ValueError for text that is no number.

    Integral results come back as int so that JSON shows `1250000`, not `1250000.0`.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, Decimal):
        return _to_python(value)
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip()
    if text in ("", "-", "\u2013", "\u2014"):
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.startswith("-"):
        negative, text = not negative, text[1:].strip()
    text = _CURRENCY.sub("", text)
    if text.startswith("-"):  # 'Rp -1.000'
        negative, text = not negative, text[1:].strip()
    if text.startswith("(") and text.endswith(")"):  # 'Rp (1.000)'
        negative, text = not negative, text[1:-1].strip()
    text = _SPACES.sub("", text)
    # '500.000,-' and '500.000,--': the Indonesian 'no cents' mark
    text = re.sub(r"[.,]-+$", "", text)
    if not text or not re.match(r"^[\d.,]+$", text) or not text[0].isdigit() or not text[-1].isdigit():
        raise ValueError(value)
    number = _unsigned(text)
    return _to_python(-number if negative else number)


def _to_python(number: Decimal):
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def round_rupiah(value) -> int:
    """Whole rupiah, half up (0,5 -> 1), without binary float surprises."""
    if value is None:
        return 0
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_half_up(value, places: int = 0):
    """Half-up rounding to `places` decimals; int when places == 0."""
    q = Decimal(1).scaleb(-places)
    d = Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP)
    return int(d) if places == 0 else float(d)


def same_amount(a, b) -> bool:
    """Equal to the cent: how DPA totals are compared."""
    return round_half_up(a or 0, 2) == round_half_up(b or 0, 2)


def format_rupiah(value) -> str:
    """'Rp 1.250.000' (cents shown only when present: 'Rp 1.250.000,50')."""
    if value is None:
        return "-"
    d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    d = abs(d)
    whole = int(d)
    cents = int((d - whole) * 100)
    text = f"{whole:,}".replace(",", ".")
    if cents:
        text += f",{cents:02d}"
    return f"{sign}Rp {text}"


def format_number(value) -> str:
    """Indonesian style for targets: 1.250 / 2,5."""
    if value is None:
        return "-"
    if isinstance(value, float) and not value.is_integer():
        whole, _, frac = f"{value:,.2f}".rstrip("0").partition(".")
        return whole.replace(",", ".") + ("," + frac if frac else "")
    return f"{int(value):,}".replace(",", ".")


_TARGET = re.compile(r"^\s*(\(?-?[\d.,]*\d\)?)\s*(.*?)\s*$")


def parse_target(value) -> tuple:
    """'3 Dokumen' -> (3, 'Dokumen'); '100 %' -> (100, '%'); 12 -> (12, None).

    Raises ValueError when no leading number is found.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_number(value), None
    m = _TARGET.match(str(value))
    if not m:
        raise ValueError(value)
    number = parse_number(m.group(1))
    unit = m.group(2).strip() or None
    return number, unit
