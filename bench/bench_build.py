"""Build time and size of RencanaAksi.xlsm: `python bench/bench_build.py [N] [--sop SOP.toml]`.

Times `build_workbook` in-process (imports excluded, first build included in
the max) and `renaksi-xl build` as a whole process, and prints the file size,
for the default SOP and for a custom one (default: the held-out dinas SOP of the
tests, seven steps and four roles) side by side: the custom SOP's floor is the
default build (same writer, one more step sheet).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CUSTOM = Path(__file__).resolve().parents[1] / "tests" / "data" / "sop_dinas.toml"


def measure(n: int, sop_path: Path | None) -> tuple[float, float, float, int]:
    from renaksi_xl import sop
    from renaksi_xl.xlsm.workbook import build_workbook

    sop_data = sop.load(sop_path) if sop_path else None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "RencanaAksi.xlsm"
        times = []
        for _ in range(n):
            start = time.perf_counter()
            build_workbook(out, sop_data=sop_data)
            times.append(time.perf_counter() - start)
        size = out.stat().st_size
        cmd = [sys.executable, "-m", "renaksi_xl.cli", "build", "--out", str(out)]
        if sop_path:
            cmd += ["--sop", str(sop_path)]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        process = time.perf_counter() - start
    return statistics.median(times), max(times), process, size


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", nargs="?", type=int, default=5, help="builds per SOP (default 5)")
    p.add_argument(
        "--sop", type=Path, default=CUSTOM, help="the custom SOP (default: tests/data/sop_dinas.toml)"
    )
    args = p.parse_args()
    rows = [("default (Neglasari, 6 steps)", None), (f"custom ({args.sop.name})", args.sop)]
    print(f"{'SOP':34} {'median s':>9} {'max s':>7} {'process s':>10} {'size KB':>8}")
    for label, path in rows:
        median, worst, process, size = measure(args.n, path)
        print(f"{label:34} {median:9.2f} {worst:7.2f} {process:10.2f} {size / 1024:8.0f}")


if __name__ == "__main__":
    main()
