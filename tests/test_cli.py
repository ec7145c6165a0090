"""`renaksi-xl` as a newcomer meets it: help, wrong arguments, wrong files, wrong folders.

Every message is Indonesian, names the file/option, exits 2 and shows no traceback;
argparse's own English ("usage:", "the following arguments are required") never shows.
"""

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from renaksi_xl import cli, demo, headless, layout, macros
from renaksi_xl.context import ActionContext
from renaksi_xl.dpa import SAMPLE_DPA, SAMPLE_PK

ENGLISH = (
    "usage:",
    "error:",
    "positional arguments",
    "optional arguments",
    "options:",
    "show this help",
    "required:",
    "invalid choice",
    "invalid int",
    "unrecognized",
    "expected one argument",
    "Traceback",
    "ambiguous",
)


def run_cli(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    for word in ENGLISH:
        assert word not in out and word not in err, (word, out, err)
    return code, out, err


@pytest.fixture
def files(tmp_path, built_workbook):
    """The wrong inputs a newcomer tries."""
    teks = tmp_path / "catatan.xlsm"
    teks.write_text("ini bukan buku kerja")
    csv = tmp_path / "data.csv"
    csv.write_text("a,b\n1,2\n")
    lain = tmp_path / "lain.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Daftar belanja"
    wb.save(lain)
    folder = tmp_path / "folder.xlsm"
    folder.mkdir()
    return {
        "book": built_workbook,
        "teks": teks,
        "csv": csv,
        "lain": lain,
        "folder": folder,
        "nope": tmp_path / "tidak-ada.xlsm",
    }


def readonly_dir(tmp_path) -> Path:
    """A folder nobody may write to: permission bits, or (for root, who ignores them) sysfs."""
    d = tmp_path / "hanya-baca"
    d.mkdir()
    d.chmod(0o555)
    try:
        (d / "uji").touch()
    except OSError:
        return d
    (d / "uji").unlink()
    d = Path("/sys")
    with pytest.raises(OSError):
        (d / "uji-renaksi").touch()
    return d


# --------------------------------------------------------------------------- help
def test_main_help_is_indonesian(capsys):
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    assert out.startswith("Pemakaian: renaksi-xl")
    assert "argumen:" in out and "opsi:" in out and "tampilkan bantuan ini lalu keluar" in out
    for command in cli.COMMANDS:
        assert f"    {command} " in out


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_every_subcommand_help_is_indonesian(capsys, command):
    code, out, _ = run_cli(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"Pemakaian: renaksi-xl {command}")
    assert "opsi:" in out and "tampilkan bantuan ini lalu keluar" in out


def test_every_argument_and_option_of_every_command_is_described():
    import argparse

    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for command, p in sub.choices.items():
        for action in p._actions:
            assert (action.help or "").strip(), (command, action.dest)


def test_serve_help_shows_the_default_host_and_port(capsys):
    _, out, _ = run_cli(capsys, "serve", "--help")
    flat = " ".join(out.split())
    assert "bawaan: 127.0.0.1" in flat and "bawaan: 8000" in flat


@pytest.mark.parametrize("argv", [["--help"], ["new-token", "--help"], ["hash-token", "--help"], []])
def test_server_admin_helper_speaks_indonesian(argv):
    r = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.server", *argv], capture_output=True, text=True, timeout=60
    )
    text = r.stdout + r.stderr
    assert r.returncode == (0 if argv else 2)
    assert "Pemakaian: python -m renaksi_xl.server" in text
    for word in (*ENGLISH, "usage:", "positional arguments", "show this help", "options:", "required"):
        assert word not in text, (word, text)


def test_run_help_lists_every_action_and_the_tanggal_option(capsys):
    _, out, _ = run_cli(capsys, "run", "--help")
    flat = " ".join(out.split())
    for action in macros.ACTIONS:
        assert action in flat, action
    assert "--tanggal TANGGAL" in flat and "9 Januari 2025" in flat


def test_version(capsys):
    from renaksi_xl import __version__

    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and __version__ in out


# --------------------------------------------------------------------------- argparse errors
@pytest.mark.parametrize(
    "argv, words",
    [
        ([], ["belum ada PERINTAH", "renaksi-xl validate"]),
        (["hapus"], ["argumen PERINTAH", "'hapus' tidak dikenal", "pilih salah satu", "validate"]),
        (["run"], ["renaksi-xl run", "argumen wajib belum diisi: AKSI, BUKU", "renaksi-xl run --help"]),
        (["run", "validasi"], ["argumen wajib belum diisi: BUKU"]),
        (["email", "x.xlsm"], ["renaksi-xl email", "argumen wajib belum diisi: --ke"]),
        (["serve", "--port", "abc"], ["opsi --port", "'abc' bukan bilangan bulat"]),
        (["run", "validasi", "x.xlsm", "--pe", "1"], ["opsi --pe tidak jelas", "--pejabat", "--peserta"]),
        (["run", "validasi", "x.xlsm", "--out"], ["opsi --out", "perlu satu nilai"]),
        (["validate", "x.xlsm", "--bogus"], ["tidak dikenal: --bogus"]),
        (["dpa"], ["argumen wajib belum diisi: BERKAS"]),
    ],
)
def test_argument_errors_are_indonesian_and_exit_2(capsys, argv, words):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert "Pemakaian: renaksi-xl" in err and "Galat:" in err
    for word in words:
        assert word in err, (word, err)


def test_translation_of_every_argparse_message_we_know():
    t = cli.translate_argparse
    assert t("argument --x: expected at least one argument") == "opsi --x: perlu paling sedikit satu nilai"
    assert t("argument --x: not allowed with argument --y") == "opsi --x: tidak boleh dipakai bersama --y"
    assert t("argument --n: invalid float value: 'x'") == "opsi --n: 'x' bukan bilangan"
    assert t("one of the arguments --a --b is required") == "salah satu dari --a --b wajib diberikan"
    assert t("sesuatu yang lain") == "sesuatu yang lain"


def test_the_installed_entry_point_speaks_indonesian_without_traceback(files):
    proc = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.cli", "run", "susun"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "argumen wajib belum diisi: BUKU" in proc.stderr and "usage" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.cli", "verify", str(files["lain"])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "lain.xlsx" in proc.stderr and "'Log'" in proc.stderr


# --------------------------------------------------------------------------- run
@pytest.mark.parametrize(
    "key, words",
    [
        ("nope", ["Buku kerja", "tidak-ada.xlsm", "tidak ditemukan"]),
        ("folder", ["folder.xlsm", "adalah folder, bukan berkas"]),
        ("teks", ["catatan.xlsm", "bukan buku kerja Excel"]),
        ("csv", ["data.csv", "bukan buku kerja Excel"]),
        (
            "lain",
            [
                "Buku kerja 'lain.xlsx' bukan buku kerja Rencana Aksi",
                "'Beranda'",
                "RencanaAksi.xlsm dari admin",
            ],
        ),
    ],
)
def test_run_on_the_wrong_file(capsys, files, key, words):
    target = files[key]
    before = target.read_bytes() if target.is_file() else None
    code, _, err = run_cli(capsys, "run", "validasi", target)
    assert code == 2
    for word in words:
        assert word in err, (word, err)
    assert "Buku kerja tidak diubah." in err
    if before is not None:
        assert target.read_bytes() == before


def test_run_unknown_action(capsys, files):
    code, _, err = run_cli(capsys, "run", "hapus-semua", files["book"])
    assert code == 2
    assert "Aksi 'hapus-semua' tidak dikenal" in err and "tarik-dpa" in err


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--pejabat", "abc"], ["Opsi --pejabat 'abc' bukan NIP", "18 angka"]),
        (["--waktu", "kemarin"], ["Opsi --waktu 'kemarin' bukan waktu ISO 8601"]),
        (["--batas", "besok"], ["Opsi --batas 'besok' bukan tanggal"]),
        (["--tanggal", "besok"], ["Opsi --tanggal 'besok' bukan tanggal", "9 Januari 2025"]),
        (["--dpa", "FOLDER"], ["Berkas --dpa", "adalah folder"]),
        (["--dpa", "NOPE"], ["Berkas --dpa", "tidak ditemukan"]),
    ],
)
def test_run_with_a_wrong_option_value_names_the_option(capsys, files, extra, words):
    extra = [
        str(files["folder"]) if e == "FOLDER" else str(files["nope"]) if e == "NOPE" else e for e in extra
    ]
    before = files["book"].read_bytes()
    code, _, err = run_cli(capsys, "run", "catat-disposisi", files["book"], *extra)
    assert code == 2
    for word in words:
        assert word in err, (word, err)
    assert "Buku kerja '" not in err  # about the option, not the workbook
    assert files["book"].read_bytes() == before


def test_run_out_to_a_folder_a_missing_folder_and_a_read_only_folder(capsys, files, tmp_path):
    book = files["book"]
    before = book.read_bytes()
    code, _, err = run_cli(capsys, "run", "validasi", book, "--out", files["folder"])
    assert code == 2 and "--out" in err and "adalah folder" in err and "RencanaAksi.xlsm" in err
    code, _, err = run_cli(capsys, "run", "validasi", book, "--out", tmp_path / "belum-ada" / "x.xlsm")
    assert code == 2 and "belum-ada" in err and "tidak ada" in err
    readonly = readonly_dir(tmp_path)
    code, _, err = run_cli(capsys, "run", "validasi", book, "--out", readonly / "hasil.xlsm")
    assert code == 2
    assert "hanya-baca" in err and "hasil.xlsm" in err and "Buku kerja tidak diubah." in err
    assert ".~" not in err  # the atomic writer's temp file is not the user's business
    assert book.read_bytes() == before


@pytest.mark.parametrize(
    "command, name",
    [
        (["run", "validasi"], "x.xlsm"),
        (["pdf"], "x.pdf"),
        (["email", "--ke", layout.ROLE_SEKRETARIS], "x.eml"),
    ],
)
def test_out_into_a_missing_folder_is_refused_alike_by_every_command(capsys, files, tmp_path, command, name):
    book = files["book"]
    before = book.read_bytes()
    missing = tmp_path / "belum-ada"
    argv = (
        [command[0], *command[1:2], book, *command[2:]]
        if command[0] == "run"
        else [command[0], book, *command[1:]]
    )
    code, _, err = run_cli(capsys, *argv, "--out", missing / name)
    assert code == 2
    assert f"Folder untuk --out '{missing / name}' ({missing}) tidak ada. Buat foldernya dulu." in err
    assert not missing.exists()
    assert book.read_bytes() == before


# --------------------------------------------------------------------------- other commands
@pytest.mark.parametrize(
    "argv, words",
    [
        (["verify", "LAIN"], ["lain.xlsx", "'Log'"]),
        (["verify", "FOLDER"], ["folder.xlsm"]),
        (["verify", "NOPE"], ["tidak-ada.xlsm", "tidak ditemukan"]),
        (["dpa", "FOLDER"], ["folder.xlsm", "folder"]),
        (["dpa", "TEKS"], ["catatan.xlsm"]),
        (["dpa", "LAIN"], ["lain.xlsx", "DPA Rincian Belanja"]),
        (["pdf", "NOPE"], ["tidak-ada.xlsm", "tidak ditemukan"]),
        (["diff", "BOOK", "TEKS"], ["catatan.xlsm", "bukan buku kerja Excel"]),
        (["email", "BOOK", "--ke", "Bupati"], ["'Bupati' tidak dikenal", layout.ROLE_CAMAT]),
        (["build", "--out", "FOLDER"], ["folder.xlsm", "itu folder, bukan berkas"]),
    ],
)
def test_other_commands_on_wrong_input(capsys, files, argv, words):
    names = {"LAIN": "lain", "FOLDER": "folder", "NOPE": "nope", "TEKS": "teks", "BOOK": "book"}
    argv = [str(files[names[a]]) if a in names else a for a in argv]
    code, _, err = run_cli(capsys, *argv)
    assert code == 2
    for word in words:
        assert word in err, (word, err)


def test_build_into_a_read_only_folder(capsys, tmp_path):
    target = readonly_dir(tmp_path) / "RencanaAksi.xlsm"
    code, _, err = run_cli(capsys, "build", "--out", target)
    assert code == 2
    assert str(target) in err and "hanya-baca" in err


def test_an_unexpected_bug_is_one_indonesian_line(capsys, monkeypatch, files):
    def broken(args):
        raise ZeroDivisionError("division by zero")

    import renaksi_xl.integrity as integrity

    monkeypatch.setattr(integrity, "cmd_verify", broken)
    code, _, err = run_cli(capsys, "verify", files["book"])
    assert code == 2
    assert "kesalahan program" in err and "ZeroDivisionError" in err and "RENAKSI_XL_DEBUG=1" in err
    monkeypatch.setenv("RENAKSI_XL_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli.main(["verify", str(files["book"])])


# --------------------------------------------------------------------------- --tanggal
def test_catat_pembahasan_takes_the_date_from_tanggal(capsys, built_workbook):
    """Steps 1-3 headless, then step 4 from the command line: --tanggal wins over the
    action's day (--waktu) and reaches the step record."""
    demo.setup_officials(built_workbook)
    files = {layout.ACTION_TARIK_DPA: [str(SAMPLE_DPA)], layout.ACTION_IMPOR_KINERJA: [str(SAMPLE_PK)]}
    for item in demo.script(SAMPLE_DPA, SAMPLE_PK):
        if isinstance(item, tuple):
            continue
        if item.action == layout.ACTION_PEMBAHASAN:
            break
        ctx = ActionContext(
            nip=demo.NIP[item.role],
            now=item.when,
            catatan=item.catatan,
            fields=dict(item.fields or {}),
            files=files.get(item.action, []),
        )
        headless.run_on_file(
            built_workbook, lambda b, item=item, ctx=ctx: macros.run_action(b, item.action, ctx)
        )
    code, out, err = run_cli(
        capsys,
        "run",
        "catat-pembahasan",
        built_workbook,
        "--pejabat",
        demo.NIP[layout.ROLE_SEKRETARIS],
        "--waktu",
        "2025-01-10T10:00",
        "--tanggal",
        "9 Januari 2025",
        "--peserta",
        "Sekretaris Camat, Kasubag",
        "--keputusan",
        "Lanjut ke pemeriksaan.",
    )
    assert code == 0, err
    assert "Langkah 4" in out and "2025-01-10 10:00 WIB" in out  # the paraf is at --waktu
    from renaksi_xl import tables

    last = tables.read_table(headless.open_book(built_workbook), layout.TBL_LOG).records()[-1]
    assert last["Aksi"] == layout.ACTION_PEMBAHASAN and last["Waktu"] == "2025-01-10 10:00 WIB"
    assert last["Keterangan"].startswith("Pembahasan 9 Januari 2025. Peserta: Sekretaris Camat, Kasubag.")


def test_every_argument_of_every_command_has_help():
    """Issue 11: every command's --help describes every argument."""
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, __import__("argparse")._SubParsersAction))
    assert set(sub.choices) == set(cli.COMMANDS)
    undocumented = [
        f"{name} {a.dest}"
        for name, p in sub.choices.items()
        for a in p._actions
        if not a.help or a.help == __import__("argparse").SUPPRESS
    ]
    assert undocumented == []
