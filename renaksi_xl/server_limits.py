"""The server's limits on what one request may cost: actions admitted at once (per
token and overall), the shape of the JSON it may send (nesting depth, numbers), and
the deadline that stops an action still running when its request times out.

One reason to change: how much of the server a request may use (docs/server.md,
"Limits")."""

from __future__ import annotations

import contextlib
import ctypes
import math
import re
import threading
from collections import Counter

# The xlwings payload nests 5 levels (payload > sheets > sheet > values > row);
# pictures and extra keys a little more.  Anything deeper is not from the VBA client.
MAX_JSON_DEPTH = 32
# Excel keeps 15 significant digits; a NIP typed as a number has 18.  Longer digit
# strings are not cell values (Python itself refuses to convert 4,300 digits).
MAX_INT_DIGITS = 30
MAX_FLOAT_CHARS = 64


# --------------------------------------------------------------------------- actions at once
class ActionSlots:
    """Counts the actions admitted (waiting for a thread or running), overall and per
    token hash.  `take` answers None when admitted, else which limit is reached; each
    admitted action gives its slot back with `give_back` exactly once."""

    def __init__(self, overall: int, per_token: int) -> None:
        self.overall, self.per_token = overall, per_token
        self._lock = threading.Lock()
        self._by_token: Counter[str] = Counter()
        self._total = 0

    def take(self, key: str) -> str | None:
        with self._lock:
            if self._by_token[key] >= self.per_token:
                return "token"
            if self._total >= self.overall:
                return "server"
            self._by_token[key] += 1
            self._total += 1
            return None

    def give_back(self, key: str) -> None:
        with self._lock:
            self._by_token[key] -= 1
            if self._by_token[key] <= 0:
                del self._by_token[key]
            self._total -= 1

    @property
    def in_use(self) -> int:
        with self._lock:
            return self._total


def too_many_text(which: str, limit: int) -> str:
    if which == "token":
        return (
            f"Anda sudah menjalankan {limit} aksi di server yang belum selesai. Tunggu sampai aksi "
            "sebelumnya selesai, lalu tekan tombolnya lagi. Buku kerja tidak diubah."
        )
    return (
        f"Server sedang menjalankan {limit} aksi sekaligus (batasnya). Coba lagi beberapa saat lagi. "
        "Buku kerja tidak diubah."
    )


# --------------------------------------------------------------------------- bounded JSON
class JsonLimitError(ValueError):
    """The body is JSON the server will not parse; `text` is the Indonesian message."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST = re.compile(rb"\[\]|\{\}")
_TAIL = " Buku kerja tidak diubah."


def check_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit`, before parsing it: strings removed,
    only the brackets kept, then innermost pairs peeled off up to `limit` times.
    Brackets still left after a pass that peeled some are nested deeper than
    `limit`; brackets no pass can peel do not pair up (ValueError: not JSON).
    C-speed passes, no recursion."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    for _ in range(limit):
        if not brackets:
            return
        peeled = _INNERMOST.sub(b"", brackets)
        if peeled == brackets:
            raise ValueError("unpaired brackets")
        brackets = peeled
    if brackets and _INNERMOST.search(brackets):
        raise JsonLimitError(
            f"Data yang dikirim bersarang lebih dari {limit} tingkat; "
            "data dari klien VBA xlwings tidak pernah sedalam itu." + _TAIL
        )
    if brackets:
        raise ValueError("unpaired brackets")


def _int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_INT_DIGITS:
        raise JsonLimitError(
            f"Data yang dikirim memuat bilangan bulat {len(digits)} digit ('{text[:20]}…'); "
            f"batasnya {MAX_INT_DIGITS} digit (Excel menyimpan 15 digit bermakna)." + _TAIL
        )
    return int(text)


def _float(text: str) -> float:
    value = float(text) if len(text) <= MAX_FLOAT_CHARS else math.nan
    if not math.isfinite(value):
        shown = text if len(text) <= 24 else text[:20] + "…"
        raise JsonLimitError(
            f"Data yang dikirim memuat bilangan '{shown}' yang di luar jangkauan angka Excel "
            f"(atau lebih dari {MAX_FLOAT_CHARS} karakter)." + _TAIL
        )
    return value


def _constant(text: str):
    raise JsonLimitError(f"Data yang dikirim memuat '{text}', yang bukan angka JSON yang sah." + _TAIL)


def parse_json(body: bytes):
    """json.loads with the limits: depth, integer digits, finite floats, no NaN/Infinity.

    Raises JsonLimitError for a limit and ValueError for anything that is not JSON."""
    import json

    check_depth(body)
    try:
        return json.loads(body, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError as exc:  # belt and braces: check_depth already bounds it
        raise JsonLimitError("Data yang dikirim bersarang terlalu dalam." + _TAIL) from exc


# --------------------------------------------------------------------------- stopping an action
class ActionCancelled(BaseException):
    """Raised inside an action's thread when its request timed out.

    A BaseException, like KeyboardInterrupt, so `except Exception` in an action
    does not swallow it."""


class Deadline:
    """Lets the event loop stop an action that outlived its request.

    The worker thread runs the action inside `interruptible()`; `cancel()` (from
    any thread) raises ActionCancelled in that thread at its next Python
    instruction (a long call into native code finishes first), but only while it
    is inside that block: setup and clean-up (closing the remote book) always run.
    After a cancel the block raises ActionCancelled whatever the action returned,
    so a late result is never used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: int | None = None
        self.cancelled = False
        self._injected = False

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._thread is not None and not self._injected:
                self._injected = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(self._thread), ctypes.py_object(ActionCancelled)
                )

    @contextlib.contextmanager
    def interruptible(self):
        with self._lock:
            if self.cancelled:
                raise ActionCancelled()
            self._thread = threading.get_ident()
        try:
            yield
        finally:
            self._leave()
        if self.cancelled:
            raise ActionCancelled()

    def _leave(self) -> None:
        # An exception injected just before the thread left may still be pending:
        # let it fire here, where it is caught, not later in the clean-up.
        for _ in range(3):
            try:
                with self._lock:
                    self._thread = None
                if self._injected:
                    for _ in range(1000):
                        pass
                return
            except ActionCancelled:
                continue
