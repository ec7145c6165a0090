"""The remote-engine Book lifecycle: a payload in, an `xlwings.Book` out, dropped after use."""

from __future__ import annotations

import contextlib
import os
import threading

from .payload import payload_from_file


def _enable_remote_engine() -> None:
    """The remote engine is xlwings PRO code, free for noncommercial use (PolyForm
    Noncommercial 1.0.0, which names government institutions); see README."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def open_book(path: str | os.PathLike, **kwargs):
    """An `xlwings.Book` on the remote engine, fed by the file's payload (one-off use, as book_from_payload)."""
    return book_from_payload(payload_from_file(path, **kwargs))


def book_from_payload(payload: dict):
    """A remote-engine Book in the engine's shared App: for one-off use (tests, one command).

    Code that opens many Books, or several at once, uses `remote_book`."""
    _enable_remote_engine()
    import xlwings as xw

    return xw.Book(json=payload)


_NEW_APP = threading.Lock()


@contextlib.contextmanager
def remote_book(payload: dict):
    """A remote-engine Book of `payload` in an App of its own, dropped on exit.

    The remote engine keeps every Book its App opened (a long-running server
    would pile them up) and sends `app.alert`/`book.macro` to the App's active
    Book, which, in a shared App, is whichever Book was opened last: another
    request's, when two run at once.  One App per Book avoids both.
    """
    _enable_remote_engine()
    import xlwings as xw

    with _NEW_APP:  # apps.add inserts at the front, then returns the front: not atomic
        app = xw.engines["remote"].apps.add(add_book=False)
    try:
        yield app.books.open(json=payload)
    finally:
        app.kill()
