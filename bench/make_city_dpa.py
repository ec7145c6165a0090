"""Generate a city-scale SIPD "DPA Rincian Belanja" export for the DPA benchmark.

3,000 sub kegiatan (30 perangkat daerah, one sheet each, 100 sub kegiatan per
sheet) with 20 spending lines each (60,000 lines, each with one detail row),
monthly cash plans adding up to the pagu.  Synthetic, illustrative figures.

    python bench/make_city_dpa.py [OUT.xlsx] [--sub 3000] [--lines 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from renaksi_xl.dpa.samples import WEIGHTS, Line, SheetData, Sub, sipd_block, write_sheets

DEFAULT_OUT = Path("out/bench/DPA_Kota_Rincian_Belanja.xlsx")
ACCOUNTS = ("5.1.02.01.01", "5.1.02.02.01", "5.1.02.03.02", "5.1.02.04.01", "5.2.02.05.01")
PATTERNS = tuple(WEIGHTS)
PER_SHEET = 100


def city_subs(n_sub: int, n_lines: int) -> list[Sub]:
    subs = []
    for i in range(n_sub):
        skpd, rest = divmod(i, PER_SHEET)
        prog, rest = divmod(rest, 50)
        keg, sub = divmod(rest, 10)
        u, b = 1 + skpd // 10, 1 + skpd % 10
        p_code = f"{u}.{b:02d}.{prog + 1:02d}"
        k_code = f"{p_code}.2.{keg + 1:02d}"
        lines = []
        for n in range(n_lines):
            acc = ACCOUNTS[n % len(ACCOUNTS)]
            price = 25_000 * (1 + (i * 7 + n * 13) % 40)
            lines.append(
                Line(
                    f"{acc}.{n + 1:04d}",
                    f"Belanja uraian {n + 1}",
                    [(f"Rincian belanja {n + 1}", 1 + (i + n) % 12, "Paket", price)],
                )
            )
        subs.append(
            Sub(
                (p_code, f"PROGRAM CONTOH {p_code}"),
                (k_code, f"Kegiatan contoh {k_code}"),
                f"{k_code}.{sub + 1:04d}",
                f"Sub kegiatan contoh {i + 1}",
                "Jumlah dokumen yang dihasilkan",
                f"{1 + i % 12} Dokumen",
                "PAD",
                "Kota Tangerang",
                lines,
                cash=PATTERNS[i % len(PATTERNS)],
            )
        )
    return subs


def build(out: Path = DEFAULT_OUT, n_sub: int = 3000, n_lines: int = 20) -> Path:
    subs = city_subs(n_sub, n_lines)
    sheets = []
    for start in range(0, len(subs), PER_SHEET):
        sheet = SheetData(f"PD {start // PER_SHEET + 1:02d}")
        for s in subs[start : start + PER_SHEET]:
            sipd_block(sheet, s)
        sheets.append(sheet)
    return write_sheets(out, sheets, constant_memory=True)


PRINT_OUT = Path("out/bench/DPA_Kota_Cetak.xlsx")


def print_subs(n_sub: int, n_lines: int) -> list:
    """The same city as `city_subs`, as SIPD print-layout sub kegiatan (two Keluaran indicators each)."""
    from renaksi_xl.dpa.samples import spread
    from renaksi_xl.dpa.sipd_print import PrintLine, PrintSub

    out = []
    for s in city_subs(n_sub, n_lines):
        lines = [PrintLine(x.kode, x.uraian, it[1], it[2], it[3]) for x in s.lines for it in x.items]
        keluaran = [
            (s.indikator, int(s.target.split()[0]), "Dokumen"),
            ("Persentase layanan tepat waktu", 100, "%"),
        ]
        sub = PrintSub(s.program, s.kegiatan, s.code, s.name, keluaran, lines, [], s.sumber, s.lokasi)
        sub.kas = spread(sub.pagu, WEIGHTS[s.cash])
        out.append(sub)
    return out


def build_print(out: Path = PRINT_OUT, n_sub: int = 3000, n_lines: int = 20) -> Path:
    """The city DPA in the bordered SIPD print layout (what a PDF print of SIPD looks like), one sheet."""
    from renaksi_xl.dpa.sipd_print import Style, dpa_sheets, write_print

    return write_print(out, dpa_sheets(print_subs(n_sub, n_lines), Style(cash="rows")))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", nargs="?", default=str(DEFAULT_OUT))
    p.add_argument("--sub", type=int, default=3000)
    p.add_argument("--lines", type=int, default=20)
    a = p.parse_args(argv)
    t = time.perf_counter()
    path = build(Path(a.out), a.sub, a.lines)
    print(
        f"{path}: {a.sub} sub kegiatan x {a.lines} lines, {path.stat().st_size / 1e6:.1f} MB, "
        f"{time.perf_counter() - t:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
