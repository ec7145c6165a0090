"""Tarik Data DPA and Impor Kinerja on the real built workbook through the headless engine."""

from __future__ import annotations

import pytest

from renaksi_xl import headless, layout, tables
from renaksi_xl.context import ActionContext
from renaksi_xl.dpa import IMPOR_MARKER, SAMPLE_DPA, SAMPLE_PK, TEMPLATE_PK
from renaksi_xl.dpa.load import impor_kinerja_body, record_row, tarik_dpa_body
from renaksi_xl.dpa.readers import read_path
from renaksi_xl.dpa.samples import expected_records, sample_pk, sample_subs, write_pk_xlsx, write_sipd
from renaksi_xl.errors import InputError

EXPECTED = expected_records(sample_subs())


def run(path, fn):
    return headless.run_on_file(path, fn)


def read(path, name):
    return tables.read_table(headless.open_book(path), name)


def paste_into_impor(path, source):
    """What the paste macro does in server mode: marker row + the sheet's cells, per sheet."""
    values = []
    for grid in read_path(source):
        values.append([IMPOR_MARKER, source.name, grid.source.sheet, "A1"])
        values.extend([[None if v == "" else v for v in row] for row in grid.rows])
    width = max(len(r) for r in values)
    values = [list(r) + [None] * (width - len(r)) for r in values]

    def fill(book):
        book.sheets[layout.SHEET_IMPOR]["A2"].value = values

    run(path, fill)


def test_tarik_from_file_fills_tbldpa_and_setting(built_workbook):
    summary, _ = run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext(files=[str(SAMPLE_DPA)])))
    assert summary.startswith(f"{len(EXPECTED)} sub kegiatan dari {SAMPLE_DPA.name}")
    assert "total pagu Rp 5.269.204.320" in summary
    data = read(built_workbook, layout.TBL_DPA)
    assert data.header == layout.table(layout.TBL_DPA).headers
    assert data.rows == [record_row(r) for r in EXPECTED]
    settings = tables.read_settings(headless.open_book(built_workbook))
    # Only the file's name: the workbook travels by email, the folder is this machine's.
    assert settings[layout.SET_FILE_DPA] == SAMPLE_DPA.name
    assert str(SAMPLE_DPA.parent) not in "".join(str(v) for v in settings.values())


def test_tarik_again_uses_the_last_file_when_it_exists(built_workbook):
    beside = built_workbook.parent / SAMPLE_DPA.name
    beside.write_bytes(SAMPLE_DPA.read_bytes())
    run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext(files=[str(beside)])))
    run(built_workbook, lambda b: tables.write_table(b, layout.TBL_DPA, []))
    assert read(built_workbook, layout.TBL_DPA).rows == []
    summary, _ = run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext()))
    assert SAMPLE_DPA.name in summary
    assert len(read(built_workbook, layout.TBL_DPA).rows) == len(EXPECTED)


def test_tarik_shrinks_the_table_for_a_smaller_dpa(built_workbook, tmp_path):
    run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext(files=[str(SAMPLE_DPA)])))
    small = write_sipd(tmp_path / "kecil.xlsx", sample_subs()[:3])
    run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext(files=[str(small)])))
    assert read(built_workbook, layout.TBL_DPA).rows == [record_row(r) for r in EXPECTED[:3]]


@pytest.mark.parametrize("variant", ["one_sheet", "per_sheet"])
def test_server_mode_impor_sheet_gives_same_table_as_file(built_workbook, tmp_path, variant):
    source = write_sipd(tmp_path / "DPA_2025.xlsx", sample_subs(), variant)
    paste_into_impor(built_workbook, source)
    summary, _ = run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext()))
    assert summary.startswith(f"{len(EXPECTED)} sub kegiatan dari DPA_2025.xlsx")
    assert read(built_workbook, layout.TBL_DPA).rows == [record_row(r) for r in EXPECTED]
    settings = tables.read_settings(headless.open_book(built_workbook))
    assert settings[layout.SET_FILE_DPA] == "DPA_2025.xlsx"


def test_server_mode_error_names_the_users_file_and_cell(built_workbook, tmp_path):
    def mangle(sheets):
        sheet = sheets[0]
        sheet.rows[sheet.find("Sub Kegiatan")][2] = 7.01

    source = write_sipd(tmp_path / "DPA_Kec.xlsx", sample_subs()[:2], mutate=mangle)
    paste_into_impor(built_workbook, source)
    before = built_workbook.read_bytes()
    with pytest.raises(InputError) as err:
        run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext()))
    assert "DPA_Kec.xlsx, lembar 'DPA Rincian Belanja', sel C26" in err.value.message
    assert "tersimpan sebagai angka" in err.value.message
    assert built_workbook.read_bytes() == before


def test_nothing_to_pull_is_an_input_error(built_workbook):
    before = built_workbook.read_bytes()
    with pytest.raises(InputError) as err:
        run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext()))
    assert "Belum ada berkas DPA untuk ditarik" in err.value.message
    assert built_workbook.read_bytes() == before


def test_warnings_are_returned_in_the_summary(built_workbook, tmp_path):
    def target_text(sheets):
        sheet = sheets[0]
        sheet.rows[sheet.find("Keluaran")][5] = "Tersedia"

    source = write_sipd(tmp_path / "w.xlsx", sample_subs()[:2], mutate=target_text)
    summary, _ = run(built_workbook, lambda b: tarik_dpa_body(b, ActionContext(files=[str(source)])))
    first, *lines = summary.splitlines()
    assert first.endswith("1 peringatan:")
    assert lines == [
        f"- w.xlsx, lembar 'DPA Rincian Belanja', sel F{_row_of(source, 'Keluaran')}: Sub kegiatan "
        "7.01.01.2.01.0001: target keluaran 'Tersedia' tidak diawali angka; target dikosongkan."
    ]


def _row_of(path, label):
    [grid] = read_path(path)
    return next(r for r, row in enumerate(grid.rows) if row[0] == label) + 1


# ------------------------------------------------------------------ PK
def test_impor_kinerja_from_pk_sample(built_workbook):
    summary, _ = run(built_workbook, lambda b: impor_kinerja_body(b, ActionContext(files=[str(SAMPLE_PK)])))
    assert summary == f"5 indikator kinerja (PK) diimpor dari {SAMPLE_PK.name}."
    rows = read(built_workbook, layout.TBL_KINERJA).records()
    assert [r["Indikator Kinerja"] for r in rows] == [p[1] for p in sample_pk()]
    by = {r["Indikator Kinerja"]: r for r in rows}
    ikm = by["Indeks Kepuasan Masyarakat (IKM) Kecamatan"]
    assert [ikm[h] for h in layout.TARGET_TW] == [0, 0, 0, 82.5]
    tetap = by["Persentase laporan kinerja yang disampaikan tepat waktu"]
    assert [tetap[h] for h in layout.TARGET_TW] == [100] * 4
    kum = by["Jumlah Laporan Pelaksanaan Musrenbang Kelurahan dan Kecamatan"]
    assert [kum[h] for h in layout.TARGET_TW] == [2, 4, 6, 8]


def test_impor_kinerja_from_impor_sheet(built_workbook):
    paste_into_impor(built_workbook, SAMPLE_PK)
    summary, _ = run(built_workbook, lambda b: impor_kinerja_body(b, ActionContext()))
    assert summary.startswith("5 indikator kinerja")
    assert len(read(built_workbook, layout.TBL_KINERJA).rows) == 5


def test_impor_kinerja_refuses_bad_rows_and_dpa_files(built_workbook, tmp_path):
    rows = sample_pk()
    rows[1][4] = "Bulanan"
    rows[2][3] = "seratus"
    bad = write_pk_xlsx(tmp_path / "pk.xlsx", rows)
    before = built_workbook.read_bytes()
    with pytest.raises(InputError) as err:
        run(built_workbook, lambda b: impor_kinerja_body(b, ActionContext(files=[str(bad)])))
    msg = err.value.message
    assert msg.startswith("Berkas PK 'pk.xlsx' tidak bisa dipakai")
    assert "pk.xlsx, lembar 'PK', sel E6: Sifat target 'Bulanan' tidak dikenal" in msg
    assert "pk.xlsx, lembar 'PK', sel D7: Target tahunan indikator" in msg
    with pytest.raises(InputError) as err:
        run(built_workbook, lambda b: impor_kinerja_body(b, ActionContext(files=[str(SAMPLE_DPA)])))
    assert "Tidak ditemukan baris judul templat PK" in err.value.message
    with pytest.raises(InputError) as err:
        run(built_workbook, lambda b: impor_kinerja_body(b, ActionContext(files=[str(TEMPLATE_PK)])))
    assert "tidak berisi satu pun indikator" in err.value.message
    assert built_workbook.read_bytes() == before


@pytest.fixture
def book_without_impor(built_workbook):
    """The built workbook with its Impor sheet deleted (a user removed it)."""
    import openpyxl

    wb = openpyxl.load_workbook(built_workbook, keep_vba=True)
    del wb[layout.SHEET_IMPOR]
    wb.save(built_workbook)
    return built_workbook


@pytest.mark.parametrize("body", [tarik_dpa_body, impor_kinerja_body])
def test_a_missing_impor_sheet_is_a_workbook_error_in_indonesian(book_without_impor, body):
    before = book_without_impor.read_bytes()
    with pytest.raises(tables.WorkbookError) as info:
        run(book_without_impor, lambda b: body(b, ActionContext()))
    msg = info.value.message
    assert f"Lembar '{layout.SHEET_IMPOR}' tidak ada di buku kerja ini" in msg and "RencanaAksi.xlsm" in msg
    assert info.value.exit_code == 2 and info.value.where == layout.SHEET_IMPOR
    assert book_without_impor.read_bytes() == before


def test_a_missing_impor_sheet_does_not_matter_when_a_file_is_given(book_without_impor):
    summary, _ = run(book_without_impor, lambda b: tarik_dpa_body(b, ActionContext(files=[str(SAMPLE_DPA)])))
    assert summary.startswith(f"{len(EXPECTED)} sub kegiatan")
