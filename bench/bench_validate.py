"""Benchmark: validating a city-scale plan vs python-calamine reading the same file.

    python bench/bench_validate.py [--rows 3000] [--repeat 5] [--keep DIR] [--small-rows 21]

Builds a workbook (renaksi_xl.xlsm.workbook.build_workbook), fills tblDPA and
tblRencanaAksi with `--rows` sub kegiatan (plus tblKinerja and tblPejabat)
through the headless engine, then in one process, imports done beforehand
(interpreter start excluded), alternates:

  calamine   python-calamine opens the file and reads every cell of every sheet
  validate   renaksi_xl.validate.validate_file(path): what `renaksi-xl validate`
             does per file (payload of the sheets it reads -> remote Book ->
             validators.validate_book, plus unit, year and stage)

and prints the best and median of each, the ratio, a breakdown of the
validation (payload, tables, rules), a run on a plan with errors in one row
out of ten, the per-call cost on a kecamatan-size plan (`--small-rows`, what
a click or a server request pays), and the peak memory of a fresh
`renaksi-xl validate` process.
Target (issue 4): validate <= 2x calamine, peak memory < 400 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def make_workbooks(folder: Path, rows: int) -> tuple[Path, Path]:
    from renaksi_xl import layout
    from renaksi_xl.validators import sample
    from renaksi_xl.xlsm.workbook import build_workbook

    clean = folder / f"kota-{rows}.xlsm"
    broken = folder / f"kota-{rows}-galat.xlsm"
    if not clean.exists():
        build_workbook(clean)
        sample.write_plan(clean, sample.clean_plan(rows, indicators=60))
    if not broken.exists():
        plan = sample.clean_plan(rows, indicators=60)
        fisik2 = layout.RENCANA_COLUMNS.index(layout.table(layout.TBL_RENCANA).column(layout.FISIK_TW[1]))
        for i in range(0, rows, 10):
            plan.rencana[i][fisik2] = 10  # below s.d. TW I: one error per tenth row
        build_workbook(broken)
        sample.write_plan(broken, plan)
    return clean, broken


def read_with_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return sum(len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names)


def validate(path: Path) -> int:
    """What `renaksi-xl validate` does per file: the sheets it reads, findings, unit/year/stage."""
    from renaksi_xl.validate import validate_file

    result = validate_file(path)
    assert result.unusable is None, result.unusable
    return len(result.findings)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def breakdown(path: Path) -> dict[str, float]:
    from renaksi_xl import headless, layout, tables
    from renaksi_xl.validate import _sheets_read
    from renaksi_xl.validators import validate_tables
    from renaksi_xl.validators.core import officials_of

    t0 = time.perf_counter()
    payload = headless.payload_from_file(path, sheets=_sheets_read())
    t1 = time.perf_counter()
    book = headless.book_from_payload(payload)
    data = [tables.read_table(book, n) for n in (layout.TBL_DPA, layout.TBL_RENCANA, layout.TBL_KINERJA)]
    officials = officials_of(book)
    t2 = time.perf_counter()
    validate_tables(*data, officials)
    t3 = time.perf_counter()
    return {
        "payload (headless.payload_from_file)": t1 - t0,
        "tables (remote Book + read_table)": t2 - t1,
        "rules (validate_tables: pandera)": t3 - t2,
    }


def payload_profile(path: Path) -> dict[str, float]:
    """Where headless.payload_from_file spends its time, against the old way.

    The old reader parsed every worksheet's whole XML with ElementTree only to
    find <tableParts>; it now takes a sheet's only table from its relationships
    (no sheet XML read) and otherwise cuts that element out of the bytes after
    </sheetData>, and reads values only of the sheets asked for.
    """
    import zipfile
    from xml.etree import ElementTree as ET

    from python_calamine import load_workbook

    from renaksi_xl import headless
    from renaksi_xl.validate import _sheets_read

    wanted = _sheets_read()
    with zipfile.ZipFile(path) as zf:
        parts = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        raw = {n: zf.read(n) for n in parts}
    t0 = time.perf_counter()
    for data in raw.values():
        ET.fromstring(data)
    t1 = time.perf_counter()
    with zipfile.ZipFile(path) as zf:
        for part in parts:
            types: dict[str, str] = {}
            headless._rels(zf, part, types)
            headless._table_part_ids(zf, part, types)
    t2 = time.perf_counter()
    cal = load_workbook(str(path))
    grids = [
        cal.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in cal.sheet_names if n in wanted
    ]
    t3 = time.perf_counter()
    for grid in grids:
        [headless._clean_row(row) for row in grid]
    t4 = time.perf_counter()
    headless.payload_from_file(path, sheets=wanted)
    t5 = time.perf_counter()
    return {
        "old: ElementTree parse of all sheet XML": t1 - t0,
        "now: table order (rels / <tableParts>)": t2 - t1,
        f"calamine values ({len(grids)} sheets read)": t3 - t2,
        "_clean_row on those cells": t4 - t3,
        "payload_from_file(sheets=...) total": t5 - t4,
    }


def small_plan(folder: Path, rows: int, repeat: int) -> dict[str, float]:
    """Per-call cost, in ms, on a kecamatan-size plan (the demo has 21 sub kegiatan), in process.

    What one click or one xlwings Server request pays for validation: the
    remote Book from the payload, then validate_book on a fresh Book (tables
    read, rules run through pandera, findings written as messages).
    """
    import json

    from renaksi_xl import headless, layout, tables
    from renaksi_xl.validators import sample, validate_book, validate_tables
    from renaksi_xl.validators.core import officials_of
    from renaksi_xl.xlsm.workbook import build_workbook

    path = folder / f"kecamatan-{rows}.xlsm"
    if not path.exists():
        build_workbook(path)
        sample.write_plan(path, sample.clean_plan(rows, indicators=5))
    body = json.dumps(headless.payload_from_file(path))
    validate_book(headless.book_from_payload(json.loads(body)))  # warm-up
    t0 = time.perf_counter()
    books = [headless.book_from_payload(json.loads(body)) for _ in range(repeat)]
    t1 = time.perf_counter()
    for book in books:
        validate_book(book)
    t2 = time.perf_counter()
    data = [tables.read_table(books[0], n) for n in (layout.TBL_DPA, layout.TBL_RENCANA, layout.TBL_KINERJA)]
    officials = officials_of(books[0])
    t3 = time.perf_counter()
    for _ in range(repeat):
        validate_tables(*data, officials)
    t4 = time.perf_counter()
    return {
        "json + remote Book (book_from_payload)": (t1 - t0) / repeat * 1e3,
        "validate_book (tables read + rules)": (t2 - t1) / repeat * 1e3,
        "rules alone (validate_tables)": (t4 - t3) / repeat * 1e3,
    }


PEAK_PROBE = (
    "import sys\n"
    "from renaksi_xl.cli import main\n"
    "code = main(['validate', sys.argv[1]])\n"
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
    "print('VmHWM', hwm, file=sys.stderr)\n"
)


def peak_rss_mb(path: Path) -> float:
    """Peak resident memory (VmHWM) of a fresh process running `renaksi-xl validate PATH`.

    Read by the process itself: getrusage(RUSAGE_CHILDREN) would report this
    benchmark's own size, which a child inherits at fork.
    """
    out = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    line = [x for x in out.stderr.splitlines() if x.startswith("VmHWM")][-1]
    return int(line.split()[1]) / 1024  # kB -> MB


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", metavar="DIR", help="keep/reuse the generated workbooks in DIR")
    ap.add_argument(
        "--small-rows", type=int, default=21, help="rows of the kecamatan-size plan (per-call cost)"
    )
    args = ap.parse_args(argv)

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="renaksi-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    clean, broken = make_workbooks(folder, args.rows)
    print(
        f"workbooks: {clean.name} ({clean.stat().st_size / 1e6:.2f} MB), {broken.name}; "
        f"generated in {time.perf_counter() - t:.1f} s"
    )

    t = time.perf_counter()
    import pandera.pandas  # noqa: F401
    import python_calamine  # noqa: F401
    import xlwings  # noqa: F401

    import renaksi_xl.validators.core  # noqa: F401

    print(f"imports (once per process, not timed below): {time.perf_counter() - t:.2f} s")

    n_clean = validate(clean)  # warm-up (first-call caches)
    read_with_calamine(clean)
    cal, val = [], []
    for _ in range(args.repeat):
        cal.append(timed(read_with_calamine, clean))
        val.append(timed(validate, clean))
    print(f"\nclean plan, {args.rows} sub kegiatan, {n_clean} findings; {args.repeat} alternating runs")
    print(f"  calamine read all cells : best {min(cal):.3f} s  median {statistics.median(cal):.3f} s")
    print(f"  open_book + validate    : best {min(val):.3f} s  median {statistics.median(val):.3f} s")
    print("  (the rules alone, validate_tables on tables already read: see breakdown)")
    print(
        f"  ratio validate/calamine : best {min(val) / min(cal):.2f}x  "
        f"median {statistics.median(val) / statistics.median(cal):.2f}x   (target <= 2x)"
    )

    parts = [breakdown(clean) for _ in range(args.repeat)]
    print("  breakdown (median):")
    for key in parts[0]:
        print(f"    {key:<38} {statistics.median(p[key] for p in parts):.3f} s")

    prof = [payload_profile(clean) for _ in range(args.repeat)]
    print("  inside payload_from_file (median):")
    for key in prof[0]:
        print(f"    {key:<38} {statistics.median(p[key] for p in prof):.3f} s")

    n_broken = validate(broken)
    cal_b, val_b = [], []
    for _ in range(args.repeat):
        cal_b.append(timed(read_with_calamine, broken))
        val_b.append(timed(validate, broken))
    print(f"\nplan with an error in every tenth row: {n_broken} findings")
    print(
        f"  calamine {statistics.median(cal_b):.3f} s, validate {statistics.median(val_b):.3f} s, "
        f"ratio {statistics.median(val_b) / statistics.median(cal_b):.2f}x (median)"
    )

    small = small_plan(folder, args.small_rows, repeat=200)
    print(f"\nkecamatan-size plan, {args.small_rows} sub kegiatan, per call (mean of 200):")
    for key, ms in small.items():
        print(f"  {key:<40} {ms:.2f} ms")

    print(
        f"\npeak memory of a fresh `renaksi-xl validate` on the clean plan: {peak_rss_mb(clean):.0f} MB "
        "(target < 400 MB)"
    )


if __name__ == "__main__":
    main()
