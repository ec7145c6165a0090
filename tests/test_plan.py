"""Susun Draft: quarter arithmetic, defaults, and re-running without losing manual edits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renaksi_xl import headless, layout, tables
from renaksi_xl.context import ActionContext
from renaksi_xl.dpa import SAMPLE_DPA, SAMPLE_PK
from renaksi_xl.dpa.load import impor_kinerja_body, tarik_dpa_body
from renaksi_xl.dpa.samples import expected_records, sample_subs, write_sipd
from renaksi_xl.errors import InputError
from renaksi_xl.plan import (
    MARK_LEFT,
    fisik_schedule,
    keuangan_schedule,
    susun_body,
    target_schedule,
)
from renaksi_xl.tables import cell_address

EXPECTED = expected_records(sample_subs())
SPEC = layout.table(layout.TBL_RENCANA)
KASUBAG = "Rina Marlina, S.E."


# ------------------------------------------------------------------ arithmetic
@given(st.lists(st.integers(min_value=0, max_value=10**10), min_size=12, max_size=12))
def test_keuangan_is_the_cumulative_cash_plan(kas):
    pagu = sum(kas)
    keu = keuangan_schedule(pagu, kas)
    assert keu == [sum(kas[:3]), sum(kas[:6]), sum(kas[:9]), pagu]
    assert keu == sorted(keu)
    fisik = fisik_schedule(keu, pagu)
    assert fisik[-1] == 100 and fisik == sorted(fisik) and all(0 <= f <= 100 for f in fisik)


def test_keuangan_whole_rupiah_half_up_and_even_spread_without_cash_plan():
    assert keuangan_schedule(1000.5, [250.5, 0, 0, 250, 0, 0, 250, 0, 0, 250, 0, 0]) == [251, 501, 751, 1001]
    assert keuangan_schedule(1_000_002, [0] * 12) == [250_001, 500_001, 750_002, 1_000_002]
    assert fisik_schedule([250_001, 500_001, 750_002, 1_000_002], 1_000_002) == [25, 50, 75, 100]
    assert fisik_schedule([0, 0, 0, 0], 0) == [25, 50, 75, 100]


@pytest.mark.parametrize(
    "annual, sifat, satuan, fractions, expected",
    [
        (
            3,
            "Kumulatif",
            "Dokumen",
            (0.25, 0.5, 0.75, 1),
            [1, 2, 2, 3],
        ),  # 0,75 -> 1; 2,25 -> 2: whole numbers
        (12, "Kumulatif", "Laporan", (0.21, 0.57, 0.79, 1), [3, 7, 9, 12]),
        (100, "Kumulatif", "%", (0.21, 0.57, 0.79, 1), [21, 57, 79, 100]),
        (82.5, "Kumulatif", "Indeks", (0.25, 0.5, 0.75, 1), [20.63, 41.25, 61.88, 82.5]),
        (52, "Tetap", "Orang/bulan", (0.25, 0.5, 0.75, 1), [52, 52, 52, 52]),
        (1, "Akhir Tahun", "Laporan", (0.25, 0.5, 0.75, 1), [0, 0, 0, 1]),
        (None, "Kumulatif", "Dokumen", (0.25, 0.5, 0.75, 1), [None] * 4),
    ],
)
def test_target_schedule_by_sifat(annual, sifat, satuan, fractions, expected):
    assert target_schedule(annual, sifat, satuan, fractions) == expected


@given(
    st.integers(min_value=1, max_value=10_000),
    st.lists(st.floats(min_value=0, max_value=1), min_size=3, max_size=3),
)
def test_cumulative_targets_grow_to_the_annual_target(annual, fr):
    fractions = sorted(fr) + [1.0]
    out = target_schedule(annual, "Kumulatif", "Orang", fractions)
    assert out == sorted(out) and out[-1] == annual
    assert all(isinstance(v, int) for v in out)


# ------------------------------------------------------------------ on the workbook
def run(path, fn):
    return headless.run_on_file(path, fn)


def plan(path) -> list[dict]:
    return tables.read_table(headless.open_book(path), layout.TBL_RENCANA).records()


def set_cells(path, edits: dict[str, object]):
    def edit(book):
        sheet = book.sheets[layout.SHEET_RENCANA]
        for address, value in edits.items():
            sheet[address].value = value

    run(path, edit)


def addr(row_index: int, header: str) -> str:
    return cell_address(SPEC.header_row + 1 + row_index, SPEC.first_col + SPEC.col_index(header))


@pytest.fixture
def drafted(built_workbook):
    def officials(book):
        tables.write_table(
            book,
            layout.TBL_PEJABAT,
            [
                [layout.ROLE_CAMAT, "Camat Contoh", "197001011990031001"],
                [layout.ROLE_SEKRETARIS, "Sekcam Contoh", "197502022000031002"],
                [layout.ROLE_KASUBAG, KASUBAG, "198303302001121003"],
            ],
        )

    run(built_workbook, officials)
    run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext(files=[str(SAMPLE_DPA)])))
    summary, result = run(built_workbook, lambda b: susun_body(b, ActionContext()))
    assert result.alerts == []
    assert summary.startswith(
        f"Draft Rencana Aksi disusun: {len(EXPECTED)} sub kegiatan dari DPA "
        f"({len(EXPECTED)} baru, 0 diperbarui)"
    )
    return built_workbook


def test_draft_arithmetic_follows_the_dpa(drafted):
    rows = plan(drafted)
    assert [r["Kode Sub Kegiatan"] for r in rows] == [e["kode_sub_kegiatan"] for e in EXPECTED]
    for row, rec in zip(rows, EXPECTED):
        keu = [row[h] for h in layout.KEUANGAN_TW]
        kas = rec["kas"]
        assert keu == [sum(kas[:3]), sum(kas[:6]), sum(kas[:9]), rec["pagu"]]
        assert row["Pagu (Rp)"] == rec["pagu"] == keu[-1]
        fisik = [row[h] for h in layout.FISIK_TW]
        assert fisik == sorted(fisik) and fisik[-1] == 100
        targets = [row[h] for h in layout.TARGET_TW]
        assert targets[-1] == rec["target_keluaran"] == row["Target Tahunan"]
        assert targets == sorted(targets)
        assert row["Indikator Keluaran"] == rec["indikator_keluaran"]
        assert row["Satuan"] == rec["satuan"]
        assert row["Penanggung Jawab"] == KASUBAG
    gaji = next(r for r in rows if r["Kode Sub Kegiatan"] == "7.01.01.2.02.0001")
    assert gaji["Sifat Target"] == "Tetap" and [gaji[h] for h in layout.TARGET_TW] == [52] * 4
    shadow = tables.read_table(headless.open_book(drafted), layout.TBL_DRAFT_SHADOW).records()
    assert shadow == rows


def test_rerun_without_changes_is_stable(drafted):
    before = plan(drafted)
    summary, result = run(drafted, lambda b: susun_body(b, ActionContext()))
    assert f"(0 baru, {len(EXPECTED)} diperbarui)" in summary
    assert "manual" not in summary and result.alerts == []
    assert plan(drafted) == before


def test_rerun_keeps_manual_edits_and_resets_the_pagu(drafted):
    edits = {
        addr(0, "Target s.d. TW II"): 3,
        addr(1, "Penanggung Jawab"): "Sekcam Contoh",
        addr(2, "Keterangan"): "Dibahas ulang pada rapat Februari",
        addr(3, "Pagu (Rp)"): 1,
        addr(4, "Sifat Target"): "Akhir Tahun",
        addr(5, "Fisik s.d. TW I (%)"): 40,
    }
    set_cells(drafted, edits)
    summary, result = run(drafted, lambda b: susun_body(b, ActionContext()))
    rows = plan(drafted)
    assert rows[0]["Target s.d. TW II"] == 3
    assert rows[1]["Penanggung Jawab"] == "Sekcam Contoh"
    assert rows[2]["Keterangan"] == "Dibahas ulang pada rapat Februari"
    assert rows[3]["Pagu (Rp)"] == EXPECTED[3]["pagu"]
    assert rows[4]["Sifat Target"] == "Akhir Tahun"
    annual = EXPECTED[4]["target_keluaran"]
    assert [rows[4][h] for h in layout.TARGET_TW] == [0, 0, 0, annual]  # quarters follow the chosen Sifat
    assert rows[5]["Fisik s.d. TW I (%)"] == 40
    assert "5 isian manual dipertahankan" in summary
    assert f"{addr(3, 'Pagu (Rp)')} (Pagu (Rp), {EXPECTED[3]['kode_sub_kegiatan']}): Rp 1 diganti" in summary
    assert [t for t, _ in result.alerts] == ["Susun Draft: periksa sel berikut"]
    # and a third run still keeps them (the shadow was not overwritten with the edits)
    run(drafted, lambda b: susun_body(b, ActionContext()))
    again = plan(drafted)
    assert again[0]["Target s.d. TW II"] == 3 and again[1]["Penanggung Jawab"] == "Sekcam Contoh"


def test_changed_dpa_reports_conflicts_marks_removed_and_adds_new(drafted, tmp_path):
    subs = sample_subs()
    keu1 = addr(0, "Keuangan s.d. TW I (Rp)")
    pj2 = addr(1, "Penanggung Jawab")
    set_cells(drafted, {keu1: 1_000_000, pj2: "Sekcam Contoh"})
    changed = subs[0]
    changed.kas_override = [changed.pagu // 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, changed.pagu - changed.pagu // 2]
    removed = subs.pop(2)
    new = sample_subs()[2]
    new.code, new.name = "7.01.01.2.01.0008", "Monitoring, Evaluasi, dan Penilaian Kinerja Pegawai"
    subs.append(new)
    newer = write_sipd(tmp_path / "DPA_perubahan.xlsx", subs)
    run(drafted, lambda b: tarik_dpa_body(b, ActionContext(files=[str(newer)])))
    summary, result = run(drafted, lambda b: susun_body(b, ActionContext()))
    rows = plan(drafted)
    # the manual value is kept, and the exact cell is reported with both figures
    assert rows[0]["Keuangan s.d. TW I (Rp)"] == 1_000_000
    expected_now = changed.pagu // 2
    money = f"Rp {expected_now:,}".replace(",", ".")
    line = (
        f"{keu1} (Keuangan s.d. TW I (Rp), {changed.code}): isian manual Rp 1.000.000 dipertahankan; "
        f"DPA kini menghasilkan {money}"
    )
    assert line in summary
    [(title, prompt)] = result.alerts
    assert line in prompt
    # a cell the DPA change did not touch is kept silently (not a conflict)
    assert rows[1]["Penanggung Jawab"] == "Sekcam Contoh" and pj2 not in summary
    # unedited cells follow the new cash plan
    assert rows[0]["Keuangan s.d. TW II (Rp)"] == expected_now
    # the removed sub kegiatan stays, marked
    gone = rows[2]
    assert gone["Kode Sub Kegiatan"] == removed.code and gone["Keterangan"] == MARK_LEFT
    assert "1 sub kegiatan tidak ada lagi di DPA" in summary
    # the new one is appended
    assert rows[-1]["Kode Sub Kegiatan"] == new.code and rows[-1]["Pagu (Rp)"] == new.pagu
    assert len(rows) == len(EXPECTED) + 1
    # it comes back: the mark goes, nothing else changes
    run(drafted, lambda b: tarik_dpa_body(b, ActionContext(files=[str(SAMPLE_DPA)])))
    run(drafted, lambda b: susun_body(b, ActionContext()))
    back = plan(drafted)
    assert back[2]["Kode Sub Kegiatan"] == removed.code and back[2]["Keterangan"] is None
    assert back[-1]["Keterangan"] == MARK_LEFT  # now the added one left


def test_pk_indicator_sets_sifat_and_penanggung_jawab(drafted, tmp_path):
    from renaksi_xl.dpa.samples import write_pk_xlsx

    rows = [
        [
            "Meningkatnya partisipasi masyarakat",
            EXPECTED[17]["indikator_keluaran"],
            "Laporan",
            8,
            "Akhir Tahun",
            "Kasi Pemberdayaan Contoh",
        ]
    ]
    pk = write_pk_xlsx(tmp_path / "pk.xlsx", rows)
    run(drafted, lambda b: impor_kinerja_body(b, ActionContext(files=[str(pk)])))
    run(drafted, lambda b: susun_body(b, ActionContext()))
    row = plan(drafted)[17]
    assert row["Sifat Target"] == "Akhir Tahun"
    assert [row[h] for h in layout.TARGET_TW] == [0, 0, 0, 8]
    assert row["Penanggung Jawab"] == "Kasi Pemberdayaan Contoh"


def test_pk_sample_imports_next_to_the_draft(drafted):
    run(drafted, lambda b: impor_kinerja_body(b, ActionContext(files=[str(SAMPLE_PK)])))
    summary, _ = run(drafted, lambda b: susun_body(b, ActionContext()))
    assert "Draft Rencana Aksi disusun" in summary


def test_susun_refuses_an_empty_or_mangled_dpa_table(built_workbook):
    before = built_workbook.read_bytes()
    with pytest.raises(InputError) as err:
        run(built_workbook, lambda b: susun_body(b, ActionContext()))
    assert "Jalankan 'Tarik Data DPA' terlebih dahulu" in err.value.message
    assert built_workbook.read_bytes() == before
    run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext(files=[str(SAMPLE_DPA)])))

    def mangle(book):
        book.sheets[layout.SHEET_DPA]["A6"].value = 7.01

    run(built_workbook, mangle)
    before = built_workbook.read_bytes()
    with pytest.raises(InputError) as err:
        run(built_workbook, lambda b: susun_body(b, ActionContext()))
    assert "sel A6" in err.value.message and "tersimpan sebagai angka" in err.value.message
    assert built_workbook.read_bytes() == before
