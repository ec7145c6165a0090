"""Form buttons (layout.BUTTONS), each bound to a Sub of workbook/vba/RenaksiTombol.bas.

XlsxWriter writes them as VML form controls with ``macro`` = the Sub name
(Excel stores ``[0]!Tombol_X``); they do not print.
"""

from __future__ import annotations

from .. import layout
from ..tables import col_letter
from .sheets import BERANDA_WIDTHS, BuildContext

GAP_PX = 6  # space between a button and its column's borders


def beranda_column_px() -> dict[str, int]:
    """Beranda column letter -> width in pixels (the progress table sets the widths)."""
    spec = layout.table(layout.TBL_PROGRES)
    return {
        col_letter(spec.first_col + i): int(BERANDA_WIDTHS.get(c.header, c.width) * 7 + 5)
        for i, c in enumerate(spec.columns)
    }


def add_buttons(ctx: BuildContext) -> None:
    """Beranda's buttons stand in a grid of its columns: each is as wide as its column allows."""
    columns = beranda_column_px()
    for b in ctx.lay.buttons:
        width, x_offset = b.width, 0
        if b.sheet == layout.SHEET_BERANDA:
            letter = b.cell.rstrip("0123456789")
            width, x_offset = min(b.width, columns[letter] - 2 * GAP_PX), GAP_PX
        ctx.ws(b.sheet).insert_button(
            b.cell,
            {
                "macro": b.macro,
                "caption": b.caption,
                "width": width,
                "height": b.height,
                "x_offset": x_offset,
                "description": f"Aksi {b.action}",
            },
        )
