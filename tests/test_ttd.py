"""Signed paraf / tanda tangan records (issue 14): real keys and certificates, RSA and EC.

Expected statuses come from the issue's definition: a full SOP signed by its three
officials is "valid" with the office CA trusted and "untrusted" without it; a record
re-signed with another CA's certificate is "untrusted", one signed with a certificate
of another NIP "nip_mismatch", one with an expired certificate "untrusted" (expired),
a signature over edited content "invalid", a removed signature "absent".
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from pki import FROM, NIP, PASS, UNTIL, full_signed_sop, make_pki, write_p12, write_pem
from test_workflow import NAMES, at, ctx_for, setup_officials

from renaksi_xl import cli, headless, integrity, layout, tables, workflow
from renaksi_xl.context import WIB, ActionContext
from renaksi_xl.errors import InputError, Refused
from renaksi_xl.ttd import certs, records
from renaksi_xl.ttd.signer import Pkcs12File
from renaksi_xl.ttd.trust import load_trust, user_trust_dir

CAM, SEK, KAS = layout.ROLE_CAMAT, layout.ROLE_SEKRETARIS, layout.ROLE_KASUBAG


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def signed_master(built_workbook_master, pki, tmp_path_factory):
    path = tmp_path_factory.mktemp("signed") / "RencanaAksi.xlsm"
    shutil.copyfile(built_workbook_master, path)
    full_signed_sop(path, pki)
    return path


@pytest.fixture
def signed(signed_master, tmp_path):
    dst = tmp_path / "Ditandatangani.xlsm"
    shutil.copyfile(signed_master, dst)
    return dst


def verify_json(path: Path, capsys, *extra: str) -> tuple[int, dict]:
    code = cli.main(["verify", str(path), "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def statuses(report: dict) -> list[str]:
    return [r["signature"] for r in report["records"]]


def log_table(path: Path):
    return tables.read_table(headless.open_book(path), layout.TBL_LOG)


def edit_log_row(path: Path, index: int, change) -> None:
    """Change the index-th Log row with `change(cells: dict) -> None` (the forger's edit)."""

    def edit(book):
        data = tables.read_table(book, layout.TBL_LOG)
        rows = [list(r) for r in data.rows]
        cells = dict(zip(data.header, rows[index]))
        change(cells)
        rows[index] = [cells.get(h) for h in data.header]
        tables.write_table(book, layout.TBL_LOG, rows, columns=data.header)

    headless.run_on_file(path, edit)


def resign(cells: dict, kf: certs.KeyFile, basis: str = "pejabat") -> None:
    """Sign a record's content with another key and certificate (what a forger can do)."""
    signature = certs.sign_bytes(kf.key, records.signed_bytes(basis, cells))
    cells[layout.H_TTD_DIGITAL] = (
        f"{basis} {certs.algorithm_of(kf.key)} {base64.b64encode(signature).decode()}"
    )
    cells[layout.H_SERTIFIKAT] = records.encode_chain([kf.certificate, *kf.chain])


# --------------------------------------------------------------------------- the full SOP
def test_full_sop_signed_by_three_officials_valid_with_the_ca_untrusted_without(signed, pki, capsys):
    code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem))
    assert code == 0 and report["ok"] is True
    assert statuses(report) == ["valid"] * 6
    signers = [r["signer"] for r in report["records"]]
    for rec, signer in zip(report["records"], signers):
        assert f"serialNumber={rec['nip']}" in signer and f"CN={rec['name']}" in signer
    assert {r["nip"] for r in report["records"]} == set(NIP.values())

    code, report = verify_json(signed, capsys)
    assert code == 1 and report["ok"] is False
    assert statuses(report) == ["untrusted"] * 6
    assert all(r["valid"] for r in report["records"]), "the chain itself is intact"


def test_trust_anchors_from_the_users_folder(signed, pki, capsys):
    folder = user_trust_dir()
    folder.mkdir(parents=True, exist_ok=True)
    anchor = folder / "ca-kantor.pem"
    shutil.copyfile(pki.ca_pem, anchor)
    try:
        code, report = verify_json(signed, capsys)
    finally:
        anchor.unlink()
    assert code == 0 and statuses(report) == ["valid"] * 6


def test_the_text_verdict_names_signer_and_trusted_ca(signed, pki, capsys):
    assert cli.main(["verify", str(signed), "--percaya", str(pki.ca_pem)]) == 0
    out = capsys.readouterr().out
    assert out.count("tanda tangan digital SAH") == 6
    assert f"CN={NAMES[CAM]}" in out and str(pki.ca_pem) in out


def test_a_certificate_in_the_workbook_never_becomes_trusted(signed, pki, capsys):
    """The workbook carries the CA certificate in its chain cells; that alone trusts nothing."""
    cell = log_table(signed).records()[0][layout.H_SERTIFIKAT]
    assert len(cell.split()) == 2, "the signer's certificate and the office CA's"
    assert certs.from_b64(cell.split()[1]) == pki.ca.certificate
    code, report = verify_json(signed, capsys)
    assert statuses(report) == ["untrusted"] * 6 and code == 1


# --------------------------------------------------------------------------- forgeries, each with its status
def test_record_resigned_with_another_cas_certificate_is_untrusted(signed, pki, tmp_path, capsys):
    other = certs.make_ca("CA Palsu", key_type="ec", not_before=FROM, not_after=UNTIL)
    forged = certs.issue(other, nip=NIP[CAM], name=NAMES[CAM], role=CAM, not_before=FROM, not_after=UNTIL)
    edit_log_row(signed, 5, lambda c: resign(c, forged))
    code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem))
    assert statuses(report) == ["valid"] * 5 + ["untrusted"]
    assert "CA Palsu" in report["records"][5]["signature_reason"]
    assert code == 1 and report["ok"] is False
    # trusting the forger's CA as well makes it valid: trust is the verifier's choice
    other_pem = write_pem(other.certificate, tmp_path / "palsu.pem")
    code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem), "--percaya", str(other_pem))
    assert statuses(report) == ["valid"] * 6 and code == 0


def test_certificate_of_another_nip_is_nip_mismatch(signed, pki, capsys):
    """A key the trusted CA issued to the Sekretaris cannot sign the Camat's record."""
    other_nip = certs.issue(pki.ca, nip=NIP[SEK], name=NAMES[CAM], role=CAM, not_before=FROM, not_after=UNTIL)
    edit_log_row(signed, 0, lambda c: resign(c, other_nip))
    code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem))
    assert statuses(report) == ["nip_mismatch"] + ["valid"] * 5
    assert NIP[SEK] in report["records"][0]["signature_reason"]
    assert code == 1 and report["ok"] is False


def test_expired_certificate_is_untrusted(signed, pki, capsys):
    expired = certs.issue(
        pki.ca,
        nip=NIP[SEK],
        name=NAMES[SEK],
        role=SEK,
        not_before=FROM,
        not_after=dt.datetime(2024, 12, 31, tzinfo=dt.timezone.utc),
    )
    edit_log_row(signed, 4, lambda c: resign(c, expired))
    code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem))
    assert statuses(report) == ["valid"] * 4 + ["untrusted", "valid"]
    assert "kedaluwarsa" in report["records"][4]["signature_reason"]
    assert code == 1


def test_signature_over_edited_content_is_invalid_even_with_a_recomputed_chain(signed, pki, capsys):
    """The forger has the tool: edits the Camat's record and recomputes its Sidik Rantai (and the
    step sheet's copy), so the chain checks out again; the signature cannot be recomputed."""

    def forge(cells):
        cells["Waktu"] = "2025-01-07 08:00 WIB"
        prev = log_table(signed).records()[4]["Sidik Rantai"]
        digests = integrity.parse_content_text(cells["Sidik Isi"])
        fields = [cells[h] for h in integrity.CHAIN_FIELDS]
        cells["Sidik Rantai"] = integrity.chain_hash(prev, fields, integrity.content_hash(digests))

    edit_log_row(signed, 5, forge)
    new_chain = log_table(signed).records()[5]["Sidik Rantai"]

    def fix_step_sheet(book):
        data = tables.read_table(book, layout.step_table(6))
        rows = [list(r) for r in data.rows]
        rows[0][data.col("Sidik Rantai")] = new_chain
        rows[0][data.col("Selesai")] = "2025-01-07 08:00 WIB"
        tables.write_table(book, layout.step_table(6), rows, columns=data.header)

    headless.run_on_file(signed, fix_step_sheet)
    code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem))
    assert [r["valid"] for r in report["records"]] == [True] * 6, "the recomputed chain is consistent"
    assert statuses(report) == ["valid"] * 5 + ["invalid"]
    assert code == 1 and report["ok"] is False


def test_signatures_swapped_between_records_are_invalid(signed, pki, capsys):
    rows = log_table(signed).records()

    def swap(cells):
        cells[layout.H_TTD_DIGITAL] = rows[3][layout.H_TTD_DIGITAL]
        cells[layout.H_SERTIFIKAT] = rows[3][layout.H_SERTIFIKAT]

    edit_log_row(signed, 4, swap)
    _code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem))
    assert statuses(report)[4] == "invalid"


def test_removed_signature_is_absent_and_fails_only_when_required(signed, pki, capsys):
    def remove(cells):
        cells[layout.H_TTD_DIGITAL] = None
        cells[layout.H_SERTIFIKAT] = None

    edit_log_row(signed, 2, remove)
    code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem))
    assert statuses(report) == ["valid", "valid", "absent", "valid", "valid", "valid"]
    assert report["records"][2]["signer"] is None
    assert code == 0 and report["ok"] is True
    code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem), "--wajib-tanda-tangan")
    assert code == 1 and report["ok"] is False


@pytest.mark.parametrize(
    "damage",
    [
        {layout.H_TTD_DIGITAL: "pejabat rsa-sha256 bukan-base64!"},
        {layout.H_TTD_DIGITAL: "camat rsa-sha256 QUJD"},  # an unknown basis
        {layout.H_SERTIFIKAT: "QUJD"},  # base64 that is not a certificate
        {layout.H_SERTIFIKAT: None},  # the signature without its certificate
        "many",  # a chain of 200 certificates: hostile, refused before any path building
    ],
)
def test_a_damaged_signature_cell_is_invalid(signed, pki, capsys, damage):
    def change(cells):
        if damage == "many":
            cells[layout.H_SERTIFIKAT] = " ".join([cells[layout.H_SERTIFIKAT].split()[0]] * 200)
        else:
            cells.update(damage)

    edit_log_row(signed, 1, change)
    _code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem))
    assert statuses(report)[1] == "invalid"
    assert "rusak" in report["records"][1]["signature_reason"]


# --------------------------------------------------------------------------- refused at signing time
def test_key_of_another_official_is_refused_and_the_workbook_untouched(built_workbook, pki):
    setup_officials(built_workbook)
    before = sha(built_workbook)
    ctx = ctx_for(CAM, at(), catatan="Susun", keys=pki.source(SEK))
    with pytest.raises(Refused) as info:
        headless.run_on_file(built_workbook, lambda b: workflow.catat_disposisi(b, ctx))
    assert sha(built_workbook) == before
    msg = info.value.message
    assert NIP[SEK] in msg and NIP[CAM] in msg and "bukan milik pejabat" in msg


@pytest.mark.parametrize(
    "not_before, not_after, needle",
    [
        (FROM, dt.datetime(2024, 12, 31, tzinfo=dt.timezone.utc), "berlaku 2024-01-01 s.d. 2024-12-31"),
        (dt.datetime(2025, 2, 1, tzinfo=dt.timezone.utc), UNTIL, "berlaku 2025-02-01"),
    ],
)
def test_key_outside_its_validity_at_signing_time_is_refused(
    built_workbook, pki, tmp_path, not_before, not_after, needle
):
    kf = certs.issue(
        pki.ca, nip=NIP[CAM], name=NAMES[CAM], role=CAM, not_before=not_before, not_after=not_after
    )
    p12 = write_p12(kf, tmp_path / "camat-lama.p12")
    setup_officials(built_workbook)
    before = sha(built_workbook)
    ctx = ctx_for(CAM, at(), catatan="Susun", keys=Pkcs12File(p12, lambda p: PASS))
    with pytest.raises(InputError) as info:
        headless.run_on_file(built_workbook, lambda b: workflow.catat_disposisi(b, ctx))
    assert needle in info.value.message and sha(built_workbook) == before


def test_a_ca_certificate_cannot_sign_records(built_workbook, pki, tmp_path):
    """Key usage: the CA's certificate (keyCertSign, cRLSign only) is not a signing certificate."""
    ca_as_official = certs.KeyFile(pki.ca.key, pki.ca.certificate, [])
    assert certs.key_usage_problem(pki.ca.certificate)
    from renaksi_xl.ttd.signer import LocalSigner

    class CaKey:
        def signer_for(self, nip):
            return LocalSigner(ca_as_official.key, ca_as_official.certificate)

    setup_officials(built_workbook)
    with pytest.raises(Refused):  # its subject has no NIP: refused before key usage is even looked at
        headless.run_on_file(
            built_workbook,
            lambda b: workflow.catat_disposisi(b, ctx_for(CAM, at(), catatan="x", keys=CaKey())),
        )
    no_sign = certs.issue(pki.ca, nip=NIP[CAM], name=NAMES[CAM], not_before=FROM, not_after=UNTIL)
    assert certs.key_usage_problem(no_sign.certificate) is None


def test_wrong_passphrase_is_a_clear_input_error(built_workbook, pki):
    setup_officials(built_workbook)
    before = sha(built_workbook)
    ctx = ctx_for(CAM, at(), catatan="Susun", keys=Pkcs12File(pki.keys[CAM], lambda p: "salah"))
    with pytest.raises(InputError) as info:
        headless.run_on_file(built_workbook, lambda b: workflow.catat_disposisi(b, ctx))
    assert "sandinya salah" in info.value.message and sha(built_workbook) == before


# --------------------------------------------------------------------------- the command line
def test_cli_office_ca_issue_sign_and_verify(built_workbook, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RENAKSI_CA_SANDI", "sandi-ca-kantor")
    monkeypatch.setenv("RENAKSI_KUNCI_SANDI", "sandi-camat-1")
    ca_dir = tmp_path / "ca-kantor"
    assert (
        cli.main(["ca", "buat", "--out", str(ca_dir), "--mulai", "2024-06-01", "--unit", "Kecamatan Uji"])
        == 0
    )
    assert cli.main(["ca", "buat", "--out", str(ca_dir)]) == 2  # never overwritten
    p12 = tmp_path / "camat.p12"
    args = ["ca", "terbitkan", "--ca", str(ca_dir), "--nama", NAMES[CAM], "--peran", CAM, "--out", str(p12)]
    assert cli.main([*args, "--nip", "12345"]) == 2
    assert "18 angka" in capsys.readouterr().err
    assert cli.main([*args, "--nip", NIP[CAM], "--mulai", "2025-01-01", "--ec"]) == 0
    kf = certs.load_pkcs12(p12.read_bytes(), "sandi-camat-1", "uji")
    assert certs.nip_of(kf.certificate) == NIP[CAM]
    assert kf.certificate.subject.get_attributes_for_oid(certs.NameOID.SERIAL_NUMBER)[0].value == NIP[CAM]
    assert certs.key_usage_problem(kf.certificate) is None
    setup_officials(built_workbook)
    capsys.readouterr()
    run = [
        "run",
        "catat-disposisi",
        str(built_workbook),
        "--pejabat",
        NIP[CAM],
        "--waktu",
        "2025-01-06T09:00",
    ]
    assert cli.main([*run, "--catatan", "Susun", "--kunci", str(p12)]) == 0
    assert "Selesai" in capsys.readouterr().out
    code = cli.main(["verify", str(built_workbook), "--json", "--percaya", str(ca_dir / "ca.pem")])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and statuses(report) == ["valid"]
    assert "title=Camat" in report["records"][0]["signer"]


def test_cli_run_with_a_wrong_passphrase_exits_2_untouched(built_workbook, pki, monkeypatch, capsys):
    setup_officials(built_workbook)
    before = sha(built_workbook)
    monkeypatch.setenv("RENAKSI_KUNCI_SANDI", "bukan-sandinya")
    code = cli.main(
        ["run", "catat-disposisi", str(built_workbook), "--pejabat", NIP[CAM], "--waktu", "2025-01-06T09:00"]
        + ["--catatan", "Susun", "--kunci", str(pki.keys[CAM])]
    )
    err = capsys.readouterr().err
    assert code == 2 and "sandinya salah" in err and "tidak diubah" in err
    assert sha(built_workbook) == before
    assert (
        cli.main(["run", "validasi", str(built_workbook), "--kunci", str(pki.folder / "tidak-ada.p12")]) == 2
    )
    assert "--kunci" in capsys.readouterr().err


def test_revoked_after_signing_stays_valid_revoked_before_is_untrusted(signed, pki, tmp_path, capsys):
    """An official who left office signed while in office: revocation after the record keeps it."""
    cam_cert = certs.load_pkcs12(pki.keys[CAM].read_bytes(), PASS, "uji").certificate
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    later = certs.revoke(
        pki.ca,
        [(cam_cert.serial_number, dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc))],
        now=now,
        next_update=UNTIL,
    )
    crl = tmp_path / "ca.crl"
    crl.write_bytes(later.public_bytes(certs.serialization.Encoding.PEM))
    _c, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem), "--percaya", str(crl))
    assert statuses(report) == ["valid"] * 6
    before = certs.revoke(
        pki.ca,
        [(cam_cert.serial_number, dt.datetime(2025, 1, 6, 12, tzinfo=WIB))],
        now=now,
        next_update=UNTIL,
    )
    crl.write_bytes(before.public_bytes(certs.serialization.Encoding.PEM))
    code, report = verify_json(signed, capsys, "--percaya", str(pki.ca_pem), "--percaya", str(crl))
    # the Camat's disposisi (09:00) predates the revocation (12:00); the penetapan (13:05) does not
    assert statuses(report) == ["valid"] * 5 + ["untrusted"]
    assert "dicabut" in report["records"][5]["signature_reason"] and code == 1


# --------------------------------------------------------------------------- Periksa Keaslian, sizes
def test_periksa_keaslian_shows_the_signature_verdict_per_step(signed, pki):
    ctx = ActionContext(now=at(days=1), trust=load_trust([pki.ca_pem]))
    text, _ = headless.run_on_file(signed, lambda b: workflow.periksa_keaslian(b, ctx))
    summary, *lines = text.splitlines()
    assert "Tanda tangan digital: 6 sah" in summary
    assert len(lines) == 6 and all("tanda tangan digital SAH" in line for line in lines)
    ctx = ActionContext(now=at(days=1), trust=load_trust([]))
    text, _ = headless.run_on_file(signed, lambda b: workflow.periksa_keaslian(b, ctx))
    assert "6 tidak dipercaya" in text.splitlines()[0]
    assert tables.named_range(headless.open_book(signed), "nmKeaslian").value == text.splitlines()[0]


def test_signature_cells_stay_far_below_excels_cell_limit(signed):
    for rec in log_table(signed).records():
        for h in (layout.H_TTD_DIGITAL, layout.H_SERTIFIKAT):
            assert rec[h] and len(rec[h]) < 8_000 < records.CELL_LIMIT, (h, len(rec[h]))


def test_every_package_of_renaksi_xl_goes_into_the_wheel():
    """renaksi_xl.ttd (and any later subpackage) must be listed for setuptools, or a wheel
    install lacks it (the editable install used here would not notice)."""
    import tomllib

    repo = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(repo).parts)
        for p in (repo / "renaksi_xl").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert on_disk <= listed, on_disk - listed


def drop_signature_columns(path: Path) -> None:
    """A workbook built before issue 14: tblLog without the two signature columns."""
    import openpyxl

    from renaksi_xl.tables import cell_address, col_letter

    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[layout.SHEET_LOG]
    table = ws.tables[layout.TBL_LOG]
    first, last = table.ref.split(":")
    spec = layout.table(layout.TBL_LOG)
    keep = len(spec.headers) - 2
    new_last = col_letter(spec.first_col + keep - 1) + "".join(ch for ch in last if ch.isdigit())
    table.ref = f"{first}:{new_last}"
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    del table.tableColumns[keep:]
    for i in range(keep, keep + 2):
        ws[cell_address(spec.header_row, spec.first_col + i)].value = None
    headless.save_atomic(wb, path)


def test_an_old_workbook_verifies_as_unsigned_and_refuses_signing_clearly(built_workbook, pki, capsys):
    drop_signature_columns(built_workbook)
    setup_officials(built_workbook)
    assert layout.H_TTD_DIGITAL not in log_table(built_workbook).header
    headless.run_on_file(
        built_workbook, lambda b: workflow.catat_disposisi(b, ctx_for(CAM, at(), catatan="x"))
    )
    code, report = verify_json(built_workbook, capsys, "--percaya", str(pki.ca_pem))
    assert code == 0 and statuses(report) == ["absent"]
    before = sha(built_workbook)
    ctx = ctx_for(KAS, at(hours=1), keys=pki.source(KAS))
    with pytest.raises(InputError) as info:
        headless.run_on_file(
            built_workbook,
            lambda b: workflow.perform(b, layout.ACTION_TARIK_DPA, ctx, lambda b, c: "tanpa data"),
        )
    assert "versi lama" in info.value.message and layout.H_TTD_DIGITAL in info.value.message
    assert sha(built_workbook) == before


def test_the_log_prints_at_its_own_width_after_signed_records(signed):
    """The signature and certificate cells are long: the Log keeps a print area of exactly the
    table's columns through headless saves, so LibreOffice does not shrink the printed Log to
    fit text that never shows; the long cells are cut at their edge (fill), like the Sidik ones."""
    import openpyxl

    from renaksi_xl.tables import col_letter

    spec = layout.table(layout.TBL_LOG)
    wb = openpyxl.load_workbook(signed, keep_vba=True)
    ws = wb[layout.SHEET_LOG]
    last = col_letter(spec.first_col + len(spec.headers) - 1)
    assert ws.print_area.split("!")[-1] == f"$A$1:${last}$1048575"
    row = spec.header_row + 1
    for h in (layout.H_TTD_DIGITAL, layout.H_SERTIFIKAT):
        cell = ws.cell(row=row + 3, column=spec.first_col + spec.col_index(h))
        assert len(str(cell.value)) > 100 and cell.alignment.horizontal == "fill", h


def test_the_passphrase_is_asked_on_the_terminal_without_echo(built_workbook, pki):
    """`run --kunci` without RENAKSI_KUNCI_SANDI: getpass on a real pseudo-terminal (the
    child's controlling terminal); what is typed is not echoed, and the record is signed."""
    import os
    import pty
    import select
    import sys
    import time

    setup_officials(built_workbook)
    secret = PASS
    argv = [sys.executable, "-m", "renaksi_xl.cli", "run", "catat-disposisi", str(built_workbook)]
    argv += [
        "--pejabat",
        NIP[CAM],
        "--waktu",
        "2025-01-06T09:00",
        "--catatan",
        "Susun",
        "--kunci",
        str(pki.keys[CAM]),
    ]
    env = {k: v for k, v in os.environ.items() if k != "RENAKSI_KUNCI_SANDI"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI on the pseudo-terminal
        os.execve(sys.executable, argv, env)
    seen, answered, deadline = b"", False, time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"Sandi berkas kunci camat.p12" in seen:
            os.write(fd, secret.encode() + b"\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    text = seen.decode("utf-8", "replace")
    assert answered, text
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert secret not in text, "the passphrase must not be echoed"
    row = log_table(built_workbook).records()[0]
    assert row[layout.H_TTD_DIGITAL].startswith("pejabat ")


def test_openpyxl_keeps_its_own_xml_writer_although_pyhanko_brings_lxml():
    """pyHanko depends on lxml, and openpyxl switches to lxml when it can; renaksi_xl keeps
    openpyxl's own writer so headless saves do not change with what else is installed."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OPENPYXL_LXML"}
    code = "import lxml, renaksi_xl, openpyxl.xml as x; print(x.LXML)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"
