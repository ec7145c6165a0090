"""Capaian: one definition, used by the Capaian sheet, the PDF, `renaksi-xl capaian` and the rekap.

Definitions (docs/aturan-validasi.md explains them to staff, with worked examples):

- the target of TW k is the plan's `Target s.d. TW k` (tblRencanaAksi per
  (Kode Sub Kegiatan, Indikator Keluaran); tblKinerja per Indikator Kinerja),
  as the plan filled it for its Sifat Target (Kumulatif, Tetap, Akhir Tahun);
- Arah Naik (also an empty Arah): capaian = realisasi / target x 100;
  Arah Turun: capaian = (2 x target - realisasi) / target x 100, not below 0;
- target 0 or empty: capaian empty, with a warning; realisasi empty: capaian empty;
- serapan = realisasi keuangan / pagu x 100;
  deviasi = (realisasi keuangan - Keuangan s.d. TW k) / pagu x 100; pagu 0 or empty: both empty;
- percentages are rounded half up to two decimals, only at the end.

Plain Python over `tables.TableData`: no pandas, so `renaksi-xl capaian` on a
city-scale plan costs little more than reading its cells.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import layout
from .errors import InputError

H_KODE = layout.H_KODE_SUB
H_IND = layout.H_INDIKATOR_KELUARAN
H_IND_K = layout.H_INDIKATOR_KINERJA


# --------------------------------------------------------------------------- the formulas
def capaian_persen(
    target: float | None, realisasi: float | None, arah: str = layout.ARAH_NAIK
) -> float | None:
    """Capaian in percent (unrounded); None when the target is 0/empty or the realisasi is empty."""
    if target is None or realisasi is None or target == 0:
        return None
    if arah == layout.ARAH_TURUN:
        return max(0.0, (2 * target - realisasi) / target * 100)
    return realisasi / target * 100


def serapan_persen(realisasi_keuangan: float | None, pagu: float | None) -> float | None:
    if realisasi_keuangan is None or not pagu:
        return None
    return realisasi_keuangan / pagu * 100


def deviasi_persen(
    realisasi_keuangan: float | None, rencana: float | None, pagu: float | None
) -> float | None:
    if realisasi_keuangan is None or rencana is None or not pagu:
        return None
    return (realisasi_keuangan - rencana) / pagu * 100


def round2(value: float | None) -> float | None:
    """Half up to two decimals of the number as written (66.665 -> 66.67, -2.675 -> -2.68), as
    staff round by hand; None for None and for a value that is not finite.

    Python's round() rounds the binary value half to even, which differs from rounding the
    written decimal half up only when the written value is a tie (a 5 in the third decimal
    and nothing after) or too large for the difference to show; those go through Decimal.
    """
    if value is None:
        return None
    x = value if type(value) is float else float(value)
    if not math.isfinite(x):
        return None
    thousandths = x * 1000
    nearest = round(thousandths)
    if abs(x) >= 1e12 or (
        nearest % 10 == 5 and abs(thousandths - nearest) <= 1e-6 * max(1.0, abs(thousandths))
    ):
        return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return round(x * 100) / 100  # x * 100 is far from a half here, so this is round(x, 2), cheaper


# --------------------------------------------------------------------------- reading cells
def quarter_of(value: Any) -> int | None:
    """'I'..'IV', 'TW II', 'Triwulan 3', 2 -> 1..4; None when it is none of these."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if value in (1, 2, 3, 4) else None
    text = " ".join(str(value).split()).upper()
    for prefix in ("TRIWULAN ", "TW "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.removeprefix("TW")
    if text in layout.QUARTERS:
        return layout.QUARTERS.index(text) + 1
    if text in ("1", "2", "3", "4"):
        return int(text)
    return None


def arah_of(value: Any) -> str | None:
    """Naik for empty; None for text that is neither Naik nor Turun."""
    text = " ".join(str(value or "").split()).casefold()
    if not text:
        return layout.ARAH_NAIK
    return next((a for a in layout.ARAH if a.casefold() == text), None)


def key_text(value: Any) -> str:
    """How indicators and codes are matched between the plan and the realisasi."""
    return " ".join(str(value if value is not None else "").split()).casefold()


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


class _Memo(dict):
    """fn(value) remembered per value: a plan repeats its codes, indicators and quarters."""

    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, value):
        out = self[value] = self.fn(value)
        return out


class _Numbers:
    """Parse numeric cells, noting each one that is not a number as a warning (the cell named).

    Numbers pass straight through (whole floats become int, so JSON shows 3, not 3.0); only
    text goes through the Indonesian number parser.
    """

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings

    def get(self, data, i: int, row, header: str) -> float | None:
        if header not in data.header:
            return None
        return self.at(data, i, row[data.col(header)], header)

    def at(self, data, i: int, value, header: str) -> float | None:
        kind = type(value)
        if kind is float:
            if value - value != 0:  # NaN or infinity (a numeral of thousands of digits reads as one)
                self.warnings.append(
                    f"Lembar '{data.spec.sheet}' sel {data.address(i, header)}: nilainya bukan angka yang sah "
                    "(tak hingga); sel ini tidak dihitung."
                )
                return None
            return int(value) if value.is_integer() else value
        if kind is int or value is None:
            return value
        if kind is str and not value.strip():
            return None
        if kind is bool:
            return None
        from .dpa.numbers import parse_number

        try:
            return parse_number(value)
        except (ValueError, ArithmeticError):
            self.warnings.append(
                f"Lembar '{data.spec.sheet}' sel {data.address(i, header)}: '{_text(value)}' bukan angka; "
                "sel ini tidak dihitung."
            )
            return None


# --------------------------------------------------------------------------- results
@dataclass
class AksiCapaian:
    kode_sub_kegiatan: str
    indikator_keluaran: str
    target: float | None
    realisasi: float | None
    capaian_persen: float | None
    fisik_target: float | None
    fisik_realisasi: float | None
    keuangan_rencana: float | None
    keuangan_realisasi: float | None
    serapan_persen: float | None
    deviasi_persen: float | None


@dataclass
class KinerjaCapaian:
    indikator_kinerja: str
    target: float | None
    realisasi: float | None
    capaian_persen: float | None


@dataclass
class QuarterSummary:
    """One row of tblCapaianTW: what the Capaian sheet's charts show (None: nothing to show)."""

    triwulan: int
    target_fisik: float | None = None  # pagu-weighted, per sub kegiatan
    realisasi_fisik: float | None = None
    capaian_rata_rata: float | None = None  # mean over indicators with a capaian
    rencana_serapan: float | None = None
    serapan: float | None = None
    deviasi: float | None = None

    def row(self) -> list:
        values = (
            self.target_fisik,
            self.realisasi_fisik,
            self.capaian_rata_rata,
            self.rencana_serapan,
            self.serapan,
            self.deviasi,
        )
        return [f"TW {layout.QUARTERS[self.triwulan - 1]}", *(round2(v) for v in values)]


@dataclass
class Capaian:
    file: str
    triwulan: int
    rencana_aksi: list[AksiCapaian] = field(default_factory=list)
    kinerja: list[KinerjaCapaian] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def quarter(self) -> str:
        return layout.QUARTERS[self.triwulan - 1]

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "triwulan": self.quarter,
            "rencana_aksi": [asdict(r) for r in self.rencana_aksi],
            "kinerja": [asdict(r) for r in self.kinerja],
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- the plan and its realisasi
NO_FIGURES = (None, None, None, None)


@dataclass
class _PlanRow:
    kode: str
    indikator: str
    arah: str
    targets: Any  # [TW I..IV]
    fisik: Any
    keuangan: Any
    pagu: float | None
    key: tuple = ()


@dataclass
class Book:
    """The four tables capaian reads, parsed once; `for_quarter` gives one quarter's capaian."""

    aksi: list[_PlanRow]
    kinerja: list[_PlanRow]
    real_aksi: dict[tuple[int, str, str], tuple]  # (Realisasi, Fisik, Keuangan s.d. TW)
    real_kinerja: dict[tuple[int, str], tuple]
    warnings: list[str]
    file: str = ""

    def quarters_with_realisasi(self) -> list[int]:
        found = {k[0] for k in self.real_aksi} | {k[0] for k in self.real_kinerja}
        return sorted(found)

    def latest_quarter(self) -> int | None:
        found = self.quarters_with_realisasi()
        return found[-1] if found else None

    def for_quarter(self, k: int) -> Capaian:
        """Capaian of quarter k (1..4), with the warnings of reading and of this quarter."""
        out = Capaian(self.file, k)
        mine: list[str] = []  # this quarter's; reading adds its own to self.warnings as cells are parsed
        q, i = layout.QUARTERS[k - 1], k - 1
        rows, real = out.rencana_aksi, self.real_aksi
        for p in self.aksi:
            r = real.get((k, *p.key))
            target, rencana = p.targets[i], p.keuangan[i]
            value, fisik, keu = (r[0], r[1], r[2]) if r is not None else (None, None, None)
            if value is not None and not target:
                mine.append(_no_target(f"Sub kegiatan {p.kode} indikator '{p.indikator}'", q, target))
            rows.append(
                AksiCapaian(
                    p.kode,
                    p.indikator,
                    target,
                    value,
                    round2(capaian_persen(target, value, p.arah)),
                    p.fisik[i],
                    fisik,
                    rencana,
                    keu,
                    round2(serapan_persen(keu, p.pagu)),
                    round2(deviasi_persen(keu, rencana, p.pagu)),
                )
            )
            if keu is not None and not p.pagu:
                mine.append(
                    f"Sub kegiatan {p.kode}: Pagu kosong atau 0, serapan dan deviasi TW {q} tidak dihitung."
                )
        for p in self.kinerja:
            r = self.real_kinerja.get((k, p.key[1]))
            target = p.targets[i]
            value = r[0] if r is not None else None
            if value is not None and not target:
                mine.append(_no_target(f"Indikator kinerja '{p.indikator}'", q, target))
            out.kinerja.append(
                KinerjaCapaian(p.indikator, target, value, round2(capaian_persen(target, value, p.arah)))
            )
        out.warnings = [*self.warnings, *mine]
        return out

    def summary(self, k: int) -> QuarterSummary:
        """The quarter's row of tblCapaianTW (fisik and money per sub kegiatan, counted once)."""
        out = QuarterSummary(k)
        if k not in self.quarters_with_realisasi():
            return out
        cap = self.for_quarter(k)
        values = [v for v in _capaian_values(cap) if v is not None]
        out.capaian_rata_rata = sum(values) / len(values) if values else None
        seen: set[str] = set()
        pagu = fisik_t = fisik_r = rencana = realisasi = 0.0
        for p, r in zip(self.aksi, cap.rencana_aksi):
            code = key_text(p.kode)
            if code in seen or not p.pagu:
                continue
            seen.add(code)
            pagu += p.pagu
            fisik_t += (r.fisik_target or 0) * p.pagu
            fisik_r += (r.fisik_realisasi or 0) * p.pagu
            rencana += r.keuangan_rencana or 0
            realisasi += r.keuangan_realisasi or 0
        if pagu:
            out.target_fisik, out.realisasi_fisik = fisik_t / pagu, fisik_r / pagu
            out.rencana_serapan, out.serapan = rencana / pagu * 100, realisasi / pagu * 100
            out.deviasi = (realisasi - rencana) / pagu * 100
        return out


def _no_target(what: str, q: str, target) -> str:
    why = "kosong" if target is None else "0"
    return f"{what}: target s.d. TW {q} {why}, capaian tidak dihitung (capaian hanya dihitung bila target lebih dari 0)."


def _plan_rows(data, numbers: _Numbers, kind: str, warnings: list[str]) -> list[_PlanRow]:
    out: list[_PlanRow] = []
    seen: dict[tuple, int] = {}
    aksi = kind == "aksi"
    col = {h: j for j, h in reversed(list(enumerate(data.header)))}  # the first of equal headers
    c_kode, c_ind, c_arah = col.get(H_KODE), col[H_IND if aksi else H_IND_K], col.get(layout.H_ARAH)
    targets = [(col.get(h), h) for h in layout.TARGET_TW]  # by quarter position (0 for TW I)
    fisik = [(col.get(h), h) for h in layout.FISIK_TW] if aksi else []
    keuangan = [(col.get(h), h) for h in layout.KEUANGAN_TW] if aksi else []
    c_pagu = col.get(layout.H_PAGU) if aksi else None
    at = numbers.at

    def figures(i, row, columns):
        return [None if j is None else at(data, i, row[j], h) for j, h in columns] if columns else NO_FIGURES

    for i, row in enumerate(data.rows):
        kode = _text(row[c_kode]) if aksi else ""
        indikator = _text(row[c_ind])
        if not indikator and not kode:
            continue
        raw_arah = row[c_arah] if c_arah is not None else None
        arah = arah_of(raw_arah)
        if arah is None:
            warnings.append(
                f"Lembar '{data.spec.sheet}' sel {data.address(i, layout.H_ARAH)}: Arah '{_text(raw_arah)}' "
                "tidak dikenal (pilih Naik atau Turun); dihitung sebagai Naik."
            )
            arah = layout.ARAH_NAIK
        key = (key_text(kode), key_text(indikator))
        if key in seen:
            warnings.append(
                f"Lembar '{data.spec.sheet}' baris {data.excel_rows[i]}: indikator '{indikator}'"
                + (f" sub kegiatan {kode}" if aksi else "")
                + f" sudah ada di baris {seen[key]}; baris ini tidak dihitung."
            )
            continue
        seen[key] = data.excel_rows[i]
        out.append(
            _PlanRow(
                kode,
                indikator,
                arah,
                figures(i, row, targets),
                figures(i, row, fisik),
                figures(i, row, keuangan),
                None if c_pagu is None else at(data, i, row[c_pagu], layout.H_PAGU),
                key,
            )
        )
    return out


def _realisasi_rows(
    data, numbers: _Numbers, plan_keys: set, aksi: bool, warnings: list[str], only: int | None = None
) -> dict:
    """(quarter, keys...) -> (Realisasi, Fisik, Keuangan s.d. TW); `only`: keep only that quarter's rows (the others are
    checked for a readable Triwulan only)."""
    out: dict = {}
    where: dict = {}
    keys, texts = _Memo(key_text), _Memo(_text)
    c_tw = data.col(layout.H_TRIWULAN)
    c_ind = data.col(H_IND if aksi else H_IND_K)
    c_kode = data.col(H_KODE) if aksi else None
    c_val = data.col(layout.H_REALISASI)
    c_fis = data.col(layout.H_REALISASI_FISIK) if aksi else None
    c_keu = data.col(layout.H_REALISASI_KEUANGAN) if aksi else None
    at = numbers.at
    rows = data.rows
    # each distinct Triwulan cell read once; then only the rows that matter are visited: those of
    # the quarter asked for (all, without `only`) and those whose Triwulan is unreadable (warned)
    tw_of = {
        raw: quarter_of(raw) if isinstance(raw, (str, int, float)) else None
        for raw in {r[c_tw] for r in rows}
    }
    visit = [i for i, r in enumerate(rows) if only is None or tw_of[r[c_tw]] in (only, None)]
    for i in visit:
        row = rows[i]
        raw_tw = row[c_tw]
        k = tw_of[raw_tw]
        if k is None:
            label = f"Lembar '{data.spec.sheet}' baris {data.excel_rows[i]}"
            warnings.append(
                f"{label} (sel {data.address(i, layout.H_TRIWULAN)}): Triwulan '{_text(raw_tw)}' tidak dikenal "
                "(tulis I, II, III atau IV); baris ini tidak dihitung."
            )
            continue
        if only is not None and k != only:
            continue
        raw_ind = row[c_ind]
        ind_key = keys[raw_ind] if isinstance(raw_ind, str) else key_text(raw_ind)
        key: tuple
        if aksi:
            raw_kode = row[c_kode]
            key = (k, keys[raw_kode] if isinstance(raw_kode, str) else key_text(raw_kode), ind_key)
        else:
            key = (k, ind_key)
        if key[1:] not in plan_keys:
            label = f"Lembar '{data.spec.sheet}' baris {data.excel_rows[i]}"
            indikator = texts[raw_ind] if isinstance(raw_ind, str) else _text(raw_ind)
            what = (
                f"sub kegiatan {_text(row[c_kode])} indikator '{indikator}'"
                if aksi
                else f"indikator '{indikator}'"
            )
            warnings.append(f"{label}: {what} tidak ada di rencana; baris ini tidak dihitung.")
            continue
        if key in out:
            label = f"Lembar '{data.spec.sheet}' baris {data.excel_rows[i]}"
            warnings.append(
                f"{label}: realisasi TW {layout.QUARTERS[k - 1]} untuk indikator '{_text(raw_ind)}' sudah ada di "
                f"baris {where[key]}; baris ini tidak dihitung."
            )
            continue
        where[key] = data.excel_rows[i]
        out[key] = (
            at(data, i, row[c_val], layout.H_REALISASI),
            None if c_fis is None else at(data, i, row[c_fis], layout.H_REALISASI_FISIK),
            None if c_keu is None else at(data, i, row[c_keu], layout.H_REALISASI_KEUANGAN),
        )
    return out


@dataclass
class Plan:
    """The plan's two tables parsed (rencana aksi and kinerja), waiting for the realisasi."""

    aksi: list[_PlanRow]
    kinerja: list[_PlanRow]
    numbers: _Numbers
    warnings: list[str]

    @classmethod
    def of(cls, rencana, kinerja) -> Plan:
        warnings: list[str] = []
        numbers = _Numbers(warnings)
        aksi = _plan_rows(rencana, numbers, "aksi", warnings)
        return cls(aksi, _plan_rows(kinerja, numbers, "kinerja", warnings), numbers, warnings)

    def with_realisasi(self, real_aksi, real_kinerja, file: str = "", only: int | None = None) -> Book:
        """The Book; `only`: the realisasi of that quarter only (what one report needs)."""
        w, n = self.warnings, self.numbers
        ra = _realisasi_rows(real_aksi, n, {p.key for p in self.aksi}, True, w, only)
        rk = _realisasi_rows(real_kinerja, n, {(p.key[1],) for p in self.kinerja}, False, w, only)
        return Book(self.aksi, self.kinerja, ra, rk, w, file)


def book_of_tables(
    rencana, kinerja, real_aksi, real_kinerja, file: str = "", only: int | None = None
) -> Book:
    """The four tables parsed; `only`: the realisasi of that quarter only (what one report needs)."""
    return Plan.of(rencana, kinerja).with_realisasi(real_aksi, real_kinerja, file, only)


def quarters_present(real_aksi, real_kinerja) -> list[int]:
    """The quarters the realisasi tables hold rows of (readable Triwulan cells only)."""
    found: set[int | None] = set()
    for data in (real_aksi, real_kinerja):
        col = data.col(layout.H_TRIWULAN)
        for value in {r[col] for r in data.rows if isinstance(r[col], (str, int, float))}:
            found.add(quarter_of(value))
    return sorted(k for k in found if k is not None)


READ_TABLES = (
    layout.TBL_RENCANA,
    layout.TBL_KINERJA,
    layout.TBL_REALISASI_AKSI,
    layout.TBL_REALISASI_KINERJA,
)
SHEETS_READ = tuple(dict.fromkeys(layout.table(t).sheet for t in READ_TABLES))


def read_book(book, file: str = "") -> Book:
    from . import tables

    rencana, kinerja, real_aksi, real_kinerja = (tables.read_table(book, name) for name in READ_TABLES)
    return book_of_tables(rencana, kinerja, real_aksi, real_kinerja, file=file)


def choose_quarter(data: Book | list[int], tw: Any) -> int:
    """The quarter asked for (I..IV), else the latest one with any realisasi (`data`: a Book or
    the quarters present); InputError if none."""
    if tw not in (None, ""):
        k = quarter_of(tw)
        if k is None:
            raise InputError(f"Triwulan '{tw}' tidak dikenal: tulis I, II, III atau IV.")
        return k
    present = data if isinstance(data, list) else data.quarters_with_realisasi()
    k = present[-1] if present else None
    if k is None:
        raise InputError(
            f"Belum ada realisasi di tabel {layout.TBL_REALISASI_AKSI} (lembar '{layout.SHEET_REALISASI_AKSI}') "
            f"maupun {layout.TBL_REALISASI_KINERJA} (lembar '{layout.SHEET_REALISASI_KINERJA}'). Isi realisasi "
            "triwulan lebih dulu, atau sebut triwulannya dengan --tw."
        )
    return k


# --------------------------------------------------------------------------- the Capaian sheet
def write_capaian_sheet(book, data: Book, k: int) -> Capaian:
    """tblCapaianTW (the charts' source, all four quarters), tblCapaianAksi/Kinerja for quarter k."""
    from . import tables

    cap = data.for_quarter(k)
    tables.write_table(book, layout.TBL_CAPAIAN_TW, [data.summary(q).row() for q in range(1, 5)])
    tables.write_table(
        book,
        layout.TBL_CAPAIAN_AKSI,
        [
            [
                r.kode_sub_kegiatan,
                r.indikator_keluaran,
                r.target,
                r.realisasi,
                r.capaian_persen,
                r.fisik_target,
                r.fisik_realisasi,
                r.keuangan_rencana,
                r.keuangan_realisasi,
                r.serapan_persen,
                r.deviasi_persen,
            ]
            for r in cap.rencana_aksi
        ],
    )
    tables.write_table(
        book,
        layout.TBL_CAPAIAN_KINERJA,
        [[r.indikator_kinerja, r.target, r.realisasi, r.capaian_persen] for r in cap.kinerja],
    )
    tables.named_range(book, "nmCapaianTriwulan").value = f"TW {cap.quarter}"
    return cap


def hitung_capaian_body(book, ctx) -> str:
    """'Hitung Capaian': fill the Capaian sheet for the chosen (or latest) quarter."""
    data = read_book(book)
    k = choose_quarter(data, (ctx.fields or {}).get("tw") if ctx is not None else None)
    cap = write_capaian_sheet(book, data, k)
    return summary_text(cap)


def _capaian_values(cap: Capaian) -> list:
    """Capaian (%) of every rencana aksi row, then of every kinerja row (None where not counted)."""
    return [r.capaian_persen for r in cap.rencana_aksi] + [r.capaian_persen for r in cap.kinerja]


def summary_text(cap: Capaian) -> str:
    counted = [v for v in _capaian_values(cap) if v is not None]
    under = sum(1 for v in counted if v < 100)
    text = (
        f"Capaian TW {cap.quarter} dihitung: {len(cap.rencana_aksi)} indikator keluaran, {len(cap.kinerja)} "
        f"indikator kinerja; {len(counted)} memiliki capaian, {under} di bawah 100%."
    )
    if cap.warnings:
        text += f" {len(cap.warnings)} peringatan (lihat 'renaksi-xl capaian')."
    return text


# --------------------------------------------------------------------------- the command
def capaian_file(path, tw: Any = None) -> Capaian:
    """What `renaksi-xl capaian` computes for one workbook file (the plan is parsed while
    python-calamine still reads the realisasi sheets)."""
    from pathlib import Path

    from .table_reader import open_tables

    with open_tables(path, READ_TABLES) as found:
        plan = Plan.of(found[layout.TBL_RENCANA], found[layout.TBL_KINERJA])
        real_aksi, real_kinerja = found[layout.TBL_REALISASI_AKSI], found[layout.TBL_REALISASI_KINERJA]
    k = choose_quarter(quarters_present(real_aksi, real_kinerja), tw)
    return plan.with_realisasi(real_aksi, real_kinerja, file=Path(path).name, only=k).for_quarter(k)


def _num(value) -> str:
    from .dpa.numbers import format_number

    return "-" if value is None else format_number(value)


def _pct(value) -> str:
    return "-" if value is None else f"{value:.2f}".replace(".", ",") + "%"


def render_text(cap: Capaian) -> str:
    lines = [f"Capaian Rencana Aksi TW {cap.quarter}: {cap.file}"]
    lines.append("Rencana aksi (target | realisasi | capaian | fisik target/realisasi | serapan | deviasi):")
    for r in cap.rencana_aksi:
        lines.append(
            f"- {r.kode_sub_kegiatan} {r.indikator_keluaran}: {_num(r.target)} | {_num(r.realisasi)} | "
            f"{_pct(r.capaian_persen)} | fisik {_num(r.fisik_target)}/{_num(r.fisik_realisasi)}% | "
            f"serapan {_pct(r.serapan_persen)} | deviasi {_pct(r.deviasi_persen)}"
        )
    if cap.kinerja:
        lines.append("Kinerja (target | realisasi | capaian):")
        for ik in cap.kinerja:
            lines.append(
                f"- {ik.indikator_kinerja}: {_num(ik.target)} | {_num(ik.realisasi)} | {_pct(ik.capaian_persen)}"
            )
    for w in cap.warnings:
        lines.append(f"Peringatan: {w}")
    return "\n".join(lines)


def cmd_capaian(args) -> int:
    """`renaksi-xl capaian BOOK [--tw I|II|III|IV] [--json]`: 0 done, 2 unusable."""
    cap = capaian_file(args.book, getattr(args, "tw", None))
    if getattr(args, "json", False):
        print(json.dumps(cap.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text(cap))
    sys.stdout.flush()
    return 0


__all__ = [
    "capaian_persen",
    "serapan_persen",
    "deviasi_persen",
    "round2",
    "quarter_of",
    "arah_of",
    "Book",
    "Capaian",
    "book_of_tables",
    "read_book",
    "choose_quarter",
    "write_capaian_sheet",
    "hitung_capaian_body",
    "capaian_file",
    "cmd_capaian",
]
