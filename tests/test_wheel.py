"""Packaging (issue 11 item 5): a wheel, installed without the checkout, builds the same workbook.

`pip wheel .` then `pip install` into a fresh virtualenv (not editable), `renaksi-xl build`
there, from a folder outside the checkout, and compare with the committed workbook: the VBA
modules (read back with olevba), every sheet and table, and the bytes. The build must not
print setuptools warnings. The fresh virtualenv gets the wheel alone; its dependencies are
those of this environment (a .pth to its site-packages, which runs no .pth of its own, so the
editable install here stays invisible there).
"""

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "workbook" / "RencanaAksi.xlsm"

pytestmark = pytest.mark.slow


def _run(cmd, cwd):
    """Outside the checkout (cwd), so `python -c` cannot import the checkout's renaksi_xl."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"
    return subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=600, cwd=cwd
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "-w", dist], root)
    assert built.returncode == 0, built.stderr
    log = built.stdout + built.stderr
    assert "Warning" not in log and "!!" not in log, log  # setuptools warns in "!!" blocks
    wheel = next(dist.glob("renaksi_xl-*.whl"))
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(
        _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root).stdout.strip()
    )
    (site / "deps-of-the-test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    inst = _run([py, "-m", "pip", "install", "--no-deps", "--no-index", wheel], root)
    assert inst.returncode == 0, inst.stderr
    assert "Warning" not in inst.stdout + inst.stderr
    where = _run(
        [
            py,
            "-c",
            "import renaksi_xl, renaksi_xl.resources as r; print(renaksi_xl.__file__); print(r.workbook_dir())",
        ],
        root,
    )
    module, data = where.stdout.split()
    assert Path(module).is_relative_to(env_dir) and Path(data).is_relative_to(env_dir), where.stdout
    return env_dir, root


def test_wheel_carries_the_data_files(installed):
    env_dir, _ = installed
    data = next(env_dir.glob("lib/python3*/site-packages/renaksi_xl/_workbook"))
    names = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()}
    assert {f"vba/{p.name}" for p in (REPO / "workbook" / "vba").glob("*.bas")} <= names
    assert {f"templates/{p.name}" for p in (REPO / "workbook" / "templates").iterdir()} <= names
    assert "sop/neglasari.toml" in names


def test_installed_build_equals_the_committed_workbook(installed):
    env_dir, root = installed
    out = root / "RencanaAksi.xlsm"
    r = _run([env_dir / "bin" / "renaksi-xl", "build", "--out", out], root)
    assert r.returncode == 0, r.stderr
    assert _vba_modules(out) == _vba_modules(COMMITTED)
    assert {"RenaksiHost", "RenaksiInti", "RenaksiTombol", "RenaksiUji", "RenaksiLayout", "Remote"} <= set(
        _vba_modules(out)
    )
    assert _sheets(out) == _sheets(COMMITTED)
    assert out.read_bytes() == COMMITTED.read_bytes()
    # and a custom SOP from the installed package too
    dinas = root / "dinas.xlsm"
    r = _run(
        [
            env_dir / "bin" / "renaksi-xl",
            "build",
            "--sop",
            REPO / "tests" / "data" / "sop_dinas.toml",
            "--out",
            dinas,
        ],
        root,
    )
    assert r.returncode == 0 and "Tombol_Paraf" in _vba_modules(dinas)["RenaksiTombol"]


def _vba_modules(path: Path) -> dict[str, str]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def _sheets(path: Path) -> dict:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    try:
        return {
            ws.title: (
                dict(ws.tables.items()),
                [[c.value for c in row] for row in ws.iter_rows()],
            )
            for ws in wb.worksheets
        }
    finally:
        wb.close()
