"""The SOP Penyusunan Rencana Aksi as data (SOP 004/000.9.3.3/I/2024, Kecamatan Neglasari).

Text is kept as the SOP words it (typos of the original fixed only where they
would mislead).  The role per step is the default; `Pengaturan` may override it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .layout import PARAF, ROLE_CAMAT, ROLE_KASUBAG, ROLE_SEKRETARIS, TANDA_TANGAN

SOP_NUMBER = "004/000.9.3.3/I/2024"
SOP_NAME = "Penyusunan Rencana Aksi"
SOP_UNIT = "Kecamatan Neglasari"
SOP_PEMDA = "Kota Tangerang"
SOP_TANGGAL_PENGESAHAN = "10 Januari 2024"
SOP_TANGGAL_REVISI = "-"
SOP_DISAHKAN_OLEH = ("Camat Neglasari", "ANDHIKA NUGRAHA K.M., SSTP", "198303302001121003")


@dataclass(frozen=True)
class StandardTime:
    """A Mutu Baku time: working days plus minutes ("2 Hari", "15 Menit")."""

    days: int = 0
    minutes: int = 0

    def label(self) -> str:
        parts = []
        if self.days:
            parts.append(f"{self.days} hari")
        if self.minutes:
            parts.append(f"{self.minutes} menit")
        return " ".join(parts) or "0 menit"


@dataclass(frozen=True)
class Step:
    number: int
    uraian: str  # Uraian Prosedur
    role: str  # default Pelaksana
    kelengkapan: str  # Kelengkapan dan Peralatan (inputs)
    waktu: StandardTime  # Mutu Baku: Waktu
    output: str
    pengesahan: str  # Paraf or Tanda Tangan, from "Pencatatan dan Pendataan"


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "Memerintahkan membuat Rencana Aksi",
        ROLE_CAMAT,
        "Disposisi",
        StandardTime(minutes=15),
        "Disposisi",
        TANDA_TANGAN,
    ),
    Step(
        2,
        "Mempersiapkan data-data yang diperlukan untuk menyusun draft Rencana Aksi",
        ROLE_KASUBAG,
        "RKA, DPA dan Anggaran Kas",
        StandardTime(days=2),
        "Data rencana program dan rencana aksi kinerja",
        PARAF,
    ),
    Step(
        3,
        "Menyusun Rencana Aksi Kegiatan",
        ROLE_KASUBAG,
        "Konsep rencana Program dan KAK",
        StandardTime(days=1),
        "Dokumen Rencana Program dan Rencana Aksi Kinerja",
        PARAF,
    ),
    Step(
        4,
        "Pembahasan draft rencana aksi kegiatan",
        ROLE_SEKRETARIS,
        "Konsep rencana Program dan KAK",
        StandardTime(days=1),
        "Konsep Rencana Aksi",
        PARAF,
    ),
    Step(
        5,
        "Memeriksa draft Rencana Aksi",
        ROLE_SEKRETARIS,
        "Rencana Program dan kegiatan",
        StandardTime(minutes=30),
        "Draft Rencana Aksi",
        PARAF,
    ),
    Step(
        6,
        "Penetapan Rencana Aksi",
        ROLE_CAMAT,
        "Dokumen Rencana Aksi",
        StandardTime(minutes=10),
        "Dokumen Rencana Aksi",
        TANDA_TANGAN,
    ),
)
TOTAL_TIME_LABEL = "4 hari 55 menit"


def step(number: int) -> Step:
    return STEPS[number - 1]


DASAR_HUKUM = (
    "Undang-Undang Nomor 2 Tahun 1993 tentang Pembentukan Kotamadya Daerah Tingkat II Tangerang "
    "(Lembaran Negara Republik Indonesia Tahun 1993 Nomor 18, Tambahan Lembaran Negara Republik "
    "Indonesia Nomor 3518);",
    "Undang-Undang Nomor 2 Tahun 1993 tentang Pembentukan Kotamadya Daerah Tingkat II Tangerang "
    "(Lembaran Negara Republik Indonesia Tahun 1993 Nomor 18, Tambahan Lembaran Negara Republik "
    "Indonesia Nomor 3518);",
    "Undang-Undang Nomor 23 Tahun 2000 tentang Pembentukan Daerah-Daerah Kota dalam Lingkungan "
    "Provinsi Banten;",
    "Undang-undang Nomor 25 Tahun 2004 tentang Sistem Perencanaan Pembangunan Nasional (Lembaran "
    "Negara Republik Indonesia Tahun 2004 Nomor 104, Tambahan Lembaran Negara Republik Indonesia "
    "Nomor 4421);",
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah (Lembaran Negara Republik "
    "Indonesia Tahun 2014 Nomor 244, Tambahan Lembaran Negara Republik Indonesia Nomor 5587), "
    "sebagaimana telah diubah terakhir dengan Undang-undang Nomor 2 Tahun 2015 tentang Penetapan "
    "Peraturan Pemerintah Pengganti Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah "
    "menjadi Undang-Undang (Lembaran Negara Republik Indonesia Tahun 2015 Nomor 24, Tambahan "
    "Lembaran Negara Republik Indonesia Nomor 5657);",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun 2014 "
    "tentang Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja, dan Tata Cara Reviu Atas "
    "Laporan Kinerja Instansi Pemerintah (Berita Negara Republik Indonesia Tahun 2014 Nomor 1312);",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Republik Indonesia "
    "Nomor 35 Tahun 2012 tentang Pedoman Penyusunan Standar Operasional Prosedur (SOP) "
    "Administrasi Pemerintahan;",
    "Peraturan Pemerintah Nomor 18 Tahun 2016 tentang Perangkat Daerah sebagaimana telah diubah "
    "dengan Peraturan Pemerintah Nomor 72 Tahun 2019 tentang Perubahan atas Peraturan Pemerintah "
    "Nomor 18 Tahun 2016 tentang Perangkat Daerah (Lembaran Negara Republik Indonesia Tahun 2019 "
    "Nomor 187);",
    "Peraturan Menteri Dalam Negeri Nomor 86 Tahun 2017 tentang Tata Cara Perencanaan, "
    "Pengendalian Dan Evaluasi Pembangunan Daerah, Tata Cara Evaluasi Rancangan Peraturan Daerah "
    "Tentang Rencana Pembangunan Jangka Panjang Daerah Dan Rencana Pembangunan Jangka Menengah "
    "Daerah, Serta Tata Cara Perubahan Rencana Pembangunan Jangka Panjang Daerah, Rencana "
    "Pembangunan Jangka Menengah Daerah, dan Rencana Kerja Pemerintah Daerah (Berita Negara "
    "Republik Indonesia Tahun 2017 Nomor 1312);",
    "Peraturan Wali Kota Tangerang Nomor 33 Tahun 2014 tentang Pedoman Penyusunan Standar "
    "Operasional Prosedur Administrasi Pemerintahan (Berita Daerah Kota Tangerang Tahun 2014 "
    "Nomor 33);",
    "Peraturan Walikota Nomor 148 Tahun 2021 tentang Kedudukan, Susunan Organisasi, Tugas dan "
    "Fungsi Tata Kerja Badan Perencanaan Pembangunan Daerah.",
)

KUALIFIKASI_PELAKSANA = (
    "Mengetahui tugas dan fungsi penyusun program",
    "Mengetahui tugas dan fungsi Jabatan",
    "Mengetahui penggunaan perangkat Komputer",
    "Mengetahui aplikasi komputer penyusunan Rencana Aksi",
)

KETERKAITAN = (
    "SOP Penyusunan RKPD",
    "SOP Penyusunan Perjanjian Kinerja",
    "SOP Penyusunan IKU",
)

PERALATAN = (
    "Peraturan perundang-undangan yang berlaku dan terkait dengan SAKIP",
    "Data dan informasi yang terkait dengan pelaksanaan program",
    "Alat tulis kantor",
    "Komputer/laptop",
    "Printer",
    "Program Kerja",
)

PERINGATAN = "Apabila tidak dilaksanakan maka manajemen risiko kegiatan tidak terkendali"

PENCATATAN = (
    f"{ROLE_CAMAT} : Lembar disposisi/arahan, tanda tangan",
    f"{ROLE_SEKRETARIS} : Lembar disposisi, paraf",
    f"{ROLE_KASUBAG} : Lembar disposisi, paraf",
)
PENCATATAN_CATATAN = "Setiap tahap terdokumentasi dengan baik dalam bentuk softcopy maupun hardcopy"
