"""The `SOP` sheet: the SOP document itself, from renaksi_xl.sop.

Laid out like the printed SOP (PermenPAN-RB 35/2012 style): identity block,
the six sections, then the procedure table with one column per Pelaksana and
the Mutu Baku. Static text, so the sheet is protected.
"""

from __future__ import annotations

from .. import layout, sop
from .sheets import BuildContext, row_height
from .styles import A4_LANDSCAPE_PRINTABLE_HEIGHT_PT, DEFAULT_ROW_PT, page_setup, print_scale

# columns: No, Uraian, 3 roles, Kelengkapan, Waktu, Output, Keterangan
WIDTHS = (5, 36, 12, 12, 14, 24, 15, 26, 13)
LAST_COL = len(WIDTHS) - 1
MARK = "\u25cf"  # black circle: in WGL4, so every Windows font has it
SECOND_PAGE_FROM = "Keterkaitan"
ROLE_COLUMNS = {role: 2 + i for i, role in enumerate(layout.ROLES)}
SECTIONS = (
    # The printed SOP lists its first legal basis twice; the sheet lists each once.
    ("Dasar Hukum", tuple(dict.fromkeys(sop.DASAR_HUKUM))),
    ("Kualifikasi Pelaksana", sop.KUALIFIKASI_PELAKSANA),
    ("Keterkaitan", sop.KETERKAITAN),
    ("Peralatan/Perlengkapan", sop.PERALATAN),
    ("Peringatan", (sop.PERINGATAN,)),
    ("Pencatatan dan Pendataan", (*sop.PENCATATAN, sop.PENCATATAN_CATATAN)),
)


def total_time() -> str:
    """The SOP's total standard time, computed from the steps (must match the SOP's own label)."""
    days = sum(s.waktu.days for s in sop.STEPS)
    minutes = sum(s.waktu.minutes for s in sop.STEPS)
    days += minutes // (24 * 60)
    minutes %= 24 * 60
    return sop.StandardTime(days, minutes).label()


def write_sop(ctx: BuildContext) -> int:
    """Write the SOP sheet; returns the last used row (1-based)."""
    ws, st = ctx.ws(layout.SHEET_SOP), ctx.styles
    if total_time() != sop.TOTAL_TIME_LABEL:
        raise ValueError(f"SOP total time {total_time()!r} != label {sop.TOTAL_TIME_LABEL!r}")
    for i, w in enumerate(WIDTHS):
        ws.set_column(i, i, w)
    heights: dict[int, float] = {}

    def set_row(r: int, height: float) -> None:
        heights[r] = height
        ws.set_row(r, height)

    width_rest = sum(WIDTHS[1:])
    width_value = sum(WIDTHS[2:])

    set_row(0, 24)
    ws.merge_range(0, 0, 0, LAST_COL, "STANDAR OPERASIONAL PROSEDUR (SOP)", st.sop_title)
    set_row(1, 20)
    ws.merge_range(
        1, 0, 1, LAST_COL, f"PEMERINTAH {sop.SOP_PEMDA.upper()} - {sop.SOP_UNIT.upper()}", st.sop_title
    )
    jabatan, nama, nip = sop.SOP_DISAHKAN_OLEH
    identity = (
        ("Nomor SOP", sop.SOP_NUMBER),
        ("Tanggal Pengesahan", sop.SOP_TANGGAL_PENGESAHAN),
        ("Tanggal Revisi", sop.SOP_TANGGAL_REVISI),
        ("Disahkan oleh", f"{jabatan}\n{nama}\nNIP {nip}"),
        ("Nama SOP", sop.SOP_NAME),
    )
    row = 3
    for label, value in identity:
        ws.merge_range(row, 0, row, 1, label, st.sop_label)
        ws.merge_range(row, 2, row, LAST_COL, value, st.sop_value)
        set_row(row, row_height(value, width_value))
        row += 1

    page_break = 0
    for heading, items in SECTIONS:
        row += 1
        if heading == SECOND_PAGE_FROM:
            page_break = row
        ws.merge_range(row, 0, row, LAST_COL, heading, st.section)
        row += 1
        for i, text in enumerate(items, start=1):
            ws.write_string(row, 0, f"{i}.", st.num_item)
            ws.merge_range(row, 1, row, LAST_COL, text, st.value)
            set_row(row, row_height(text, width_rest))
            row += 1

    row += 1
    ws.merge_range(row, 0, row, LAST_COL, "Prosedur", st.section)
    row += 1
    top = row
    ws.merge_range(top, 0, top + 1, 0, "No", st.sop_header)
    ws.merge_range(top, 1, top + 1, 1, "Uraian Prosedur", st.sop_header)
    ws.merge_range(top, 2, top, 4, "Pelaksana", st.sop_header)
    ws.merge_range(top, 5, top, 7, "Mutu Baku", st.sop_header)
    ws.merge_range(top, 8, top + 1, 8, "Keterangan", st.sop_header)
    for role, col in ROLE_COLUMNS.items():
        ws.write_string(top + 1, col, role, st.sop_header)
    for col, text in ((5, "Kelengkapan"), (6, "Waktu"), (7, "Output")):
        ws.write_string(top + 1, col, text, st.sop_header)
    set_row(top + 1, 42)
    row = top + 2
    for s in sop.STEPS:
        ws.write_number(row, 0, s.number, st.cell_center)
        ws.write_string(row, 1, s.uraian, st.cell)
        for role, col in ROLE_COLUMNS.items():
            ws.write_string(row, col, MARK if s.role == role else "", st.mark)
        ws.write_string(row, 5, s.kelengkapan, st.cell)
        ws.write_string(row, 6, s.waktu.label(), st.cell_center)
        ws.write_string(row, 7, s.output, st.cell)
        ws.write_string(row, 8, s.pengesahan, st.cell_center)
        set_row(
            row,
            max(
                row_height(s.uraian, WIDTHS[1]),
                row_height(s.output, WIDTHS[7]),
                row_height(s.kelengkapan, WIDTHS[5]),
            ),
        )
        row += 1
    ws.merge_range(row, 0, row, 5, "Jumlah waktu", st.cell_bold)
    ws.write_string(row, 6, sop.TOTAL_TIME_LABEL, st.cell_bold)
    ws.merge_range(row, 7, row, 8, "", st.cell)
    row += 2
    ws.merge_range(
        row,
        0,
        row,
        LAST_COL,
        "Pelaksana bawaan dapat diubah di lembar Pengaturan (tabel Pelaksana setiap langkah SOP).",
        st.note,
    )
    last = row + 1
    # Two pages like the printed SOP: identity and legal basis, then the rest with the
    # procedure table. A fixed scale (Excel ignores manual breaks under "fit to page")
    # chosen from the row heights set above so each part fits its page.
    page_height = [
        sum(heights.get(r, DEFAULT_ROW_PT) for r in rows)
        for rows in (range(0, page_break), range(page_break, last))
    ]
    scale = min(
        print_scale(list(WIDTHS)), *(int(100 * A4_LANDSCAPE_PRINTABLE_HEIGHT_PT / h) - 1 for h in page_height)
    )
    page_setup(ws, landscape=True, print_area=f"A1:I{last}", fit_width=False)
    ws.set_print_scale(scale)
    ws.set_h_pagebreaks([page_break])
    ws.hide_gridlines(2)
    return last
