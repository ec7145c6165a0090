"""Validate the three plan tables together: join the DPA to the plan, run every rule table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from renaksi_xl import layout, tables
from renaksi_xl.layout import H_KODE_SUB, H_PAGU, H_SUB_KEGIATAN, KEUANGAN_TW, MONTHS
from renaksi_xl.tables import TableData

from . import cells, checks
from .engine import Env, Prepared, Tables, finalize, prepare, run_table
from .rules import Finding


def _join_dpa(dpa: Prepared, rencana: Prepared) -> None:
    """Give each plan row its DPA figures (by code) and each DPA row its presence in the plan.

    Extra columns start with '_' so they never clash with a header.  With an
    empty DPA nothing is compared (DPA_KOSONG says why).  Empty months count
    as 0; a month that is no number spoils the cumulative sums from there on.
    A plan row whose code is not in the DPA gets NaN figures (nothing to compare).
    """
    d, r = dpa.values, rencana.values
    months = np.column_stack([dpa.exact[m] for m in MONTHS]) if len(dpa) else np.empty((0, 12))
    month_kinds = np.column_stack([dpa.kinds[m] for m in MONTHS]) if len(dpa) else np.empty((0, 12))
    spoiled = np.cumsum(month_kinds == cells.NOT_NUMBER, axis=1) > 0
    cumulative = np.cumsum(np.where(np.isnan(months), 0.0, months), axis=1)
    cumulative[spoiled] = np.nan
    kas_kosong = (month_kinds == cells.EMPTY).all(axis=1)
    d["_kas_kosong"] = kas_kosong
    d["_kas_total"] = cells.round_rupiah(cumulative[:, -1])
    extra = ["_dpa_pagu", "_dpa_nama"]
    d["_dpa_pagu"], d["_dpa_nama"] = d[H_PAGU], d[H_SUB_KEGIATAN]
    for column in KEUANGAN_TW[:3]:
        name, month = checks.CASH_UNTIL[column]
        d[name] = cells.round_rupiah(np.where(kas_kosong, np.nan, cumulative[:, MONTHS.index(month)]))
        extra.append(name)

    codes, plan_codes = d[H_KODE_SUB].tolist(), r[H_KODE_SUB].tolist()
    planned = {code for code in plan_codes if code is not None}
    d["_di_rencana"] = np.array([code in planned for code in codes], dtype=bool)
    first: dict[str, int] = {}  # each code's first DPA row
    for i, code in enumerate(codes):
        if code is not None and code not in first:
            first[code] = i
    found = np.array([first.get(code, -1) for code in plan_codes], dtype=np.intp)  # -1: not in the DPA
    missing = found < 0
    r["_di_dpa"] = ~missing | (len(first) == 0)
    for name in extra:
        dpa_values = d[name]
        taken = (
            dpa_values.take(np.where(missing, 0, found))
            if first
            else np.full(len(found), np.nan, dpa_values.dtype)
        )
        if missing.any():
            taken = taken.astype(float if taken.dtype.kind == "f" else object)
            taken[missing] = np.nan
        r[name] = taken


def mark_continuations(table: Prepared, money: tuple[str, ...]) -> None:
    """Rows right below a row with the same code are further Keluaran indicators of that sub
    kegiatan: the money (Pagu, Keuangan, anggaran kas) is written once, on the first row, so an
    empty money cell there is as it should be.  Their value stays missing, so the value rules
    (Pagu vs DPA, Keuangan s.d. TW IV = Pagu, ...) skip them; a filled one is checked as usual
    and a pagu written twice shows in TOTAL_PAGU_BEDA_DPA."""
    codes = table.values[H_KODE_SUB].tolist() if H_KODE_SUB in table.values else []
    follows = np.array(
        [i > 0 and code is not None and code == codes[i - 1] for i, code in enumerate(codes)], dtype=bool
    )
    table.values["_lanjutan"] = follows
    if not follows.any():
        return
    for header in money:
        if header not in table.kinds:
            continue
        kinds = table.kinds[header].copy()
        kinds[follows & (kinds == cells.EMPTY)] = cells.NUMBER
        table.cells[header] = kinds


def validate_tables(
    dpa: TableData, rencana: TableData, kinerja: TableData, officials: Sequence[str]
) -> list[Finding]:
    """Every finding of the plan, sorted by sheet, row and column.

    `officials`: the names and roles listed in tblPejabat (who may be penanggung jawab).
    """
    t = Tables(
        dpa=prepare(dpa, checks.DPA_MONEY, checks.DPA_NUMBERS, checks.DPA_TEXTS),
        rencana=prepare(rencana, checks.RENCANA_MONEY, checks.RENCANA_NUMBERS, checks.RENCANA_TEXTS),
        kinerja=prepare(kinerja, (), checks.KINERJA_NUMBERS, checks.KINERJA_TEXTS),
        env=Env(frozenset(n for n in map(cells.normalize_name, officials) if n)),
    )
    _join_dpa(t.dpa, t.rencana)
    mark_continuations(t.dpa, checks.DPA_MONEY)
    mark_continuations(t.rencana, checks.RENCANA_MONEY)
    findings: list[Finding] = []
    findings += run_table(t.dpa, checks.DPA_CELL_RULES, checks.DPA_VALUE_RULES, t.env)
    findings += run_table(t.rencana, checks.RENCANA_CELL_RULES, checks.RENCANA_VALUE_RULES, t.env)
    findings += run_table(t.kinerja, checks.KINERJA_CELL_RULES, checks.KINERJA_VALUE_RULES, t.env)
    for rule in checks.TABLE_RULES:
        findings += rule.run(t)
    return finalize(findings)


def officials_of(book) -> list[str]:
    """Names and roles in tblPejabat: both may be written as penanggung jawab."""
    data = tables.read_table(book, layout.TBL_PEJABAT)
    out = []
    for row in data.rows:
        for header in (layout.H_NAMA, layout.H_PERAN):
            text = cells.clean_text(row[data.col(header)])
            if text:
                out.append(text)
    return out


READ_TABLES = (
    layout.TBL_DPA,
    layout.TBL_RENCANA,
    layout.TBL_KINERJA,
    layout.TBL_PEJABAT,
    *layout.REALISASI_TABLES,
)
# The sheets validate_book reads: a file reader may load only these (headless `sheets=`).
SHEETS_READ = tuple(dict.fromkeys(layout.table(name).sheet for name in READ_TABLES))


def validate_book(book) -> list[Finding]:
    """Read the plan tables and tblPejabat from an xlwings Book and validate; then the realisasi.

    A workbook made before the realisasi sheets existed is validated without them.
    """
    rencana = tables.read_table(book, layout.TBL_RENCANA)
    kinerja = tables.read_table(book, layout.TBL_KINERJA)
    findings = validate_tables(tables.read_table(book, layout.TBL_DPA), rencana, kinerja, officials_of(book))
    realised = _realisasi_tables(book)
    if realised is None:
        return findings
    from .realisasi import validate_realisasi

    return finalize(findings + validate_realisasi(rencana, kinerja, *realised))


def _realisasi_tables(book) -> tuple[TableData, TableData] | None:
    """tblRealisasiAksi and tblRealisasiKinerja; None when the workbook predates both sheets."""
    names = {s.name for s in book.sheets}
    wanted = [layout.table(t) for t in layout.REALISASI_TABLES]
    if not any(spec.sheet in names for spec in wanted):
        return None
    aksi, kinerja = (tables.read_table(book, spec.name) for spec in wanted)
    return aksi, kinerja


__all__ = ["validate_tables", "validate_book", "officials_of", "SHEETS_READ"]
