"""SIPD variants beyond the corpus: what is warned, what blocks, and the second file (Anggaran Kas)."""

from __future__ import annotations

import random

import pytest

from renaksi_xl import headless, layout, tables
from renaksi_xl.context import ActionContext
from renaksi_xl.dpa import read_dpa
from renaksi_xl.dpa.grid import DpaError
from renaksi_xl.dpa.load import tarik_dpa_body
from renaksi_xl.dpa.readers import IMPOR_MARKER, IMPOR_MARKER_KAS, grids_from_impor, read_path
from renaksi_xl.dpa.sipd_corpus import _subs
from renaksi_xl.dpa.sipd_print import Cell, Style, dpa_sheets, rak_sheet, write_print


def _doc(tmp_path, *, style=None, n=2, old=False, mutate=None, rak=False, mutate_rak=None):
    style = style or Style(cash="none" if rak else "rows")
    subs = _subs(random.Random(7), n, old, style.dppa, 2)
    sheets = dpa_sheets(subs, style)
    if mutate:
        mutate(sheets[0])
    doc = write_print(tmp_path / "DPA.xlsx", sheets)
    kas = None
    if rak:
        sheet = rak_sheet(subs)
        if mutate_rak:
            mutate_rak(sheet, subs)
        kas = write_print(tmp_path / "RAK.xlsx", [sheet])
    return subs, doc, kas


def _row_of(sheet, text):
    for r, (cells, _) in enumerate(sheet.rows):
        if any(c.value == text for c in cells.values()):
            return r
    raise KeyError(text)


def test_unknown_label_inside_a_sub_kegiatan_block_is_a_warning_naming_the_cell(tmp_path):
    def add_label(sheet):
        r = _row_of(sheet, "Waktu Pelaksanaan")
        sheet.rows.insert(
            r, ({0: Cell("Indikator Tambahan"), 1: Cell(":"), 2: Cell("Jumlah posko siaga 3 Posko")}, True)
        )

    subs, doc, _ = _doc(tmp_path, mutate=add_label)
    result = read_dpa(doc)
    texts = [w.text() for w in result.warnings]
    assert len(texts) == 1
    row = _row_of_file(doc, "Indikator Tambahan")
    assert f"sel A{row}" in texts[0] and "'Indikator Tambahan' tidak dikenali" in texts[0]
    assert subs[0].code in texts[0]
    # the indicators that were understood are all there
    assert result.records[0]["keluaran"] == subs[0].truth(False)["keluaran"]


def _row_of_file(path, text):
    for grid in read_path(path):
        for r, row in enumerate(grid.rows):
            if text in row:
                return r + 1
    raise KeyError(text)


def test_a_row_in_the_nested_keluaran_table_without_indicator_is_warned(tmp_path):
    def orphan_target(sheet):
        r = _row_of(sheet, "Target")
        sheet.rows.insert(r + 1, ({5: Cell("7 Dokumen")}, True))

    _, doc, _ = _doc(tmp_path, mutate=orphan_target)
    texts = [w.text() for w in read_dpa(doc).warnings]
    assert len(texts) == 1 and "target keluaran '7 Dokumen' tanpa indikator" in texts[0]


def test_rak_that_does_not_add_up_to_the_pagu_blocks_and_names_the_rak_cell(tmp_path):
    def shift(sheet, subs):
        r = _row_of(sheet, sorted(subs[0].lines, key=lambda x: x.kode)[0].kode)
        cells = sheet.rows[r][0]
        cells[3] = Cell(cells[3].value + 1000)  # Januari of the first rekening

    subs, doc, kas = _doc(tmp_path, rak=True, mutate_rak=shift)
    with pytest.raises(DpaError) as err:
        read_dpa(doc, kas=kas)
    text = str(err.value)
    assert f"Sub kegiatan {subs[0].code}: anggaran kas (RAK) berjumlah" in text
    assert "RAK.xlsx, lembar 'Anggaran Kas', sel A" in text and "selisih Rp 1.000" in text


def test_sub_kegiatan_missing_from_the_rak_blocks(tmp_path):
    def drop(sheet, subs):
        r = _row_of(sheet, subs[1].code)
        del sheet.rows[r : r + 1 + len(subs[1].lines)]

    subs, doc, kas = _doc(tmp_path, rak=True, mutate_rak=drop)
    with pytest.raises(DpaError, match=f"Sub kegiatan {subs[1].code} tidak ada di anggaran kas"):
        read_dpa(doc, kas=kas)


def test_without_rak_the_dpa_without_plan_warns_and_with_it_reads_the_plan(tmp_path):
    subs, doc, kas = _doc(tmp_path, rak=True)
    alone = read_dpa(doc)
    assert [r["kas"] for r in alone.records] == [[0] * 12] * len(subs)
    assert all("rencana penarikan dana per bulan tidak ditemukan" in w.message for w in alone.warnings)
    both = read_dpa(doc, kas=kas)
    assert [r["kas"] for r in both.records] == [s.kas for s in subs] and both.warnings == []


def test_a_file_that_is_no_rak_given_as_kas_is_refused(tmp_path):
    _, doc, _ = _doc(tmp_path, rak=True)
    with pytest.raises(DpaError, match="tidak berbentuk formulir Anggaran Kas SIPD"):
        read_dpa(doc, kas=doc)


def test_two_digit_codes_read_with_one_warning_and_three_digits_blame_a_lost_zero(tmp_path):
    from renaksi_xl.dpa.grid import check_code

    subs, doc, _ = _doc(tmp_path, old=True, n=3)
    result = read_dpa(doc)
    assert [r["kode_sub_kegiatan"] for r in result.records] == [s.code for s in subs]
    assert len(result.warnings) == 1 and "Kepmendagri 050-5889/2021" in result.warnings[0].message
    assert check_code("7.01.01.2.01.01", "sub_kegiatan") is None
    assert "angka nol di depan hilang" in check_code("7.01.01.2.01.001", "sub_kegiatan")


def test_scanned_pdf_without_text_layer_gets_a_clear_message(tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 600), "white")
    ImageDraw.Draw(img).text((40, 40), "DPA RINCIAN BELANJA 7.01.01.2.01.0001 Rp 1.250.000", fill="black")
    scan = tmp_path / "pindaian.pdf"
    img.save(scan)
    with pytest.raises(DpaError) as err:
        read_dpa(scan)
    assert "pindaian.pdf" in str(err.value) and "tidak memiliki lapisan teks" in str(err.value)
    assert "hasil pindaian" in str(err.value)


def test_impor_sheet_splits_dpa_and_kas_sheets_by_marker():
    values = [
        ["Impor"],
        [IMPOR_MARKER, "DPA.xlsx", "DPA", "A1"],
        ["Program", ":", "7.01.01 - P"],
        [IMPOR_MARKER_KAS, "RAK.xlsx", "Anggaran Kas", "B2"],
        ["Kode", "Uraian"],
        [IMPOR_MARKER, "DPA2.xlsx", "Sub 2", "A1"],
        ["Sub Kegiatan"],
    ]
    dpa = grids_from_impor(values)
    kas = grids_from_impor(values, IMPOR_MARKER_KAS)
    assert [(g.source.file, len(g.rows)) for g in dpa] == [("DPA.xlsx", 1), ("DPA2.xlsx", 1)]
    assert [(g.source.file, g.source.row0, g.source.col0, g.rows) for g in kas] == [
        ("RAK.xlsx", 2, 2, [["Kode", "Uraian"]])
    ]
    assert grids_from_impor([["Impor"], [IMPOR_MARKER_KAS, "RAK.xlsx", "x", "A1"], [1]]) == []


def _paste(book_path, *sources):
    values = []
    for marker, source in sources:
        for grid in read_path(source):
            values.append([marker, source.name, grid.source.sheet, "A1"])
            values.extend([[None if v == "" else v for v in row] for row in grid.rows])
    width = max(len(r) for r in values)
    values = [list(r) + [None] * (width - len(r)) for r in values]

    def fill(book):
        book.sheets[layout.SHEET_IMPOR]["A2"].value = values

    headless.run_on_file(book_path, fill)


def _kas_rows(book_path):
    data = tables.read_table(headless.open_book(book_path), layout.TBL_DPA)
    # the first row of each sub kegiatan carries its money; further indicator rows none
    return [[r[h] for h in layout.MONTHS] for r in data.records() if r[layout.H_PAGU] is not None]


def test_tarik_dpa_takes_the_rak_file_and_remembers_it(built_workbook, tmp_path):
    subs, doc, kas = _doc(tmp_path, rak=True)
    ctx = ActionContext(files=[str(doc)], kas_files=[str(kas)])
    summary, _ = headless.run_on_file(built_workbook, lambda b: tarik_dpa_body(b, ctx))
    assert "peringatan" not in summary
    assert _kas_rows(built_workbook) == [s.kas for s in subs]
    settings = tables.read_settings(headless.open_book(built_workbook))
    assert settings[layout.SET_FILE_KAS] == kas.name  # names only: the workbook travels by email
    # the next pull without files uses both remembered files
    headless.run_on_file(built_workbook, lambda b: tables.write_table(b, layout.TBL_DPA, []))
    headless.run_on_file(built_workbook, lambda b: tarik_dpa_body(b, ActionContext()))
    assert _kas_rows(built_workbook) == [s.kas for s in subs]


def test_tarik_dpa_server_mode_reads_the_rak_pasted_under_its_marker(built_workbook, tmp_path):
    subs, doc, kas = _doc(tmp_path, rak=True)
    _paste(built_workbook, (IMPOR_MARKER, doc), (IMPOR_MARKER_KAS, kas))
    summary, _ = headless.run_on_file(built_workbook, lambda b: tarik_dpa_body(b, ActionContext()))
    assert "peringatan" not in summary
    assert _kas_rows(built_workbook) == [s.kas for s in subs]
    settings = tables.read_settings(headless.open_book(built_workbook))
    assert settings[layout.SET_FILE_KAS] == "RAK.xlsx"


def test_cli_run_tarik_dpa_with_kas(built_workbook, tmp_path, capsys):
    from renaksi_xl import cli

    camat, kasubag = "198303302001121003", "199002152015031001"
    headless.run_on_file(
        built_workbook,
        lambda b: tables.write_table(
            b,
            layout.TBL_PEJABAT,
            [[layout.ROLE_CAMAT, "Camat", camat], [layout.ROLE_KASUBAG, "Kasubag", kasubag]],
        ),
    )
    book = str(built_workbook)
    disposisi = ["run", "catat-disposisi", book, "--pejabat", camat, "--waktu", "2025-01-06T08:30"]
    assert cli.main(disposisi + ["--catatan", "Susun RA.", "--kepada", layout.ROLE_KASUBAG]) == 0
    subs, doc, kas = _doc(tmp_path, rak=True)
    tarik = ["run", "tarik-dpa", book, "--pejabat", kasubag, "--waktu", "2025-01-07T14:10", "--dpa", str(doc)]
    assert cli.main(tarik + ["--kas", str(tmp_path / "tidak-ada.xlsx")]) == 2
    assert "Berkas --kas" in capsys.readouterr().err
    assert cli.main(tarik + ["--kas", str(kas)]) == 0, capsys.readouterr().err
    assert _kas_rows(built_workbook) == [s.kas for s in subs]


def test_password_protected_pdf_says_so(tmp_path):
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "polos.pdf"
    Image.new("RGB", (200, 200), "white").save(plain)
    writer = PdfWriter()
    writer.append(PdfReader(str(plain)))
    writer.encrypt(user_password="rahasia", owner_password="pemilik")
    locked = tmp_path / "terkunci.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(DpaError, match="terkunci kata sandi"):
        read_dpa(locked)


@pytest.mark.libreoffice
def test_pdf_beyond_the_page_limit_is_refused_naming_the_limit(tmp_path, monkeypatch):
    from renaksi_xl.dpa import pdfgrid
    from renaksi_xl.dpa.sipd_corpus import print_pdfs

    _, doc, _ = _doc(tmp_path, n=3)
    pdf = print_pdfs([doc])[0]
    assert len(read_dpa(pdf).records) == 3
    monkeypatch.setattr(pdfgrid, "MAX_PAGES", 1)
    with pytest.raises(DpaError, match="melebihi batas baca 1 halaman"):
        read_dpa(pdf)
