"""Cell formats and page setup of RencanaAksi.xlsm.

Number formats: the file stores format codes in Excel's invariant (US)
notation and every Excel renders them with the separators of the user's
locale. ``#,##0`` is therefore the right code for rupiah: an Indonesian
Windows shows ``1.250.000``. A code that hard-wires Indonesian separators
(``#.##0``) would mean "divide by 1000" in the invariant notation. Percent
columns hold 0..100 (not 0..1), so they get ``0.00`` (shown ``12,50``), not
``0.00%``.
"""

from __future__ import annotations

from .. import layout

FONT = "Calibri"
NAVY = "#1F3864"
BLUE = "#2F5597"
HEADER_FILL = "#DDEBF7"
INPUT_FILL = "#FFF2CC"
GRID = "#A6A6A6"
NOTE = "#595959"

NUMBER_FORMATS = {
    layout.TEXT: None,
    layout.CODE: "@",
    layout.DATE: "@",
    layout.TIMESTAMP: "@",
    layout.MONEY: "#,##0",
    layout.PERCENT: "0.00",
    layout.NUMBER: "General",
}

UNIT = ""  # set_page_headers writes the SOP's unit into every header


class Styles:
    """All XlsxWriter formats, created once per workbook (so the file has few styles)."""

    def __init__(self, wb) -> None:
        self.wb = wb
        base = {"font_name": FONT, "font_size": 10, "valign": "top"}
        self.base = base

        def fmt(**kw):
            return wb.add_format({**base, **kw})

        self.title = fmt(bold=True, font_size=16, font_color=NAVY, valign="vcenter")
        self.subtitle = fmt(font_size=10, font_color=NOTE, italic=True, valign="vcenter")
        self.section = fmt(bold=True, font_size=12, font_color=BLUE, bottom=2, bottom_color=BLUE)
        self.label = fmt(bold=True, text_wrap=True)
        self.input_label = fmt(bold=True, text_wrap=True, valign="vcenter")
        self.value = fmt(text_wrap=True)
        self.value_text = fmt(text_wrap=True, num_format="@")
        self.value_left = fmt(align="left", num_format="0")
        self.note = fmt(italic=True, font_color=NOTE, text_wrap=True)
        self.note_nowrap = fmt(italic=True, font_color=NOTE)
        self.hidden = fmt(num_format=";;;", locked=False)
        self.input = fmt(
            bg_color=INPUT_FILL,
            border=1,
            border_color=GRID,
            locked=False,
            num_format="@",
            text_wrap=True,
            valign="vcenter",
        )
        self.banner = fmt(
            bold=True, font_size=14, align="center", valign="vcenter", border=2, border_color=NAVY
        )
        # one line that may run on over the empty cells to its right (a wrap in a narrow
        # table column would overlap the row below)
        self.status = fmt(bold=True)
        self.header = fmt(
            bold=True,
            text_wrap=True,
            bg_color=HEADER_FILL,
            border=1,
            border_color=GRID,
            align="center",
            valign="vcenter",
        )
        self.sop_header = fmt(
            bold=True, text_wrap=True, bg_color=HEADER_FILL, border=1, align="center", valign="vcenter"
        )
        self.cell = fmt(text_wrap=True, border=1, valign="vcenter")
        self.cell_center = fmt(text_wrap=True, border=1, align="center", valign="vcenter")
        self.cell_bold = fmt(bold=True, text_wrap=True, border=1, valign="vcenter")
        self.mark = fmt(border=1, align="center", valign="vcenter", font_size=12, bold=True)
        self.sop_title = fmt(
            bold=True, font_size=14, align="center", valign="vcenter", text_wrap=True, border=1
        )
        self.sop_label = fmt(bold=True, border=1, text_wrap=True)
        self.sop_value = fmt(border=1, text_wrap=True)
        self.num_item = fmt(align="right")
        # table columns by kind: body format (border + number format) and column default
        self._body = {}
        self._column = {}
        for kind, numfmt in NUMBER_FORMATS.items():
            opts = {"border": 1, "border_color": GRID}
            col_opts = {}
            if numfmt:
                opts["num_format"] = numfmt
                col_opts["num_format"] = numfmt
            if kind == layout.TEXT:
                opts["text_wrap"] = True
            self._body[kind] = fmt(**opts)
            self._column[kind] = fmt(**col_opts) if col_opts else None
        self.text_column = self._column[layout.CODE]
        self.body_center = fmt(border=1, border_color=GRID, align="center")
        # fingerprints: 64+ hex digits that nobody reads but must stay whole in the cell;
        # "fill" alignment clips them at the cell edge instead of spilling across the page
        self.sidik = fmt(border=1, border_color=GRID, num_format="@", align="fill", font_size=8)

    def body(self, kind: str):
        """Format of a table's data cells for a column kind."""
        return self._body[kind]

    def column(self, kind: str):
        """Column default format (number format only, no borders), or None."""
        return self._column[kind]


def page_setup(
    ws,
    *,
    landscape: bool,
    repeat_rows: tuple[int, int] | None = None,
    print_area: str | None = None,
    fit_width: bool = True,
) -> None:
    """A4, margins, fit to page width, header (unit, sheet) and footer (page x of y).

    Sheets whose tables grow get no print area: Excel and LibreOffice then print
    the used range, which follows the table.
    """
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.center_horizontally()
    if fit_width:
        ws.fit_to_pages(1, 0)
    if repeat_rows:
        ws.repeat_rows(repeat_rows[0] - 1, repeat_rows[1] - 1)
    if print_area:
        ws.print_area(print_area)
    ws.set_header(page_header(UNIT, layout_sop_number()))
    ws.set_footer("&L&8Dicetak dari RencanaAksi.xlsm&C&9Halaman &P dari &N&R&8&A")


A4_LANDSCAPE_PRINTABLE_PT = (11.69 - 1.0) * 72  # page width minus the 0.5" side margins
# page height minus the 0.75" top/bottom margins and room for header and footer
A4_LANDSCAPE_PRINTABLE_HEIGHT_PT = (8.27 - 1.5) * 72 - 20
DEFAULT_ROW_PT = 15.0


def print_scale(widths: list[float]) -> int:
    """Largest print scale (%) at which columns this wide fit across one A4 landscape page.

    Excel draws a column of width w (characters of the default font) as w*7+5 pixels
    at 96 dpi; LibreOffice draws the same columns about 10 % wider, so the estimate
    uses LibreOffice's measure and the page fits in both.
    """
    total_pt = sum(w * 7.8 + 6 for w in widths) * 0.75
    return max(10, min(100, int(100 * A4_LANDSCAPE_PRINTABLE_PT / total_pt) - 1))


def page_header(unit: str, sop_number: str) -> str:
    """The page header: 'Rencana Aksi <unit>', the sheet's name, 'SOP <number>'."""
    return f'&L&"{FONT},Bold"&9Rencana Aksi {_escape(unit)}&C&9&A&R&9SOP {_escape(sop_number)}'


def set_page_headers(ctx) -> None:
    """Every printed sheet's header names the unit and the SOP the workbook is built with."""
    header = page_header(ctx.sop.unit, ctx.sop.nomor)
    for ws in ctx.sheets.values():
        if getattr(ws, "header", ""):
            ws.set_header(header)


def layout_sop_number() -> str:
    from .. import sop

    return sop.SOP_NUMBER


def _escape(text: str) -> str:
    return text.replace("&", "&&")
