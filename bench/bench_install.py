"""Wheel build and install time: `python bench/bench_install.py [--with-deps]`.

Builds the wheel (`pip wheel . --no-deps`, build isolation as a user gets it), then installs
it into a fresh virtualenv: without dependencies (they come from this environment through a
.pth, as in tests/test_wheel.py), and with `--with-deps` also the full install with every
dependency from the package index (pip's cache helps on a second run). Prints each figure
next to its floor: creating the empty virtualenv.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(cmd, cwd) -> float:
    start = time.perf_counter()
    subprocess.run([str(c) for c in cmd], check=True, capture_output=True, cwd=cwd)
    return time.perf_counter() - start


def fresh_venv(path: Path) -> float:
    start = time.perf_counter()
    venv.EnvBuilder(with_pip=True).create(path)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--with-deps", action="store_true", help="also time a full install from the index")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        wheel_s = timed([sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "-w", root / "dist"], root)
        wheel = next((root / "dist").glob("renaksi_xl-*.whl"))
        floor = fresh_venv(root / "a")
        py = root / "a" / "bin" / "python"
        site = subprocess.run(
            [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        nodeps = timed([py, "-m", "pip", "install", "--no-deps", "--no-index", wheel], root)
        build = timed([root / "a" / "bin" / "renaksi-xl", "build", "--out", root / "x.xlsm"], root)
        print(f"pip wheel . (isolated build):         {wheel_s:6.1f} s")
        print(f"fresh virtualenv (floor):              {floor:6.1f} s")
        print(f"pip install wheel --no-deps:           {nodeps:6.1f} s")
        print(f"renaksi-xl build from the installed wheel: {build:6.1f} s")
        if args.with_deps:
            fresh_venv(root / "b")
            full = timed([root / "b" / "bin" / "python", "-m", "pip", "install", wheel], root)
            print(f"pip install wheel with dependencies:   {full:6.1f} s")


if __name__ == "__main__":
    main()
