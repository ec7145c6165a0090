"""The VBA of a workbook built from another SOP (tests/data/sop_dinas.toml, seven steps) in a real
VBA host: LibreOffice runs its self-test (the generated RenaksiLayout against the sheets, tables
and names it describes) and Renaksi_KunciLembar locks that SOP's step sheets."""

from pathlib import Path

import openpyxl
import pytest
from test_workbook_lo import SELFTEST, helper_module, lo_copy

from renaksi_xl import layout, sop
from renaksi_xl.xlsm.lo_host import run_macros
from renaksi_xl.xlsm.workbook import build_workbook

pytestmark = pytest.mark.libreoffice

DINAS = Path(__file__).parent / "data" / "sop_dinas.toml"


def test_dinas_workbook_selftest_and_lock(tmp_path):
    dinas = sop.load(DINAS)
    book = build_workbook(tmp_path / "dinas.xlsm", sop_data=dinas)
    out = tmp_path / "after.xlsx"
    report = run_macros(
        lo_copy(
            book, tmp_path / "dinas-lo.xlsm", {"UjiLO": helper_module()}, lay=layout.BookLayout.of(dinas)
        ),
        ["RenaksiUji.Renaksi_SelfTest", "UjiLO.Uji_Kunci"],
        read_cells=[SELFTEST],
        out_path=out,
    )
    assert report["ok"], report["macros"]
    assert report["cells"][SELFTEST]["formula"] == "OK"
    after = openpyxl.load_workbook(out)
    for name in ("L6 Paraf", "L7 Penetapan", layout.SHEET_RENCANA):
        assert after[name].protection.sheet, name
    assert not after[layout.SHEET_PENGATURAN].protection.sheet
