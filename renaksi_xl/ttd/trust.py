"""Which CAs a verifier trusts: always from outside the workbook.

A workbook carries each signer's certificate chain, but never decides which CA
is trusted.  Trust anchors (CA certificates) and revocation lists (CRLs) come from

- files named on the command line (`renaksi-xl verify --percaya CA.pem`),
- the user's own folder `<config>/renaksi-xl/percaya/` (`*.pem`, `*.crt`, `*.cer`,
  `*.der` anchors; `*.crl` revocation lists), see `user_config_dir`,
- the server config (`trust_anchors = [...]`) for the server's 'Periksa Keaslian'.

Certificate paths are validated with pyhanko-certvalidator (RFC 5280) at the
record's signing time.  Revocation is checked here against the CRLs given: a
certificate revoked *after* a record was signed leaves that record valid (an
official who left office signed while in office); one revoked before it makes
the record untrusted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..errors import InputError
from . import certs

CONFIG_DIR_ENV = "RENAKSI_XL_CONFIG_DIR"
TRUST_SUBDIR = "percaya"
ANCHOR_SUFFIXES = (".pem", ".crt", ".cer", ".der")
CRL_SUFFIX = ".crl"
MAX_TRUST_FILE_BYTES = 1 << 20


def user_config_dir() -> Path:
    """The user's own renaksi-xl folder (not the workbook's): RENAKSI_XL_CONFIG_DIR, else
    %APPDATA%\\renaksi-xl on Windows, ~/Library/Application Support/renaksi-xl on macOS,
    $XDG_CONFIG_HOME/renaksi-xl or ~/.config/renaksi-xl elsewhere."""
    env = os.environ.get(CONFIG_DIR_ENV)
    if env:
        return Path(env)
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "renaksi-xl"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "renaksi-xl"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "renaksi-xl"


def user_trust_dir() -> Path:
    return user_config_dir() / TRUST_SUBDIR


@dataclass
class TrustStore:
    anchors: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add_file(self, path: Path, where: str | None = None) -> None:
        where = where or f"Berkas '{path}'"
        if not path.is_file():
            raise InputError(f"{where} tidak ditemukan.")
        if path.stat().st_size > MAX_TRUST_FILE_BYTES:
            raise InputError(f"{where} lebih dari 1 MB: itu bukan sertifikat CA.")
        data = path.read_bytes()
        if path.suffix.lower() == CRL_SUFFIX or b"BEGIN X509 CRL" in data:
            self.crls.extend(certs.load_crls(data, where))
            if b"BEGIN CERTIFICATE" not in data:
                self.sources.append(str(path))
                return
        anchors = certs.load_certificates(data, where)
        for a in anchors:
            if not _is_ca(a):
                raise InputError(
                    f"{where} berisi sertifikat '{certs.common_name(a)}' yang bukan sertifikat CA; yang dipercaya "
                    "adalah CA penerbit (mis. ca.pem dari 'renaksi-xl ca buat' atau sertifikat akar BSrE)."
                )
        self.anchors.extend(anchors)
        self.sources.append(str(path))

    def add_folder(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        for p in sorted(folder.iterdir()):
            if p.suffix.lower() in (*ANCHOR_SUFFIXES, CRL_SUFFIX) and p.is_file():
                self.add_file(p, f"Berkas '{p}' di folder kepercayaan {folder}")


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return cert.subject == cert.issuer  # an old-style self-signed root


def load_trust(files=(), *, user: bool = True, extra: TrustStore | None = None) -> TrustStore:
    """Anchors from `files` (--percaya), the user's folder and `extra` (e.g. the server config)."""
    store = TrustStore()
    for f in files or ():
        store.add_file(Path(f), f"Berkas --percaya '{f}'")
    if user:
        store.add_folder(user_trust_dir())
    if extra is not None:
        store.anchors.extend(extra.anchors)
        store.crls.extend(extra.crls)
        store.sources.extend(extra.sources)
    return store


# --------------------------------------------------------------------------- validation
def _asn1(cert: x509.Certificate):
    from asn1crypto import x509 as ax

    return ax.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _when(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"


def path_problem(
    cert: x509.Certificate, chain: list[x509.Certificate], store: TrustStore, moment: dt.datetime
) -> str | None:
    """Why `cert` is not trusted at `moment` (None: it chains to an anchor, valid then, not revoked)."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (
        ExpiredError,
        InvalidCertificateError,
        NotYetValidError,
        PathBuildingError,
        PathValidationError,
    )

    if not store.anchors:
        return (
            "tidak ada CA yang dipercaya: berikan sertifikat CA dengan --percaya, atau simpan di folder "
            f"{user_trust_dir()}"
        )
    key = (_fp(cert), tuple(_fp(c) for c in chain), tuple(_fp(a) for a in store.anchors))
    known = _PATHS.get(key)
    if known is not None and all(c.not_valid_before_utc <= moment <= c.not_valid_after_utc for c in known):
        # The same chain was validated for another record: only the validity periods depend
        # on the moment (revocation is checked below for each record).
        problem = certs.key_usage_problem(cert)
        return problem or _revocation_problem(cert, known, store, moment)
    context = ValidationContext(
        trust_roots=[_asn1(a) for a in store.anchors],
        other_certs=[_asn1(c) for c in chain],
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(_asn1(cert), [_asn1(c) for c in chain], validation_context=context)
    try:
        path = asyncio.run(validator.async_validate_path())
    except PathBuildingError:
        return (
            f"penerbit sertifikatnya ({cert.issuer.rfc4514_string()}) bukan CA yang dipercaya "
            "(periksa --percaya atau folder kepercayaan)"
        )
    except ExpiredError:
        return f"sertifikat sudah kedaluwarsa pada waktu penandatanganan ({_when(moment)})"
    except NotYetValidError:
        return f"sertifikat belum berlaku pada waktu penandatanganan ({_when(moment)})"
    except (PathValidationError, InvalidCertificateError) as exc:
        return f"rantai sertifikat tidak sah ({exc})"
    problem = certs.key_usage_problem(cert)
    if problem:
        return problem
    issuers = [x509.load_der_x509_certificate(c.dump()) for c in path.iter_certs(include_root=True)]
    if len(_PATHS) >= _MAX_PATHS:
        _PATHS.clear()
    _PATHS[key] = issuers
    return _revocation_problem(cert, issuers, store, moment)


# Validated paths (every certificate, anchor included) by (leaf, chain given, anchors).
_PATHS: dict[tuple, list[x509.Certificate]] = {}
_MAX_PATHS = 256


def _fp(cert: x509.Certificate) -> bytes:
    return cert.fingerprint(certs.hashes.SHA256())


def _revocation_problem(
    cert: x509.Certificate, issuers: list[x509.Certificate], store: TrustStore, moment: dt.datetime
) -> str | None:
    for crl in store.crls:
        if crl.issuer != cert.issuer:
            continue
        issuer = next((i for i in issuers if i.subject == crl.issuer), None)
        issuer_key = issuer.public_key() if issuer is not None else None
        if not isinstance(issuer_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
            continue
        if not crl.is_signature_valid(issuer_key):
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None and entry.revocation_date_utc <= moment:
            return f"sertifikat dicabut oleh penerbitnya sejak {_when(entry.revocation_date_utc)}"
    return None
