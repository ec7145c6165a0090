"""Small text files staff and admins write by hand (SOP, office settings, server config, key list).

One way to read them: the file must exist, be at most `MAX_BYTES`, and be UTF-8; TOML is
parsed with tomllib (the tomli backport on Python 3.10).  Every problem is the caller's
error class (an InputError: exit 2) with an Indonesian message starting with `where`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 (requires-python): the same parser, from PyPI
    import tomli as tomllib

MAX_BYTES = 256 * 1024  # an SOP with 15 steps and its legal basis is about 10 KB


def read_text(path: str | Path, where: str, error: type[InputError] = InputError) -> str:
    """The file's text; `error` naming `where` when it is missing, too big or not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise error(f"{where} tidak ditemukan.")
    if path.stat().st_size > MAX_BYTES:
        raise error(f"{where}: terlalu besar (paling banyak {MAX_BYTES // 1024} KB).")
    try:
        # utf-8-sig: Notepad's byte-order mark is not part of the text
        return path.read_bytes()[: MAX_BYTES + 1].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{where}: bukan teks UTF-8.") from None


def parse_toml(text: str, where: str, error: type[InputError] = InputError) -> dict[str, Any]:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise error(f"{where}: terlalu besar (paling banyak {MAX_BYTES // 1024} KB).")
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{where}: bukan TOML yang sah ({exc}).") from None
    except ValueError as exc:  # an integer of thousands of digits (Python's int limit)
        raise error(f"{where}: bukan TOML yang sah (angka terlalu panjang: {str(exc)[:60]}).") from None
    except RecursionError:
        raise error(f"{where}: bukan TOML yang sah (daftar atau tabel bersarang terlalu dalam).") from None


__all__ = ["MAX_BYTES", "parse_toml", "read_text", "tomllib"]
