"""The Arah column is optional (issue 13): workbooks made before it still read, and their
fingerprints do not change while the column is empty."""

from __future__ import annotations

from renaksi_xl import integrity, layout
from renaksi_xl.tables import TableData


def _rencana(with_arah: bool, arah=None) -> TableData:
    spec = layout.table(layout.TBL_RENCANA)
    header = [h for h in spec.headers if with_arah or h != layout.H_ARAH]
    row = {h: None for h in header}
    row.update({layout.H_KODE_SUB: "7.01.01.2.01.0001", layout.H_PAGU: 1_000_000, layout.H_TARGET_TAHUNAN: 4})
    if with_arah:
        row[layout.H_ARAH] = arah
    return TableData(spec, header, [[row[h] for h in header]], [5], 1)


def test_arah_is_optional_but_listed():
    spec = layout.table(layout.TBL_RENCANA)
    assert layout.H_ARAH in spec.headers and layout.H_ARAH not in spec.required_headers
    kinerja = layout.table(layout.TBL_KINERJA)
    assert layout.H_ARAH in kinerja.headers and layout.H_ARAH not in kinerja.required_headers


def test_empty_arah_leaves_the_fingerprint_as_before():
    before = integrity.table_digest(_rencana(False))
    assert integrity.table_digest(_rencana(True)) == before
    assert integrity.table_digest(_rencana(True, "Turun")) != before  # a filled Arah is content


def test_write_table_skips_an_optional_column_the_sheet_lacks(built_workbook):
    """Susun on an old workbook: rows in the layout's order, Arah included, the sheet without it."""
    import openpyxl

    from renaksi_xl import headless, tables

    def write(book):
        spec = layout.table(layout.TBL_KINERJA)
        row = [None] * len(spec.headers)
        row[spec.col_index(layout.H_INDIKATOR_KINERJA)] = "Nilai SAKIP"
        row[spec.col_index(layout.H_ARAH)] = "Naik"
        tables.write_table(book, layout.TBL_KINERJA, [row])

    # an old workbook: tblKinerja's last column (Arah) dropped
    wb = openpyxl.load_workbook(built_workbook, keep_vba=True)
    ws = wb[layout.SHEET_KINERJA]
    tbl = ws.tables[layout.TBL_KINERJA]
    spec = layout.table(layout.TBL_KINERJA)
    last = tbl.ref.split(":")[1]
    letter = "".join(c for c in last if c.isalpha())
    ws[f"{letter}{spec.header_row}"] = None
    new_letter = chr(ord(letter) - 1)
    tbl.ref = tbl.ref.replace(last, f"{new_letter}{''.join(c for c in last if c.isdigit())}")
    tbl.tableColumns = tbl.tableColumns[:-1]
    tbl.autoFilter.ref = tbl.ref
    wb.save(built_workbook)
    headless.run_on_file(built_workbook, write)
    data = tables.read_table(headless.open_book(built_workbook), layout.TBL_KINERJA)
    assert layout.H_ARAH not in data.header
    assert data.records()[0][layout.H_INDIKATOR_KINERJA] == "Nilai SAKIP"


def test_the_rules_read_a_plan_without_the_arah_column_as_naik():
    """validators.engine pads the absent optional column: ARAH_TIDAK_DIKENAL finds nothing, nothing breaks."""
    from renaksi_xl.validators import validate_tables

    def empty(name: str) -> TableData:
        spec = layout.table(name)
        return TableData(spec, list(spec.headers), [], [], 1)

    for with_arah, arah, expected in ((False, None, []), (True, "Sedang", ["ARAH_TIDAK_DIKENAL"])):
        findings = validate_tables(
            empty(layout.TBL_DPA), _rencana(with_arah, arah), empty(layout.TBL_KINERJA), set()
        )
        assert [f.rule for f in findings if f.rule == "ARAH_TIDAK_DIKENAL"] == expected
