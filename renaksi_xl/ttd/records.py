"""Signed paraf / tanda tangan records: what is signed, how it is stored, how it is checked.

Signed content (UTF-8): the tag line, then a JSON array of the basis
("pejabat": the official's own key; "server": the server's seal after it
authenticated the official's token) and the record's Sidik Rantai, Langkah,
Aksi, Peran, Nama, NIP and Waktu, each as integrity.field_text gives it.  The
Sidik Rantai already covers every field, the content digests and the previous
record, so the signature covers the whole chain up to this record; the fields
are repeated so that what the signer vouched for is readable without the chain.

Stored in the Log row (two text cells, well under Excel's 32,767 characters):
- "Tanda Tangan Digital": '<basis> <algorithm> <base64 signature>',
  algorithm 'rsa-sha256' (RSASSA-PKCS1-v1_5) or 'ecdsa-sha256' (DER);
- "Sertifikat": the signer's certificate and its chain, base64 DER, space-separated,
  the signer's first.  If the chain does not fit a cell, only the signer's
  certificate is kept (a verifier then needs the intermediate CA via --percaya).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from .. import layout
from ..errors import InputError, Refused
from ..integrity import field_text
from . import certs
from .signer import BASES, BASIS_OFFICIAL, BASIS_SERVER, Signer

SIGN_TAG = "renaksi-xl/tanda-tangan-catatan/1"
SIGNED_FIELDS = ("Sidik Rantai", "Langkah", "Aksi", "Peran", "Nama", "NIP", "Waktu")
CELL_LIMIT = 32_767  # Excel's maximum characters in one cell
MAX_CHAIN = 6  # certificates read from one record (a real chain has 2-4); more is hostile input

# Statuses of a record's signature (the `verify --json` contract).
VALID, INVALID, ABSENT, UNTRUSTED, NIP_MISMATCH = "valid", "invalid", "absent", "untrusted", "nip_mismatch"
BAD = (INVALID, UNTRUSTED, NIP_MISMATCH)


def signed_bytes(basis: str, cells: dict[str, Any]) -> bytes:
    body = json.dumps([basis, *(field_text(cells.get(h)) for h in SIGNED_FIELDS)], ensure_ascii=False)
    return f"{SIGN_TAG}\n{body}".encode()


def encode_chain(certificates: list[x509.Certificate]) -> str:
    return " ".join(certs.to_b64(c) for c in certificates)


def _chain_cell(signer: Signer) -> str:
    seen, ordered = set(), []
    for c in [signer.certificate, *signer.chain]:
        if c.fingerprint(certs.hashes.SHA256()) not in seen:
            seen.add(c.fingerprint(certs.hashes.SHA256()))
            ordered.append(c)
    text = encode_chain(ordered)
    if len(text) > CELL_LIMIT:
        text = encode_chain(ordered[:1])
    if len(text) > CELL_LIMIT:
        raise InputError(
            f"Sertifikat '{certs.common_name(signer.certificate)}' terlalu besar untuk disimpan di satu sel Excel "
            f"({len(text)} karakter, batas {CELL_LIMIT})."
        )
    return text


def seal_cells(book, ctx, cells: dict[str, Any], now: dt.datetime) -> dict[str, str]:
    """The signature cells of a record about to be written (empty: no key, unsigned).

    Called by workflow for every paraf / tanda tangan record, before anything
    is written: a refusal here leaves the workbook as it was.
    """
    keys = getattr(ctx, "keys", None)
    if keys is None:
        return {}
    from .. import tables

    header = tables.read_table(book, layout.TBL_LOG, check_headers=False).header
    missing = [h for h in (layout.H_TTD_DIGITAL, layout.H_SERTIFIKAT) if h not in header]
    if missing:
        raise InputError(
            f"Tabel {layout.TBL_LOG} (lembar {layout.SHEET_LOG}) tidak punya kolom "
            + ", ".join(f"'{m}'" for m in missing)
            + ": buku kerja ini dibuat versi lama yang belum bisa menyimpan tanda tangan digital. "
            "Pakai buku kerja dari 'renaksi-xl build' versi ini. Buku kerja tidak diubah."
        )
    nip = field_text(cells.get("NIP"))
    signer = keys.signer_for(nip)
    if signer is None:  # e.g. the desktop has no key file for this official
        return {}
    cert = signer.certificate
    if signer.basis == BASIS_OFFICIAL:
        cert_nip = certs.nip_of(cert)
        if cert_nip != nip:
            raise Refused(
                f"Kunci '{certs.common_name(cert)}' milik NIP {cert_nip or '(tanpa NIP)'}, bukan milik pejabat "
                f"yang bertindak ({field_text(cells.get('Nama'))}, NIP {nip}). Setiap pejabat menandatangani "
                "dengan berkas kuncinya sendiri."
            )
    elif not certs.is_server_seal(cert):
        raise InputError(f"Sertifikat '{certs.common_name(cert)}' bukan sertifikat segel server.")
    clock = dt.datetime.now(dt.timezone.utc)
    certs.check_signing_certificate(cert, [now, clock], "penanda tangan")
    data = signed_bytes(signer.basis, cells)
    signature = signer.sign(data)
    text = f"{signer.basis} {signer.algorithm} {base64.b64encode(signature).decode('ascii')}"
    return {layout.H_TTD_DIGITAL: text, layout.H_SERTIFIKAT: _chain_cell(signer)}


# --------------------------------------------------------------------------- checking
@dataclass
class SignatureCheck:
    status: str
    signer: str | None = None  # the certificate's subject
    reason: str | None = None  # Indonesian, for people
    basis: str | None = None


def _parse(sig_text: str, chain_text: str) -> tuple[str, str, bytes, list[x509.Certificate]]:
    parts = sig_text.split()
    if len(parts) != 3 or parts[0] not in BASES:
        raise ValueError("format")
    basis, algorithm, b64 = parts
    if len(sig_text) > CELL_LIMIT or len(chain_text) > CELL_LIMIT:
        raise ValueError("longer than an Excel cell")
    signature = base64.b64decode(b64, validate=True)
    parts = chain_text.split()
    if not parts or len(parts) > MAX_CHAIN:
        raise ValueError("number of certificates")
    chain = [certs.from_b64(p) for p in parts]
    return basis, algorithm, signature, chain


def record_moment(cells: dict[str, Any]) -> dt.datetime | None:
    from ..context import parse_timestamp

    try:
        moment = parse_timestamp(cells.get("Waktu"))
    except (TypeError, ValueError):
        return None
    return moment


def check_record(cells: dict[str, Any], store, where: str) -> SignatureCheck:
    """The signature status of one Log row (see the module doc for what is signed)."""
    sig_text = field_text(cells.get(layout.H_TTD_DIGITAL))
    chain_text = field_text(cells.get(layout.H_SERTIFIKAT))
    if not sig_text and not chain_text:
        return SignatureCheck(ABSENT, reason="catatan ini tidak bertanda tangan digital")
    try:
        basis, algorithm, signature, chain = _parse(sig_text, chain_text)
    except (ValueError, binascii.Error):
        return SignatureCheck(
            INVALID, reason=f"sel tanda tangan digital atau sertifikat di {where} rusak atau tidak lengkap"
        )
    cert = chain[0]
    who = certs.subject_text(cert)
    if not certs.signature_matches(cert, algorithm, signature, signed_bytes(basis, cells)):
        return SignatureCheck(
            INVALID,
            who,
            "tanda tangan digital tidak cocok dengan isi catatan: catatan diubah setelah ditandatangani",
            basis,
        )
    nip = field_text(cells.get("NIP"))
    if basis == BASIS_OFFICIAL and certs.nip_of(cert) != nip:
        return SignatureCheck(
            NIP_MISMATCH,
            who,
            f"sertifikat milik NIP {certs.nip_of(cert) or '(tanpa NIP)'}, bukan NIP catatan {nip}",
            basis,
        )
    if basis == BASIS_SERVER and not certs.is_server_seal(cert):
        return SignatureCheck(
            UNTRUSTED,
            who,
            "catatan mengaku disegel server, tetapi sertifikatnya bukan sertifikat segel server",
            basis,
        )
    moment = record_moment(cells)
    if moment is None:
        return SignatureCheck(INVALID, who, "waktu catatan tidak terbaca", basis)
    from .trust import path_problem

    problem = path_problem(cert, chain[1:], store, moment)
    if problem:
        return SignatureCheck(UNTRUSTED, who, problem, basis)
    how = "disegel server (identitas dari token)" if basis == BASIS_SERVER else "ditandatangani pejabat"
    return SignatureCheck(VALID, who, how, basis)
