"""Rules for the realisasi tables (tblRealisasiAksi, tblRealisasiKinerja), as tables like checks.py.

The rows are joined to the plan by (Kode Sub Kegiatan, Indikator Keluaran) or by
Indikator Kinerja, and to the same indicator's row of the previous quarter, in
numpy columns starting with '_' (`_join`); the rules read them.  Capaian comes
from renaksi_xl.capaian: one definition everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from renaksi_xl import capaian, layout
from renaksi_xl.layout import (
    H_BUKTI,
    H_INDIKATOR_KELUARAN,
    H_INDIKATOR_KINERJA,
    H_KODE_SUB,
    H_PENGHAMBAT,
    H_REALISASI,
    H_REALISASI_FISIK,
    H_REALISASI_KEUANGAN,
    H_TRIWULAN,
)
from renaksi_xl.tables import TableData

from . import cells
from .cells import angka, persen, rupiah, shown
from .engine import CellRule, Env, Prepared, Row, ValueRule, not_less, prepare, run_table
from .rules import Finding

AKSI_NUMBERS = (H_REALISASI, H_REALISASI_FISIK)
AKSI_MONEY = (H_REALISASI_KEUANGAN,)
AKSI_TEXTS = (H_TRIWULAN, H_KODE_SUB, H_INDIKATOR_KELUARAN)
KINERJA_TEXTS = (H_TRIWULAN, H_INDIKATOR_KINERJA)
LINK = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
PREVIOUS = {
    H_REALISASI: "_prev_realisasi",
    H_REALISASI_FISIK: "_prev_fisik",
    H_REALISASI_KEUANGAN: "_prev_keuangan",
}


@dataclass
class RealisasiEnv(Env):
    """What the cell rules need besides the column: where capaian is under 100%."""

    under_target: np.ndarray | None = None
    quarter_known: np.ndarray | None = None


# --------------------------------------------------------------------------- cell tests
def _quarter_known(s: np.ndarray, env: Env) -> np.ndarray:
    return np.array([capaian.quarter_of(v) is not None for v in s.tolist()], dtype=bool)


def _penghambat_when_under(s: np.ndarray, env: Env) -> np.ndarray:
    # validate_realisasi runs these rules with a RealisasiEnv that has under_target
    assert isinstance(env, RealisasiEnv) and env.under_target is not None
    return ~env.under_target | ~cells.is_blank(s)


def _bukti_link(s: np.ndarray, env: Env) -> np.ndarray:
    return np.array(
        [isinstance(v, str) and LINK.match(v.strip()) is not None for v in s.tolist()], dtype=bool
    )


# --------------------------------------------------------------------------- value tests
def _in_plan(v, c: str) -> np.ndarray:
    return v["_di_rencana"]


def _not_decreasing(v, c: str) -> np.ndarray:
    ok = not_less(v[c], v[PREVIOUS[c]])
    if c == H_REALISASI:  # only a Kumulatif target is written cumulatively
        ok |= v["_sifat"] != "Kumulatif"
    return ok


def _percent_range(v, c: str) -> np.ndarray:
    return ~((v[c] < 0) | (v[c] > 100))


def _within_pagu(v, c: str) -> np.ndarray:
    return not_less(v["_pagu"], v[c])


def _first(v, c: str) -> np.ndarray:
    return v["_pertama"]


# --------------------------------------------------------------------------- messages
def _label(row: Row) -> str:
    tw = row.val(H_TRIWULAN)
    if H_KODE_SUB in row.p.values:
        return f"Realisasi TW {tw} sub kegiatan {row.val(H_KODE_SUB)} indikator '{row.val(H_INDIKATOR_KELUARAN)}'"
    return f"Realisasi TW {tw} indikator kinerja '{row.val(H_INDIKATOR_KINERJA)}'"


def _figure(column: str, value) -> str:
    if column == H_REALISASI_KEUANGAN:
        return rupiah(value)
    if column == H_REALISASI_FISIK:
        return persen(value)
    return angka(value)


def _m_triwulan(row: Row) -> str:
    return f"Baris {row.excel_row}: Triwulan {shown(row.raw())} tidak dikenal. Tulis I, II, III atau IV."


def _m_tidak_di_rencana(row: Row) -> str:
    return (
        f"{_label(row)} tidak ada di rencana (lembar '{row.p.data.spec.name}'). Samakan kode dan indikator "
        "persis dengan Rencana Aksi/Kinerja."
    )


def _m_ganda(row: Row) -> str:
    return f"{_label(row)} tercantum dua kali. Hapus salah satu baris."


def _m_menurun(row: Row) -> str:
    prev = row.val(PREVIOUS[row.col])
    return (
        f"{_label(row)}: '{row.col}' {_figure(row.col, row.val())} lebih kecil dari triwulan sebelumnya "
        f"({_figure(row.col, prev)}). Realisasi ditulis kumulatif (s.d. TW), jadi tidak boleh turun."
    )


def _m_fisik(row: Row) -> str:
    return f"{_label(row)}: realisasi fisik {persen(row.val())} di luar 0 sampai 100%. Tulis persen 0 sampai 100."


def _m_pagu(row: Row) -> str:
    return (
        f"{_label(row)}: realisasi keuangan {rupiah(row.val())} melebihi Pagu {rupiah(row.val('_pagu'))}. "
        "Periksa angkanya dengan laporan realisasi SIPD."
    )


def _m_penghambat(row: Row) -> str:
    value = row.p.values["_capaian"][row.i]
    return (
        f"{_label(row)}: capaian {persen(capaian.round2(value))} di bawah 100%, tetapi Faktor Penghambat "
        "belum diisi. Tuliskan apa yang menghambat (dan Tindak Lanjut-nya)."
    )


def _m_bukti(row: Row) -> str:
    raw = row.raw()
    what = "belum diisi" if cells.clean_text(raw) is None else f"{shown(raw)} bukan tautan (http://...)"
    return f"{_label(row)}: Bukti Dukung {what}. Tempelkan tautan dokumen pendukung (mis. folder bersama)."


def _m_kosong(row: Row) -> str:
    return f"{_label(row)}: kolom '{row.col}' berisi {shown(row.raw())}, bukan angka. Ketik angkanya saja."


def _m_berupa_teks(row: Row) -> str:
    return (
        f"{_label(row)}: kolom '{row.col}' berisi teks {shown(row.raw())}, terbaca sebagai "
        f"{_figure(row.col, row.val())}. Ketik ulang sebagai angka."
    )


# --------------------------------------------------------------------------- the rule tables
def _common(numeric: tuple[str, ...]) -> tuple[CellRule, ...]:
    return (
        CellRule("REALISASI_TRIWULAN_TIDAK_DIKENAL", (H_TRIWULAN,), _quarter_known, _m_triwulan),
        CellRule("NILAI_BUKAN_ANGKA", numeric, lambda s, env: s != int(cells.NOT_NUMBER), _m_kosong),
        CellRule("NILAI_BERUPA_TEKS", numeric, lambda s, env: s != int(cells.NUMERIC_TEXT), _m_berupa_teks),
        CellRule("PENGHAMBAT_KOSONG", (H_PENGHAMBAT,), _penghambat_when_under, _m_penghambat),
        CellRule("BUKTI_DUKUNG_KOSONG", (H_BUKTI,), _bukti_link, _m_bukti),
    )


AKSI_CELL_RULES = _common((*AKSI_NUMBERS, *AKSI_MONEY))
KINERJA_CELL_RULES = _common((H_REALISASI,))
AKSI_VALUE_RULES = (
    ValueRule("REALISASI_TIDAK_ADA_DI_RENCANA", (H_INDIKATOR_KELUARAN,), _in_plan, _m_tidak_di_rencana),
    ValueRule("REALISASI_GANDA", (H_INDIKATOR_KELUARAN,), _first, _m_ganda),
    ValueRule(
        "REALISASI_MENURUN",
        (H_REALISASI, H_REALISASI_FISIK, H_REALISASI_KEUANGAN),
        _not_decreasing,
        _m_menurun,
    ),
    ValueRule("REALISASI_FISIK_DI_LUAR_RENTANG", (H_REALISASI_FISIK,), _percent_range, _m_fisik),
    ValueRule("REALISASI_KEUANGAN_MELEBIHI_PAGU", (H_REALISASI_KEUANGAN,), _within_pagu, _m_pagu),
)
KINERJA_VALUE_RULES = (
    ValueRule("REALISASI_TIDAK_ADA_DI_RENCANA", (H_INDIKATOR_KINERJA,), _in_plan, _m_tidak_di_rencana),
    ValueRule("REALISASI_GANDA", (H_INDIKATOR_KINERJA,), _first, _m_ganda),
    ValueRule("REALISASI_MENURUN", (H_REALISASI,), _not_decreasing, _m_menurun),
)


# --------------------------------------------------------------------------- the join
def _join(p: Prepared, plan: dict, aksi: bool) -> np.ndarray:
    """Plan figures, the previous quarter's realisasi and capaian per row; returns 'under 100%'."""
    n = len(p)
    v = p.values
    quarters = [capaian.quarter_of(t) for t in p.grid[:, p.col[H_TRIWULAN]].tolist()] if n else []
    inds = [
        capaian.key_text(x)
        for x in p.grid[:, p.col[H_INDIKATOR_KELUARAN if aksi else H_INDIKATOR_KINERJA]].tolist()
    ]
    codes = [capaian.key_text(x) for x in p.grid[:, p.col[H_KODE_SUB]].tolist()] if aksi else [""] * n
    keys = list(zip(codes, inds))
    nan = np.full(n, np.nan)
    for name in ("_pagu", "_capaian", "_prev_realisasi", "_prev_fisik", "_prev_keuangan"):
        v[name] = nan.copy()
    v["_sifat"] = np.array([None] * n, dtype=object)
    v["_di_rencana"] = np.ones(n, dtype=bool)
    v["_pertama"] = np.ones(n, dtype=bool)
    position: dict[tuple, int] = {}
    for i, (q, key) in enumerate(zip(quarters, keys)):
        if q is None:
            continue
        if (q, key) in position:
            v["_pertama"][i] = False
            continue
        position[(q, key)] = i
    columns = (H_REALISASI, H_REALISASI_FISIK, H_REALISASI_KEUANGAN) if aksi else (H_REALISASI,)
    for i, (q, key) in enumerate(zip(quarters, keys)):
        planned = plan.get(key)
        if planned is None:
            v["_di_rencana"][i] = False
            continue
        if q is None:
            continue
        v["_sifat"][i] = planned["sifat"]
        v["_pagu"][i] = planned["pagu"] if planned["pagu"] is not None else np.nan
        value = v[H_REALISASI][i]
        result = capaian.capaian_persen(
            planned["targets"][q - 1], None if np.isnan(value) else value, planned["arah"]
        )
        v["_capaian"][i] = np.nan if result is None else result
        previous = next((position[(k, key)] for k in range(q - 1, 0, -1) if (k, key) in position), None)
        if previous is not None:
            for c in columns:
                v[PREVIOUS[c]][i] = v[c][previous]
    with np.errstate(invalid="ignore"):
        return v["_capaian"] < 100


def _plan_index(rencana: TableData, kinerja: TableData, aksi: bool) -> dict:
    """(kode, indikator) -> sifat, arah, targets, pagu; the capaian module reads the same cells."""
    data = capaian.book_of_tables(
        rencana, kinerja, _empty(layout.TBL_REALISASI_AKSI), _empty(layout.TBL_REALISASI_KINERJA)
    )
    rows = data.aksi if aksi else data.kinerja
    source = rencana if aksi else kinerja
    sifat_by_key: dict[tuple, str | None] = {}
    h_ind = H_INDIKATOR_KELUARAN if aksi else H_INDIKATOR_KINERJA
    for row in source.rows:
        kode = capaian.key_text(row[source.col(H_KODE_SUB)]) if aksi else ""
        key = (kode, capaian.key_text(row[source.col(h_ind)]))
        sifat_by_key.setdefault(key, cells.sifat_target(row[source.col(layout.H_SIFAT_TARGET)]))
    out = {}
    for r in rows:
        key = (capaian.key_text(r.kode) if aksi else "", capaian.key_text(r.indikator))
        out[key] = {"sifat": sifat_by_key.get(key), "arah": r.arah, "targets": r.targets, "pagu": r.pagu}
    return out


def _empty(name: str) -> TableData:
    spec = layout.table(name)
    return TableData(spec, spec.headers, [], [], spec.first_col)


def validate_realisasi(
    rencana: TableData,
    kinerja: TableData,
    real_aksi: TableData,
    real_kinerja: TableData,
    upto: int | None = None,
) -> list[Finding]:
    """Findings of the realisasi tables (only rows of quarters <= `upto` when given)."""
    findings: list[Finding] = []
    for data, aksi in ((real_aksi, True), (real_kinerja, False)):
        if not data.rows:
            continue
        if upto is not None:
            data = _quarters_upto(data, upto)
        p = prepare(
            data,
            AKSI_MONEY if aksi else (),
            AKSI_NUMBERS if aksi else (H_REALISASI,),
            AKSI_TEXTS if aksi else KINERJA_TEXTS,
        )
        under = _join(p, _plan_index(rencana, kinerja, aksi), aksi)
        env = RealisasiEnv(under_target=under)
        findings += run_table(
            p,
            AKSI_CELL_RULES if aksi else KINERJA_CELL_RULES,
            AKSI_VALUE_RULES if aksi else KINERJA_VALUE_RULES,
            env,
        )
    return findings


def _quarters_upto(data: TableData, upto: int) -> TableData:
    col = data.col(H_TRIWULAN)
    keep = [i for i, r in enumerate(data.rows) if (capaian.quarter_of(r[col]) or 0) <= upto]
    return TableData(
        data.spec,
        data.header,
        [data.rows[i] for i in keep],
        [data.excel_rows[i] for i in keep],
        data.first_col,
    )


def realisasi_book(book, upto: int | None = None) -> list[Finding]:
    from renaksi_xl import tables

    rencana, kinerja, real_aksi, real_kinerja = (
        tables.read_table(book, name) for name in capaian.READ_TABLES
    )
    return validate_realisasi(rencana, kinerja, real_aksi, real_kinerja, upto=upto)


# The rule ids only the realisasi tables produce (the cell-content ids are shared with the plan).
RULE_IDS = frozenset(
    {r.rule for r in (*AKSI_CELL_RULES, *KINERJA_CELL_RULES)}
    | {r.rule for r in (*AKSI_VALUE_RULES, *KINERJA_VALUE_RULES)}
) - {"NILAI_BUKAN_ANGKA", "NILAI_BERUPA_TEKS"}

__all__ = ["validate_realisasi", "realisasi_book", "RULE_IDS"]
