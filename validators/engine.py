"""Run the rule tables (validators.checks) through pandera and turn failures into Findings.

Each plan table is checked twice, both times with one pandera DataFrameSchema
validated lazily (all failures collected, nothing raised half-way):

1. the cells as written (`CellRule`: empty, text, malformed codes, duplicates),
   pandera Column checks on the raw values;
2. the values (`ValueRule`: numbers parsed, money rounded to the rupiah, the
   DPA joined to the plan by code), pandera Column checks that may read the
   other values of the row.

The failure cases pandera reports carry the frame index, which is the Excel
row, and the column, which is the header: together the cell of the Finding.
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from renaksi_xl import layout
from renaksi_xl.tables import TableData, cell_address

from . import cells
from .rules import RULE_ORDER, RULES, Finding


# --------------------------------------------------------------------------- rule records
@dataclass(frozen=True)
class CellRule:
    """A rule on cells as written, column by column.  `ok(series, env)` is True where fine."""

    rule: str
    columns: tuple[str, ...]
    ok: Callable[[pd.Series, "Env"], pd.Series]
    message: Callable[["Row"], str]


@dataclass(frozen=True)
class ValueRule:
    """A rule on values; `ok(frame, column)` is True where the cell in `column` is fine.

    Cells whose value is missing (NaN) are skipped: the cell rules report them.
    """

    rule: str
    columns: tuple[str, ...]
    ok: Callable[[pd.DataFrame, str], pd.Series]
    message: Callable[["Row"], str]


@dataclass(frozen=True)
class TableRule:
    """A rule on a whole table or on totals: a plain function returning findings."""

    rule: str
    run: Callable[["Tables"], list[Finding]]


@dataclass
class Env:
    officials: frozenset[str] = frozenset()


# --------------------------------------------------------------------------- prepared tables
@dataclass
class Prepared:
    """One table read from the workbook, as written (`raw`) and as values (`values`)."""

    data: TableData
    raw: pd.DataFrame      # as written (objects), index = Excel row
    cells: pd.DataFrame    # as written, numeric columns replaced by the kind of their content
    values: pd.DataFrame   # numbers parsed (money rounded), text stripped, '_' columns joined
    exact: dict[str, pd.Series] = field(default_factory=dict)  # money before rounding
    kinds: dict[str, pd.Series] = field(default_factory=dict)  # numeric columns: cells.EMPTY, ...
    first_row: dict[str, int] = field(default_factory=dict)    # kode -> first Excel row

    @property
    def name(self) -> str:
        return self.data.spec.name

    @property
    def sheet(self) -> str:
        return self.data.spec.sheet

    def address(self, excel_row: int, header: str) -> str:
        return cell_address(excel_row, self.data.first_col + self.data.col(header))

    def header_address(self, header: str) -> str:
        return cell_address(self.data.spec.header_row, self.data.first_col + self.data.col(header))

    def first_body_address(self, header: str) -> str:
        return cell_address(self.data.spec.header_row + 1, self.data.first_col + self.data.col(header))


@dataclass
class Tables:
    dpa: Prepared
    rencana: Prepared
    kinerja: Prepared
    env: Env


def prepare(data: TableData, money: tuple[str, ...], numbers: tuple[str, ...]) -> Prepared:
    """Raw frame + value frame: numbers parsed, money rounded, text stripped."""
    raw = data.to_frame()
    columns: dict[str, pd.Series] = {}
    exact: dict[str, pd.Series] = {}
    kinds: dict[str, pd.Series] = {}
    for header in raw.columns:
        column = raw[header]
        if header in money or header in numbers:
            kinds[header], parsed = cells.classify(column)
            if header in money:
                exact[header] = parsed
                parsed = cells.round_rupiah(parsed)
            columns[header] = parsed
        elif header == layout.H_SIFAT_TARGET:
            columns[header] = cells.sifat_targets(column)
        else:
            columns[header] = cells.clean_texts(column)
    values = pd.DataFrame(columns, index=raw.index)
    cell_frame = raw.copy()
    for header, kind in kinds.items():
        cell_frame[header] = kind
    prepared = Prepared(data, raw, cell_frame, values, exact, kinds)
    if layout.H_KODE_SUB in values:
        for row, kode in values[layout.H_KODE_SUB].items():
            if kode is not None and kode not in prepared.first_row:
                prepared.first_row[kode] = row
    return prepared


# --------------------------------------------------------------------------- messages
class Row:
    """What a message needs about the offending row: values, the column, the sub kegiatan."""

    def __init__(self, prepared: Prepared, excel_row: int, column: str | None) -> None:
        self.p = prepared
        self.excel_row = excel_row
        self.col = column

    def raw(self, header: str | None = None) -> Any:
        return self.p.raw.at[self.excel_row, header or self.col]

    def val(self, header: str | None = None) -> Any:
        value = self.p.values.at[self.excel_row, header or self.col]
        return None if isinstance(value, float) and math.isnan(value) else value

    @property
    def kode(self) -> str | None:
        if layout.H_KODE_SUB not in self.p.values:
            return None
        return self.p.values.at[self.excel_row, layout.H_KODE_SUB]

    @property
    def label(self) -> str:
        """'Sub kegiatan 7.01.01.2.01.0001 (Penyusunan ...)' or 'Indikator kinerja "..."'."""
        if layout.H_KODE_SUB not in self.p.values:
            indikator = self.p.values.at[self.excel_row, layout.H_INDIKATOR_KINERJA]
            return f"Indikator kinerja '{indikator}'" if indikator else f"Indikator kinerja baris {self.excel_row}"
        nama = self.p.values.at[self.excel_row, layout.H_SUB_KEGIATAN]
        kode = self.kode
        if kode:
            return f"Sub kegiatan {kode}" + (f" ({nama})" if nama else "")
        return f"Sub kegiatan di baris {self.excel_row}" + (f" ({nama})" if nama else "")


# --------------------------------------------------------------------------- running
def _pandera_check(rule: str, fn: Callable, **kwargs) -> pa.Check:
    return pa.Check(fn, name=rule, error=rule, **kwargs)


# What the cached schemas' checks read besides their column: the frame being
# validated and the officials, per thread (the server validates in worker threads).
_active = threading.local()


def cell_schema(prepared: Prepared, rules: tuple[CellRule, ...], env: Env) -> pa.DataFrameSchema:
    """pandera Column checks on the cells as written (empty cells included).

    Validated against `Prepared.cells`: text columns as written, numeric
    columns as the kind of their content (cells.EMPTY, cells.NUMBER, ...).
    Validate it inside `_bound(prepared, env)`.
    """
    return _cell_schema(prepared.name, rules)


@functools.lru_cache(maxsize=None)
def _cell_schema(name: str, rules: tuple[CellRule, ...]) -> pa.DataFrameSchema:
    """Built once per rule table: constructing a pandera schema costs more than checking a small plan."""
    checks: dict[str, list[pa.Check]] = {}
    for r in rules:
        for header in r.columns:
            checks.setdefault(header, []).append(
                _pandera_check(r.rule, lambda s, ok=r.ok: ok(s, _active.env), ignore_na=False)
            )
    return pa.DataFrameSchema(
        {h: pa.Column(nullable=True, checks=c) for h, c in checks.items()},
        name=f"{name} (isi sel)",
    )


def value_schema(prepared: Prepared, rules: tuple[ValueRule, ...]) -> pa.DataFrameSchema:
    """pandera Column checks on values; a check may read the other values of its row.

    Validated against `Prepared.values`, the frame the checks read (bound by
    `_bound`).  Missing values (NaN) pass: the cell rules report them.
    """
    return _value_schema(prepared.name, rules)


@functools.lru_cache(maxsize=None)
def _value_schema(name: str, rules: tuple[ValueRule, ...]) -> pa.DataFrameSchema:
    checks: dict[str, list[pa.Check]] = {}
    for r in rules:
        for header in r.columns:
            checks.setdefault(header, []).append(_pandera_check(
                r.rule, lambda s, ok=r.ok: _as_mask(ok(_active.frame, s.name), s.index),
            ))
    return pa.DataFrameSchema(
        {h: pa.Column(nullable=True, checks=c) for h, c in checks.items()},
        name=f"{name} (nilai)",
    )


def _as_mask(result: pd.Series, index: pd.Index) -> pd.Series:
    """A value check's result as a boolean mask on `index`; missing counts as fine."""
    if result.dtype == bool and (result.index is index or result.index.equals(index)):
        return result  # the usual case, without three pandas copies
    return result.reindex(index).fillna(True).astype(bool)


@contextlib.contextmanager
def _bound(prepared: Prepared, env: Env):
    """Give the cached schemas' checks this table's value frame and the officials."""
    _active.frame, _active.env = prepared.values, env
    try:
        yield
    finally:
        _active.frame = _active.env = None


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(rule, header, Excel row) of every failing cell, from pandera's failure cases."""
    try:
        # inplace: the schemas coerce nothing, so pandera's defensive copy of the frame is waste
        schema.validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    out: list[tuple[str, str, int]] = []
    for rule, column, failure, index in zip(cases["check"], cases["column"], cases["failure_case"], cases["index"]):
        if rule not in RULES:
            raise RuntimeError(f"pandera reported a failure outside the rule table: {rule} {column} {failure}")
        if index is None or (isinstance(index, float) and math.isnan(index)):
            raise RuntimeError(f"rule {rule} failed without a row: {failure}")
        out.append((rule, column, int(index)))
    return out


def run_table(prepared: Prepared, cell_rules, value_rules, env: Env) -> list[Finding]:
    findings = []
    messages = {r.rule: r.message for r in (*cell_rules, *value_rules)}
    with _bound(prepared, env):
        hits = _failures(cell_schema(prepared, cell_rules, env), prepared.cells)
        hits += _failures(value_schema(prepared, value_rules), prepared.values)
    for rule, header, excel_row in hits:
        row = Row(prepared, excel_row, header)
        findings.append(Finding(
            rule=rule,
            severity=RULES[rule][0],
            sheet=prepared.sheet,
            cell=prepared.address(excel_row, header),
            kode_sub_kegiatan=row.kode,
            message=messages[rule](row),
        ))
    return findings


SHEET_RANK = {layout.SHEET_DPA: 0, layout.SHEET_RENCANA: 1, layout.SHEET_KINERJA: 2}


def sort_key(f: Finding):
    """Sheet order, then row, then column, then the rule catalogue order."""
    if f.cell:
        letters = "".join(ch for ch in f.cell if ch.isalpha())
        row = int("".join(ch for ch in f.cell if ch.isdigit()))
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
    else:
        row, col = 0, 0
    return (SHEET_RANK.get(f.sheet, 9), row, col, RULE_ORDER.get(f.rule, 999))


def finalize(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in sorted(findings, key=sort_key):
        key = (f.rule, f.sheet, f.cell, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def numeric_equal(a: pd.Series, b: pd.Series, tolerance: float = 1e-9) -> pd.Series:
    """Equal within float noise; NaN on either side counts as equal (nothing to compare)."""
    diff = (a - b).abs()
    return (diff <= tolerance) | a.isna() | b.isna()


def not_less(a: pd.Series, b: pd.Series) -> pd.Series:
    """a >= b, or one of them missing."""
    return ~(a < b - 1e-9)


__all__ = [
    "CellRule", "ValueRule", "TableRule", "Env", "Prepared", "Tables", "Row",
    "prepare", "run_table", "finalize", "numeric_equal", "not_less",
]
