"""`renaksi-xl ca`: an office CA for offices without BSrE certificates.

    renaksi-xl ca buat --out DIR [--nama NAMA] [--unit UNIT] [--ec] [--tahun N]
    renaksi-xl ca terbitkan --nip NIP --nama NAMA --peran PERAN --out FILE.p12 [--ca DIR] [--ec]
                            [--mulai YYYY-MM-DD] [--tahun N] [--server]
    renaksi-xl ca cabut --sertifikat FILE [--ca DIR] [--waktu ISO8601]

The CA's key is kept encrypted (`DIR/ca-kunci.pem`, passphrase RENAKSI_CA_SANDI or a
hidden prompt); each issued certificate is listed in `DIR/terbit.csv`; `cabut`
adds a certificate to `DIR/dicabut.csv` and rewrites the CRL `DIR/ca.crl`.
This is an internal CA of the office, not a legal TTE (docs/keaslian.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import os
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..errors import InputError
from . import certs
from .signer import PASSPHRASE_ENV, read_key_file

CA_PASSPHRASE_ENV = "RENAKSI_CA_SANDI"
CA_CERT, CA_KEY, ISSUED, REVOKED, CRL = "ca.pem", "ca-kunci.pem", "terbit.csv", "dicabut.csv", "ca.crl"
MIN_PASSPHRASE = 8
UTC = dt.timezone.utc


class CaOptionError(InputError):
    about_option = True


def _passphrase(env: str, prompt: str, *, new: bool) -> str:
    value = os.environ.get(env)
    if value is None:
        try:
            value = getpass.getpass(prompt, stream=sys.stderr)
            if new and getpass.getpass("Ulangi sandi: ", stream=sys.stderr) != value:
                raise InputError("Kedua sandi tidak sama. Tidak ada berkas yang ditulis.")
        except (EOFError, OSError) as exc:
            raise InputError(
                f"Sandi tidak bisa ditanyakan (tidak ada terminal): isi variabel {env}."
            ) from exc
    if new and len(value) < MIN_PASSPHRASE:
        raise InputError(f"Sandi minimal {MIN_PASSPHRASE} karakter. Tidak ada berkas yang ditulis.")
    return value


def _start(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now(UTC).replace(microsecond=0)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CaOptionError(f"Opsi --mulai '{text}' bukan tanggal YYYY-MM-DD.") from exc
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


def _years_after(start: dt.datetime, years: int) -> dt.datetime:
    if not 1 <= years <= 30:
        raise CaOptionError(f"Opsi --tahun {years}: isi 1 sampai 30.")
    return start.replace(year=start.year + years)


def _key_type(args) -> str:
    return "ec" if getattr(args, "ec", False) else "rsa"


def _new_file(path: Path, option: str) -> Path:
    if path.exists():
        raise CaOptionError(f"{option} '{path}' sudah ada; tidak ditimpa. Pilih nama lain atau hapus dulu.")
    if not path.parent.is_dir():
        raise CaOptionError(f"Folder untuk {option} '{path}' ({path.parent}) tidak ada.")
    return path


def load_ca(folder: Path) -> certs.KeyFile:
    cert_path, key_path = folder / CA_CERT, folder / CA_KEY
    if not cert_path.is_file() or not key_path.is_file():
        raise CaOptionError(
            f"Folder CA '{folder}' tidak berisi {CA_CERT} dan {CA_KEY}. Buat dulu: renaksi-xl ca buat --out {folder}"
        )
    cert = certs.load_certificates(cert_path.read_bytes(), f"Berkas '{cert_path}'")[0]
    passphrase = _passphrase(CA_PASSPHRASE_ENV, f"Sandi kunci CA ({key_path}): ", new=False)
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), passphrase.encode("utf-8"))
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"Kunci CA '{key_path}' tidak bisa dibuka: sandinya salah atau berkas rusak."
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise InputError(f"Kunci CA '{key_path}' bukan kunci RSA atau EC.")
    return certs.KeyFile(key, cert, [])


def cmd_buat(args) -> int:
    folder = Path(args.out)
    if (folder / CA_CERT).exists() or (folder / CA_KEY).exists():
        raise CaOptionError(f"Folder '{folder}' sudah berisi CA ({CA_CERT}); tidak ditimpa.")
    start = _start(args.mulai) if args.mulai else _start(None) - dt.timedelta(days=1)
    passphrase = _passphrase(CA_PASSPHRASE_ENV, "Sandi baru untuk kunci CA: ", new=True)
    ca = certs.make_ca(
        args.nama,
        key_type=_key_type(args),
        not_before=start,
        not_after=_years_after(start, args.tahun),
        organization=args.unit or "",
    )
    folder.mkdir(parents=True, exist_ok=True)
    key_pem = ca.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )
    key_path = folder / CA_KEY
    key_path.write_bytes(key_pem)
    key_path.chmod(0o600)
    (folder / CA_CERT).write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    print(f"CA kantor '{args.nama}' dibuat di {folder}:")
    print(f"- {folder / CA_CERT}: sertifikat CA, bagikan kepada pemeriksa (renaksi-xl verify --percaya).")
    print(f"- {key_path}: kunci CA terenkripsi, simpan di tempat aman (jangan dikirim).")
    print("Catatan: ini CA internal kantor, bukan Tanda Tangan Elektronik tersertifikasi (BSrE).")
    return 0


def cmd_terbitkan(args) -> int:
    out = _new_file(Path(args.out), "--out")
    if not args.server:
        if not args.nip or not certs.NIP_PATTERN.match(args.nip.strip()):
            raise CaOptionError(f"Opsi --nip '{args.nip or ''}' bukan NIP: NIP terdiri atas 18 angka.")
        if not args.nama or not args.peran:
            raise CaOptionError("Opsi --nama dan --peran wajib diisi untuk sertifikat pejabat.")
    ca = load_ca(Path(args.ca))
    start = _start(args.mulai)
    end = min(_years_after(start, args.tahun), ca.certificate.not_valid_after_utc)
    if start < ca.certificate.not_valid_before_utc:
        raise CaOptionError(
            f"Opsi --mulai {start:%Y-%m-%d} lebih awal dari masa berlaku CA "
            f"({ca.certificate.not_valid_before_utc:%Y-%m-%d})."
        )
    passphrase = _passphrase(PASSPHRASE_ENV, f"Sandi baru untuk berkas kunci {out.name}: ", new=True)
    kf = certs.issue(
        ca,
        nip=None if args.server else args.nip.strip(),
        name=args.nama or "Server renaksi-xl",
        role="" if args.server else args.peran,
        organization=args.unit or "",
        key_type=_key_type(args),
        not_before=start,
        not_after=end,
        server_seal=args.server,
    )
    out.write_bytes(certs.pkcs12_bytes(kf, passphrase, out.stem))
    out.chmod(0o600)
    issued = Path(args.ca) / ISSUED
    new_list = not issued.exists()
    with issued.open("a", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        if new_list:
            w.writerow(["serial", "nip", "nama", "peran", "mulai", "sampai", "berkas"])
        w.writerow(
            [
                format(kf.certificate.serial_number, "x"),
                "" if args.server else args.nip,
                certs.subject_text(kf.certificate),
                args.peran or "",
                f"{start:%Y-%m-%d}",
                f"{end:%Y-%m-%d}",
                out.name,
            ]
        )
    what = "segel server" if args.server else f"pejabat NIP {args.nip}"
    print(f"Sertifikat {what} ditulis ke {out} (berlaku {start:%Y-%m-%d} s.d. {end:%Y-%m-%d}).")
    print("Serahkan berkas ini dan sandinya kepada pemiliknya secara terpisah.")
    return 0


def _certificate_of(path: Path) -> x509.Certificate:
    data = read_key_file(path, "Berkas --sertifikat")
    if path.suffix.lower() in (".p12", ".pfx"):
        passphrase = _passphrase(PASSPHRASE_ENV, f"Sandi berkas {path.name}: ", new=False)
        return certs.load_pkcs12(data, passphrase, f"'{path}'").certificate
    return certs.load_certificates(data, f"Berkas --sertifikat '{path}'")[0]


def cmd_cabut(args) -> int:
    folder = Path(args.ca)
    ca = load_ca(folder)
    cert = _certificate_of(Path(args.sertifikat))
    if cert.issuer != ca.certificate.subject:
        raise InputError(f"Sertifikat '{certs.common_name(cert)}' tidak diterbitkan oleh CA di '{folder}'.")
    when = dt.datetime.now(UTC).replace(microsecond=0)
    if args.waktu:
        try:
            when = dt.datetime.fromisoformat(args.waktu)
        except ValueError as exc:
            raise CaOptionError(f"Opsi --waktu '{args.waktu}' bukan waktu ISO 8601.") from exc
        when = when if when.tzinfo else when.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
    listed = folder / REVOKED
    rows = []
    if listed.exists():
        with listed.open(encoding="utf-8") as f:
            rows = [r for r in csv.reader(f)][1:]
    serial = format(cert.serial_number, "x")
    if serial not in {r[0] for r in rows}:
        rows.append([serial, when.isoformat(), certs.common_name(cert)])
    with listed.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["serial", "dicabut", "nama"])
        w.writerows(rows)
    now = dt.datetime.now(UTC)
    crl = certs.revoke(
        ca,
        [(int(r[0], 16), dt.datetime.fromisoformat(r[1])) for r in rows],
        now=now,
        next_update=now + dt.timedelta(days=365),
    )
    (folder / CRL).write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    print(
        f"Sertifikat '{certs.common_name(cert)}' (serial {serial}) dicabut sejak {when.isoformat()}. "
        f"Bagikan {folder / CRL} kepada pemeriksa (folder kepercayaan atau --percaya)."
    )
    return 0


def cmd_ca(args) -> int:
    return {"buat": cmd_buat, "terbitkan": cmd_terbitkan, "cabut": cmd_cabut}[args.ca_command](args)
