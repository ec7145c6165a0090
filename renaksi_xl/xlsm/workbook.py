"""Write RencanaAksi.xlsm from its sources with XlsxWriter.

Sources: the layout (renaksi_xl.layout), the SOP (renaksi_xl.sop), our VBA
(workbook/vba/*.bas) and the installed xlwings' VBA client. One module per
concern: sheets.py / sheet_sop.py (content and looks), guards.py (validation,
conditional formats, protection), buttons.py, vba_sources.py (the modules),
vba_project.py (the vbaProject.bin writer).

The build is deterministic: fixed document dates, fixed zip timestamps (XlsxWriter
uses the document's creation date), and a VBA project that depends only on the
module texts; `tests/test_build.py` proves the committed workbook matches.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

from .. import layout
from ..tables import col_letter
from . import guards
from .buttons import add_buttons
from .sheet_realisasi import add_realisasi_validation, write_capaian, write_laporan, write_realisasi_sheet
from .sheet_sop import write_sop
from .sheets import (
    BuildContext,
    default_rows,
    write_beranda,
    write_draf,
    write_impor,
    write_log,
    write_pengaturan,
    write_plan_sheet,
    write_sop_source,
    write_step_sheet,
    write_validasi,
    write_versi,
)
from .styles import Styles, set_page_headers
from .vba_sources import all_modules, named_cells

DEFAULT_OUT = Path("workbook/RencanaAksi.xlsm")
FIXED_TIME = dt.datetime(2024, 1, 10, 0, 0, 0)  # deterministic document properties


def build_vba_bin(*, with_xlwings: bool = True, lay: layout.BookLayout | None = None) -> bytes:
    from .vba_project import build_vba_project

    return build_vba_project(all_modules(with_xlwings=with_xlwings, lay=lay))


def build_workbook(out: str | Path = DEFAULT_OUT, *, vba: bool = True, sop_data=None) -> Path:
    """Write the blank workbook to `out` (.xlsm with the VBA project, or without it if vba=False).

    `sop_data`: the SOP (renaksi_xl.sop.Sop) the workbook follows; the shipped default if None.
    """
    import xlsxwriter

    from .. import sop

    lay = layout.BookLayout.of(sop_data or sop.default())
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".~{out.name}")
    wb = xlsxwriter.Workbook(
        str(tmp),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties(
        {
            "title": "Rencana Aksi",
            "subject": "Rencana Aksi sesuai SOP Penyusunan Rencana Aksi",
            "author": "renaksi-xl",
            "company": "",
            "created": FIXED_TIME,
        }
    )
    wb.set_size(1400, 900)
    ctx = BuildContext(wb, Styles(wb), lay=lay)
    if vba:
        wb.set_vba_name(layout.WORKBOOK_CODENAME)
    for name in lay.sheet_order:
        ws = wb.add_worksheet(name)
        if vba:
            ws.set_vba_name(lay.codenames[name])
        ctx.sheets[name] = ws

    write_beranda(ctx)
    write_sop(ctx)
    for n in lay.step_sheets:
        write_step_sheet(ctx, n)
    for name in (layout.SHEET_DPA, layout.SHEET_RENCANA, layout.SHEET_KINERJA):
        write_plan_sheet(ctx, name)
    write_validasi(ctx)
    for name in (layout.SHEET_REALISASI_AKSI, layout.SHEET_REALISASI_KINERJA):
        write_realisasi_sheet(ctx, name)
    write_capaian(ctx)
    write_laporan(ctx)
    write_log(ctx)
    write_pengaturan(ctx)
    write_impor(ctx)
    write_draf(ctx)
    write_sop_source(ctx)
    write_versi(ctx)

    for name, (sheet, address) in named_cells(lay).items():
        col = "".join(ch for ch in address if ch.isalpha())
        row = "".join(ch for ch in address if ch.isdigit())
        wb.define_name(name, f"='{sheet}'!${col}${row}")
    guards.define_lists(ctx)
    guards.add_validation(ctx)
    add_realisasi_validation(ctx)
    guards.add_conditional_formats(ctx)
    guards.protect_sheets(ctx)
    add_buttons(ctx)
    set_page_headers(ctx)
    if vba:
        wb.add_vba_project(io.BytesIO(build_vba_bin(lay=lay)), is_stream=True)
    wb.close()
    tmp.replace(out)
    return out


def cmd_build(args) -> int:
    from .. import sop

    sop_data = sop.load(args.sop) if getattr(args, "sop", None) else None  # before anything is written
    out = Path(args.out or DEFAULT_OUT)
    start = time.perf_counter()
    build_workbook(out, sop_data=sop_data)
    took = time.perf_counter() - start
    size_kb = out.stat().st_size / 1024
    print(f"Buku kerja dibangun: {out} ({size_kb:.0f} KB, {took:.1f} detik)")
    return 0


__all__ = ["build_workbook", "build_vba_bin", "cmd_build", "default_rows", "col_letter", "DEFAULT_OUT"]
