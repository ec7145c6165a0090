"""No file access from request data: the audit-hook guard an action runs under in
server mode, and the payload's file paths stripped before the action sees them.

One reason to change: what a request may touch on the server (docs/server.md, "Hygiene")."""

import contextlib
import os
import re
import sys
import threading
from pathlib import PureWindowsPath

from . import layout
from .tables import col_number


class FileAccessBlocked(PermissionError):
    """An action tried to touch the server's file system while serving a request."""


_guard = threading.local()
_READ_ROOTS: tuple[str, ...] = ()
_BLOCKED_EVENTS = frozenset(
    {
        "os.remove",
        "os.rename",
        "os.mkdir",
        "os.rmdir",
        "os.chmod",
        "os.chown",
        "os.truncate",
        "os.link",
        "os.symlink",
        "os.utime",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.startfile",
        "os.fork",
        "subprocess.Popen",
        "shutil.copyfile",
        "shutil.copytree",
        "shutil.move",
        "shutil.rmtree",
        "shutil.make_archive",
        "shutil.unpack_archive",
        "tempfile.mkstemp",
        "tempfile.mkdtemp",
        "glob.glob",
        "pathlib.Path.glob",
        "pathlib.Path.rglob",
        "socket.connect",
        "webbrowser.open",
    }
)


def _allowed_read_roots() -> tuple[str, ...]:
    """Where request handling may read: the Python installation and our own package
    (code, data such as holiday lists), never the working directory or user files."""
    import importlib.util
    import site
    import sysconfig

    roots = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        *site.getsitepackages(),
        sysconfig.get_paths()["stdlib"],
        sysconfig.get_paths()["purelib"],
        "/usr/share/zoneinfo",
    }
    for name in ("renaksi_xl", "renaksi_xl.validators"):
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            roots.update(spec.submodule_search_locations)
    return tuple(sorted(os.path.join(os.path.realpath(r), "") for r in roots if r))


def _audit(event: str, args: tuple) -> None:
    """sys.addaudithook: inside a request's worker thread, no writes, no process
    spawning, no listing, and reads only below the allowed roots."""
    if not getattr(_guard, "active", False):
        return
    if event == "open":
        path, mode, flags = args
        if isinstance(path, int):
            return
        real = os.path.realpath(os.fsdecode(path))
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
            (flags or 0) & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
        )
        if writing or not real.startswith(_READ_ROOTS):
            raise FileAccessBlocked(f"akses berkas '{real}' diblokir")
    elif event in ("os.listdir", "os.scandir"):  # the import system lists package folders
        target = args[0] if args and args[0] is not None else "."
        if isinstance(target, int) or not os.path.join(os.path.realpath(os.fsdecode(target)), "").startswith(
            _READ_ROOTS
        ):
            raise FileAccessBlocked(f"daftar isi '{target}' diblokir")
    elif event in _BLOCKED_EVENTS:
        raise FileAccessBlocked(f"'{event}' diblokir")


def _install_guard() -> None:
    global _READ_ROOTS
    if not _READ_ROOTS:
        _READ_ROOTS = _allowed_read_roots()
        sys.addaudithook(_audit)


@contextlib.contextmanager
def no_file_access():
    """While active (this thread only), the action cannot reach the server's files."""
    _install_guard()
    _guard.active = True
    try:
        yield
    finally:
        _guard.active = False


TEXT_LOCAL_ONLY = (
    "Tombol '{caption}' membuat berkas di komputer Anda, jadi hanya bisa di mode Lokal "
    "(Pengaturan > Mode = Lokal) atau dengan perintah renaksi-xl di komputer yang menyimpan buku kerja. "
    "Buku kerja tidak diubah."
)
# Buttons whose whole point is a file beside the workbook: refused up front in server mode.
LOCAL_ONLY_ACTIONS = (layout.ACTION_PDF, layout.ACTION_EMAIL)


def strip_request_paths(raw: dict) -> None:
    """Remove what in a payload names a file: the book's folder and the
    'Berkas DPA Terakhir' setting.  Native readers (python-calamine) open files
    without Python's audit events, so the guard alone is not enough: in server
    mode the DPA comes only as the pasted Impor sheet."""
    raw["book"]["name"] = PureWindowsPath(str(raw["book"].get("name") or "")).name
    for sheet in raw["sheets"]:
        if sheet["name"] != layout.SHEET_PENGATURAN:
            continue
        for table in sheet.get("tables") or []:
            if table["name"] != layout.TBL_SETELAN or not table.get("data_body_range_address"):
                continue
            (c1, r1), (_c2, r2) = _split_address(table["data_body_range_address"])
            key_col = c1 - 1 + layout.table(layout.TBL_SETELAN).col_index("Setelan")
            value_col = c1 - 1 + layout.table(layout.TBL_SETELAN).col_index("Nilai")
            values = sheet["values"]
            for r in range(r1 - 1, min(r2, len(values))):
                row = values[r]
                if len(row) > value_col and str(row[key_col]).strip() == layout.SET_FILE_DPA:
                    row[value_col] = None


def _split_address(address: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """'$A$21:$C$30' -> ((1, 21), (3, 30)) as (column, row), 1-based."""
    cells = []
    for part in address.replace("$", "").split(":"):
        m = re.match(r"([A-Z]+)(\d+)$", part)
        if m is None:  # the payload schema only lets A1-style addresses through
            raise ValueError(f"not an A1 address: {address!r}")
        cells.append((col_number(m.group(1)), int(m.group(2))))
    return cells[0], cells[-1]
