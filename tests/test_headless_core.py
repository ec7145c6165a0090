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
    # the Email column (issue 11) is left blank by 3-value rows
    assert tables.read_table(book, layout.TBL_PEJABAT).rows == [[*r, None] for r in rows]
    # shrinking clears the rows that left the table
    headless.run_on_file(built_workbook, lambda b: tables.write_table(b, layout.TBL_PEJABAT, rows[:1]))
    data = tables.read_table(headless.open_book(built_workbook), layout.TBL_PEJABAT)
    assert data.rows == [[*rows[0], None]]
    payload = headless.payload_from_file(built_workbook)
    sheet = next(s for s in payload["sheets"] if s["name"] == layout.SHEET_PENGATURAN)
    tbl = next(t for t in sheet["tables"] if t["name"] == layout.TBL_PEJABAT)
    assert tbl["range_address"] == "$A$4:$D$5"


def test_iso_strings_become_dates_like_the_vba_client():
    import datetime as dt

    assert headless._vba_parse_iso("2025-01-06") == dt.date(2025, 1, 6)
    assert headless._vba_parse_iso("2025-01-06T09:30:00+07:00") == dt.datetime(2025, 1, 6, 9, 30)
    assert headless._vba_parse_iso("2025-01-06 09:30 WIB") == "2025-01-06 09:30 WIB"
    assert headless._vba_parse_iso("7.01.01.2.01.0001") == "7.01.01.2.01.0001"


def test_sheets_option_sends_excluded_sheets_like_the_vba_client_include(built_workbook):
    full = headless.payload_from_file(built_workbook)
    keep = (layout.SHEET_DPA, layout.SHEET_PENGATURAN)
    part = headless.payload_from_file(built_workbook, sheets=keep)
    assert [s["name"] for s in part["sheets"]] == [s["name"] for s in full["sheets"]]
    assert part["names"] == full["names"]
    for a, b in zip(full["sheets"], part["sheets"]):
        if a["name"] in keep:
            assert b == a
        else:  # Remote.bas: excluded sheets carry Array(Array()) and no tables
            assert b == {"name": a["name"], "pictures": [], "tables": [], "values": [[]]}
    book = headless.book_from_payload(part)
    assert tables.read_table(book, layout.TBL_PEJABAT).header


def _workbook_with_table(path, note_text):
    import openpyxl
    from openpyxl.worksheet.table import Table

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Kode", "Catatan"])
    for i in range(200):
        ws.append([f"K{i}", note_text])
    ws.add_table(Table(displayName="tblSatu", ref="A1:B201"))
    ws2 = wb.create_sheet("Lain")
    ws2.append(["A", "B"])
    ws2.append([1, 2])
    ws2["D5"], ws2["E5"] = "X", "Y"
    ws2.add_table(Table(displayName="tblDua", ref="D5:E9"))
    ws2.add_table(Table(displayName="tblTiga", ref="A1:B2"))
    wb.save(path)


def test_table_parts_found_without_parsing_the_sheet_and_not_fooled_by_cell_text(tmp_path):
    path = tmp_path / "t.xlsx"
    _workbook_with_table(path, '<tableParts count="1"><tablePart r:id="rIdX"/></tableParts>')
    payload = headless.payload_from_file(path)
    by_sheet = {s["name"]: [t["name"] for t in s["tables"]] for s in payload["sheets"]}
    assert by_sheet == {"Data": ["tblSatu"], "Lain": ["tblDua", "tblTiga"]}
    data = next(s for s in payload["sheets"] if s["name"] == "Data")
    assert data["tables"][0]["data_body_range_address"] == "$A$2:$B$201"
    assert data["values"][1][1].startswith("<tableParts")


def test_table_parts_with_a_prefixed_main_namespace(tmp_path):
    """Some writers spell the sheet as <x:worksheet xmlns:x=...>: same tables, same order."""
    import zipfile
    from xml.etree import ElementTree as ET

    plain = tmp_path / "plain.xlsx"
    _workbook_with_table(plain, "teks")
    prefixed = tmp_path / "prefixed.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(prefixed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                ET.register_namespace("x", headless.NS["m"])
                ET.register_namespace("r", headless.NS["r"])
                data = ET.tostring(ET.fromstring(data), xml_declaration=True, encoding="UTF-8")
                assert b"<x:worksheet" in data and b"<x:tableParts" in data
            dst.writestr(info, data)
    with zipfile.ZipFile(prefixed) as zf:
        rels = headless._rels(zf, "xl/worksheets/sheet2.xml", types := {})
        ids = headless._table_part_ids(zf, "xl/worksheets/sheet2.xml", types)
        names = [headless._table_payload(headless._read_xml(zf, rels[i]))["name"] for i in ids]
    assert names == ["tblDua", "tblTiga"]


def test_date_cells_reach_the_engine_as_the_vba_client_sends_them(built_workbook):
    import datetime as dt

    import openpyxl

    wb = openpyxl.load_workbook(built_workbook, keep_vba=True)
    ws = wb[layout.SHEET_PENGATURAN]
    ws["E2"] = dt.datetime(2025, 1, 9, 13, 30)
    ws["E3"] = dt.date(2025, 1, 10)
    wb.save(built_workbook)
    payload = headless.payload_from_file(built_workbook)
    values = next(s for s in payload["sheets"] if s["name"] == layout.SHEET_PENGATURAN)["values"]
    assert values[1][4] == "2025-01-09T13:30:00.000Z"
    book = headless.open_book(built_workbook)
    sheet = book.sheets[layout.SHEET_PENGATURAN]
    assert sheet["E2"].value == dt.datetime(2025, 1, 9, 13, 30)
    assert sheet["E3"].value == dt.datetime(2025, 1, 10)


def test_grown_rows_take_the_column_style_but_keep_a_format_set_just_before(built_workbook):
    import openpyxl

    spec = layout.table(layout.TBL_LOG)
    nip_col = spec.first_col + spec.col_index("NIP")
    rows = [
        [
            i,
            f"2025-01-0{i} 08:00 WIB",
            "validasi",
            None,
            "Camat",
            "Nama",
            f"19830330200112100{i}",
            "-",
            "catatan",
            None,
            None,
        ]
        for i in range(1, 4)
    ]

    def append(book):
        sheet = book.sheets[spec.sheet]
        for i in range(len(rows)):
            sheet.range((spec.header_row + 1 + i, nip_col)).number_format = "@"
        tables.write_table(book, layout.TBL_LOG, rows)

    headless.run_on_file(built_workbook, append)
    ws = openpyxl.load_workbook(built_workbook, keep_vba=True)[spec.sheet]
    first = ws.cell(row=spec.header_row + 1, column=nip_col)
    third = ws.cell(row=spec.header_row + 3, column=nip_col)
    assert third.number_format == "@"
    # same border, font and alignment records as the column's first data row
    assert (third._style.borderId, third._style.fontId, third._style.alignmentId) == (
        first._style.borderId,
        first._style.fontId,
        first._style.alignmentId,
    )
    assert first._style.borderId != 0
    assert third.value == "198303302001121003"


def test_table_order_matches_the_sheets_table_parts(built_workbook):
    """The payload's tables follow each sheet's <tableParts> (ListObjects index), also when
    a sheet's only table is taken from its relationships without reading the sheet XML."""
    import zipfile
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(built_workbook) as zf:
        parts = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")]
        single = 0
        for part in parts:
            types: dict[str, str] = {}
            headless._rels(zf, part, types)
            expected = [
                tp.get(headless.R_ID)
                for tp in ET.fromstring(zf.read(part)).findall("m:tableParts/m:tablePart", headless.NS)
            ]
            assert headless._table_part_ids(zf, part, types) == expected, part
            single += len(expected) == 1
    assert single >= 3  # the shortcut is exercised (DPA, Rencana Aksi, Kinerja, ...)


def remote_books() -> int:
    """Books the remote engine holds, in all its Apps (tests/test_server.py uses it too)."""
    import xlwings as xw

    return sum(len(app.books) for app in xw.engines["remote"].apps)


def test_remote_book_has_an_app_of_its_own_and_drops_it(built_workbook):
    """Alerts and macros go to the Book's own App, and no Book outlives its run or file."""
    from renaksi_xl.validate import validate_file

    payload = headless.payload_from_file(built_workbook)
    shared = headless.book_from_payload(payload)  # an older Book in the shared App
    before = remote_books()
    with headless.remote_book(payload) as book:
        assert remote_books() == before + 1
        book.app.alert("halo", "judul")
        book.macro(layout.MACRO_HAPUS_SOROTAN)()
        assert [a["func"] for a in book.json()["actions"]] == ["alert", "runMacro"]
    assert shared.json()["actions"] == []  # nothing went astray to the shared App's Book
    assert remote_books() == before
    headless.run_on_file(built_workbook, lambda b: b.app.alert("x", "y"))
    assert validate_file(built_workbook).findings
    assert remote_books() == before


def test_remote_books_opened_at_once_each_get_their_own_app(built_workbook, monkeypatch):
    """Threads opening Books at the same moment (the server's action threads) never share an App.

    The remote engine's `apps.add` inserts the new App at the front of its list and then
    returns the front; the list here pauses after each insert, so that without our lock
    another thread's App would reliably be returned in between."""
    import threading
    import time

    import xlwings as xw

    payload = headless.payload_from_file(built_workbook, sheets=(layout.SHEET_BERANDA,))
    headless.book_from_payload(payload)  # the remote engine is set up
    engine_apps = xw.engines["remote"].apps.impl

    class PausingList(list):
        def insert(self, index, item):
            super().insert(index, item)
            time.sleep(0.002)

    monkeypatch.setattr(engine_apps, "_apps", PausingList(engine_apps._apps))
    before = remote_books()
    problems: list[str] = []
    start = threading.Barrier(6)

    def open_some() -> None:
        start.wait(timeout=30)
        try:
            for _ in range(20):
                with headless.remote_book(payload) as book:
                    if len(book.app.books) != 1:
                        problems.append(f"{len(book.app.books)} books in one App")
        except Exception as exc:  # e.g. killing an App another thread already killed
            problems.append(repr(exc))

    threads = [threading.Thread(target=open_some) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert problems == []
    assert remote_books() == before
