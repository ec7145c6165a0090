"""`renaksi-xl rekap`: one summary of every unit's workbook for the Pemda (issue 17).

Expected figures are computed by hand from the definitions (capaian = realisasi / target x 100,
mean over the indicators; serapan = realisasi keuangan / pagu x 100, a sub kegiatan counted once).
"""

from __future__ import annotations

import json
import shutil
import zipfile

import openpyxl
import pytest

from renaksi_xl import cellsafe, headless, layout, tables
from renaksi_xl.cli import main
from renaksi_xl.rekap_book import TBL_DILEWATI, TBL_GAGAL, TBL_UNIT

UNIT_KEYS = {
    "file",
    "unit",
    "tahun",
    "versi",
    "tahap",
    "ditetapkan",
    "keaslian_utuh",
    "validasi_galat",
    "capaian",
    "serapan",
}


def _plan_row(kode, indikator, targets, pagu, keuangan):
    row = dict.fromkeys(c.header for c in layout.table(layout.TBL_RENCANA).columns)
    row.update(
        {
            "Kode Sub Kegiatan": kode,
            "Sub Kegiatan": f"Sub kegiatan {kode}",
            "Indikator Keluaran": indikator,
            "Satuan": "Dokumen",
            "Target Tahunan": targets[-1],
            "Sifat Target": "Kumulatif",
            "Pagu (Rp)": pagu,
            "Arah": "Naik",
        }
    )
    for k, q in enumerate(layout.QUARTERS):
        row[f"Target s.d. TW {q}"] = targets[k]
        row[f"Fisik s.d. TW {q} (%)"] = 25 * (k + 1)
        row[f"Keuangan s.d. TW {q} (Rp)"] = keuangan[k]
    return [row[c.header] for c in layout.table(layout.TBL_RENCANA).columns]


def _realisasi_row(tw, kode, indikator, value, keuangan):
    row = dict.fromkeys(c.header for c in layout.table(layout.TBL_REALISASI_AKSI).columns)
    row.update(
        {
            "Triwulan": tw,
            "Kode Sub Kegiatan": kode,
            "Indikator Keluaran": indikator,
            "Realisasi s.d. TW": value,
            "Realisasi Fisik s.d. TW (%)": 20,
            "Realisasi Keuangan s.d. TW (Rp)": keuangan,
            "Faktor Penghambat": "Cuaca",
        }
    )
    return [row[c.header] for c in layout.table(layout.TBL_REALISASI_AKSI).columns]


@pytest.fixture
def unit_with_realisasi(built_workbook, tmp_path):
    """Two sub kegiatan, TW I reported: capaian 5/10 -> 50 %, 4/4 -> 100 %; serapan 1.0 M / 4.0 M."""
    a, b = "7.01.01.2.01.0001", "7.01.01.2.01.0002"
    plan = [
        _plan_row(a, "Dokumen A", [10, 20, 30, 40], 1_000_000, [250_000, 500_000, 750_000, 1_000_000]),
        _plan_row(b, "Dokumen B", [4, 8, 12, 16], 3_000_000, [750_000, 1_500_000, 2_250_000, 3_000_000]),
    ]
    real = [_realisasi_row("I", a, "Dokumen A", 5, 100_000), _realisasi_row("I", b, "Dokumen B", 4, 900_000)]

    def fill(book):
        tables.write_table(book, layout.TBL_RENCANA, plan)
        tables.write_table(book, layout.TBL_REALISASI_AKSI, real)

    headless.run_on_file(built_workbook, fill)
    folder = tmp_path / "unit"
    folder.mkdir()
    target = folder / "Kecamatan-Satu.xlsm"
    shutil.move(built_workbook, target)
    return folder, target


def _rekap_json(capsys, *args) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["rekap", *map(str, args), "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_capaian_and_serapan_per_quarter_follow_the_definitions(unit_with_realisasi, capsys):
    folder, target = unit_with_realisasi
    code, out = _rekap_json(capsys, folder)
    assert code == 0 and out["gagal"] == []
    (unit,) = out["units"]
    assert UNIT_KEYS <= set(unit)
    assert unit["capaian"] == {"I": 75.0, "II": None, "III": None, "IV": None}  # (50 + 100) / 2
    assert unit["serapan"] == {"I": 25.0, "II": None, "III": None, "IV": None}  # 1.0 M / 4.0 M
    assert unit["versi"] == 1 and unit["ditetapkan"] is False
    assert unit["unit"] == tables.named_range(headless.open_book(target), "nmUnit").value
    assert [s["langkah"] for s in unit["langkah"]] == list(range(1, len(unit["langkah"]) + 1))


def test_copies_of_one_unit_make_one_line_and_the_others_are_listed(unit_with_realisasi, capsys):
    folder, target = unit_with_realisasi
    shutil.copy(target, folder / "Kecamatan-Satu-serah-terima.xlsm")  # the same workbook, e-mailed
    other = folder / "Kecamatan-Dua.xlsm"
    shutil.copy(target, other)
    headless.run_on_file(other, lambda b: tables.write_setting(b, layout.SET_UNIT, "Kecamatan Dua"))
    code, out = _rekap_json(capsys, folder)
    assert code == 0 and out["gagal"] == []
    assert sorted(u["unit"] for u in out["units"]) == ["Kecamatan Dua", "Kecamatan Neglasari"]
    (skipped,) = out["dilewati"]
    assert skipped["file"].endswith(("Kecamatan-Satu-serah-terima.xlsm", "Kecamatan-Satu.xlsm"))
    assert "salinan yang sama (versi 1, 0 catatan) dari Kecamatan Neglasari (2025)" in skipped["alasan"]
    capsys.readouterr()
    assert main(["rekap", str(folder), "--out", str(folder.parent / "r.xlsx")]) == 0
    text = capsys.readouterr().out
    assert "1 salinan dilewati" in text and "DILEWATI" in text


def test_a_blank_workbook_reads_as_a_draft_without_realisasi(built_workbook, tmp_path, capsys):
    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copy(built_workbook, folder / "Kosong.xlsm")
    code, out = _rekap_json(capsys, folder)
    assert code == 0
    (unit,) = out["units"]
    assert unit["ditetapkan"] is False and unit["keaslian_utuh"] is True
    assert unit["capaian"] == dict.fromkeys(("I", "II", "III", "IV"))
    assert unit["serapan"] == dict.fromkeys(("I", "II", "III", "IV"))
    assert isinstance(unit["validasi_galat"], int)


def test_damaged_and_hostile_files_are_listed_and_never_stop_the_run(built_workbook, tmp_path, capsys):
    folder = tmp_path / "units"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(built_workbook, folder / "sub" / "Baik.xlsm")
    (folder / "rusak.xlsm").write_bytes(b"bukan zip")
    with zipfile.ZipFile(folder / "kosong.xlsx", "w") as zf:
        zf.writestr("hello.txt", "no workbook inside")
    code, out = _rekap_json(capsys, folder)
    assert code == 1
    assert [u["file"].endswith("Baik.xlsm") for u in out["units"]] == [True]
    reasons = {g["file"].rsplit("/", 1)[-1]: g["alasan"] for g in out["gagal"]}
    assert set(reasons) == {"rusak.xlsm", "kosong.xlsx"}
    assert "rusak.xlsm" in reasons["rusak.xlsm"] and "bukan buku kerja" in reasons["rusak.xlsm"]


def test_the_rekap_workbook_has_tables_charts_and_keeps_hostile_text_as_text(
    built_workbook, tmp_path, capsys
):
    hostile = '=HYPERLINK("http://contoh.invalid","klik")'

    def name_unit(book):  # as `renaksi-xl pengaturan` does: the text guard of every action
        tables.write_setting(book, layout.SET_UNIT, hostile)
        cellsafe.protect_book(book)

    headless.run_on_file(built_workbook, name_unit)
    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copy(built_workbook, folder / "Unit.xlsm")
    (folder / "rusak.xlsm").write_bytes(b"x")
    out = tmp_path / "hasil" / "Rekap.xlsx"
    out.parent.mkdir()
    assert main(["rekap", str(folder), "--out", str(out)]) == 1
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert sum(n.startswith("xl/charts/chart") for n in names) == 3
    wb = openpyxl.load_workbook(out)
    ws = wb["Rekap"]
    assert set(ws.tables) == {TBL_UNIT}
    assert set(wb["Gagal"].tables) == {TBL_GAGAL, TBL_DILEWATI}
    unit_cell = ws.cell(row=5, column=3)
    assert unit_cell.value == hostile and unit_cell.data_type == "s"  # the unit Pengaturan names, as text
    assert wb["Gagal"].cell(row=4, column=2).value == "rusak.xlsm"


def test_parallel_and_serial_reading_agree(unit_with_realisasi, built_workbook_master, capsys):
    folder, _ = unit_with_realisasi
    shutil.copy(built_workbook_master, folder / "Dua.xlsm")
    capsys.readouterr()
    assert main(["rekap", str(folder), "--json", "--workers", "1"]) == 0
    serial = json.loads(capsys.readouterr().out)
    assert main(["rekap", str(folder), "--json", "--workers", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == serial


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--json"], "tidak ditemukan"),
        ([], "--out"),
        (["--out", "REKAP.csv"], ".xlsx"),
    ],
)
def test_unusable_input_exits_2_with_a_message(tmp_path, capsys, args, fragment):
    missing = tmp_path / "tidak-ada"
    if "tidak ditemukan" not in fragment:
        missing.mkdir()
        (missing / "a.xlsm").write_bytes(b"x")
    capsys.readouterr()
    assert main(["rekap", str(missing), *[str(tmp_path / a) if a.endswith(".csv") else a for a in args]]) == 2
    assert fragment in capsys.readouterr().err


def test_the_output_is_never_one_of_the_inputs(built_workbook, tmp_path, capsys):
    before = built_workbook.read_bytes()
    out = built_workbook.with_suffix(".xlsx")
    shutil.copy(built_workbook, out)
    before_out = out.read_bytes()
    assert main(["rekap", str(out), "--out", str(out)]) == 2
    assert "salah satu buku kerja" in capsys.readouterr().err
    assert out.read_bytes() == before_out and built_workbook.read_bytes() == before
