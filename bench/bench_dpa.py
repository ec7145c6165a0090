"""DPA reading speed and memory on a city-scale SIPD export (issue 3).

Prints, measured in one run on the same file: the time python-calamine needs
just to read all cells of all sheets, the time of our read + normalize
(`renaksi_xl.dpa.read_dpa`, which includes its own calamine read), their
ratio (target <= 3x), and the peak memory of a fresh process doing the read
(target < 500 MB, ru_maxrss of the child).  Each timing is the best of
--repeat runs, alternating the two so both see the same cache state.

    python bench/bench_dpa.py [FILE.xlsx] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def calamine_all_cells(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells += sum(len(r) for r in rows)
    wb.close()
    return cells


def ours(path: Path):
    from renaksi_xl.dpa import read_dpa

    return read_dpa(path)


CHILD = """
import resource, sys
from renaksi_xl.dpa import read_dpa
r = read_dpa(sys.argv[1])
print(len(r.records), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main(argv=None) -> int:
    from make_city_dpa import DEFAULT_OUT, build

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file", nargs="?", default=str(DEFAULT_OUT))
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args(argv)
    path = Path(a.file)
    if not path.exists():
        print(f"membuat {path} ...")
        build(path)
    base, mine = [], []
    for _ in range(a.repeat):
        t = time.perf_counter()
        cells = calamine_all_cells(path)
        base.append(time.perf_counter() - t)
        t = time.perf_counter()
        result = ours(path)
        mine.append(time.perf_counter() - t)
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True, text=True)
    n, maxrss_kb = map(int, out.stdout.split())
    peak_mb = maxrss_kb / 1024
    ratio = min(mine) / min(base)
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {cells:,} cells)")
    print(f"sub kegiatan: {len(result.records):,} (child process: {n:,}); total pagu {result.total_pagu:,}")
    print(f"python-calamine read all cells: {min(base):.2f} s (runs: {', '.join(f'{x:.2f}' for x in base)})")
    print(f"renaksi-xl read + normalize:    {min(mine):.2f} s (runs: {', '.join(f'{x:.2f}' for x in mine)})")
    print(f"ratio: {ratio:.2f}x (target <= 3x) {'OK' if ratio <= 3 else 'OVER TARGET'}")
    print(
        f"peak memory (fresh process, ru_maxrss): {peak_mb:.0f} MB (target < 500 MB) "
        f"{'OK' if peak_mb < 500 else 'OVER TARGET'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
