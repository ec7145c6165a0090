"""The SIPD realisation export reader and `run impor-realisasi --berkas` (issue 13)."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from renaksi_xl import cli, headless, layout, sipd_realisasi, tables
from renaksi_xl.dpa.grid import DpaError, Grid, Source

K1, K2, K3 = "7.01.01.2.01.0001", "7.01.01.2.01.0002", "7.01.01.2.01.0003"
HEADER = [
    "Kode",
    "Uraian",
    "Anggaran",
    "Realisasi s.d. Bulan Lalu",
    "Realisasi Bulan Ini",
    "Realisasi s.d. Bulan Ini",
    "%",
]


def grid(rows, name="real.xlsx"):
    return [Grid(Source(name, "Sheet1"), rows)]


def sipd_rows():
    return [
        ["PEMERINTAH KOTA TANGERANG", None, None, None, None, None, None],
        ["LAPORAN REALISASI ANGGARAN PER SUB KEGIATAN", None, None, None, None, None, None],
        ["Periode Januari s.d. Juni 2025", None, None, None, None, None, None],
        HEADER,
        ["7.01.01", "Program Penunjang", 100, 50, 10, 60, 60],
        ["7.01.01.2.01", "Kegiatan Perencanaan", 100, 50, 10, 60, 60],
        [f"{K1} Penyusunan Dokumen Perencanaan", None, 12_000_000, 5_000_000, 400_000, 5_400_000, 45],
        [K2, "Koordinasi", "Rp 8.000.000,00", "Rp 3.000.000,00", "Rp 0,00", "Rp 3.250.000,00", 40],
        [None, "Jumlah", None, None, None, 8_650_000, None],
    ]


def test_reads_the_cumulative_column_and_skips_hierarchy_and_totals():
    got = sipd_realisasi.read_grids(grid(sipd_rows()), "real.xlsx")
    assert {k: v for k, (v, _) in got.amounts.items()} == {K1: 5_400_000, K2: 3_250_000}
    assert got.amounts[K1][1] == "real.xlsx, lembar 'Sheet1', sel F7"
    assert got.quarter == 2  # "s.d. Juni"
    assert got.warnings == []


def test_quarter_from_a_triwulan_title():
    rows = sipd_rows()
    rows[2] = ["Triwulan III Tahun 2025"]
    assert sipd_realisasi.read_grids(grid(rows), "x").quarter == 3


def test_a_figure_without_a_code_is_reported_not_dropped():
    rows = sipd_rows()
    rows.insert(7, [None, "Belanja lain-lain", None, None, None, 123_000, None])
    got = sipd_realisasi.read_grids(grid(rows), "real.xlsx")
    assert len(got.warnings) == 1
    assert "sel A8" in got.warnings[0].where and "tanpa kode sub kegiatan" in got.warnings[0].message


def test_a_code_turned_into_a_number_is_an_error_naming_the_cell():
    rows = sipd_rows()
    rows[6][0] = 7.01
    with pytest.raises(DpaError) as exc:
        sipd_realisasi.read_grids(grid(rows), "real.xlsx")
    assert "sel A7" in exc.value.message and "angka" in exc.value.message


def test_amount_that_is_no_number_and_a_duplicate_are_errors():
    rows = sipd_rows()
    rows[7][5] = "lima juta"
    rows.append([K1, "lagi", None, None, None, 1, None])
    with pytest.raises(DpaError) as exc:
        sipd_realisasi.read_grids(grid(rows), "real.xlsx")
    assert "sel F8" in exc.value.message and "'lima juta'" in exc.value.message
    assert "muncul dua kali" in exc.value.message and "sel F10" in exc.value.message


def test_no_header_is_an_error():
    with pytest.raises(DpaError, match="Tidak ditemukan baris judul laporan realisasi"):
        sipd_realisasi.read_grids(grid([["LAPORAN REALISASI PER SUB KEGIATAN"], ["a", "b"]]), "x")


def test_xlsx_and_csv_files(tmp_path):
    xlsx = tmp_path / "realisasi.xlsx"
    wb = openpyxl.Workbook()
    for row in sipd_rows():
        wb.active.append(row)
    wb.save(xlsx)
    got = sipd_realisasi.read_files([xlsx])
    assert got.amounts[K2][0] == 3_250_000
    csv = sipd_realisasi.write_sample_export(tmp_path / "r.csv", {K1: 1_000_000.4, K3: 2_000_000}, 4)
    got = sipd_realisasi.read_files([csv])
    assert {k: v for k, (v, _) in got.amounts.items()} == {K1: 1_000_000, K3: 2_000_000}
    assert got.quarter == 4


@pytest.fixture
def plan_book(built_workbook):
    from renaksi_xl.validators import sample

    plan = sample.add_realisasi(sample.clean_plan(2, 1), 1)
    sample.write_plan(built_workbook, plan)
    return built_workbook


def test_impor_realisasi_updates_the_quarter_and_adds_missing_rows(plan_book, tmp_path, capsys):
    export = sipd_realisasi.write_sample_export(tmp_path / "r.csv", {K1: 2_500_000, K2: 6_000_000, K3: 1}, 1)
    assert cli.main(["run", "impor-realisasi", str(plan_book), "--berkas", str(export), "--tw", "I"]) == 0
    out = capsys.readouterr().out
    assert "2 sub kegiatan" not in out and "3 sub kegiatan" in out
    assert K3 in out and "tidak ada di Rencana Aksi" in out  # named, not silently dropped
    real = tables.read_table(headless.open_book(plan_book), layout.TBL_REALISASI_AKSI).records()
    tw1 = {r[layout.H_KODE_SUB]: r[layout.H_REALISASI_KEUANGAN] for r in real if r["Triwulan"] == "I"}
    assert tw1 == {K1: 2_500_000, K2: 6_000_000}
    assert len(real) == 2  # the TW I rows were updated, none added

    # TW II from the title of the export ("s.d. Juni") adds one row per plan indicator
    export2 = sipd_realisasi.write_sample_export(tmp_path / "r2.csv", {K1: 5_000_000}, 2)
    assert cli.main(["run", "impor-realisasi", str(plan_book), "--berkas", str(export2)]) == 0
    real = tables.read_table(headless.open_book(plan_book), layout.TBL_REALISASI_AKSI).records()
    new = [r for r in real if r["Triwulan"] == "II"]
    assert [(r[layout.H_KODE_SUB], r[layout.H_REALISASI_KEUANGAN]) for r in new] == [(K1, 5_000_000)]
    assert new[0][layout.H_INDIKATOR_KELUARAN] == "Jumlah dokumen 1 yang tersusun"


def test_impor_realisasi_bad_file_exit_2_and_workbook_untouched(plan_book, tmp_path, capsys):
    bad = tmp_path / "laporan.pdf"
    bad.write_bytes(b"%PDF-1.4 bukan excel")
    before = plan_book.read_bytes()
    assert cli.main(["run", "impor-realisasi", str(plan_book), "--berkas", str(bad), "--tw", "I"]) == 2
    err = capsys.readouterr().err
    assert "laporan.pdf" in err and "PDF" in err
    assert plan_book.read_bytes() == before


def test_impor_realisasi_without_quarter_asks_for_it(plan_book, tmp_path, capsys):
    export = tmp_path / "r.csv"
    shutil.copyfile(sipd_realisasi.write_sample_export(tmp_path / "x.csv", {K1: 1}, 1), export)
    text = export.read_text(encoding="utf-8-sig").replace("Periode: Januari s.d. Maret 2025", "Periode 2025")
    export.write_text(text, encoding="utf-8-sig")
    assert cli.main(["run", "impor-realisasi", str(plan_book), "--berkas", str(export)]) == 2
    assert "Triwulan realisasi tidak diketahui" in capsys.readouterr().err
