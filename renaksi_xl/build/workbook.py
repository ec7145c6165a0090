"""Write RencanaAksi.xlsm from the layout (renaksi_xl.layout) with XlsxWriter.

Minimal first version: every sheet, table, default row and defined name the
Python side relies on.  Styling, data validation, conditional formatting,
buttons and the VBA project are added on top of this (see build/ modules).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import layout, sop
from ..tables import cell_address, col_letter

DEFAULT_OUT = Path("workbook/RencanaAksi.xlsm")
FIXED_TIME = dt.datetime(2024, 1, 10, 0, 0, 0)  # deterministic document properties


def default_rows(table_name: str) -> list[list]:
    """Rows a blank workbook starts with."""
    if table_name == layout.TBL_PEJABAT:
        return [[role, "", ""] for role in layout.ROLES]
    if table_name == layout.TBL_PERAN_LANGKAH:
        return [[s.number, s.uraian, s.role, s.pengesahan] for s in sop.STEPS]
    if table_name == layout.TBL_SETELAN:
        return [list(r) for r in layout.SETELAN_DEFAULTS]
    if table_name == layout.TBL_PROGRES:
        return [[s.number, s.uraian, s.role, "Belum dimulai", "", "", "", s.waktu.label(), ""] for s in sop.STEPS]
    return []


def build_workbook(out: str | Path = DEFAULT_OUT, *, vba: bool = True) -> Path:
    import xlsxwriter

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    wb.set_properties({"title": "Rencana Aksi", "created": FIXED_TIME, "author": "renaksi-xl"})
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 14})
    sheets = {}
    for name in layout.SHEET_ORDER:
        ws = wb.add_worksheet(name)
        sheets[name] = ws
        if name in layout.HIDDEN_SHEETS:
            ws.hide()
    for name, ws in sheets.items():
        ws.write(0, 0, name, title)

    for spec in layout.TABLES.values():
        ws = sheets[spec.sheet]
        rows = default_rows(spec.name)
        n = max(len(rows), 1)
        first = cell_address(spec.header_row, spec.first_col)
        last = cell_address(spec.header_row + n, spec.first_col + len(spec.columns) - 1)
        options = {
            "name": spec.name,
            "style": spec.style,
            "columns": [{"header": c.header} for c in spec.columns],
        }
        if rows:
            options["data"] = rows
        ws.add_table(f"{first}:{last}", options)
        for i, c in enumerate(spec.columns):
            ws.set_column(spec.first_col - 1 + i, spec.first_col - 1 + i, c.width)

    for n, sheet in layout.STEP_SHEETS.items():
        ws = sheets[sheet]
        st = sop.step(n)
        ws.write(0, 0, f"Langkah {n}: {st.uraian}", title)
        ws.write(2, 0, f"Pelaksana: {st.role}   Waktu baku: {st.waktu.label()}   Output: {st.output}")
        inputs = list(layout.STEP_INPUTS.get(n, ())) + [("Catatan", f"{layout.INPUT_CATATAN}{n}")]
        for i, (label, name) in enumerate(inputs):
            row = layout.INPUT_FIRST_ROW + i
            ws.write(row - 1, 1, label, bold)
            wb.define_name(name, f"='{sheet}'!$C${row}")

    for name, (sheet, address) in layout.NAMED_CELLS.items():
        col = "".join(ch for ch in address if ch.isalpha())
        row = "".join(ch for ch in address if ch.isdigit())
        wb.define_name(name, f"='{sheet}'!${col}${row}")
    beranda = sheets[layout.SHEET_BERANDA]
    beranda.write(0, 0, f"Rencana Aksi - SOP {sop.SOP_NAME}", title)
    labels = {"nmUnit": "Unit kerja", "nmTahun": "Tahun anggaran", "nmTahap": "Tahap",
              "nmStatusDokumen": "Status dokumen", "nmValidasiStatus": "Validasi",
              "nmValidasiWaktu": "Validasi terakhir", "nmKeaslian": "Keaslian"}
    for name, label in labels.items():
        sheet, address = layout.NAMED_CELLS[name]
        row = int("".join(ch for ch in address if ch.isdigit()))
        sheets[sheet].write(row - 1, 1, label, bold)
    beranda.write("C4", "Kecamatan Neglasari")
    beranda.write("C5", "2025")
    beranda.write("C6", "Belum dimulai")
    beranda.write("C7", layout.STATUS_DRAF)
    beranda.write("C8", "Belum divalidasi")
    wb.close()
    return out


def cmd_build(args) -> int:
    out = build_workbook(args.out or DEFAULT_OUT)
    print(f"Buku kerja dibangun: {out}")
    return 0


__all__ = ["build_workbook", "cmd_build", "default_rows", "col_letter"]
