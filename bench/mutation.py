"""Mutation testing: do the tests notice when the code is wrong?

    python bench/mutation.py [--modules numbers,plan,integrity,sheetscan,capaian,validators] [--sample 40]
                             [--seed 16] [--minutes 50] [--keep DIR]

cosmic-ray (in the `test` extra; this script installs nothing) makes small,
meaningful changes ("mutants") to the modules of issue 16 and runs, for each, the
fast tests of that module; a mutant is killed when a test fails.  Prints, per
module, killed / survived / incompetent (the mutant broke the import or timed
out) and the score killed / (killed + survived), then every survivor (file, line,
operator) for review: a survivor is either a missing test or an equivalent
mutant (one no test can tell apart, e.g. `< 0` vs `<= 0` on a value that is
never 0).  Target (issue 16): at least 90% of the catchable mutants killed.

How:
- The project is copied to a temporary folder (never mutated in place), with
  `validators/` inside `renaksi_xl/` as it installs (package-dir), and the
  tests run there with `python -m pytest` from that folder, so `renaksi_xl` and
  `renaksi_xl.validators` import from the mutated copy (checked before the run);
  no bytecode is written, so a mutant is never hidden by a stale .pyc.
- Operators: comparisons, arithmetic (+ - * / // %), unary minus and not,
  and/or, True/False, break/continue, numbers, loops run zero times, exception
  handlers that catch nothing.  Bit operators, `is` swaps and variable
  replacements are left out: they mostly give noise, not questions.
- The module's tests first run once without a mutant: if they fail, the module is
  skipped (every mutant would look killed).
- `--sample N` mutants per module (seeded, so a rerun draws the same ones),
  `--sample 0` for all of them; `--minutes` caps the whole run: what ran by
  then is reported, and says so.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# module -> (files to mutate, relative to the staged copy; the fast tests that cover them)
MODULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "numbers": (("renaksi_xl/dpa/numbers.py",), ("tests/test_dpa_numbers.py",)),
    "plan": (("renaksi_xl/plan.py",), ("tests/test_plan_schedules.py", "tests/test_plan.py")),
    "integrity": (
        ("renaksi_xl/integrity.py",),
        (
            "tests/test_integrity_chain.py",
            "tests/test_integrity.py",
            "-k",
            "chain or canonical_values or fast_path or content_text",
        ),
    ),
    "sheetscan": (
        ("renaksi_xl/sheetscan.py",),
        ("tests/test_sheetscan.py", "tests/fuzzing/test_fuzz_sheetscan.py"),
    ),
    "capaian": (("renaksi_xl/capaian.py",), ("tests/test_capaian.py",)),
    "validators": (
        tuple(
            f"renaksi_xl/validators/{name}.py"
            for name in ("__init__", "cells", "checks", "core", "engine", "rules")
        ),
        ("tests/test_validators_reference.py", "tests/test_validators.py"),
    ),
}

OPERATORS_KEPT = re.compile(
    r"core/("
    r"ReplaceComparisonOperator_(Eq|NotEq|Lt|LtE|Gt|GtE)_(Eq|NotEq|Lt|LtE|Gt|GtE)"
    r"|ReplaceBinaryOperator_(Add|Sub|Mul|Div|FloorDiv|Mod)_(Add|Sub|Mul|Div|FloorDiv|Mod)"
    r"|ReplaceUnaryOperator_(USub_UAdd|Delete_USub|Delete_Not)"
    r"|AddNot|ReplaceTrueWithFalse|ReplaceFalseWithTrue|ReplaceAndWithOr|ReplaceOrWithAnd"
    r"|ReplaceBreakWithContinue|ReplaceContinueWithBreak|NumberReplacer|ZeroIterationForLoop"
    r"|ExceptionReplacer"
    r")$"
)


def stage(folder: Path) -> Path:
    """A copy of the project as it installs: validators/ inside renaksi_xl/."""
    root = folder / "proyek"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    for name in filter(None, files):
        src = REPO / name
        if not src.is_file() or "__pycache__" in name:
            continue
        dst = root / ("renaksi_xl/" + name if name.startswith("validators/") else name)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
    return root


def environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "XLWINGS_LICENSE_KEY": "noncommercial"}
    env.pop("PYTHONPATH", None)
    return env


def check_imports(root: Path) -> None:
    """The tests must import the staged (mutated) code, not the installed checkout."""
    code = (
        "import renaksi_xl.validators.checks as c, renaksi_xl.plan as p; print(c.__file__); print(p.__file__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=environment(), capture_output=True, text=True, check=True
    ).stdout.split()
    if not all(Path(p).resolve().is_relative_to(root.resolve()) for p in out):
        sys.exit(f"the staged copy is not what Python imports: {out}")


def write_config(root: Path, name: str, files, tests, timeout: float) -> Path:
    cfg = root / f"mutation-{name}.toml"
    quoted = " ".join(f"'{t}'" if " " in t else t for t in tests)
    cfg.write_text(
        f"[cosmic-ray]\nmodule-path = {list(files)!r}\n".replace("'", '"') + f"timeout = {timeout}\n"
        "excluded-modules = []\n"
        f'test-command = "{sys.executable} -m pytest -x -q -p no:cacheprovider {quoted}"\n'
        '\n[cosmic-ray.distributor]\nname = "local"\n',
        encoding="utf-8",
    )
    return cfg


def select(session: Path, sample: int, seed: int) -> int:
    """Skip the operators left out and all but `sample` of the rest; returns how many remain."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(session), WorkDB.Mode.open) as db:
        items = list(db.pending_work_items)
        kept = [i for i in items if all(OPERATORS_KEPT.match(m.operator_name) for m in i.mutations)]
        kept.sort(key=lambda i: [(m.module_path, m.operator_name, m.occurrence) for m in i.mutations])
        chosen = kept
        if sample and len(kept) > sample:
            chosen = random.Random(seed).sample(kept, sample)
        chosen_ids = {i.job_id for i in chosen}
        skipped = [i.job_id for i in items if i.job_id not in chosen_ids]
        if skipped:
            db.set_multiple_results(
                skipped, WorkResult(output="not in the sample", worker_outcome=WorkerOutcome.SKIPPED)
            )
        return len(chosen)


def results(session: Path):
    """(counts, survivors) of a session: counts of killed/survived/incompetent/pending."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    counts: Counter[str] = Counter()
    survivors = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        done = {item.job_id: result for item, result in db.completed_work_items}
        for item in db.work_items:
            result = done.get(item.job_id)
            if result is None:
                counts["pending"] += 1
            elif result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            elif (
                result.worker_outcome != WorkerOutcome.NORMAL
                or result.test_outcome == TestOutcome.INCOMPETENT
            ):
                counts["incompetent"] += 1
            elif result.test_outcome == TestOutcome.KILLED:
                counts["killed"] += 1
            else:
                counts["survived"] += 1
                m = item.mutations[0]
                line = Path(session.parent, m.module_path).read_text("utf-8").splitlines()[m.start_pos[0] - 1]
                survivors.append(
                    (str(m.module_path), m.start_pos[0], m.operator_name, m.occurrence, line.strip())
                )
    return counts, survivors


def run_module(root: Path, name: str, args, deadline: float):
    files, tests = MODULES[name]
    cfg = write_config(root, name, files, tests, args.timeout)
    baseline = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=root,
        env=environment(),
        capture_output=True,
        text=True,
    )
    if baseline.returncode != 0:  # every mutant would count as killed
        print(f"{name}: the tests fail without any mutant; skipped\n{baseline.stdout[-2000:]}", flush=True)
        return Counter(), [], False
    session = root / f"mutation-{name}.sqlite"
    cr = [sys.executable, "-m", "cosmic_ray.cli"]
    subprocess.run([*cr, "init", str(cfg), str(session)], cwd=root, env=environment(), check=True)
    planned = select(session, args.sample, args.seed)
    print(f"{name}: {planned} mutants ({', '.join(files)}) against {' '.join(tests)}", flush=True)
    left = deadline - time.monotonic()
    capped = False
    if left <= 0:
        capped = True
    else:
        proc = subprocess.Popen([*cr, "exec", str(cfg), str(session)], cwd=root, env=environment())
        try:
            proc.wait(timeout=left)
        except subprocess.TimeoutExpired:
            capped = True
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
            if proc.poll() is None:
                proc.kill()
    counts, survivors = results(session)
    return counts, survivors, capped


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--modules", default=",".join(MODULES))
    p.add_argument("--sample", type=int, default=40, help="mutants per module (0: all)")
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--minutes", type=float, default=50.0, help="cap on the whole run")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant's tests")
    p.add_argument("--keep", type=Path, help="keep the staged copy and sessions here")
    args = p.parse_args(argv)
    try:
        import cosmic_ray  # noqa: F401
    except ImportError:
        print("cosmic-ray is not installed: pip install -e '.[test]'", file=sys.stderr)
        return 2
    names = [n.strip() for n in args.modules.split(",") if n.strip()]
    unknown = set(names) - set(MODULES)
    if unknown:
        print(f"unknown modules {sorted(unknown)}; known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    deadline = time.monotonic() + args.minutes * 60
    folder = Path(tempfile.mkdtemp(prefix="renaksi-mutation-")) if not args.keep else args.keep
    started = time.monotonic()
    rows, all_survivors, capped_any = [], [], False
    try:
        root = stage(folder)
        check_imports(root)
        for name in names:
            counts, survivors, capped = run_module(root, name, args, deadline)
            capped_any |= capped
            rows.append((name, counts, capped))
            all_survivors += survivors
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\nmutation score (cosmic-ray, sample {args.sample or 'all'}, seed {args.seed}), "
        f"{(time.monotonic() - started) / 60:.1f} min; target: >= 90% of the catchable mutants killed"
    )
    print(f"{'module':<12} {'killed':>7} {'survived':>9} {'incompetent':>12} {'not run':>8} {'score':>7}")
    total = Counter()
    for name, counts, capped in rows:
        total.update(counts)
        print(_row(name, counts) + ("  (time cap reached)" if capped else ""))
    print(_row("all", total))
    if all_survivors:
        print("\nsurvivors (a missing test, or a mutant no test can tell apart):")
        for path, line, operator, occurrence, source in sorted(all_survivors):
            shown = path.replace("renaksi_xl/validators/", "validators/")
            print(f"  {shown}:{line}  {operator.removeprefix('core/')} #{occurrence}  | {source[:90]}")
    if capped_any:
        print("\nthe time cap ended the run early: the figures cover the mutants that ran.")
    return 0


def _row(name: str, c: Counter) -> str:
    judged = c["killed"] + c["survived"]
    score = f"{100 * c['killed'] / judged:.0f}%" if judged else "-"
    return (
        f"{name:<12} {c['killed']:>7} {c['survived']:>9} {c['incompetent']:>12} {c['pending']:>8} {score:>7}"
    )


if __name__ == "__main__":
    sys.exit(main())
