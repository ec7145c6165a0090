"""The SIPD document corpus: every print variant the readers must understand, with its truth.

`build_corpus(out_dir)` writes CORPUS_SIZE documents (DPA, DPPA, 2021-2022
codes, Anggaran Kas forms) as .xlsx plus `<name>.json` holding what a reader
must return; `print_pdfs(out_dir)` prints every workbook to PDF with
LibreOffice headless in one run.  Figures are synthetic and seeded, so a run
is reproducible.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from pathlib import Path

from .samples import spread
from .sipd_print import PrintLine, PrintSub, Style, dpa_sheets, rak_sheet, write_print

PROGRAMS = [
    ("7.01.01", "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN/KOTA"),
    ("7.01.02", "PROGRAM PENYELENGGARAAN PEMERINTAHAN DAN PELAYANAN PUBLIK"),
    ("7.01.03", "PROGRAM PEMBERDAYAAN MASYARAKAT DESA DAN KELURAHAN"),
]
ACCOUNTS = [
    ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor", "Rim"),
    ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat", "Kotak"),
    ("5.1.02.02.01.0003", "Honorarium Narasumber atau Pembahas, Moderator, Pembawa Acara, dan Panitia", "OJ"),
    ("5.1.02.04.01.0003", "Belanja Perjalanan Dinas Dalam Kota", "OH"),
    ("5.2.02.05.01.0005", "Belanja Modal Alat Kantor Lainnya", "Unit"),
]
INDICATORS = [
    ("Jumlah Dokumen Perencanaan Perangkat Daerah", "Dokumen"),
    ("Jumlah Laporan Capaian Kinerja", "Laporan"),
    ("Persentase Pelayanan Administrasi Terpenuhi", "%"),
    ("Jumlah Peraturan Daerah yang Disosialisasikan", "Perda"),
    ("Lama Penyediaan Layanan Kantor", "bulan"),
]
WEIGHTS = [
    [1] * 12,
    [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1],
    [3, 3, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 2, 3, 3, 2, 0, 0, 0, 0, 0],
    [1, 1, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1],
]
NAMES = [
    "Penyusunan Dokumen Perencanaan Perangkat Daerah",
    "Koordinasi dan Penyusunan Laporan Capaian Kinerja dan Ikhtisar Realisasi Kinerja SKPD",
    "Penyediaan Jasa Komunikasi, Sumber Daya Air dan Listrik",
    "Fasilitasi, Sosialisasi dan\nPembinaan Peraturan Daerah",  # a name printed over two lines
    "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD",
]

# (name, style, old codes, with a separate Anggaran Kas form)
SPECS: list[tuple[str, Style, bool, str | None]] = [
    ("dpa_inline_angka", Style(keluaran="inline", cash="pairs"), False, None),
    ("dpa_nested1_baris", Style(keluaran="nested", cash="rows"), False, None),
    ("dpa_nested3_rp", Style(keluaran="nested", cash="rows", amounts="rp_text"), False, None),
    ("dpa_nested_next_rpwrap", Style(keluaran="nested_next", cash="rows", amounts="rp_wrap"), False, None),
    ("dpa_kegiatan_level", Style(keluaran="kegiatan", cash="pairs"), False, None),
    ("dpa_across_jumlah", Style(cash="across"), False, None),
    ("dpa_across_tanpa_jumlah", Style(cash="across_nojumlah", amounts="rp_text"), False, None),
    ("dpa_across_dua_baris", Style(cash="across_half"), False, None),
    ("dpa_kode_terpisah", Style(split_code=True, cash="rows"), False, None),
    ("dpa_kode_terpisah_across", Style(split_code=True, cash="across", amounts="rp_wrap"), False, None),
    ("dpa_per_lembar", Style(per_sheet=True, cash="rows"), False, None),
    ("dpa_per_lembar_nested_next", Style(per_sheet=True, keluaran="nested_next", cash="pairs"), False, None),
    ("dppa_nested", Style(dppa=True, cash="rows"), False, None),
    ("dppa_inline_rp", Style(dppa=True, keluaran="inline", cash="rows", amounts="rp_text"), False, None),
    ("dppa_kode_terpisah", Style(dppa=True, split_code=True, cash="pairs"), False, None),
    ("dppa_across", Style(dppa=True, cash="across", amounts="rp_wrap"), False, None),
    ("dppa_per_lembar", Style(dppa=True, per_sheet=True, keluaran="nested_next", cash="rows"), False, None),
    ("lama2022_nested", Style(cash="rows"), True, None),
    ("lama2021_inline", Style(keluaran="inline", cash="pairs", amounts="rp_text"), True, None),
    ("lama2022_dppa", Style(dppa=True, cash="rows"), True, None),
    ("lama2021_across", Style(cash="across"), True, None),
    ("dpa_tanpa_kas_rak", Style(cash="none"), False, "sub_totals"),
    ("dpa_tanpa_kas_rak_induk", Style(cash="none", amounts="rp_text"), False, "parents"),
    ("dpa_tanpa_kas_rak_rekening", Style(cash="none", keluaran="nested_next"), False, "rekening"),
    ("dppa_tanpa_kas_rak", Style(dppa=True, cash="none"), False, "sub_totals"),
    ("lama2022_tanpa_kas_rak", Style(cash="none"), True, "rekening"),
    ("dpa_kode_terpisah_rak", Style(split_code=True, cash="none", amounts="rp_wrap"), False, "parents"),
]


def _subs(rng: random.Random, n: int, old: bool, dppa: bool, n_keluaran: int) -> list[PrintSub]:
    subs = []
    used = set()
    for i in range(n):
        prog = PROGRAMS[rng.randrange(len(PROGRAMS))]
        keg = (f"{prog[0]}.2.{rng.randrange(1, 10):02d}", f"Kegiatan Contoh {i + 1}")
        while True:
            num = rng.randrange(1, 30)
            code = f"{keg[0]}.{num:02d}" if old else f"{keg[0]}.{num:04d}"
            if code not in used:
                used.add(code)
                break
        lines = []
        for kode, uraian, satuan in rng.sample(ACCOUNTS, rng.randrange(2, 4)):
            koef = rng.randrange(2, 60)
            harga = rng.randrange(5, 400) * 5_000
            before = None
            if dppa:
                before = rng.choice(
                    [koef, koef + rng.randrange(1, 10), max(koef - rng.randrange(1, 3), 0), 0]
                )
            lines.append(PrintLine(kode, uraian, koef, satuan, harga, before))
        keluaran = []
        for ind, sat in rng.sample(INDICATORS, n_keluaran):
            target = 100 if sat == "%" else (12 if sat == "bulan" else rng.randrange(1, 25))
            keluaran.append((ind, target, sat))
        sub = PrintSub(prog, keg, code, NAMES[i % len(NAMES)], keluaran, lines, [])
        sub.kas = spread(sub.pagu, WEIGHTS[rng.randrange(len(WEIGHTS))])
        subs.append(sub)
    subs.sort(key=lambda s: s.code)
    return subs


def build_corpus(out_dir: str | Path, seed: int = 2025) -> list[Path]:
    """Write every document of the corpus (.xlsx) and its truth (.json); the list of workbooks."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for n, (name, style, old, rak) in enumerate(SPECS):
        rng = random.Random(f"{seed}-{name}")
        n_keluaran = 1 if style.keluaran in ("inline", "kegiatan") else 1 + n % 3
        subs = _subs(rng, 2 + n % 3, old, style.dppa, n_keluaran)
        if style.keluaran in ("inline", "kegiatan"):
            for s in subs:
                s.keluaran = s.keluaran[:1]
        path = write_print(out / f"{name}.xlsx", dpa_sheets(subs, style))
        written.append(path)
        truth = {
            "file": path.name,
            "kas_file": None,
            "style": asdict(style),
            "old_codes": old,
            "sub_kegiatan": [s.truth(style.dppa) for s in subs],
        }
        if rak:
            sheet = rak_sheet(subs, sub_totals=rak == "sub_totals", parents=rak == "parents")
            kas_path = write_print(out / f"{name}_RAK.xlsx", [sheet])
            written.append(kas_path)
            truth["kas_file"] = kas_path.name
        (out / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return written


def print_pdfs(paths: list[Path], timeout: float = 600) -> list[Path]:
    """Every workbook printed to PDF beside it by LibreOffice headless, in one run."""
    import subprocess
    import tempfile

    from ..xlsm.lo_host import find_soffice
    from ..xlsm.render import _XCU

    if not paths:
        return []
    out_dir = paths[0].parent
    with tempfile.TemporaryDirectory(prefix="renaksi-lo-corpus-") as profile:
        # an Indonesian locale, as on the staff's PCs: 1.250.000 and 12,5
        (Path(profile) / "user").mkdir()
        (Path(profile) / "user" / "registrymodifications.xcu").write_text(_XCU.format(locale="id-ID"))
        subprocess.run(
            [
                find_soffice(),
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, paths),
            ],
            capture_output=True,
            timeout=timeout,
            check=True,
            start_new_session=True,
        )
    pdfs = [p.with_suffix(".pdf") for p in paths]
    missing = [p.name for p in pdfs if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice did not print: {', '.join(missing)}")
    return pdfs
