"""`renaksi-xl capaian` on hostile workbooks: exit 2, a message naming the place,
the file untouched (it reads without the remote engine, so it applies the reading limits itself)."""

from __future__ import annotations

import pytest

from renaksi_xl import cli, layout
from tests.hostile import books as b

AKSI = layout.SHEET_REALISASI_AKSI


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (b.far_cell(AKSI, "XFD1048576"), "XFD"),
        (b.far_cell_spelled(AKSI, "XFD1048576", '<c\nr="{ref}">'), "XFD1048576"),
        (b.far_cell_spelled(layout.SHEET_RENCANA, "XFD1048576", "<c r = '{ref}'>"), "XFD1048576"),
        (b.far_cell(layout.SHEET_RENCANA, "B150000"), "150000"),
        (b.far_cell(AKSI, "IV9000"), "sel per lembar"),
        (b.rows_without_refs(AKSI, 500_000, 3), "batas baca"),
        (b.table_ref(layout.TBL_REALISASI_AKSI, "A4:K9999999"), "tblRealisasiAksi"),
        (b.table_ref(layout.TBL_RENCANA, "ZZZZ"), "tblRencanaAksi"),
        (b.bad_crc(AKSI), "rusak"),
        (b.broken_xml(lambda p: b.table_part(p, layout.TBL_REALISASI_KINERJA)), "rusak"),
        (b.bomb(200 * 1024 * 1024), "batas"),
        (b.truncated, "bukan buku kerja"),
    ],
    ids=[
        "far-xfd",
        "far-xfd-newline",
        "far-xfd-quotes",
        "far-row",
        "wide",
        "rows-without-refs",
        "ref-huge",
        "ref-garbage",
        "crc",
        "xml",
        "bomb",
        "cut",
    ],
)
def test_hostile_workbook(built_workbook, make, fragment, capsys):
    make(built_workbook)
    before = built_workbook.read_bytes()
    assert cli.main(["capaian", str(built_workbook), "--json"]) == 2  # how long: bench/bench_hostile_files.py
    err = capsys.readouterr().err
    assert fragment in err, err
    assert built_workbook.read_bytes() == before


def test_infinite_number_is_a_warning_not_a_figure(built_workbook, capsys):
    import json

    from renaksi_xl.validators import sample

    sample.write_plan(built_workbook, sample.add_realisasi(sample.clean_plan(1, 1), 1))
    b.cell(AKSI, "D5", b.number("D5", "1" * 5000))(built_workbook)
    assert cli.main(["capaian", str(built_workbook), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rencana_aksi"][0]["realisasi"] is None
    assert any("D5" in w for w in out["warnings"])


def test_no_temporary_workbook_is_left_behind(built_workbook, tmp_path, monkeypatch, capsys):
    """calamine_gate writes a container per sheet; a refusal after some were written (a far cell on
    the last sheet scanned) and a normal run both leave none behind."""
    import tempfile

    from renaksi_xl.validators import sample

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    sample.write_plan(built_workbook, sample.add_realisasi(sample.clean_plan(3, 2), 1))
    assert cli.main(["capaian", str(built_workbook), "--json"]) == 0
    assert list(scratch.iterdir()) == []
    b.far_cell(AKSI, "XFD1048576")(built_workbook)
    assert cli.main(["capaian", str(built_workbook), "--json"]) == 2
    assert "XFD1048576" in capsys.readouterr().err
    assert list(scratch.iterdir()) == []
