"""How long hostile workbooks take to be refused, and the memory it takes (issue 16).

    python bench/bench_hostile_files.py [--before REF] [--cap-mb 3000] [--timeout 120]

1. Every case of the adversarial corpus (tests/hostile/corpus.py) in this process,
   with its time; prints the slowest and the worst.
2. `renaksi-xl verify` as a child process on the far-cell and huge-ref workbooks, with
   wall time and peak memory (the child's max RSS), side by side with the floor: the
   same command on the clean built workbook.
3. With --before REF (e.g. the commit before the hardening): step 2 with the code of
   that git revision (extracted to a temp folder, same virtualenv), under a memory cap
   (--cap-mb) and a timeout, for the before/after figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

HEAVY = [
    "far-cell-XFD1048576",
    "far-cell-tab",
    "far-cell-CV1048576",
    "ref-A4-X9999999",
    "bomb-2GiB",
    "stale-formula-dpa",
]


def corpus_times(folder: Path, master: Path) -> dict[str, tuple[float, int]]:
    from renaksi_xl import cli
    from tests.hostile.corpus import all_cases

    made: dict[str, bytes] = {}
    out: dict[str, tuple[float, int]] = {}
    for case in all_cases():
        key = case.id.split("/")[0] if case.make else "(built)"
        if key not in made:
            p = folder / "make.xlsm"
            shutil.copyfile(master, p)
            if case.make:
                case.make(p)
            made[key] = p.read_bytes()
        work = folder / "case"
        shutil.rmtree(work, ignore_errors=True)
        (work / "keluaran").mkdir(parents=True)
        book = work / "RencanaAksi.xlsm"
        book.write_bytes(made[key])
        shutil.copyfile(master, work / "keluaran" / "good.xlsm")
        argv = case.argv(book, work / "keluaran")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            start = time.perf_counter()
            code = cli.main(argv)
            out[case.id] = (time.perf_counter() - start, code)
    return out


def reading_cost(folder: Path, master: Path, rows: int = 3000) -> tuple[float, float]:
    """(ms with the limits, ms without) of reading a clean city-scale plan: the limits' price."""
    from renaksi_xl import payload, readlimits
    from renaksi_xl.validators import sample

    path = folder / "kota.xlsm"
    shutil.copyfile(master, path)
    sample.write_plan(path, sample.clean_plan(rows, indicators=60))

    def best(n: int = 5) -> float:
        times = []
        for _ in range(n):
            start = time.perf_counter()
            payload.payload_from_file(path)
            times.append(time.perf_counter() - start)
        return min(times) * 1000

    with_limits = best()
    scan, check = readlimits.scan_sheet, readlimits.check_values
    readlimits.scan_sheet = lambda data, *a, **k: readlimits.SheetScan()
    readlimits.check_values = lambda *a, **k: None
    try:
        without = best()
    finally:
        readlimits.scan_sheet, readlimits.check_values = scan, check
    return with_limits, without


def child(book: Path, src: Path, cap_mb: int, timeout: float) -> tuple[float, float, str]:
    """(seconds, peak MB, outcome) of `renaksi-xl verify BOOK` with the code under `src`."""

    def limit():
        cap = cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = dict(os.environ, PYTHONPATH=str(src))
    code = "import sys; from renaksi_xl.cli import main; sys.exit(main(['verify', sys.argv[1]]))"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(book)],
        env=env,
        cwd=str(src),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
    )
    try:
        _, err = proc.communicate(timeout=timeout)
        outcome = f"exit {proc.returncode}"
        if proc.returncode == 2 and b"kesalahan program" in err:
            outcome += " (kesalahan program)"
        elif proc.returncode < 0 or proc.returncode == 134:
            outcome += " (aborted)"
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        outcome = f"killed after {timeout:.0f} s"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, outcome


def measure(
    books: dict[str, Path], src: Path, cap_mb: int, timeout: float
) -> dict[str, tuple[float, float, str]]:
    # RUSAGE_CHILDREN's max RSS is the largest of all children so far: run each in a fresh
    # interpreter so every figure is its own.
    out = {}
    for name, book in books.items():
        code = (
            "import sys, runpy; sys.argv=['x', *sys.argv[1:]];"
            "from bench.bench_hostile_files import child; from pathlib import Path;"
            "s, m, o = child(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]));"
            "print(f'{s}|{m}|{o}')"
        )
        res = subprocess.run(
            [sys.executable, "-c", code, str(book), str(src), str(cap_mb), str(timeout)],
            cwd=str(ROOT),
            capture_output=True,
            text=True,
        )
        s, m, o = res.stdout.strip().splitlines()[-1].split("|")
        out[name] = (float(s), float(m), o)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", metavar="REF", help="also measure the code of this git revision")
    ap.add_argument("--cap-mb", type=int, default=3000, help="memory cap of each child (MB)")
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args(argv)

    from renaksi_xl.xlsm.workbook import build_workbook
    from tests.hostile.corpus import BOOKS

    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        tmp = Path(tmp)
        master = build_workbook(tmp / "RencanaAksi.xlsm")
        times = corpus_times(tmp, master)
        worst = sorted(times.items(), key=lambda kv: -kv[1][0])
        print(f"corpus: {len(times)} cases, total {sum(t for t, _ in times.values()):.1f} s in one process")
        print("slowest cases (seconds, exit code):")
        for case_id, (t, code) in worst[:8]:
            print(f"  {t:7.3f}  exit {code}  {case_id}")
        refused = [(t, c) for c, (t, code) in times.items() if code == 2]
        print(f"worst refusal: {max(refused)[1]} in {max(refused)[0]:.3f} s")

        with_limits, without = reading_cost(tmp, master)
        print(
            f"reading a clean 3,000-row city plan (payload_from_file, best of 5): {with_limits:.0f} ms "
            f"with the limits, {without:.0f} ms without them (floor)"
        )

        books = {"clean (floor)": master}
        for book_id, make, _fragment in BOOKS:
            if book_id in HEAVY:
                p = tmp / f"{book_id}.xlsm"
                shutil.copyfile(master, p)
                make(p)
                books[book_id] = p
        after = measure(books, ROOT, args.cap_mb, args.timeout)
        before = None
        if args.before:
            old = tmp / "before"
            old.mkdir()
            archive = subprocess.run(
                ["git", "archive", args.before, "renaksi_xl", "validators"],
                cwd=ROOT,
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            if (old / "validators").exists() and not (old / "renaksi_xl" / "validators").exists():
                (old / "renaksi_xl" / "validators").symlink_to(old / "validators")
            before = measure(books, old, args.cap_mb, args.timeout)
        print(
            f"\n`renaksi-xl verify` as a child process (memory cap {args.cap_mb} MB, timeout {args.timeout:.0f} s):"
        )
        head = f"{'workbook':<22} {'after: s':>9} {'peak MB':>8}  outcome"
        if before:
            head += f"{'':<14}| before: s  peak MB  outcome"
        print(head)
        for name in books:
            s, m, o = after[name]
            line = f"{name:<22} {s:9.2f} {m:8.0f}  {o:<20}"
            if before:
                bs, bm, bo = before[name]
                line += f"| {bs:9.2f} {bm:8.0f}  {bo}"
            print(line)


if __name__ == "__main__":
    main()
