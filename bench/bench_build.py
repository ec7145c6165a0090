"""Build time and size of RencanaAksi.xlsm: `python bench/bench_build.py [N]`.

Times `build_workbook` in-process (imports excluded, first build included in
the max) and `renaksi-xl build` as a whole process, and prints the file size.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main(n: int = 5) -> None:
    from renaksi_xl.xlsm.workbook import build_workbook

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "RencanaAksi.xlsm"
        times = []
        for _ in range(n):
            start = time.perf_counter()
            build_workbook(out)
            times.append(time.perf_counter() - start)
        size = out.stat().st_size
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "renaksi_xl.cli", "build", "--out", str(out)],
            check=True,
            capture_output=True,
        )
        process = time.perf_counter() - start
    print(f"build_workbook: median {statistics.median(times):.2f} s, max {max(times):.2f} s over {n} runs")
    print(f"renaksi-xl build (whole process): {process:.2f} s")
    print(f"size: {size / 1024:.0f} KB ({size} bytes)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
