"""The Anggaran Kas (RAK) form: the monthly cash plan as its own document.

SIPD prints the Anggaran Kas of an SKPD with the months in columns under
Semester / Triwulan headers: a header row of the twelve month names (the
Semester I/II and Triwulan I-IV rows above it), then, per sub kegiatan, a row
with its code and name followed by one row per kode rekening with the amount
of each month, and at the foot `JUMLAH ALOKASI KAS PER BULAN`, `... PER
TRIWULAN` and `... PER SEMESTER`.

`parse_rak(grids, findings)` returns the plan per sub kegiatan: the sum of its
rekening rows at the deepest code level (parent rows are subtotals), with the
cell of the sub kegiatan row.  The footer rows are checked against the rows
above them (a mismatch is a warning naming the cell).  Works on the grids of a
workbook and of a PDF print alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import layout
from .grid import Findings, Grid, check_code, is_blank, norm, split_code
from .numbers import format_rupiah, parse_number, same_amount
from .parse import LABELS, MONTH_INDEX, _first, _next_value, _rekening, _text

FOOTER = "jumlah alokasi kas per"


@dataclass
class RakPlan:
    """The monthly plan of one sub kegiatan in the RAK."""

    code: str
    where: str
    rows: list = field(default_factory=list)  # (depth, [12 amounts])
    own: list | None = None  # amounts printed on the sub kegiatan row itself

    @property
    def kas(self) -> list:
        if not self.rows:
            return list(self.own or [0] * 12)
        depth = max(d for d, _ in self.rows)
        leaves = [m for d, m in self.rows if d == depth]
        return [_tidy(sum(m[i] for m in leaves)) for i in range(12)]


def _tidy(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _month_header(row: list) -> dict[int, int] | None:
    cols: dict[int, int] = {}
    for k, v in enumerate(row):
        if isinstance(v, str) and len(v) <= 16:
            m = MONTH_INDEX.get(norm(v))
            if m is not None and m not in cols.values():
                cols[k] = m
    return cols if len(cols) == 12 else None


def is_rak(grid: Grid) -> bool:
    """Twelve month names in one row near the top, and a 'JUMLAH ALOKASI KAS PER ...' row."""
    if not any(_month_header(row) for row in grid.rows[:60]):
        return False
    for row in grid.rows:
        first = _first(row)[1]
        if isinstance(first, str) and norm(first).startswith(FOOTER):
            return True
    return False


class _RakParser:
    def __init__(self, grid: Grid, f: Findings) -> None:
        self.grid, self.src, self.f = grid, grid.source, f
        self.months: dict[int, int] = {}
        self.plans: dict[str, RakPlan] = {}
        self.cur: RakPlan | None = None
        self.sums = [0] * 12

    def amounts(self, r: int, row: list) -> list | None:
        out = [0] * 12
        for k, m in self.months.items():
            value = row[k] if k < len(row) else None
            try:
                out[m] = parse_number(value) or 0
            except ValueError:
                self.f.error(
                    f"Anggaran kas bulan {layout.MONTHS[m]} bukan angka: '{_text(value)}'.",
                    self.src.where(r, k),
                )
                return None
        return out

    def run(self) -> None:
        for r, row in enumerate(self.grid.rows):
            if not self.months:
                self.months = _month_header(row) or {}
                continue
            j, first = _first(row)
            if j < 0 or _month_header(row):
                continue  # a blank row, or the header repeated on a printed page
            key = norm(first) if isinstance(first, str) else ""
            if key.startswith(FOOTER):
                self.footer(r, row, j, key)
                continue
            field_, inline = LABELS.get(key), None
            if field_ is None and ":" in key:
                field_, inline = LABELS.get(norm(key.partition(":")[0])), str(first).partition(":")[2]
            value = first
            if field_ == "sub_kegiatan":
                c, value = (j, inline) if inline else _next_value(row, j)
                if c < 0:
                    continue
            code, _ = split_code(value) if isinstance(value, str) else (None, "")
            if code is not None and check_code(code, "sub_kegiatan") is None:
                self.sub(r, row, j, code)
                continue
            rek, _ = _rekening(row, j)
            if rek is not None and self.cur is not None:
                months = self.amounts(r, row)
                if months is not None:
                    self.cur.rows.append((rek.count(".") + 1, months))
            # program / kegiatan rows and texts: groupings, nothing to read

    def sub(self, r: int, row: list, j: int, code: str) -> None:
        where = self.src.where(r, j)
        if code in self.plans:
            self.f.error(f"Sub kegiatan {code} tercantum dua kali di anggaran kas.", where)
        months = self.amounts(r, row)
        own = months if months and any(months) else None
        self.cur = self.plans[code] = RakPlan(code, where, own=own)

    def footer(self, r: int, row: list, j: int, key: str) -> None:
        kas = [p.kas for p in self.plans.values()]
        per_month = [sum(k[i] for k in kas) for i in range(12)]
        if key.endswith("bulan"):
            groups = [[i] for i in range(12)]
        elif key.endswith("triwulan"):
            groups = [list(range(q * 3, q * 3 + 3)) for q in range(4)]
        elif key.endswith("semester"):
            groups = [list(range(0, 6)), list(range(6, 12))]
        else:
            return
        col_of = {m: k for k, m in self.months.items()}
        for g in groups:
            # a quarter's or semester's total sits in its first month's (merged) cell
            k = col_of[g[0]]
            value = row[k] if k < len(row) else None
            if is_blank(value):
                k, value = _next_value(row, k - 1) if k > 0 else (-1, None)
            try:
                printed = parse_number(value)
            except ValueError:
                printed = None
            expected = sum(per_month[i] for i in g)
            if printed is not None and not same_amount(printed, expected):
                self.f.warn(
                    f"Baris '{_text(row[j])}' {format_rupiah(printed)} tidak sama dengan jumlah baris "
                    f"rekening di atasnya ({format_rupiah(expected)}) untuk {layout.MONTHS[g[0]]}"
                    + (f" s.d. {layout.MONTHS[g[-1]]}" if len(g) > 1 else "")
                    + ".",
                    self.src.where(r, k if k >= 0 else j),
                )


def parse_rak(grids: list[Grid], f: Findings) -> dict[str, RakPlan]:
    """Sub kegiatan code -> its monthly plan, from every grid in the RAK layout."""
    plans: dict[str, RakPlan] = {}
    for grid in grids:
        if not is_rak(grid):
            continue
        p = _RakParser(grid, f)
        p.run()
        for code, plan in p.plans.items():
            if code in plans:
                f.error(
                    f"Sub kegiatan {code} tercantum dua kali di anggaran kas (lihat {plans[code].where}).",
                    plan.where,
                )
            else:
                plans[code] = plan
            if (
                plan.own is not None
                and plan.rows
                and any(not same_amount(a, b) for a, b in zip(plan.own, plan.kas))
            ):
                f.warn(
                    f"Sub kegiatan {code}: angka per bulan di baris sub kegiatan tidak sama dengan jumlah baris "
                    "rekeningnya; yang dipakai jumlah rekening.",
                    plan.where,
                )
    return plans
