"""Form buttons (layout.BUTTONS), each bound to a Sub of workbook/vba/RenaksiTombol.bas.

XlsxWriter writes them as VML form controls with ``macro`` = the Sub name
(Excel stores ``[0]!Tombol_X``); they do not print.
"""

from __future__ import annotations

from .. import layout
from .sheets import BuildContext


def add_buttons(ctx: BuildContext) -> None:
    for b in layout.BUTTONS:
        ctx.ws(b.sheet).insert_button(b.cell, {
            "macro": b.macro,
            "caption": b.caption,
            "width": b.width,
            "height": b.height,
            "description": f"Aksi {b.action}",
        })
