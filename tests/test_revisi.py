"""Rencana Aksi Perubahan (issue 17 part 1): `revisi` after penetapan opens version n+1.

The expectations come from the issue: only the approver of the SOP's penetapan step, only
after DITETAPKAN, only with a reason; version n+1 starts at the SOP's data step and must be
redrafted, re-checked and re-signed; the old version's records stay verifiable; verify --json
gives each record its "versi"; the PDF names what changed (pagu before/after); diff names the
records added; the server refuses a token of another role.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import openpyxl
from test_workflow import (
    NIP,
    act,
    assert_refused,
    at,
    book_of,
    ctx_for,
    do_paraf,
    do_pembahasan,
    do_tetapkan,
    dpa_rows,
    kinerja_rows,
    log_rows,
    progress,
    rencana_rows,
    sha,
    upto,
)

from renaksi_xl import headless, layout, revision, server, tables, workflow
from renaksi_xl.errors import InputError, Refused
from renaksi_xl.integrity import verify_book

CLI = [sys.executable, "-m", "renaksi_xl.cli"]
REASON = "DPPA 2025 (APBD Perubahan)"
# The DPPA of version 2: the first sub kegiatan's pagu goes from 120.000.000 to 150.000.000,
# its yearly target from 12 to 16 meetings.
MONTHLY_V2 = [12_500_000] * 12
PAGU_V1, PAGU_V2 = 120_000_000, 150_000_000
TARGET_V1, TARGET_V2 = 12, 16


def ditetapkan(path: Path) -> None:
    upto(path, 4)
    do_paraf(path)
    do_tetapkan(path)


def do_revisi(path, role=layout.ROLE_CAMAT, when=None, catatan=REASON):
    return act(path, revision.revisi, ctx_for(role, when or at(days=1), catatan=catatan))


def tarik_v2(book, ctx):
    rows = dpa_rows()
    headers = layout.table(layout.TBL_DPA).headers
    rows[0][headers.index(layout.H_PAGU)] = PAGU_V2
    rows[0][headers.index(layout.MONTHS[0]) :] = MONTHLY_V2
    tables.write_table(book, layout.TBL_DPA, rows)
    return "DPPA: 2 sub kegiatan"


def susun_v2(book, ctx):
    headers = layout.table(layout.TBL_RENCANA).headers
    rows = rencana_rows()
    first = rows[0]
    first[headers.index(layout.H_TARGET_TAHUNAN)] = TARGET_V2
    for k, h in enumerate(layout.TARGET_TW, start=1):
        first[headers.index(h)] = TARGET_V2 // 4 * k
    first[headers.index(layout.H_PAGU)] = PAGU_V2
    for k, h in enumerate(layout.KEUANGAN_TW, start=1):
        first[headers.index(h)] = sum(MONTHLY_V2[: 3 * k])
    tables.write_table(book, layout.TBL_RENCANA, rows)
    tables.write_table(book, layout.TBL_KINERJA, kinerja_rows())
    return "Draft Rencana Aksi Perubahan"


def version_2_signed(path: Path) -> None:
    """After revisi: the DPPA drafted, discussed, checked and signed again."""
    act(
        path,
        lambda b, c: workflow.perform(b, layout.ACTION_TARIK_DPA, c, tarik_v2),
        ctx_for(layout.ROLE_KASUBAG, at(days=2)),
    )
    act(
        path,
        lambda b, c: workflow.perform(b, layout.ACTION_SUSUN, c, susun_v2),
        ctx_for(layout.ROLE_KASUBAG, at(days=2, hours=1)),
    )
    do_pembahasan(path, at(days=2, hours=2))
    do_paraf(path, at(days=2, hours=3))
    do_tetapkan(path, at(days=2, hours=4))


def verify_json(path: Path) -> tuple[int, dict]:
    proc = subprocess.run([*CLI, "verify", str(path), "--json"], capture_output=True, text=True, timeout=300)
    return proc.returncode, json.loads(proc.stdout)


# --------------------------------------------------------------------------- refusals
def test_revisi_refused_before_ditetapkan(built_workbook):
    upto(built_workbook, 4)
    message = assert_refused(
        built_workbook, revision.revisi, ctx_for(layout.ROLE_CAMAT, at(days=1), catatan=REASON)
    )
    assert "setelah Rencana Aksi versi 1 ditetapkan" in message and "Langkah 5" in message


def test_revisi_refused_for_a_non_approver(built_workbook):
    ditetapkan(built_workbook)
    for role in (layout.ROLE_SEKRETARIS, layout.ROLE_KASUBAG):
        message = assert_refused(
            built_workbook, revision.revisi, ctx_for(role, at(days=1), catatan=REASON), Refused
        )
        assert f"oleh {layout.ROLE_CAMAT}" in message and role in message


def test_revisi_refused_without_a_reason(built_workbook):
    ditetapkan(built_workbook)
    message = assert_refused(
        built_workbook, revision.revisi, ctx_for(layout.ROLE_CAMAT, at(days=1)), InputError
    )
    assert "Alasan Rencana Aksi Perubahan belum diisi" in message
    assert "'L6 Penetapan'!C6" in message  # the step sheet's Catatan cell to fill


def test_after_ditetapkan_other_actions_point_to_revisi(built_workbook):
    ditetapkan(built_workbook)
    message = assert_refused(
        built_workbook,
        lambda b, c: workflow.perform(b, layout.ACTION_SUSUN, c, lambda *a: None),
        ctx_for(layout.ROLE_KASUBAG, at(days=1)),
    )
    assert layout.REVISI_CAPTION in message and "'revisi'" in message


# --------------------------------------------------------------------------- version 2 opened
def test_revisi_opens_version_2_at_the_data_step(built_workbook):
    path = built_workbook
    ditetapkan(path)
    old_log = log_rows(path)
    summary = do_revisi(path)
    assert "versi 2" in summary

    log = log_rows(path)
    assert log[: len(old_log)] == old_log  # the old version's records are untouched
    new = log[-1]
    assert (new["Aksi"], new["Langkah"], new["Peran"], new["Pengesahan"]) == (
        layout.ACTION_REVISI,
        6,
        layout.ROLE_CAMAT,
        layout.TANDA_TANGAN,
    )
    assert REASON in new["Keterangan"]

    book = book_of(path)
    state = workflow.state_of(book)
    assert state.version == 2 and state.pending == 2 and not state.ditetapkan
    assert tables.named_range(book, "nmVersi").value == 2
    assert tables.named_range(book, "nmStatusDokumen").value == layout.STATUS_DRAF
    status = [r["Status"] for r in progress(path)]
    assert status[0] == "Selesai" and status[1].startswith("Menunggu") and "Selesai" not in status[1:]

    # The plan sheets are editable again; the step sheets stay protected.
    wb = openpyxl.load_workbook(path, keep_vba=True)
    try:
        for name in layout.UNLOCKED_BY_REVISI:
            assert not wb[name].protection.sheet, name
        assert wb[layout.STEP_SHEETS[6]].protection.sheet
    finally:
        wb.close()

    code, verdict = verify_json(path)
    assert code == 0 and verdict["ok"]
    assert [r["versi"] for r in verdict["records"]] == [1] * 6 + [2]
    assert all(r["valid"] for r in verdict["records"])
    assert verdict["versi"] == 2
    assert [(v["versi"], v["ditetapkan"]) for v in verdict["versions"]] == [(1, True), (2, False)]

    # A second revisi before version 2 is signed is refused.
    assert_refused(path, revision.revisi, ctx_for(layout.ROLE_CAMAT, at(days=1, hours=1), catatan=REASON))


def test_a_changed_version_1_record_is_still_caught(built_workbook):
    path = built_workbook
    ditetapkan(path)
    do_revisi(path)

    def forge(book):  # the Sekretaris's paraf of version 1 gets another note
        data = tables.read_table(book, layout.TBL_LOG)
        book.sheets[layout.SHEET_LOG][data.address(4, "Keterangan")].value = "Diperiksa sekilas"

    headless.run_on_file(path, forge)
    code, verdict = verify_json(path)
    assert code == 1 and not verdict["ok"]
    broken = [r for r in verdict["records"] if not r["valid"]]
    assert [(r["versi"], r["step"]) for r in broken] == [(1, 5)]
    text = subprocess.run([*CLI, "verify", str(path)], capture_output=True, text=True, timeout=300).stdout
    assert "Versi 1: 6 catatan, TIDAK UTUH" in text


def test_a_tampered_snapshot_is_caught(built_workbook):
    path = built_workbook
    ditetapkan(path)
    do_revisi(path)
    assert verify_book(book_of(path)).ok

    def tamper(book):  # make version 1 look smaller than it was signed
        data = tables.read_table(book, layout.TBL_RENCANA_LALU)
        book.sheets[layout.SHEET_VERSI][data.address(0, layout.H_PAGU)].value = 100_000_000

    headless.run_on_file(path, tamper)
    verdict = verify_book(book_of(path))
    assert not verdict.ok
    assert any("versi 1" in p and layout.TBL_RENCANA_LALU in p for p in verdict.snapshot_problems)
    code, data = verify_json(path)
    assert code == 1 and data["snapshot_problems"]


def test_revisi_after_the_approved_plan_was_edited_keeps_the_signed_plan(built_workbook):
    """verify advises revisi on a changed approved plan; revisi then works and compares with
    the plan as signed, not with the edit."""
    path = built_workbook
    ditetapkan(path)

    def edit(book):
        plan = tables.read_table(book, layout.TBL_RENCANA)
        book.sheets[layout.SHEET_RENCANA][plan.address(0, layout.H_PAGU)].value = PAGU_V2

    headless.run_on_file(path, edit)
    proc = subprocess.run([*CLI, "verify", str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert f"renaksi-xl run {layout.ACTION_REVISI}" in proc.stdout and layout.REVISI_CAPTION in proc.stdout
    assert "Ulangi pemeriksaan" not in proc.stdout  # the advice that would be refused

    do_revisi(path)
    book = book_of(path)
    snapshot = tables.read_table(book, layout.TBL_RENCANA_LALU)
    assert snapshot.rows[0][snapshot.col(layout.H_PAGU)] == PAGU_V1
    assert verify_book(book).ok


# --------------------------------------------------------------------------- the whole round
def test_full_flow_to_a_second_penetapan_pdf_and_diff(built_workbook, tmp_path):
    path = built_workbook
    ditetapkan(path)
    v1 = tmp_path / "versi-1.xlsm"
    shutil.copyfile(path, v1)
    do_revisi(path)
    version_2_signed(path)

    book = book_of(path)
    state = workflow.state_of(book)
    assert state.ditetapkan and state.version == 2
    assert tables.named_range(book, "nmStatusDokumen").value == layout.STATUS_DITETAPKAN
    verdict = verify_book(book)
    assert verdict.ok and not verdict.snapshot_problems
    assert [r.versi for r in verdict.records] == [1] * 6 + [2] * 6
    assert [r.action for r in verdict.records if r.versi == 2] == [
        layout.ACTION_REVISI,
        layout.ACTION_TARIK_DPA,
        layout.ACTION_SUSUN,
        layout.ACTION_PEMBAHASAN,
        layout.ACTION_PARAF_PEMERIKSAAN,
        layout.ACTION_TETAPKAN,
    ]
    text = subprocess.run([*CLI, "verify", str(path)], capture_output=True, text=True, timeout=300)
    assert text.returncode == 0
    assert "Versi 1: 6 catatan, utuh, ditetapkan" in text.stdout
    assert "Versi 2 (Rencana Aksi Perubahan): 6 catatan, utuh, ditetapkan" in text.stdout

    # The version-1 file still verifies on its own.
    assert verify_book(book_of(v1)).ok

    # The Pemda rekap reads the version from Beranda (nmVersi): 1 for the old file, 2 for the new.
    folder = tmp_path / "rekap"
    folder.mkdir()
    shutil.copyfile(v1, folder / "a-versi-1.xlsm")
    shutil.copyfile(path, folder / "b-versi-2.xlsm")
    proc = subprocess.run(
        [*CLI, "rekap", str(folder), "--out", str(tmp_path / "rekap.xlsx"), "--json", "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    # one line per unit: the version-2 file; the version-1 copy is listed as skipped, with why
    assert [(u["versi"], u["ditetapkan"], u["keaslian_utuh"]) for u in result["units"]] == [(2, True, True)]
    assert result["units"][0]["file"].endswith("b-versi-2.xlsm")
    (skipped,) = result["dilewati"]
    assert skipped["file"].endswith("a-versi-1.xlsm")
    assert "salinan lebih awal (versi 1" in skipped["alasan"] and "b-versi-2.xlsm" in skipped["alasan"]

    # diff names the version change and the records added.
    proc = subprocess.run(
        [*CLI, "diff", str(v1), str(path), "--json"], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["versi"] == {"old": 1, "new": 2}
    assert [(r["action"], r["versi"]) for r in d["new_records"]] == [
        (layout.ACTION_REVISI, 2),
        (layout.ACTION_TARIK_DPA, 2),
        (layout.ACTION_SUSUN, 2),
        (layout.ACTION_PEMBAHASAN, 2),
        (layout.ACTION_PARAF_PEMERIKSAAN, 2),
        (layout.ACTION_TETAPKAN, 2),
    ]
    proc = subprocess.run([*CLI, "diff", str(v1), str(path)], capture_output=True, text=True, timeout=300)
    assert "versi 1 -> versi 2 (Rencana Aksi Perubahan, alasan: DPPA 2025 (APBD Perubahan))" in proc.stdout
    assert "revisi oleh" in proc.stdout

    # The PDF of the revised plan names the changes, with the values before and after.
    pdf = tmp_path / "perubahan.pdf"
    proc = subprocess.run(
        [*CLI, "pdf", str(path), "--out", str(pdf)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    lines = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "RENCANA AKSI PERUBAHAN (VERSI 2)" in lines
    assert "PERUBAHAN DARI RENCANA AKSI VERSI 1" in lines
    assert "terverifikasi" in lines
    pagu = [line for line in lines.splitlines() if "Pagu (Rp)" in line and "7.01.01.2.01.0001" in line]
    assert len(pagu) == 1 and pagu[0].split()[-2:] == ["120.000.000", "150.000.000"], pagu
    target = [line for line in lines.splitlines() if "Target Tahunan" in line and "0001" in line]
    assert len(target) == 1 and target[0].split()[-2:] == [str(TARGET_V1), str(TARGET_V2)], target
    assert "Jumlah pagu: versi 1 Rp 240.000.000; versi 2 Rp 270.000.000." in lines
    # The second sub kegiatan did not change: it is not listed.
    assert not [line for line in lines.splitlines() if "7.01.01.2.01.0002" in line and "Pagu" in line]


def test_the_version_1_pdf_has_no_change_list(built_workbook, tmp_path):
    ditetapkan(built_workbook)
    pdf = tmp_path / "v1.pdf"
    subprocess.run(
        [*CLI, "pdf", str(built_workbook), "--out", str(pdf)], check=True, capture_output=True, timeout=300
    )
    lines = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "PERUBAHAN DARI" not in lines and "RENCANA AKSI PERUBAHAN" not in lines


def test_cli_run_revisi(built_workbook):
    ditetapkan(built_workbook)
    before = sha(built_workbook)
    base = [*CLI, "run", "revisi", str(built_workbook), "--pejabat", NIP[layout.ROLE_CAMAT]]
    proc = subprocess.run([*base, "--waktu", "2025-01-07T09:00"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "Alasan Rencana Aksi Perubahan belum diisi" in proc.stderr
    assert sha(built_workbook) == before
    proc = subprocess.run(
        [*base, "--waktu", "2025-01-07T09:00", "--catatan", "DPPA 2025"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Rencana Aksi Perubahan (versi 2) dibuka" in proc.stdout


# --------------------------------------------------------------------------- server
def test_server_refuses_revisi_for_a_token_of_another_role(built_workbook):
    ditetapkan(built_workbook)

    def reason(book):  # in server mode the reason comes from the step sheet's Catatan cell
        book.names[f"{layout.INPUT_CATATAN}6"].refers_to_range.value = REASON

    headless.run_on_file(built_workbook, reason)
    tokens = {"t-kasubag-revisi-71": layout.ROLE_KASUBAG, "t-camat-revisi-93": layout.ROLE_CAMAT}
    config = server.ServerConfig(
        tokens={server.hash_token(t): server.Identity(NIP[role], role) for t, role in tokens.items()}
    )
    with server.running_server(server.create_app(config)) as url:
        payload = headless.payload_from_file(built_workbook)

        def post(token):
            r = httpx.post(
                f"{url}/aksi/{layout.ACTION_REVISI}",
                json=payload,
                headers={"Authorization": f"Bearer {token}"},
                timeout=120,
            )
            return r.json()

        answer = post("t-kasubag-revisi-71")
        assert answer["status"] == "ditolak", answer
        assert layout.ROLE_CAMAT in answer["message"] and layout.ROLE_KASUBAG in answer["message"]
        assert not any(a["func"] == "setValues" for a in answer["actions"])
        answer = post("t-camat-revisi-93")
        assert answer["status"] == "selesai", answer
        assert any(
            a["func"] == "runMacro" and layout.MACRO_BUKA_RENCANA in str(a["args"]) for a in answer["actions"]
        )


def test_a_workbook_without_the_versi_sheet_is_refused_clearly(built_workbook):
    ditetapkan(built_workbook)
    wb = openpyxl.load_workbook(built_workbook, keep_vba=True)
    del wb[layout.SHEET_VERSI]
    wb.save(built_workbook)
    wb.close()
    message = assert_refused(
        built_workbook, revision.revisi, ctx_for(layout.ROLE_CAMAT, at(days=1), catatan=REASON)
    )
    assert layout.SHEET_VERSI in message and "renaksi-xl build" in message


def test_revisi_follows_the_workbooks_own_sop(tmp_path, capsys):
    """A dinas SOP (seven steps, a Kepala Bidang paraf at step 6, penetapan at step 7): only the
    Kepala Dinas may open the revision, and version 2 waits at that SOP's data step."""
    from test_sop_dinas import DPA_CSV, KABID, KADIS, KANTOR, KASUBBAG, SEKDIS, SOP_FILE, run

    book, dpa = tmp_path / "Diskominfo.xlsm", tmp_path / "dpa.csv"
    dpa.write_text(DPA_CSV, encoding="utf-8")
    assert run("build", "--sop", SOP_FILE, "--out", book) == 0
    assert run("pengaturan", book, "--dari", KANTOR) == 0
    steps = [
        ("catat-disposisi", KADIS, "--catatan", "Susun Rencana Aksi 2025"),
        ("tarik-dpa", KASUBBAG, "--dpa", dpa),
        ("susun", KASUBBAG),
        ("catat-pembahasan", SEKDIS, "--peserta", "Sekretaris Dinas", "--keputusan", "Diteruskan"),
        ("paraf-pemeriksaan", SEKDIS),
        ("paraf", KABID),
        ("tetapkan", KADIS),
    ]
    for hour, (action, nip, *extra) in enumerate(steps, start=8):
        assert run("run", action, book, "--pejabat", nip, "--waktu", f"2025-01-08T{hour:02d}:00", *extra) == 0
    before = sha(book)
    assert (
        run("run", "revisi", book, "--pejabat", KABID, "--waktu", "2025-09-15T09:00", "--catatan", "DPPA")
        == 1
    )
    assert "Kepala Dinas" in capsys.readouterr().err and sha(book) == before
    assert (
        run("run", "revisi", book, "--pejabat", KADIS, "--waktu", "2025-09-15T09:00", "--catatan", "DPPA")
        == 0
    )
    b = book_of(book)
    state = workflow.state_of(b)
    assert state.version == 2 and state.pending == 2 and not state.ditetapkan
    assert (
        tables.read_table(b, layout.step_table(7))
        .records()[-1]["Catatan"]
        .startswith("Rencana Aksi Perubahan")
    )
    verdict = verify_book(b)
    assert verdict.ok and [r.versi for r in verdict.records] == [1] * 7 + [2]
