"""Benchmark: how long `renaksi-xl --help` takes (a button click waits for Python to start).

    python bench/bench_cli_startup.py [--repeat 10]

Runs the installed `renaksi-xl --help` (or `python -m renaksi_xl.cli --help`
when the script is not on PATH) and, for reference, a bare `python -c pass`,
each `--repeat` times in fresh processes; prints best and median wall time
and the slowest imports of `import renaksi_xl.cli` (python -X importtime).
Target (issue 4): `renaksi-xl --help` under 0.5 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def slowest_imports(n: int = 8) -> list[tuple[int, str]]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import renaksi_xl.cli"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)[:n]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args(argv)

    exe = shutil.which("renaksi-xl")
    help_cmd = [exe, "--help"] if exe else [sys.executable, "-m", "renaksi_xl.cli", "--help"]
    wall(help_cmd)  # warm the file cache
    bare = [wall([sys.executable, "-c", "pass"]) for _ in range(args.repeat)]
    helps = [wall(help_cmd) for _ in range(args.repeat)]
    print(f"python -c pass          : best {min(bare):.3f} s  median {statistics.median(bare):.3f} s")
    print(
        f"{' '.join(help_cmd[-2:]) if not exe else 'renaksi-xl --help':<24}: best {min(helps):.3f} s  "
        f"median {statistics.median(helps):.3f} s   (target < 0.5 s)"
    )
    print("slowest imports of `import renaksi_xl.cli` (cumulative, microseconds):")
    for us, name in slowest_imports():
        print(f"  {us:>8}  {name}")


if __name__ == "__main__":
    main()
