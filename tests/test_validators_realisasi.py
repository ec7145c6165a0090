"""Realisasi rules (issue 13): each rule broken once, on tables written by hand, through pandera."""

from __future__ import annotations

import pytest

from renaksi_xl import layout
from renaksi_xl.tables import TableData
from renaksi_xl.validators.realisasi import validate_realisasi
from renaksi_xl.validators.rules import RULES

K1, K2 = "7.01.01.2.01.0001", "7.01.01.2.01.0002"


def _table(name, rows):
    spec = layout.table(name)
    grid = [[r.get(h) for h in spec.headers] for r in rows]
    return TableData(
        spec, spec.headers, grid, list(range(spec.header_row + 1, spec.header_row + 1 + len(rows))), 1
    )


def _plan(
    kode=K1, indikator="Jumlah dokumen", targets=(1, 2, 3, 4), sifat="Kumulatif", arah=None, pagu=12_000_000
):
    row = {
        layout.H_KODE_SUB: kode,
        layout.H_INDIKATOR_KELUARAN: indikator,
        layout.H_SIFAT_TARGET: sifat,
        layout.H_PAGU: pagu,
        layout.H_ARAH: arah,
    }
    row.update(zip(layout.TARGET_TW, targets))
    row.update(zip(layout.FISIK_TW, (25, 50, 75, 100)))
    row.update(zip(layout.KEUANGAN_TW, (3e6, 6e6, 9e6, 12e6)))
    return row


LINK = "https://drive.example.go.id/bukti"


def _real(
    tw,
    value,
    fisik=25,
    keuangan=3_000_000,
    *,
    kode=K1,
    indikator="Jumlah dokumen",
    penghambat=None,
    bukti=LINK,
):
    return {
        layout.H_TRIWULAN: tw,
        layout.H_KODE_SUB: kode,
        layout.H_INDIKATOR_KELUARAN: indikator,
        layout.H_REALISASI: value,
        layout.H_REALISASI_FISIK: fisik,
        layout.H_REALISASI_KEUANGAN: keuangan,
        layout.H_PENGHAMBAT: penghambat,
        layout.H_BUKTI: bukti,
    }


def _kinerja(indikator="Nilai SAKIP", targets=(70, 70, 70, 70), sifat="Tetap"):
    return {
        layout.H_INDIKATOR_KINERJA: indikator,
        layout.H_SIFAT_TARGET: sifat,
        **dict(zip(layout.TARGET_TW, targets)),
    }


def _real_k(tw, value, indikator="Nilai SAKIP", penghambat=None, bukti=LINK):
    return {
        layout.H_TRIWULAN: tw,
        layout.H_INDIKATOR_KINERJA: indikator,
        layout.H_REALISASI: value,
        layout.H_PENGHAMBAT: penghambat,
        layout.H_BUKTI: bukti,
    }


def findings(plan, real, kinerja=(), real_k=(), upto=None):
    return validate_realisasi(
        _table(layout.TBL_RENCANA, list(plan)),
        _table(layout.TBL_KINERJA, list(kinerja)),
        _table(layout.TBL_REALISASI_AKSI, list(real)),
        _table(layout.TBL_REALISASI_KINERJA, list(real_k)),
        upto=upto,
    )


def rules_at(found):
    return sorted((f.rule, f.sheet, f.cell) for f in found)


AKSI = layout.SHEET_REALISASI_AKSI
# columns of tblRealisasiAksi: A Triwulan, B Kode, C Indikator, D Realisasi, E Fisik, F Keuangan,
# G Pendorong, H Penghambat, I Tindak Lanjut, J Bukti Dukung, K Catatan Verifikator


def test_a_clean_year_has_no_findings():
    real = [
        _real("I", 1, 25, 3e6),
        _real("II", 2, 50, 6e6),
        _real("III", 3, 75, 9e6),
        _real("IV", 4, 100, 12e6),
    ]
    assert findings([_plan()], real) == []


def test_every_new_rule_is_in_the_catalogue():
    for rule in (
        "REALISASI_TRIWULAN_TIDAK_DIKENAL",
        "REALISASI_TIDAK_ADA_DI_RENCANA",
        "REALISASI_GANDA",
        "REALISASI_MENURUN",
        "REALISASI_FISIK_DI_LUAR_RENTANG",
        "REALISASI_KEUANGAN_MELEBIHI_PAGU",
        "PENGHAMBAT_KOSONG",
        "BUKTI_DUKUNG_KOSONG",
    ):
        assert rule in RULES
    assert RULES["BUKTI_DUKUNG_KOSONG"][0] == "warning"
    assert RULES["PENGHAMBAT_KOSONG"][0] == "error"


def test_decreasing_cumulative_realisasi_value_fisik_and_keuangan():
    real = [_real("I", 2, 50, 6e6), _real("II", 2, 40, 5e6)]  # TW II below TW I in fisik and keuangan
    got = rules_at(findings([_plan(targets=(2, 2, 3, 4))], real))
    assert got == [("REALISASI_MENURUN", AKSI, "E6"), ("REALISASI_MENURUN", AKSI, "F6")]
    # the value itself: Kumulatif target, 3 in TW I then 2 in TW II (TW II target 2: capaian 100 %)
    real = [_real("I", 3, 25, 3e6), _real("II", 2, 50, 6e6)]
    got = rules_at(findings([_plan(targets=(2, 2, 3, 4))], real))
    assert got == [("REALISASI_MENURUN", AKSI, "D6")]


def test_decreasing_value_is_fine_when_the_target_is_not_cumulative():
    real = [_real("I", 80, 25, 3e6), _real("II", 70, 50, 6e6)]  # a percentage indicator (Tetap)
    assert findings([_plan(targets=(70, 70, 70, 70), sifat="Tetap")], real) == []


def test_previous_quarter_is_found_even_when_a_quarter_is_missing_and_rows_are_unordered():
    real = [_real("III", 3, 75, 2e6), _real("I", 1, 25, 3e6)]  # TW II not entered; keuangan drops from TW I
    got = rules_at(findings([_plan()], real))
    assert got == [("REALISASI_MENURUN", AKSI, "F5")]


@pytest.mark.parametrize(("fisik", "bad"), [(101, True), (-1, True), (100, False), (0, False)])
def test_fisik_outside_0_to_100(fisik, bad):
    got = rules_at(findings([_plan()], [_real("I", 1, fisik, 3e6)]))
    assert got == ([("REALISASI_FISIK_DI_LUAR_RENTANG", AKSI, "E5")] if bad else [])


def test_keuangan_above_pagu():
    got = findings([_plan(pagu=12_000_000)], [_real("I", 1, 25, 12_000_001)])
    assert rules_at(got) == [("REALISASI_KEUANGAN_MELEBIHI_PAGU", AKSI, "F5")]
    assert "Rp 12.000.001" in got[0].message and "Rp 12.000.000" in got[0].message
    assert findings([_plan(pagu=12_000_000)], [_real("I", 1, 25, 12_000_000)]) == []  # equal is fine


def test_penghambat_required_when_capaian_below_100():
    # target s.d. TW II 2, realisasi 1: capaian 50 %
    got = findings([_plan()], [_real("II", 1, 50, 6e6)])
    assert rules_at(got) == [("PENGHAMBAT_KOSONG", AKSI, "H5")]
    assert "50%" in got[0].message
    assert findings([_plan()], [_real("II", 1, 50, 6e6, penghambat="Hujan")]) == []
    assert findings([_plan()], [_real("II", 2, 50, 6e6)]) == []  # 100 %: not needed


def test_penghambat_for_a_turun_indicator_uses_the_turun_formula():
    plan = [_plan(targets=(10, 10, 10, 10), sifat="Tetap", arah="Turun")]
    # realisasi 12 against 10: (20 - 12) / 10 = 80 % -> penghambat required
    assert rules_at(findings(plan, [_real("I", 12)])) == [("PENGHAMBAT_KOSONG", AKSI, "H5")]
    # realisasi 8: (20 - 8) / 10 = 120 % -> fine
    assert findings(plan, [_real("I", 8)]) == []


def test_no_penghambat_needed_when_capaian_cannot_be_computed():
    plan = [_plan(targets=(0, 0, 0, 4), sifat="Akhir Tahun")]
    assert findings(plan, [_real("I", 0)]) == []


@pytest.mark.parametrize(
    ("bukti", "bad"), [(None, True), ("ada di map", True), (LINK, False), ("www.x.id/a", False)]
)
def test_bukti_dukung_link_is_a_warning(bukti, bad):
    got = findings([_plan()], [_real("I", 1, bukti=bukti)])
    assert rules_at(got) == ([("BUKTI_DUKUNG_KOSONG", AKSI, "J5")] if bad else [])
    assert all(f.severity == "warning" for f in got)


def test_triwulan_unknown_and_row_not_in_plan_and_duplicate():
    real = [
        _real("Semester", 1),
        _real("I", 1, kode=K2),
        _real("I", 1),
        _real("I", 1),
    ]
    got = rules_at(findings([_plan()], real))
    assert got == [
        ("REALISASI_GANDA", AKSI, "C8"),
        ("REALISASI_TIDAK_ADA_DI_RENCANA", AKSI, "C6"),
        ("REALISASI_TRIWULAN_TIDAK_DIKENAL", AKSI, "A5"),
    ]


def test_text_in_number_cells():
    got = rules_at(findings([_plan()], [_real("I", "satu", 25, "Rp 3.000.000")]))
    assert got == [("NILAI_BERUPA_TEKS", AKSI, "F5"), ("NILAI_BUKAN_ANGKA", AKSI, "D5")]


def test_kinerja_rules():
    kin = [_kinerja(targets=(10, 20, 30, 40), sifat="Kumulatif")]
    real = [
        _real_k("I", 10),
        _real_k("II", 5, penghambat=None, bukti=None),
        _real_k("II", 5, indikator="Lain"),
    ]
    got = rules_at(findings([], [], kin, real))
    sheet = layout.SHEET_REALISASI_KINERJA
    # TW II: 5 < 10 (cumulative), capaian 5/20 = 25 % without penghambat, no bukti; "Lain" is not in the plan
    assert got == [
        ("BUKTI_DUKUNG_KOSONG", sheet, "G6"),
        ("PENGHAMBAT_KOSONG", sheet, "E6"),
        ("REALISASI_MENURUN", sheet, "C6"),
        ("REALISASI_TIDAK_ADA_DI_RENCANA", sheet, "B7"),
    ]


def test_upto_leaves_later_quarters_out():
    real = [_real("I", 1, 25, 3e6), _real("II", 1, 10, 1e6)]  # TW II is broken
    assert findings([_plan()], real, upto=1) == []
    assert findings([_plan()], real, upto=2) != []


def test_every_realisasi_rule_has_a_case_here():
    from renaksi_xl.validators.realisasi import RULE_IDS

    assert RULE_IDS == {
        "REALISASI_TRIWULAN_TIDAK_DIKENAL",
        "REALISASI_TIDAK_ADA_DI_RENCANA",
        "REALISASI_GANDA",
        "REALISASI_MENURUN",
        "REALISASI_FISIK_DI_LUAR_RENTANG",
        "REALISASI_KEUANGAN_MELEBIHI_PAGU",
        "PENGHAMBAT_KOSONG",
        "BUKTI_DUKUNG_KOSONG",
    }
