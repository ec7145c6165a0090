"""The `SOP` sheet: the SOP document itself, from the SOP the workbook is built with.

Laid out like the printed SOP (PermenPAN-RB 35/2012 style): identity block,
the sections, then the procedure table with one column per Pelaksana and
the Mutu Baku. Static text, so the sheet is protected.
"""

from __future__ import annotations

from .. import layout, sop
from ..tables import col_letter
from .sheets import BuildContext, row_height
from .styles import A4_LANDSCAPE_PRINTABLE_HEIGHT_PT, DEFAULT_ROW_PT, page_setup, print_scale

# columns of the default (three roles): No, Uraian, 3 roles, Kelengkapan, Waktu, Output, Keterangan
WIDTHS = (5, 36, 12, 12, 14, 24, 15, 26, 13)
ROLE_WIDTH_TOTAL = 38  # the role columns share this width
MARK = "\u25cf"  # black circle: in WGL4, so every Windows font has it
SECOND_PAGE_FROM = "Keterkaitan"


def sections(s: sop.Sop) -> tuple:
    """The SOP's sections as printed (a section the SOP leaves empty is left out)."""
    out = (
        # The printed Neglasari SOP lists its first legal basis twice; the sheet lists each once.
        ("Dasar Hukum", tuple(dict.fromkeys(s.dasar_hukum))),
        ("Kualifikasi Pelaksana", s.kualifikasi_pelaksana),
        ("Keterkaitan", s.keterkaitan),
        ("Peralatan/Perlengkapan", s.peralatan),
        ("Peringatan", (s.peringatan,) if s.peringatan else ()),
        (
            "Pencatatan dan Pendataan",
            (*s.pencatatan_lines(), *((s.pencatatan_catatan,) if s.pencatatan_catatan else ())),
        ),
    )
    return tuple((h, items) for h, items in out if items)


def widths_for(s: sop.Sop) -> tuple:
    """Column widths: No, Uraian, one column per role, Kelengkapan, Waktu, Output, Keterangan."""
    n = len(s.roles)
    if n == 3:
        return WIDTHS
    each = max(9, round(ROLE_WIDTH_TOTAL / n))
    return (WIDTHS[0], WIDTHS[1], *([each] * n), *WIDTHS[5:])


def write_sop(ctx: BuildContext) -> int:
    """Write the SOP sheet; returns the last used row (1-based)."""
    ws, st, s = ctx.ws(layout.SHEET_SOP), ctx.styles, ctx.sop
    widths = widths_for(s)
    nroles = len(s.roles)
    last_col = len(widths) - 1
    role_columns = {role: 2 + i for i, role in enumerate(s.roles)}
    kel, waktu, output, ket = 2 + nroles, 3 + nroles, 4 + nroles, 5 + nroles
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    heights: dict[int, float] = {}

    def set_row(r: int, height: float) -> None:
        heights[r] = height
        ws.set_row(r, height)

    width_rest = sum(widths[1:])
    width_value = sum(widths[2:])

    set_row(0, 24)
    ws.merge_range(0, 0, 0, last_col, "STANDAR OPERASIONAL PROSEDUR (SOP)", st.sop_title)
    set_row(1, 20)
    ws.merge_range(1, 0, 1, last_col, f"PEMERINTAH {s.pemda.upper()} - {s.unit.upper()}", st.sop_title)
    ok = s.disahkan_oleh
    identity = (
        ("Nomor SOP", s.nomor),
        ("Tanggal Pengesahan", s.tanggal_pengesahan_label),
        ("Tanggal Revisi", s.tanggal_revisi_label),
        ("Disahkan oleh", f"{ok.jabatan}\n{ok.nama}\nNIP {ok.nip}"),
        ("Nama SOP", s.nama),
    )
    row = 3
    for label, value in identity:
        ws.merge_range(row, 0, row, 1, label, st.sop_label)
        ws.merge_range(row, 2, row, last_col, value, st.sop_value)
        set_row(row, row_height(value, width_value))
        row += 1

    page_break = 0
    for heading, items in sections(s):
        row += 1
        if heading == SECOND_PAGE_FROM or (not page_break and heading == "Peralatan/Perlengkapan"):
            page_break = row
        ws.merge_range(row, 0, row, last_col, heading, st.section)
        row += 1
        for i, text in enumerate(items, start=1):
            ws.write_string(row, 0, f"{i}.", st.num_item)
            ws.merge_range(row, 1, row, last_col, text, st.value)
            set_row(row, row_height(text, width_rest))
            row += 1
    page_break = page_break or row + 1

    row += 1
    ws.merge_range(row, 0, row, last_col, "Prosedur", st.section)
    row += 1
    top = row
    ws.merge_range(top, 0, top + 1, 0, "No", st.sop_header)
    ws.merge_range(top, 1, top + 1, 1, "Uraian Prosedur", st.sop_header)
    if nroles > 1:
        ws.merge_range(top, 2, top, 1 + nroles, "Pelaksana", st.sop_header)
    else:
        ws.write_string(top, 2, "Pelaksana", st.sop_header)
    ws.merge_range(top, kel, top, output, "Mutu Baku", st.sop_header)
    ws.merge_range(top, ket, top + 1, ket, "Keterangan", st.sop_header)
    for role, col in role_columns.items():
        ws.write_string(top + 1, col, role, st.sop_header)
    for col, text in ((kel, "Kelengkapan"), (waktu, "Waktu"), (output, "Output")):
        ws.write_string(top + 1, col, text, st.sop_header)
    set_row(top + 1, max(42, max(row_height(r, widths[2]) for r in s.roles)))
    row = top + 2
    for step in s.steps:
        ws.write_number(row, 0, step.number, st.cell_center)
        ws.write_string(row, 1, step.uraian, st.cell)
        for role, col in role_columns.items():
            ws.write_string(row, col, MARK if step.role == role else "", st.mark)
        ws.write_string(row, kel, step.kelengkapan, st.cell)
        ws.write_string(row, waktu, step.waktu.label(), st.cell_center)
        ws.write_string(row, output, step.output, st.cell)
        ws.write_string(row, ket, step.pengesahan, st.cell_center)
        set_row(
            row,
            max(
                row_height(step.uraian, widths[1]),
                row_height(step.output, widths[output]),
                row_height(step.kelengkapan, widths[kel]),
            ),
        )
        row += 1
    ws.merge_range(row, 0, row, kel, "Jumlah waktu", st.cell_bold)
    ws.write_string(row, waktu, s.total_time_label, st.cell_bold)
    if len(s.total_time_label) > widths[waktu]:
        set_row(row, row_height(s.total_time_label, widths[waktu]))
    ws.merge_range(row, output, row, ket, "", st.cell)
    row += 2
    ws.merge_range(
        row,
        0,
        row,
        last_col,
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
        print_scale(list(widths)),
        *(int(100 * A4_LANDSCAPE_PRINTABLE_HEIGHT_PT / h) - 1 for h in page_height if h),
    )
    page_setup(ws, landscape=True, print_area=f"A1:{col_letter(last_col + 1)}{last}", fit_width=False)
    ws.set_print_scale(scale)
    ws.set_h_pagebreaks([page_break])
    ws.hide_gridlines(2)
    return last
