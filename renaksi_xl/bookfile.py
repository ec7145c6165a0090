"""The workbook file: loading it for an update, locking it, saving it atomically.

`apply_to_file` applies a run's actions (see `actions`) to the file: writes
are atomic (temp file + rename); callers hold the file's lock (`lock_for`).
"""

from __future__ import annotations

import os
from pathlib import Path

from .actions import APPLIERS, AppliedResult, apply_actions
from .xlsm_normalize import normalize_file


def load_for_update(path: str | os.PathLike):
    import openpyxl

    keep_vba = str(path).lower().endswith((".xlsm", ".xltm"))
    try:
        return openpyxl.load_workbook(path, keep_vba=keep_vba, keep_links=True, rich_text=False)
    except Exception as exc:  # read fine for the action, but openpyxl cannot load it to save
        from .payload import _Reading
        from .tables import WorkbookError

        reading = _Reading(Path(path))
        reading.where = "dibuka untuk disimpan (openpyxl)"
        raise WorkbookError(reading.damaged(exc)) from exc


def save_atomic(wb, out_path: str | os.PathLike) -> None:
    """Save to a temp file in the target's folder, then rename over the target.

    A symlink is written at its target (the link stays a link)."""
    from .outputs import atomic_write, real_target

    def write(tmp: str) -> None:
        wb.save(tmp)
        normalize_file(tmp)  # the parts openpyxl writes unlike Excel

    try:
        atomic_write(real_target(out_path), write)
    finally:
        release(wb)


def release(wb) -> None:
    """Close the in-memory zip openpyxl keeps of an .xlsm's VBA parts.

    Left to the garbage collector, it may be finalized after its buffer and
    complain ("I/O operation on closed file")."""
    archive = getattr(wb, "vba_archive", None)
    if archive is not None:
        archive.close()


def lock_for(path: str | os.PathLike, timeout: float = 60):
    """An exclusive lock beside the workbook so two runs cannot interleave.

    The lock file (hidden, `.NAME.lock`) is removed when the lock is released,
    so no empty files stay beside the workbooks."""
    p = Path(os.path.realpath(path))  # one lock per file, whatever link names it
    lock_path = p.with_name("." + p.name + ".lock")
    if os.name == "nt":  # pragma: no cover - filelock's Windows lock removes its file on release
        from filelock import FileLock

        return FileLock(str(lock_path), timeout=timeout)
    return RemovingFileLock(lock_path, timeout)


class RemovingFileLock:
    """flock on a file that the holder removes before it unlocks.

    Removing a lock file is safe only if every taker checks, once it holds
    the lock, that the file it locked is still the one at the path (a waiter
    may have opened the file just before the holder removed it); a taker that
    locked a removed file tries again.  All takers are this class.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.lock_file = str(path)
        self.timeout = timeout
        self._fd: int | None = None

    def __enter__(self) -> RemovingFileLock:
        import fcntl
        import time

        from filelock import Timeout

        deadline = time.monotonic() + self.timeout
        while True:
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise Timeout(self.lock_file) from None
                time.sleep(0.05)
                continue
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.lock_file))
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return self
            os.close(fd)  # locked a file its holder had just removed: again

    def __exit__(self, *exc) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.unlink(self.lock_file)  # while still holding it: see the class note
        except FileNotFoundError:
            pass
        finally:
            os.close(fd)


# Actions that only talk to the user: a file needs no rewrite for them.
NON_WRITING = frozenset({"alert"})


def apply_to_file(path, actions: list[dict], out_path=None) -> AppliedResult:
    """Apply actions to the workbook at `path`, saving atomically to `out_path`
    (default: in place).  Messages only (alerts): the file is not rewritten,
    as Excel would not mark the workbook changed."""
    out_path = Path(out_path or path)
    if Path(out_path) == Path(path) and all(a["func"] in NON_WRITING for a in actions):
        result = AppliedResult()
        for a in actions:
            APPLIERS[a["func"]](None, a, result)
        return result
    wb = load_for_update(path)
    try:
        result = apply_actions(wb, actions)
    except BaseException:
        release(wb)
        raise
    save_atomic(wb, out_path)
    return result
