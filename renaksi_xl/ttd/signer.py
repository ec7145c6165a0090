"""Signer backends: who holds the key that signs a record.

A `Signer` signs bytes and shows its certificate chain; a `KeySource` gives the
signer for the official acting now (it may ask for a passphrase, only when a
record is about to be written).  Three sources are built in:

- `Pkcs12File`: an official's PKCS#12 file (headless `--kunci`, desktop Lokal);
- `ServerSeal`: the office server's seal certificate (basis "server": the server
  authenticated the official by token; it never holds officials' keys);
- anything else implementing the two protocols, e.g. a remote signing service
  such as BSrE's: `sign(data)` would send the data (or its digest) to the
  service with the official's credentials and return the raw signature, and
  `certificate`/`chain` would be the official's certificate from the service.
  See docs/keaslian.md; no such backend is implemented or tested here.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cryptography import x509

from ..errors import InputError
from . import certs

PASSPHRASE_ENV = "RENAKSI_KUNCI_SANDI"
BASIS_OFFICIAL = "pejabat"  # the official's own key signed
BASIS_SERVER = "server"  # the server sealed: identity authenticated by token
BASES = (BASIS_OFFICIAL, BASIS_SERVER)
MAX_KEY_FILE_BYTES = 1 << 20


class Signer(Protocol):
    basis: str
    certificate: x509.Certificate
    chain: list[x509.Certificate]

    @property
    def algorithm(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


class KeySource(Protocol):
    def signer_for(self, nip: str) -> Signer | None:
        """The signer for the acting official (NIP); None: write the record unsigned."""


@dataclass
class LocalSigner:
    """A private key in this process (loaded from a PKCS#12 file)."""

    key: object
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)
    basis: str = BASIS_OFFICIAL

    @property
    def algorithm(self) -> str:
        return certs.algorithm_of(self.key)

    def sign(self, data: bytes) -> bytes:
        return certs.sign_bytes(self.key, data)


def read_key_file(path: str | os.PathLike, where: str) -> bytes:
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{where} '{p}' adalah folder, bukan berkas kunci .p12.")
    if not p.is_file():
        raise InputError(f"{where} '{p}' tidak ditemukan.")
    if p.stat().st_size > MAX_KEY_FILE_BYTES:
        raise InputError(f"{where} '{p}' lebih dari 1 MB: itu bukan berkas kunci PKCS#12.")
    return p.read_bytes()


def passphrase_from_env_or_prompt(path: Path) -> str:
    """RENAKSI_KUNCI_SANDI for scripts, else a hidden prompt on the terminal."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value is not None:
        return value
    try:
        return getpass.getpass(f"Sandi berkas kunci {path.name}: ", stream=sys.stderr)
    except (EOFError, OSError) as exc:
        raise InputError(
            f"Sandi berkas kunci '{path}' tidak bisa ditanyakan (tidak ada terminal). "
            f"Untuk skrip, isi variabel lingkungan {PASSPHRASE_ENV}."
        ) from exc


@dataclass
class Pkcs12File:
    """An official's PKCS#12 file; the passphrase is asked when a record is written."""

    path: Path
    ask_passphrase: Callable[[Path], str | None] = passphrase_from_env_or_prompt
    where: str = "Berkas kunci"
    _signer: LocalSigner | None = None

    def load(self) -> LocalSigner:
        if self._signer is None:
            data = read_key_file(self.path, self.where)
            passphrase = self.ask_passphrase(self.path)
            if passphrase is None:
                raise InputError(
                    f"Penandatanganan dibatalkan: sandi berkas kunci '{self.path.name}' tidak diisi. "
                    "Buku kerja tidak diubah."
                )
            kf = certs.load_pkcs12(data, passphrase, f"'{self.path}'")
            self._signer = LocalSigner(kf.key, kf.certificate, kf.chain)
        return self._signer

    def signer_for(self, nip: str) -> Signer:
        return self.load()


@dataclass
class ServerSeal:
    """The server's seal: the same signer whoever acts (the NIP came from the token)."""

    signer: LocalSigner

    def signer_for(self, nip: str) -> Signer:
        return self.signer


def load_server_seal(path: Path, passphrase: str, where: str) -> ServerSeal:
    kf = certs.load_pkcs12(read_key_file(path, where), passphrase, f"{where} '{path}'")
    if not certs.is_server_seal(kf.certificate):
        raise InputError(
            f"{where} '{path}': sertifikat '{certs.common_name(kf.certificate)}' bukan sertifikat segel server "
            "(buat dengan: renaksi-xl ca terbitkan --server ...)."
        )
    return ServerSeal(LocalSigner(kf.key, kf.certificate, kf.chain, basis=BASIS_SERVER))
