"""Benchmark: every button as a whole `renaksi-xl run` process on the demo workbook,
against the floor every click pays, `python -c "import xlwings, openpyxl"`.

    python bench/bench_headless.py [--repeat 3] [--keep DIR] [--pdf]

Walks the demo's SOP (renaksi_xl.demo.script: build, officials, then each step
with its official, time and notes).  Before each step the workbook is copied
and the step is run `--repeat` times on fresh copies of that state (the median
counts); the state then moves on.  `periksa-keaslian` and `siapkan-email` run on
the final workbook; `cetak-pdf` (LibreOffice rendering, not the engine) only
with --pdf.  Target (issue 6): each action <= 3x the floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
ENV = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}


def wall(cmd: list[str]) -> tuple[float, int, str]:
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    return time.perf_counter() - t, r.returncode, (r.stdout + r.stderr).strip()


def cli_args(step, book: Path, files: list[str]) -> list[str]:
    from renaksi_xl.demo import NIP

    args = [
        sys.executable,
        "-m",
        "renaksi_xl.cli",
        "run",
        step.action,
        str(book),
        "--pejabat",
        NIP[step.role],
        "--waktu",
        step.when.isoformat(),
    ]
    if step.catatan:
        args += ["--catatan", step.catatan]
    for key in ("kepada", "batas", "peserta", "keputusan"):
        if step.fields and step.fields.get(key):
            args += [f"--{key}", step.fields[key]]
    for f in files:
        args += ["--dpa", f]
    return args


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--keep", metavar="DIR", help="keep the workbooks here")
    p.add_argument("--pdf", action="store_true", help="also time cetak-pdf (LibreOffice)")
    args = p.parse_args(argv)

    from renaksi_xl import layout
    from renaksi_xl.demo import NIP, script, setup_officials
    from renaksi_xl.dpa import SAMPLE_DPA, SAMPLE_PK
    from renaksi_xl.headless import run_on_file
    from renaksi_xl.xlsm.workbook import build_workbook

    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench-headless-"))
    folder.mkdir(parents=True, exist_ok=True)
    book = folder / "RencanaAksi-demo.xlsm"
    build_workbook(book)
    setup_officials(book)

    floor = [wall([sys.executable, "-c", "import xlwings, openpyxl"])[0] for _ in range(max(args.repeat, 5))]
    floor_s = statistics.median(floor)
    print(
        f"floor: python -c 'import xlwings, openpyxl'  median {floor_s * 1000:.0f} ms "
        f"(min {min(floor) * 1000:.0f}, n={len(floor)})"
    )
    print(f"{'action':<20} {'median':>8} {'min':>8} {'x floor':>8}  exit  note")

    rows = []

    def measure(label, action_args_for):
        times, code, out = [], None, ""
        for _ in range(args.repeat):
            trial = folder / "trial.xlsm"
            shutil.copyfile(book, trial)
            t, code, out = wall(action_args_for(trial))
            times.append(t)
        # carry the state forward with one more (also timed) run on the workbook itself
        t_final, code, out = wall(action_args_for(book))
        times.append(t_final)
        med = statistics.median(times)
        rows.append((label, med, med / floor_s, code))
        first = out.splitlines()[0][:70] if out else ""
        print(
            f"{label:<20} {med * 1000:7.0f}ms {min(times) * 1000:7.0f}ms {med / floor_s:7.2f}x  {code:>4}  {first}"
        )

    for item in script(Path(SAMPLE_DPA), Path(SAMPLE_PK)):
        if isinstance(item, tuple):
            run_on_file(book, item[1])  # the demo's manual edits, in-process
            continue
        files = (
            [str(SAMPLE_DPA)]
            if item.action == layout.ACTION_TARIK_DPA
            else ([str(SAMPLE_PK)] if item.action == layout.ACTION_IMPOR_KINERJA else [])
        )
        measure(item.action, lambda b, s=item, f=files: cli_args(s, b, f))

    camat = NIP[layout.ROLE_CAMAT]
    late = ["--waktu", "2025-01-13T10:00+07:00"]
    base = [sys.executable, "-m", "renaksi_xl.cli", "run"]
    measure(
        layout.ACTION_PERIKSA_KEASLIAN,
        lambda b: [*base, layout.ACTION_PERIKSA_KEASLIAN, str(b), "--pejabat", camat, *late],
    )
    measure(
        layout.ACTION_EMAIL,
        lambda b: [
            *base,
            layout.ACTION_EMAIL,
            str(b),
            "--pejabat",
            camat,
            *late,
            "--kepada",
            layout.ROLE_SEKRETARIS,
        ],
    )
    if args.pdf:
        measure(layout.ACTION_PDF, lambda b: [*base, layout.ACTION_PDF, str(b), "--pejabat", camat, *late])

    worst = max(rows, key=lambda r: r[2])
    failed = [r for r in rows if r[3] != 0]
    print(
        f"\nworst: {worst[0]} {worst[2]:.2f}x floor (target <= 3x); "
        f"{len(rows) - len(failed)}/{len(rows)} runs exit 0"
    )
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
