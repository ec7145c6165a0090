"""Our VBA dispatcher, checked on the VBA the built workbook really carries (no Excel here).

Server mode sends the workbook through the xlwings VBA client's JSON encoder (VBA-JSON in
WebHelpers). By default it writes text of 16+ characters made only of digits, '.', 'E', 'e'
without quotes: an 18-digit NIP would arrive as a rounded number and a kode sub kegiatan such
as 7.01.01.2.01.0001 as invalid JSON. Our dispatcher must switch that off before each call.
The "Cetak PDF" button uses Excel's own export, which no host here can run."""

import re
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser

REPO = Path(__file__).resolve().parents[1]

BOOK = REPO / "workbook" / "RencanaAksi.xlsm"


@pytest.fixture(scope="module")
def modules() -> dict[str, str]:
    parser = VBA_Parser(str(BOOK))
    try:
        return {name.rsplit(".", 1)[0]: code for (_f, _s, name, code) in parser.extract_macros()}
    finally:
        parser.close()


def _body(code: str, sub: str) -> str:
    m = re.search(rf"Sub {sub}\b.*?\n(.*?)\nEnd Sub", code, re.S)
    assert m, f"Sub {sub} not found"
    return m.group(1)


def test_embedded_encoder_has_the_option_and_uses_it_for_strings(modules):
    helpers = modules["WebHelpers"]
    assert re.search(r"^Public JsonOptions As json_Options", helpers, re.M)
    assert "UseDoubleForLargeNumbers As Boolean" in helpers
    assert re.search(
        r"Case VBA\.vbString\s+'[^\n]*\n\s+If Not JsonOptions\.UseDoubleForLargeNumbers "
        r"And json_StringIsLargeNumber\(JsonValue\) Then",
        helpers,
    )


def test_dispatcher_quotes_long_digit_text_before_every_server_call(modules):
    inti = modules["RenaksiInti"]
    assert "WebHelpers.JsonOptions.UseDoubleForLargeNumbers = True" in _body(
        inti, "Renaksi_KeepLongDigitTextQuoted"
    )
    dispatch = _body(inti, "Renaksi_Dispatch")
    calls = [line.strip() for line in dispatch.splitlines() if "RunRemotePython" in line]
    assert calls, "the dispatcher no longer calls RunRemotePython"
    for call in calls:
        before = dispatch[: dispatch.index(call)]
        assert before.rstrip().endswith("Renaksi_KeepLongDigitTextQuoted"), call


def test_cetak_pdf_is_excels_own_export_of_the_document_sheets(modules):
    """The 'Cetak PDF' button needs no Python: Excel exports the plan, the approval record and
    the SOP progress. LibreOffice has no ExportAsFixedFormat, so this is checked on the source."""
    from renaksi_xl import layout

    inti = modules["RenaksiInti"]
    dispatch = _body(inti, "Renaksi_Dispatch")
    route = dispatch.index("If action = RX_ACTION_PDF Then")
    assert route < dispatch.index("RunPython") and route < dispatch.index("RunRemotePython")
    assert "Renaksi_CetakPdf wb" in dispatch[route : route + 200]
    cetak = _body(inti, "Renaksi_CetakPdf")
    assert 'Split(RX_PDF_SHEETS, "|")' in cetak and ".Select" in cetak
    assert re.search(r"ExportAsFixedFormat Type:=0, Filename:=target", cetak)  # 0 = xlTypePDF
    consts = dict(re.findall(r'Public Const (RX_\w+) As String = "(.*)"', modules["RenaksiLayout"]))
    assert consts["RX_PDF_SHEETS"].split("|") == list(layout.PDF_SHEETS)
    assert consts["RX_ACTION_PDF"] == layout.ACTION_PDF
    assert set(layout.PDF_SHEETS) <= set(layout.SHEET_ORDER)


@pytest.mark.libreoffice
def test_pdf_file_name_helper_runs_in_a_vba_host(tmp_path):
    from test_workbook_lo import lo_copy

    from renaksi_xl import layout
    from renaksi_xl.xlsm.lo_host import run_macros

    code = "\n".join(
        [
            "Option Explicit",
            "Public Sub Uji_NamaPdf()",
            f'    ThisWorkbook.Worksheets("{layout.SHEET_IMPOR}").Range("A30").Value = '
            'Renaksi_BaseName("RencanaAksi Neglasari.v2.xlsm") & "|" & Renaksi_BaseName("tanpa-titik")',
            "End Sub",
            "",
        ]
    )
    book = lo_copy(BOOK, tmp_path / "pdfname.xlsm", {"UjiPdf": code})
    report = run_macros(book, ["UjiPdf.Uji_NamaPdf"], read_cells=[f"{layout.SHEET_IMPOR}!A30"])
    assert report["macros"]["UjiPdf.Uji_NamaPdf"]["ok"], report["macros"]
    assert report["cells"][f"{layout.SHEET_IMPOR}!A30"]["text"] == "RencanaAksi Neglasari.v2|tanpa-titik"


@pytest.mark.libreoffice
def test_revisi_unlocks_the_plan_sheets_and_the_dispatcher_leaves_them_open(tmp_path):
    """Renaksi_BukaRencana (runMacro after revisi) opens DPA, Rencana Aksi and Kinerja again, keeps
    the step sheets locked, and Renaksi_Without drops them from what the dispatcher re-protects."""
    import openpyxl
    from test_workbook_lo import lo_copy

    from renaksi_xl import layout
    from renaksi_xl.xlsm.lo_host import run_macros

    locked = "|".join(layout.LOCKED_AFTER_TETAPKAN)
    code = "\n".join(
        [
            "Option Explicit",
            "Public Sub Uji_Revisi()",
            "    Renaksi_KunciLembar ThisWorkbook",
            "    Renaksi_BukaRencana ThisWorkbook",
            f'    ThisWorkbook.Worksheets("{layout.SHEET_IMPOR}").Range("A30").Value = '
            f'Renaksi_Without("{locked}", RX_UNLOCKED_BY_REVISI)',
            "End Sub",
            "",
        ]
    )
    out = tmp_path / "after.xlsx"
    book = lo_copy(BOOK, tmp_path / "revisi.xlsm", {"UjiRevisi": code})
    report = run_macros(
        book, ["UjiRevisi.Uji_Revisi"], out_path=out, read_cells=[f"{layout.SHEET_IMPOR}!A30"]
    )
    assert report["macros"]["UjiRevisi.Uji_Revisi"]["ok"], report["macros"]
    kept = report["cells"][f"{layout.SHEET_IMPOR}!A30"]["text"].split("|")
    assert kept == list(layout.STEP_SHEETS.values())
    after = openpyxl.load_workbook(out)
    for name in layout.UNLOCKED_BY_REVISI:
        assert not after[name].protection.sheet, name
    for name in layout.STEP_SHEETS.values():
        assert after[name].protection.sheet, name


def test_dispatcher_does_not_protect_again_what_revisi_opened(modules):
    dispatch = _body(modules["RenaksiInti"], "Renaksi_Dispatch")
    success = dispatch[: dispatch.index("Failed:")]
    assert "Renaksi_ReprotectSheets wb, Renaksi_Without(unprotected, mOpenedByAction)" in success
    # the flag is cleared before Python runs, so a refused revisi re-protects everything
    assert success.index('mOpenedByAction = ""') < success.index("RunRemotePython")


def test_lokal_tarik_dpa_keeps_only_file_names_in_the_workbook(modules):
    """Renaksi_Dispatch puts the chosen paths in 'Berkas DPA Terakhir' for Python, then
    leaves only their names there, on success and on failure alike."""
    code = modules["RenaksiInti"]
    dispatch = code[
        code.index("Public Sub Renaksi_Dispatch") : code.index(
            "End Sub", code.index("Public Sub Renaksi_Dispatch")
        )
    ]
    run = dispatch.index("RunPython Renaksi_PythonCommand(action, Empty)")
    assert "Renaksi_SetSetting wb, RX_SET_FILE_DPA, Renaksi_FileNames(files)" in dispatch[run:]
    failed = dispatch[dispatch.index("Failed:") :]
    assert "Renaksi_SetSetting wb, RX_SET_FILE_DPA, Renaksi_FileNames(files)" in failed


@pytest.mark.libreoffice
def test_file_names_helper_runs_in_a_vba_host(tmp_path):
    from test_workbook_lo import lo_copy

    from renaksi_xl import layout
    from renaksi_xl.xlsm.lo_host import run_macros

    code = "\n".join(
        [
            "Option Explicit",
            "Public Sub Uji_NamaBerkas()",
            f'    ThisWorkbook.Worksheets("{layout.SHEET_IMPOR}").Range("A31").Value = '
            'Renaksi_FileNames(Array("C:\\Data\\DPA 2025.xlsx", "/Users/rina/b.xlsx", "c.csv"))',
            "End Sub",
            "",
        ]
    )
    book = lo_copy(BOOK, tmp_path / "nama.xlsm", {"UjiNama": code})
    report = run_macros(book, ["UjiNama.Uji_NamaBerkas"], read_cells=[f"{layout.SHEET_IMPOR}!A31"])
    assert report["macros"]["UjiNama.Uji_NamaBerkas"]["ok"], report["macros"]
    sep = layout.FILE_LIST_SEPARATOR
    assert report["cells"][f"{layout.SHEET_IMPOR}!A31"]["text"] == sep.join(
        ["DPA 2025.xlsx", "b.xlsx", "c.csv"]
    )


def test_tarik_dpa_offers_the_anggaran_kas_as_a_second_file(modules):
    """Server mode pastes the RAK under its own marker (renaksi_xl.dpa.readers reads it back);
    Lokal mode keeps its path in the 'Berkas Anggaran Kas Terakhir' setting, emptied when none."""
    from renaksi_xl import layout

    inti = modules["RenaksiInti"]
    dispatch = _body(inti, "Renaksi_Dispatch")
    assert "If action = RX_ACTION_TARIK_DPA Then kas = Renaksi_AskKas(mode)" in dispatch
    assert "Renaksi_PasteIntoImpor wb, files, kas" in dispatch
    assert "Renaksi_SetSetting wb, RX_SET_FILE_KAS, Join(kas, RX_FILE_SEPARATOR)" in dispatch
    assert 'Renaksi_SetSetting wb, RX_SET_FILE_KAS, ""' in dispatch
    paste = _body(inti, "Renaksi_PasteIntoImpor")
    assert "Renaksi_PasteFiles(target, files, RX_IMPOR_MARKER, r)" in paste
    assert "Renaksi_PasteFiles(target, kas, RX_IMPOR_MARKER_KAS, r)" in paste
    consts = dict(re.findall(r'Public Const (RX_\w+) As String = "(.*)"', modules["RenaksiLayout"]))
    assert consts["RX_IMPOR_MARKER_KAS"] == layout.IMPOR_MARKER_KAS
    assert consts["RX_SET_FILE_KAS"] == layout.SET_FILE_KAS
    assert layout.SET_FILE_KAS in [key for key, _, _ in layout.SETELAN_DEFAULTS]
