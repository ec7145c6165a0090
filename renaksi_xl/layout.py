"""Sheet names, table names, headers and cell positions of RencanaAksi.xlsm.

This is the one source of truth shared by the workbook builder, the macros, the
validators, the headless engine and the tests.  Nothing else spells a sheet or
table name: import it from here.  Everything a user reads is Indonesian; the
Python identifiers are English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sop import Sop

# --- column kinds -----------------------------------------------------------
# They decide number formats in the builder and parsing in the readers.
TEXT = "text"  # free text
CODE = "code"  # a code such as 7.01.01.2.01.0001: always text, never a number
MONEY = "money"  # rupiah, whole numbers, format #.##0
PERCENT = "percent"  # 0..100 (not 0..1), format 0,00
NUMBER = "number"  # a count or measure
DATE = "date"  # text "YYYY-MM-DD" (kept as text so every engine agrees)
TIMESTAMP = "timestamp"  # text ISO 8601 with +07:00 offset

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
QUARTERS = ("I", "II", "III", "IV")

SIFAT_TARGET = ("Kumulatif", "Tetap", "Akhir Tahun")

ROLE_CAMAT = "Camat"
ROLE_SEKRETARIS = "Sekretaris Camat"
ROLE_KASUBAG = "Kasubag Perencanaan dan Keuangan"
ROLES = (ROLE_CAMAT, ROLE_SEKRETARIS, ROLE_KASUBAG)

PARAF = "Paraf"
TANDA_TANGAN = "Tanda Tangan"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 14
    # An optional column was added after workbooks were in use: a workbook without it is
    # still read (the column counts as empty), and the fingerprint leaves it out while empty.
    # A writer of an optional column says what to do when a workbook lacks it.
    optional: bool = False


@dataclass(frozen=True)
class TableSpec:
    """An Excel table (ListObject): its name, sheet, header row and columns."""

    name: str
    sheet: str
    columns: tuple[Column, ...]
    header_row: int = 4  # 1-based Excel row of the header
    first_col: int = 1  # 1-based Excel column of the first column
    style: str = "TableStyleMedium2"

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required_headers(self) -> list[str]:
        """The headers a workbook must have (optional columns aside)."""
        return [c.header for c in self.columns if not c.optional]

    def column(self, header: str) -> Column:
        for c in self.columns:
            if c.header == header:
                return c
        raise KeyError(header)

    def col_index(self, header: str) -> int:
        """0-based position of a header within the table."""
        return self.headers.index(header)


# --- sheets -----------------------------------------------------------------
SHEET_BERANDA = "Beranda"
SHEET_SOP = "SOP"
SHEET_DPA = "DPA"
SHEET_RENCANA = "Rencana Aksi"
SHEET_KINERJA = "Kinerja"
SHEET_VALIDASI = "Validasi"
SHEET_REALISASI_AKSI = "Realisasi Aksi"
SHEET_REALISASI_KINERJA = "Realisasi Kinerja"
SHEET_CAPAIAN = "Capaian"
SHEET_LAPORAN = "Laporan Realisasi"  # the quarterly report's records (lapor, verifikasi, sahkan)
SHEET_LOG = "Log"
SHEET_PENGATURAN = "Pengaturan"
SHEET_DRAFT_SHADOW = "_Draf"  # hidden: last values `susun` generated, to tell manual edits
SHEET_SOP_SOURCE = "_SOP"  # hidden: the text of the SOP file the workbook was built with
# hidden: the approved plan of the previous version, copied by `revisi` (renaksi_xl.revision)
SHEET_VERSI = "_Versi"
TBL_RENCANA_LALU = "tblRencanaVersiLalu"  # the previous version's approved plan (written by revisi)
TBL_RENCANA_DITETAPKAN = "tblRencanaDitetapkan"  # the plan as last signed (written by tetapkan)
TBL_SOP_SOURCE = "tblSumberSOP"
SOP_SOURCE_COLUMNS = (Column("Baris", NUMBER, 7), Column("Teks", TEXT, 120))
SHEET_IMPOR = "Impor"  # where a macro pastes a DPA file's cells in server mode
# Contract of that paste (VBA Renaksi_PasteIntoImpor <-> renaksi_xl.dpa.readers):
# row 1 is the sheet's title; from IMPOR_FIRST_ROW, per source sheet, one marker
# row (IMPOR_MARKER, file name, sheet name, address of its first used cell) and
# the sheet's values below it, from column A.
IMPOR_MARKER = "#SUMBER"
# The same marker row with IMPOR_MARKER_KAS instead: that sheet is the Anggaran Kas (RAK)
# form chosen beside the DPA (tarik-dpa's second file).
IMPOR_MARKER_KAS = "#KAS"
IMPOR_FIRST_ROW = 3
# Several chosen files are joined with this in the "Berkas DPA Terakhir" setting.
FILE_LIST_SEPARATOR = " | "

# One sheet per SOP step, in order (step number -> sheet name).
STEP_SHEETS = {
    1: "L1 Disposisi",
    2: "L2 Persiapan Data",
    3: "L3 Penyusunan",
    4: "L4 Pembahasan",
    5: "L5 Pemeriksaan",
    6: "L6 Penetapan",
}

# Sheet order in the workbook and the VBA codeName of each sheet.
SHEET_ORDER = (
    SHEET_BERANDA,
    SHEET_SOP,
    *STEP_SHEETS.values(),
    SHEET_DPA,
    SHEET_RENCANA,
    SHEET_KINERJA,
    SHEET_VALIDASI,
    SHEET_REALISASI_AKSI,
    SHEET_REALISASI_KINERJA,
    SHEET_CAPAIAN,
    SHEET_LAPORAN,
    SHEET_LOG,
    SHEET_PENGATURAN,
    SHEET_IMPOR,
    SHEET_DRAFT_SHADOW,
    SHEET_SOP_SOURCE,
    SHEET_VERSI,
)
HIDDEN_SHEETS = (SHEET_DRAFT_SHADOW, SHEET_SOP_SOURCE, SHEET_VERSI)
# Sheets a workbook built before them may lack: every action but the one that needs it runs.
OPTIONAL_SHEETS = (SHEET_SOP_SOURCE, SHEET_VERSI)

CODENAMES = {
    SHEET_BERANDA: "shBeranda",
    SHEET_SOP: "shSOP",
    **{name: f"shL{n}" for n, name in STEP_SHEETS.items()},
    SHEET_DPA: "shDPA",
    SHEET_RENCANA: "shRencanaAksi",
    SHEET_KINERJA: "shKinerja",
    SHEET_VALIDASI: "shValidasi",
    SHEET_REALISASI_AKSI: "shRealisasiAksi",
    SHEET_REALISASI_KINERJA: "shRealisasiKinerja",
    SHEET_CAPAIAN: "shCapaian",
    SHEET_LAPORAN: "shLaporan",
    SHEET_LOG: "shLog",
    SHEET_PENGATURAN: "shPengaturan",
    SHEET_IMPOR: "shImpor",
    SHEET_DRAFT_SHADOW: "shDraf",
    SHEET_SOP_SOURCE: "shSumberSOP",
    SHEET_VERSI: "shVersi",
}
WORKBOOK_CODENAME = "ThisWorkbook"

# --- the three plan tables --------------------------------------------------
TBL_DPA = "tblDPA"
TBL_RENCANA = "tblRencanaAksi"
TBL_KINERJA = "tblKinerja"

DPA_COLUMNS = (
    Column("Kode Sub Kegiatan", CODE, 20),
    Column("Sub Kegiatan", TEXT, 40),
    Column("Kode Kegiatan", CODE, 14),
    Column("Kegiatan", TEXT, 32),
    Column("Kode Program", CODE, 12),
    Column("Program", TEXT, 32),
    Column("Indikator Keluaran", TEXT, 36),
    Column("Target Keluaran", NUMBER, 10),
    Column("Satuan", TEXT, 12),
    Column("Sumber Dana", TEXT, 14),
    Column("Lokasi", TEXT, 16),
    Column("Pagu (Rp)", MONEY, 16),
    *(Column(m, MONEY, 14) for m in MONTHS),
)

RENCANA_COLUMNS = (
    Column("Kode Sub Kegiatan", CODE, 20),
    Column("Sub Kegiatan", TEXT, 40),
    Column("Indikator Keluaran", TEXT, 36),
    Column("Satuan", TEXT, 12),
    Column("Target Tahunan", NUMBER, 10),
    Column("Sifat Target", TEXT, 13),
    *(Column(f"Target s.d. TW {q}", NUMBER, 10) for q in QUARTERS),
    *(Column(f"Fisik s.d. TW {q} (%)", PERCENT, 10) for q in QUARTERS),
    Column("Pagu (Rp)", MONEY, 16),
    *(Column(f"Keuangan s.d. TW {q} (Rp)", MONEY, 16) for q in QUARTERS),
    Column("Penanggung Jawab", TEXT, 28),
    Column("Keterangan", TEXT, 30),
    Column("Arah", TEXT, 9, optional=True),
)

KINERJA_COLUMNS = (
    Column("Sasaran Strategis", TEXT, 36),
    Column("Indikator Kinerja", TEXT, 40),
    Column("Satuan", TEXT, 12),
    Column("Target Tahunan", NUMBER, 10),
    Column("Sifat Target", TEXT, 13),
    *(Column(f"Target s.d. TW {q}", NUMBER, 10) for q in QUARTERS),
    Column("Penanggung Jawab", TEXT, 28),
    Column("Arah", TEXT, 9, optional=True),
)

# Arah: whether a higher realisasi is better (Naik) or a lower one (Turun); empty reads Naik.
H_ARAH = "Arah"
ARAH_NAIK = "Naik"
ARAH_TURUN = "Turun"
ARAH = (ARAH_NAIK, ARAH_TURUN)

TARGET_TW = tuple(f"Target s.d. TW {q}" for q in QUARTERS)
FISIK_TW = tuple(f"Fisik s.d. TW {q} (%)" for q in QUARTERS)
KEUANGAN_TW = tuple(f"Keuangan s.d. TW {q} (Rp)" for q in QUARTERS)

# --- realisasi (the plan monitored every quarter) ------------------------------------
TBL_REALISASI_AKSI = "tblRealisasiAksi"
TBL_REALISASI_KINERJA = "tblRealisasiKinerja"
TBL_CAPAIAN_TW = "tblCapaianTW"  # one row per quarter: what the Capaian sheet's charts read
TBL_CAPAIAN_AKSI = "tblCapaianAksi"  # capaian per indicator of the chosen quarter
TBL_CAPAIAN_KINERJA = "tblCapaianKinerja"
TBL_LAPORAN = "tblLaporanRealisasi"  # records of the quarterly report (paraf / tanda tangan)

H_TRIWULAN = "Triwulan"
H_REALISASI = "Realisasi s.d. TW"
H_REALISASI_FISIK = "Realisasi Fisik s.d. TW (%)"
H_REALISASI_KEUANGAN = "Realisasi Keuangan s.d. TW (Rp)"
H_PENDORONG = "Faktor Pendorong"
H_PENGHAMBAT = "Faktor Penghambat"
H_TINDAK_LANJUT = "Tindak Lanjut"
H_BUKTI = "Bukti Dukung"
H_CATATAN_VERIFIKATOR = "Catatan Verifikator"

REALISASI_AKSI_COLUMNS = (
    Column(H_TRIWULAN, TEXT, 9),
    Column("Kode Sub Kegiatan", CODE, 20),
    Column("Indikator Keluaran", TEXT, 32),
    Column(H_REALISASI, NUMBER, 11),
    Column(H_REALISASI_FISIK, PERCENT, 11),
    Column(H_REALISASI_KEUANGAN, MONEY, 16),
    Column(H_PENDORONG, TEXT, 26),
    Column(H_PENGHAMBAT, TEXT, 26),
    Column(H_TINDAK_LANJUT, TEXT, 26),
    Column(H_BUKTI, TEXT, 28),
    Column(H_CATATAN_VERIFIKATOR, TEXT, 28),
)
REALISASI_KINERJA_COLUMNS = (
    Column(H_TRIWULAN, TEXT, 9),
    Column("Indikator Kinerja", TEXT, 40),
    Column(H_REALISASI, NUMBER, 11),
    Column(H_PENDORONG, TEXT, 26),
    Column(H_PENGHAMBAT, TEXT, 26),
    Column(H_TINDAK_LANJUT, TEXT, 26),
    Column(H_BUKTI, TEXT, 28),
    Column(H_CATATAN_VERIFIKATOR, TEXT, 28),
)
CAPAIAN_TW_COLUMNS = (
    Column(H_TRIWULAN, TEXT, 10),
    Column("Target Fisik (%)", PERCENT, 12),
    Column("Realisasi Fisik (%)", PERCENT, 12),
    Column("Capaian Rata-rata (%)", PERCENT, 12),
    Column("Rencana Serapan (%)", PERCENT, 12),
    Column("Serapan (%)", PERCENT, 12),
    Column("Deviasi (%)", PERCENT, 12),
)
CAPAIAN_AKSI_COLUMNS = (
    Column("Kode Sub Kegiatan", CODE, 20),
    Column("Indikator Keluaran", TEXT, 32),
    Column("Target", NUMBER, 10),
    Column("Realisasi", NUMBER, 10),
    Column("Capaian (%)", PERCENT, 10),
    Column("Target Fisik (%)", PERCENT, 10),
    Column("Realisasi Fisik (%)", PERCENT, 10),
    Column("Rencana Keuangan (Rp)", MONEY, 16),
    Column("Realisasi Keuangan (Rp)", MONEY, 16),
    Column("Serapan (%)", PERCENT, 10),
    Column("Deviasi (%)", PERCENT, 10),
)
CAPAIAN_KINERJA_COLUMNS = (
    Column("Indikator Kinerja", TEXT, 40),
    Column("Target", NUMBER, 10),
    Column("Realisasi", NUMBER, 10),
    Column("Capaian (%)", PERCENT, 10),
)
LAPORAN_COLUMNS = (
    Column("No", NUMBER, 6),
    Column(H_TRIWULAN, TEXT, 9),
    Column("Aksi", TEXT, 20),
    Column("Peran", TEXT, 30),
    Column("Nama", TEXT, 30),
    Column("NIP", CODE, 21),
    Column("Pengesahan", TEXT, 14),
    Column("Waktu", TIMESTAMP, 24),
    Column("Batas Lapor", TEXT, 16),
    Column("Ketepatan", TEXT, 18),
    Column("Catatan", TEXT, 44),
    Column("Sidik Rantai", CODE, 20),
)
REALISASI_TABLES = (TBL_REALISASI_AKSI, TBL_REALISASI_KINERJA)
CAPAIAN_TW_HEADER_ROW = 6
CAPAIAN_AKSI_HEADER_ROW = 30  # below the two charts
LAPORAN_HEADER_ROW = 12

# --- Pengaturan ----------------------------------------------------------------
TBL_PEJABAT = "tblPejabat"
TBL_PERAN_LANGKAH = "tblPeranLangkah"
TBL_SETELAN = "tblSetelan"
TBL_LIBUR = "tblLibur"

PEJABAT_COLUMNS = (
    Column("Peran", TEXT, 34),
    Column("Nama", TEXT, 36),
    Column("NIP", CODE, 22),
    Column("Email", TEXT, 30, optional=True),  # used by `email --ke`; workbooks built before it lack it
)
PERAN_LANGKAH_COLUMNS = (
    Column("Langkah", NUMBER, 9),
    Column("Uraian Prosedur", TEXT, 50),
    Column("Peran", TEXT, 34),
    Column("Pengesahan", TEXT, 14),
)
SETELAN_COLUMNS = (
    Column("Setelan", TEXT, 26),
    Column("Nilai", TEXT, 40),
    Column("Keterangan", TEXT, 60),
)
LIBUR_COLUMNS = (
    Column("Tanggal", DATE, 14),
    Column("Keterangan", TEXT, 36),
    Column("Jenis", TEXT, 18),
)
LIBUR_JENIS = ("Libur", "Cuti Bersama", "Hari Kerja")

# Keys of tblSetelan (column "Setelan"), with default values and explanations.
SET_UNIT = "Unit Kerja"
SET_PEMDA = "Pemerintah Daerah"
SET_TAHUN = "Tahun Anggaran"
SET_MODE = "Mode"
SET_SERVER_URL = "URL Server"
SET_TOKEN = "Token Server"
SET_PEJABAT_AKTIF = "NIP Pengguna"
SET_JAM_MASUK = "Jam Masuk"
SET_JAM_PULANG = "Jam Pulang"
SET_FILE_DPA = "Berkas DPA Terakhir"
SET_FILE_KAS = "Berkas Anggaran Kas Terakhir"
MODE_LOKAL = "Lokal"
MODE_SERVER = "Server"
MODES = (MODE_LOKAL, MODE_SERVER)

SETELAN_DEFAULTS = (
    # unit and pemda: the build fills them from the SOP's `unit` and `pemda`
    (SET_UNIT, "", "Nama unit kerja yang menyusun Rencana Aksi."),
    (SET_PEMDA, "", "Pemerintah daerah induk."),
    (SET_TAHUN, "2025", "Tahun anggaran Rencana Aksi."),
    (
        SET_MODE,
        MODE_LOKAL,
        "Lokal: Python di komputer ini. Server: Python di server kantor (xlwings Server).",
    ),
    (SET_SERVER_URL, "http://127.0.0.1:8000", "Alamat server kantor, dipakai bila Mode = Server."),
    (SET_TOKEN, "", "Token pribadi dari admin server; menentukan siapa Anda di mode Server."),
    (SET_PEJABAT_AKTIF, "", "NIP pejabat yang memakai komputer ini (mode Lokal)."),
    (SET_JAM_MASUK, "08:00", "Awal jam kerja (WIB), untuk menghitung waktu kerja."),
    (SET_JAM_PULANG, "16:00", "Akhir jam kerja (WIB)."),
    (SET_FILE_DPA, "", "Berkas DPA yang terakhir ditarik (diisi otomatis)."),
    (SET_FILE_KAS, "", "Berkas Anggaran Kas (RAK) yang terakhir ditarik bersama DPA (diisi otomatis)."),
)

# --- records ------------------------------------------------------------------
TBL_LOG = "tblLog"
LOG_COLUMNS = (
    Column("No", NUMBER, 6),
    Column("Waktu", TIMESTAMP, 26),
    Column("Aksi", TEXT, 20),
    Column("Langkah", NUMBER, 9),
    Column("Peran", TEXT, 30),
    Column("Nama", TEXT, 30),
    Column("NIP", CODE, 21),
    Column("Pengesahan", TEXT, 14),
    Column("Keterangan", TEXT, 50),
    Column("Sidik Isi", CODE, 20),
    Column("Sidik Rantai", CODE, 20),
    # The record's digital signature and the signer's certificate chain (renaksi_xl.ttd).
    Column("Tanda Tangan Digital", CODE, 20, optional=True),
    Column("Sertifikat", CODE, 20, optional=True),
)
H_TTD_DIGITAL = "Tanda Tangan Digital"
H_SERTIFIKAT = "Sertifikat"


# Each step sheet holds a table of that step's records.
def step_table(step: int) -> str:
    return f"tblLangkah{step}"


STEP_RECORD_COLUMNS = (
    Column("No", NUMBER, 6),
    Column("Peran", TEXT, 30),
    Column("Nama", TEXT, 30),
    Column("NIP", CODE, 21),
    Column("Pengesahan", TEXT, 14),
    Column("Mulai", TIMESTAMP, 24),
    Column("Selesai", TIMESTAMP, 24),
    Column("Waktu Kerja", TEXT, 16),
    Column("Waktu Baku", TEXT, 14),
    Column("Ketepatan", TEXT, 22),
    Column("Catatan", TEXT, 44),
    Column("Sidik Rantai", CODE, 20),
)
STEP_TABLE_HEADER_ROW = 12  # rows above hold the step's description and input cells

# Input cells on step sheets (label, defined name), filled by the user before a
# button click; the CLI fills them from its options.  Cells sit in column C,
# starting at row 6 (labels in column B).
STEP_INPUTS = {
    1: (
        ("Isi disposisi", "inDisposisiIsi"),
        ("Kepada", "inDisposisiKepada"),
        ("Batas waktu (tanggal)", "inDisposisiBatas"),
    ),
    4: (
        ("Tanggal pembahasan", "inPembahasanTanggal"),
        ("Peserta", "inPembahasanPeserta"),
        ("Catatan pembahasan", "inPembahasanCatatan"),
        ("Keputusan", "inPembahasanKeputusan"),
    ),
}
# Every step sheet also has a free "Catatan" input and, for kembalikan, a reason.
INPUT_FIRST_ROW = 6
INPUT_CATATAN = "inCatatan"

# --- Validasi -------------------------------------------------------------------
TBL_TEMUAN = "tblTemuan"
TEMUAN_COLUMNS = (
    Column("No", NUMBER, 6),
    Column("Tingkat", TEXT, 12),
    Column("Aturan", CODE, 30),
    Column("Kode Sub Kegiatan", CODE, 20),
    Column("Lembar", TEXT, 16),
    Column("Sel", CODE, 8),
    Column("Pesan", TEXT, 90),
)
SEVERITY_LABEL = {"error": "Galat", "warning": "Peringatan"}

# --- Beranda --------------------------------------------------------------------
TBL_PROGRES = "tblProgres"
PROGRES_COLUMNS = (
    Column("Langkah", NUMBER, 8),
    Column("Uraian Prosedur", TEXT, 44),
    Column("Pelaksana", TEXT, 30),
    Column("Status", TEXT, 26),
    Column("Oleh", TEXT, 28),
    Column("Selesai", TIMESTAMP, 24),
    Column("Waktu Kerja", TEXT, 14),
    Column("Waktu Baku", TEXT, 12),
    Column("Ketepatan", TEXT, 22),
)
PROGRES_HEADER_ROW = 13

# Single cells with a defined name (workbook scope): name -> (sheet, address).
NAMED_CELLS = {
    "nmUnit": (SHEET_BERANDA, "C4"),
    "nmTahun": (SHEET_BERANDA, "C5"),
    "nmTahap": (SHEET_BERANDA, "C6"),  # stage reached, e.g. "Langkah 3 selesai"
    "nmStatusDokumen": (SHEET_BERANDA, "C7"),  # DRAF / DITETAPKAN
    "nmValidasiStatus": (SHEET_BERANDA, "C8"),
    "nmValidasiWaktu": (SHEET_BERANDA, "C9"),
    "nmKeaslian": (SHEET_BERANDA, "C10"),
    "nmVersi": (SHEET_BERANDA, "C11"),  # version of the plan: 1, then 2 after the first `revisi`
    # The chain's anchor: how many paraf/tanda tangan records, and the last one's Sidik
    # Rantai (written with every record; `verify` compares them with the Log).
    "nmJumlahCatatan": (SHEET_BERANDA, "I4"),
    "nmSidikTerakhir": (SHEET_BERANDA, "I5"),
    "nmSelfTest": (SHEET_BERANDA, "K2"),  # verdict of the VBA self-test (hidden text)
    "nmValidasiRingkas": (SHEET_VALIDASI, "B2"),
    "nmCapaianTriwulan": (SHEET_CAPAIAN, "C4"),  # the quarter tblCapaianAksi shows
    "nmStatusRealisasi": (SHEET_LAPORAN, "C9"),  # e.g. "TW II disahkan"
    "inRealisasiTriwulan": (SHEET_LAPORAN, "C6"),  # the quarter to report / verify / approve
    "inRealisasiCatatan": (SHEET_LAPORAN, "C7"),  # catatan (verifikator) of the action
}
STATUS_DRAF = "DRAF"
STATUS_DITETAPKAN = "DITETAPKAN"

PLAN_TABLES = (TBL_DPA, TBL_RENCANA, TBL_KINERJA)
# Tables whose data cells validasi colours (errors red, warnings yellow); Renaksi_HapusSorotan clears them.
HIGHLIGHTED_TABLES = (*PLAN_TABLES, *REALISASI_TABLES)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(TBL_DPA, SHEET_DPA, DPA_COLUMNS),
        TableSpec(TBL_RENCANA, SHEET_RENCANA, RENCANA_COLUMNS),
        TableSpec(TBL_KINERJA, SHEET_KINERJA, KINERJA_COLUMNS),
        TableSpec(TBL_TEMUAN, SHEET_VALIDASI, TEMUAN_COLUMNS, header_row=6),
        TableSpec(TBL_LOG, SHEET_LOG, LOG_COLUMNS),
        TableSpec(TBL_PEJABAT, SHEET_PENGATURAN, PEJABAT_COLUMNS, header_row=4, first_col=1),
        TableSpec(TBL_PERAN_LANGKAH, SHEET_PENGATURAN, PERAN_LANGKAH_COLUMNS, header_row=11, first_col=1),
        TableSpec(TBL_SETELAN, SHEET_PENGATURAN, SETELAN_COLUMNS, header_row=20, first_col=1),
        TableSpec(TBL_LIBUR, SHEET_PENGATURAN, LIBUR_COLUMNS, header_row=34, first_col=1),
        TableSpec(TBL_PROGRES, SHEET_BERANDA, PROGRES_COLUMNS, header_row=PROGRES_HEADER_ROW, first_col=2),
        *(
            TableSpec(step_table(n), sheet, STEP_RECORD_COLUMNS, header_row=STEP_TABLE_HEADER_ROW)
            for n, sheet in STEP_SHEETS.items()
        ),
        TableSpec(TBL_REALISASI_AKSI, SHEET_REALISASI_AKSI, REALISASI_AKSI_COLUMNS),
        TableSpec(TBL_REALISASI_KINERJA, SHEET_REALISASI_KINERJA, REALISASI_KINERJA_COLUMNS),
        TableSpec(TBL_CAPAIAN_TW, SHEET_CAPAIAN, CAPAIAN_TW_COLUMNS, header_row=CAPAIAN_TW_HEADER_ROW),
        TableSpec(TBL_CAPAIAN_AKSI, SHEET_CAPAIAN, CAPAIAN_AKSI_COLUMNS, header_row=CAPAIAN_AKSI_HEADER_ROW),
        TableSpec(
            TBL_CAPAIAN_KINERJA,
            SHEET_CAPAIAN,
            CAPAIAN_KINERJA_COLUMNS,
            header_row=CAPAIAN_AKSI_HEADER_ROW,
            first_col=len(CAPAIAN_AKSI_COLUMNS) + 2,
        ),
        TableSpec(TBL_LAPORAN, SHEET_LAPORAN, LAPORAN_COLUMNS, header_row=LAPORAN_HEADER_ROW),
        # The hidden shadow of the draft: same columns as the plan.
        TableSpec("tblDrafOtomatis", SHEET_DRAFT_SHADOW, RENCANA_COLUMNS, header_row=1),
        TableSpec(TBL_SOP_SOURCE, SHEET_SOP_SOURCE, SOP_SOURCE_COLUMNS, header_row=1),
        # The approved plan of the previous version (same columns as the plan).
        TableSpec(TBL_RENCANA_LALU, SHEET_VERSI, RENCANA_COLUMNS, header_row=1),
        TableSpec(
            TBL_RENCANA_DITETAPKAN,
            SHEET_VERSI,
            RENCANA_COLUMNS,
            header_row=1,
            first_col=len(RENCANA_COLUMNS) + 3,
        ),
    )
}
TBL_DRAFT_SHADOW = "tblDrafOtomatis"


# --- buttons ----------------------------------------------------------------------
@dataclass(frozen=True)
class Button:
    """A form button: its caption, the VBA macro it calls, the Python action."""

    caption: str
    macro: str  # Sub in workbook/vba/RenaksiTombol.bas
    action: str  # action name (CLI / server contract), see renaksi_xl.actions
    sheet: str
    cell: str  # top-left anchor
    width: int = 190
    height: int = 30


# Action names are a contract (CLI `run ACTION`, server endpoints, Log).
ACTION_DISPOSISI = "catat-disposisi"
ACTION_TARIK_DPA = "tarik-dpa"
ACTION_SUSUN = "susun"
ACTION_PEMBAHASAN = "catat-pembahasan"
ACTION_VALIDASI = "validasi"
ACTION_PARAF_PEMERIKSAAN = "paraf-pemeriksaan"
ACTION_KEMBALIKAN = "kembalikan"
ACTION_TETAPKAN = "tetapkan"
ACTION_PARAF = "paraf"  # a `paraf` step of the SOP: its official initials the draft
ACTION_PERIKSA_KEASLIAN = "periksa-keaslian"
ACTION_EMAIL = "siapkan-email"
ACTION_PDF = "cetak-pdf"
ACTION_IMPOR_KINERJA = "impor-kinerja"
ACTION_REVISI = "revisi"  # after penetapan: open the next version (Rencana Aksi Perubahan)
# The quarterly report (per triwulan), and what helps it.
ACTION_LAPOR_REALISASI = "lapor-realisasi"
ACTION_VERIFIKASI_REALISASI = "verifikasi-realisasi"
ACTION_SAHKAN_REALISASI = "sahkan-realisasi"
ACTION_IMPOR_REALISASI = "impor-realisasi"
ACTION_HITUNG_CAPAIAN = "hitung-capaian"
REALISASI_ACTIONS = (ACTION_LAPOR_REALISASI, ACTION_VERIFIKASI_REALISASI, ACTION_SAHKAN_REALISASI)

# What the workbook's own "Cetak PDF" (Excel's PDF export, no Python) prints, in order:
# the plan, the approval record of step 6, and the SOP progress on Beranda.
PDF_SHEETS = (SHEET_RENCANA, STEP_SHEETS[6], SHEET_BERANDA)

# The action that completes each SOP step (`kembalikan` and `validasi` aside).
STEP_ACTIONS = {
    1: ACTION_DISPOSISI,
    2: ACTION_TARIK_DPA,
    3: ACTION_SUSUN,
    4: ACTION_PEMBAHASAN,
    5: ACTION_PARAF_PEMERIKSAAN,
    6: ACTION_TETAPKAN,
}
STEP_OF_ACTION = {action: step for step, action in STEP_ACTIONS.items()}

# Our VBA macros that Python calls through the VBA client's runMacro, and what they touch.
MACRO_HAPUS_SOROTAN = "Renaksi_HapusSorotan"  # clears fills on the plan tables' data bodies
MACRO_KUNCI_LEMBAR = "Renaksi_KunciLembar"  # protects the plan after tetapkan
MACRO_BUKA_RENCANA = "Renaksi_BukaRencana"  # unprotects the plan after revisi (UNLOCKED_BY_REVISI)
MACRO_KUNCI_REALISASI = "Renaksi_KunciRealisasi"  # protects the realisasi after TW IV is approved
# Sheets protected after tetapkan: the plan and its record.
LOCKED_AFTER_TETAPKAN = (SHEET_DPA, SHEET_RENCANA, SHEET_KINERJA, *STEP_SHEETS.values())
# Sheets `revisi` opens again for the next version (the step sheets stay protected).
UNLOCKED_BY_REVISI = (SHEET_DPA, SHEET_RENCANA, SHEET_KINERJA)
# The year is closed when TW IV is approved (sahkan-realisasi): its realisasi sheets become
# read-only.  Earlier quarters leave them open (the next quarter is typed there; a change to
# an approved quarter breaks its approval in `verify`).
LOCKED_AFTER_YEAR_END = (SHEET_REALISASI_AKSI, SHEET_REALISASI_KINERJA)
REVISI_CAPTION = "Rencana Aksi Perubahan"

BUTTONS = (
    Button("1. Catat Disposisi", "Tombol_CatatDisposisi", ACTION_DISPOSISI, SHEET_BERANDA, "D4"),
    Button("2. Tarik Data DPA", "Tombol_TarikDPA", ACTION_TARIK_DPA, SHEET_BERANDA, "D6"),
    Button("3. Susun Draft", "Tombol_SusunDraft", ACTION_SUSUN, SHEET_BERANDA, "D8"),
    Button("4. Catat Pembahasan", "Tombol_CatatPembahasan", ACTION_PEMBAHASAN, SHEET_BERANDA, "E4"),
    Button("Validasi", "Tombol_Validasi", ACTION_VALIDASI, SHEET_BERANDA, "E6"),
    Button("5. Paraf Pemeriksaan", "Tombol_ParafPemeriksaan", ACTION_PARAF_PEMERIKSAAN, SHEET_BERANDA, "E8"),
    Button("Kembalikan ke Langkah 3", "Tombol_Kembalikan", ACTION_KEMBALIKAN, SHEET_BERANDA, "F4"),
    Button("6. Tetapkan", "Tombol_Tetapkan", ACTION_TETAPKAN, SHEET_BERANDA, "F6"),
    Button("Periksa Keaslian", "Tombol_PeriksaKeaslian", ACTION_PERIKSA_KEASLIAN, SHEET_BERANDA, "F8"),
    Button("Siapkan Email Review", "Tombol_SiapkanEmail", ACTION_EMAIL, SHEET_BERANDA, "G4"),
    Button("Cetak PDF", "Tombol_CetakPDF", ACTION_PDF, SHEET_BERANDA, "G6"),
    Button(REVISI_CAPTION, "Tombol_Revisi", ACTION_REVISI, SHEET_BERANDA, "G8"),
    Button("Impor Kinerja (PK)", "Tombol_ImporKinerja", ACTION_IMPOR_KINERJA, SHEET_KINERJA, "C1"),
    Button("Tarik Data DPA", "Tombol_TarikDPA", ACTION_TARIK_DPA, SHEET_DPA, "C1"),
    Button("Susun Draft", "Tombol_SusunDraft", ACTION_SUSUN, SHEET_RENCANA, "C1"),
    Button("Validasi", "Tombol_Validasi", ACTION_VALIDASI, SHEET_VALIDASI, "D1"),
    Button(
        "Impor Realisasi Keuangan (SIPD)",
        "Tombol_ImporRealisasi",
        ACTION_IMPOR_REALISASI,
        SHEET_REALISASI_AKSI,
        "C1",
        width=230,
    ),
    Button("Hitung Capaian", "Tombol_HitungCapaian", ACTION_HITUNG_CAPAIAN, SHEET_CAPAIAN, "E1"),
    Button("Lapor Realisasi", "Tombol_LaporRealisasi", ACTION_LAPOR_REALISASI, SHEET_LAPORAN, "E5"),
    Button(
        "Verifikasi Realisasi",
        "Tombol_VerifikasiRealisasi",
        ACTION_VERIFIKASI_REALISASI,
        SHEET_LAPORAN,
        "E7",
    ),
    Button("Sahkan Realisasi", "Tombol_SahkanRealisasi", ACTION_SAHKAN_REALISASI, SHEET_LAPORAN, "E9"),
)


def table(name: str) -> TableSpec:
    """The spec of a table; a step table beyond the default SOP's six gets its generic spec
    (the reader finds its sheet in the workbook)."""
    if name in TABLES:
        return TABLES[name]
    if name.startswith("tblLangkah") and name[10:].isdigit():
        return TableSpec(name, "", STEP_RECORD_COLUMNS, header_row=STEP_TABLE_HEADER_ROW)
    raise KeyError(name)


# --- header names that code refers to (the Column specs above are the source) ------
H_KODE_SUB = "Kode Sub Kegiatan"
H_SUB_KEGIATAN = "Sub Kegiatan"
H_INDIKATOR_KELUARAN = "Indikator Keluaran"
H_INDIKATOR_KINERJA = "Indikator Kinerja"
H_SATUAN = "Satuan"
H_TARGET_KELUARAN = "Target Keluaran"
H_TARGET_TAHUNAN = "Target Tahunan"
H_SIFAT_TARGET = "Sifat Target"
H_PAGU = "Pagu (Rp)"
H_PENANGGUNG_JAWAB = "Penanggung Jawab"
H_PERAN = "Peran"
H_NAMA = "Nama"
H_SEL = "Sel"
H_LANGKAH = "Langkah"
H_STATUS = "Status"


# --- the layout of a workbook built from a given SOP ------------------------------------
# The constants above are those of the default SOP (Kecamatan Neglasari, six steps); a
# workbook built with `--sop` has one step sheet, step table, Pengaturan row and Beranda
# button per step of its SOP. `BookLayout.of(sop)` gives those names; for the default SOP
# they equal the constants above (tests/test_sop.py holds them equal).
STEP_KIND_SHEET = {  # step sheet name after "L<n> "
    "disposisi": "Disposisi",
    "data": "Persiapan Data",
    "susun": "Penyusunan",
    "pembahasan": "Pembahasan",
    "paraf": "Paraf",
    "pemeriksaan": "Pemeriksaan",
    "penetapan": "Penetapan",
}
STEP_KIND_BUTTON = {  # (caption after "<n>. ", VBA Sub in RenaksiTombol.bas)
    "disposisi": ("Catat Disposisi", "Tombol_CatatDisposisi"),
    "data": ("Tarik Data DPA", "Tombol_TarikDPA"),
    "susun": ("Susun Draft", "Tombol_SusunDraft"),
    "pembahasan": ("Catat Pembahasan", "Tombol_CatatPembahasan"),
    "paraf": ("Paraf", "Tombol_Paraf"),
    "pemeriksaan": ("Paraf Pemeriksaan", "Tombol_ParafPemeriksaan"),
    "penetapan": ("Tetapkan", "Tombol_Tetapkan"),
}
STEP_KIND_INPUTS = {"disposisi": STEP_INPUTS[1], "pembahasan": STEP_INPUTS[4]}
# Beranda's button grid: columns D.. of the progress table, rows 4, 6, 8.
BUTTON_SLOTS = tuple(f"{c}{r}" for c in "DEFGHIJ" for r in (4, 6, 8))
# Pengaturan: a table's header row, at least the default's, and room below each table.
PENGATURAN_HEADER_ROWS = {TBL_PEJABAT: 4, TBL_PERAN_LANGKAH: 11, TBL_SETELAN: 20, TBL_LIBUR: 34}


@dataclass(frozen=True)
class BookLayout:
    """Sheet, table, button and action names of a workbook built from one SOP."""

    sop: Sop
    step_sheets: dict
    step_actions: dict
    tables: dict
    buttons: tuple
    sheet_order: tuple
    codenames: dict

    @classmethod
    def of(cls, sop) -> BookLayout:
        step_sheets = {s.number: f"L{s.number} {STEP_KIND_SHEET[s.kind]}" for s in sop.steps}
        step_actions = {s.number: s.action for s in sop.steps}
        order = (SHEET_BERANDA, SHEET_SOP, *step_sheets.values(), *SHEET_ORDER[2 + len(STEP_SHEETS) :])
        codenames = {name: CODENAMES.get(name) for name in SHEET_ORDER if name not in STEP_SHEETS.values()}
        codenames.update({name: f"shL{n}" for n, name in step_sheets.items()})
        tables = {n: t for n, t in TABLES.items() if not t.name.startswith("tblLangkah")}
        for n, sheet in step_sheets.items():
            tables[step_table(n)] = TableSpec(
                step_table(n), sheet, STEP_RECORD_COLUMNS, header_row=STEP_TABLE_HEADER_ROW
            )
        rows = {TBL_PEJABAT: max(len(sop.roles) + 2, 5), TBL_PERAN_LANGKAH: max(len(sop.steps), 5)}
        rows[TBL_SETELAN] = max(len(SETELAN_DEFAULTS), 5)
        header = PENGATURAN_HEADER_ROWS[TBL_PEJABAT]
        for name in (TBL_PEJABAT, TBL_PERAN_LANGKAH, TBL_SETELAN, TBL_LIBUR):
            header = max(header, PENGATURAN_HEADER_ROWS[name])
            tables[name] = TableSpec(name, SHEET_PENGATURAN, TABLES[name].columns, header_row=header)
            header += rows.get(name, 0) + 2
        # Beranda: every step's button, Validasi before the pemeriksaan step, Kembalikan before
        # the last step, then the buttons of no step.
        susun = next(s.number for s in sop.steps if s.kind == "susun")
        seq = []
        for s in sop.steps:
            if s.kind == "pemeriksaan":
                seq.append(("Validasi", "Tombol_Validasi", ACTION_VALIDASI))
            if s.number == len(sop.steps):
                seq.append((f"Kembalikan ke Langkah {susun}", "Tombol_Kembalikan", ACTION_KEMBALIKAN))
            caption, macro = STEP_KIND_BUTTON[s.kind]
            seq.append((f"{s.number}. {caption}", macro, s.action))
        seq += [
            ("Periksa Keaslian", "Tombol_PeriksaKeaslian", ACTION_PERIKSA_KEASLIAN),
            ("Siapkan Email Review", "Tombol_SiapkanEmail", ACTION_EMAIL),
            ("Cetak PDF", "Tombol_CetakPDF", ACTION_PDF),
            (REVISI_CAPTION, "Tombol_Revisi", ACTION_REVISI),
        ]
        if len(seq) > len(BUTTON_SLOTS):
            raise ValueError(f"{len(seq)} buttons do not fit Beranda's {len(BUTTON_SLOTS)} places")
        beranda = tuple(Button(c, m, a, SHEET_BERANDA, slot) for (c, m, a), slot in zip(seq, BUTTON_SLOTS))
        others = tuple(b for b in BUTTONS if b.sheet != SHEET_BERANDA)
        return cls(sop, step_sheets, step_actions, tables, beranda + others, order, codenames)

    def table(self, name: str) -> TableSpec:
        return self.tables[name]

    @property
    def roles(self) -> tuple:
        return self.sop.roles

    @property
    def step_of_action(self) -> dict:
        """Action -> the steps it records (a `paraf` SOP may have several paraf steps)."""
        out: dict = {}
        for n, a in self.step_actions.items():
            out.setdefault(a, []).append(n)
        return out

    @property
    def locked_after_tetapkan(self) -> tuple:
        return (SHEET_DPA, SHEET_RENCANA, SHEET_KINERJA, *self.step_sheets.values())

    @property
    def pdf_sheets(self) -> tuple:
        return (SHEET_RENCANA, self.step_sheets[len(self.step_sheets)], SHEET_BERANDA)

    def step_inputs(self, n: int) -> list[tuple[str, str]]:
        """(label, defined name) of a step sheet's input cells, in row order."""
        kind = self.sop.step(n).kind
        return list(STEP_KIND_INPUTS.get(kind, ())) + [("Catatan", f"{INPUT_CATATAN}{n}")]

    def named_cells(self) -> dict:
        out = dict(NAMED_CELLS)
        for n, sheet in self.step_sheets.items():
            for i, (_, name) in enumerate(self.step_inputs(n)):
                out[name] = (sheet, f"C{INPUT_FIRST_ROW + i}")
        return out
