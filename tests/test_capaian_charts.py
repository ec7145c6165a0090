"""The Capaian sheet's native charts (issue 13): built from sources, fed by the cells the actions
fill, kept through the headless engine's saves, and drawn in LibreOffice's PDF."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest

from renaksi_xl import layout
from renaksi_xl.context import ActionContext
from renaksi_xl.runner import run_action
from renaksi_xl.xlsm.render import pages_by_sheet, to_pdf

pytestmark = pytest.mark.libreoffice

FISIK_BAR = (0x1F, 0x4E, 0x79)  # the "Realisasi Fisik (%)" series colour
SERAPAN_BAR = (0xC5, 0x5A, 0x11)  # the "Serapan (%)" series colour


def _chart_refs(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [
            ref for n in charts for ref in re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", z.read(n).decode())
        ]


def _pixels(pdf, page: int, tmp_path, colour) -> int:
    """How many pixels of the page (rendered at 50 dpi) have the colour (within a small tolerance)."""
    base = tmp_path / f"p{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-f",
            str(page + 1),
            "-l",
            str(page + 1),
            "-singlefile",
            str(pdf),
            str(base),
        ],
        check=True,
        timeout=120,
    )
    data = (tmp_path / f"p{page}.ppm").read_bytes()
    # binary PPM: P6\nW H\n255\n<rgb...>
    parts = data.split(b"\n", 3)
    body = parts[3]
    count = 0
    for i in range(0, len(body) - 2, 3):
        r, g, b = body[i], body[i + 1], body[i + 2]
        if abs(r - colour[0]) < 12 and abs(g - colour[1]) < 12 and abs(b - colour[2]) < 12:
            count += 1
    return count


@pytest.fixture
def realised(built_workbook):
    from renaksi_xl.validators import sample

    sample.write_plan(built_workbook, sample.add_realisasi(sample.clean_plan(3, 1), 2))
    return built_workbook


def test_the_charts_read_tblcapaiantw(built_workbook):
    spec = layout.table(layout.TBL_CAPAIAN_TW)
    first, last = spec.header_row + 1, spec.header_row + 4
    refs = _chart_refs(built_workbook)
    sheet = f"'{layout.SHEET_CAPAIAN}'"
    for header in ("Target Fisik (%)", "Realisasi Fisik (%)", "Rencana Serapan (%)", "Serapan (%)"):
        col = chr(ord("A") + spec.col_index(header))
        assert f"{sheet}!${col}${first}:${col}${last}" in refs, header
    assert f"{sheet}!$A${first}:$A${last}" in refs  # categories: TW I..TW IV


def test_charts_are_drawn_from_what_hitung_capaian_writes(realised, tmp_path):
    blank = to_pdf(realised, tmp_path / "kosong")
    page = pages_by_sheet(blank)[layout.SHEET_CAPAIAN][0]
    assert _pixels(blank, page, tmp_path, FISIK_BAR) < 20, "no bars before capaian is computed"

    refs = _chart_refs(realised)
    run_action(realised, layout.ACTION_HITUNG_CAPAIAN, ActionContext(fields={"tw": "II"}))
    assert _chart_refs(realised) == refs, "the charts and their cell references survive the headless save"
    pdf = to_pdf(realised, tmp_path / "isi")
    page = pages_by_sheet(pdf)[layout.SHEET_CAPAIAN][0]
    text = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Target vs Realisasi Fisik per Triwulan" in text
    assert "Serapan Anggaran vs Rencana per Triwulan" in text
    assert _pixels(pdf, page, tmp_path, FISIK_BAR) > 100, "realisasi fisik bars drawn"
    assert _pixels(pdf, page, tmp_path, SERAPAN_BAR) > 100, "serapan bars drawn"
