"""The rule catalogue and the Finding record: stable ids, severities, descriptions.

Pure standard library so that any module (the workflow, the server, docs
tooling) can list the rules or build findings without importing pandas.
The ids are a contract (CLI JSON, the Validasi sheet, staff documentation):
never rename one, only add.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem at one cell (or one table, when `cell` is None)."""

    rule: str
    severity: str  # "error" | "warning"
    sheet: str
    cell: str | None
    kode_sub_kegiatan: str | None
    message: str

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "kode_sub_kegiatan": self.kode_sub_kegiatan,
            "message": self.message,
        }


# id -> (severity, short Indonesian description).  Order: the order the rules
# are listed in docs/aturan-validasi.md and used to sort findings in one cell.
RULES: dict[str, tuple[str, str]] = {
    # --- codes and presence --------------------------------------------------------
    "KODE_FORMAT": (ERROR, "Kode Sub Kegiatan tidak berbentuk d.dd.dd.d.dd.dddd"),
    "KODE_GANDA": (ERROR, "sub kegiatan yang sama tercantum dua kali"),
    "DPA_KOSONG": (ERROR, "tabel DPA belum berisi sub kegiatan"),
    "DPA_TIDAK_ADA": (ERROR, "sub kegiatan DPA tidak ada di Rencana Aksi"),
    "DPA_TAMBAHAN": (ERROR, "sub kegiatan di Rencana Aksi tidak ada di DPA"),
    "SUB_KEGIATAN_BEDA_DPA": (WARNING, "nama sub kegiatan di Rencana Aksi berbeda dengan DPA"),
    "INDIKATOR_KOSONG": (ERROR, "indikator belum diisi"),
    # --- cell contents -------------------------------------------------------------
    "NILAI_KOSONG": (ERROR, "sel angka wajib belum diisi"),
    "NILAI_BUKAN_ANGKA": (ERROR, "sel angka berisi teks yang bukan angka"),
    "NILAI_BERUPA_TEKS": (WARNING, "angka tersimpan sebagai teks"),
    # --- money ---------------------------------------------------------------------
    "PAGU_BEDA_DPA": (ERROR, "Pagu (Rp) di Rencana Aksi berbeda dengan DPA"),
    "TOTAL_PAGU_BEDA_DPA": (ERROR, "jumlah pagu Rencana Aksi berbeda dengan jumlah pagu DPA"),
    "ANGGARAN_KAS_BEDA_PAGU": (WARNING, "jumlah anggaran kas bulanan DPA berbeda dengan pagu"),
    "KEUANGAN_NEGATIF": (ERROR, "target keuangan bernilai negatif"),
    "KEUANGAN_TIDAK_KUMULATIF": (ERROR, "target keuangan s.d. triwulan berikutnya lebih kecil"),
    "KEUANGAN_TW4_BEDA_PAGU": (ERROR, "target keuangan s.d. TW IV tidak sama dengan pagu"),
    "KEUANGAN_BEDA_ANGGARAN_KAS": (
        WARNING,
        "target keuangan kumulatif berbeda dengan anggaran kas kumulatif",
    ),
    # --- physical progress ---------------------------------------------------------
    "FISIK_DI_LUAR_RENTANG": (ERROR, "target fisik di luar 0 sampai 100 persen"),
    "FISIK_TIDAK_KUMULATIF": (ERROR, "target fisik s.d. triwulan berikutnya lebih kecil"),
    "FISIK_TW4_BUKAN_100": (ERROR, "target fisik s.d. TW IV bukan 100 persen"),
    # --- output / performance targets ----------------------------------------------
    "TARGET_KOSONG": (ERROR, "target tahunan tidak positif atau satuan kosong"),
    "TARGET_TIDAK_KUMULATIF": (ERROR, "target kumulatif s.d. triwulan berikutnya lebih kecil"),
    "TARGET_TW4_BEDA_TAHUNAN": (ERROR, "target s.d. TW IV tidak sama dengan target tahunan"),
    "SIFAT_TARGET_TIDAK_DIKENAL": (ERROR, "Sifat Target bukan Kumulatif, Tetap, atau Akhir Tahun"),
    "ARAH_TIDAK_DIKENAL": (ERROR, "Arah bukan Naik atau Turun"),
    "KINERJA_KOSONG": (WARNING, "tabel Kinerja belum berisi indikator"),
    "KINERJA_TARGET_TW_KOSONG": (ERROR, "indikator kinerja tanpa target triwulan"),
    # --- people --------------------------------------------------------------------
    "PENANGGUNG_JAWAB_KOSONG": (ERROR, "penanggung jawab belum diisi"),
    "PENANGGUNG_JAWAB_TIDAK_DIKENAL": (WARNING, "penanggung jawab tidak ada di daftar pejabat (Pengaturan)"),
    # --- realisasi (tblRealisasiAksi, tblRealisasiKinerja) ----------------------------
    "REALISASI_TRIWULAN_TIDAK_DIKENAL": (ERROR, "Triwulan realisasi bukan I, II, III atau IV"),
    "REALISASI_TIDAK_ADA_DI_RENCANA": (ERROR, "indikator realisasi tidak ada di Rencana Aksi / Kinerja"),
    "REALISASI_GANDA": (ERROR, "realisasi indikator yang sama tercantum dua kali dalam satu triwulan"),
    "REALISASI_MENURUN": (ERROR, "realisasi kumulatif lebih kecil dari triwulan sebelumnya"),
    "REALISASI_FISIK_DI_LUAR_RENTANG": (ERROR, "realisasi fisik di luar 0 sampai 100 persen"),
    "REALISASI_KEUANGAN_MELEBIHI_PAGU": (ERROR, "realisasi keuangan melebihi pagu"),
    "PENGHAMBAT_KOSONG": (ERROR, "capaian di bawah 100 persen tanpa faktor penghambat"),
    "BUKTI_DUKUNG_KOSONG": (WARNING, "bukti dukung belum berupa tautan"),
    # --- the file itself (CLI only) --------------------------------------------------
    "BERKAS_TIDAK_TERBACA": (ERROR, "berkas tidak bisa dibaca sebagai buku kerja Rencana Aksi"),
}

RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


def severity(rule: str) -> str:
    return RULES[rule][0]
