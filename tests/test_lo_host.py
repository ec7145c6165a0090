"""A real VBA host runs our vbaProject.bin: headless LibreOffice via lo_host.

The ``libreoffice`` tests FAIL (never skip) when soffice or python3-uno is
missing: run_macros raises LibreOfficeUnavailable.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from renaksi_xl.xlsm import lo_host
from renaksi_xl.xlsm.lo_host import (
    LibreOfficeError,
    LibreOfficeTimeout,
    LibreOfficeUnavailable,
    run_macros,
)
from renaksi_xl.xlsm.vba_project import VbaModule, build_vba_project, read_module_sources

HELLO = """Sub Hello()
    Worksheets(1).Range("A1").Value = "ok"
End Sub

Sub Boom()
    Err.Raise 513, , "kaboom"
End Sub
"""
COUNTER = """Public Hits As Long

Public Sub Hit()
    Hits = Hits + 1
End Sub
"""
USES_CLASS = """Sub UseClass()
    Dim c As New Penghitung
    c.Hit
    c.Hit
    Worksheets("Data").Range("B2").Value = c.Hits
    Worksheets("Data").Range("B3").Value = shData.Name
End Sub
"""


def _xlsm(path: Path, modules: list[VbaModule]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_vba_name("ThisWorkbook")
    ws = wb.add_worksheet("Data")
    ws.set_vba_name("shData")
    wb.add_vba_project(io.BytesIO(build_vba_project(modules)), is_stream=True)
    wb.close()
    return path


@pytest.fixture
def hello_xlsm(tmp_path) -> Path:
    return _xlsm(
        tmp_path / "hello.xlsm",
        [
            VbaModule("ThisWorkbook", "document", ""),
            VbaModule("shData", "document", ""),
            VbaModule("Module1", "standard", HELLO),
            VbaModule("Penghitung", "class", COUNTER),
            VbaModule("Pakai", "standard", USES_CLASS),
        ],
    )


@pytest.mark.libreoffice
def test_libreoffice_runs_a_macro_and_the_result_is_saved(hello_xlsm, tmp_path):
    out = tmp_path / "after.xlsm"
    report = run_macros(hello_xlsm, ["Module1.Hello"], out_path=out, read_cells=["Data!A1"])
    assert report["macros"]["Module1.Hello"]["ok"], report
    assert report["ok"]
    assert report["cells"]["Data!A1"]["text"] == "ok"
    # LibreOffice puts the whole VBA project into one Basic library named
    # after the project; document modules are listed too.
    assert sorted(report["libraries"]["VBAProject"]) == sorted(
        ["ThisWorkbook", "shData", "Module1", "Penghitung", "Pakai"]
    )
    # The stored file shows the macro's effect and still carries the project.
    assert openpyxl.load_workbook(out)["Data"]["A1"].value == "ok"
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert "Module1" in read_module_sources(z.read("xl/vbaProject.bin"))
    # The input file is not modified.
    assert openpyxl.load_workbook(hello_xlsm)["Data"]["A1"].value is None


@pytest.mark.libreoffice
def test_libreoffice_class_module_and_sheet_codename(hello_xlsm):
    report = run_macros(hello_xlsm, ["Pakai.UseClass"], read_cells=["Data!B2", "Data!B3"])
    assert report["ok"], report
    assert report["cells"]["Data!B2"]["value"] == 2
    assert report["cells"]["Data!B3"]["text"] == "Data"


@pytest.mark.libreoffice
def test_libreoffice_reports_runtime_and_missing_macro_errors(hello_xlsm):
    report = run_macros(hello_xlsm, ["Module1.Boom", "Module1.Nope", "VBAProject.Module1.Hello"])
    assert not report["ok"]
    boom = report["macros"]["Module1.Boom"]
    assert not boom["ok"] and "513" in boom["error"] and "kaboom" in boom["error"]
    assert not report["macros"]["Module1.Nope"]["ok"]
    assert report["macros"]["VBAProject.Module1.Hello"]["ok"]


@pytest.mark.libreoffice
def test_libreoffice_reports_a_module_that_does_not_compile(tmp_path):
    path = _xlsm(
        tmp_path / "broken.xlsm",
        [
            VbaModule("ThisWorkbook", "document", ""),
            VbaModule("shData", "document", ""),
            VbaModule("Module1", "standard", HELLO),
            VbaModule("Rusak", "standard", "Sub Broken()\r\n    If x Then\r\nEnd Sub\r\n"),
        ],
    )
    report = run_macros(path, ["Module1.Hello"])
    assert not report["ok"]
    assert "compile" in report["macros"]["Module1.Hello"]["error"]


@pytest.mark.libreoffice
def test_libreoffice_timeout_kills_soffice(hello_xlsm, monkeypatch):
    """The soffice this call started (known by its own profile folder) is gone after the timeout;
    other LibreOffice jobs running at the same time (a parallel test run) do not matter."""
    from renaksi_xl.xlsm import lo_host

    folders: list[str] = []
    real_mkdtemp = lo_host.tempfile.mkdtemp

    def remember(*args, **kwargs):
        folders.append(real_mkdtemp(*args, **kwargs))
        return folders[-1]

    monkeypatch.setattr(lo_host.tempfile, "mkdtemp", remember)
    with pytest.raises(LibreOfficeTimeout):
        run_macros(hello_xlsm, ["Module1.Hello"], timeout=0.5)
    assert len(folders) == 1
    assert _soffice_processes(folders[0].encode()) == set()


@pytest.mark.libreoffice
def test_libreoffice_unloadable_document_is_an_error(tmp_path):
    bad = tmp_path / "garbage.xlsm"
    bad.write_bytes(bytes(range(256)) * 12)
    with pytest.raises(LibreOfficeError, match="no document|cannot load"):
        run_macros(bad, ["Module1.Hello"], timeout=90)


def _soffice_processes(marker: bytes) -> set[int]:
    """PIDs of soffice processes whose command line holds `marker` (a profile folder)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"soffice" in cmd and marker in cmd:
            pids.add(int(entry.name))
    return pids


# -- no LibreOffice needed ---------------------------------------------------


def test_missing_soffice_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("RENAKSI_SOFFICE", str(tmp_path / "nope"))
    monkeypatch.setattr(lo_host, "_SOFFICE_FALLBACKS", ())
    monkeypatch.setattr(lo_host.shutil, "which", lambda name: None)
    with pytest.raises(LibreOfficeUnavailable, match="soffice"):
        lo_host.find_soffice()


def test_missing_uno_python_is_a_clear_error(monkeypatch, tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("RENAKSI_UNO_PYTHON", str(fake))
    monkeypatch.setattr(lo_host, "_UNO_PYTHON_FALLBACKS", ())
    with pytest.raises(LibreOfficeUnavailable, match="python3-uno"):
        lo_host.find_uno_python()


@pytest.mark.parametrize("bad", ["Hello", "a.b.c.d", ".Hello", "Module1."])
def test_bad_macro_names_are_rejected_before_starting_soffice(bad, tmp_path):
    (tmp_path / "x.xlsm").write_bytes(b"")
    with pytest.raises(ValueError):
        run_macros(tmp_path / "x.xlsm", [bad])


def test_missing_document_is_rejected(tmp_path):
    with pytest.raises(FileNotFoundError):
        run_macros(tmp_path / "missing.xlsm", ["Module1.Hello"])
