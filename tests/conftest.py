"""Shared fixtures: one built workbook per session, copied per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built_workbook_master(tmp_path_factory) -> Path:
    from renaksi_xl.build.workbook import build_workbook

    return build_workbook(tmp_path_factory.mktemp("build") / "RencanaAksi.xlsm")


@pytest.fixture
def built_workbook(built_workbook_master, tmp_path) -> Path:
    """A fresh copy of the built blank workbook, safe to modify."""
    dst = tmp_path / "RencanaAksi.xlsm"
    shutil.copyfile(built_workbook_master, dst)
    return dst
