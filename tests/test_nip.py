"""NIP checks (issue 11 item 4): 18 digits whose parts make sense, everywhere a NIP enters.

The layout of a NIP (BKN; e.g. 198303302001121003): digits 1-8 the birth date yyyymmdd,
9-14 the TMT (appointment) yyyymm, 15 the sex (1 or 2), 16-18 a sequence number.
"""

import datetime as dt

import pytest

from renaksi_xl import cli, headless, layout, server, tables
from renaksi_xl.errors import InputError
from renaksi_xl.nip import nip_problem

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    "nip", ["198303302001121003", "197804122003121002", "199202292015031001", "196512311990032002"]
)
def test_sound_nips(nip):
    assert nip_problem(nip, TODAY) is None


@pytest.mark.parametrize(
    ("nip", "part"),
    [
        ("19900303201503100", "18 angka, bukan 17"),  # the 17-digit NIP
        ("1990030320150310011", "18 angka, bukan 19"),
        ("19900303 201503 1 001", "tanpa spasi"),
        ("199013032015031001", "tanggal lahir"),  # month 13
        ("199102292015031001", "tanggal lahir"),  # 29 February of a common year
        ("190001012015031001", "tanggal lahir"),  # born 1900
        ("203001012015031001", "tanggal lahir"),  # born in the future
        ("199003032015001001", "TMT"),  # TMT month 00
        ("199003031985031001", "TMT"),  # appointed before birth
        ("199003032015033001", "angka ke-15"),  # sex digit 3
        ("199003032015030001", "angka ke-15"),  # sex digit 0
    ],
)
def test_wrong_part_is_named(nip, part):
    problem = nip_problem(nip, TODAY)
    assert problem is not None and part in problem


def test_run_pejabat_option(built_workbook, capsys):
    before = built_workbook.read_bytes()
    code = cli.main(["run", "catat-disposisi", str(built_workbook), "--pejabat", "19900303201503100"])
    assert code == 2 and "18 angka, bukan 17" in capsys.readouterr().err
    assert built_workbook.read_bytes() == before


def test_pengaturan_cell_is_named(built_workbook, capsys):
    rows = [["Camat", "Budi", "198303302001121003"], ["Sekretaris Camat", "Sari", "198507122010013005"]]
    headless.run_on_file(built_workbook, lambda b: tables.write_table(b, layout.TBL_PEJABAT, rows))
    before = built_workbook.read_bytes()
    code = cli.main(
        ["run", "catat-disposisi", str(built_workbook), "--pejabat", "198303302001121003", "--catatan", "x"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "198507122010013005" in err and "angka ke-15" in err and "A6" not in err
    assert "C6" in err and layout.TBL_PEJABAT in err
    assert built_workbook.read_bytes() == before


def test_server_config(tmp_path):
    cfg = tmp_path / "server.toml"
    cfg.write_text(
        f'[tokens."{server.hash_token("t")}"]\nnip = "198303302001131003"\nrole = "Camat"\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="TMT"):
        server.load_config(cfg)
