"""Test PKI: real CAs, keys and certificates (RSA and EC) made with the office-CA code,
written to real PKCS#12 files; and a full SOP signed by the three officials."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from test_workflow import NAMES, NIP, at, ctx_for, rencana_rows, setup_officials, susun_body, tarik_dpa_body

from renaksi_xl import headless, layout, workflow
from renaksi_xl.ttd import certs
from renaksi_xl.ttd.signer import Pkcs12File

UTC = dt.timezone.utc
FROM = dt.datetime(2024, 1, 1, tzinfo=UTC)
UNTIL = dt.datetime(2030, 1, 1, tzinfo=UTC)
PASS = "sandi-uji-123"
# Camat signs with EC, the Sekretaris with RSA, the Kasubag with EC.
KEY_TYPES = {layout.ROLE_CAMAT: "ec", layout.ROLE_SEKRETARIS: "rsa", layout.ROLE_KASUBAG: "ec"}


@dataclass
class Pki:
    folder: Path
    ca: certs.KeyFile
    ca_pem: Path
    keys: dict[str, Path] = field(default_factory=dict)  # role -> .p12

    def source(self, role: str) -> Pkcs12File:
        return Pkcs12File(self.keys[role], lambda p: PASS)


def write_p12(kf: certs.KeyFile, path: Path) -> Path:
    path.write_bytes(certs.pkcs12_bytes(kf, PASS, path.stem))
    return path


def write_pem(cert, path: Path) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def make_pki(folder: Path, name: str = "CA Kantor Uji", *, key_type: str = "rsa") -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    ca = certs.make_ca(
        name, key_type=key_type, not_before=FROM, not_after=UNTIL, organization="Kecamatan Uji"
    )
    pki = Pki(folder, ca, write_pem(ca.certificate, folder / "ca.pem"))
    for role in layout.ROLES:
        kf = certs.issue(
            ca,
            nip=NIP[role],
            name=NAMES[role],
            role=role,
            key_type=KEY_TYPES[role],
            not_before=FROM,
            not_after=UNTIL,
        )
        pki.keys[role] = write_p12(kf, folder / f"{role.split()[0].lower()}.p12")
    return pki


def act_signed(path: Path, fn, role: str, when: dt.datetime, keys, **kw):
    value, _ = headless.run_on_file(path, lambda b: fn(b, ctx_for(role, when, keys=keys, **kw)))
    return value


def full_signed_sop(path: Path, pki: Pki, keys_for=None, *, tetapkan: bool = True) -> None:
    """Steps 1-6 (1-5 without `tetapkan`) on the plain valid plan, each record signed by its
    official's key."""
    keys_for = keys_for or pki.source
    setup_officials(path)
    cam, sek, kas = layout.ROLE_CAMAT, layout.ROLE_SEKRETARIS, layout.ROLE_KASUBAG
    act_signed(
        path,
        workflow.catat_disposisi,
        cam,
        at(),
        keys_for(cam),
        catatan="Susun Rencana Aksi 2025",
        fields={"batas": "2025-01-10"},
    )
    act_signed(
        path,
        lambda b, c: workflow.perform(b, layout.ACTION_TARIK_DPA, c, tarik_dpa_body),
        kas,
        at(hours=1),
        keys_for(kas),
    )
    act_signed(
        path,
        lambda b, c: workflow.perform(b, layout.ACTION_SUSUN, c, susun_body),
        kas,
        at(hours=2),
        keys_for(kas),
    )
    act_signed(
        path,
        workflow.catat_pembahasan,
        sek,
        at(hours=3),
        keys_for(sek),
        catatan="Target TW disesuaikan",
        fields={"peserta": "Sekretaris Camat, Kasubag", "keputusan": "Draft disetujui"},
    )
    act_signed(path, workflow.paraf_pemeriksaan, sek, at(hours=4), keys_for(sek))
    if tetapkan:
        act_signed(path, workflow.tetapkan, cam, at(hours=4, minutes=5), keys_for(cam))


__all__ = ["rencana_rows"]
