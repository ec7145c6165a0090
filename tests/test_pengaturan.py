"""`renaksi-xl pengaturan BOOK --dari KANTOR.toml`: Pengaturan without Excel (issue 11 item 3)."""

import email
import email.policy
from pathlib import Path

import openpyxl
import pytest

from renaksi_xl import cli, headless, layout, tables

NIP_CAMAT = "198303302001121003"
NIP_SEKCAM = "198507122010012005"
NIP_KASUBAG = "199002152015031001"
KANTOR = f"""
[setelan]
unit = "Kecamatan Contoh"
pemda = "Kota Contoh"
tahun = 2026
jam_masuk = "07:30"

[[pejabat]]
peran = "Camat"
nama = "Budi Camat"
nip = "{NIP_CAMAT}"
email = "camat@contoh.go.id"

[[pejabat]]
peran = "Sekretaris Camat"
nama = "Sari Sekcam"
nip = "{NIP_SEKCAM}"

[[pejabat]]
peran = "Kasubag Perencanaan dan Keuangan"
nama = "Agus Kasubag"
nip = "{NIP_KASUBAG}"
email = "kasubag@contoh.go.id"

[[libur]]
tanggal = 2026-04-20
keterangan = "Hari jadi Kota Contoh"
jenis = "Libur"
"""


def run(*args) -> int:
    return cli.main([str(a) for a in args])


def write(tmp_path: Path, text: str, name="kantor.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def settings(path):
    return tables.read_settings(headless.open_book(path))


def pejabat(path):
    return tables.read_table(headless.open_book(path), layout.TBL_PEJABAT).records()


def log(path):
    return tables.read_table(headless.open_book(path), layout.TBL_LOG).records()


def test_fills_pengaturan_beranda_headers_and_logs(built_workbook, tmp_path, capsys):
    assert run("pengaturan", built_workbook, "--dari", write(tmp_path, KANTOR)) == 0
    s = settings(built_workbook)
    assert s[layout.SET_UNIT] == "Kecamatan Contoh" and str(s[layout.SET_TAHUN]) == "2026"
    assert s[layout.SET_JAM_MASUK] == "07:30"
    people = {p["Peran"]: p for p in pejabat(built_workbook)}
    assert people["Camat"]["Nama"] == "Budi Camat" and people["Camat"]["NIP"] == NIP_CAMAT
    assert people["Camat"]["Email"] == "camat@contoh.go.id" and not people["Sekretaris Camat"]["Email"]
    assert len(pejabat(built_workbook)) == 3  # the blank rows of the roles were filled, not added to
    book = headless.open_book(built_workbook)
    assert tables.named_range(book, "nmUnit").value == "Kecamatan Contoh"
    assert str(tables.named_range(book, "nmTahun").value) == "2026"
    libur = tables.read_table(book, layout.TBL_LIBUR).records()
    assert [str(r["Tanggal"])[:10] for r in libur] == ["2026-04-20"]
    entry = log(built_workbook)[-1]
    assert (
        entry["Aksi"] == "pengaturan"
        and "Unit Kerja: 'Kecamatan Neglasari' -> 'Kecamatan Contoh'" in entry["Keterangan"]
    )
    wb = openpyxl.load_workbook(built_workbook, keep_vba=True)
    assert wb["Rencana Aksi"].oddHeader.left.text == "Rencana Aksi Kecamatan Contoh"
    assert wb["Pengaturan"]["C5"].number_format == "@"  # NIPs stay text
    wb.close()
    # the same file again: nothing changes, nothing logged
    n = len(log(built_workbook))
    assert run("pengaturan", built_workbook, "--dari", tmp_path / "kantor.toml") == 0
    assert len(log(built_workbook)) == n
    # the rekap reports the unit Pengaturan says
    rekap = tmp_path / "rekap.xlsx"
    run("validate", built_workbook, "--rekap", rekap)
    values = [c.value for row in openpyxl.load_workbook(rekap).active.iter_rows() for c in row]
    assert "Kecamatan Contoh" in values and "Kecamatan Neglasari" not in values
    # email --ke uses the official's email
    eml = tmp_path / "x.eml"
    capsys.readouterr()
    assert run("email", built_workbook, "--ke", "Camat", "--out", eml) == 0
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == "camat@contoh.go.id" and "Kecamatan Contoh" in msg["Subject"]
    assert "alamat email penerima belum ada" not in capsys.readouterr().out  # it is there


def test_a_formula_in_the_file_stays_text_in_the_workbook(built_workbook, tmp_path, capsys):
    """`pengaturan` writes through the same text guard as every action (found by the rekap tests:
    before, `unit = "=HYPERLINK(...)"` became a live formula in Pengaturan and on Beranda)."""
    hostile = '=HYPERLINK("http://contoh.invalid","klik")'
    path = write(tmp_path, f"[setelan]\nunit = '{hostile}'\n")
    assert run("pengaturan", built_workbook, "--dari", path) == 0
    wb = openpyxl.load_workbook(built_workbook)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == hostile]
    assert {c.parent.title for c in cells} == {layout.SHEET_PENGATURAN, layout.SHEET_BERANDA}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    capsys.readouterr()
    assert run("verify", built_workbook) == 0


def test_rekap_follows_a_manual_edit_of_pengaturan(built_workbook, tmp_path):
    headless.run_on_file(built_workbook, lambda b: tables.write_setting(b, layout.SET_UNIT, "Kecamatan Lain"))
    rekap = tmp_path / "rekap.xlsx"
    run("validate", built_workbook, "--rekap", rekap)
    values = [c.value for row in openpyxl.load_workbook(rekap).active.iter_rows() for c in row]
    assert "Kecamatan Lain" in values and "Kecamatan Neglasari" not in values


def test_after_step_1_only_new_officials_and_emails(built_workbook, tmp_path, capsys):
    assert run("pengaturan", built_workbook, "--dari", write(tmp_path, KANTOR)) == 0
    assert (
        run(
            "run",
            "catat-disposisi",
            built_workbook,
            "--pejabat",
            NIP_CAMAT,
            "--catatan",
            "Susun",
            "--waktu",
            "2026-01-05T09:00",
        )
        == 0
    )
    before = built_workbook.read_bytes()
    changed_unit = write(tmp_path, KANTOR.replace("Kecamatan Contoh", "Kecamatan Baru"), "a.toml")
    assert run("pengaturan", built_workbook, "--dari", changed_unit) == 1
    assert "Langkah 1 sudah tercatat" in capsys.readouterr().err
    renamed = write(tmp_path, KANTOR.replace("Budi Camat", "Budi Lain"), "b.toml")
    assert run("pengaturan", built_workbook, "--dari", renamed) == 1
    assert built_workbook.read_bytes() == before
    # an email where there was none, and a new official: allowed, and logged
    more = (
        KANTOR.replace('nama = "Sari Sekcam"', 'nama = "Sari Sekcam"\nemail = "sekcam@contoh.go.id"')
        + '\n[[pejabat]]\nperan = "Sekretaris Camat"\nnama = "Plh Sekcam"\nnip = "198811032012122001"\n'
    )
    assert run("pengaturan", built_workbook, "--dari", write(tmp_path, more, "c.toml")) == 0
    people = pejabat(built_workbook)
    assert len(people) == 4 and people[1]["Email"] == "sekcam@contoh.go.id"
    assert "Plh Sekcam" in log(built_workbook)[-1]["Keterangan"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[setelan]\ntahun = "25"\n', "setelan.tahun"),
        ('[setelan]\nmode = "Awan"\n', "setelan.mode"),
        ('[setelan]\nwarna = "biru"\n', "setelan.warna"),
        ('[[pejabat]]\nperan = "Camat"\nnama = "X"\nnip = "19900303201503100"\n', "18 angka, bukan 17"),
        ('[[pejabat]]\nperan = "Camat"\nnama = "X"\nnip = 198303302001121003\n', "pejabat[1].nip"),
        ('[[pejabat]]\nperan = "Camat"\nnama = "X"\nnip = "198313302001121003"\n', "tanggal lahir"),
        ('[[pejabat]]\nperan = "Lurah"\nnama = "X"\nnip = "198303302001121003"\n', "pejabat[1].peran"),
        ('[[pejabat]]\nperan = "Camat"\nnama = "X"\nnip = "198303302001121003"\nemail = "x"\n', "email"),
        ('[[libur]]\ntanggal = "31-03-2025"\nketerangan = "x"\n', "libur[1].tanggal"),
        ("[setelan\n", "bukan TOML"),
    ],
)
def test_bad_file_is_refused_naming_the_key(built_workbook, tmp_path, capsys, text, fragment):
    before = built_workbook.read_bytes()
    assert run("pengaturan", built_workbook, "--dari", write(tmp_path, text)) == 2
    assert fragment in capsys.readouterr().err
    assert built_workbook.read_bytes() == before
