"""The rules, as tables: which rule looks at which columns, what is fine, what to tell staff.

Read top to bottom, this file is the specification of the validator
(docs/aturan-validasi.md explains the same rules to staff).  `engine.py` turns
these tables into pandera schemas; nothing here runs a check by itself.
"""

from __future__ import annotations

import numpy as np

from renaksi_xl import capaian, layout
from renaksi_xl.layout import (
    FISIK_TW,
    H_ARAH,
    H_INDIKATOR_KELUARAN,
    H_INDIKATOR_KINERJA,
    H_KODE_SUB,
    H_PAGU,
    H_PENANGGUNG_JAWAB,
    H_SATUAN,
    H_SIFAT_TARGET,
    H_SUB_KEGIATAN,
    H_TARGET_TAHUNAN,
    KEUANGAN_TW,
    MONTHS,
    QUARTERS,
    TARGET_TW,
)

from . import cells
from .cells import angka, persen, rupiah, shown
from .engine import CellRule, Env, Row, TableRule, Tables, ValueRule, not_less, numeric_equal
from .rules import RULES, Finding

Values = dict[str, np.ndarray]

# --------------------------------------------------------------------------- column groups
DPA_MONEY = (H_PAGU, *MONTHS)
DPA_NUMBERS = (layout.H_TARGET_KELUARAN,)
RENCANA_MONEY = (H_PAGU, *KEUANGAN_TW)
RENCANA_NUMBERS = (H_TARGET_TAHUNAN, *TARGET_TW, *FISIK_TW)
KINERJA_NUMBERS = (H_TARGET_TAHUNAN, *TARGET_TW)
# Text columns the rules and messages read as values (stripped); the others are read as written.
DPA_TEXTS = (H_KODE_SUB, H_SUB_KEGIATAN)
RENCANA_TEXTS = (H_KODE_SUB, H_SUB_KEGIATAN, H_SATUAN)
KINERJA_TEXTS = (H_INDIKATOR_KINERJA, H_SATUAN)

# "s.d. TW II" for every quarterly column, and the column of the quarter before.
QUARTER_OF = {
    c: f"s.d. TW {q}" for group in (TARGET_TW, FISIK_TW, KEUANGAN_TW) for c, q in zip(group, QUARTERS)
}
PREVIOUS = {c: group[i - 1] for group in (TARGET_TW, FISIK_TW, KEUANGAN_TW) for i, c in enumerate(group) if i}
# The cash plan up to the end of each quarter: Maret, Juni, September.
CASH_UNTIL = {KEUANGAN_TW[i]: (f"_kas_tw{i + 1}", MONTHS[3 * i + 2]) for i in range(3)}


# --------------------------------------------------------------------------- cell tests
# A cell test sees one column of cells (a 1-D numpy array) and says, per cell, whether it is fine.
def _filled(s: np.ndarray, env: Env) -> np.ndarray:
    return ~cells.is_blank(s)


def _not_kind(kind: cells.Kind):
    """For numeric columns, whose cells the cell rules see as their kind."""
    code = int(kind)  # a plain int: numpy compares an IntEnum through slow attribute lookups

    def ok(s: np.ndarray, env: Env) -> np.ndarray:
        return s != code

    return ok


def _kode_well_formed(s: np.ndarray, env: Env) -> np.ndarray:
    match = cells.KODE_PATTERN.match
    return np.array([isinstance(v, str) and match(v.strip()) is not None for v in s.tolist()], dtype=bool)


def _first_occurrence(s: np.ndarray, env: Env) -> np.ndarray:
    """A code seen before is a duplicate, unless it continues the rows right above it: a sub
    kegiatan with several Keluaran indicators has one row per indicator, one below the other."""
    seen: set[str] = set()
    ok = []
    previous = None
    for code in cells.clean_texts(s).tolist():
        ok.append(code is None or code not in seen or code == previous)
        seen.add(code)
        previous = code
    return np.array(ok, dtype=bool)


def _sifat_known(s: np.ndarray, env: Env) -> np.ndarray:
    return ~cells.missing(cells.sifat_targets(s))


def _arah_known(s: np.ndarray, env: Env) -> np.ndarray:
    return np.array([capaian.arah_of(v) is not None for v in s.tolist()], dtype=bool)


def _official(s: np.ndarray, env: Env) -> np.ndarray:
    officials = env.officials
    return np.array(
        [name is None or name in officials for name in cells.normalize_names(s).tolist()], dtype=bool
    )


# --------------------------------------------------------------------------- value tests
# A value test sees the table's values (header -> 1-D numpy array, one position per row) and
# says, per cell of column `c`, whether it is fine.
def _positive(v: Values, c: str) -> np.ndarray:
    return ~(v[c] <= 0)


def _not_negative(v: Values, c: str) -> np.ndarray:
    return ~(v[c] < 0)


def _percent_range(v: Values, c: str) -> np.ndarray:
    return ~((v[c] < 0) | (v[c] > 100))


def _cumulative(v: Values, c: str) -> np.ndarray:
    return not_less(v[c], v[PREVIOUS[c]])


def _cumulative_if_kumulatif(v: Values, c: str) -> np.ndarray:
    return (v[H_SIFAT_TARGET] != "Kumulatif") | _cumulative(v, c)


def _tw4_is_annual(v: Values, c: str) -> np.ndarray:
    sifat = v[H_SIFAT_TARGET]
    applies = (sifat == "Kumulatif") | (sifat == "Akhir Tahun")
    return ~applies | numeric_equal(v[c], v[H_TARGET_TAHUNAN], 1e-6)


def _is_100(v: Values, c: str) -> np.ndarray:
    return numeric_equal(v[c], 100.0, 1e-6)


def _is_pagu(v: Values, c: str) -> np.ndarray:
    return numeric_equal(v[c], v[H_PAGU])


def _in_dpa(v: Values, c: str) -> np.ndarray:
    return v["_di_dpa"]


def _in_rencana(v: Values, c: str) -> np.ndarray:
    return v["_di_rencana"]


def _pagu_as_dpa(v: Values, c: str) -> np.ndarray:
    return numeric_equal(v[c], v["_dpa_pagu"])


def _cash_as_pagu(v: Values, c: str) -> np.ndarray:
    return ~v["_kas_kosong"] & numeric_equal(v["_kas_total"], v[c])


def _finance_as_cash(v: Values, c: str) -> np.ndarray:
    return numeric_equal(v[c], v[CASH_UNTIL[c][0]])


def _name_as_dpa(v: Values, c: str) -> np.ndarray:
    ours, theirs = v[c], v["_dpa_nama"]
    ok = cells.missing(theirs) | cells.same_text(ours, theirs)  # the same text: the same name
    rest = np.flatnonzero(~ok)
    if len(rest):
        ok[rest] = cells.same_text(cells.normalize_names(ours[rest]), cells.normalize_names(theirs[rest]))
    return ok


# --------------------------------------------------------------------------- messages
def _example(row: Row) -> str:
    kind = row.p.data.spec.column(row.col).kind
    if kind == layout.MONEY:
        return "mis. 1250000 untuk Rp 1.250.000"
    if kind == layout.PERCENT:
        return "mis. 25 untuk 25%"
    return "mis. 12"


def _figure(row: Row, value) -> str:
    kind = row.p.data.spec.column(row.col).kind
    if kind == layout.MONEY:
        return rupiah(value)
    if kind == layout.PERCENT:
        return persen(value)
    return angka(value)


def _m_kosong(row: Row) -> str:
    return f"{row.label}: kolom '{row.col}' kosong. Isi dengan angka (tulis 0 bila memang nol)."


def _m_bukan_angka(row: Row) -> str:
    raw = row.raw()
    if isinstance(raw, str) and raw.strip().startswith("#"):
        what = f"galat rumus {shown(raw)}"
    else:
        what = f"{shown(raw)}, bukan angka"
    return f"{row.label}: kolom '{row.col}' berisi {what}. Ketik angkanya saja ({_example(row)})."


def _m_berupa_teks(row: Row) -> str:
    return (
        f"{row.label}: kolom '{row.col}' berisi teks {shown(row.raw())}, terbaca sebagai "
        f"{_figure(row, row.val())}, tetapi Excel tidak menjumlahkan sel teks. Ketik ulang sebagai angka."
    )


def _m_kode_format(row: Row) -> str:
    raw = row.raw()
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return f"{row.label}: Kode Sub Kegiatan kosong. Isi sesuai DPA, mis. 7.01.01.2.01.0001."
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return (
            f"{row.label}: Kode Sub Kegiatan {shown(raw)} tersimpan sebagai angka (diubah spreadsheet). "
            "Ketik ulang sebagai teks berbentuk d.dd.dd.d.dd.dddd, mis. 7.01.01.2.01.0001."
        )
    return (
        f"{row.label}: Kode Sub Kegiatan {shown(raw)} tidak berbentuk d.dd.dd.d.dd.dddd "
        "(mis. 7.01.01.2.01.0001). Salin kode persis dari DPA."
    )


def _m_kode_ganda(row: Row) -> str:
    first = row.p.first_row.get(row.kode or "")
    return (
        f"{row.label} tercantum dua kali di lembar '{row.p.sheet}': sudah ada di baris {first}. "
        "Hapus baris ganda ini atau gabungkan isinya."
    )


def _m_dpa_tidak_ada(row: Row) -> str:
    return (
        f"{row.label} (Pagu {rupiah(row.val(H_PAGU))}) ada di DPA tetapi tidak ada di Rencana Aksi. "
        "Jalankan 'Susun Draft' atau tambahkan barisnya."
    )


def _m_dpa_tambahan(row: Row) -> str:
    return (
        f"{row.label} ada di Rencana Aksi tetapi tidak ada di tabel DPA. Periksa kodenya, "
        "atau hapus baris ini bila sub kegiatan itu tidak dianggarkan."
    )


def _m_nama_beda(row: Row) -> str:
    return (
        f"Sub kegiatan {row.kode}: nama di Rencana Aksi {shown(row.raw())} berbeda dengan nama di DPA "
        f"'{row.val('_dpa_nama')}'. Samakan dengan DPA."
    )


def _m_indikator(row: Row) -> str:
    return f"{row.label}: kolom '{row.col}' belum diisi. Tulis indikator yang diukur."


def _diff(a, b) -> str:
    return rupiah(None if a is None or b is None else a - b)


def _m_pagu_beda(row: Row) -> str:
    ours, theirs = row.val(), row.val("_dpa_pagu")
    return (
        f"{row.label}: Pagu di Rencana Aksi {rupiah(ours)} berbeda dengan Pagu DPA {rupiah(theirs)} "
        f"(selisih {_diff(ours, theirs)}). Samakan dengan DPA."
    )


def _m_kas_beda_pagu(row: Row) -> str:
    pagu = row.val()
    if row.val("_kas_kosong"):
        return (
            f"{row.label}: anggaran kas bulanan (Januari sampai Desember) di DPA belum diisi; "
            f"Pagu {rupiah(pagu)}. Isi dari Anggaran Kas agar target keuangan bisa dicocokkan."
        )
    kas = row.val("_kas_total")
    return (
        f"{row.label}: jumlah anggaran kas Januari sampai Desember {rupiah(kas)} berbeda dengan Pagu DPA "
        f"{rupiah(pagu)} (selisih {_diff(kas, pagu)}). Periksa Anggaran Kas di DPA."
    )


def _m_keuangan_negatif(row: Row) -> str:
    return f"{row.label}: target keuangan {QUARTER_OF[row.col]} bernilai negatif ({rupiah(row.val())})."


def _m_keuangan_turun(row: Row) -> str:
    prev = PREVIOUS[row.col]
    return (
        f"{row.label}: target keuangan {QUARTER_OF[row.col]} {rupiah(row.val())} lebih kecil dari "
        f"{QUARTER_OF[prev]} {rupiah(row.val(prev))}. Target keuangan ditulis kumulatif, jadi tidak boleh turun."
    )


def _m_keuangan_tw4(row: Row) -> str:
    ours, pagu = row.val(), row.val(H_PAGU)
    return (
        f"{row.label}: target keuangan s.d. TW IV {rupiah(ours)} tidak sama dengan Pagu {rupiah(pagu)} "
        f"(selisih {_diff(ours, pagu)})."
    )


def _m_keuangan_kas(row: Row) -> str:
    column, month = CASH_UNTIL[row.col]
    ours, cash = row.val(), row.val(column)
    return (
        f"{row.label}: target keuangan {QUARTER_OF[row.col]} {rupiah(ours)} berbeda dengan anggaran kas DPA "
        f"Januari s.d. {month} {rupiah(cash)} (selisih {_diff(ours, cash)})."
    )


def _m_fisik_rentang(row: Row) -> str:
    return (
        f"{row.label}: target fisik {QUARTER_OF[row.col]} {persen(row.val())} di luar 0 sampai 100%. "
        "Tulis persen sebagai angka 0 sampai 100 (mis. 25 untuk 25%)."
    )


def _m_fisik_turun(row: Row) -> str:
    prev = PREVIOUS[row.col]
    return (
        f"{row.label}: target fisik {QUARTER_OF[row.col]} {persen(row.val())} lebih kecil dari "
        f"{QUARTER_OF[prev]} {persen(row.val(prev))}. Target fisik ditulis kumulatif, jadi tidak boleh turun."
    )


def _m_fisik_100(row: Row) -> str:
    value = row.val()
    hint = " Tampaknya ditulis sebagai pecahan: tulis 100, bukan 1." if value == 1 else ""
    return f"{row.label}: target fisik s.d. TW IV {persen(value)}, seharusnya 100%.{hint}"


def _m_target_kosong(row: Row) -> str:
    if row.col == H_SATUAN:
        return f"{row.label}: satuan target belum diisi (mis. Dokumen, Kegiatan, Persen)."
    if row.val() is None:
        return f"{row.label}: target tahunan belum diisi."
    return f"{row.label}: target tahunan {angka(row.val())} harus lebih dari 0."


def _unit(row: Row) -> str:
    satuan = row.val(H_SATUAN)
    return f" {satuan}" if satuan else ""


def _m_target_turun(row: Row) -> str:
    prev = PREVIOUS[row.col]
    return (
        f"{row.label}: target bersifat Kumulatif, tetapi {QUARTER_OF[row.col]} ({angka(row.val())}{_unit(row)}) "
        f"lebih kecil dari {QUARTER_OF[prev]} ({angka(row.val(prev))}{_unit(row)})."
    )


def _m_target_tw4(row: Row) -> str:
    return (
        f"{row.label}: target s.d. TW IV {angka(row.val())}{_unit(row)} tidak sama dengan target tahunan "
        f"{angka(row.val(H_TARGET_TAHUNAN))}{_unit(row)} (Sifat Target {row.val(H_SIFAT_TARGET)})."
    )


def _m_sifat(row: Row) -> str:
    raw = row.raw()
    what = "belum diisi" if cells.clean_text(raw) is None else f"{shown(raw)} tidak dikenal"
    return f"{row.label}: Sifat Target {what}. Pilih Kumulatif, Tetap, atau Akhir Tahun."


def _m_arah(row: Row) -> str:
    return (
        f"{row.label}: Arah {shown(row.raw())} tidak dikenal. Pilih Naik (makin tinggi makin baik) atau "
        "Turun (makin rendah makin baik); bila dikosongkan dibaca Naik."
    )


def _m_kinerja_tw(row: Row) -> str:
    return (
        f"{row.label}: target {QUARTER_OF[row.col]} belum diisi. Isi target setiap triwulan "
        "(tulis 0 bila belum ada capaian di triwulan itu)."
    )


def _m_pj_kosong(row: Row) -> str:
    return f"{row.label}: penanggung jawab belum diisi."


def _m_pj_asing(row: Row) -> str:
    return (
        f"{row.label}: penanggung jawab {shown(row.raw())} tidak ada di daftar pejabat (tabel Pejabat, "
        "lembar Pengaturan). Tulis nama atau peran persis seperti di daftar itu, atau tambahkan pejabatnya."
    )


# --------------------------------------------------------------------------- the rule tables
def _cell_contents(required: tuple[str, ...], numeric: tuple[str, ...]) -> tuple[CellRule, ...]:
    """Required numeric cells must be filled; numeric cells must hold numbers, not text."""
    return (
        CellRule("NILAI_KOSONG", required, _not_kind(cells.EMPTY), _m_kosong),
        CellRule("NILAI_BUKAN_ANGKA", numeric, _not_kind(cells.NOT_NUMBER), _m_bukan_angka),
        CellRule("NILAI_BERUPA_TEKS", numeric, _not_kind(cells.NUMERIC_TEXT), _m_berupa_teks),
    )


_KODE = (
    CellRule("KODE_FORMAT", (H_KODE_SUB,), _kode_well_formed, _m_kode_format),
    CellRule("KODE_GANDA", (H_KODE_SUB,), _first_occurrence, _m_kode_ganda),
)
_PEOPLE = (
    CellRule("PENANGGUNG_JAWAB_KOSONG", (H_PENANGGUNG_JAWAB,), _filled, _m_pj_kosong),
    CellRule("PENANGGUNG_JAWAB_TIDAK_DIKENAL", (H_PENANGGUNG_JAWAB,), _official, _m_pj_asing),
)
_TARGET_CELLS = (
    CellRule("TARGET_KOSONG", (H_SATUAN,), _filled, _m_target_kosong),
    CellRule("TARGET_KOSONG", (H_TARGET_TAHUNAN,), _not_kind(cells.EMPTY), _m_target_kosong),
    CellRule("SIFAT_TARGET_TIDAK_DIKENAL", (H_SIFAT_TARGET,), _sifat_known, _m_sifat),
    CellRule("ARAH_TIDAK_DIKENAL", (H_ARAH,), _arah_known, _m_arah),
)
_TARGET_VALUES = (
    ValueRule("TARGET_KOSONG", (H_TARGET_TAHUNAN,), _positive, _m_target_kosong),
    ValueRule("TARGET_TIDAK_KUMULATIF", TARGET_TW[1:], _cumulative_if_kumulatif, _m_target_turun),
    ValueRule("TARGET_TW4_BEDA_TAHUNAN", TARGET_TW[3:], _tw4_is_annual, _m_target_tw4),
)

DPA_CELL_RULES = (
    *_KODE,
    *_cell_contents((H_PAGU,), (*DPA_MONEY, *DPA_NUMBERS)),
)
DPA_VALUE_RULES = (
    ValueRule("DPA_TIDAK_ADA", (H_KODE_SUB,), _in_rencana, _m_dpa_tidak_ada),
    ValueRule("ANGGARAN_KAS_BEDA_PAGU", (H_PAGU,), _cash_as_pagu, _m_kas_beda_pagu),
)

RENCANA_CELL_RULES = (
    *_KODE,
    CellRule("INDIKATOR_KOSONG", (H_INDIKATOR_KELUARAN,), _filled, _m_indikator),
    *_TARGET_CELLS,
    *_cell_contents((*TARGET_TW, *FISIK_TW, *RENCANA_MONEY), (*RENCANA_NUMBERS, *RENCANA_MONEY)),
    *_PEOPLE,
)
RENCANA_VALUE_RULES = (
    ValueRule("DPA_TAMBAHAN", (H_KODE_SUB,), _in_dpa, _m_dpa_tambahan),
    ValueRule("SUB_KEGIATAN_BEDA_DPA", (H_SUB_KEGIATAN,), _name_as_dpa, _m_nama_beda),
    ValueRule("PAGU_BEDA_DPA", (H_PAGU,), _pagu_as_dpa, _m_pagu_beda),
    *_TARGET_VALUES,
    ValueRule("FISIK_DI_LUAR_RENTANG", FISIK_TW, _percent_range, _m_fisik_rentang),
    ValueRule("FISIK_TIDAK_KUMULATIF", FISIK_TW[1:], _cumulative, _m_fisik_turun),
    ValueRule("FISIK_TW4_BUKAN_100", FISIK_TW[3:], _is_100, _m_fisik_100),
    ValueRule("KEUANGAN_NEGATIF", KEUANGAN_TW, _not_negative, _m_keuangan_negatif),
    ValueRule("KEUANGAN_TIDAK_KUMULATIF", KEUANGAN_TW[1:], _cumulative, _m_keuangan_turun),
    ValueRule("KEUANGAN_TW4_BEDA_PAGU", KEUANGAN_TW[3:], _is_pagu, _m_keuangan_tw4),
    ValueRule("KEUANGAN_BEDA_ANGGARAN_KAS", KEUANGAN_TW[:3], _finance_as_cash, _m_keuangan_kas),
)

KINERJA_CELL_RULES = (
    CellRule("INDIKATOR_KOSONG", (H_INDIKATOR_KINERJA,), _filled, _m_indikator),
    *_TARGET_CELLS,
    CellRule("KINERJA_TARGET_TW_KOSONG", TARGET_TW, _not_kind(cells.EMPTY), _m_kinerja_tw),
    CellRule("NILAI_BUKAN_ANGKA", KINERJA_NUMBERS, _not_kind(cells.NOT_NUMBER), _m_bukan_angka),
    CellRule("NILAI_BERUPA_TEKS", KINERJA_NUMBERS, _not_kind(cells.NUMERIC_TEXT), _m_berupa_teks),
    *_PEOPLE,
)
KINERJA_VALUE_RULES = _TARGET_VALUES


# --------------------------------------------------------------------------- whole-table rules
def _dpa_kosong(t: Tables) -> list[Finding]:
    if len(t.dpa):
        return []
    return [
        _table_finding(
            "DPA_KOSONG",
            t.dpa.sheet,
            t.dpa.first_body_address(H_KODE_SUB),
            "Tabel DPA belum berisi sub kegiatan. Jalankan 'Tarik Data DPA' (langkah 2) sebelum menyusun "
            "dan memeriksa Rencana Aksi.",
        )
    ]


def _kinerja_kosong(t: Tables) -> list[Finding]:
    if len(t.kinerja):
        return []
    return [
        _table_finding(
            "KINERJA_KOSONG",
            t.kinerja.sheet,
            t.kinerja.first_body_address(H_INDIKATOR_KINERJA),
            "Tabel Kinerja belum berisi indikator. Isi indikator kinerja (PK/IKU) beserta target triwulannya, "
            "atau jalankan 'Impor Kinerja (PK)'.",
        )
    ]


def _total_pagu(t: Tables) -> list[Finding]:
    if not len(t.dpa):
        return []
    ours = float(cells.round_rupiah(np.nansum(t.rencana.exact[H_PAGU])))  # empty cells add nothing
    theirs = float(cells.round_rupiah(np.nansum(t.dpa.exact[H_PAGU])))
    if ours == theirs:
        return []
    return [
        _table_finding(
            "TOTAL_PAGU_BEDA_DPA",
            t.rencana.sheet,
            t.rencana.header_address(H_PAGU),
            f"Jumlah Pagu di Rencana Aksi {rupiah(ours)} berbeda dengan jumlah Pagu DPA {rupiah(theirs)} "
            f"(selisih {rupiah(ours - theirs)}).",
        )
    ]


def _table_finding(rule: str, sheet: str, cell: str | None, message: str) -> Finding:
    return Finding(rule, RULES[rule][0], sheet, cell, None, message)


TABLE_RULES = (
    TableRule("DPA_KOSONG", _dpa_kosong),
    TableRule("KINERJA_KOSONG", _kinerja_kosong),
    TableRule("TOTAL_PAGU_BEDA_DPA", _total_pagu),
)
