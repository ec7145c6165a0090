"""The SOP transitions on the real built workbook through the headless engine.

Every action of the issue's table, allowed and refused (wrong role, wrong order,
validation errors, changed content); refusals leave the file byte-identical.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from renaksi_xl import headless, layout, tables, workflow
from renaksi_xl.context import WIB, ActionContext
from renaksi_xl.errors import InputError, Refused
from renaksi_xl.integrity import verify_book

NIP_CAMAT = "198303302001121003"
NIP_SEKRETARIS = "197805122005011004"
NIP_KASUBAG = "198511202010012015"
NIP = {layout.ROLE_CAMAT: NIP_CAMAT, layout.ROLE_SEKRETARIS: NIP_SEKRETARIS, layout.ROLE_KASUBAG: NIP_KASUBAG}
NAMES = {
    layout.ROLE_CAMAT: "Andhika Nugraha",
    layout.ROLE_SEKRETARIS: "Siti Rahmawati",
    layout.ROLE_KASUBAG: "Budi Santoso",
}

# Monday 6 January 2025 and the following working days.
MON = dt.datetime(2025, 1, 6, 9, 0, tzinfo=WIB)


def at(days=0, hours=0, minutes=0):
    return MON + dt.timedelta(days=days, hours=hours, minutes=minutes)


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------- a plain valid plan
MONTHLY = [10_000_000] * 12
PAGU = sum(MONTHLY)


def dpa_rows():
    rows = []
    for i, (sub, ind, sat, target) in enumerate(
        (
            ("Penyelenggaraan Rapat Koordinasi", "Jumlah rapat koordinasi", "Kegiatan", 12),
            ("Pelayanan Administrasi Kecamatan", "Jumlah dokumen pelayanan", "Dokumen", 400),
        ),
        start=1,
    ):
        rows.append(
            [
                f"7.01.01.2.01.000{i}",
                sub,
                "7.01.01.2.01",
                "Perencanaan Kecamatan",
                "7.01.01",
                "Program Penunjang Urusan Pemerintahan",
                ind,
                target,
                sat,
                "PAD",
                "Kecamatan Neglasari",
                PAGU,
                *MONTHLY,
            ]
        )
    return rows


def rencana_rows():
    rows = []
    for r in dpa_rows():
        target = r[7]
        q = [target // 4 * k for k in (1, 2, 3)] + [target]
        keu = [sum(MONTHLY[: 3 * k]) for k in (1, 2, 3, 4)]
        rows.append(
            [
                r[0],
                r[1],
                r[6],
                r[8],
                target,
                "Kumulatif",
                *q,
                25,
                50,
                75,
                100,
                PAGU,
                *keu,
                layout.ROLE_KASUBAG,
                "",
            ]
        )
    return rows


def kinerja_rows():
    return [
        [
            "Meningkatnya kualitas perencanaan",
            "Persentase dokumen perencanaan tepat waktu",
            "Persen",
            100,
            "Kumulatif",
            25,
            50,
            75,
            100,
            layout.ROLE_SEKRETARIS,
        ]
    ]


def setup_officials(path: Path, *, nip_pengguna: str = "") -> None:
    def edit(book):
        tables.write_table(book, layout.TBL_PEJABAT, [[r, NAMES[r], NIP[r]] for r in layout.ROLES])
        if nip_pengguna:
            tables.write_setting(book, layout.SET_PEJABAT_AKTIF, nip_pengguna)

    headless.run_on_file(path, edit)


def ctx_for(role: str, when: dt.datetime, **kw) -> ActionContext:
    return ActionContext(nip=NIP[role], now=when, **kw)


def tarik_dpa_body(book, ctx):
    tables.write_table(book, layout.TBL_DPA, dpa_rows())
    return "2 sub kegiatan dari DPA contoh"


def susun_body(book, ctx):
    tables.write_table(book, layout.TBL_RENCANA, rencana_rows())
    tables.write_table(book, layout.TBL_KINERJA, kinerja_rows())
    return "Draft Rencana Aksi: 2 sub kegiatan"


def act(path: Path, fn, ctx: ActionContext):
    value, result = headless.run_on_file(path, lambda b: fn(b, ctx))
    return value


def do_disposisi(path, when=None, **kw):
    return act(
        path,
        workflow.catat_disposisi,
        ctx_for(
            layout.ROLE_CAMAT,
            when or at(),
            catatan=kw.pop("catatan", "Susun Rencana Aksi 2025"),
            fields=kw.pop("fields", {"batas": "2025-01-10"}),
            **kw,
        ),
    )


def do_tarik(path, when=None):
    return act(
        path,
        lambda b, c: workflow.perform(b, layout.ACTION_TARIK_DPA, c, tarik_dpa_body),
        ctx_for(layout.ROLE_KASUBAG, when or at(hours=1)),
    )


def do_susun(path, when=None, body=susun_body):
    return act(
        path,
        lambda b, c: workflow.perform(b, layout.ACTION_SUSUN, c, body),
        ctx_for(layout.ROLE_KASUBAG, when or at(hours=2)),
    )


def do_pembahasan(path, when=None):
    return act(
        path,
        workflow.catat_pembahasan,
        ctx_for(
            layout.ROLE_SEKRETARIS,
            when or at(hours=3),
            catatan="Target TW disesuaikan",
            fields={"peserta": "Sekretaris Camat, Kasubag Perencanaan", "keputusan": "Draft disetujui"},
        ),
    )


def upto(path, step: int) -> None:
    """Run steps 1..step (step <= 4) with the valid plan."""
    setup_officials(path)
    for n, fn in enumerate((do_disposisi, do_tarik, do_susun, do_pembahasan), start=1):
        if n <= step:
            fn(path)


def book_of(path):
    return headless.open_book(path)


def log_rows(path):
    return tables.read_table(book_of(path), layout.TBL_LOG).records()


def progress(path):
    return tables.read_table(book_of(path), layout.TBL_PROGRES).records()


def assert_refused(path, fn, ctx, exc=Refused, *needles):
    before = sha(path)
    with pytest.raises(exc) as info:
        act(path, fn, ctx)
    assert sha(path) == before, "a refused action must leave the workbook byte-identical"
    for n in needles:
        assert n in info.value.message, info.value.message
    return info.value.message


# --------------------------------------------------------------------------- allowed
def test_steps_1_to_4_record_paraf_log_progress(built_workbook):
    path = built_workbook
    setup_officials(path)
    s1 = do_disposisi(path, at())
    assert "Langkah 1" in s1 and "tanda tangan" in s1
    do_tarik(path, at(days=2))  # Wednesday 09:00: 2 hari of working time
    do_susun(path, at(days=4))  # Friday 09:00: 2 hari against 1 hari
    do_pembahasan(path, at(days=4, hours=3))

    log = log_rows(path)
    assert [r["Aksi"] for r in log] == [
        layout.ACTION_DISPOSISI,
        layout.ACTION_TARIK_DPA,
        layout.ACTION_SUSUN,
        layout.ACTION_PEMBAHASAN,
    ]
    assert [r["No"] for r in log] == [1, 2, 3, 4]
    assert [r["Pengesahan"] for r in log] == [layout.TANDA_TANGAN, layout.PARAF, layout.PARAF, layout.PARAF]
    assert log[0]["NIP"] == NIP_CAMAT and log[0]["Nama"] == NAMES[layout.ROLE_CAMAT]
    assert log[0]["Waktu"] == "2025-01-06 09:00 WIB"
    assert "Susun Rencana Aksi 2025" in log[0]["Keterangan"] and "10 Januari 2025" in log[0]["Keterangan"]
    assert "Kepada: Kasubag Perencanaan dan Keuangan" in log[0]["Keterangan"]
    assert "Keputusan: Draft disetujui" in log[3]["Keterangan"]
    assert all(len(r["Sidik Rantai"]) == 64 for r in log)

    book = book_of(path)
    l2 = tables.read_table(book, layout.step_table(2)).records()
    assert len(l2) == 1
    assert l2[0]["Mulai"] == "2025-01-06 09:00 WIB" and l2[0]["Selesai"] == "2025-01-08 09:00 WIB"
    assert (l2[0]["Waktu Kerja"], l2[0]["Waktu Baku"], l2[0]["Ketepatan"]) == (
        "2 hari",
        "2 hari",
        "Tepat waktu",
    )
    l3 = tables.read_table(book, layout.step_table(3)).records()
    assert (l3[0]["Waktu Kerja"], l3[0]["Ketepatan"]) == ("2 hari", "Terlambat 1 hari")
    l1 = tables.read_table(book, layout.step_table(1)).records()
    assert (l1[0]["Waktu Kerja"], l1[0]["Ketepatan"], l1[0]["Pengesahan"]) == (
        "0 menit",
        "Tepat waktu",
        layout.TANDA_TANGAN,
    )

    prog = progress(path)
    assert [p["Status"] for p in prog[:4]] == ["Selesai"] * 4
    assert prog[2]["Ketepatan"] == "Terlambat 1 hari"
    assert prog[4]["Status"] == f"Menunggu {layout.ROLE_SEKRETARIS} ({NAMES[layout.ROLE_SEKRETARIS]})"
    assert prog[5]["Status"] == "Belum dimulai"
    assert tables.named_range(book, "nmTahap").value.startswith("Langkah 4 selesai; berikutnya Langkah 5")
    assert tables.named_range(book, "nmStatusDokumen").value == layout.STATUS_DRAF
    assert verify_book(book).ok


def test_pending_step_shows_late_when_waiting_past_standard(built_workbook):
    path = built_workbook
    setup_officials(path)
    do_disposisi(path, at())
    do_tarik(path, at(days=7))  # a week later (Mon 13 Jan): step 2 late by 3 hari
    prog = progress(path)
    assert prog[1]["Ketepatan"] == "Terlambat 3 hari"
    # record_run updates no progress; a later record computes the waiting step 3 at its own time


def test_nip_from_settings_when_ctx_has_none(built_workbook):
    path = built_workbook
    setup_officials(path, nip_pengguna=NIP_CAMAT)
    act(path, workflow.catat_disposisi, ActionContext(now=at(), catatan="Mulai susun"))
    assert log_rows(path)[0]["NIP"] == NIP_CAMAT


def test_disposisi_inputs_from_named_cells(built_workbook):
    path = built_workbook
    setup_officials(path)

    def fill(book):
        book.names["inDisposisiIsi"].refers_to_range.value = "Segera susun draft"
        book.names["inDisposisiKepada"].refers_to_range.value = "Kasubag Program"
        book.names["inDisposisiBatas"].refers_to_range.value = "2025-01-09"  # becomes a date

    headless.run_on_file(path, fill)
    act(path, workflow.catat_disposisi, ActionContext(nip=NIP_CAMAT, now=at()))
    note = log_rows(path)[0]["Keterangan"]
    assert "Segera susun draft" in note and "Kasubag Program" in note and "9 Januari 2025" in note


def test_server_identity_is_noted(built_workbook):
    path = built_workbook
    setup_officials(path)
    act(
        path,
        workflow.catat_disposisi,
        ActionContext(
            nip=NIP_CAMAT, now=at(), catatan="x", identity_from_server=True, role=layout.ROLE_CAMAT
        ),
    )
    assert "diautentikasi server" in log_rows(path)[0]["Keterangan"]


def test_kembalikan_at_step_4_and_5_loops_back_to_3(built_workbook):
    path = built_workbook
    upto(path, 3)
    # step 4 pending: the Sekretaris returns the draft
    act(
        path, workflow.kembalikan, ctx_for(layout.ROLE_SEKRETARIS, at(hours=4), catatan="Target TW II kurang")
    )
    prog = progress(path)
    assert [p["Status"] for p in prog[:2]] == ["Selesai", "Selesai"]
    assert prog[2]["Status"].startswith(f"Menunggu {layout.ROLE_KASUBAG}")
    assert prog[3]["Status"] == "Belum dimulai"
    assert tables.named_range(book_of(path), "nmTahap").value.startswith(
        "Dikembalikan ke Langkah 3 dari Langkah 4"
    )
    l4 = tables.read_table(book_of(path), layout.step_table(4)).records()
    assert l4[0]["Catatan"].startswith("Dikembalikan ke Langkah 3 dari Langkah 4: Target TW II kurang")
    # steps 3+ are redone in order: pembahasan now is out of order
    assert_refused(
        path,
        workflow.catat_pembahasan,
        ctx_for(layout.ROLE_SEKRETARIS, at(hours=5)),
        Refused,
        "Langkah 3",
        "belum selesai",
    )
    do_susun(path, at(hours=5))
    do_pembahasan(path, at(hours=6))
    # step 5 pending: return again
    act(
        path,
        workflow.kembalikan,
        ctx_for(layout.ROLE_SEKRETARIS, at(hours=6, minutes=30), catatan="Cek pagu"),
    )
    log = log_rows(path)
    assert [r["Aksi"] for r in log] == [
        "catat-disposisi",
        "tarik-dpa",
        "susun",
        "kembalikan",
        "susun",
        "catat-pembahasan",
        "kembalikan",
    ]
    assert log[6]["Langkah"] == 5
    assert verify_book(book_of(path)).ok
    do_susun(path, at(days=1))
    assert len(tables.read_table(book_of(path), layout.step_table(3)).rows) == 3


def test_record_run_logs_without_paraf(built_workbook):
    path = built_workbook
    upto(path, 1)
    out = act(
        path,
        lambda b, c: workflow.record_run(b, layout.ACTION_VALIDASI, c, "0 galat, 1 peringatan"),
        ActionContext(nip=NIP_KASUBAG, now=at(minutes=5)),
    )
    assert "validasi" in out
    log = log_rows(path)
    assert log[1]["Aksi"] == "validasi" and log[1]["Pengesahan"] in (None, "")
    assert log[1]["Nama"] == NAMES[layout.ROLE_KASUBAG] and log[1]["Keterangan"] == "0 galat, 1 peringatan"
    assert log[1]["Langkah"] == 2 and log[1]["Sidik Isi"].startswith("tblDPA:")
    do_tarik(path, at(hours=1))
    assert [r["No"] for r in log_rows(path)] == [1, 2, 3]
    assert verify_book(book_of(path)).ok


def test_periksa_keaslian_writes_beranda_without_record(built_workbook):
    path = built_workbook
    upto(path, 2)
    log_before = log_rows(path)
    text = act(path, workflow.periksa_keaslian, ActionContext(now=at(hours=2)))
    assert text.startswith("Utuh")
    # the cell holds the summary; the answer adds one line per record
    summary, *per_step = text.splitlines()
    assert tables.named_range(book_of(path), "nmKeaslian").value == summary
    assert [line.split(" (")[0] for line in per_step] == ["Langkah 1", "Langkah 2"]
    assert log_rows(path) == log_before


# --------------------------------------------------------------------------- refused
def test_wrong_order_is_refused(built_workbook):
    path = built_workbook
    setup_officials(path)
    msg = assert_refused(
        path,
        lambda b, c: workflow.perform(b, layout.ACTION_TARIK_DPA, c, tarik_dpa_body),
        ctx_for(layout.ROLE_KASUBAG, at()),
        Refused,
        "Langkah 2",
        "Langkah 1",
    )
    assert f"menunggu {layout.ROLE_CAMAT} ({NAMES[layout.ROLE_CAMAT]})" in msg
    for fn, role in (
        (workflow.catat_pembahasan, layout.ROLE_SEKRETARIS),
        (workflow.tetapkan, layout.ROLE_CAMAT),
    ):
        assert_refused(path, fn, ctx_for(role, at()), Refused, "belum bisa dikerjakan")


def test_repeating_a_done_step_is_refused(built_workbook):
    path = built_workbook
    upto(path, 2)
    assert_refused(
        path,
        workflow.catat_disposisi,
        ctx_for(layout.ROLE_CAMAT, at(hours=3), catatan="lagi"),
        Refused,
        "Langkah 1",
        "sudah selesai",
        "Langkah 3",
    )


@pytest.mark.parametrize(
    "step, fn, wrong",
    [
        (1, workflow.catat_disposisi, layout.ROLE_KASUBAG),
        (2, lambda b, c: workflow.perform(b, layout.ACTION_TARIK_DPA, c, tarik_dpa_body), layout.ROLE_CAMAT),
        (3, lambda b, c: workflow.perform(b, layout.ACTION_SUSUN, c, susun_body), layout.ROLE_SEKRETARIS),
        (4, workflow.catat_pembahasan, layout.ROLE_KASUBAG),
    ],
)
def test_wrong_role_is_refused(built_workbook, step, fn, wrong):
    path = built_workbook
    upto(path, step - 1)
    ctx = ctx_for(wrong, at(hours=5), catatan="x", fields={"peserta": "a", "keputusan": "b"})
    msg = assert_refused(path, fn, ctx, Refused, f"Langkah {step}", f"terdaftar sebagai {wrong}")
    assert NIP[workflow.sop.step(step).role] in msg


def test_unknown_nip_and_server_role_mismatch_are_refused(built_workbook):
    path = built_workbook
    setup_officials(path)
    assert_refused(
        path,
        workflow.catat_disposisi,
        ActionContext(nip="199001012020011001", now=at(), catatan="x"),
        Refused,
        "tidak terdaftar",
    )
    assert_refused(
        path,
        workflow.catat_disposisi,
        ActionContext(
            nip=NIP_CAMAT, now=at(), catatan="x", role=layout.ROLE_KASUBAG, identity_from_server=True
        ),
        Refused,
        "dari server",
    )


def test_missing_identity_and_unfilled_officials_are_input_errors(built_workbook):
    path = built_workbook
    assert_refused(
        path,
        workflow.catat_disposisi,
        ActionContext(nip=NIP_CAMAT, now=at(), catatan="x"),
        InputError,
        "belum diisi NIP",
    )
    setup_officials(path)
    assert_refused(
        path,
        workflow.catat_disposisi,
        ActionContext(now=at(), catatan="x"),
        InputError,
        layout.SET_PEJABAT_AKTIF,
    )


def test_missing_inputs_and_bad_dates_change_nothing(built_workbook):
    path = built_workbook
    setup_officials(path)
    assert_refused(
        path,
        workflow.catat_disposisi,
        ActionContext(nip=NIP_CAMAT, now=at()),
        InputError,
        "Isi disposisi",
        "'L1 Disposisi'!C6",
    )
    assert_refused(
        path,
        workflow.catat_disposisi,
        ActionContext(nip=NIP_CAMAT, now=at(), catatan="x", fields={"batas": "besok"}),
        InputError,
        "besok",
    )
    do_disposisi(path, at())
    assert_refused(
        path,
        lambda b, c: workflow.perform(b, layout.ACTION_TARIK_DPA, c, tarik_dpa_body),
        ctx_for(layout.ROLE_KASUBAG, at(minutes=-5)),
        InputError,
        "lebih awal",
    )

    def bad_body(book, ctx):
        tables.write_table(book, layout.TBL_DPA, dpa_rows())
        raise InputError("Berkas DPA rusak")

    assert_refused(
        path,
        lambda b, c: workflow.perform(b, layout.ACTION_TARIK_DPA, c, bad_body),
        ctx_for(layout.ROLE_KASUBAG, at(hours=1)),
        InputError,
        "Berkas DPA rusak",
    )


def test_kembalikan_refused_outside_steps_4_to_6_and_without_reason(built_workbook):
    path = built_workbook
    upto(path, 2)
    assert_refused(
        path,
        workflow.kembalikan,
        ctx_for(layout.ROLE_KASUBAG, at(hours=3), catatan="x"),
        Refused,
        "Langkah 4 sampai 6",
        "Langkah 3",
    )
    do_susun(path)
    assert_refused(
        path,
        workflow.kembalikan,
        ctx_for(layout.ROLE_SEKRETARIS, at(hours=4)),
        InputError,
        "Alasan pengembalian",
        "'L4 Pembahasan'!C10",
    )
    # only the step's role may return it
    assert_refused(
        path,
        workflow.kembalikan,
        ctx_for(layout.ROLE_KASUBAG, at(hours=4), catatan="x"),
        Refused,
        "Langkah 4",
        layout.ROLE_SEKRETARIS,
    )


def test_step_roles_configurable_in_pengaturan(built_workbook):
    path = built_workbook
    setup_officials(path)

    def reassign(book):
        data = tables.read_table(book, layout.TBL_PERAN_LANGKAH)
        rows = [list(r) for r in data.rows]
        rows[0][data.col("Peran")] = layout.ROLE_SEKRETARIS
        tables.write_table(book, layout.TBL_PERAN_LANGKAH, rows, columns=data.header)

    headless.run_on_file(path, reassign)
    assert_refused(
        path,
        workflow.catat_disposisi,
        ctx_for(layout.ROLE_CAMAT, at(), catatan="x"),
        Refused,
        layout.ROLE_SEKRETARIS,
    )
    act(path, workflow.catat_disposisi, ctx_for(layout.ROLE_SEKRETARIS, at(), catatan="x"))
    assert log_rows(path)[0]["Peran"] == layout.ROLE_SEKRETARIS


# --------------------------------------------------------------------------- steps 5 and 6 (real validators)
def do_paraf(path, when=None):
    return act(path, workflow.paraf_pemeriksaan, ctx_for(layout.ROLE_SEKRETARIS, when or at(hours=4)))


def do_tetapkan(path, when=None):
    return act(path, workflow.tetapkan, ctx_for(layout.ROLE_CAMAT, when or at(hours=4, minutes=5)))


def set_cell(path, sheet, address, value):
    def edit(book):
        book.sheets[sheet][address].value = value

    headless.run_on_file(path, edit)


FISIK_TW4 = "N5"  # tblRencanaAksi, first data row, "Fisik s.d. TW IV (%)"
KETERANGAN = "U5"  # tblRencanaAksi, first data row, "Keterangan"


def test_cells_used_by_the_tests_are_where_the_layout_says():
    spec = layout.table(layout.TBL_RENCANA)
    assert (
        tables.cell_address(spec.header_row + 1, spec.first_col + spec.col_index("Fisik s.d. TW IV (%)"))
        == FISIK_TW4
    )
    assert (
        tables.cell_address(spec.header_row + 1, spec.first_col + spec.col_index("Keterangan")) == KETERANGAN
    )


def test_full_sop_to_tetapkan_locks_the_plan(built_workbook):
    import openpyxl

    path = built_workbook
    upto(path, 4)
    plan_sheets = (layout.SHEET_DPA, layout.SHEET_RENCANA, layout.SHEET_KINERJA)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert not any(wb[name].protection.sheet for name in plan_sheets)
    s5 = do_paraf(path)
    assert "Langkah 5" in s5 and "paraf" in s5
    assert "Validasi tanpa galat" in log_rows(path)[4]["Keterangan"]
    s6 = do_tetapkan(path)
    assert "tanda tangan" in s6 and "ditetapkan" in s6
    book = book_of(path)
    assert tables.named_range(book, "nmStatusDokumen").value == layout.STATUS_DITETAPKAN
    assert tables.named_range(book, "nmTahap").value == "Langkah 6 selesai: Rencana Aksi ditetapkan"
    assert [p["Status"] for p in progress(path)] == ["Selesai"] * 6
    assert [r["Pengesahan"] for r in log_rows(path)][-1] == layout.TANDA_TANGAN
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for name in workflow.PROTECTED_SHEETS:
        assert wb[name].protection.sheet, name
    assert set(plan_sheets) <= set(workflow.PROTECTED_SHEETS)
    assert verify_book(book).ok
    # nothing more after tetapkan
    for fn, role in (
        (workflow.kembalikan, layout.ROLE_CAMAT),
        (workflow.tetapkan, layout.ROLE_CAMAT),
        (workflow.catat_disposisi, layout.ROLE_CAMAT),
    ):
        assert_refused(path, fn, ctx_for(role, at(days=1), catatan="x"), Refused, "sudah ditetapkan")


def test_paraf_pemeriksaan_refused_while_validation_has_errors(built_workbook):
    path = built_workbook
    upto(path, 4)
    set_cell(path, layout.SHEET_RENCANA, FISIK_TW4, 90)
    assert_refused(
        path,
        workflow.paraf_pemeriksaan,
        ctx_for(layout.ROLE_SEKRETARIS, at(hours=4)),
        Refused,
        "Langkah 5",
        "galat",
        "100",
    )
    set_cell(path, layout.SHEET_RENCANA, FISIK_TW4, 100)
    do_paraf(path)


def test_paraf_pemeriksaan_and_tetapkan_wrong_role(built_workbook):
    path = built_workbook
    upto(path, 4)
    assert_refused(
        path,
        workflow.paraf_pemeriksaan,
        ctx_for(layout.ROLE_KASUBAG, at(hours=4)),
        Refused,
        "Langkah 5",
        layout.ROLE_SEKRETARIS,
        "diparaf",
    )
    do_paraf(path)
    assert_refused(
        path,
        workflow.tetapkan,
        ctx_for(layout.ROLE_SEKRETARIS, at(hours=5)),
        Refused,
        "Langkah 6",
        layout.ROLE_CAMAT,
        "ditandatangani",
    )
    assert_refused(
        path,
        workflow.kembalikan,
        ctx_for(layout.ROLE_SEKRETARIS, at(hours=5), catatan="x"),
        Refused,
        "Langkah 6",
        layout.ROLE_CAMAT,
    )


def test_tetapkan_refused_when_content_changed_since_paraf(built_workbook):
    path = built_workbook
    upto(path, 4)
    do_paraf(path)
    set_cell(path, layout.SHEET_RENCANA, KETERANGAN, "ditambah setelah diperiksa")
    msg = assert_refused(
        path,
        workflow.tetapkan,
        ctx_for(layout.ROLE_CAMAT, at(hours=5)),
        Refused,
        "Langkah 6",
        layout.TBL_RENCANA,
        "sejak paraf pemeriksaan",
    )
    assert layout.TBL_DPA not in msg
    # changing it back restores the checked content: tetapkan is allowed again
    set_cell(path, layout.SHEET_RENCANA, KETERANGAN, None)
    do_tetapkan(path, at(hours=5))


def test_tetapkan_refused_when_a_record_was_tampered(built_workbook):
    path = built_workbook
    upto(path, 4)
    do_paraf(path)

    def forge(book):
        data = tables.read_table(book, layout.TBL_LOG)
        rows = [list(r) for r in data.rows]
        rows[4][data.col("Nama")] = "Pejabat Lain"
        tables.write_table(book, layout.TBL_LOG, rows, columns=data.header)

    headless.run_on_file(path, forge)
    assert_refused(
        path,
        workflow.tetapkan,
        ctx_for(layout.ROLE_CAMAT, at(hours=5)),
        Refused,
        "Langkah 6",
        "Langkah 5",
        "tidak utuh",
    )


def test_kembalikan_at_step_6_by_the_camat_then_redo(built_workbook):
    path = built_workbook
    upto(path, 4)
    do_paraf(path)
    act(path, workflow.kembalikan, ctx_for(layout.ROLE_CAMAT, at(hours=5), catatan="Tambah indikator"))
    log = log_rows(path)
    assert log[-1]["Aksi"] == "kembalikan" and log[-1]["Pengesahan"] == layout.TANDA_TANGAN
    assert [p["Status"] for p in progress(path)][2:] == [
        f"Menunggu {layout.ROLE_KASUBAG} ({NAMES[layout.ROLE_KASUBAG]})",
        "Belum dimulai",
        "Belum dimulai",
        "Belum dimulai",
    ]
    assert_refused(path, workflow.tetapkan, ctx_for(layout.ROLE_CAMAT, at(hours=6)), Refused, "Langkah 3")
    do_susun(path, at(hours=6))
    do_pembahasan(path, at(hours=7))
    do_paraf(path, at(days=1))
    do_tetapkan(path, at(days=1, minutes=5))
    assert tables.named_range(book_of(path), "nmStatusDokumen").value == layout.STATUS_DITETAPKAN
    assert len(tables.read_table(book_of(path), layout.step_table(6)).rows) == 2
    assert verify_book(book_of(path)).ok


def _add_email_column(path: Path, emails: dict[str, str]) -> None:
    """Pengaturan's officials table with an e-mail column (as the SOP data may add it)."""
    import openpyxl
    from openpyxl.worksheet.table import TableColumn

    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[layout.SHEET_PENGATURAN]
    table = ws.tables[layout.TBL_PEJABAT]
    (first, last) = table.ref.split(":")
    col = openpyxl.utils.column_index_from_string("".join(c for c in last if c.isalpha())) + 1
    top = int("".join(c for c in first if c.isdigit()))
    bottom = int("".join(c for c in last if c.isdigit()))
    if ws.cell(top, col - 1).value == "Email":  # workbooks built since issue 11 have the column
        for r in range(top + 1, bottom + 1):
            ws.cell(r, col - 1, emails.get(ws.cell(r, col - 4).value))
        headless.save_atomic(wb, path)
        return
    ws.cell(top, col, "Email")
    for r in range(top + 1, bottom + 1):
        role = ws.cell(r, col - 3).value
        ws.cell(r, col, emails.get(role))
    letter = openpyxl.utils.get_column_letter(col)
    table.ref = f"{first}:{letter}{bottom}"
    table.autoFilter = None
    table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name="Email"))
    headless.save_atomic(wb, path)


def test_email_after_kembalikan_says_it_was_returned_and_why(built_workbook, tmp_path):
    import email
    import email.policy

    from renaksi_xl.review import write_email

    path = built_workbook
    upto(path, 3)
    act(
        path, workflow.kembalikan, ctx_for(layout.ROLE_SEKRETARIS, at(hours=4), catatan="Target TW II kurang")
    )
    out = write_email(path, layout.ROLE_KASUBAG, tmp_path / "kembali.eml")
    msg = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    body = msg.get_body(("plain",)).get_content()
    assert "Dikembalikan ke Langkah 3" in msg["Subject"] and "selesai" not in msg["Subject"]
    assert "Target TW II kurang" in body and layout.ROLE_SEKRETARIS in body
    assert "docs/panduan.md" not in body and "Unblock" in body
    # No e-mail addresses in Pengaturan: the names, for the user to complete.
    assert msg["From"].groups[0].display_name == f"{NAMES[layout.ROLE_SEKRETARIS]} ({layout.ROLE_SEKRETARIS})"
    assert msg["To"].groups[0].display_name == f"{NAMES[layout.ROLE_KASUBAG]} ({layout.ROLE_KASUBAG})"
    # With an e-mail column: real addresses.
    _add_email_column(
        path, {layout.ROLE_SEKRETARIS: "siti@neglasari.go.id", layout.ROLE_KASUBAG: "budi@neglasari.go.id"}
    )
    msg = email.message_from_bytes(
        write_email(path, layout.ROLE_KASUBAG, tmp_path / "k2.eml").read_bytes(), policy=email.policy.default
    )
    assert [a.addr_spec for a in msg["From"].addresses] == ["siti@neglasari.go.id"]
    assert [a.addr_spec for a in msg["To"].addresses] == ["budi@neglasari.go.id"]


def test_kepada_that_is_not_a_role_is_refused_with_the_roles(built_workbook):
    setup_officials(built_workbook)
    before = sha(built_workbook)
    with pytest.raises(InputError) as err:
        do_disposisi(built_workbook, fields={"kepada": "Kasubag", "batas": "2025-01-10"})
    message = err.value.message
    assert "'Kasubag'" in message and "opsi --kepada" in message
    for role in layout.ROLES:
        assert role in message
    assert sha(built_workbook) == before
    # any letter case of a real role is that role
    do_disposisi(built_workbook, fields={"kepada": "kasubag perencanaan dan keuangan"})
    assert "Kepada: Kasubag Perencanaan dan Keuangan" in log_rows(built_workbook)[0]["Keterangan"]


def test_excel_users_are_told_the_cell_not_a_command_line_option(built_workbook):
    upto(built_workbook, 3)
    for from_cli in (False, True):
        ctx = ctx_for(
            layout.ROLE_SEKRETARIS, at(hours=3), catatan="x", fields={"keputusan": "ok"}, from_cli=from_cli
        )
        with pytest.raises(InputError) as err:
            act(built_workbook, workflow.catat_pembahasan, ctx)
        assert "Peserta pembahasan belum diisi: tulis di sel" in err.value.message
        assert ("--peserta" in err.value.message) is from_cli


def test_the_guides_clock_example_friday_1330_to_monday_0900_is_terlambat_3_jam(built_workbook):
    """docs/panduan.md: step 4 done Friday 13:30, paraf of step 5 (30 minutes) Monday 09:00:
    2.5 working hours on Friday and 1 on Monday, so 'Terlambat 3 jam'."""
    path = built_workbook
    setup_officials(path)
    do_disposisi(path, at())
    do_tarik(path, at(hours=1))
    do_susun(path, at(hours=2))
    do_pembahasan(path, at(days=4, hours=4, minutes=30))  # Friday 10 January 13:30
    act(
        path,
        lambda b, c: workflow.record_run(b, layout.ACTION_VALIDASI, c, "0 galat"),
        ctx_for(layout.ROLE_SEKRETARIS, at(days=7, minutes=-5)),  # a validasi run does not restart it
    )
    do_paraf(path, at(days=7))  # Monday 13 January 09:00
    (record,) = tables.read_table(book_of(path), layout.step_table(5)).records()
    assert record["Mulai"] == "2025-01-10 13:30 WIB"
    assert record["Waktu Kerja"] == "3 jam 30 menit"
    assert record["Ketepatan"] == "Terlambat 3 jam"
    guide = (Path(__file__).resolve().parents[1] / "docs" / "panduan.md").read_text(encoding="utf-8")
    assert "Jumat\n13:30" in guide or "Jumat 13:30" in guide
    assert "Terlambat 3 jam" in guide


def test_step_sheets_say_when_their_clock_starts(built_workbook_master):
    import openpyxl

    wb = openpyxl.load_workbook(built_workbook_master)
    for n, name in layout.STEP_SHEETS.items():
        subtitle = wb[name]["A2"].value
        assert "jam kerja" in subtitle, name
        if n > 1:
            assert f"sejak paraf/tanda tangan terakhir: serah terima dari Langkah {n - 1}" in subtitle
