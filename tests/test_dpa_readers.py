"""DPA readers: every layout and number style gives the same normalized records."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest

from renaksi_xl.cli import main
from renaksi_xl.dpa import SAMPLE_DPA, TEMPLATE_CSV, TEMPLATE_DPA, read_dpa, read_dpa_files
from renaksi_xl.dpa.grid import DpaError
from renaksi_xl.dpa.load import result_from_grids
from renaksi_xl.dpa.readers import IMPOR_MARKER, grids_from_impor, read_path
from renaksi_xl.dpa.samples import (
    SheetData,
    expected_records,
    sample_subs,
    sipd_sheets,
    write_flat_csv,
    write_flat_xlsx,
    write_sheets,
    write_sipd,
)

SUBS = sample_subs()
EXPECTED = expected_records(SUBS)
STYLES = ["number", "id_text", "en_text", "id_plain", "rp_dash"]


def test_shipped_sample_reads_as_generated():
    result = read_dpa(SAMPLE_DPA)
    assert result.records == EXPECTED
    assert result.warnings == []
    assert result.formats == ["sipd"]
    assert 18 <= len(result.records) <= 25
    assert result.total_pagu == sum(s.pagu for s in SUBS)
    assert all(sum(r["kas"]) == r["pagu"] for r in result.records)


@pytest.mark.parametrize("variant", ["one_sheet", "per_sheet"])
@pytest.mark.parametrize("style", STYLES)
def test_sipd_layouts_and_number_styles(tmp_path, variant, style):
    path = write_sipd(tmp_path / "dpa.xlsx", SUBS, variant, style)
    result = read_dpa(path)
    assert result.records == EXPECTED
    assert result.warnings == []


def test_hidden_rows_are_read_as_data(tmp_path):
    """python-calamine cannot see row visibility; SIPD totals include hidden lines, so do we."""

    def hide_a_leaf(sheets):
        sheet = sheets[0]
        r = sheet.find("5.1.02.01.01.0024")
        sheet.hidden.add(r)

    path = write_sipd(tmp_path / "h.xlsx", SUBS[:2], hide_items=True, mutate=hide_a_leaf)
    assert read_dpa(path).records == EXPECTED[:2]


def test_label_with_inline_value_and_code_in_its_own_cell(tmp_path):
    """'Sub Kegiatan : 7.01... - Nama' in one cell, and code and name in two cells."""

    def rewrite(sheets):
        rows = sheets[0].rows
        sheets[0].merges = []
        r = sheets[0].find("Sub Kegiatan")
        rows[r] = [f"Sub Kegiatan : {SUBS[0].code} - {SUBS[0].name}"]
        r = sheets[0].find("Program")
        rows[r] = ["Program", ":", SUBS[0].program[0], SUBS[0].program[1]]
        r = sheets[0].find("Kegiatan")
        rows[r] = ["Kegiatan", None, SUBS[0].kegiatan[0], None, SUBS[0].kegiatan[1]]

    path = write_sipd(tmp_path / "inline.xlsx", SUBS[:1], mutate=rewrite)
    assert read_dpa(path).records == EXPECTED[:1]


def test_cover_sheets_without_labels_are_skipped(tmp_path):
    sheets = sipd_sheets(SUBS[:3], "per_sheet")
    extra = SheetData("Ringkasan")
    extra.add(["Kode", "Nama", "Anggaran"])
    extra.add(["7.01.01", "Program penunjang", 1000])
    path = write_sheets(tmp_path / "x.xlsx", [extra, *sheets])
    assert read_dpa(path).records == EXPECTED[:3]


def test_flat_template_xlsx_and_derived_codes(tmp_path):
    path = write_flat_xlsx(tmp_path / "flat.xlsx", EXPECTED, style="id_text")
    result = read_dpa(path)
    assert result.records == EXPECTED and result.formats == ["templat"]

    def blank_parent_codes(rows):
        for row in rows:
            row[2] = row[4] = None  # Kode Kegiatan, Kode Program left blank

    path = write_flat_xlsx(tmp_path / "flat2.xlsx", EXPECTED, mutate=blank_parent_codes)
    assert read_dpa(path).records == EXPECTED


def test_shipped_template_and_csv_example():
    assert read_dpa(TEMPLATE_CSV).records == EXPECTED
    with pytest.raises(DpaError) as err:
        read_dpa(TEMPLATE_DPA)  # the blank template: header, no rows
    assert "Tidak ada satu pun sub kegiatan" in err.value.message


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_delimiters_and_encodings(tmp_path, delimiter, encoding):
    records = [dict(r) for r in EXPECTED]
    records[0]["lokasi"] = "Kelurahan Kedaung Wetan – RW 05"  # an en dash: differs in cp1252
    style = "en_text" if delimiter == ";" else "id_text"
    path = write_flat_csv(tmp_path / "dpa.csv", records, delimiter=delimiter, style=style, encoding=encoding)
    result = read_dpa(path)
    assert result.records == records


def test_lines_not_adding_up_warn_when_cash_plan_confirms_pagu(tmp_path):
    def lose_a_line(sheets):
        sheet = sheets[0]
        r = sheet.find("5.1.02.01.01.0052")
        sheet.rows[r][6] = 1_000_000

    path = write_sipd(tmp_path / "w.xlsx", SUBS[:1], mutate=lose_a_line)
    result = read_dpa(path)
    assert result.records == EXPECTED[:1]
    [w] = result.warnings
    assert "rincian belanja per kode rekening berjumlah" in w.message
    assert "sama dengan jumlah rencana penarikan dana" in w.message
    assert "sel G" in w.where


def test_missing_cash_plan_is_a_warning_with_zero_months(tmp_path):
    def drop_cash(sheets):
        sheet = sheets[0]
        r = sheet.find("Rencana Penarikan Dana per Bulan")
        del sheet.rows[r : r + 8]
        sheet.merges = [m for m in sheet.merges if m[0] < r]

    path = write_sipd(tmp_path / "rka.xlsx", SUBS[:1], mutate=drop_cash)
    result = read_dpa(path)
    assert result.records[0]["kas"] == [0] * 12
    assert result.records[0]["pagu"] == SUBS[0].pagu
    assert any("rencana penarikan dana per bulan tidak ditemukan" in w.message for w in result.warnings)


def test_unparseable_target_is_a_warning(tmp_path):
    def target_text(sheets):
        sheet = sheets[0]
        sheet.rows[sheet.find("Keluaran")][5] = "Tersedia"

    result = read_dpa(write_sipd(tmp_path / "t.xlsx", SUBS[:1], mutate=target_text))
    assert result.records[0]["target_keluaran"] is None
    assert "target keluaran 'Tersedia'" in result.warnings[0].message


def test_several_files_make_one_table(tmp_path):
    a = write_sipd(tmp_path / "a.xlsx", SUBS[:10])
    b = write_flat_csv(tmp_path / "b.csv", EXPECTED[10:])
    result = read_dpa_files([a, b])
    assert result.records == EXPECTED
    assert sorted(set(result.formats)) == ["sipd", "templat"]


def _impor_values(path) -> list[list]:
    """What the paste macro writes into the Impor sheet: one marker row per sheet, then its cells."""
    values = [["Impor"]]
    for grid in read_path(path):
        values.append([IMPOR_MARKER, path.name, grid.source.sheet, "A1"])
        for row in grid.rows:
            values.append(
                [None if v == "" else (v.isoformat() if isinstance(v, dt.date) else v) for v in row]
            )
    return values


@pytest.mark.parametrize("variant", ["one_sheet", "per_sheet"])
def test_impor_grid_gives_the_same_records_and_cells(tmp_path, variant):
    path = write_sipd(tmp_path / "DPA_2025.xlsx", SUBS, variant)
    from_file = read_dpa(path)
    grids = grids_from_impor(_impor_values(path))
    from_impor = result_from_grids(grids, path.name)
    assert from_impor.records == from_file.records
    assert from_impor.wheres == from_file.wheres
    assert from_file.wheres[0].startswith("DPA_2025.xlsx, lembar ")


def test_impor_anchor_offsets_cells(tmp_path):
    """A UsedRange starting at B3 keeps the original cell names in messages."""

    def mangle(sheets):
        sheet = sheets[0]
        sheet.rows[sheet.find("Program")][2] = 7.01

    path = write_sipd(tmp_path / "DPA.xlsx", SUBS[:1], mutate=mangle)
    [grid] = read_path(path)
    with pytest.raises(DpaError) as direct:
        result_from_grids([grid], path.name)
    row = next(r for r, v in enumerate(grid.rows) if v[0] == "Program")
    shifted = [[IMPOR_MARKER, "DPA.xlsx", grid.source.sheet, "B3"], *[v[:] for v in grid.rows]]
    with pytest.raises(DpaError) as via_impor:
        result_from_grids(grids_from_impor([["Impor"], *shifted]), "DPA.xlsx")
    assert f"sel C{row + 1}" in direct.value.problems[0].where
    assert f"sel D{row + 3}" in via_impor.value.problems[0].where


def test_impor_without_paste_is_empty():
    assert grids_from_impor([["Impor"], [None, None]]) == []
    assert grids_from_impor([]) == []


def test_cli_table_and_json(capsys):
    assert main(["dpa", str(SAMPLE_DPA)]) == 0
    out = capsys.readouterr().out
    assert "7.01.01.2.02.0001" in out and "Rp 3.573.114.320" in out
    assert f"Jumlah: {len(EXPECTED)} sub kegiatan" in out
    assert main(["dpa", str(SAMPLE_DPA), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"file", "sub_kegiatan", "total_pagu", "warnings"}
    assert data["sub_kegiatan"] == EXPECTED
    assert list(data["sub_kegiatan"][0]) == list(EXPECTED[0])
    assert data["total_pagu"] == sum(r["pagu"] for r in EXPECTED)
    assert data["file"] == SAMPLE_DPA.name and data["warnings"] == []


def test_cli_json_carries_warnings(tmp_path, capsys):
    def target_text(sheets):
        sheet = sheets[0]
        sheet.rows[sheet.find("Keluaran")][5] = "Tersedia"

    path = write_sipd(tmp_path / "t.xlsx", SUBS[:1], mutate=target_text)
    assert main(["dpa", str(path), "--json"]) == 0
    [w] = json.loads(capsys.readouterr().out)["warnings"]
    assert set(w) == {"message", "where"} and "t.xlsx, lembar 'DPA Rincian Belanja', sel F" in w["where"]


@pytest.mark.libreoffice
def test_xls_and_ods_saved_by_a_spreadsheet_are_read(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required for this test (installed by .ci/run)"
    src = write_sipd(tmp_path / "dpa.xlsx", SUBS[:4])
    profile = (tmp_path / "lo-profile").as_uri()
    for fmt in ("xls", "ods"):
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(tmp_path / fmt),
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        result = read_dpa(tmp_path / fmt / f"dpa.{fmt}")
        assert result.records == EXPECTED[:4], fmt
