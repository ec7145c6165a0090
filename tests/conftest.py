"""Shared fixtures: one built workbook per session, copied per test."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
# As renaksi_xl/__init__.py does, for test modules that import openpyxl before renaksi_xl.
os.environ.setdefault("OPENPYXL_LXML", "False")
# The user's own renaksi-xl folder (trusted CAs, key settings): an empty one for the tests,
# never the machine's.
os.environ["RENAKSI_XL_CONFIG_DIR"] = tempfile.mkdtemp(prefix="renaksi-xl-config-")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_workbook_master(tmp_path_factory) -> Path:
    from renaksi_xl.xlsm.workbook import build_workbook

    return build_workbook(tmp_path_factory.mktemp("build") / "RencanaAksi.xlsm")


@pytest.fixture
def built_workbook(built_workbook_master, tmp_path) -> Path:
    """A fresh copy of the built blank workbook, safe to modify."""
    dst = tmp_path / "RencanaAksi.xlsm"
    shutil.copyfile(built_workbook_master, dst)
    return dst


@pytest.fixture(autouse=True)
def release_openpyxl_vba_archives(monkeypatch):
    """Close the in-memory VBA zip of every .xlsm a test opens with openpyxl.

    Tests open workbooks with `keep_vba=True` just to look at them; left to the
    garbage collector, openpyxl's zip may be finalized after its buffer and
    print "I/O operation on closed file" under some later test.
    """
    import openpyxl

    from renaksi_xl import headless

    opened = []
    load = openpyxl.load_workbook

    def load_and_remember(*args, **kwargs):
        wb = load(*args, **kwargs)
        opened.append(wb)
        return wb

    monkeypatch.setattr(openpyxl, "load_workbook", load_and_remember)
    yield
    for wb in opened:
        headless.release(wb)
