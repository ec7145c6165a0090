"""Desktop (Lokal) mode: each official's key file, in the user's own settings, and the
masked passphrase dialog.

The workbook never names a key file (it travels by email; a path in it would be
someone else's).  The user's own file `<config>/kunci.toml` (see
trust.user_config_dir) maps NIPs to PKCS#12 files on this computer:

    [kunci]
    "198303302001121003" = 'C:\\Users\\andhika\\Dokumen\\kunci\\camat.p12'

When a button writes a paraf / tanda tangan record for a NIP listed there, a
masked dialog asks for the passphrase and the record is signed; a NIP without an
entry writes an unsigned record, as before.  `renaksi-xl kunci NIP FILE.p12`
writes the entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .trust import user_config_dir

KEYS_FILE = "kunci.toml"
_NIP = re.compile(r"^\d{18}$")


def keys_file() -> Path:
    return user_config_dir() / KEYS_FILE


def read_key_paths(path: Path | None = None) -> dict[str, Path]:
    """NIP -> key file from the user's kunci.toml (empty when there is none)."""
    from .. import configfile

    path = path or keys_file()
    if not path.is_file():
        return {}
    where = f"Berkas setelan kunci '{path}'"
    raw = configfile.parse_toml(configfile.read_text(path, where), where)
    table = raw.get("kunci", {})
    if not isinstance(table, dict):
        raise InputError(f'{where}: bagian [kunci] harus berisi baris "NIP" = "berkas.p12".')
    out = {}
    for nip, file in table.items():
        if not _NIP.match(str(nip)) or not isinstance(file, str):
            raise InputError(f'{where}: baris \'{nip}\' harus berbentuk "NIP 18 angka" = "berkas.p12".')
        out[str(nip)] = Path(file).expanduser()
    return out


def write_key_path(nip: str, key: Path, path: Path | None = None) -> Path:
    """Add or replace one NIP's entry (the file keeps the other officials' entries)."""
    if not _NIP.match(nip):
        raise InputError(f"NIP '{nip}' tidak sah: NIP terdiri atas 18 angka.")
    path = path or keys_file()
    entries = read_key_paths(path)
    entries[nip] = key.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Berkas kunci (PKCS#12) tiap pejabat di komputer ini; dipakai renaksi-xl mode Lokal.",
        "[kunci]",
    ]
    lines += [f'"{n}" = {_toml_literal(str(p))}' for n, p in sorted(entries.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml_literal(text: str) -> str:
    if "'" not in text and "\n" not in text:
        return f"'{text}'"  # a literal string: Windows backslashes stay as typed
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ask_passphrase_dialog(path: Path) -> str | None:
    """A masked passphrase dialog (Tk) on the desktop; None when the user cancels.

    Not run in the tests (no display on the build machine); DesktopKeys takes the
    asker as a parameter so that everything around it is tested.
    """
    try:
        import tkinter as tk
        from tkinter import simpledialog

        root = tk.Tk()
    except Exception as exc:  # no Tk or no display
        raise InputError(
            f"Dialog sandi untuk berkas kunci '{path.name}' tidak bisa dibuka ({type(exc).__name__}). "
            "Buku kerja tidak diubah."
        ) from exc
    try:
        root.withdraw()
        root.attributes("-topmost", True)
        return simpledialog.askstring(
            "Renaksi: tanda tangan digital", f"Sandi berkas kunci {path.name}:", show="*", parent=root
        )
    finally:
        root.destroy()


@dataclass
class DesktopKeys:
    """KeySource of the desktop: the acting NIP's key file from kunci.toml, if any."""

    ask_passphrase: Callable[[Path], str | None] | None = None  # None: ask_passphrase_dialog
    settings: Path | None = None
    _loaded: dict = field(default_factory=dict)

    def signer_for(self, nip: str):
        from .signer import Pkcs12File

        path = read_key_paths(self.settings).get(nip)
        if path is None:
            return None  # this official has no key on this computer: an unsigned record
        if nip not in self._loaded:
            ask = self.ask_passphrase or ask_passphrase_dialog  # looked up now: the dialog is a seam
            self._loaded[nip] = Pkcs12File(path, ask, where=f"Berkas kunci NIP {nip} (kunci.toml)")
        return self._loaded[nip].load()


def cmd_kunci(args) -> int:
    """`renaksi-xl kunci NIP FILE.p12`: remember this official's key file on this computer."""
    key = Path(args.berkas)
    if not key.is_file():
        raise InputError(f"Berkas kunci '{key}' tidak ditemukan.")
    path = write_key_path(args.nip.strip(), key)
    print(f"Berkas kunci NIP {args.nip} dicatat di {path}: {key.resolve()}")
    print(
        "Di mode Lokal, paraf/tanda tangan pejabat ini kini ditandatangani (sandi ditanyakan saat tombol diklik)."
    )
    return 0
