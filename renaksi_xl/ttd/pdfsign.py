"""The Dokumen Rencana Aksi as a PAdES-signed PDF (`renaksi-xl pdf BOOK --tandatangani FILE.p12`).

The approver (the official who signed step 6, the penetapan) signs the rendered
PDF with pyHanko: a PAdES B-B signature (ETSI.CAdES.detached, SHA-256) in a
visible signature field on the pengesahan page, placed between "Ditetapkan oleh,
CAMAT ..." and the approver's name.  Any PDF reader (Adobe, poppler's pdfsig,
pyHanko) can check it; an edited PDF fails the check.

Before signing: the workbook must be ditetapkan, its records intact and its
content unchanged since, and the key's certificate must carry the NIP of the
official who signed step 6, be inside its validity period and allow signing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from .. import layout
from ..errors import InputError, Refused
from ..integrity import field_text, read_log, records_of, verify_book
from . import certs
from .signer import Pkcs12File

FIELD_NAME = "PengesahanRencanaAksi"
ANCHOR_TEXT = "Ditetapkan oleh"
BOX_WIDTH = 240.0
Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points, origin bottom left


def _approval(book) -> tuple[str, str, str]:
    """(name, NIP, role) of the step-6 record that the PDF's signature must match."""
    done = [r for r in records_of(read_log(book)) if r.action == layout.ACTION_TETAPKAN]
    if not done:
        raise Refused(
            "Dokumen Rencana Aksi belum ditetapkan (Langkah 6), jadi belum bisa ditandatangani. "
            "Jalankan 'tetapkan' dulu."
        )
    verdict = verify_book(book)
    if not verdict.ok:
        raise Refused(
            "Buku kerja tidak utuh atau isinya berubah setelah ditetapkan (lihat 'renaksi-xl verify'): "
            "PDF tidak ditandatangani."
        )
    r = done[-1]
    return field_text(r.get("Nama")), field_text(r.get("NIP")), field_text(r.get("Peran"))


def check_key(kf: certs.KeyFile, nip: str, name: str, where: str) -> None:
    cert_nip = certs.nip_of(kf.certificate)
    if cert_nip != nip:
        raise Refused(
            f"Kunci {where} milik NIP {cert_nip or '(tanpa NIP)'} ({certs.common_name(kf.certificate)}), bukan "
            f"milik pejabat yang menetapkan Rencana Aksi ({name}, NIP {nip}). PDF tidak ditandatangani."
        )
    certs.check_signing_certificate(kf.certificate, [dt.datetime.now(dt.timezone.utc)], where)


def signature_box(pdf: Path) -> tuple[int, tuple[float, float, float, float]]:
    """(page index, box) of the signature: below the approver's title, above the name line."""
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    for index, page in enumerate(reader.pages):
        lines: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, lines=lines):
            if text.strip():
                lines.append(
                    (
                        float(tm[4]) * float(cm[0]) + float(cm[4]),
                        float(tm[5]) * float(cm[3]) + float(cm[5]),
                        text.strip(),
                    )
                )

        page.extract_text(visitor_text=visit)
        anchor = next((ln for ln in lines if ln[2].startswith(ANCHOR_TEXT)), None)
        if anchor is None:
            continue
        x, y = anchor[0], anchor[1]
        below = sorted((ln for ln in lines if ln[1] < y - 1 and abs(ln[0] - x) < 2), key=lambda ln: -ln[1])
        title = below[0][1] if below else y - 10
        nip_line = next((ln[1] for ln in below if ln[2].startswith("NIP")), title - 80)
        top = title - 3
        bottom = nip_line + 22  # leave the name line (about 11 pt above the NIP) readable
        right = min(x + BOX_WIDTH, float(page.mediabox.width) - 20)
        if top - bottom < 30:
            bottom = top - 30
        return index, (x - 2, bottom, right, top)
    raise InputError(f"Halaman pengesahan ('{ANCHOR_TEXT}') tidak ditemukan di PDF '{pdf.name}'.")


def _simple_signer(kf: certs.KeyFile):
    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = kf.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    def a(c):
        return ax.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    return signers.SimpleSigner(
        signing_cert=a(kf.certificate),
        signing_key=akeys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs([a(c) for c in kf.chain]),
    )


class PdfSigningBackend(Protocol):
    """Who applies the PAdES signature to the rendered PDF.

    `certificate` is checked (NIP, validity, key usage) before `sign` is called.
    The built-in backend is Pkcs12PdfSigner (pyHanko, key in this process).  A
    remote service (e.g. BSrE's eSign Client Service, which takes the PDF, the
    signer's NIK and passphrase, and the page and rectangle of a visible
    signature, and returns the signed PDF) would implement the same two members;
    see docs/keaslian.md.  No such backend is implemented or tested here.
    """

    @property
    def certificate(self) -> x509.Certificate: ...

    def sign(
        self, pdf: Path, out: Path, *, page: int, box: Box, reason: str, location: str, nip: str
    ) -> Path: ...


@dataclass
class Pkcs12PdfSigner:
    key_file: certs.KeyFile

    @property
    def certificate(self) -> x509.Certificate:
        return self.key_file.certificate

    def sign(
        self, pdf: Path, out: Path, *, page: int, box: Box, reason: str, location: str, nip: str
    ) -> Path:
        return _pyhanko_sign(
            pdf, out, self.key_file, page=page, box=box, reason=reason, location=location, nip=nip
        )


def sign_pdf(pdf: Path, out: Path, backend: PdfSigningBackend, *, nip: str, role: str, place: str) -> Path:
    """Sign `pdf` into `out` (PAdES, visible field on the pengesahan page)."""
    page, box = signature_box(pdf)
    reason = f"Penetapan Rencana Aksi oleh {role}"
    return backend.sign(pdf, out, page=page, box=box, reason=reason, location=place, nip=nip)


def _pyhanko_sign(
    pdf: Path, out: Path, kf: certs.KeyFile, *, page: int, box: Box, reason: str, location: str, nip: str
) -> Path:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    name = certs.common_name(kf.certificate)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=reason,
        location=location or None,
        name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    style = TextStampStyle(
        stamp_text="Ditandatangani secara elektronik oleh\n%(signer)s\nNIP %(nip)s\n%(ts)s",
        timestamp_format="%Y-%m-%d %H:%M:%S %Z",
        border_width=1,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=_simple_signer(kf),
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=FIELD_NAME,
            on_page=page,
            box=(round(box[0]), round(box[1]), round(box[2]), round(box[3])),
        ),
    )
    buffer = io.BytesIO()
    with pdf.open("rb") as f:
        writer = IncrementalPdfFileWriter(f, strict=False)
        pdf_signer.sign_pdf(
            writer, output=buffer, appearance_text_params={"nip": nip, "signer": _ascii(name)}
        )
    out.write_bytes(buffer.getvalue())
    return out


def _ascii(text: str) -> str:
    """The stamp's standard font has no glyphs beyond Latin-1: keep names readable."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", plain).strip() or text


def export_signed_pdf(book_path: Path, out: Path, key_path: Path, ask_passphrase=None, source=None) -> Path:
    """`renaksi-xl pdf BOOK --tandatangani FILE.p12`: render, check, sign.

    `source`: a Pkcs12File already opened (the penetapan flow: no second passphrase prompt)."""
    from .. import tables
    from ..headless import open_book
    from ..pdf import export_pdf

    book = open_book(book_path)
    name, nip, role = _approval(book)
    if source is None:
        source = Pkcs12File(key_path, where="Berkas --tandatangani")
        if ask_passphrase is not None:
            source.ask_passphrase = ask_passphrase
    signer = source.load()
    kf = certs.KeyFile(signer.key, signer.certificate, signer.chain)
    check_key(kf, nip, name, f"'{key_path}'")
    backend = Pkcs12PdfSigner(kf)
    settings = tables.read_settings(book)
    place = str(settings.get(layout.SET_PEMDA) or "").replace("Kota ", "").replace("Kabupaten ", "")
    from ..outputs import check_output, replace_with

    check_output(out, inputs=[book_path], option="--out")
    with tempfile.TemporaryDirectory(prefix="renaksi-ttd-pdf-") as tmp:
        plain = export_pdf(book_path, Path(tmp) / "tanpa-ttd.pdf", signature_space=True)
        signed = sign_pdf(plain, Path(tmp) / "ttd.pdf", backend, nip=nip, role=role, place=place)
        replace_with(out, signed)
    return out


def cmd_signed_pdf(args) -> int:
    from ..runner import OptionError, _existing_file

    book = Path(args.book)
    key = _existing_file("Berkas --tandatangani", args.tandatangani, OptionError)
    out = Path(args.out) if args.out else book.with_name(book.stem + "-Dokumen-Rencana-Aksi-ttd.pdf")
    export_signed_pdf(book, out, key)
    print(f"PDF Dokumen Rencana Aksi bertanda tangan elektronik (PAdES) ditulis: {out}")
    print(f"Periksa dengan pembaca PDF, atau: pdfsig {out}")
    return 0


def after_penetapan(args, ctx) -> None:
    """`renaksi-xl run tetapkan BOOK --kunci FILE.p12`: the penetapan record is signed; the
    signed Dokumen Rencana Aksi PDF is written beside the workbook with the same key."""
    from ..errors import RenaksiError

    source = getattr(ctx, "keys", None)
    if not isinstance(source, Pkcs12File) or source._signer is None:
        return
    book = Path(args.out or args.book)
    out = book.with_name(book.stem + "-Dokumen-Rencana-Aksi-ttd.pdf")
    try:
        export_signed_pdf(book, out, source.path, source=source)
    except RenaksiError as exc:
        print(
            f"Catatan: PDF bertanda tangan belum dibuat ({exc.message}). Penetapan sudah tercatat; buat PDF-nya "
            f"dengan: renaksi-xl pdf {book} --tandatangani {source.path}"
        )
        return
    print(f"PDF Dokumen Rencana Aksi bertanda tangan elektronik (PAdES) ditulis: {out}")
