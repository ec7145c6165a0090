"""Fuzzing sheetscan with python-calamine as the oracle: random small sheets whose cells are
written in every spelling XML allows, read by calamine for real; the exact scan must place
the cells where calamine does, and the fast way must never call a sheet inside a box that
calamine's grid leaves."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renaksi_xl import readlimits, sheetscan
from tests.test_sheetscan import _letters, calamine_far_cell, sheet_xml

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))

_SPELLINGS = [
    '<c r="{ref}"{attrs}><v>{v}</v></c>',
    "<c r='{ref}'{attrs}><v>{v}</v></c>",
    '<c\tr="{ref}"{attrs}><v>{v}</v></c>',
    '<c{attrs} r="{ref}"><v>{v}</v></c>',
    '<c r="{ref}"{attrs}/>',
    "<c{attrs}><v>{v}</v></c>",
    '<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>',
]
_ATTRS = ["", ' s="1"', ' s="1" t="n"', ' t="n"', ' vm="1"']


@st.composite
def small_sheets(draw) -> bytes:
    rows, row_no = [], 0
    for _ in range(draw(st.integers(1, 6))):
        row_no = draw(st.integers(row_no + 1, row_no + 40))
        cells, col = [], 0
        for _ in range(draw(st.integers(0, 5))):
            col = draw(st.integers(col + 1, col + 30))
            spelling = draw(st.sampled_from(_SPELLINGS))
            cells.append(
                spelling.format(ref=f"{_letters(col)}{row_no}", attrs=draw(st.sampled_from(_ATTRS)), v=col)
            )
        rows.append(f'<row r="{row_no}">' + "".join(cells) + "</row>")
    return sheet_xml("".join(rows))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=small_sheets())
def test_fuzz_scan_agrees_with_calamine(tmp_path, data):
    far = calamine_far_cell(tmp_path, data)
    cells = sheetscan.exact(data, 10**6, 10**6, 10**12)
    # exact: never short of calamine's grid (self-closed cells may count, the conservative side)
    assert cells.far_row >= far[0] and cells.far_col >= far[1]
    if b"/>" not in data.split(b"<sheetData>", 1)[1]:
        assert (cells.far_row, cells.far_col) == far
    # the fast way: when it says every cell is inside a box, calamine's grid is inside it too
    for box in readlimits.BOXES:
        if sheetscan.fast_shape(data) and sheetscan.fits(data, box) is None:
            assert far[0] <= box.rows and far[1] <= box.cols
