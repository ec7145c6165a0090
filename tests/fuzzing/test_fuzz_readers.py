"""Fuzzing harness for the workbook readers (see README.md beside this file)."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renaksi_xl import layout
from renaksi_xl.dpa.readers import ReadError, read_path
from renaksi_xl.payload import payload_from_file
from renaksi_xl.readlimits import LimitError, scan_sheet
from renaksi_xl.tables import WorkbookError, cell_address
from tests.hostile import books as b

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SHEETS = [layout.SHEET_DPA, layout.SHEET_LOG, layout.SHEET_IMPOR, layout.SHEET_BERANDA]
TABLES = [layout.TBL_DPA, layout.TBL_RENCANA, layout.TBL_LOG, layout.TBL_KINERJA]
raw_values = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["NaN", "INF", "-inf", "1e999", "", "abc", "1" * 400, "0x10"]),
)
cell_xml = st.one_of(
    st.builds(lambda v: ("n", v), raw_values),
    st.builds(lambda t: ("s", t), st.text(max_size=30)),
    st.builds(lambda i: ("ss", str(i)), st.integers(-5, 10**6)),
    st.builds(lambda f: ("f", f), st.sampled_from(["1+1", "SUM(A1:A2)", "NOW()", "<", ""])),
)
addresses = st.builds(
    cell_address, st.integers(1, 1_048_576), st.one_of(st.integers(1, 30), st.integers(1, 16_384))
)


def _cell(ref: str, kind_value) -> str:
    kind, value = kind_value
    if kind == "n":
        return b.number(ref, value)
    if kind == "s":
        return b.inline(ref, "".join(c for c in value if c.isprintable()))
    if kind == "ss":
        return f'<c r="{ref}" t="s"><v>{value}</v></c>'
    return f'<c r="{ref}"><f>{value}</f><v>1</v></c>'


damage = st.one_of(
    st.builds(lambda s, ref, c: ("cell", s, ref, c), st.sampled_from(SHEETS), addresses, cell_xml),
    st.builds(
        lambda t, ref: ("ref", t, ref),
        st.sampled_from(TABLES),
        st.one_of(st.text(max_size=12), st.builds(lambda a, z: f"{a}:{z}", addresses, addresses)),
    ),
    st.builds(
        lambda s, at, byte: ("flip", s, at, byte),
        st.sampled_from(SHEETS),
        st.floats(0, 1),
        st.integers(0, 255),
    ),
)


def _damage(path, how) -> None:
    if how[0] == "cell":
        _, sheet, ref, cell = how
        b.cell(sheet, ref, _cell(ref, cell))(path)
    elif how[0] == "ref":
        _, table, ref = how
        ref = "".join(c for c in ref if c.isascii() and c.isprintable() and c not in '"<&')
        b.table_ref(table, ref)(path)
    else:
        _, sheet, at, byte = how
        part = b.sheet_part(path, sheet)

        def flip(xml: bytes) -> bytes:
            i = min(int(at * len(xml)), len(xml) - 1)
            return xml[:i] + bytes([byte]) + xml[i + 1 :]

        b.edit(path, part, flip)


@pytest.fixture
def victim(built_workbook_master, tmp_path):
    def make(how):
        path = tmp_path / "RencanaAksi.xlsm"
        shutil.copyfile(built_workbook_master, path)
        _damage(path, how)
        return path

    return make


@FUZZ
@given(how=st.lists(damage, min_size=1, max_size=3))
def test_payload_reader_returns_or_says_why(victim, how):
    path = victim(how[0])
    for more in how[1:]:
        _damage(path, more)
    try:
        payload = payload_from_file(path)
    except WorkbookError as exc:
        assert str(path) in exc.message or path.name in exc.message
        return
    assert payload["sheets"] and all(isinstance(s["values"], list) for s in payload["sheets"])


@FUZZ
@given(how=damage)
def test_dpa_reader_returns_or_says_why(victim, how):
    path = victim(how)
    xlsx = path.with_suffix(".xlsx")
    path.rename(xlsx)
    try:
        grids = read_path(xlsx)
    except ReadError:
        return
    assert isinstance(grids, list)


@FUZZ
@given(data=st.binary(max_size=2000), protected=st.booleans())
def test_scan_sheet_on_any_bytes_returns_or_raises_limit_error(data, protected):
    try:
        scan_sheet(data, "Lembar", "x.xlsm", [("tblDPA", (4, 1, 9, 24))] if protected else [])
    except LimitError:
        pass
