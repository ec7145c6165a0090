"""Certificates of officials and of the office CA: the NIP in the subject, PKCS#12 files, checks.

An official's certificate names the official's 18-digit NIP in the subject's
`serialNumber` attribute (OID 2.5.4.5), as BSrE certificates for civil servants
do; `CN` is the name and `title` the role.  The office CA (`renaksi-xl ca`)
issues such certificates for offices without BSrE; it is an internal CA, not a
legal TTE (Tanda Tangan Elektronik tersertifikasi).

The server's seal certificate carries the extended key usage SERVER_SEAL_EKU:
only such a certificate may seal records "identity authenticated by the server",
so an official's own certificate cannot pretend to be the server.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..errors import InputError

NIP_PATTERN = re.compile(r"^\d{18}$")
# A UUID-based OID (ITU-T X.667, arc 2.25): "renaksi-xl server seal".
SERVER_SEAL_EKU = x509.ObjectIdentifier("2.25.38448505569691981154694528105409489744")

KEY_TYPES = ("rsa", "ec")
RSA_BITS = 2048
PrivateKey = (
    rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
)  # the key types renaksi-xl signs with  # what BSrE issues for personal certificates; enough for records until ~2030


# --------------------------------------------------------------------------- reading certificates
def nip_of(cert: x509.Certificate) -> str | None:
    """The NIP in the subject's serialNumber attribute (None when absent)."""
    attrs = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    if not attrs:
        return None
    value = str(attrs[0].value).strip()
    # Some CAs prefix the number with a type, e.g. "NIP:1983..." or "NIP 1983...".
    m = re.search(r"(\d{18})$", value)
    return m.group(1) if m else value


def subject_text(cert: x509.Certificate) -> str:
    """The subject as RFC 4514 text, e.g. 'CN=Andhika Nugraha,2.5.4.5=1983...'."""
    return cert.subject.rfc4514_string({NameOID.SERIAL_NUMBER: "serialNumber", NameOID.TITLE: "title"})


def common_name(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else subject_text(cert)


def is_server_seal(cert: x509.Certificate) -> bool:
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return SERVER_SEAL_EKU in eku


def load_certificates(data: bytes, where: str) -> list[x509.Certificate]:
    """Every certificate in a PEM file (one or more) or a DER file."""
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise InputError(f"{where} bukan sertifikat X.509 (PEM atau DER) yang terbaca.") from exc
    return certs


def load_crls(data: bytes, where: str) -> list[x509.CertificateRevocationList]:
    try:
        if b"-----BEGIN" in data:
            blocks = re.findall(rb"-----BEGIN X509 CRL-----.+?-----END X509 CRL-----", data, re.S)
            return [x509.load_pem_x509_crl(b) for b in blocks]
        return [x509.load_der_x509_crl(data)]
    except ValueError as exc:
        raise InputError(f"{where} bukan daftar pencabutan sertifikat (CRL) yang terbaca.") from exc


def to_b64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


def from_b64(text: str) -> x509.Certificate:
    return x509.load_der_x509_certificate(base64.b64decode(text, validate=True))


# --------------------------------------------------------------------------- keys and signatures
def algorithm_of(key) -> str:
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "rsa-sha256"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return "ecdsa-sha256"
    raise InputError("Kunci ini bukan RSA atau EC: renaksi-xl hanya menandatangani dengan kunci RSA atau EC.")


def sign_bytes(key, data: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    algorithm_of(key)  # raises the Indonesian message
    raise AssertionError


def signature_matches(cert: x509.Certificate, algorithm: str, signature: bytes, data: bytes) -> bool:
    key = cert.public_key()
    try:
        if algorithm != algorithm_of(key):
            return False
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, InputError, ValueError):
        return False
    return True


# --------------------------------------------------------------------------- PKCS#12
@dataclass
class KeyFile:
    """What a PKCS#12 file holds: the key, its certificate, the rest of the chain."""

    key: PrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate]


def load_pkcs12(data: bytes, passphrase: str, where: str) -> KeyFile:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except ValueError as exc:
        raise InputError(
            f"Berkas kunci {where} tidak bisa dibuka: sandinya salah, atau berkas itu bukan PKCS#12 (.p12/.pfx)."
        ) from exc
    if key is None or cert is None:
        raise InputError(f"Berkas kunci {where} tidak berisi kunci privat beserta sertifikatnya.")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise InputError(
            f"Berkas kunci {where}: kuncinya bukan RSA atau EC, jadi tidak bisa dipakai renaksi-xl."
        )
    return KeyFile(key, cert, list(extra or []))


def pkcs12_bytes(kf: KeyFile, passphrase: str, friendly_name: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        kf.key,
        kf.certificate,
        kf.chain or None,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


# --------------------------------------------------------------------------- checks at signing time
def _validity(cert: x509.Certificate) -> tuple[dt.datetime, dt.datetime]:
    return cert.not_valid_before_utc, cert.not_valid_after_utc


def key_usage_problem(cert: x509.Certificate) -> str | None:
    """Why this certificate may not sign records (None: it may)."""
    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None  # RFC 5280: no KeyUsage extension means no restriction
    if not (ku.digital_signature or ku.content_commitment):
        return "penggunaan kuncinya (key usage) tidak mencakup tanda tangan digital"
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        if bc.ca:
            return "ini sertifikat CA, bukan sertifikat pejabat"
    except x509.ExtensionNotFound:
        pass
    return None


def check_signing_certificate(cert: x509.Certificate, moments: list[dt.datetime], where: str) -> None:
    """Refuse a certificate that is outside its validity period at any of `moments`
    (the record's time and the clock), or whose key usage does not allow signing."""
    start, end = _validity(cert)
    for moment in moments:
        if not start <= moment <= end:
            raise InputError(
                f"Sertifikat {where} ({common_name(cert)}) berlaku {start:%Y-%m-%d} s.d. {end:%Y-%m-%d}, "
                f"tidak pada waktu penandatanganan {moment.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M} UTC. "
                "Minta sertifikat baru kepada penerbitnya (CA kantor atau BSrE)."
            )
    problem = key_usage_problem(cert)
    if problem:
        raise InputError(f"Sertifikat {where} ({common_name(cert)}) tidak bisa dipakai: {problem}.")


# --------------------------------------------------------------------------- the office CA
def new_key(key_type: str = "rsa") -> PrivateKey:
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def _name(pairs: list[tuple[x509.ObjectIdentifier, str]]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs if value])


def make_ca(
    name: str,
    *,
    key_type: str = "rsa",
    not_before: dt.datetime,
    not_after: dt.datetime,
    organization: str = "",
) -> KeyFile:
    """A self-signed office CA (certificate signing and CRL signing only)."""
    key = new_key(key_type)
    subject = _name(
        [(NameOID.COUNTRY_NAME, "ID"), (NameOID.ORGANIZATION_NAME, organization), (NameOID.COMMON_NAME, name)]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyFile(key, cert, [])


def issue(
    ca: KeyFile,
    *,
    nip: str | None,
    name: str,
    role: str = "",
    organization: str = "",
    key_type: str = "rsa",
    not_before: dt.datetime,
    not_after: dt.datetime,
    server_seal: bool = False,
) -> KeyFile:
    """A signing certificate from the office CA: an official's (NIP in serialNumber)
    or, with `server_seal`, the server's seal (no NIP, the SERVER_SEAL_EKU)."""
    if nip is not None and not NIP_PATTERN.match(nip):
        raise InputError(f"NIP '{nip}' tidak sah: NIP terdiri atas 18 angka.")
    key = new_key(key_type)
    subject = _name(
        [
            (NameOID.COUNTRY_NAME, "ID"),
            (NameOID.ORGANIZATION_NAME, organization),
            (NameOID.TITLE, role),
            (NameOID.COMMON_NAME, name),
            (NameOID.SERIAL_NUMBER, nip or ""),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    if server_seal:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([SERVER_SEAL_EKU, ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    cert = builder.sign(ca.key, hashes.SHA256())
    return KeyFile(key, cert, [ca.certificate])


def revoke(
    ca: KeyFile,
    revoked: list[tuple[int, dt.datetime]],
    *,
    now: dt.datetime,
    next_update: dt.datetime,
) -> x509.CertificateRevocationList:
    """A CRL of the office CA listing (serial number, revocation time) pairs."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now)
        .next_update(next_update)
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(ca.key, hashes.SHA256())
