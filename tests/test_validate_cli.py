"""`renaksi-xl validate`: exit codes, JSON contract, text, folders, progress, rekap, bad files."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from renaksi_xl import cli, layout
from renaksi_xl.layout import FISIK_TW, H_PENANGGUNG_JAWAB, TARGET_TW
from renaksi_xl.validators import sample

FINDING_KEYS = ["rule", "severity", "sheet", "cell", "kode_sub_kegiatan", "message"]


def col(header: str) -> int:
    return layout.RENCANA_COLUMNS.index(layout.table(layout.TBL_RENCANA).column(header))


@pytest.fixture(scope="module")
def books(built_workbook_master, tmp_path_factory) -> dict[str, Path]:
    """clean, with one error (and one warning), with only a warning: written once per module."""
    folder = tmp_path_factory.mktemp("books")
    error_plan = sample.clean_plan(3)
    error_plan.rencana[1][col(FISIK_TW[1])] = 20
    error_plan.rencana[2][col(H_PENANGGUNG_JAWAB)] = "Pak Lurah"
    warning_plan = sample.clean_plan(3)
    warning_plan.rencana[0][col(H_PENANGGUNG_JAWAB)] = "Pak Lurah"
    out = {}
    for name, plan in (("bersih", sample.clean_plan(3)), ("galat", error_plan), ("peringatan", warning_plan)):
        path = folder / f"{name}.xlsm"
        shutil.copyfile(built_workbook_master, path)
        sample.write_plan(path, plan)
        out[name] = path
    return out


@pytest.fixture
def copies(books, tmp_path) -> dict[str, Path]:
    """Per-test copies, in their own folder (no lock files or temp files beside them)."""
    folder = tmp_path / "masuk"
    folder.mkdir()
    return {k: Path(shutil.copyfile(p, folder / p.name)) for k, p in books.items()}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(["validate", *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out, out.err


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# --------------------------------------------------------------------------- exit codes and output
def test_clean_file_exits_0(capsys, copies):
    code, out, _ = run(capsys, copies["bersih"])
    assert code == 0
    assert "LULUS: tanpa temuan" in out


def test_error_exits_1_and_text_names_sheet_cell_and_message(capsys, copies):
    code, out, _ = run(capsys, copies["galat"])
    assert code == 1
    assert out.splitlines()[0] == f"{copies['galat']}: TIDAK LULUS: 1 galat, 1 peringatan"
    assert re.search(
        r"Galat\s+Rencana Aksi!L6\s+FISIK_TIDAK_KUMULATIF: Sub kegiatan 7\.01\.01\.2\.01\.0002", out
    )
    assert re.search(r"Peringatan\s+Rencana Aksi!T7\s+PENANGGUNG_JAWAB_TIDAK_DIKENAL: .*'Pak Lurah'", out)


def test_warnings_alone_exit_0(capsys, copies):
    code, out, _ = run(capsys, copies["peringatan"], "--json")
    assert code == 0
    result = json.loads(out)
    assert result["ok"] is True and result["errors"] == []
    assert [w["rule"] for w in result["warnings"]] == ["PENANGGUNG_JAWAB_TIDAK_DIKENAL"]


def test_json_contract_for_one_file(capsys, copies):
    code, out, _ = run(capsys, copies["galat"], "--json")
    assert code == 1
    result = json.loads(out)
    assert list(result) == ["file", "ok", "errors", "warnings"]
    assert result["file"] == str(copies["galat"]) and result["ok"] is False
    (error,) = result["errors"]
    assert list(error) == FINDING_KEYS
    assert error == {
        "rule": "FISIK_TIDAK_KUMULATIF",
        "severity": "error",
        "sheet": "Rencana Aksi",
        "cell": "L6",
        "kode_sub_kegiatan": sample.kode(1),
        "message": error["message"],
    }
    assert [w["cell"] for w in result["warnings"]] == ["T7"]


def test_folder_gives_an_array_progress_and_rekap(capsys, copies, tmp_path):
    folder = copies["bersih"].parent
    (folder / "bukan.xlsx").write_text("ini bukan buku kerja")
    (folder / "~$bersih.xlsm").write_bytes(b"excel lock file")  # Excel's owner file: skipped
    (folder / "catatan.txt").write_text("diabaikan")
    rekap = folder / "rekap.xlsx"  # inside the folder: never validated itself
    code, out, err = run(capsys, folder, "--json", "--rekap", rekap)
    assert code == 2
    results = json.loads(out)
    assert [Path(r["file"]).name for r in results] == [
        "bersih.xlsm",
        "bukan.xlsx",
        "galat.xlsm",
        "peringatan.xlsm",
    ]
    assert [r["ok"] for r in results] == [True, False, False, True]
    assert results[1]["errors"][0]["rule"] == "BERKAS_TIDAK_TERBACA"
    assert list(results[1]["errors"][0]) == FINDING_KEYS
    assert re.search(r"\[#+-*\] 4/4 peringatan\.xlsm", err)  # one progress line per file (no TTY)
    assert "bukan.xlsx" in err and "bukan buku kerja" in err

    ws = openpyxl.load_workbook(rekap)["Rekap Validasi"]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True)]
    assert rows[0] == (
        "No",
        "Berkas",
        "Unit Kerja",
        "Tahun Anggaran",
        "Tahap SOP Tercapai",
        "Hasil Validasi",
        "Jumlah Galat",
        "Jumlah Peringatan",
        "Keterangan",
        "Triwulan Terakhir",
        "Capaian Rata-rata (%)",
        "Serapan (%)",
    )
    by_file = {r[1]: r for r in rows[1:]}
    assert by_file["galat.xlsm"][2:8] == ("Kecamatan Neglasari", "2025", "Belum dimulai", "Tidak lulus", 1, 1)
    assert by_file["bersih.xlsm"][5:8] == ("Lulus", 0, 0)
    assert (
        by_file["bukan.xlsx"][5] == "Tidak dapat diperiksa" and "bukan buku kerja" in by_file["bukan.xlsx"][8]
    )


def test_several_files_in_text_end_with_a_summary(capsys, copies):
    code, out, _ = run(capsys, copies["bersih"], copies["galat"])
    assert code == 1
    assert (
        out.rstrip().splitlines()[-1]
        == "Ringkasan: 2 berkas; 1 lulus, 1 tidak lulus, 0 tidak dapat diperiksa."
    )


# --------------------------------------------------------------------------- malformed workbooks: exit 2
def _without_table(path: Path, name: str) -> None:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    del wb[layout.table(name).sheet].tables[name]
    wb.save(path)


def _renamed_header(path: Path, table: str, header: str, new: str) -> None:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    spec = layout.table(table)
    ws = wb[spec.sheet]
    ws.cell(spec.header_row, spec.first_col + spec.col_index(header)).value = new
    ws.tables[table].tableColumns[spec.col_index(header)].name = new
    wb.save(path)


def _encrypted(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = path.read_bytes()
    src = path.with_suffix(".plain")
    src.write_bytes(plain)
    with open(src, "rb") as fh, open(path, "wb") as out:
        OOXMLFile(fh).encrypt("rahasia", out)
    src.unlink()


@pytest.mark.parametrize(
    "damage, named",
    [
        (lambda p: _without_table(p, layout.TBL_KINERJA), ["tblKinerja", "Kinerja"]),
        (
            lambda p: _renamed_header(p, layout.TBL_RENCANA, TARGET_TW[1], "Target TW 2"),
            ["tblRencanaAksi", TARGET_TW[1]],
        ),
        (lambda p: p.write_bytes(b"PK\x03\x04 bukan zip sungguhan"), ["bukan buku kerja"]),
        (lambda p: p.write_text("No;Kode\n1;7.01\n"), ["bukan buku kerja"]),
        (_encrypted, ["kata sandi"]),
    ],
    ids=["tabel-hilang", "judul-kolom-diganti", "zip-rusak", "teks", "terenkripsi"],
)
def test_malformed_workbook_exits_2_naming_what_is_missing(capsys, copies, damage, named):
    path = copies["bersih"]
    damage(path)
    before = digest(path.parent)
    code, out, err = run(capsys, path)
    assert code == 2
    for word in named:
        assert word in err
    assert str(path) in err
    # the reason is printed once (stderr), not also in the report
    assert sum((out + err).count(word) for word in named) == sum(err.count(word) for word in named)
    assert f"{path}: TIDAK DAPAT DIPERIKSA" in out
    assert digest(path.parent) == before


def test_missing_file_and_empty_folder_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "tidak-ada.xlsm")
    assert code == 2 and "tidak ditemukan" in err
    (tmp_path / "kosong").mkdir()
    code, _, err = run(capsys, tmp_path / "kosong")
    assert code == 2 and "tidak berisi buku kerja" in err


def test_validate_never_changes_the_files(capsys, copies):
    folder = copies["bersih"].parent
    before = digest(folder)
    stats = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    run(capsys, folder, "--json")
    run(capsys, *copies.values())
    assert digest(folder) == before
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stats


# --------------------------------------------------------------------------- the installed command
def test_installed_command_end_to_end(copies):
    exe = shutil.which("renaksi-xl")
    argv = [exe] if exe else [sys.executable, "-m", "renaksi_xl.cli"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run(
        [*argv, "validate", str(copies["galat"]), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 1, out.stderr
    assert json.loads(out.stdout)["errors"][0]["rule"] == "FISIK_TIDAK_KUMULATIF"


def test_cli_import_pulls_no_heavy_packages(tmp_path):
    """`renaksi-xl --help` must stay fast: importing the CLI loads no pandas, xlwings, openpyxl, pandera."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import renaksi_xl.cli"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    modules = {
        line.rsplit("|", 1)[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line
    }
    assert "renaksi_xl" in modules
    assert modules.isdisjoint({"pandas", "xlwings", "openpyxl", "pandera", "numpy", "python_calamine"})
