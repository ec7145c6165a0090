"""A corpus of broken DPA inputs: each gives its own Indonesian message, exit 2 on the CLI,
and leaves the workbook byte-identical when used by Tarik Data DPA.

The corpus is generated from the sample (so it follows the sample when it changes)
into a per-session folder; `python -m pytest tests/test_dpa_broken.py --basetemp=out/t`
keeps the files for a look.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from renaksi_xl import headless
from renaksi_xl.cli import main
from renaksi_xl.context import ActionContext
from renaksi_xl.dpa import SAMPLE_DPA
from renaksi_xl.dpa.load import tarik_dpa_body
from renaksi_xl.dpa.samples import expected_records, sample_subs, write_flat_csv, write_flat_xlsx, write_sipd
from renaksi_xl.errors import InputError

SUBS = sample_subs()
RECORDS = expected_records(SUBS)


@dataclass
class Case:
    name: str  # file name in the corpus
    make: Callable[[Path], None]
    fragments: tuple[str, ...]  # must all appear in the message
    where: str | None = None  # must appear too: the sheet/cell named


def _sipd(mutate, subs=None):
    def make(path):
        write_sipd(path, subs or SUBS[:3], mutate=mutate)

    return make


def _set(label, col, value, nth=0):
    """Mutation: the cell `col` of the nth row whose first cell is `label`."""

    def mutate(sheets):
        sheet = sheets[0]
        r = -1
        for _ in range(nth + 1):
            r = sheet.find(label, r + 1)
        row = sheet.rows[r]
        row.extend([None] * (col + 1 - len(row)))
        row[col] = value
        sheet.merges = [m for m in sheet.merges if m[0] != r]

    return mutate


def _flat(mutate, csv=False):
    def make(path):
        if csv:
            write_flat_csv(path, RECORDS[:3], mutate=mutate)
        else:
            write_flat_xlsx(path, RECORDS[:3], mutate=mutate)

    return make


def _bytes(data: bytes):
    return lambda path: path.write_bytes(data)


def _encrypted(path):
    import msoffcrypto.format.ooxml as ooxml

    with SAMPLE_DPA.open("rb") as src, path.open("wb") as out:
        ooxml.OOXMLFile(src).encrypt("rahasia", out)


def _docx(path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")


def _zip(path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("DPA.txt", "bukan buku kerja")


def _no_labels(path):
    from renaksi_xl.dpa.samples import SheetData, write_sheets

    s = SheetData("Lembar1")
    s.add(["No", "Uraian", "Nilai"])
    s.add([1, "Belanja alat tulis", 1000000])
    write_sheets(path, [s])


CASES = [
    Case(
        "dpa.pdf",
        _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"),
        ("PDF", "format Excel (.xlsx)"),
    ),
    Case("dpa_terkunci.xlsx", _encrypted, ("terkunci kata sandi",)),
    Case("kosong.xlsx", _bytes(b""), ("kosong (0 byte)",)),
    Case("dpa.docx", _docx, ("dokumen Word",)),
    Case("arsip.xlsx", _zip, ("bukan buku kerja Excel",)),
    Case(
        "terpotong.xlsx",
        lambda p: p.write_bytes(SAMPLE_DPA.read_bytes()[:3000]),
        ("rusak atau tidak lengkap",),
    ),
    Case(
        "dpa_web.xls",
        _bytes(b"<html><body><table><tr><td>Program</td></tr></table></body></html>"),
        ("halaman web", ".xls", "Simpan Sebagai"),
    ),
    Case(
        "gambar.png",
        _bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
        ("Jenis berkas tidak dikenali", ".png"),
    ),
    Case("catatan.txt", _bytes(b"DPA kecamatan tahun 2025\nbelum lengkap\n"), ("tidak berbentuk CSV",)),
    Case("tanpa_label.xlsx", _no_labels, ("Tidak ditemukan label DPA Rincian Belanja", "'Lembar1'")),
    Case("templat_kosong.xlsx", lambda p: write_flat_xlsx(p, []), ("Tidak ada satu pun sub kegiatan",)),
    Case(
        "teks_di_jumlah.xlsx",
        _sipd(_set("5.1.02.01.01.0024", 6, "lima juta")),
        ("kode rekening 5.1.02.01.01.0024 bukan angka", "'lima juta'"),
        "lembar 'DPA Rincian Belanja', sel G",
    ),
    Case(
        "teks_di_kas.xlsx",
        _sipd(_set("Februari", 1, "dua juta")),
        ("bulan Februari bukan angka", "'dua juta'"),
        "sel B",
    ),
    Case(
        "kas_tidak_sama_pagu.xlsx",
        _sipd(_set("Januari", 1, 9_999_000)),
        ("rencana penarikan dana per bulan berjumlah", "tidak sama dengan pagu Rp 21.150.000", "selisih"),
        "sel A",
    ),
    Case(
        "sub_ganda.xlsx",
        lambda p: write_sipd(p, [SUBS[0], SUBS[1], SUBS[0]]),
        ("Sub kegiatan 7.01.01.2.01.0001 tercantum dua kali", "sel C"),
    ),
    Case(
        "kode_program_angka.xlsx",
        _flat(lambda rows: rows[0].__setitem__(4, 7.01)),
        ("Kode program tersimpan sebagai angka (7.01)", "Ketik ulang kode sebagai teks"),
        "lembar 'DPA', sel E5",
    ),
    Case(
        "kode_program_tanggal.xlsx",
        _sipd(_set("Program", 2, dt.datetime(2001, 1, 7))),
        ("Kode program tersimpan sebagai tanggal (2001-01-07)",),
        "sel C",
    ),
    Case(
        "kode_kegiatan_tanggal.csv",
        _flat(lambda rows: rows[1].__setitem__(2, "07/01/2001"), csv=True),
        ("Kode kegiatan berbentuk tanggal ('07/01/2001')",),
        "kode_kegiatan_tanggal.csv, sel C3",
    ),
    Case(
        "kode_sub_angka.xlsx",
        _flat(lambda rows: rows[2].__setitem__(0, 70101201.0001)),
        ("Kode sub kegiatan tersimpan sebagai angka",),
        "sel A7",
    ),
    Case(
        "kode_tanpa_nol.xlsx",
        _sipd(_set("Sub Kegiatan", 2, "7.01.01.2.01.1 - Penyusunan Dokumen Perencanaan")),
        ("'7.01.01.2.01.1' tidak berbentuk kode sub kegiatan", "angka nol di depan hilang"),
        "sel C",
    ),
    Case(
        "rincian_tidak_sama_tanpa_kas.xlsx",
        _sipd(lambda sh: (_set("5.1.02.01.01.0024", 6, 1)(sh), _drop_cash(sh))),
        ("rincian belanja per kode rekening berjumlah", "Tidak ada rencana penarikan dana yang menguatkan"),
    ),
    Case(
        "sub_di_luar_kegiatan.xlsx",
        _sipd(_set("Sub Kegiatan", 2, "7.01.01.2.02.0001 - Penyediaan Gaji dan Tunjangan ASN")),
        ("Sub kegiatan 7.01.01.2.02.0001 bukan bagian dari kegiatan 7.01.01.2.01",),
    ),
    Case(
        "tanpa_program.xlsx",
        _sipd(lambda sh: _del_row(sh, "Program"), subs=SUBS[:1]),
        ("label 'Program' (kode dan nama program) tidak ditemukan",),
    ),
    Case(
        "pagu_teks.xlsx",
        _flat(lambda rows: rows[0].__setitem__(11, "sekitar 21 juta")),
        ("Pagu sub kegiatan 7.01.01.2.01.0001 bukan angka", "'sekitar 21 juta'"),
        "sel L5",
    ),
    Case(
        "bulan_tidak_lengkap.csv",
        lambda p: _csv_without_december(p),
        ("Kolom rencana penarikan dana tidak lengkap", "Desember"),
        "baris 1",
    ),
    Case(
        "baris_tanpa_kode.csv",
        _flat(lambda rows: rows[1].__setitem__(0, None), csv=True),
        ("Baris tanpa kode sub kegiatan",),
        "sel A3",
    ),
    Case(
        "sub_tanpa_kode.xlsx",
        _sipd(_set("Sub Kegiatan", 2, "Penyusunan Dokumen Perencanaan Perangkat Daerah")),
        ("Kode sub kegiatan tidak ditemukan", "seharusnya diawali kode"),
        "sel C",
    ),
    Case("tanpa_pagu.xlsx", _sipd(lambda sh: _drop_lines(sh), subs=SUBS[:1]), ("pagu tidak ditemukan",)),
]


def _drop_cash(sheets):
    sheet = sheets[0]
    while True:
        try:
            r = sheet.find("Rencana Penarikan Dana per Bulan")
        except KeyError:
            return
        del sheet.rows[r : r + 8]
        sheet.merges = [m for m in sheet.merges if m[0] < r]
        sheet.header_rows = {h for h in sheet.header_rows if h < r}


def _del_row(sheets, label):
    sheet = sheets[0]
    r = sheet.find(label)
    sheet.rows[r] = []
    sheet.merges = [m for m in sheet.merges if m[0] != r]


def _drop_lines(sheets):
    sheet = sheets[0]
    start = sheet.find("Kode Rekening")
    end = sheet.find("Jumlah Anggaran Sub Kegiatan")
    for r in range(start, end + 1):
        sheet.rows[r] = []
    sheet.merges = [m for m in sheet.merges if not start <= m[0] <= end]


def _csv_without_december(path):
    write_flat_csv(path, RECORDS[:2])
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(";".join(line.split(";")[:-1]) for line in lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dpa_broken")
    for case in CASES:
        case.make(folder / case.name)
    return folder


def test_corpus_is_large_and_distinct():
    assert len(CASES) >= 20
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.fragments for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_exit_2_with_specific_message(corpus, case, capsys):
    path = corpus / case.name
    assert main(["dpa", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.startswith("Galat: Berkas DPA ")
    assert case.name in err
    for fragment in case.fragments:
        assert fragment in err, (fragment, err)
    if case.where:
        assert case.where in err, (case.where, err)
    assert main(["dpa", str(path), "--json"]) == 2
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_tarik_dpa_leaves_workbook_byte_identical(corpus, case, built_workbook):
    before = built_workbook.read_bytes()
    ctx = ActionContext(files=[str(corpus / case.name)])
    with pytest.raises(InputError) as err:
        headless.run_on_file(built_workbook, lambda book: tarik_dpa_body(book, ctx))
    assert case.fragments[0] in err.value.message
    assert err.value.exit_code == 2
    assert built_workbook.read_bytes() == before


def test_missing_file_is_named(tmp_path, capsys):
    assert main(["dpa", str(tmp_path / "tidak_ada.xlsx")]) == 2
    assert "Berkas tidak ditemukan" in capsys.readouterr().err
