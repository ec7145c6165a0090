"""Capaian (issue 13): every case computed by hand from the issue's definitions.

Naik: realisasi / target x 100.  Turun: (2 x target - realisasi) / target x 100, not below 0.
Target 0 or empty: capaian empty, with a warning.  Serapan = realisasi keuangan / pagu x 100.
Deviasi = (realisasi keuangan - rencana s.d. TW) / pagu x 100.  Target of TW k = Target s.d. TW k.
"""

from __future__ import annotations

import json
import shutil

import pytest

from renaksi_xl import capaian, cli, headless, layout, table_reader, tables
from renaksi_xl.errors import InputError
from renaksi_xl.tables import TableData


# --------------------------------------------------------------------------- the formulas
@pytest.mark.parametrize(
    ("target", "realisasi", "arah", "expected"),
    [
        (4, 3, "Naik", 75.0),  # 3 / 4 x 100
        (4, 5, "Naik", 125.0),  # above target: 5 / 4 x 100
        (3, 2, "Naik", 66.67),  # 2 / 3 x 100 = 66.666.. -> 66.67
        (10, 8, "Turun", 120.0),  # (2 x 10 - 8) / 10 x 100 = 12 / 10 x 100
        (10, 12, "Turun", 80.0),  # (20 - 12) / 10 x 100
        (10, 10, "Turun", 100.0),
        (10, 25, "Turun", 0.0),  # (20 - 25) / 10 x 100 = -50 -> not below 0
        (10, 20, "Turun", 0.0),  # exactly 0
        (0, 5, "Naik", None),  # target 0: empty
        (None, 5, "Naik", None),  # target empty: empty
        (0, 5, "Turun", None),
        (4, None, "Naik", None),  # no realisasi: empty
    ],
)
def test_capaian_definition(target, realisasi, arah, expected):
    assert capaian.round2(capaian.capaian_persen(target, realisasi, arah)) == expected


def test_serapan_and_deviasi_definition():
    # pagu 12.000.000, rencana s.d. TW II 6.000.000, realisasi 5.400.000
    assert capaian.serapan_persen(5_400_000, 12_000_000) == pytest.approx(45.0)  # 5,4 / 12 x 100
    assert capaian.deviasi_persen(5_400_000, 6_000_000, 12_000_000) == pytest.approx(-5.0)  # -0,6 / 12 x 100
    assert capaian.serapan_persen(5_400_000, 0) is None
    assert capaian.serapan_persen(None, 12_000_000) is None
    assert capaian.deviasi_persen(5_400_000, None, 12_000_000) is None
    assert capaian.deviasi_persen(5_400_000, 6_000_000, None) is None


def test_round2_is_half_up():
    assert capaian.round2(66.665) == 66.67
    assert capaian.round2(12.345) == 12.35
    assert capaian.round2(None) is None


@pytest.mark.parametrize(
    ("text", "k"),
    [
        ("I", 1),
        ("II", 2),
        ("iii", 3),
        ("TW IV", 4),
        ("Triwulan 2", 2),
        (1, 1),
        (3, 3),
        (4, 4),
        (3.0, 3),
        ("TWII", 2),
    ],
)
def test_quarter_of_accepts_what_staff_write(text, k):
    assert capaian.quarter_of(text) == k


@pytest.mark.parametrize("text", ["V", "", None, 0, 5, 2.5, "Semester I", True])
def test_quarter_of_refuses_the_rest(text):
    assert capaian.quarter_of(text) is None


def test_arah_empty_is_naik_and_unknown_is_none():
    assert capaian.arah_of(None) == "Naik"
    assert capaian.arah_of("  ") == "Naik"
    assert capaian.arah_of("turun") == "Turun"
    assert capaian.arah_of("Menurun") is None


# --------------------------------------------------------------------------- tables by hand
def _table(name: str, rows: list[dict], *, drop: tuple[str, ...] = ()) -> TableData:
    spec = layout.table(name)
    header = [h for h in spec.headers if h not in drop]
    grid = [[r.get(h) for h in header] for r in rows]
    return TableData(spec, header, grid, list(range(spec.header_row + 1, spec.header_row + 1 + len(rows))), 1)


def _plan_row(
    kode,
    indikator,
    targets,
    *,
    fisik=(25, 50, 75, 100),
    pagu=12_000_000,
    keuangan=None,
    arah=None,
    sifat="Kumulatif",
):
    keuangan = keuangan or (3_000_000, 6_000_000, 9_000_000, 12_000_000)
    row = {
        layout.H_KODE_SUB: kode,
        layout.H_INDIKATOR_KELUARAN: indikator,
        layout.H_SIFAT_TARGET: sifat,
        layout.H_PAGU: pagu,
        layout.H_ARAH: arah,
    }
    row.update(zip(layout.TARGET_TW, targets))
    row.update(zip(layout.FISIK_TW, fisik))
    row.update(zip(layout.KEUANGAN_TW, keuangan))
    return row


def _real(tw, kode, indikator, value, fisik=None, keuangan=None):
    return {
        layout.H_TRIWULAN: tw,
        layout.H_KODE_SUB: kode,
        layout.H_INDIKATOR_KELUARAN: indikator,
        layout.H_REALISASI: value,
        layout.H_REALISASI_FISIK: fisik,
        layout.H_REALISASI_KEUANGAN: keuangan,
    }


K1, K2 = "7.01.01.2.01.0001", "7.01.01.2.01.0002"


def _book(plan, real, kinerja=(), real_kinerja=(), *, drop_arah=False):
    drop = (layout.H_ARAH,) if drop_arah else ()
    return capaian.book_of_tables(
        _table(layout.TBL_RENCANA, list(plan), drop=drop),
        _table(layout.TBL_KINERJA, list(kinerja), drop=drop),
        _table(layout.TBL_REALISASI_AKSI, list(real)),
        _table(layout.TBL_REALISASI_KINERJA, list(real_kinerja)),
        file="uji.xlsm",
    )


def test_two_indicators_of_one_sub_kegiatan_are_kept_apart():
    """Issue 12: several Keluaran indicators per sub kegiatan; capaian keys on (kode, indikator)."""
    plan = [
        _plan_row(K1, "Jumlah dokumen", (1, 2, 3, 4)),
        _plan_row(K1, "Jumlah rapat", (3, 6, 9, 12)),
    ]
    real = [
        _real("II", K1, "Jumlah rapat", 3, 40, 5_400_000),  # 3 / 6 = 50 %
        _real("II", K1, "Jumlah dokumen", 2, 50, 5_400_000),  # 2 / 2 = 100 %
    ]
    cap = _book(plan, real).for_quarter(2)
    by = {r.indikator_keluaran: r for r in cap.rencana_aksi}
    assert by["Jumlah dokumen"].capaian_persen == 100.0
    assert by["Jumlah rapat"].capaian_persen == 50.0
    assert by["Jumlah rapat"].target == 6
    # money: serapan 5,4 / 12 = 45 %, deviasi (5,4 - 6) / 12 = -5 %
    assert by["Jumlah rapat"].serapan_persen == 45.0
    assert by["Jumlah rapat"].deviasi_persen == -5.0
    assert by["Jumlah rapat"].keuangan_rencana == 6_000_000
    assert by["Jumlah rapat"].fisik_target == 50 and by["Jumlah rapat"].fisik_realisasi == 40


def test_turun_indicator_in_the_plan():
    plan = [_plan_row(K1, "Angka kemiskinan", (10, 10, 10, 10), arah="Turun", sifat="Tetap")]
    cap = _book(plan, [_real("I", K1, "Angka kemiskinan", 12)]).for_quarter(1)
    assert cap.rencana_aksi[0].capaian_persen == 80.0  # (20 - 12) / 10 x 100


def test_plan_without_arah_column_reads_as_naik():
    """A workbook made before the Arah column existed: every indicator is Naik."""
    plan = [_plan_row(K1, "Jumlah dokumen", (2, 4, 6, 8))]
    data = _book(plan, [_real("I", K1, "Jumlah dokumen", 3)], drop_arah=True)
    assert data.for_quarter(1).rencana_aksi[0].capaian_persen == 150.0  # 3 / 2 x 100


def test_akhir_tahun_target_zero_gives_empty_capaian_and_a_warning():
    plan = [_plan_row(K1, "Jumlah perda", (0, 0, 0, 1), sifat="Akhir Tahun")]
    cap = _book(plan, [_real("I", K1, "Jumlah perda", 0)]).for_quarter(1)
    assert cap.rencana_aksi[0].capaian_persen is None
    assert any("target s.d. TW I 0" in w and "Jumlah perda" in w for w in cap.warnings)


def test_empty_target_gives_empty_capaian_and_a_warning():
    plan = [_plan_row(K1, "Jumlah dokumen", (None, 2, 3, 4))]
    cap = _book(plan, [_real("I", K1, "Jumlah dokumen", 1)]).for_quarter(1)
    assert cap.rencana_aksi[0].capaian_persen is None
    assert any("target s.d. TW I kosong" in w for w in cap.warnings)


def test_kinerja_capaian():
    kinerja = [
        {
            layout.H_INDIKATOR_KINERJA: "Nilai SAKIP",
            layout.H_SIFAT_TARGET: "Tetap",
            **dict.fromkeys(layout.TARGET_TW, 72),
        },
        {
            layout.H_INDIKATOR_KINERJA: "Jumlah aduan",
            layout.H_SIFAT_TARGET: "Kumulatif",
            layout.H_ARAH: "Turun",
            **dict(zip(layout.TARGET_TW, (5, 10, 15, 20))),
        },
    ]
    real_k = [
        {layout.H_TRIWULAN: "III", layout.H_INDIKATOR_KINERJA: "Nilai SAKIP", layout.H_REALISASI: 54},
        {layout.H_TRIWULAN: "III", layout.H_INDIKATOR_KINERJA: "Jumlah aduan", layout.H_REALISASI: 12},
    ]
    cap = _book([], [], kinerja, real_k).for_quarter(3)
    by = {r.indikator_kinerja: r for r in cap.kinerja}
    assert by["Nilai SAKIP"].capaian_persen == 75.0  # 54 / 72 x 100
    assert by["Jumlah aduan"].capaian_persen == 120.0  # (30 - 12) / 15 x 100


def test_default_quarter_is_the_latest_with_any_realisasi():
    plan = [_plan_row(K1, "Jumlah dokumen", (1, 2, 3, 4))]
    data = _book(plan, [_real("I", K1, "Jumlah dokumen", 1), _real("III", K1, "Jumlah dokumen", 3)])
    assert capaian.choose_quarter(data, None) == 3
    assert capaian.choose_quarter(data, "II") == 2
    with pytest.raises(InputError):
        capaian.choose_quarter(data, "V")
    with pytest.raises(InputError, match="Belum ada realisasi"):
        capaian.choose_quarter(_book(plan, []), None)


def test_unknown_rows_are_named_not_dropped_silently():
    plan = [_plan_row(K1, "Jumlah dokumen", (1, 2, 3, 4))]
    real = [
        _real("V", K1, "Jumlah dokumen", 1),
        _real("I", K2, "Jumlah dokumen", 1),
        _real("I", K1, "Jumlah dokumen", "satu"),
    ]
    data = _book(plan, real)
    text = " ".join(data.for_quarter(1).warnings)
    assert "Triwulan 'V' tidak dikenal" in text
    assert K2 in text and "tidak ada di rencana" in text
    assert "'satu' bukan angka" in text and "sel D7" in text


def test_quarter_summary_counts_money_once_per_sub_kegiatan():
    """tblCapaianTW: pagu-weighted fisik; serapan over the sub kegiatan (two indicators share a pagu)."""
    plan = [
        _plan_row(
            K1, "A", (1, 2, 3, 4), pagu=10_000_000, keuangan=(2e6, 5e6, 7e6, 10e6), fisik=(20, 50, 70, 100)
        ),
        _plan_row(
            K1, "B", (1, 2, 3, 4), pagu=10_000_000, keuangan=(2e6, 5e6, 7e6, 10e6), fisik=(20, 50, 70, 100)
        ),
        _plan_row(
            K2, "C", (1, 2, 3, 4), pagu=30_000_000, keuangan=(3e6, 12e6, 21e6, 30e6), fisik=(10, 40, 70, 100)
        ),
    ]
    real = [
        _real("II", K1, "A", 2, 40, 4_000_000),
        _real("II", K1, "B", 1, 40, 4_000_000),
        _real("II", K2, "C", 2, 30, 9_000_000),
    ]
    s = _book(plan, real).summary(2)
    # pagu 10 + 30 = 40 juta; target fisik (50x10 + 40x30) / 40 = 42,5; realisasi (40x10 + 30x30) / 40 = 32,5
    exact = {"rel": 1e-12}  # a sum started at 1 instead of 0 shows
    assert s.target_fisik == pytest.approx(42.5, **exact)
    assert s.realisasi_fisik == pytest.approx(32.5, **exact)
    # rencana (5 + 12) / 40 = 42,5 %; serapan (4 + 9) / 40 = 32,5 %; deviasi -10 %
    assert s.rencana_serapan == pytest.approx(42.5, **exact)
    assert s.serapan == pytest.approx(32.5, **exact)
    assert s.deviasi == pytest.approx(-10.0, **exact)
    # capaian A 100, B 50, C 100: mean 83,33
    assert capaian.round2(s.capaian_rata_rata) == 83.33
    assert _book(plan, real).summary(1).row()[1:] == [None] * 6  # no realisasi in TW I: nothing to chart


def test_numbers_typed_as_text_count_and_a_blank_plan_row_stops_nothing():
    plan = [
        _plan_row(K1, "A", (1, 2, 3, 4)),
        {layout.H_KODE_SUB: None, layout.H_INDIKATOR_KELUARAN: "  "},  # an empty row between the rows
        _plan_row(K2, "C", (2, 4, 6, 8)),
    ]
    real = [_real("II", K1, "A", "2"), _real("II", K2, "C", 3)]  # '2' typed as text
    cap = _book(plan, real).for_quarter(2)
    assert [(r.kode_sub_kegiatan, r.realisasi, r.capaian_persen) for r in cap.rencana_aksi] == [
        (K1, 2, 100.0),
        (K2, 3, 75.0),
    ]


def test_summary_text_counts_under_100_and_render_text_lists_kinerja():
    cap = capaian.Capaian("x.xlsm", 1)
    cap.rencana_aksi.append(capaian.AksiCapaian(K1, "A", 4, 4, 100.0, 25, 25, 1, 1, 8.33, 0.0))
    cap.rencana_aksi.append(capaian.AksiCapaian(K2, "B", 4, 3, 75.0, 25, 20, 1, 1, 8.33, 0.0))
    cap.kinerja.append(capaian.KinerjaCapaian("Nilai SAKIP", 70, 63, 90.0))
    assert "3 memiliki capaian, 2 di bawah 100%" in capaian.summary_text(cap)  # 100 is not under
    assert "- Nilai SAKIP: 70 | 63 | 90,00%" in capaian.render_text(cap)


# --------------------------------------------------------------------------- the command on a workbook
@pytest.fixture(scope="module")
def realised_book(tmp_path_factory):
    from renaksi_xl.validators import sample
    from renaksi_xl.xlsm.workbook import build_workbook

    path = tmp_path_factory.mktemp("capaian") / "kota.xlsm"
    build_workbook(path)
    plan = sample.clean_plan(3, 2)
    sample.add_realisasi(plan, 2)
    plan.realisasi_aksi[-1][3] = 1  # TW II, third sub kegiatan: 1 of target 3
    sample.write_plan(path, plan)
    return path


def test_cli_json_has_exactly_the_issue_keys(realised_book, capsys):
    assert cli.main(["capaian", str(realised_book), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["file", "triwulan", "rencana_aksi", "kinerja", "warnings"]
    assert out["triwulan"] == "II"  # the latest quarter with realisasi
    assert list(out["rencana_aksi"][0]) == [
        "kode_sub_kegiatan",
        "indikator_keluaran",
        "target",
        "realisasi",
        "capaian_persen",
        "fisik_target",
        "fisik_realisasi",
        "keuangan_rencana",
        "keuangan_realisasi",
        "serapan_persen",
        "deviasi_persen",
    ]
    assert list(out["kinerja"][0]) == ["indikator_kinerja", "target", "realisasi", "capaian_persen"]
    third = out["rencana_aksi"][2]
    # sample.clean_plan: third sub kegiatan target 4 + 2 = 6 a year, s.d. TW II 3
    assert third["target"] == 3 and third["realisasi"] == 1 and third["capaian_persen"] == 33.33


def test_cli_tw_option_and_text(realised_book, capsys):
    assert cli.main(["capaian", str(realised_book), "--tw", "I"]) == 0
    out = capsys.readouterr().out
    assert "Capaian Rencana Aksi TW I" in out and "100,00%" in out


def test_text_output_puts_fisik_target_before_realisasi():
    cap = capaian.Capaian("x.xlsm", 2)
    cap.rencana_aksi.append(
        capaian.AksiCapaian("7.01.01.2.01.0001", "Dokumen", 4, 3, 75.0, 50, 40, 100, 90, 45.0, -5.0)
    )
    text = capaian.render_text(cap)
    assert "fisik target/realisasi" in text and "| fisik 50/40% |" in text


def test_cli_exit_2_without_realisasi(built_workbook, capsys):
    assert cli.main(["capaian", str(built_workbook)]) == 2
    assert "Belum ada realisasi" in capsys.readouterr().err


def test_cli_exit_2_on_a_file_that_is_not_a_workbook(tmp_path, capsys):
    bad = tmp_path / "bukan.xlsm"
    bad.write_text("halo")
    assert cli.main(["capaian", str(bad)]) == 2
    assert "bukan.xlsm" in capsys.readouterr().err


def test_hitung_capaian_fills_the_sheet_the_charts_read(realised_book, tmp_path):
    from renaksi_xl.context import ActionContext
    from renaksi_xl.runner import run_action

    path = tmp_path / "b.xlsm"
    shutil.copyfile(realised_book, path)
    run_action(path, layout.ACTION_HITUNG_CAPAIAN, ActionContext(fields={"tw": "II"}))
    book = headless.open_book(path)
    rows = tables.read_table(book, layout.TBL_CAPAIAN_TW).rows
    assert [r[0] for r in rows] == ["TW I", "TW II", "TW III", "TW IV"]
    assert rows[0][1] == 25 and rows[0][2] == 25  # fisik: every sub kegiatan 25 % planned and done
    assert rows[2][1:] == [None] * 6  # nothing reported for TW III
    assert tables.named_range(book, "nmCapaianTriwulan").value == "TW II"
    aksi = tables.read_table(book, layout.TBL_CAPAIAN_AKSI)
    assert [r[aksi.col("Capaian (%)")] for r in aksi.rows] == [100, 100, 33.33]


def test_a_workbook_made_before_the_realisasi_sheets(built_workbook, capsys):
    """capaian names the missing sheet (exit 2); validate still checks the plan of such a workbook."""
    import openpyxl

    wb = openpyxl.load_workbook(built_workbook, keep_vba=True)
    for name in (layout.SHEET_REALISASI_AKSI, layout.SHEET_REALISASI_KINERJA):
        del wb[name]
    wb.save(built_workbook)
    assert cli.main(["capaian", str(built_workbook)]) == 2
    assert f"Lembar '{layout.SHEET_REALISASI_AKSI}' tidak ditemukan" in capsys.readouterr().err
    from renaksi_xl.validators import validate_book

    rules = {f.rule for f in validate_book(headless.open_book(built_workbook))}
    assert "DPA_KOSONG" in rules and not any(r.startswith("REALISASI") for r in rules)


def test_read_tables_matches_read_table(realised_book):
    """The read-only reader gives the rows, Excel rows and headers the remote-engine reader gives."""
    fast = table_reader.read_tables(realised_book, capaian.READ_TABLES)
    book = headless.open_book(realised_book)
    for name in capaian.READ_TABLES:
        slow = tables.read_table(book, name)
        assert fast[name].header == slow.header
        assert fast[name].excel_rows == slow.excel_rows
        clean = [[None if v == "" else v for v in row] for row in fast[name].rows]
        assert clean == slow.rows, name


def test_rekap_shows_the_latest_quarter_capaian_and_serapan(realised_book, tmp_path, capsys):
    """validate --rekap uses the same definitions: the sample plan meets every target but one.

    TW II: capaian 100, 100, 33,33 (1 of 3) on the outputs and 100, 100 on kinerja: mean 86,67.
    Serapan: planned money s.d. TW II (six months of pagu // 12) spent exactly:
    (6.000.000 + 6.125.496 + 6.250.998) / (12.000.000 + 12.251.000 + 12.502.000) x 100 = 50,00.
    """
    import openpyxl

    rekap = tmp_path / "rekap.xlsx"
    cli.main(["validate", str(realised_book), "--rekap", str(rekap)])
    capsys.readouterr()
    ws = openpyxl.load_workbook(rekap)["Rekap Validasi"]
    header, row = [r for r in ws.iter_rows(min_row=3, max_row=4, values_only=True)]
    got = dict(zip(header, row))
    assert got["Triwulan Terakhir"] == "TW II"
    assert got["Capaian Rata-rata (%)"] == 86.67
    assert got["Serapan (%)"] == 50.0


def test_pk_template_carries_arah():
    """The PK import reads the optional Arah column (and names a value it does not know)."""
    from renaksi_xl.dpa.grid import DpaError, Grid, Source
    from renaksi_xl.dpa.pk import read_pk_grids

    head = ["Indikator Kinerja", "Satuan", "Target Tahunan", "Sifat Target", "Arah"]
    rows = [
        head,
        ["Angka aduan", "Kasus", 20, "Kumulatif", "Turun"],
        ["Nilai SAKIP", "Nilai", 72, "Tetap", None],
    ]
    out = read_pk_grids([Grid(Source("pk.xlsx", "PK"), rows)], "pk.xlsx")
    col = layout.table(layout.TBL_KINERJA).col_index(layout.H_ARAH)
    assert [r[col] for r in out] == ["Turun", None]
    rows[2][4] = "Menurun"
    with pytest.raises(DpaError) as exc:
        read_pk_grids([Grid(Source("pk.xlsx", "PK"), rows)], "pk.xlsx")
    assert "sel E3" in exc.value.message and "'Menurun'" in exc.value.message
