"""The desktop engine's payload builder and action applier (renaksi_xl.desktop).

There is no Excel here, so both are exercised against the only real
implementation of the xlwings Book API on this machine: the remote engine.
A payload built through the API from a remote-engine Book must equal the
payload headless builds from the file; an action list applied through the API
to a fresh remote-engine Book must come back out of that Book's own
`json()["actions"]`.  Real xlwings code on both sides, no mocks.
"""

import datetime as dt
import shutil

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableStyleInfo

from renaksi_xl import demo, desktop, headless, layout, macros
from renaksi_xl.context import ActionContext
from renaksi_xl.dpa import SAMPLE_DPA, SAMPLE_PK
from renaksi_xl.errors import InputError


def excel_address(address):
    """Excel's Range.Address spells a one-cell range '$B$2'; headless writes '$B$2:$B$2'."""
    if address and ":" in address:
        first, last = address.split(":")
        return first if first == last else address
    return address


def roundtrip(path):
    """(headless payload of the file, desktop payload read back through the Book API)."""
    expected = headless.payload_from_file(path)
    for sheet in expected["sheets"]:
        for table in sheet["tables"]:
            for key in [k for k in table if k.endswith("_address")]:
                table[key] = excel_address(table[key])
    return expected, desktop.payload_from_book(headless.book_from_payload(headless.payload_from_file(path)))


def test_payload_of_the_built_workbook_equals_the_headless_one(built_workbook):
    expected, got = roundtrip(built_workbook)
    assert got == expected
    assert {t["name"] for s in got["sheets"] for t in s["tables"]} >= {layout.TBL_LOG, layout.TBL_SETELAN}
    assert set(layout.NAMED_CELLS) <= {n["name"] for n in got["names"]}


@pytest.fixture
def odd_workbook(tmp_path):
    """Everything the payload carries that the built workbook lacks: a sheet-scoped
    name, a totals row, a one-row table, an empty sheet, a date, a
    ragged used range, the second sheet active."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data Satu"
    ws.append(["Kode", "Nilai", "Tanggal"])
    ws.append(["7.01.01.2.01.0001", 1250000.5, dt.date(2025, 1, 8)])
    ws.append(["7.01.01.2.01.0002", 3, None])
    ws.append(["Jumlah", 1250003.5, None])
    ws["E7"] = True
    t = Table(displayName="tblUji", ref="A1:C4", totalsRowCount=1)
    t.tableStyleInfo = TableStyleInfo(name="TableStyleLight9")
    ws.add_table(t)
    other = wb.create_sheet("Kedua")
    other["B2"] = "teks"
    other.add_table(Table(displayName="tblSatuBaris", ref="B2:B3"))
    other["B3"] = 1
    wb.create_sheet("Kosong")
    wb.defined_names["nmNilai"] = DefinedName("nmNilai", attr_text="'Data Satu'!$B$2")
    other.defined_names["nmLokal"] = DefinedName("nmLokal", attr_text="'Kedua'!$B$2:$B$3")
    wb.active = 1
    path = tmp_path / "ragam.xlsx"
    wb.save(path)
    return path


def test_payload_of_an_odd_workbook_equals_the_headless_one(odd_workbook):
    expected, got = roundtrip(odd_workbook)
    assert got == expected
    assert got["book"]["active_sheet_index"] == 1
    (kosong,) = [s for s in got["sheets"] if s["name"] == "Kosong"]
    assert kosong["values"] == [[]]
    local = [n for n in got["names"] if not n["book_scope"]]
    assert local and local[0]["scope_sheet_name"] == "Kedua" and local[0]["address"] == "B2:B3"
    tables = {t["name"]: t for s in got["sheets"] for t in s["tables"]}
    assert tables["tblUji"]["total_row_range_address"] == "$A$4:$C$4"
    assert tables["tblSatuBaris"]["header_row_range_address"] == "$B$2"


def test_payload_of_a_workbook_midway_through_the_sop_equals_the_headless_one(sop_book):
    path, _ = sop_book
    expected, got = roundtrip(path)
    assert got == expected
    assert len(next(s for s in got["sheets"] if s["name"] == layout.SHEET_DPA)["values"]) > 5


def test_datetimes_are_sent_as_the_vba_client_sends_them():
    """WebHelpers.ConvertToIso: 'yyyy-mm-ddTHH:mm:ss.000Z'; the remote engine reads
    that back as a datetime (headless' plain isoformat would not parse)."""
    moment = dt.datetime(2025, 1, 8, 9, 30)
    assert desktop._json_value(moment) == "2025-01-08T09:30:00.000Z"
    assert desktop._json_value(3.0) == 3 and desktop._json_value(2.5) == 2.5
    assert desktop._json_value("") is None and desktop._json_value(True) is True
    payload = {
        "client": "VBA",
        "version": headless._xlwings_version(),
        "book": {"name": "x.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [{"name": "S", "pictures": [], "tables": [], "values": [[desktop._json_value(moment)]]}],
    }
    book = headless.book_from_payload(payload)
    assert book.sheets[0]["A1"].value == moment
    assert desktop.payload_from_book(book)["sheets"][0]["values"] == [["2025-01-08T09:30:00.000Z"]]


# --------------------------------------------------------------------------- applier
def replay(path, actions):
    """Apply `actions` through the desktop applier to a fresh remote-engine Book of `path`;
    return what that Book emitted."""
    target = headless.book_from_payload(headless.payload_from_file(path))
    desktop.apply_actions(target, actions)
    return target, target.json()["actions"]


def assert_reproduced(original, target, emitted):
    assert len(emitted) == len(original)
    for want, got in zip(original, emitted):
        if want["func"] == "runMacro":
            # Application.Run name, wb, args...: the applier passes the workbook first
            # (the remote engine's Book.api stands in for Excel's Workbook object).
            # `book.macro(name)` prefixes the name of the book it runs in.
            bare = want["args"][0].rsplit("!", 1)[-1]
            assert got["args"][0] == f"'{target.name}'!{bare}" and got["args"][2:] == want["args"][1:]
            assert got["args"][1] is target.api
            got = {**got, "args": want["args"]}
        assert got == want


@pytest.fixture(scope="module")
def sop_book(tmp_path_factory, built_workbook_master):
    """The demo's SOP walked headless up to paraf pemeriksaan; every step's real action
    list is kept with the file it was computed on."""
    folder = tmp_path_factory.mktemp("sop")
    path = folder / "RencanaAksi.xlsm"
    shutil.copyfile(built_workbook_master, path)
    demo.setup_officials(path)
    steps = []
    for item in demo.script(SAMPLE_DPA, SAMPLE_PK):
        if isinstance(item, tuple):
            headless.run_on_file(path, item[1])
            continue
        if item.action == layout.ACTION_TETAPKAN:
            break
        files = {layout.ACTION_TARIK_DPA: [str(SAMPLE_DPA)], layout.ACTION_IMPOR_KINERJA: [str(SAMPLE_PK)]}
        ctx = ActionContext(
            nip=demo.NIP[item.role],
            now=item.when,
            catatan=item.catatan,
            fields=dict(item.fields or {}),
            files=files.get(item.action, []),
        )
        before = folder / f"{len(steps):02d}-{item.action}.xlsm"
        shutil.copyfile(path, before)
        book = headless.book_from_payload(headless.payload_from_file(path))
        macros.run_action(book, item.action, ctx)
        actions = book.json()["actions"]
        steps.append((item.action, before, actions))
        headless.apply_to_file(path, actions)
    return path, steps


def test_real_sop_action_lists_are_reproduced_by_the_applier(sop_book):
    _, steps = sop_book
    seen = set()
    for _action, before, actions in steps:
        target, emitted = replay(before, actions)
        assert_reproduced(actions, target, emitted)
        seen |= {a["func"] for a in actions}
    # The SOP's own actions use most of the applier; the test below covers the rest.
    assert {"setValues", "resizeTable", "setRangeColor", "addHyperlink", "runMacro"} <= seen, seen


def test_every_action_kind_is_reproduced(built_workbook):
    source = headless.open_book(built_workbook)
    sheet = source.sheets[layout.SHEET_PENGATURAN]
    sheet["A40:C41"].value = [[1, 2.5, "teks"], [None, True, "2025-01-08"]]
    sheet["A40"].clear_contents()
    sheet["B40:B41"].color = "#FFC7CE"
    sheet["B40:B41"].number_format = "#,##0.00"
    sheet["C40"].add_hyperlink(f"#'{layout.SHEET_LOG}'!A1", "ke Log", "Buka lembar Log")
    table = sheet.tables[0]
    table.resize(sheet.range(table.range.address))
    source.sheets[layout.SHEET_LOG].activate()
    source.app.alert("Selesai.", "Renaksi", mode="info")
    source.macro(layout.MACRO_HAPUS_SOROTAN)()
    actions = source.json()["actions"]
    assert {a["func"] for a in actions} == set(desktop.APPLIERS)
    target, emitted = replay(built_workbook, actions)
    assert_reproduced(actions, target, emitted)


def test_iso_strings_become_dates_as_the_vba_client_does(built_workbook):
    """WebHelpers.ParseIso: '2025-01-06T09:00' reaches Excel as a date-time, so the
    remote engine re-emits it as its own date-time text; plain text stays text."""
    action = {
        "func": "setValues",
        "args": [None],
        "sheet_position": 0,
        "start_row": 39,
        "start_column": 0,
        "row_count": 1,
        "column_count": 4,
        "values": [["2025-01-06T09:00", "2025-01-06", "2025-01-06 09:00 WIB", "7.01.01"]],
    }
    _, emitted = replay(built_workbook, [action])
    assert emitted[0]["values"] == [["2025-01-06 09:00:00", "2025-01-06", "2025-01-06 09:00 WIB", "7.01.01"]]


def test_an_action_the_vba_client_lacks_is_refused_before_anything_is_applied(built_workbook):
    actions = [
        {
            "func": "setValues",
            "args": [None],
            "values": [["x"]],
            "sheet_position": 0,
            "start_row": 0,
            "start_column": 0,
            "row_count": 1,
            "column_count": 1,
        },
        {
            "func": "addNote",
            "args": ["A1", "catatan"],
            "values": None,
            "sheet_position": 0,
            "start_row": 0,
            "start_column": 0,
            "row_count": 1,
            "column_count": 1,
        },
    ]
    target = headless.open_book(built_workbook)
    with pytest.raises(InputError, match="Aksi 'addNote' tidak didukung.*tidak diubah"):
        desktop.apply_actions(target, actions)
    assert target.json()["actions"] == []
    colorless = {**actions[0], "func": "setRangeColor", "args": [None], "values": None}
    with pytest.raises(InputError, match="setRangeColor tanpa warna"):
        desktop.apply_actions(target, [actions[0], colorless])
    assert target.json()["actions"] == []
