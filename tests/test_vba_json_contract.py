"""Server mode sends the workbook through the xlwings VBA client's JSON encoder (VBA-JSON in
WebHelpers). By default it writes text of 16+ characters made only of digits, '.', 'E', 'e'
without quotes: an 18-digit NIP would arrive as a rounded number and a kode sub kegiatan such
as 7.01.01.2.01.0001 as invalid JSON. Our dispatcher must switch that off before each call.
Checked on the VBA the built workbook really carries (no Excel here to run it)."""

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
    assert re.search(r"Case VBA\.vbString\s+'[^\n]*\n\s+If Not JsonOptions\.UseDoubleForLargeNumbers "
                     r"And json_StringIsLargeNumber\(JsonValue\) Then", helpers)


def test_dispatcher_quotes_long_digit_text_before_every_server_call(modules):
    inti = modules["RenaksiInti"]
    assert "WebHelpers.JsonOptions.UseDoubleForLargeNumbers = True" in _body(inti, "Renaksi_KeepLongDigitTextQuoted")
    dispatch = _body(inti, "Renaksi_Dispatch")
    calls = [line.strip() for line in dispatch.splitlines() if "RunRemotePython" in line]
    assert calls, "the dispatcher no longer calls RunRemotePython"
    for call in calls:
        before = dispatch[: dispatch.index(call)]
        assert before.rstrip().endswith("Renaksi_KeepLongDigitTextQuoted"), call
