"""Validate the three plan tables together: join the DPA to the plan, run every rule table."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

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
    """
    d, r = dpa.values, rencana.values
    months = pd.DataFrame({m: dpa.exact[m] for m in MONTHS}, index=d.index)
    month_kinds = pd.DataFrame({m: dpa.kinds[m] for m in MONTHS}, index=d.index)
    spoiled = (month_kinds == cells.NOT_NUMBER).cumsum(axis=1) > 0
    cumulative = months.fillna(0).cumsum(axis=1).mask(spoiled)
    d["_kas_kosong"] = (month_kinds == cells.EMPTY).all(axis=1)
    d["_kas_total"] = cells.round_rupiah(cumulative[MONTHS[-1]])
    extra = ["_dpa_pagu", "_dpa_nama"]
    d["_dpa_pagu"], d["_dpa_nama"] = d[H_PAGU], d[H_SUB_KEGIATAN]
    for column in KEUANGAN_TW[:3]:
        name, month = checks.CASH_UNTIL[column]
        d[name] = cells.round_rupiah(cumulative[month]).where(~d["_kas_kosong"])
        extra.append(name)
    d["_di_rencana"] = d[H_KODE_SUB].isin(set(r[H_KODE_SUB].dropna()))

    first = d[d[H_KODE_SUB].notna() & ~d[H_KODE_SUB].duplicated()].set_index(H_KODE_SUB)
    codes = r[H_KODE_SUB]
    r["_di_dpa"] = codes.isin(first.index) | first.empty
    for name in extra:
        r[name] = codes.map(first[name])


def validate_tables(dpa: TableData, rencana: TableData, kinerja: TableData,
                    officials: Sequence[str]) -> list[Finding]:
    """Every finding of the plan, sorted by sheet, row and column.

    `officials`: the names and roles listed in tblPejabat (who may be penanggung jawab).
    """
    t = Tables(
        dpa=prepare(dpa, checks.DPA_MONEY, checks.DPA_NUMBERS),
        rencana=prepare(rencana, checks.RENCANA_MONEY, checks.RENCANA_NUMBERS),
        kinerja=prepare(kinerja, (), checks.KINERJA_NUMBERS),
        env=Env(frozenset(n for n in map(cells.normalize_name, officials) if n)),
    )
    _join_dpa(t.dpa, t.rencana)
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


READ_TABLES = (layout.TBL_DPA, layout.TBL_RENCANA, layout.TBL_KINERJA, layout.TBL_PEJABAT)
# The sheets validate_book reads: a file reader may load only these (headless `sheets=`).
SHEETS_READ = tuple(dict.fromkeys(layout.table(name).sheet for name in READ_TABLES))


def validate_book(book) -> list[Finding]:
    """Read tblDPA, tblRencanaAksi, tblKinerja and tblPejabat from an xlwings Book and validate."""
    return validate_tables(
        tables.read_table(book, layout.TBL_DPA),
        tables.read_table(book, layout.TBL_RENCANA),
        tables.read_table(book, layout.TBL_KINERJA),
        officials_of(book),
    )


__all__ = ["validate_tables", "validate_book", "officials_of", "SHEETS_READ"]
