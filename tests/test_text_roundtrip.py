"""Property (issue 16): any text, including control characters and 40,000-character notes,
goes through a record and still verifies, or is refused before anything is written."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from renaksi_xl import cellsafe, headless, layout, runner, tables
from renaksi_xl.context import WIB, ActionContext
from renaksi_xl.errors import InputError
from renaksi_xl.integrity import read_log, records_of, verify_book
from tests.hostile import walk

TRICKY = "a\x0b\x0c\x1b\x00\r\n\t=+-@'#\u00e9e\u0301\ud800\ufffe\uffff\u2028\x85 "
texts = st.one_of(st.text(max_size=40), st.text(alphabet=st.sampled_from(TRICKY), max_size=30))


@pytest.fixture(scope="module")
def with_officials(built_workbook_master, tmp_path_factory):
    path = tmp_path_factory.mktemp("roundtrip") / "RencanaAksi.xlsm"
    path.write_bytes(built_workbook_master.read_bytes())
    walk.set_officials(path)
    return path.read_bytes()


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
@example(text="x" * 40_000)
@example(text="\u00e9" * 32_700)
@example(text="y" * 32_000)
@example(text="baris satu\rbaris dua")
@example(text="a\x0bb")
@example(text="a\ud800b")
@example(text='=HYPERLINK("http://contoh.invalid","klik")')
@example(text="e\u0301 (NFD)")
def test_any_note_round_trips_through_a_record_or_is_refused_before_writing(with_officials, tmp_path, text):
    path = tmp_path / "RencanaAksi.xlsm"
    path.write_bytes(with_officials)
    ctx = ActionContext(
        nip=walk.CAMAT,
        now=dt.datetime(2025, 1, 6, 8, 30, tzinfo=WIB),
        catatan=text,
        fields={"kepada": layout.ROLE_KASUBAG, "batas": "2025-01-10"},
    )
    try:
        runner.run_action(path, layout.ACTION_DISPOSISI, ctx)
    except InputError as exc:
        # Refused: the note is empty, too long for a cell, or holds what XML cannot carry.
        storable = text.strip() and cellsafe.text_problem(text.strip()) is None and len(text) < 32_000
        assert not storable, exc.message
        assert "32.767" in exc.message or "U+" in exc.message or "belum diisi" in exc.message
        assert path.read_bytes() == with_officials
        return
    assert cellsafe.text_problem(text.strip()) is None  # the note is stripped, as typed text is
    book = headless.open_book(path)
    verdict = verify_book(book)
    assert verdict.ok, verdict.summary()
    (record,) = records_of(read_log(book))
    stored = record.get("Keterangan")
    assert _norm(text) in _norm(stored)
    step = tables.read_table(book, layout.step_table(1)).records()[0]
    assert step["Catatan"] == stored
