"""`renaksi-xl rekap` over many kecamatan-size workbooks, against its floor (issue 17).

    python bench/bench_rekap.py [--units 500] [--sample 10] [--source BOOK.xlsm]

Floor: the single-file cost (in-process `summarize_file`, mean over --sample files after a
warm-up) x units / cores, i.e. perfect scaling over the machine's cores.  Target: the
rekap's wall time (the real command, as a process, progress bar and workbook included)
at most 1.3x that floor, and peak memory (the command and all its worker processes,
sampled from /proc every 50 ms) under 1 GB.

The units are copies of the demo's final workbook (a kecamatan: 21 plan rows, the whole
SOP, four quarters of realisasi), made with `renaksi-xl demo` in a temporary folder unless
--source names one.  Every file is read and summarized; as copies of one unit, the rekap
then lists one of them and the others under "dilewati" (what it measures is the reading).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and all its descendants, in MB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        for line in status.splitlines():
            if line.startswith("PPid:"):
                children.setdefault(int(line.split()[1]), []).append(pid)
            elif line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 1024


def _source(args, tmp: Path) -> Path:
    if args.source:
        return Path(args.source)
    demo = tmp / "demo"
    cli = Path(sys.executable).with_name("renaksi-xl")
    subprocess.run([str(cli), "demo", "--out", str(demo)], check=True, capture_output=True)
    return next(demo.glob("RencanaAksi-*.xlsm"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--sample", type=int, default=10)
    parser.add_argument("--source", help="a unit workbook to copy (default: the demo's final workbook)")
    args = parser.parse_args()
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    from renaksi_xl.rekap import summarize_file

    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-rekap-") as tmp_name:
        tmp = Path(tmp_name)
        source = _source(args, tmp)
        units = tmp / "units"
        units.mkdir()
        for i in range(args.units):
            shutil.copy(source, units / f"Unit-{i:04d}.xlsm")
        files = sorted(units.iterdir())

        summarize_file(str(files[0]))  # warm-up: imports, pandera schemas
        singles = []
        for f in files[: args.sample]:
            t0 = time.perf_counter()
            summarize_file(str(f))
            singles.append(time.perf_counter() - t0)
        single = statistics.mean(singles)
        floor = single * args.units / cores

        cli = Path(sys.executable).with_name("renaksi-xl")
        out = tmp / "Rekap.xlsx"
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(cli), "rekap", str(units), "--out", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        peak = 0.0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss_mb(proc.pid))
                stop.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        wall = time.perf_counter() - t0
        stop.set()
        sampler.join()

    print(f"units: {args.units}, cores: {cores}, exit code: {code}")
    print(f"single file (in-process, mean of {len(singles)}): {single * 1000:.1f} ms")
    print(f"floor (single x units / cores): {floor:.2f} s")
    print(f"renaksi-xl rekap (wall): {wall:.2f} s  ->  ratio {wall / floor:.2f}x  (target <= 1.3x)")
    print(f"peak memory, command and workers: {peak:.0f} MB  (target < 1024 MB)")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
