"""The held-out SOP of a dinas (tests/data/sop_dinas.toml: four roles, seven steps, a `paraf`
step by the Kepala Bidang) from build to penetapan, headless, through the CLI a reviewer uses.

Done-when of issue 11: it builds, fills from a TOML, runs from disposisi to penetapan,
verifies intact, and its PDF and emails name that office and that SOP, never Neglasari.
"""

import email
import email.policy
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from renaksi_xl import cli, headless, layout, sop, tables

DATA = Path(__file__).parent / "data"
SOP_FILE = DATA / "sop_dinas.toml"
KANTOR = DATA / "kantor_dinas.toml"
KADIS, SEKDIS, KASUBBAG, KABID = (
    "197804122003121002",
    "198102032006042003",
    "199005172015031002",
    "198609252010012006",
)
UNIT = "Dinas Komunikasi dan Informatika"
NOMOR = "800/12/Diskominfo/2024"

MONTHS = ";".join(layout.MONTHS)
DPA_CSV = (
    "Kode Sub Kegiatan;Sub Kegiatan;Kode Kegiatan;Kegiatan;Kode Program;Program;Indikator Keluaran;"
    f"Target Keluaran;Satuan;Sumber Dana;Lokasi;Pagu (Rp);{MONTHS}\n"
    "2.16.01.2.01.0001;Penyusunan Dokumen Perencanaan Perangkat Daerah;2.16.01.2.01;Perencanaan, "
    "Penganggaran, dan Evaluasi Kinerja Perangkat Daerah;2.16.01;PROGRAM PENUNJANG URUSAN PEMERINTAHAN "
    "DAERAH KABUPATEN/KOTA;Jumlah Dokumen Perencanaan;4;Dokumen;PAD;Kabupaten Contoh;12.000.000;"
    + ";".join(["1.000.000"] * 12)
    + "\n"
    "2.16.02.2.01.0002;Pengelolaan Jaringan Intra Pemerintah Daerah;2.16.02.2.01;Pengelolaan Informasi dan "
    "Komunikasi Publik;2.16.02;PROGRAM APLIKASI INFORMATIKA;Jumlah Perangkat Daerah Terhubung;24;Perangkat "
    "Daerah;DAU;Kabupaten Contoh;48.000.000;" + ";".join(["4.000.000"] * 12) + "\n"
)


def run(*args) -> int:
    return cli.main([str(a) for a in args])


@pytest.fixture(scope="module")
def dinas_book(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dinas")
    book = folder / "RencanaAksi-Diskominfo.xlsm"
    assert run("build", "--sop", SOP_FILE, "--out", book) == 0
    return book


def test_build_follows_the_sop(dinas_book):
    wb = openpyxl.load_workbook(dinas_book, keep_vba=True)
    try:
        steps = [n for n in wb.sheetnames if n[0] == "L" and n[1].isdigit()]
        assert steps == [
            "L1 Disposisi",
            "L2 Persiapan Data",
            "L3 Penyusunan",
            "L4 Pembahasan",
            "L5 Pemeriksaan",
            "L6 Paraf",
            "L7 Penetapan",
        ]
        assert [t for n in steps for t in wb[n].tables] == [f"tblLangkah{i}" for i in range(1, 8)]
        peran = wb["Pengaturan"].tables["tblPeranLangkah"].ref
        rows = list(wb["Pengaturan"][peran])[1:]
        assert [r[2].value for r in rows] == [
            "Kepala Dinas",
            "Kasubbag Program dan Keuangan",
            "Kasubbag Program dan Keuangan",
            "Sekretaris Dinas",
            "Sekretaris Dinas",
            "Kepala Bidang",
            "Kepala Dinas",
        ]
        sop_sheet = "\n".join(str(c.value) for row in wb["SOP"].iter_rows() for c in row if c.value)
        assert NOMOR in sop_sheet and "KABUPATEN CONTOH - DINAS KOMUNIKASI DAN INFORMATIKA" in sop_sheet
        assert "1 Juni 2024" not in sop_sheet and "3 Juni 2024" in sop_sheet  # tanggal revisi
        assert "Neglasari" not in sop_sheet and "Camat" not in sop_sheet
        assert wb["Beranda"]["C4"].value == UNIT
        assert wb["L1 Disposisi"].oddHeader.left.text.endswith(UNIT)
        assert wb["L7 Penetapan"].oddHeader.right.text.endswith(NOMOR)
        # a button per step, the paraf step's included
        assert "Kepala Bidang" in wb["L6 Paraf"]["A2"].value
    finally:
        wb.close()
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(dinas_book))
    try:
        code = {stream.split("/")[-1]: text for _, stream, _, text in parser.extract_macros()}
    finally:
        parser.close()
    assert "Tombol_Paraf" in code["RenaksiTombol"]
    assert "L7 Penetapan" in code["RenaksiLayout"] and "L6 Paraf" in code["RenaksiLayout"]
    vml = _vml_text(dinas_book)
    for caption in ("6. Paraf", "7. Tetapkan", "Kembalikan ke Langkah 3", "[0]!Tombol_Paraf"):
        assert caption in vml, caption


def _vml_text(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".vml"))


def test_disposisi_to_penetapan_headless(dinas_book, tmp_path, capsys):
    book = tmp_path / dinas_book.name
    book.write_bytes(dinas_book.read_bytes())
    dpa = tmp_path / "DPA_Diskominfo_2025.csv"
    dpa.write_text(DPA_CSV, encoding="utf-8")
    assert run("pengaturan", book, "--dari", KANTOR) == 0

    assert (
        run(
            "run",
            "catat-disposisi",
            book,
            "--pejabat",
            KADIS,
            "--waktu",
            "2025-01-06T09:00",
            "--catatan",
            "Susun Rencana Aksi 2025",
            "--kepada",
            "Kasubbag Program dan Keuangan",
        )
        == 0
    )
    assert (
        run("run", "tarik-dpa", book, "--pejabat", KASUBBAG, "--waktu", "2025-01-06T10:00", "--dpa", dpa) == 0
    )
    assert run("run", "susun", book, "--pejabat", KASUBBAG, "--waktu", "2025-01-07T10:00") == 0
    assert (
        run(
            "run",
            "catat-pembahasan",
            book,
            "--pejabat",
            SEKDIS,
            "--waktu",
            "2025-01-07T13:00",
            "--peserta",
            "Sekretaris Dinas, para Kepala Bidang",
            "--keputusan",
            "Diteruskan",
        )
        == 0
    )
    assert run("run", "validasi", book, "--pejabat", SEKDIS, "--waktu", "2025-01-07T13:30") == 0
    assert run("run", "paraf-pemeriksaan", book, "--pejabat", SEKDIS, "--waktu", "2025-01-07T14:00") == 0
    # the Kepala Dinas cannot skip the Kepala Bidang's paraf (step 6), and may not initial it
    before = book.read_bytes()
    assert run("run", "tetapkan", book, "--pejabat", KADIS, "--waktu", "2025-01-07T14:10") == 1
    assert run("run", "paraf", book, "--pejabat", KADIS, "--waktu", "2025-01-07T14:10") == 1
    assert book.read_bytes() == before
    assert "Kepala Bidang" in capsys.readouterr().err
    assert run("run", "paraf", book, "--pejabat", KABID, "--waktu", "2025-01-07T15:00") == 0
    # kembalikan returns to the susun step (3); then 3..7 again
    assert (
        run(
            "run",
            "kembalikan",
            book,
            "--pejabat",
            KADIS,
            "--waktu",
            "2025-01-08T08:00",
            "--catatan",
            "Target TW II terlalu rendah",
        )
        == 0
    )
    st = _log(book)[-1]
    assert st["Aksi"] == "kembalikan" and "Dikembalikan ke Langkah 3 dari Langkah 7" in st["Keterangan"]
    assert run("run", "susun", book, "--pejabat", KASUBBAG, "--waktu", "2025-01-08T10:00") == 0
    assert (
        run(
            "run",
            "catat-pembahasan",
            book,
            "--pejabat",
            SEKDIS,
            "--waktu",
            "2025-01-08T13:00",
            "--peserta",
            "Sekretaris Dinas",
            "--keputusan",
            "Disetujui",
        )
        == 0
    )
    assert run("run", "paraf-pemeriksaan", book, "--pejabat", SEKDIS, "--waktu", "2025-01-08T14:00") == 0
    assert run("run", "paraf", book, "--pejabat", KABID, "--waktu", "2025-01-08T14:30") == 0
    assert run("run", "tetapkan", book, "--pejabat", KADIS, "--waktu", "2025-01-08T15:00") == 0

    b = headless.open_book(book)
    assert tables.named_range(b, "nmStatusDokumen").value == layout.STATUS_DITETAPKAN
    assert "Langkah 7 selesai" in tables.named_range(b, "nmTahap").value
    log = _log(book)
    assert [r["Langkah"] for r in log if r["Aksi"] == "paraf"] == [6, 6]
    assert log[-1]["Peran"] == "Kepala Dinas" and log[-1]["Pengesahan"] == "Tanda Tangan"
    progres = tables.read_table(b, layout.TBL_PROGRES).records()
    assert [r["Pelaksana"] for r in progres][5] == "Kepala Bidang"
    assert all(r["Status"] == "Selesai" for r in progres)
    wb = openpyxl.load_workbook(book, keep_vba=True)
    assert wb["L7 Penetapan"].protection.sheet and wb["L6 Paraf"].protection.sheet
    wb.close()

    capsys.readouterr()
    assert run("verify", book) == 0
    out = capsys.readouterr().out
    assert "UTUH" in out and NOMOR in out and UNIT in out and "Neglasari" not in out
    assert run("verify", book, "--sop", SOP_FILE) == 0
    capsys.readouterr()
    # against the SOP a Neglasari verifier trusts, the workbook's SOP and roles differ: exit 1
    assert run("verify", book, "--sop", sop.shipped_path()) == 1
    assert "SOP TIDAK SESUAI" in capsys.readouterr().out

    pdf = tmp_path / "Dokumen.pdf"
    assert run("pdf", book, "--out", pdf) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert NOMOR in text and UNIT.upper() in text and "KEPALA DINAS KOMUNIKASI DAN INFORMATIKA" in text
    assert "Dr. Rahmat Hidayat" in text and "Kepala Bidang" in text
    assert "neglasari" not in text.lower() and "camat" not in text.lower()

    eml = tmp_path / "review.eml"
    assert run("email", book, "--ke", "Kepala Bidang", "--out", eml) == 0
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    body = msg.get_body(("plain",)).get_content()
    assert msg["To"].addresses[0].addr_spec == "kabid@diskominfo.contoh.go.id"
    assert UNIT in msg["Subject"] and NOMOR in body and "Yth. Kepala Bidang (Maya Anggraini" in body
    assert "neglasari" not in (msg["Subject"] + body).lower()

    rekap = tmp_path / "rekap.xlsx"
    run("validate", book, "--rekap", rekap)
    ws = openpyxl.load_workbook(rekap).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert UNIT in values and not any("Neglasari" in str(v) for v in values)


def _log(path: Path) -> list[dict]:
    return tables.read_table(headless.open_book(path), layout.TBL_LOG).records()


def test_build_writes_nothing_for_a_bad_sop(tmp_path, capsys):
    bad = tmp_path / "sop.toml"
    bad.write_text(
        SOP_FILE.read_text(encoding="utf-8").replace('jenis = "paraf"', 'jenis = "parap"'), "utf-8"
    )
    out = tmp_path / "x.xlsm"
    assert run("build", "--sop", bad, "--out", out) == 2
    err = capsys.readouterr().err
    assert "langkah[6].jenis" in err and "parap" in err and str(bad) in err
    assert not out.exists() and not list(tmp_path.glob(".~*"))


def test_help_describes_the_new_options():
    out = subprocess.run(
        [str(Path(cli.__file__).parents[1] / ".venv" / "bin" / "renaksi-xl"), "build", "--help"],
        capture_output=True,
        text=True,
    ).stdout
    assert "--sop SOP.toml" in out
