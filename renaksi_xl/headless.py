"""The headless engine: file -> xlwings JSON payload -> remote-engine Book -> actions -> file.

The parts live in modules of their own: `payload` (the VBA client's request
payload from a file), `remote_engine` (the remote-engine Book lifecycle),
`actions` (the VBA client's action set on an openpyxl workbook) and
`bookfile` (loading, locking and saving the file).  This module runs an
action on a file end to end, and keeps the names callers import from it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .actions import (  # noqa: F401  (re-exported)
    APPLIERS,
    MACRO_EQUIVALENTS,
    AppliedResult,
    _vba_parse_iso,
    apply_actions,
    macro_equivalent,
)
from .bookfile import (  # noqa: F401  (re-exported)
    NON_WRITING,
    apply_to_file,
    load_for_update,
    lock_for,
    release,
    save_atomic,
)
from .payload import (  # noqa: F401  (re-exported)
    NS,
    R_ID,
    TABLE_REL_TYPE,
    _clean,
    _clean_row,
    _parse_ref,
    _read_xml,
    _rels,
    _split_ref,
    _table_part_ids,
    _table_payload,
    _xlwings_version,
    payload_from_file,
)
from .remote_engine import book_from_payload, open_book, remote_book  # noqa: F401  (re-exported)
from .tables import WorkbookError


def run_on_file(path, fn: Callable, *, out_path=None, write: bool = True, active_sheet: str | None = None):
    """Run `fn(book)` on the workbook at `path` through the remote engine and
    apply its actions to `out_path` (default: in place).

    Returns (fn's return value, AppliedResult).  If `fn` raises, nothing is
    written.  The whole read-run-write happens under the file's lock.
    """
    from filelock import Timeout

    out_path = Path(out_path or path)
    try:
        with lock_for(path):
            return _run_locked(path, fn, out_path, write, active_sheet)
    except Timeout as exc:
        raise WorkbookError(
            f"Buku kerja '{path}' sedang dipakai proses renaksi-xl lain (kunci {exc.lock_file}). "
            "Tunggu sampai selesai lalu ulangi."
        ) from exc


def _run_locked(path, fn, out_path: Path, write: bool, active_sheet):
    payload = payload_from_file(path, active_sheet=active_sheet)
    # Like desktop Excel, `book.fullname` is the file's full path (what the
    # local-only buttons, PDF and email, need); the VBA client sends the bare name.
    payload["book"]["name"] = str(Path(path).resolve())
    with remote_book(payload) as book:
        value = fn(book)
        actions = book.json()["actions"]
    if not write:
        return value, AppliedResult()
    return value, apply_to_file(path, actions, out_path)
