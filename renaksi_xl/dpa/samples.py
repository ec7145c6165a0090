"""Sample DPA / PK data and the writers that turn it into files.

The figures are ILLUSTRATIVE: they look like a kecamatan's DPA (Kecamatan
Neglasari, Kota Tangerang, TA 2025) but are not the official budget.  Every
file written here says so.

`python -m renaksi_xl.dpa.samples` regenerates the committed outputs:
renaksi_xl/data/*.xlsx (used by the demo and the tests) and the templates
in workbook/templates/.  Tests and the benchmark reuse the writers to make
layout variants and broken inputs.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import layout
from ..resources import workbook_file

YEAR = 2025
UNIT = "KECAMATAN NEGLASARI"
ORG_CODE = "7.01.0.00.0.00.05.0000"
NOTE = (
    "CONTOH: angka ilustratif untuk uji dan demo renaksi-xl, bukan DPA resmi Kecamatan Neglasari "
    "Kota Tangerang."
)
FIXED_TIME = dt.datetime(2025, 1, 2, 8, 0, 0)

WEIGHTS = {
    "rata": [1] * 12,
    "gaji": [1, 1, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1],  # THR in April, gaji ke-13 in June
    "tw": [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1],
    "awal": [3, 3, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    "tengah": [0, 0, 0, 2, 3, 3, 2, 0, 0, 0, 0, 0],
    "akhir": [0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 1, 0],
    "musrenbang": [4, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0],
}


@dataclass
class Line:
    kode: str
    uraian: str
    items: list[tuple]  # (description, koefisien, satuan, harga)

    @property
    def jumlah(self) -> int:
        return sum(k * h for _, k, _, h in self.items)


@dataclass
class Sub:
    program: tuple[str, str]
    kegiatan: tuple[str, str]
    code: str
    name: str
    indikator: str
    target: str  # as SIPD prints it: '3 Dokumen'
    sumber: str
    lokasi: str
    lines: list[Line]
    cash: str = "rata"
    hasil: str = "Persentase dokumen yang diselesaikan tepat waktu"
    kas_override: list[int] | None = None

    @property
    def pagu(self) -> int:
        return sum(line.jumlah for line in self.lines)

    @property
    def kas(self) -> list[int]:
        if self.kas_override is not None:
            return list(self.kas_override)
        return spread(self.pagu, WEIGHTS[self.cash])


def spread(total: int, weights: list[int]) -> list[int]:
    """Monthly amounts in thousands of rupiah following `weights`, adding up exactly."""
    w = sum(weights)
    out = [(total * x // w) // 1000 * 1000 for x in weights]
    last = max(i for i, x in enumerate(weights) if x)
    out[last] += total - sum(out)
    return out


P1 = ("7.01.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA")
P2 = ("7.01.02", "PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK")
P3 = ("7.01.03", "PROGRAM PEMBERDAYAAN MASYARAKAT DESA DAN KELURAHAN")
P4 = ("7.01.04", "PROGRAM KOORDINASI KETENTRAMAN DAN KETERTIBAN UMUM")
P5 = ("7.01.05", "PROGRAM PENYELENGGARAAN URUSAN PEMERINTAHAN UMUM")
LOKASI = "Kota Tangerang, Kecamatan Neglasari"

ATK = "5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor"
KERTAS = "5.1.02.01.01.0025", "Belanja Alat/Bahan untuk Kegiatan Kantor-Kertas dan Cover"
CETAK = "5.1.02.01.01.0026", "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Cetak"
MAMIN = "5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat"
HONOR = "5.1.02.02.01.0003", "Honorarium Narasumber atau Pembahas, Moderator, Pembawa Acara, dan Panitia"
PERJADIN = "5.1.02.04.01.0003", "Belanja Perjalanan Dinas Dalam Kota"


def _l(pair, *items) -> Line:
    return Line(pair[0], pair[1], list(items))


def sample_subs() -> list[Sub]:
    """About twenty sub kegiatan of a kecamatan DPA (illustrative figures)."""
    k1 = ("7.01.01.2.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah")
    k2 = ("7.01.01.2.02", "Administrasi Keuangan Perangkat Daerah")
    k5 = ("7.01.01.2.05", "Administrasi Kepegawaian Perangkat Daerah")
    k6 = ("7.01.01.2.06", "Administrasi Umum Perangkat Daerah")
    k8 = ("7.01.01.2.08", "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah")
    k9 = ("7.01.01.2.09", "Pemeliharaan Barang Milik Daerah Penunjang Urusan Pemerintahan Daerah")
    k21 = ("7.01.02.2.01", "Koordinasi Penyelenggaraan Kegiatan Pemerintahan di Tingkat Kecamatan")
    k31 = ("7.01.03.2.01", "Penyelenggaraan Pemberdayaan Masyarakat Desa/Kelurahan")
    k41 = ("7.01.04.2.01", "Koordinasi Upaya Penyelenggaraan Ketenteraman dan Ketertiban Umum")
    k51 = ("7.01.05.2.01", "Koordinasi Penerapan dan Penegakan Peraturan Daerah dan Peraturan Kepala Daerah")
    return [
        Sub(
            P1,
            k1,
            "7.01.01.2.01.0001",
            "Penyusunan Dokumen Perencanaan Perangkat Daerah",
            "Jumlah Dokumen Perencanaan Perangkat Daerah",
            "3 Dokumen",
            "PAD",
            LOKASI,
            [
                _l(ATK, ("Kertas HVS A4 70 gram", 40, "Rim", 55_000), ("Tinta printer", 10, "Botol", 95_000)),
                _l(MAMIN, ("Makan dan minum rapat penyusunan Renja", 180, "Kotak", 45_000)),
                _l(HONOR, ("Honorarium narasumber forum perangkat daerah", 6, "OJ", 900_000)),
                _l(CETAK, ("Penggandaan dan penjilidan dokumen Renja dan RKA", 60, "Buku", 75_000)),
            ],
            cash="tw",
        ),
        Sub(
            P1,
            k1,
            "7.01.01.2.01.0006",
            "Koordinasi dan Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD",
            "Jumlah Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD",
            "4 Laporan",
            "PAD",
            LOKASI,
            [
                _l(ATK, ("Alat tulis kantor penyusunan LKjIP", 1, "Paket", 2_400_000)),
                _l(MAMIN, ("Makan dan minum rapat evaluasi kinerja", 120, "Kotak", 45_000)),
                _l(CETAK, ("Penggandaan laporan kinerja", 40, "Buku", 65_000)),
            ],
            cash="tw",
        ),
        Sub(
            P1,
            k1,
            "7.01.01.2.01.0007",
            "Evaluasi Kinerja Perangkat Daerah",
            "Jumlah Laporan Evaluasi Kinerja Perangkat Daerah",
            "4 Laporan",
            "PAD",
            LOKASI,
            [
                _l(MAMIN, ("Makan dan minum rapat monitoring dan evaluasi", 160, "Kotak", 45_000)),
                _l(PERJADIN, ("Perjalanan dinas monitoring ke kelurahan", 56, "OH", 150_000)),
            ],
            cash="tw",
        ),
        Sub(
            P1,
            k2,
            "7.01.01.2.02.0001",
            "Penyediaan Gaji dan Tunjangan ASN",
            "Jumlah Orang yang Menerima Gaji dan Tunjangan ASN",
            "52 Orang/bulan",
            "DAU",
            LOKASI,
            [
                _l(
                    ("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS"),
                    ("Gaji pokok PNS (14 kali bayar)", 728, "Orang/Bulan", 3_842_500),
                ),
                _l(
                    ("5.1.01.01.02.0001", "Belanja Tunjangan Keluarga PNS"),
                    ("Tunjangan suami/istri dan anak", 728, "Orang/Bulan", 384_250),
                ),
                _l(
                    ("5.1.01.01.03.0001", "Belanja Tunjangan Jabatan PNS"),
                    ("Tunjangan jabatan struktural", 168, "Orang/Bulan", 1_260_000),
                ),
                _l(
                    ("5.1.01.01.05.0001", "Belanja Tunjangan Fungsional Umum PNS"),
                    ("Tunjangan fungsional umum", 560, "Orang/Bulan", 185_000),
                ),
                _l(
                    ("5.1.01.01.06.0001", "Belanja Tunjangan Beras PNS"),
                    ("Tunjangan beras", 624, "Orang/Bulan", 289_680),
                ),
            ],
            cash="gaji",
            hasil="Persentase ASN yang menerima gaji tepat waktu",
        ),
        Sub(
            P1,
            k2,
            "7.01.01.2.02.0003",
            "Pelaksanaan Penatausahaan dan Pengujian/Verifikasi Keuangan SKPD",
            "Jumlah Dokumen Penatausahaan dan Pengujian/Verifikasi Keuangan SKPD",
            "12 Dokumen",
            "PAD",
            LOKASI,
            [
                _l(
                    (
                        "5.1.02.02.01.0004",
                        "Honorarium Tim Pelaksana Kegiatan dan Sekretariat Tim Pelaksana Kegiatan",
                    ),
                    ("Honorarium pengelola keuangan", 48, "OB", 600_000),
                ),
                _l(ATK, ("Alat tulis kantor penatausahaan", 12, "Paket", 350_000)),
                _l(KERTAS, ("Kertas F4 80 gram", 60, "Rim", 62_000)),
            ],
            cash="rata",
        ),
        Sub(
            P1,
            k2,
            "7.01.01.2.02.0007",
            "Koordinasi dan Penyusunan Laporan Keuangan Akhir Tahun SKPD",
            "Jumlah Laporan Keuangan Akhir Tahun SKPD",
            "1 Laporan",
            "PAD",
            LOKASI,
            [
                _l(MAMIN, ("Makan dan minum rapat rekonsiliasi", 90, "Kotak", 45_000)),
                _l(CETAK, ("Penggandaan laporan keuangan", 20, "Buku", 85_000)),
            ],
            cash="awal",
        ),
        Sub(
            P1,
            k5,
            "7.01.01.2.05.0009",
            "Pendidikan dan Pelatihan Pegawai Berdasarkan Tugas dan Fungsi",
            "Jumlah Pegawai Berdasarkan Tugas dan Fungsi yang Mengikuti Pendidikan dan Pelatihan",
            "10 Orang",
            "PAD",
            LOKASI,
            [
                _l(
                    ("5.1.02.02.12.0001", "Belanja Kursus Singkat/Pelatihan"),
                    ("Kontribusi pelatihan teknis", 10, "Orang", 2_750_000),
                ),
                _l(PERJADIN, ("Transport peserta pelatihan", 30, "OH", 150_000)),
            ],
            cash="tengah",
        ),
        Sub(
            P1,
            k6,
            "7.01.01.2.06.0001",
            "Penyediaan Komponen Instalasi Listrik/Penerangan Bangunan Kantor",
            "Jumlah Paket Komponen Instalasi Listrik/Penerangan Bangunan Kantor yang Disediakan",
            "12 Paket",
            "PAD",
            LOKASI,
            [
                _l(
                    ("5.1.02.01.01.0031", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Listrik"),
                    ("Lampu LED 18 watt", 96, "Buah", 65_000),
                    ("Kabel NYM 2x1,5 mm", 4, "Roll", 650_000),
                    ("Stop kontak dan saklar", 24, "Buah", 45_000),
                ),
            ],
            cash="rata",
        ),
        Sub(
            P1,
            k6,
            "7.01.01.2.06.0002",
            "Penyediaan Peralatan dan Perlengkapan Kantor",
            "Jumlah Paket Peralatan dan Perlengkapan Kantor yang Disediakan",
            "1 Paket",
            "PAD",
            LOKASI,
            [
                _l(
                    ("5.2.02.05.01.0005", "Belanja Modal Alat Kantor Lainnya"),
                    ("Lemari arsip besi 4 laci", 4, "Unit", 3_850_000),
                ),
                _l(
                    ("5.2.02.10.01.0002", "Belanja Modal Personal Computer"),
                    ("Komputer PC all-in-one", 3, "Unit", 14_500_000),
                ),
            ],
            cash="tengah",
        ),
        Sub(
            P1,
            k6,
            "7.01.01.2.06.0004",
            "Penyediaan Bahan Logistik Kantor",
            "Jumlah Paket Bahan Logistik Kantor yang Disediakan",
            "12 Paket",
            "PAD",
            LOKASI,
            [
                _l(
                    ("5.1.02.01.01.0029", "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Komputer"),
                    ("Toner dan flashdisk", 12, "Paket", 1_150_000),
                ),
                _l(
                    ("5.1.02.01.01.0030", "Belanja Alat/Bahan untuk Kegiatan Kantor-Perabot Kantor"),
                    ("Perabot kantor habis pakai", 12, "Paket", 450_000),
                ),
            ],
            cash="rata",
        ),
        Sub(
            P1,
            k6,
            "7.01.01.2.06.0005",
            "Penyediaan Barang Cetakan dan Penggandaan",
            "Jumlah Paket Barang Cetakan dan Penggandaan yang Disediakan",
            "12 Paket",
            "PAD",
            LOKASI,
            [
                _l(CETAK, ("Cetak map, amplop dan kop surat", 12, "Paket", 1_250_000)),
                _l(
                    ("5.1.02.01.01.0027", "Belanja Alat/Bahan untuk Kegiatan Kantor-Benda Pos"),
                    ("Meterai", 300, "Lembar", 10_000),
                ),
            ],
            cash="rata",
        ),
        Sub(
            P1,
            k6,
            "7.01.01.2.06.0009",
            "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD",
            "Jumlah Laporan Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD",
            "12 Laporan",
            "PAD",
            LOKASI,
            [
                _l(MAMIN, ("Makan dan minum rapat koordinasi", 600, "Kotak", 45_000)),
                _l(
                    ("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa"),
                    ("Konsultasi ke Pemerintah Provinsi Banten", 12, "OP", 1_500_000),
                ),
                _l(PERJADIN, ("Perjalanan dinas dalam kota", 120, "OH", 150_000)),
            ],
            cash="rata",
        ),
        Sub(
            P1,
            k8,
            "7.01.01.2.08.0002",
            "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik",
            "Jumlah Laporan Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik yang Disediakan",
            "12 Laporan",
            "PAD",
            LOKASI,
            [
                _l(
                    ("5.1.02.02.01.0061", "Belanja Tagihan Listrik"),
                    ("Tagihan listrik kantor kecamatan", 12, "Bulan", 9_500_000),
                ),
                _l(("5.1.02.02.01.0060", "Belanja Tagihan Air"), ("Tagihan air", 12, "Bulan", 650_000)),
                _l(
                    ("5.1.02.02.01.0063", "Belanja Kawat/Faksimili/Internet/TV Berlangganan"),
                    ("Langganan internet kantor", 12, "Bulan", 1_850_000),
                ),
            ],
            cash="rata",
        ),
        Sub(
            P1,
            k8,
            "7.01.01.2.08.0004",
            "Penyediaan Jasa Pelayanan Umum Kantor",
            "Jumlah Laporan Penyediaan Jasa Pelayanan Umum Kantor yang Disediakan",
            "12 Laporan",
            "PAD",
            LOKASI,
            [
                _l(
                    ("5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi"),
                    ("Tenaga administrasi", 96, "OB", 4_760_000),
                ),
                _l(
                    ("5.1.02.02.01.0030", "Belanja Jasa Tenaga Kebersihan"),
                    ("Tenaga kebersihan", 48, "OB", 4_760_000),
                ),
                _l(
                    ("5.1.02.02.01.0031", "Belanja Jasa Tenaga Keamanan"),
                    ("Tenaga keamanan", 36, "OB", 4_760_000),
                ),
            ],
            cash="rata",
        ),
        Sub(
            P1,
            k9,
            "7.01.01.2.09.0002",
            "Penyediaan Jasa Pemeliharaan, Biaya Pemeliharaan, Pajak dan Perizinan Kendaraan Dinas "
            "Operasional atau Lapangan",
            "Jumlah Kendaraan Dinas Operasional atau Lapangan yang Dipelihara dan Dibayarkan Pajak dan "
            "Perizinannya",
            "6 Unit",
            "PAD",
            LOKASI,
            [
                _l(
                    ("5.1.02.01.01.0004", "Belanja Bahan-Bahan Bakar dan Pelumas"),
                    ("Bahan bakar kendaraan dinas", 4_320, "Liter", 12_500),
                ),
                _l(
                    (
                        "5.1.02.03.02.0035",
                        "Belanja Pemeliharaan Alat Angkutan-Alat Angkutan Darat Bermotor-Kendaraan Bermotor Penumpang",
                    ),
                    ("Servis berkala kendaraan roda empat", 12, "Kali", 1_750_000),
                    ("Servis berkala kendaraan roda dua", 24, "Kali", 350_000),
                ),
            ],
            cash="rata",
        ),
        Sub(
            P1,
            k9,
            "7.01.01.2.09.0009",
            "Pemeliharaan/Rehabilitasi Gedung Kantor dan Bangunan Lainnya",
            "Jumlah Gedung Kantor dan Bangunan Lainnya yang Dipelihara/Direhabilitasi",
            "1 Unit",
            "PAD",
            LOKASI,
            [
                _l(
                    (
                        "5.1.02.03.03.0001",
                        "Belanja Pemeliharaan Bangunan Gedung-Bangunan Gedung Tempat Kerja-Bangunan Gedung Kantor",
                    ),
                    ("Pengecatan dan perbaikan atap kantor kecamatan", 1, "Paket", 185_000_000),
                ),
            ],
            cash="akhir",
            hasil="Persentase gedung kantor dalam kondisi baik",
        ),
        Sub(
            P2,
            k21,
            "7.01.02.2.01.0001",
            "Koordinasi/Sinergi Perencanaan dan Pelaksanaan Kegiatan Pemerintahan dengan Perangkat Daerah dan "
            "Instansi Vertikal Terkait",
            "Jumlah Laporan Hasil Koordinasi/Sinergi Perencanaan dan Pelaksanaan Kegiatan Pemerintahan",
            "4 Laporan",
            "PAD",
            LOKASI,
            [
                _l(MAMIN, ("Makan dan minum rapat koordinasi pemerintahan", 240, "Kotak", 45_000)),
                _l(PERJADIN, ("Perjalanan dinas koordinasi", 48, "OH", 150_000)),
            ],
            cash="tw",
        ),
        Sub(
            P3,
            k31,
            "7.01.03.2.01.0001",
            "Fasilitasi Pelaksanaan Musyawarah Perencanaan Pembangunan (Musrenbang) Kelurahan dan Kecamatan",
            "Jumlah Laporan Pelaksanaan Musrenbang Kelurahan dan Kecamatan",
            "8 Laporan",
            "PAD",
            "Kecamatan Neglasari (7 kelurahan)",
            [
                _l(MAMIN, ("Makan dan minum Musrenbang kelurahan dan kecamatan", 700, "Kotak", 45_000)),
                _l(HONOR, ("Honorarium narasumber Musrenbang", 8, "OJ", 900_000)),
                _l(CETAK, ("Penggandaan bahan Musrenbang", 350, "Eksemplar", 25_000)),
            ],
            cash="musrenbang",
        ),
        Sub(
            P3,
            k31,
            "7.01.03.2.01.0002",
            "Pemberdayaan Lembaga Kemasyarakatan Kelurahan",
            "Jumlah Lembaga Kemasyarakatan Kelurahan yang Diberdayakan",
            "7 Lembaga",
            "PAD",
            "Kecamatan Neglasari (7 kelurahan)",
            [
                _l(MAMIN, ("Makan dan minum pembinaan LPM, RT dan RW", 420, "Kotak", 45_000)),
                _l(HONOR, ("Honorarium narasumber pembinaan", 7, "OJ", 900_000)),
            ],
            cash="tengah",
        ),
        Sub(
            P4,
            k41,
            "7.01.04.2.01.0001",
            "Sinergi dengan Kepolisian Negara Republik Indonesia, Tentara Nasional Indonesia dan Instansi "
            "Vertikal di Wilayah Kecamatan",
            "Persentase Kegiatan Sinergi Ketenteraman dan Ketertiban Umum yang Terlaksana",
            "100 %",
            "PAD",
            LOKASI,
            [
                _l(MAMIN, ("Makan dan minum rapat Muspika", 360, "Kotak", 45_000)),
                _l(PERJADIN, ("Patroli bersama dan monitoring wilayah", 96, "OH", 150_000)),
            ],
            cash="rata",
            hasil="Persentase gangguan trantibum yang tertangani",
        ),
        Sub(
            P5,
            k51,
            "7.01.05.2.01.0001",
            "Koordinasi Penerapan dan Penegakan Peraturan Daerah dan Peraturan Kepala Daerah",
            "Jumlah Laporan Koordinasi Penerapan dan Penegakan Perda dan Perkada",
            "4 Laporan",
            "PAD",
            LOKASI,
            [
                _l(MAMIN, ("Makan dan minum rapat koordinasi penegakan Perda", 200, "Kotak", 45_000)),
                _l(PERJADIN, ("Monitoring penegakan Perda", 40, "OH", 150_000)),
            ],
            cash="tw",
        ),
    ]


def expected_records(subs: list[Sub]) -> list[dict]:
    """What the readers must return for `subs` (the `renaksi-xl dpa --json` records)."""
    out = []
    for s in subs:
        number, _, unit = s.target.partition(" ")
        target = float(number.replace(",", ".")) if "," in number else int(number.replace(".", ""))
        out.append(
            {
                "kode_sub_kegiatan": s.code,
                "sub_kegiatan": s.name,
                "kode_kegiatan": s.kegiatan[0],
                "kegiatan": s.kegiatan[1],
                "kode_program": s.program[0],
                "program": s.program[1],
                "indikator_keluaran": s.indikator,
                "target_keluaran": target,
                "satuan": unit or None,
                "sumber_dana": s.sumber,
                "lokasi": s.lokasi,
                "pagu": s.pagu,
                "kas": s.kas,
                "keluaran": [{"indikator": s.indikator, "target": target, "satuan": unit or None}],
                "pagu_sebelum": None,
            }
        )
    return out


# ============================================================== number styles
def styled(value: int, style: str):
    """An amount as users meet it: a number, or text in one of the usual styles."""
    if style == "number":
        return value
    grouped = f"{abs(value):,}"
    if style == "id_text":  # Rp 1.250.000,00
        text = "Rp " + grouped.replace(",", ".") + ",00"
    elif style == "en_text":  # 1,250,000.00
        text = grouped + ".00"
    elif style == "id_plain":  # 1.250.000
        text = grouped.replace(",", ".")
    elif style == "rp_dash":  # Rp. 1.250.000,-
        text = "Rp. " + grouped.replace(",", ".") + ",-"
    else:
        raise ValueError(style)
    return f"({text})" if value < 0 else text


# ============================================================== SIPD layout
@dataclass
class SheetData:
    """One sheet to write: rows of values and merged ranges (row, first_col, last_col), 0-based."""

    name: str
    rows: list[list] = field(default_factory=list)
    merges: list[tuple[int, int, int]] = field(default_factory=list)
    hidden: set[int] = field(default_factory=set)
    header_rows: set[int] = field(default_factory=set)

    def add(self, values: list, merge_to: int | None = None, *, header: bool = False) -> int:
        r = len(self.rows)
        self.rows.append(list(values))
        if merge_to is not None:
            self.merges.append((r, len(values) - 1 if len(values) > 1 else 0, merge_to))
        if header:
            self.header_rows.add(r)
        return r

    def find(self, label: str, start: int = 0) -> int:
        """Row index of the first row at/after `start` whose first cell is `label`."""
        for r in range(start, len(self.rows)):
            if self.rows[r] and self.rows[r][0] == label:
                return r
        raise KeyError(label)


LAST_COL = 6  # A..G


def sipd_block(sheet: SheetData, s: Sub, style: str = "number", *, hide_items: bool = False) -> None:
    """Append the DPA Rincian Belanja of one sub kegiatan (SIPD layout) to `sheet`."""
    pagu = s.pagu
    sheet.add(["DOKUMEN PELAKSANAAN ANGGARAN"], LAST_COL, header=True)
    sheet.add(["SATUAN KERJA PERANGKAT DAERAH"], LAST_COL, header=True)
    sheet.add([f"PEMERINTAH KOTA TANGERANG TAHUN ANGGARAN {YEAR}"], LAST_COL, header=True)
    sheet.add([None, None, None, None, None, "Formulir DPA-RINCIAN BELANJA SKPD"], LAST_COL)
    sheet.add(["Nomor DPA", ":", f"DPA/A.1/{ORG_CODE}/001/{YEAR}"], LAST_COL)
    sheet.add(["Urusan Pemerintahan", ":", "7 - UNSUR KEWILAYAHAN"], LAST_COL)
    sheet.add(["Bidang Urusan", ":", "7.01 - KECAMATAN"], LAST_COL)
    sheet.add(["Program", ":", f"{s.program[0]} - {s.program[1]}"], LAST_COL)
    sheet.add(["Kegiatan", ":", f"{s.kegiatan[0]} - {s.kegiatan[1]}"], LAST_COL)
    sheet.add(["Organisasi", ":", f"{ORG_CODE} - {UNIT}"], LAST_COL)
    sheet.add(["Unit", ":", f"{ORG_CODE} - {UNIT}"], LAST_COL)
    for year, factor in ((YEAR - 1, 0.95), (YEAR, 1), (YEAR + 1, 1.05)):
        sheet.add(
            [f"Alokasi Tahun {year}", ":", styled(int(pagu * factor) // 1000 * 1000, "id_text")], LAST_COL
        )
    sheet.add([])
    sheet.add(["Indikator & Tolok Ukur Kinerja Kegiatan"], LAST_COL, header=True)
    r = sheet.add(["Indikator", "Tolok Ukur Kinerja", None, None, None, "Target Kinerja"], header=True)
    sheet.merges += [(r, 1, 4), (r, 5, 6)]
    for label, tolok, target in (
        ("Capaian Kegiatan", "Persentase capaian kinerja kegiatan", "100 %"),
        ("Masukan", "Dana yang dibutuhkan", styled(pagu, "id_text")),
        ("Keluaran", s.indikator, s.target),
        ("Hasil", s.hasil, "100 %"),
    ):
        r = sheet.add([label, tolok, None, None, None, target])
        sheet.merges += [(r, 1, 4), (r, 5, 6)]
    sheet.add(["Kelompok Sasaran Kegiatan", ":", "Aparatur dan masyarakat Kecamatan Neglasari"], LAST_COL)
    sheet.add([])
    sheet.add(["Sub Kegiatan", ":", f"{s.code} - {s.name}"], LAST_COL)
    sheet.add(["Sumber Pendanaan", ":", s.sumber], LAST_COL)
    sheet.add(["Lokasi", ":", s.lokasi], LAST_COL)
    sheet.add(["Waktu Pelaksanaan", ":", "Januari s.d. Desember"], LAST_COL)
    sheet.add(["Keterangan", ":", None], LAST_COL)
    sheet.add([])
    sheet.add(["Kode Rekening", "Uraian", "Koefisien", "Satuan", "Harga", "PPN", "Jumlah"], header=True)
    # parent (subtotal) rows for each code prefix, then each leaf with its items
    names = {"5": "BELANJA DAERAH", "5.1": "BELANJA OPERASI", "5.2": "BELANJA MODAL"}
    done: set[str] = set()
    for line in sorted(s.lines, key=lambda x: x.kode):
        parts = line.kode.split(".")
        for depth in range(1, len(parts)):
            prefix = ".".join(parts[:depth])
            if prefix in done:
                continue
            done.add(prefix)
            subtotal = sum(x.jumlah for x in s.lines if x.kode.startswith(prefix + "."))
            sheet.add(
                [
                    prefix,
                    names.get(prefix, f"Belanja {prefix}"),
                    None,
                    None,
                    None,
                    None,
                    styled(subtotal, style),
                ]
            )
        sheet.add([line.kode, line.uraian, None, None, None, None, styled(line.jumlah, style)])
        for desc, koef, satuan, harga in line.items:
            r = sheet.add([None, desc, koef, satuan, styled(harga, style), 0, styled(koef * harga, style)])
            if hide_items:
                sheet.hidden.add(r)
    sheet.add(["Jumlah Anggaran Sub Kegiatan", None, None, None, None, None, styled(pagu, style)])
    sheet.merges.append((len(sheet.rows) - 1, 0, 5))
    sheet.add([])
    sheet.add(["Rencana Penarikan Dana per Bulan"], LAST_COL, header=True)
    kas = s.kas
    for i in range(6):
        sheet.add(
            [layout.MONTHS[i], styled(kas[i], style), None, layout.MONTHS[i + 6], styled(kas[i + 6], style)]
        )
    sheet.add(["Jumlah", styled(sum(kas), style)])
    sheet.add([])
    sheet.add([None, None, None, None, f"Tangerang, 2 Januari {YEAR}"], LAST_COL)
    sheet.add([None, None, None, None, "Camat Neglasari"], LAST_COL)
    sheet.add([])


def sipd_sheets(
    subs: list[Sub],
    variant: str = "one_sheet",
    style: str = "number",
    *,
    hide_items: bool = False,
    note: bool = True,
) -> list[SheetData]:
    """The sheets of a SIPD export: all blocks on one sheet, or one sheet per sub kegiatan."""
    if variant == "one_sheet":
        sheet = SheetData("DPA Rincian Belanja")
        if note:
            sheet.add([NOTE], LAST_COL)
            sheet.add([])
        for s in subs:
            sipd_block(sheet, s, style, hide_items=hide_items)
        return [sheet]
    if variant == "per_sheet":
        cover = SheetData("Sampul")
        cover.add([f"DPA RINCIAN BELANJA {UNIT} TAHUN ANGGARAN {YEAR}"])
        if note:
            cover.add([NOTE])
        out = [cover]
        for i, s in enumerate(subs, 1):
            sheet = SheetData(f"Sub {i}")
            sipd_block(sheet, s, style, hide_items=hide_items)
            out.append(sheet)
        return out
    raise ValueError(variant)


def write_sheets(path: str | Path, sheets: list[SheetData], *, constant_memory: bool = False) -> Path:
    """Write sheets with XlsxWriter: merged cells, hidden rows, dates as real dates."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": constant_memory,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties(
        {
            "title": "DPA Rincian Belanja (contoh)",
            "author": "renaksi-xl",
            "created": FIXED_TIME,
            "comments": NOTE,
        }
    )
    money = wb.add_format({"num_format": "#,##0"})
    bold = wb.add_format({"bold": True})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    for sd in sheets:
        ws = wb.add_worksheet(sd.name)
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 48)
        ws.set_column(2, 6, 15)
        merges: dict[int, list[tuple[int, int]]] = {}
        for r, c1, c2 in sd.merges:
            merges.setdefault(r, []).append((c1, c2))
        for r, row in enumerate(sd.rows):
            if r in sd.hidden:
                ws.set_row(r, None, None, {"hidden": True})
            fmt_row = bold if r in sd.header_rows else None
            merged_cols = {}
            for c1, c2 in merges.get(r, []):
                merged_cols[c1] = c2
            c = 0
            while c < len(row):
                v = row[c]
                if c in merged_cols and merged_cols[c] > c:
                    ws.merge_range(r, c, r, merged_cols[c], v, fmt_row)
                    c = merged_cols[c] + 1
                    continue
                if isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, v, date_fmt)
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(r, c, v, money)
                elif v is not None:
                    ws.write_string(r, c, str(v), fmt_row) if fmt_row else ws.write_string(r, c, str(v))
                c += 1
    wb.close()
    return path


def write_sipd(
    path,
    subs: list[Sub],
    variant: str = "one_sheet",
    style: str = "number",
    *,
    hide_items: bool = False,
    mutate: Callable[[list[SheetData]], None] | None = None,
) -> Path:
    sheets = sipd_sheets(subs, variant, style, hide_items=hide_items)
    if mutate is not None:
        mutate(sheets)
    return write_sheets(path, sheets)


# ============================================================== flat template
DPA_HEADERS = layout.table(layout.TBL_DPA).headers
TEMPLATE_TITLE = "Templat Impor DPA renaksi-xl: satu baris per sub kegiatan; kode ditulis sebagai teks."


def flat_rows(records: list[dict], style: str = "number") -> list[list]:
    rows = []
    for r in records:
        rows.append(
            [
                r["kode_sub_kegiatan"],
                r["sub_kegiatan"],
                r["kode_kegiatan"],
                r["kegiatan"],
                r["kode_program"],
                r["program"],
                r["indikator_keluaran"],
                r["target_keluaran"],
                r["satuan"],
                r["sumber_dana"],
                r["lokasi"],
                styled(r["pagu"], style),
                *(styled(k, style) for k in r["kas"]),
            ]
        )
    return rows


def write_flat_xlsx(
    path,
    records: list[dict],
    style: str = "number",
    *,
    note: str | None = NOTE,
    mutate: Callable[[list[list]], None] | None = None,
) -> Path:
    """The flat import template: title rows, the tblDPA header row, one row per sub kegiatan.

    Code columns are formatted as Text so Excel keeps '7.01.01' as typed.
    """
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = flat_rows(records, style)
    if mutate is not None:
        mutate(rows)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    wb.set_properties(
        {"title": "Templat Impor DPA", "author": "renaksi-xl", "created": FIXED_TIME, "comments": note or ""}
    )
    text = wb.add_format({"num_format": "@"})
    money = wb.add_format({"num_format": "#,##0"})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    ws = wb.add_worksheet("DPA")
    ws.write(0, 0, TEMPLATE_TITLE, wb.add_format({"bold": True}))
    if note:
        ws.write(1, 0, note)
    header_row = 3
    spec = layout.table(layout.TBL_DPA)
    for c, col in enumerate(spec.columns):
        fmt = text if col.kind in (layout.CODE, layout.TEXT) else money
        ws.set_column(c, c, col.width, fmt)
        ws.write_string(header_row, c, col.header, head)
    for i, row in enumerate(rows, header_row + 1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, (dt.date, dt.datetime)):
                ws.write_datetime(i, c, v, wb.add_format({"num_format": "dd/mm/yyyy"}))
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(i, c, v, money)
            else:
                ws.write_string(i, c, str(v), text)
    ws.freeze_panes(header_row + 1, 2)
    guide = wb.add_worksheet("Petunjuk")
    for r, line in enumerate(TEMPLATE_GUIDE):
        guide.write_string(r, 0, line)
    guide.set_column(0, 0, 110)
    wb.close()
    return path


TEMPLATE_GUIDE = (
    "Petunjuk pengisian templat impor DPA",
    "1. Satu baris per sub kegiatan, mulai di bawah baris judul kolom. Jangan mengubah judul kolom.",
    "2. Kode ditulis sebagai teks (kolom sudah berformat Teks): 7.01.01, 7.01.01.2.01, 7.01.01.2.01.0001.",
    "   Bila Excel mengubah kode menjadi angka atau tanggal, renaksi-xl menolak baris itu dan menyebut selnya.",
    "3. Pagu dan anggaran kas per bulan dalam rupiah; boleh 1250000, 1.250.000 atau Rp 1.250.000,00.",
    "4. Jumlah anggaran kas Januari s.d. Desember harus sama dengan pagu.",
    "5. Kode Kegiatan dan Kode Program boleh dikosongkan: diambil dari awal Kode Sub Kegiatan.",
    "6. Simpan sebagai .xlsx, atau .csv (pemisah koma atau titik koma), lalu klik 'Tarik Data DPA'.",
)


def write_flat_csv(
    path,
    records: list[dict],
    *,
    delimiter: str = ";",
    style: str = "id_plain",
    encoding: str = "utf-8-sig",
    mutate: Callable[[list[list]], None] | None = None,
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = flat_rows(records, style)
    if mutate is not None:
        mutate(rows)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(DPA_HEADERS)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return path


# ============================================================== PK
def sample_pk() -> list[list]:
    """Perjanjian Kinerja indicators (illustrative): sasaran, indikator, satuan, target, sifat target and
    the penanggung jawab by role; quarter targets are left for Susun to fill."""
    sek, kasubag, camat = layout.ROLE_SEKRETARIS, layout.ROLE_KASUBAG, layout.ROLE_CAMAT
    return [
        [
            "Meningkatnya kualitas pelayanan publik kecamatan",
            "Indeks Kepuasan Masyarakat (IKM) Kecamatan",
            "Indeks",
            82.5,
            "Akhir Tahun",
            sek,
        ],
        [
            "Meningkatnya akuntabilitas kinerja perangkat daerah",
            "Nilai SAKIP Kecamatan",
            "Nilai",
            72,
            "Akhir Tahun",
            kasubag,
        ],
        [
            "Meningkatnya akuntabilitas kinerja perangkat daerah",
            "Persentase laporan kinerja yang disampaikan tepat waktu",
            "%",
            100,
            "Tetap",
            kasubag,
        ],
        [
            "Meningkatnya partisipasi masyarakat dalam pembangunan",
            "Jumlah Laporan Pelaksanaan Musrenbang Kelurahan dan Kecamatan",
            "Laporan",
            8,
            "Kumulatif",
            sek,
        ],
        [
            "Terwujudnya ketenteraman dan ketertiban umum",
            "Persentase gangguan trantibum yang tertangani",
            "%",
            100,
            "Tetap",
            camat,
        ],
    ]


PK_HEADERS = layout.table(layout.TBL_KINERJA).headers


def write_pk_xlsx(path, rows: list[list] | None, *, note: str | None = NOTE) -> Path:
    """PK template: title, the tblKinerja header row, one row per indicator (TW targets optional)."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    wb.set_properties(
        {
            "title": "Templat Perjanjian Kinerja",
            "author": "renaksi-xl",
            "created": FIXED_TIME,
            "comments": note or "",
        }
    )
    head = wb.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1, "text_wrap": True})
    ws = wb.add_worksheet("PK")
    ws.write(
        0,
        0,
        "Templat Perjanjian Kinerja (PK) renaksi-xl: satu baris per indikator. Target per triwulan "
        "boleh dikosongkan (dihitung dari Sifat Target).",
        wb.add_format({"bold": True}),
    )
    if note:
        ws.write(1, 0, note)
    spec = layout.table(layout.TBL_KINERJA)
    for c, col in enumerate(spec.columns):
        ws.set_column(c, c, col.width)
        ws.write_string(3, c, col.header, head)
    ws.data_validation(4, 4, 500, 4, {"validate": "list", "source": list(layout.SIFAT_TARGET)})
    for i, row in enumerate(rows or [], 4):
        sasaran, indikator, satuan, target, sifat, pj = row
        values = [sasaran, indikator, satuan, target, sifat, None, None, None, None, pj]
        for c, v in enumerate(values):
            if v is not None:
                ws.write(i, c, v)
    wb.close()
    return path


# ============================================================== committed outputs
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TEMPLATES_DIR = workbook_file("templates")  # workbook/templates, package data in a wheel
SAMPLE_DPA_NAME = "DPA_Rincian_Belanja_Neglasari_2025.xlsx"
SAMPLE_PK_NAME = "PK_Neglasari_2025.xlsx"
TEMPLATE_DPA_NAME = "Templat_Impor_DPA.xlsx"
TEMPLATE_CSV_NAME = "Contoh_Impor_DPA.csv"
TEMPLATE_PK_NAME = "Templat_Perjanjian_Kinerja.xlsx"


def generate_all(data_dir: Path = DATA_DIR, templates_dir: Path = TEMPLATES_DIR) -> list[Path]:
    subs = sample_subs()
    records = expected_records(subs)
    return [
        write_sipd(data_dir / SAMPLE_DPA_NAME, subs),
        write_pk_xlsx(data_dir / SAMPLE_PK_NAME, sample_pk()),
        write_flat_xlsx(templates_dir / TEMPLATE_DPA_NAME, [], note=None),
        write_flat_csv(templates_dir / TEMPLATE_CSV_NAME, records),
        write_pk_xlsx(templates_dir / TEMPLATE_PK_NAME, None, note=None),
    ]


if __name__ == "__main__":  # pragma: no cover
    for p in generate_all():
        print(p)
