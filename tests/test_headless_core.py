"""The headless engine reads a built workbook like the VBA client and writes actions back."""

from renaksi_xl import headless, layout, tables


def test_payload_has_every_sheet_table_and_name(built_workbook):
    payload = headless.payload_from_file(built_workbook)
    names = [s["name"] for s in payload["sheets"]]
    assert names == list(layout.SHEET_ORDER)
    found = {t["name"] for s in payload["sheets"] for t in s["tables"]}
    assert set(layout.TABLES) <= found
    defined = {n["name"] for n in payload["names"]}
    assert set(layout.NAMED_CELLS) <= defined


def test_write_table_round_trips_through_file(built_workbook):
    rows = [[r, f"Nama {i}", f"19830330200112100{i}"] for i, r in enumerate(layout.ROLES)]
    rows.append([layout.ROLE_CAMAT, "Tambahan", "198303302001121009"])
    headless.run_on_file(built_workbook, lambda b: tables.write_table(b, layout.TBL_PEJABAT, rows))
    book = headless.open_book(built_workbook)
    assert tables.read_table(book, layout.TBL_PEJABAT).rows == rows
    # shrinking clears the rows that left the table
    headless.run_on_file(built_workbook, lambda b: tables.write_table(b, layout.TBL_PEJABAT, rows[:1]))
    data = tables.read_table(headless.open_book(built_workbook), layout.TBL_PEJABAT)
    assert data.rows == rows[:1]
    payload = headless.payload_from_file(built_workbook)
    sheet = next(s for s in payload["sheets"] if s["name"] == layout.SHEET_PENGATURAN)
    tbl = next(t for t in sheet["tables"] if t["name"] == layout.TBL_PEJABAT)
    assert tbl["range_address"] == "$A$4:$C$5"


def test_iso_strings_become_dates_like_the_vba_client():
    import datetime as dt

    assert headless._vba_parse_iso("2025-01-06") == dt.date(2025, 1, 6)
    assert headless._vba_parse_iso("2025-01-06T09:30:00+07:00") == dt.datetime(2025, 1, 6, 9, 30)
    assert headless._vba_parse_iso("2025-01-06 09:30 WIB") == "2025-01-06 09:30 WIB"
    assert headless._vba_parse_iso("7.01.01.2.01.0001") == "7.01.01.2.01.0001"
