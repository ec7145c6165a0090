"""sheetscan: where python-calamine places a sheet's cells, found before calamine builds the grid.

The oracle is python-calamine itself: each case is a real .xlsx read by calamine, and the
scan must name the same furthest cell.  The far versions of the same cells (which calamine
cannot survive: it aborts the process asking for billions of cells) must be refused.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineError, CalamineWorkbook

from renaksi_xl import readlimits, sheetscan
from renaksi_xl.readlimits import LimitError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    f'<?xml version="1.0"?><workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def sheet_xml(rows: str) -> bytes:
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    )


def calamine_far_cell(tmp_path: Path, data: bytes) -> tuple[int, int]:
    """(furthest row, furthest column), 1-based, of the grid python-calamine builds; (0, 0) if empty."""
    path = tmp_path / "s.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in (
            ("[Content_Types].xml", _CT),
            ("_rels/.rels", _RELS),
            ("xl/workbook.xml", _WB),
            ("xl/_rels/workbook.xml.rels", _WB_RELS),
        ):
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", data)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S")
    end = sheet.end
    return (0, 0) if end is None else (end[0] + 1, end[1] + 1)


FIRST_ROW = '<row r="1"><c r="A1"><v>1</v></c></row>'
# How a cell can be written, each as python-calamine 0.9 reads it ({ref}: where it claims to be).
SHAPES = {
    "plain": '<row r="5"><c r="{ref}"><v>2</v></c></row>',
    "tab-before-r": '<row r="5"><c\tr="{ref}"><v>2</v></c></row>',
    "newline-before-r": '<row r="5"><c\nr="{ref}"><v>2</v></c></row>',
    "single-quotes": "<row r=\"5\"><c r='{ref}'><v>2</v></c></row>",
    "spaces-around-equals": '<row r="5"><c r = "{ref}"><v>2</v></c></row>',
    "lower-case": '<row r="5"><c r="{lower}"><v>2</v></c></row>',
    "leading-zeros": '<row r="5"><c r="{zeros}"><v>2</v></c></row>',
    "prefixed-cell": f'<row r="5"><x:c xmlns:x="{MAIN}" r="{{ref}}"><x:v>2</x:v></x:c></row>',
    "r-not-first": '<row r="5"><c s="0" r="{ref}"><v>2</v></c></row>',
    "r-twice": '<row r="5"><c r="B5" r="{ref}"><v>2</v></c></row>',
    "gt-in-a-value": '<row r="5"><c r="B5" s=">" r="{ref}"><v>2</v></c></row>',
    "inline-empty-text": '<row r="5"><c r="{ref}" t="inlineStr"><is><t></t></is></c></row>',
    "other-attributes": '<row r="5"><c r="{ref}" s="1" t="n" cm="1"><v>2</v></c></row>',
}


def _forms(ref: str) -> dict:
    letters = ref.rstrip("0123456789")
    return {"ref": ref, "lower": ref.lower(), "zeros": letters + "000" + ref[len(letters) :]}


# Not well-formed XML (an attribute twice), which calamine reads all the same: refused outright.
DUPLICATED = {"r-twice", "gt-in-a-value"}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_scan_places_a_cell_where_calamine_does(tmp_path, shape):
    data = sheet_xml(FIRST_ROW + SHAPES[shape].format(**_forms("CV5000")))
    assert calamine_far_cell(tmp_path, data) == (5000, 100)  # the fact the scan must match
    if shape in DUPLICATED:
        with pytest.raises(sheetscan.NotReadable, match="dua kali"):
            sheetscan.exact(data, 10**6, 10**6, 10**12)
        return
    cells = sheetscan.exact(data, 10**6, 10**6, 10**12)
    assert (cells.far_row, cells.far_col) == (5000, 100)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_far_cell_is_refused_whatever_its_spelling(shape):
    data = sheet_xml(FIRST_ROW + SHAPES[shape].format(**_forms("XFD1048576")))
    named = (
        "atribut yang sama ditulis dua kali" if shape in DUPLICATED else "XFD1048576|xfd1048576|XFD0001048576"
    )
    with pytest.raises(LimitError, match=f"lembar 'Realisasi Aksi'.*({named})"):
        readlimits.scan_sheet(data, "Realisasi Aksi", "kota.xlsm", [])


@pytest.mark.parametrize(
    ("rows", "far"),
    [
        # a cell without r follows the previous cell of its row
        ('<row r="1"><c r="CU1"><v>1</v></c><c><v>1</v></c></row>', (1, 100)),
        # a row without r follows the previous row
        ('<row r="4999"><c r="A4999"><v>1</v></c></row><row><c><v>1</v></c></row>', (5000, 1)),
        # ... and the first row without r is row 1
        ("<row><c><v>1</v></c><c><v>1</v></c></row>", (1, 2)),
        # cells with nothing in them do not count
        (FIRST_ROW + '<row r="5000"><c r="CV5000" s="1"/><c r="CW5000"></c></row>', (1, 1)),
        # calamine moves to the next row at every </row>, nested ones included ...
        ('<row><row><row r="1"></row></row></row><c><v>1</v></c>', (4, 1)),
        # ... and starts the columns again only there
        ('<row r="1"><c r="IV1"><v>1</v></c><row r="1"><c><v>1</v></c></row></row>', (1, 257)),
    ],
    ids=[
        "cell-without-r",
        "row-without-r",
        "first-row-without-r",
        "empty-cells",
        "nested-rows",
        "column-across-a-nested-row",
    ],
)
def test_cells_placed_by_position_and_empty_cells(tmp_path, rows, far):
    data = sheet_xml(rows)
    assert calamine_far_cell(tmp_path, data) == far  # the fact
    cells = sheetscan.exact(data, 10**6, 10**6, 10**12)
    assert (cells.far_row, cells.far_col) == far and not cells.stopped


@pytest.mark.parametrize(
    "rows",
    [
        FIRST_ROW + '<row r="5000"><c r="CX5000"><v></v></c></row>',  # an empty value element
        FIRST_ROW + '<row r="5000"><c r="CV5000"><f>1+1</f></c></row>',  # a formula without its value
        '<row r="1"><c r="A1"><c r="CV5000"><v>1</v></c></c></row>',  # a cell inside a cell
    ],
    ids=["empty-v", "formula-without-value", "nested-cell"],
)
def test_doubtful_cells_count_on_the_safe_side(tmp_path, rows):
    """Cells calamine may leave out are counted: the scan may refuse more than calamine needs,
    never less."""
    data = sheet_xml(rows)
    try:
        got = calamine_far_cell(tmp_path, data)
    except CalamineError:  # calamine refuses the file outright (the reader says 'rusak')
        got = (0, 0)
    cells = sheetscan.exact(data, 10**6, 10**6, 10**12)
    assert cells.far_row >= got[0] and cells.far_col >= got[1]
    assert cells.far_row >= 5000 and cells.far_col >= 100


def test_a_doctype_is_refused_by_the_exact_scan_before_any_entity_is_read():
    """The fast way never needs the DOCTYPE (calamine expands no entity, and an entity reference
    cannot be part of a fast-shape cell tag); a sheet that takes the exact way is refused."""
    body = '<row r="1"><c\tr="A1"><v>&b;</v></c></row>'
    data = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
        + sheet_xml(body).split(b"?>", 1)[1]
    )
    with pytest.raises(LimitError, match="lembar 'Rencana Aksi'.*DOCTYPE"):
        readlimits.scan_sheet(data, "Rencana Aksi", "x.xlsm", [])


def test_xml_that_is_not_well_formed_is_refused_naming_the_sheet():
    # (in the fast shape calamine itself reports it, as 'rusak': tests/test_capaian_hostile.py)
    data = sheet_xml('<row r="1"><c\tr="A1"><v>1</v></row>')
    with pytest.raises(LimitError, match="lembar 'Kinerja'.*tidak utuh"):
        readlimits.scan_sheet(data, "Kinerja", "x.xlsm", [])


def test_the_exact_scan_stops_at_the_first_cell_past_the_limits():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 50))
    cells = sheetscan.exact(sheet_xml(rows), 10, 256, 10**6)
    assert cells.stopped and cells.far_row == 11
    # the grid's size counts too: 20 rows x 5 columns is 100 cells, over a limit of 99
    wide = "".join(f'<row r="{r}"><c r="E{r}"><v>1</v></c></row>' for r in range(1, 30))
    cells = sheetscan.exact(sheet_xml(wide), 1000, 256, 99)
    assert cells.stopped and (cells.far_row, cells.far_col) == (20, 5)
    assert not sheetscan.exact(sheet_xml(wide), 1000, 256, 10**6).stopped


def test_formulas_in_a_protected_table_are_found_in_either_shape():
    box = [("tblRencanaAksi", (4, 1, 9, 24))]
    for cell in (
        '<c r="B5"><f>1+1</f><v>2</v></c>',
        '<c\tr="B5"><f>1+1</f><v>2</v></c>',
        '<c r="B5"><f\n>1+1</f><v>2</v></c>',  # a newline after the name: still a formula
        '<c r="A5"><v>1</v></c ><c r="B5" s="1"><f t="shared" si="0"/><v>2</v></c >',  # '</c >' ends a cell too
    ):
        scan = readlimits.scan_sheet(sheet_xml(f'<row r="5">{cell}</row>'), "Rencana Aksi", "x.xlsm", box)
        assert scan.formula_cells == ["tblRencanaAksi:B5"], cell


@pytest.mark.parametrize("box", readlimits.BOXES, ids=lambda b: f"{b.cols}x{b.rows}")
def test_every_box_is_within_the_reading_limits_and_holds_the_first(box):
    assert box.cols <= readlimits.MAX_COLS and box.rows <= readlimits.MAX_ROWS
    assert box.cols * box.rows <= readlimits.MAX_CELLS
    first = readlimits.BOXES[0]  # the later boxes go on from where the first stopped
    assert box.cols >= first.cols and box.rows >= first.rows


def test_two_boxes_do_not_add_up_to_a_grid_past_the_limit():
    """Z1 (inside the first box) and T99999 (inside a box 20 columns wide) make a grid of
    26 x 99,999 = 2.6 million cells: refused, not passed box by box."""
    data = sheet_xml('<row r="1"><c r="Z1"><v>1</v></c></row><row r="99999"><c r="T99999"><v>1</v></c></row>')
    with pytest.raises(LimitError, match="2.599.974 sel"):
        readlimits.scan_sheet(data, "Realisasi Aksi", "kota.xlsm", [])


def _letters(n: int) -> str:  # written here from the definition (A=1 .. Z=26, AA=27), not from sheetscan
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + out
    return out


@pytest.mark.parametrize("box", readlimits.BOXES, ids=lambda b: f"{b.cols}x{b.rows}")
def test_a_box_holds_exactly_the_cells_up_to_its_corner(box):
    def inside(col: int, row: int) -> bool:
        return (
            sheetscan.fits(sheet_xml(f'<row r="{row}"><c r="{_letters(col)}{row}"><v>1</v></c></row>'), box)
            is None
        )

    for col in range(1, 800):
        assert inside(col, 1) == (col <= box.cols), col
    for row in [*range(1, 2000), *range(box.rows - 1500, box.rows + 1500), 10**6, 10**7]:
        assert inside(1, row) == (row <= box.rows), row
    assert (
        inside(box.cols, box.rows)
        and not inside(box.cols + 1, box.rows)
        and not inside(box.cols, box.rows + 1)
    )


@pytest.mark.parametrize("shift", range(-12, 13, 3))
def test_a_tag_across_a_chunk_boundary_is_read_whole(shift):
    """sheetscan.fits searches CHUNK bytes at a time: a tag cut by the boundary is neither a
    false alarm nor missed."""
    box = readlimits.BOXES[0]
    filler = b'<row r="1"><c r="A1"><v>1</v></c></row>'
    head = b"<sheetData>" + filler * ((sheetscan.CHUNK // len(filler)) - 1)
    pad = sheetscan.CHUNK + shift - len(head) - 8  # the next tag starts 8 - shift bytes before the boundary
    head += b" " * max(pad, 0)
    near = head + b'<row r="2"><c r="B2" s="1"><v>2</v></c></row></sheetData>'
    assert len(near) > sheetscan.CHUNK
    assert sheetscan.fits(near, box) is None
    far = head + b'<row r="2"><c r="XFD2" s="1"><v>2</v></c></row></sheetData>'
    assert sheetscan.fits(far, box) == far.index(b'<c r="XFD2"')


def test_the_exact_scan_limits_are_inclusive_and_values_are_not_formulas():
    rows = "".join(f'<row r="{r}"><c r="B{r}"><v>1</v></c></row>' for r in range(1, 11))
    data = sheet_xml(rows)
    at_limit = sheetscan.exact(data, 10, 2, 20)  # 10 rows x 2 columns = 20 cells: all at the limit
    assert not at_limit.stopped and (at_limit.far_row, at_limit.far_col) == (10, 2)
    assert at_limit.formulas == []  # cells holding a value only
    assert sheetscan.exact(data, 9, 2, 20).stopped
    assert sheetscan.exact(data, 10, 1, 20).stopped
    assert sheetscan.exact(data, 10, 2, 19).stopped


def test_a_sheet_cut_short_is_not_readable():
    data = sheet_xml('<row r="1"><c\tr="A1"><v>1</v></c></row>')[:-30]  # the closing tags cut off
    with pytest.raises(sheetscan.NotReadable, match="tidak utuh"):
        sheetscan.exact(data, 10**6, 10**6, 10**12)
