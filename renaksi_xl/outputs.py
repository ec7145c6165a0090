"""Files the commands write: never an input, never through a symlink, always atomically.

Every output (`run --out`, `email --out`, `pdf --out`, `validate --rekap`, the
.eml and PDF the buttons write beside the workbook) goes through here:

- `check_output` refuses, before any work, an output that is one of the
  command's inputs (the workbook would be replaced by an email or a PDF), a
  symbolic link (writing through it would change a file elsewhere), or an
  existing thing that is not a regular file (a device, a folder, a pipe);
- `write_bytes` / `replace_with` write a temp file in the target's own folder
  and `os.replace` it over the target, so a full disk or a crash leaves the old
  file (or nothing), never a partial one.

A workbook updated in place (`run BOOK`) is written at its real path
(`real_target`): a symlinked workbook keeps its link and its target changes.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError


class OutputError(InputError):
    """An output path that must not be written (exit 2); the message names the option."""

    about_option = True


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output(
    out: str | os.PathLike, *, inputs: Iterable[str | os.PathLike] = (), option: str = "--out"
) -> Path:
    """`out` if it may be written; OutputError saying why not otherwise."""
    out = Path(out)
    if out.is_symlink():
        raise OutputError(
            f"{option} '{out}' adalah tautan (symlink) ke berkas lain; renaksi-xl tidak menulis lewat "
            "tautan. Tulis nama berkas biasa."
        )
    if out.exists():
        mode = out.stat().st_mode
        if stat.S_ISDIR(mode):
            raise OutputError(f"{option} '{out}' adalah folder, bukan berkas. Tulis nama berkasnya.")
        if not stat.S_ISREG(mode):
            raise OutputError(
                f"{option} '{out}' bukan berkas biasa (mis. perangkat atau pipa); renaksi-xl hanya menulis "
                "berkas biasa. Pilih nama berkas lain."
            )
        for source in inputs:
            if _same_file(out, Path(source)):
                raise OutputError(
                    f"{option} '{out}' adalah berkas masukan '{source}' sendiri; hasilnya tidak boleh "
                    "menimpa masukan. Pilih nama berkas lain."
                )
    parent = out.parent
    if not parent.is_dir():
        raise OutputError(f"Folder untuk {option} '{out}' ({parent}) tidak ada. Buat foldernya dulu.")
    return out


def real_target(path: str | os.PathLike) -> Path:
    """Where writing `path` in place must go: the file a symlink points to."""
    return Path(os.path.realpath(path))


def _temp_beside(target: Path) -> str:
    fd, tmp = tempfile.mkstemp(prefix=".~" + target.stem, suffix=target.suffix, dir=target.parent)
    os.close(fd)
    return tmp


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def atomic_write(target: str | os.PathLike, write) -> Path:
    """Call `write(temp_path)` for a temp file beside `target`, then rename it over
    `target` (keeping the target's permissions).  On any failure the temp file is
    removed and `target` is as it was."""
    target = Path(target)
    tmp = _temp_beside(target)
    try:
        write(tmp)
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    return atomic_write(target, write)


def replace_with(target: str | os.PathLike, source: str | os.PathLike) -> Path:
    """Put the file `source` (e.g. in a temp folder elsewhere) at `target`, atomically."""
    return atomic_write(target, lambda tmp: shutil.copyfile(source, tmp))
