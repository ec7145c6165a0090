# ruff: noqa: F811  (the fixtures imported from test_ttd are parameters here)
"""The PAdES-signed Dokumen Rencana Aksi (issue 14): checked by poppler's pdfsig (NSS, an
independent verifier) and pyHanko's validator; an edited PDF must fail both."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pki import PASS
from test_ttd import pki, sha, signed, signed_master  # noqa: F401  (fixtures)
from test_workflow import NIP, upto

from renaksi_xl import cli, layout
from renaksi_xl.ttd import pdfsign

pytestmark = pytest.mark.libreoffice

CAM, SEK = layout.ROLE_CAMAT, layout.ROLE_SEKRETARIS


@pytest.fixture(scope="module")
def signed_pdf(signed_master, pki, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "Dokumen-ttd.pdf"
    pdfsign.export_signed_pdf(signed_master, out, pki.keys[CAM], ask_passphrase=lambda p: PASS)
    return out


@pytest.fixture(scope="module")
def nss_db(pki, tmp_path_factory):
    """An NSS database that trusts the office CA, for pdfsig -nssdir."""
    folder = tmp_path_factory.mktemp("nss")
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{folder}",
            "-n",
            "CA Kantor Uji",
            "-t",
            "C,C,C",
            "-i",
            str(pki.ca_pem),
        ],
        check=True,
    )
    return folder


def pdfsig(path: Path, nss: Path | None = None) -> str:
    cmd = ["pdfsig", *(["-nssdir", f"sql:{nss}"] if nss else []), str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def pyhanko_status(path: Path, pki):
    from asn1crypto import x509 as ax
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = ax.Certificate.load(pki.ca.certificate.public_bytes(serialization.Encoding.DER))
    with path.open("rb") as f:
        reader = PdfFileReader(f, strict=False)
        (sig,) = reader.embedded_signatures
        return sig.field_name, validate_pdf_signature(sig, ValidationContext(trust_roots=[root]))


def test_signed_pdf_validates_in_pdfsig_with_the_office_ca_trusted(signed_pdf, nss_db):
    out = pdfsig(signed_pdf, nss_db)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out  # PAdES
    assert f"serialNumber={NIP[CAM]}" in out and "title=Camat" in out


def test_signed_pdf_validates_in_pyhanko_with_a_visible_field_on_the_pengesahan_page(signed_pdf, pki):
    import pypdf

    name, status = pyhanko_status(signed_pdf, pki)
    assert name == pdfsign.FIELD_NAME
    assert status.intact and status.valid and status.trusted and status.bottom_line
    reader = pypdf.PdfReader(str(signed_pdf))
    (page_index, field) = next(
        (i, a.get_object())
        for i, p in enumerate(reader.pages)
        for a in p.get("/Annots", [])
        if a.get_object().get("/T") == pdfsign.FIELD_NAME
    )
    assert "Ditetapkan oleh" in reader.pages[page_index].extract_text()
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 30, "a visible field, not a zero-size one"


def test_an_edited_pdf_does_not_validate(signed_pdf, nss_db, pki, tmp_path):
    data = signed_pdf.read_bytes()
    assert data.count(b"LibreOffice") >= 1
    edited = tmp_path / "diubah.pdf"
    edited.write_bytes(data.replace(b"LibreOffice", b"LibreOffixe", 1))  # inside the signed range
    out = pdfsig(edited, nss_db)
    assert "Signature is Valid." not in out, out
    _name, status = pyhanko_status(edited, pki)
    assert not status.intact and not status.bottom_line


def test_a_page_rewritten_after_signing_is_reported(signed_pdf, nss_db, pki, tmp_path):
    """An incremental update that replaces the signed page's content: pdfsig no longer reports the whole document
    signed, and pyHanko's difference analysis refuses the change."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    out = tmp_path / "ditambah.pdf"
    with signed_pdf.open("rb") as f:
        w = IncrementalPdfFileWriter(f, strict=False)
        page = w.root["/Pages"]["/Kids"][0]
        content = w.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (PALSU) Tj ET"))
        page["/Contents"] = content  # the page now shows something else
        w.update_container(page)
        with out.open("wb") as o:
            w.write(o)
    text = pdfsig(out, nss_db)
    assert "Total document signed" not in text, text
    _name, status = pyhanko_status(out, pki)
    assert not status.bottom_line


def test_pdf_signing_refuses_another_officials_key_and_an_unfinished_plan(
    signed, built_workbook, pki, tmp_path
):
    from renaksi_xl.errors import Refused

    with pytest.raises(Refused) as info:
        pdfsign.export_signed_pdf(signed, tmp_path / "x.pdf", pki.keys[SEK], ask_passphrase=lambda p: PASS)
    assert NIP[SEK] in info.value.message and NIP[CAM] in info.value.message
    assert not (tmp_path / "x.pdf").exists()
    upto(built_workbook, 2)
    with pytest.raises(Refused) as info:
        pdfsign.export_signed_pdf(
            built_workbook, tmp_path / "y.pdf", pki.keys[CAM], ask_passphrase=lambda p: PASS
        )
    assert "belum ditetapkan" in info.value.message


def test_cli_pdf_tandatangani(signed, pki, tmp_path, monkeypatch, capsys, nss_db):
    monkeypatch.setenv("RENAKSI_KUNCI_SANDI", PASS)
    out = tmp_path / "cli.pdf"
    before = sha(signed)
    assert cli.main(["pdf", str(signed), "--out", str(out), "--tandatangani", str(pki.keys[CAM])]) == 0
    assert "PAdES" in capsys.readouterr().out
    assert "Signature is Valid." in pdfsig(out, nss_db)
    assert sha(signed) == before, "signing the PDF does not touch the workbook"
    code = cli.main(["pdf", str(signed), "--out", str(out), "--tandatangani", str(pki.keys[SEK])])
    assert code == 1 and "bukan milik pejabat yang menetapkan" in capsys.readouterr().err


def test_penetapan_with_a_key_writes_the_signed_pdf_beside_the_workbook(
    built_workbook, pki, monkeypatch, capsys, nss_db
):
    from pki import full_signed_sop

    full_signed_sop(built_workbook, pki, tetapkan=False)
    monkeypatch.setenv("RENAKSI_KUNCI_SANDI", PASS)
    args = ["run", "tetapkan", str(built_workbook), "--pejabat", NIP[CAM], "--waktu", "2025-01-06T13:05"]
    assert cli.main([*args, "--kunci", str(pki.keys[CAM])]) == 0
    out = capsys.readouterr().out
    pdf = built_workbook.with_name(built_workbook.stem + "-Dokumen-Rencana-Aksi-ttd.pdf")
    assert str(pdf) in out and pdf.is_file()
    text = pdfsig(pdf, nss_db)
    assert "Signature is Valid." in text and "Certificate is Trusted." in text
    assert (
        cli.main(["verify", str(built_workbook), "--percaya", str(pki.ca_pem), "--wajib-tanda-tangan"]) == 0
    )
