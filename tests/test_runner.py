"""`renaksi-xl run`: the headless engine on real files (exit codes, byte-identity on
refusal, atomic locked writes, the workbook's VBA/buttons/tables/validation kept)."""

import io
import multiprocessing
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from renaksi_xl import cli, headless, layout, macros, runner, tables
from renaksi_xl.context import format_timestamp
from renaksi_xl.errors import Refused

NIP = "198303302001121003"


def log_probe(book, ctx):
    """A test-only button: one Log row from everything the CLI put in the context."""
    tables.append_rows(
        book,
        layout.TBL_LOG,
        [
            [
                1,
                format_timestamp(ctx.time()),
                ctx.action,
                None,
                None,
                "",
                ctx.nip,
                "",
                "|".join(f"{k}={v}" for k, v in sorted(ctx.fields.items()))
                + f"|catatan={ctx.catatan}|files={len(ctx.files)}",
                "",
                "",
            ]
        ],
    )
    return f"Log ditambah oleh {ctx.nip}"


@pytest.fixture
def probe(monkeypatch):
    monkeypatch.setitem(macros.ACTIONS, "uji-log", log_probe)


def log_rows(path):
    return tables.read_table(headless.open_book(path), layout.TBL_LOG).records()


def test_run_applies_the_action_and_prints_the_summary(built_workbook, probe, tmp_path, capsys):
    dpa = tmp_path / "DPA.xlsx"
    dpa.write_bytes(b"bukan dipakai oleh probe")
    code = cli.main(
        [
            "run",
            "uji-log",
            str(built_workbook),
            "--pejabat",
            NIP,
            "--waktu",
            "2025-01-06T09:00",
            "--catatan",
            "Segera susun",
            "--kepada",
            layout.ROLE_KASUBAG,
            "--batas",
            "2025-01-08",
            "--dpa",
            str(dpa),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert f"Log ditambah oleh {NIP}" in out and "Selesai: aksi 'uji-log'" in out
    (row,) = log_rows(built_workbook)
    assert row["Waktu"] == "2025-01-06 09:00 WIB" and row["Aksi"] == "uji-log" and row["NIP"] == NIP
    assert row["Keterangan"] == f"batas=2025-01-08|kepada={layout.ROLE_KASUBAG}|catatan=Segera susun|files=1"


def test_run_action_api_with_out_leaves_the_source_alone(built_workbook, probe):
    before = built_workbook.read_bytes()
    out = built_workbook.with_name("hasil.xlsm")
    ctx = runner.context_from_args(type("A", (), {"pejabat": NIP, "waktu": "2025-01-06T10:15+07:00"})())
    summary, applied = runner.run_action(built_workbook, "uji-log", ctx, out=out)
    assert summary == f"Log ditambah oleh {NIP}" and applied.alerts == []
    assert built_workbook.read_bytes() == before
    assert log_rows(out)[0]["Waktu"] == "2025-01-06 10:15 WIB"


def test_refusal_leaves_the_file_byte_identical(built_workbook, monkeypatch, capsys):
    def refuse_after_writing(book, ctx):
        log_probe(book, ctx)
        raise Refused("Langkah 5 belum selesai, jadi penetapan ditolak.")

    monkeypatch.setitem(macros.ACTIONS, layout.ACTION_TETAPKAN, refuse_after_writing)
    before = built_workbook.read_bytes()
    mtime = built_workbook.stat().st_mtime_ns
    assert cli.main(["run", "tetapkan", str(built_workbook), "--pejabat", NIP]) == 1
    err = capsys.readouterr().err
    assert "Ditolak: Langkah 5 belum selesai" in err and "tidak diubah" in err
    assert built_workbook.read_bytes() == before and built_workbook.stat().st_mtime_ns == mtime
    leftovers = [p.name for p in built_workbook.parent.iterdir() if p.name.startswith(".~")]
    assert leftovers == []


@pytest.mark.parametrize("action", list(macros.ACTIONS))
def test_every_action_headless(built_workbook, action, capsys):
    """Each button through the headless engine on the real built workbook: done (0), or
    refused (1) / unusable (2) with the file byte-identical and an Indonesian reason."""
    before = built_workbook.read_bytes()
    code = cli.main(
        ["run", action, str(built_workbook), "--pejabat", NIP, "--waktu", "2025-01-06T09:00+07:00"]
    )
    captured = capsys.readouterr()
    missing = macros.missing_parts(action)
    if missing:
        assert code == 2
        assert f"aksi '{action}') belum bisa dipakai" in captured.err
        assert any(f"'{m.rsplit('.', 1)[0]}" in captured.err for m in missing)
    assert code in (0, 1, 2), captured
    if code == 1 and action in (layout.ACTION_VALIDASI, layout.ACTION_PERIKSA_KEASLIAN):
        # ran to the end and found problems (issue 11): the findings are saved, the exit says so
        assert "Selesai" in captured.out and "kode keluar 1" in captured.err
    elif code:
        assert built_workbook.read_bytes() == before
        assert captured.err.startswith(("Ditolak: ", "Galat: "))
    else:
        assert "Selesai" in captured.out
        openpyxl.load_workbook(built_workbook, keep_vba=True)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["run", "hapus-semua", "{book}"], "Aksi 'hapus-semua' tidak dikenal"),
        (["run", "uji-log", "{book}", "--waktu", "besok pagi"], "--waktu 'besok pagi' bukan waktu ISO 8601"),
        (["run", "uji-log", "{book}", "--batas", "8/1/2025"], "--batas '8/1/2025' bukan tanggal"),
        (["run", "uji-log", "{book}", "--dpa", "{dir}/tidak-ada.xlsx"], "tidak-ada.xlsx' tidak ditemukan"),
        (["run", "uji-log", "{book}", "--pejabat", "Pak Camat"], "--pejabat 'Pak Camat' bukan NIP"),
        (["run", "uji-log", "{dir}/hilang.xlsm"], "hilang.xlsm' tidak ditemukan"),
        (["run", "uji-log", "{book}", "--out", "{dir}/tidak/ada.xlsm"], "Folder untuk --out"),
        (["run", "uji-log", "{dir}/bukan.xlsm"], "bukan buku kerja Excel"),
    ],
)
def test_unusable_input_exits_2_and_changes_nothing(built_workbook, probe, argv, expected, capsys):
    (built_workbook.parent / "bukan.xlsm").write_text("ini teks biasa")
    before = built_workbook.read_bytes()
    argv = [a.format(book=built_workbook, dir=built_workbook.parent) for a in argv]
    assert cli.main(argv) == 2
    assert expected in capsys.readouterr().err
    assert built_workbook.read_bytes() == before


def test_whole_process_exit_codes(built_workbook):
    """The installed command, as a button's shell-out or CI would call it."""
    exe = [sys.executable, "-m", "renaksi_xl.cli"]
    r = subprocess.run([*exe, "run", "tidak-ada", str(built_workbook)], capture_output=True, text=True)
    assert r.returncode == 2 and "tidak dikenal" in r.stderr
    r = subprocess.run([*exe, "run", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "--waktu" in r.stdout


def test_two_concurrent_runs_on_one_file_both_apply(built_workbook):
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [
        ctx.Process(target=_append_concurrently, args=(str(built_workbook), label, barrier))
        for label in ("proses-a", "proses-b")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    rows = log_rows(built_workbook)
    assert sorted(r["Aksi"] for r in rows) == ["proses-a", "proses-b"]
    openpyxl.load_workbook(built_workbook, keep_vba=True)
    assert [p.name for p in built_workbook.parent.iterdir() if p.name.startswith(".~")] == []


def _append_concurrently(path: str, label: str, barrier) -> None:
    barrier.wait(timeout=30)  # start together
    headless.run_on_file(
        path,
        lambda book: tables.append_rows(
            book, layout.TBL_LOG, [[1, "2025-01-06 09:00 WIB", label, None, None, "", NIP, "", "", "", ""]]
        ),
    )


def test_permissions_are_kept(built_workbook, probe):
    os.chmod(built_workbook, 0o644)
    assert cli.main(["run", "uji-log", str(built_workbook), "--pejabat", NIP]) == 0
    assert stat.S_IMODE(built_workbook.stat().st_mode) == 0o644


# --------------------------------------------------------------------------- fidelity
def _features(path: Path) -> dict:
    """What must survive a run: VBA modules, form buttons (VML), tables, data
    validation, conditional formats, sheet codeNames."""
    from oletools.olevba import VBA_Parser

    wb = openpyxl.load_workbook(path, keep_vba=True)
    out = {
        "tables": sorted((ws.title, name) for ws in wb.worksheets for name in ws.tables),
        "validations": sorted(
            (ws.title, str(dv.sqref), dv.type, dv.formula1)
            for ws in wb.worksheets
            for dv in ws.data_validations.dataValidation
        ),
        "conditional": sorted(
            (ws.title, str(rng.sqref), rule.type, tuple(rule.formula or ()))
            for ws in wb.worksheets
            for rng in ws.conditional_formatting
            for rule in rng.rules
        ),
        "codenames": [ws.sheet_properties.codeName for ws in wb.worksheets],
    }
    with zipfile.ZipFile(path) as zf:
        vml = [zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".vml")]
    out["buttons"] = sorted(m for text in vml for m in _vml_macros(text))
    parser = VBA_Parser(str(path))
    try:
        out["vba"] = (
            sorted(name for _, _, name, _ in parser.extract_macros()) if parser.detect_vba_macros() else []
        )
    finally:
        parser.close()
    return out


def _vml_macros(text: str) -> list[str]:
    import re

    return re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", text)


def _rich_workbook(path: Path) -> Path:
    """An .xlsm with every feature the built workbook will have: VBA project (our
    writer + xlwings' installed Remote module), a form button, a table, data
    validation and a conditional format."""
    import xlsxwriter
    import xlwings

    from renaksi_xl.xlsm.vba_project import VbaModule, build_vba_project, module_from_file

    remote = (Path(xlwings.__file__).parent / "addin" / "Remote.bas").read_text("utf-8")
    modules = [
        VbaModule("ThisWorkbook", "document", ""),
        VbaModule("shData", "document", ""),
        module_from_file(remote),
        VbaModule("RenaksiTombol", "standard", 'Sub Tombol_Uji()\n    MsgBox "uji"\nEnd Sub\n'),
    ]
    wb = xlsxwriter.Workbook(str(path))
    wb.set_vba_name("ThisWorkbook")
    wb.add_vba_project(io.BytesIO(build_vba_project(modules)), is_stream=True)
    ws = wb.add_worksheet("Data")
    ws.set_vba_name("shData")
    ws.add_table("A1:C3", {"name": "tblUji", "columns": [{"header": h} for h in ("Kode", "Nilai", "Status")]})
    ws.data_validation("C2:C50", {"validate": "list", "source": ["Ya", "Tidak"]})
    ws.conditional_format(
        "B2:B50",
        {"type": "cell", "criteria": ">", "value": 100, "format": wb.add_format({"bg_color": "#FFC7CE"})},
    )
    ws.insert_button("E2", {"macro": "Tombol_Uji", "caption": "Uji"})
    wb.close()
    return path


def test_features_survive_a_run_on_a_rich_workbook(tmp_path):
    path = _rich_workbook(tmp_path / "Kaya.xlsm")
    before = _features(path)
    assert (
        before["vba"]
        and before["buttons"] == ["Tombol_Uji"]
        and before["validations"]
        and before["conditional"]
    )
    assert "Remote" in {n.split(".")[0] for n in before["vba"]}

    def fill(book):
        sheet = book.sheets["Data"]
        sheet["A2"].value = [
            ["7.01.01.2.01.0001", 150, "Ya"],
            ["7.01.01.2.01.0002", 50, "Tidak"],
            ["7.01.01.2.01.0003", 75, "Ya"],
        ]
        sheet.tables["tblUji"].resize(sheet["A1:C4"])
        sheet["B3"].color = "#FFFF00"

    headless.run_on_file(path, fill)
    assert _features(path) == before
    wb = openpyxl.load_workbook(path)
    assert wb["Data"].tables["tblUji"].ref == "A1:C4"
    assert wb["Data"]["A4"].value == "7.01.01.2.01.0003"


def test_features_of_the_built_workbook_survive_every_write(built_workbook, probe):
    before = _features(built_workbook)
    assert before["tables"] and before["codenames"]
    assert cli.main(["run", "uji-log", str(built_workbook), "--pejabat", NIP]) == 0
    assert _features(built_workbook) == before


def test_the_whole_sop_headless_from_the_command_line(built_workbook, capsys):
    """Every SOP button as `renaksi-xl run` with the CLI options, the result read back."""
    from renaksi_xl.dpa import SAMPLE_DPA, SAMPLE_PK
    from renaksi_xl.integrity import verify_book

    camat, sekretaris, kasubag = "198303302001121003", "198507122010012005", "199002152015031001"
    headless.run_on_file(
        built_workbook,
        lambda b: tables.write_table(
            b,
            layout.TBL_PEJABAT,
            [
                [layout.ROLE_CAMAT, "Camat", camat],
                [layout.ROLE_SEKRETARIS, "Sekretaris", sekretaris],
                [layout.ROLE_KASUBAG, "Kasubag", kasubag],
            ],
        ),
    )
    book = str(built_workbook)

    def run(*argv, expect=0):
        code = cli.main(["run", *argv])
        out = capsys.readouterr()
        assert code == expect, (argv, out.err)
        return out

    run(
        "catat-disposisi",
        book,
        "--pejabat",
        camat,
        "--waktu",
        "2025-01-06T08:30",
        "--catatan",
        "Susun RA 2025.",
        "--kepada",
        layout.ROLE_KASUBAG,
        "--batas",
        "2025-01-10",
    )
    run("tarik-dpa", book, "--pejabat", kasubag, "--waktu", "2025-01-07T14:10", "--dpa", str(SAMPLE_DPA))
    run("impor-kinerja", book, "--pejabat", kasubag, "--waktu", "2025-01-07T15:00", "--dpa", str(SAMPLE_PK))
    run("susun", book, "--pejabat", kasubag, "--waktu", "2025-01-08T10:45")
    before = built_workbook.read_bytes()
    refused = run("tetapkan", book, "--pejabat", camat, "--waktu", "2025-01-08T11:00", expect=1)
    assert "Ditolak:" in refused.err and built_workbook.read_bytes() == before
    run(
        "catat-pembahasan",
        book,
        "--pejabat",
        sekretaris,
        "--waktu",
        "2025-01-09T10:00",
        "--peserta",
        "Sekretaris, Kasubag",
        "--keputusan",
        "Lanjut.",
    )
    run("validasi", book, "--pejabat", sekretaris, "--waktu", "2025-01-09T13:00")
    run(
        "paraf-pemeriksaan",
        book,
        "--pejabat",
        sekretaris,
        "--waktu",
        "2025-01-13T09:00",
        "--catatan",
        "Sesuai.",
    )
    run("tetapkan", book, "--pejabat", camat, "--waktu", "2025-01-13T09:08")
    out = run("periksa-keaslian", book, "--pejabat", camat, "--waktu", "2025-01-13T09:30")
    assert "Utuh" in out.out
    email = run(
        "siapkan-email",
        book,
        "--pejabat",
        camat,
        "--waktu",
        "2025-01-13T09:40",
        "--kepada",
        layout.ROLE_SEKRETARIS,
    )
    assert ".eml" in email.out

    result = headless.open_book(built_workbook)
    log = tables.read_table(result, layout.TBL_LOG).records()
    assert [r["Aksi"] for r in log][:8] == [
        "catat-disposisi",
        "tarik-dpa",
        "impor-kinerja",
        "susun",
        "catat-pembahasan",
        "validasi",
        "paraf-pemeriksaan",
        "tetapkan",
    ]
    assert log[0]["Waktu"] == "2025-01-06 08:30 WIB" and log[7]["NIP"] == camat
    assert (
        len(tables.read_table(result, layout.TBL_RENCANA).rows)
        == len(tables.read_table(result, layout.TBL_DPA).rows)
        > 0
    )
    assert tables.named_range(result, "nmStatusDokumen").value == layout.STATUS_DITETAPKAN
    assert verify_book(result).ok
    assert _features(built_workbook)["vba"]  # the VBA project survived the whole SOP


def test_rows_a_table_grows_into_take_their_columns_style(built_workbook, capsys):
    """susun writes the plan far beyond the builder's one styled blank row: every new
    row looks and formats like the first (borders, money format, codes as text)."""
    from renaksi_xl.dpa import SAMPLE_DPA
    from renaksi_xl.validators.sample import clean_plan

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
    for argv in (
        [
            "catat-disposisi",
            book,
            "--pejabat",
            camat,
            "--waktu",
            "2025-01-06T08:30",
            "--catatan",
            "Susun.",
            "--kepada",
            layout.ROLE_KASUBAG,
            "--batas",
            "2025-01-10",
        ],
        ["tarik-dpa", book, "--pejabat", kasubag, "--waktu", "2025-01-07T14:10", "--dpa", str(SAMPLE_DPA)],
        ["susun", book, "--pejabat", kasubag, "--waktu", "2025-01-08T10:45"],
    ):
        if argv[0] == "susun":  # a bigger DPA than the sample's 21 sub kegiatan, edited by hand
            headless.run_on_file(
                built_workbook, lambda b: tables.write_table(b, layout.TBL_DPA, clean_plan(40).dpa)
            )
        assert cli.main(["run", *argv]) == 0, capsys.readouterr().err
    spec = layout.table(layout.TBL_RENCANA)
    first = spec.header_row + 1
    n_rows = len(tables.read_table(headless.open_book(built_workbook), layout.TBL_RENCANA).rows)
    assert n_rows >= 30 - spec.header_row, "the sample DPA must reach row 30"
    ws = openpyxl.load_workbook(built_workbook, keep_vba=True)[spec.sheet]
    money = spec.first_col + spec.col_index(layout.H_PAGU)
    kode = spec.first_col + spec.col_index(layout.H_KODE_SUB)
    top, row30 = ws.cell(first, money), ws.cell(30, money)
    assert isinstance(row30.value, (int, float)) and row30.value > 0
    assert row30.number_format == top.number_format and "#,##0" in top.number_format
    assert row30._style == top._style and row30.border.left.style is not None
    assert ws.cell(30, kode).number_format == ws.cell(first, kode).number_format == "@"
    last = first + n_rows - 1
    assert ws.cell(last, money).number_format == top.number_format
    # below the table nothing is styled by the applier
    assert not ws.cell(last + 2, money).has_style
