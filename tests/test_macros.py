"""The action registry and the RunPython entry points (desktop engine), on the real remote engine."""

import re
import sys

import pytest
import xlwings as xw

from renaksi_xl import headless, layout, macros, tables
from renaksi_xl.context import ActionContext
from renaksi_xl.errors import InputError, Refused

NIP = "198303302001121003"


def test_registry_covers_every_button_and_contract_action():
    contract = {v for k, v in vars(layout).items() if k.startswith("ACTION_") and isinstance(v, str)}
    # `paraf` has a button only in a workbook whose SOP has a paraf step (tests/test_sop_dinas.py)
    assert set(macros.ACTIONS) == contract == {b.action for b in layout.BUTTONS} | {layout.ACTION_PARAF}
    for action in macros.ACTIONS:
        entry = getattr(macros, macros.entry_point_name(action))
        assert callable(entry), action
        # The RunPython target of the button's VBA macro.
        assert entry.__name__ == action.replace("-", "_")


def test_unknown_action_is_an_input_error():
    with pytest.raises(InputError, match="Aksi 'hapus-semua' tidak dikenal.*tarik-dpa"):
        macros.check_action("hapus-semua")


def test_a_dead_button_answers_in_indonesian(built_workbook, monkeypatch):
    """A module missing from the installation: a clear message, no traceback, no change."""
    monkeypatch.setitem(sys.modules, "renaksi_xl.plan", None)  # import now fails like a missing file
    monkeypatch.setitem(sys.modules, "renaksi_xl.workflow", None)
    book = headless.open_book(built_workbook)
    with pytest.raises(macros.ActionUnavailable) as info:
        macros.run_action(book, layout.ACTION_SUSUN, ActionContext(nip=NIP))
    msg = info.value.message
    assert "Tombol 'Susun Draft' (aksi 'susun') belum bisa dipakai" in msg
    assert "renaksi_xl.workflow" in msg and "tidak diubah" in msg
    assert isinstance(info.value, InputError) and info.value.exit_code == 2
    assert book.json()["actions"] == []
    assert macros.missing_parts(layout.ACTION_SUSUN) == [
        "renaksi_xl.workflow.perform",
        "renaksi_xl.plan.susun_body",
    ]


def test_missing_function_is_unavailable_but_a_broken_dependency_is_not_hidden(tmp_path, monkeypatch):
    (tmp_path / "renaksi_uji_modul.py").write_text("def ada(book, ctx):\n    return 'ada'\n")
    (tmp_path / "renaksi_uji_rusak.py").write_text("import paket_yang_tidak_terpasang\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert macros._resolve("uji", "renaksi_uji_modul:ada")(None, None) == "ada"
    with pytest.raises(macros.ActionUnavailable, match="renaksi_uji_modul.tidak_ada"):
        macros._resolve("uji", "renaksi_uji_modul:tidak_ada")
    with pytest.raises(ModuleNotFoundError, match="paket_yang_tidak_terpasang"):
        macros._resolve("uji", "renaksi_uji_rusak:f")


def test_run_action_sets_the_action_name_and_returns_the_summary(built_workbook, monkeypatch):
    seen = []
    monkeypatch.setitem(macros.ACTIONS, "uji", lambda book, ctx: seen.append(ctx.action) or None)
    assert macros.run_action(headless.open_book(built_workbook), "uji", ActionContext()) == ""
    assert seen == ["uji"]


@pytest.fixture
def caller(built_workbook, monkeypatch):
    """xw.Book.caller() as RunPython would give it, here a remote-engine book of the
    real built workbook (there is no Excel on this machine)."""

    def make(nip_setting=NIP):
        headless.run_on_file(
            built_workbook, lambda b: tables.write_setting(b, layout.SET_PEJABAT_AKTIF, nip_setting)
        )
        book = headless.open_book(built_workbook)
        monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
        return book

    return make


def test_entry_point_acts_as_nip_pengguna_and_shows_the_summary(caller, monkeypatch):
    book = caller()
    got = []

    def fake_validasi(book, ctx):
        got.append(ctx)
        return "Validasi selesai: 0 galat."

    monkeypatch.setitem(macros.ACTIONS, layout.ACTION_VALIDASI, fake_validasi)
    assert macros.validasi() == "Validasi selesai: 0 galat."
    assert got[0].nip == NIP and got[0].action == layout.ACTION_VALIDASI and not got[0].identity_from_server
    assert book.json()["actions"][-1]["args"][:4] == [
        "Validasi selesai: 0 galat.",
        macros.TITLE_DONE,
        "ok",
        "info",
    ]


def test_entry_point_turns_refusal_into_a_message_box(caller, monkeypatch):
    book = caller()

    def refuse(book, ctx):
        raise Refused("Anda bukan Camat: penetapan hanya oleh Camat.")

    monkeypatch.setitem(macros.ACTIONS, layout.ACTION_TETAPKAN, refuse)
    assert macros.tetapkan() is None
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]
    assert book.json()["actions"][0]["args"][:4] == [
        "Anda bukan Camat: penetapan hanya oleh Camat.",
        macros.TITLE_REFUSED,
        "ok",
        "critical",
    ]


def test_entry_point_reports_a_mangled_nip(caller):
    book = caller(nip_setting=198303302001121003)  # a number: digits may already be lost
    assert macros.catat_disposisi() is None
    alert = book.json()["actions"][-1]
    assert alert["func"] == "alert" and alert["args"][1] == macros.TITLE_INPUT
    assert "NIP Pengguna" in alert["args"][0] and "sebagai angka" in alert["args"][0]


def test_dead_button_entry_point_shows_a_message_box(caller, monkeypatch):
    book = caller()
    monkeypatch.setitem(sys.modules, "renaksi_xl.dpa.load", None)
    monkeypatch.setitem(sys.modules, "renaksi_xl.workflow", None)
    assert macros.tarik_dpa("/tmp/DPA.xlsx") is None
    alert = book.json()["actions"][-1]
    assert alert["args"][1] == macros.TITLE_INPUT and "Tarik Data DPA" in alert["args"][0]


def test_the_built_workbooks_vba_dispatches_to_these_entry_points(built_workbook):
    """The buttons' VBA (read back from the built workbook) imports this module, calls
    `m.<action with - as _>(files...)`, and posts to this server's /aksi/<action>."""
    from oletools.olevba import VBA_Parser

    from renaksi_xl import server

    parser = VBA_Parser(str(built_workbook))
    try:
        assert parser.detect_vba_macros()
        code = "\n".join(c for *_, c in parser.extract_macros())
    finally:
        parser.close()
    consts = dict(re.findall(r'Public Const (RX_\w+) As String = "([^"]*)"', code))
    assert consts["RX_PYTHON_MODULE"] == macros.__name__
    assert '"import " & RX_PYTHON_MODULE & " as m; m." & Replace(action, "-", "_") & "("' in code
    routes = {r.path for r in server.create_app().routes}
    assert f"/{consts['RX_SERVER_ACTION_PATH']}/{{action}}" in routes
    assert (
        consts["RX_ACTION_TARIK_DPA"] in macros.ACTIONS
        and consts["RX_ACTION_IMPOR_KINERJA"] in macros.ACTIONS
    )
    # Only these two get file paths from the VBA: their entry points take them.
    import inspect

    for action, entry in (
        (consts["RX_ACTION_TARIK_DPA"], macros.tarik_dpa),
        (consts["RX_ACTION_IMPOR_KINERJA"], macros.impor_kinerja),
    ):
        assert entry.__name__ == action.replace("-", "_")
        assert any(p.kind is p.VAR_POSITIONAL for p in inspect.signature(entry).parameters.values())


# --------------------------------------------------------------------------- transactional desktop
def probe_writes(book, ctx):
    """A test-only button touching cells the ways our actions do."""
    tables.append_rows(
        book,
        layout.TBL_LOG,
        [[1, "2025-01-06 09:00 WIB", ctx.action, None, None, "", ctx.nip, "", "uji", "", ""]],
    )
    log = book.sheets[layout.SHEET_LOG]
    log["A5"].color = "#FFC7CE"
    book.macro(layout.MACRO_HAPUS_SOROTAN)()
    return "Log ditambah."


def test_desktop_click_runs_the_server_code_path_and_applies_its_actions(caller, built_workbook, monkeypatch):
    book = caller()
    monkeypatch.setitem(macros.ACTIONS, layout.ACTION_VALIDASI, probe_writes)
    assert macros.validasi() == "Log ditambah."
    applied = book.json()["actions"]
    # The same function on the server/headless path, on the same file.
    remote = headless.open_book(built_workbook)
    macros.run_action(remote, layout.ACTION_VALIDASI, ActionContext(nip=NIP))
    expected = remote.json()["actions"]
    assert [a["func"] for a in applied] == [a["func"] for a in expected] + ["alert"]
    for got, want in zip(applied, expected):
        if want["func"] == "runMacro":  # Application.Run name, wb: the workbook goes first
            assert got["args"][0] == want["args"][0] and got["args"][1] is book.api
        else:
            assert got == want
    assert applied[-1]["args"][:2] == ["Log ditambah.", macros.TITLE_DONE]


@pytest.mark.parametrize(
    "failure, words",
    [
        (InputError("Kolom 'Pagu (Rp)' di lembar DPA sel L5 kosong."), ["Kolom 'Pagu (Rp)'", "L5"]),
        (Refused("Langkah 2 belum selesai."), ["Langkah 2 belum selesai."]),
        (ZeroDivisionError("division by zero"), ["kesalahan program", "ZeroDivisionError", "tidak diubah"]),
    ],
)
def test_a_click_that_fails_after_writing_leaves_the_open_workbook_untouched(
    caller, monkeypatch, failure, words
):
    """Before, the desktop ran the body on the open workbook: the Log row and the
    colour written before the raise stayed in Excel.  Now nothing is applied."""
    book = caller()

    def write_then_fail(book, ctx):
        probe_writes(book, ctx)
        raise failure

    monkeypatch.setitem(macros.ACTIONS, layout.ACTION_SUSUN, write_then_fail)
    assert macros.susun() is None
    (alert,) = book.json()["actions"]  # the message box only: no cell touched
    assert alert["func"] == "alert" and alert["args"][3] == "critical"
    assert alert["args"][1] == (macros.TITLE_REFUSED if isinstance(failure, Refused) else macros.TITLE_INPUT)
    for word in words:
        assert word in alert["args"][0]


def test_an_action_excel_cannot_apply_is_refused_before_any_change(caller, monkeypatch):
    book = caller()

    def autofit(book, ctx):
        probe_writes(book, ctx)
        book.sheets[layout.SHEET_LOG].autofit()  # setSheetAutofit: not in our action set
        return "selesai"

    monkeypatch.setitem(macros.ACTIONS, layout.ACTION_SUSUN, autofit)
    assert macros.susun() is None
    (alert,) = book.json()["actions"]
    assert "setSheetAutofit" in alert["args"][0] and "tidak diubah" in alert["args"][0]


def test_a_failure_while_applying_says_part_may_be_applied(caller, monkeypatch):
    """Excel refusing a change midway (here: a resize of a table the sheet lacks)
    cannot be rolled back, as with the VBA client: the message says so."""
    book = caller()

    def bad_resize(book, ctx):
        probe_writes(book, ctx)
        book.sheets[layout.SHEET_LOG].impl.append_json_action(func="resizeTable", args=[7, "$A$4:$K$9"])
        return "selesai"

    monkeypatch.setitem(macros.ACTIONS, layout.ACTION_SUSUN, bad_resize)
    assert macros.susun() is None
    alert = book.json()["actions"][-1]
    assert alert["func"] == "alert" and "Sebagian perubahan mungkin sudah diterapkan" in alert["args"][0]
    assert "tanpa menyimpan" in alert["args"][0]
