"""Benchmark: `renaksi-xl capaian` on a city-scale plan vs python-calamine reading the same cells.

    python bench/bench_capaian.py [--rows 3000] [--repeat 5] [--keep DIR]

Builds a workbook with `--rows` sub kegiatan in tblDPA and tblRencanaAksi, 60
kinerja indicators, and four quarters of realisasi (4 x rows in
tblRealisasiAksi, 4 x 60 in tblRealisasiKinerja), then in one process
(imports done beforehand) alternates:

  calamine  python-calamine opens the file and reads every cell of the four
            sheets capaian reads (Rencana Aksi, Kinerja, Realisasi Aksi,
            Realisasi Kinerja): the floor
  capaian   renaksi_xl.capaian.capaian_file(path): what `renaksi-xl capaian
            BOOK` does (the reading limits on the file, the four tables straight
            from python-calamine, capaian of the latest quarter)

and prints best and median wall time of each, the ratio beside the target, and
the CPU time of both (capaian uses a second thread: python-calamine reads one sheet
while the next one is scanned, so its wall time hides part of its work).
Target (issue 13): capaian <= 1.5 x calamine, wall time, judged on the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

TARGET = 1.5


def make_workbook(folder: Path, rows: int) -> Path:
    from renaksi_xl.validators import sample
    from renaksi_xl.xlsm.workbook import build_workbook

    path = folder / f"kota-{rows}-realisasi.xlsm"
    if not path.exists():
        build_workbook(path)
        sample.write_plan(path, sample.add_realisasi(sample.clean_plan(rows, indicators=60), 4))
    return path


def read_with_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    from renaksi_xl.capaian import SHEETS_READ

    wb = CalamineWorkbook.from_path(str(path))
    return sum(len(wb.get_sheet_by_name(name).to_python()) for name in SHEETS_READ)


def capaian(path: Path) -> int:
    from renaksi_xl.capaian import capaian_file

    return len(capaian_file(path).rencana_aksi)


def timed(fn, *args) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process: every thread)."""
    start, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder for the generated workbook (reused when present)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        path = make_workbook(folder, args.rows)
        print(
            f"workbook: {path.name}, {path.stat().st_size / 1e6:.1f} MB (made in {time.perf_counter() - start:.0f} s)"
        )
        assert capaian(path) == args.rows  # warm-up: imports, schema caches
        read_with_calamine(path)
        cal, cap = [], []
        for _ in range(args.repeat):
            cal.append(timed(read_with_calamine, path))
            cap.append(timed(capaian, path))
        report(cal, cap)


def report(cal: list[tuple[float, float]], cap: list[tuple[float, float]]) -> None:
    def line(label: str, runs: list[tuple[float, float]]) -> str:
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        return (
            f"{label}: best {min(wall) * 1000:.0f} ms, median {statistics.median(wall) * 1000:.0f} ms "
            f"(CPU, all threads: median {statistics.median(cpu) * 1000:.0f} ms)"
        )

    print(line("calamine (floor)", cal))
    print(line("capaian         ", cap))
    wall_cal, wall_cap = [w for w, _ in cal], [w for w, _ in cap]
    best = min(wall_cap) / min(wall_cal)
    med = statistics.median(wall_cap) / statistics.median(wall_cal)
    cpu = statistics.median(c for _, c in cap) / statistics.median(c for _, c in cal)
    verdict = "OK" if med <= TARGET else "ABOVE TARGET"
    print(
        f"ratio capaian / calamine (wall time): best {best:.2f}x, median {med:.2f}x "
        f"(target <= {TARGET}x): {verdict}"
    )
    print(
        f"ratio of CPU time, for the record: {cpu:.2f}x (python-calamine reads in a worker thread while "
        "the next sheet is scanned and the plan parsed: the scan's and parsing's work is real, only hidden)"
    )


if __name__ == "__main__":
    main()
