"""Run the rule tables (validators.checks) through pandera and turn failures into Findings.

Each plan table is checked twice, both times with one pandera schema
validated lazily (all failures collected, nothing raised half-way):

1. the cells as written (`CellRule`: empty, text, malformed codes, duplicates);
2. the values (`ValueRule`: numbers parsed, money rounded to the rupiah, the
   DPA joined to the plan by code), checks that may read the other values of
   the row.

What pandera validates is the table's cells stacked into one column, one
row per cell (`Stack`): a rule is ONE pandera check over every column it
names, however many, and the index of each failure case pandera reports is
the position of the cell in the stack, which gives back its header and Excel
row.  (A check per rule and column costs pandera about 0.1 ms each, a third of
the time on a city-scale plan; a DataFrame-wide check would lose failing empty
cells, which pandera drops from a table check's failure cases.)  The stack is
a Series validated by a SeriesSchema: the same column checks as a one-column
DataFrameSchema, without pandera's per-check column lookup and per-validate
schema-component collection, about half of pandera's time on a small plan.

Everything around pandera works on 1-D numpy arrays, one per column, by
position in the table (`Prepared`): a pandas operation costs 20-50 us whatever
its size, numpy a few, and a small plan needs hundreds of them per click.
pandas appears only where pandera wants it: the stacked Series and each
check's boolean Series.
"""

from __future__ import annotations

import contextlib
import functools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from renaksi_xl import layout
from renaksi_xl.tables import TableData, cell_address, col_number

from . import cells
from .rules import RULE_ORDER, RULES, Finding


# --------------------------------------------------------------------------- rule records
@dataclass(frozen=True)
class CellRule:
    """A rule on cells as written, column by column.  `ok(column, env)` is True where fine.

    `column` is a 1-D numpy array (`Prepared.cells`), the result a boolean array.
    """

    rule: str
    columns: tuple[str, ...]
    ok: Callable[[np.ndarray, Env], np.ndarray]
    message: Callable[[Row], str]


@dataclass(frozen=True)
class ValueRule:
    """A rule on values; `ok(values, column)` is True where the cell in `column` is fine.

    `values` is `Prepared.values` (header -> 1-D numpy array, same positions),
    so a rule may read the other values of the row.  Cells whose value is
    missing (NaN, None) are skipped: the cell rules report them.
    """

    rule: str
    columns: tuple[str, ...]
    ok: Callable[[dict[str, np.ndarray], str], np.ndarray]
    message: Callable[[Row], str]


@dataclass(frozen=True)
class TableRule:
    """A rule on a whole table or on totals: a plain function returning findings."""

    rule: str
    run: Callable[[Tables], list[Finding]]


@dataclass
class Env:
    officials: frozenset[str] = frozenset()


# --------------------------------------------------------------------------- prepared tables
@dataclass
class Prepared:
    """One table read from the workbook, column by column, as 1-D numpy arrays by position.

    Position i is the i-th row kept by read_table, Excel row `data.excel_rows[i]`.
    """

    data: TableData
    grid: np.ndarray  # the cells as written, objects (positions x headers)
    cells: dict[str, np.ndarray]  # as written, numeric columns replaced by the kind of their content
    values: dict[str, np.ndarray]  # numbers parsed (money rounded), text stripped, '_' columns joined
    # (only the text columns the rules read; Row.val strips the others)
    exact: dict[str, np.ndarray] = field(default_factory=dict)  # money before rounding
    kinds: dict[str, np.ndarray] = field(default_factory=dict)  # numeric columns: cells.EMPTY, ... (int8)

    def __len__(self) -> int:
        return len(self.grid)

    @functools.cached_property
    def col(self) -> dict[str, int]:
        """header -> column of `grid` (the first, as TableData.col)."""
        out: dict[str, int] = {}
        for j, header in enumerate(self.data.header):
            out.setdefault(header, j)
        return out

    @functools.cached_property
    def position(self) -> dict[int, int]:
        """Excel row -> position; only a Row built from an Excel row asks."""
        return {row: i for i, row in enumerate(self.data.excel_rows)}

    @functools.cached_property
    def first_row(self) -> dict[str, int]:
        """kode -> first Excel row; only a duplicate's message asks."""
        first: dict[str, int] = {}
        if layout.H_KODE_SUB in self.values:
            for row, kode in zip(self.data.excel_rows, self.values[layout.H_KODE_SUB].tolist()):
                if kode is not None and kode not in first:
                    first[kode] = row
        return first

    @property
    def name(self) -> str:
        return self.data.spec.name

    @property
    def sheet(self) -> str:
        return self.data.spec.sheet

    def address(self, excel_row: int, header: str) -> str:
        return cell_address(excel_row, self.data.first_col + self.col[header])

    def header_address(self, header: str) -> str:
        return cell_address(self.data.spec.header_row, self.data.first_col + self.col[header])

    def first_body_address(self, header: str) -> str:
        return cell_address(self.data.spec.header_row + 1, self.data.first_col + self.col[header])


@dataclass
class Tables:
    dpa: Prepared
    rencana: Prepared
    kinerja: Prepared
    env: Env


def _with_optional_columns(data: TableData) -> TableData:
    """A table from a workbook made before an optional column existed, with that column empty
    (what an empty cell means is the rule's to say: an empty Arah reads Naik)."""
    absent = [c.header for c in data.spec.columns if c.optional and c.header not in data.header]
    if not absent:
        return data
    pad = [None] * len(absent)
    rows = [list(row) + pad for row in data.rows]
    return TableData(data.spec, [*data.header, *absent], rows, data.excel_rows, data.first_col)


def prepare(
    data: TableData, money: tuple[str, ...], numbers: tuple[str, ...], texts: tuple[str, ...] | None = None
) -> Prepared:
    """Cells and values column by column: numbers parsed, money rounded, text stripped.

    `texts`: the text columns the rules read as values (None: all); stripping
    the others (names of programs, places, notes) would be wasted work.
    """
    data = _with_optional_columns(data)
    grid = np.empty((len(data.rows), len(data.header)), dtype=object)
    if data.rows:
        grid[:] = data.rows
    cell_columns: dict[str, np.ndarray] = {}
    values: dict[str, np.ndarray] = {}
    exact: dict[str, np.ndarray] = {}
    kinds: dict[str, np.ndarray] = {}
    for j, header in enumerate(data.header):
        column = grid[:, j]
        if header in money or header in numbers:
            kinds[header], parsed = cells.classify(column)
            if header in money:
                exact[header] = parsed
                parsed = cells.round_rupiah(parsed)
            values[header] = parsed
            cell_columns[header] = kinds[header]
            continue
        cell_columns[header] = column
        if header == layout.H_SIFAT_TARGET:
            values[header] = cells.sifat_targets(column)
        elif texts is None or header in texts:
            values[header] = cells.clean_texts(column)
    return Prepared(data, grid, cell_columns, values, exact, kinds)


# --------------------------------------------------------------------------- messages
class Row:
    """What a message needs about the offending row: values, the column, the sub kegiatan."""

    def __init__(self, prepared: Prepared, excel_row: int, column: str, position: int | None = None) -> None:
        self.p = prepared
        self.excel_row = excel_row
        self.col = column
        self.i = prepared.position[excel_row] if position is None else position

    def raw(self, header: str | None = None) -> Any:
        return self.p.grid[self.i, self.p.col[header or self.col]]

    def val(self, header: str | None = None) -> Any:
        header = header or self.col
        column = self.p.values.get(header)
        if column is None:  # a text column the rules do not read as a value
            return cells.clean_text(self.raw(header))
        value = column[self.i]
        return None if isinstance(value, float) and math.isnan(value) else value

    @property
    def kode(self) -> str | None:
        if layout.H_KODE_SUB not in self.p.values:
            return None
        return self.p.values[layout.H_KODE_SUB][self.i]

    @property
    def label(self) -> str:
        """'Sub kegiatan 7.01.01.2.01.0001 (Penyusunan ...)' or 'Indikator kinerja "..."'."""
        if layout.H_KODE_SUB not in self.p.values:
            indikator = self.val(layout.H_INDIKATOR_KINERJA)
            return (
                f"Indikator kinerja '{indikator}'"
                if indikator
                else f"Indikator kinerja baris {self.excel_row}"
            )
        nama = self.val(layout.H_SUB_KEGIATAN)
        kode = self.kode
        if kode:
            return f"Sub kegiatan {kode}" + (f" ({nama})" if nama else "")
        return f"Sub kegiatan di baris {self.excel_row}" + (f" ({nama})" if nama else "")


# --------------------------------------------------------------------------- running
STACK = "sel"  # the name of the stacked Series (pandera checks it against the schema's)


@dataclass(frozen=True)
class Stack:
    """The columns a rule table reads, stacked: cell i of column j sits at row j * n + i.

    Built once per rule table with its schema.  `series` is what pandera
    validates (the cells as written); `locate` turns the index of a failure
    case back into (header, position).
    """

    columns: tuple[str, ...]

    def series(self, prepared: Prepared) -> pd.Series:
        positions = [prepared.col[h] for h in self.columns]
        stacked = prepared.grid[:, positions].ravel(order="F")  # column after column
        return pd.Series(stacked, name=STACK, copy=False)

    def locate(self, prepared: Prepared, index: int) -> tuple[str, int]:
        column, position = divmod(index, len(prepared))
        return self.columns[column], position


@functools.cache
def _stack(rules: tuple) -> Stack:
    """Every column some rule of the table names, in the order the rules name them."""
    return Stack(tuple(dict.fromkeys(h for r in rules for h in r.columns)))


def _mask(rule_columns: tuple[str, ...], stack: Stack, n: int, column_ok: Callable[[str], Any]) -> np.ndarray:
    """One rule's verdict on the whole stack: its columns from `column_ok`, the others pass."""
    ok = np.ones(len(stack.columns) * n, dtype=bool)
    for header in rule_columns:
        j = stack.columns.index(header)
        ok[j * n : (j + 1) * n] = column_ok(header)
    return ok


# What the cached schemas' checks read besides the stack: the table being
# validated and the officials, per thread (the server validates in worker threads).
_active = threading.local()


def cell_schema(prepared: Prepared, rules: tuple[CellRule, ...], env: Env) -> pa.SeriesSchema:
    """pandera checks on the cells as written (empty cells included), one per rule.

    A cell rule's `ok` sees one column of `Prepared.cells`: text columns as
    written, numeric columns as the kind of their content (cells.EMPTY, ...).
    Validate it inside `_bound(prepared, env)`.
    """
    return _cell_schema(prepared.name, rules)


def _check(rule: str, fn: Callable[[pd.Series], np.ndarray]) -> pa.Check:
    """A rule as a pandera check on the stack: element-wise verdicts, one per cell.

    pandera wants a boolean Series back: the one pandas object built per check.
    """
    return pa.Check(
        lambda s: pd.Series(fn(s), index=s.index, copy=False), name=rule, error=rule, ignore_na=False
    )


@functools.cache
def _cell_schema(name: str, rules: tuple[CellRule, ...]) -> pa.SeriesSchema:
    """Built once per rule table: constructing a pandera schema costs more than checking a small plan."""
    stack = _stack(rules)

    def check(r: CellRule) -> pa.Check:
        def fn(s: pd.Series) -> np.ndarray:
            p, env = _active.prepared, _active.env
            return _mask(r.columns, stack, len(p), lambda h: np.asarray(r.ok(p.cells[h], env), dtype=bool))

        return _check(r.rule, fn)

    return pa.SeriesSchema(
        nullable=True, checks=[check(r) for r in rules], name=STACK, title=f"{name} (isi sel)"
    )


def value_schema(prepared: Prepared, rules: tuple[ValueRule, ...]) -> pa.SeriesSchema:
    """pandera checks on values, one per rule; a check may read the other values of its row.

    A value rule's `ok` reads `Prepared.values` (bound by `_bound`).  Cells
    whose value is missing (NaN, None) pass: the cell rules report them.
    """
    return _value_schema(prepared.name, rules)


@functools.cache
def _value_schema(name: str, rules: tuple[ValueRule, ...]) -> pa.SeriesSchema:
    stack = _stack(rules)

    def check(r: ValueRule) -> pa.Check:
        def fn(s: pd.Series) -> np.ndarray:
            p = _active.prepared
            return _mask(
                r.columns,
                stack,
                len(p),
                lambda h: np.asarray(r.ok(p.values, h), dtype=bool) | cells.missing(p.values[h]),
            )

        return _check(r.rule, fn)

    return pa.SeriesSchema(
        nullable=True, checks=[check(r) for r in rules], name=STACK, title=f"{name} (nilai)"
    )


@contextlib.contextmanager
def _bound(prepared: Prepared, env: Env):
    """Give the cached schemas' checks this table and the officials."""
    _active.prepared, _active.env = prepared, env
    try:
        yield
    finally:
        _active.prepared = _active.env = None


def _failures(schema: pa.SeriesSchema, stack: Stack, prepared: Prepared) -> list[tuple[str, str, int]]:
    """(rule, header, position) of every failing cell, from pandera's failure cases."""
    try:
        # inplace: the schemas coerce nothing, so pandera's defensive copy of the stack is waste
        schema.validate(stack.series(prepared), lazy=True, inplace=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    out: list[tuple[str, str, int]] = []
    for rule, failure, index in zip(cases["check"], cases["failure_case"], cases["index"]):
        if rule not in RULES:
            raise RuntimeError(f"pandera reported a failure outside the rule table: {rule} {failure}")
        if index is None or (isinstance(index, float) and math.isnan(index)):
            raise RuntimeError(f"rule {rule} failed without a cell: {failure}")
        out.append((rule, *stack.locate(prepared, int(index))))
    return out


def run_table(prepared: Prepared, cell_rules, value_rules, env: Env) -> list[Finding]:
    findings = []
    messages = {r.rule: r.message for r in (*cell_rules, *value_rules)}
    with _bound(prepared, env):
        hits = _failures(cell_schema(prepared, cell_rules, env), _stack(cell_rules), prepared)
        hits += _failures(value_schema(prepared, value_rules), _stack(value_rules), prepared)
    excel_rows = prepared.data.excel_rows
    for rule, header, position in hits:
        excel_row = excel_rows[position]
        row = Row(prepared, excel_row, header, position)
        findings.append(
            Finding(
                rule=rule,
                severity=RULES[rule][0],
                sheet=prepared.sheet,
                cell=prepared.address(excel_row, header),
                kode_sub_kegiatan=row.kode,
                message=messages[rule](row),
            )
        )
    return findings


SHEET_RANK = {
    layout.SHEET_DPA: 0,
    layout.SHEET_RENCANA: 1,
    layout.SHEET_KINERJA: 2,
    layout.SHEET_REALISASI_AKSI: 3,
    layout.SHEET_REALISASI_KINERJA: 4,
}


def sort_key(f: Finding):
    """Sheet order, then row, then column, then the rule catalogue order."""
    if f.cell:
        letters = "".join(ch for ch in f.cell if ch.isalpha())
        row = int("".join(ch for ch in f.cell if ch.isdigit()))
        col = col_number(letters)
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


def numeric_equal(a, b, tolerance: float = 1e-9) -> np.ndarray:
    """Equal within float noise; NaN on either side counts as equal (nothing to compare).

    `a`, `b`: float arrays of one table (same positions) or a number.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore"):
        return (np.abs(x - y) <= tolerance) | np.isnan(x) | np.isnan(y)


def not_less(a, b) -> np.ndarray:
    """a >= b, or one of them missing (float arrays of one table)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore"):
        return ~(x < y - 1e-9)


__all__ = [
    "CellRule",
    "ValueRule",
    "TableRule",
    "Env",
    "Prepared",
    "Tables",
    "Row",
    "prepare",
    "run_table",
    "finalize",
    "numeric_equal",
    "not_less",
]
