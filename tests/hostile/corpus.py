"""The adversarial corpus: hostile workbooks and options against every command.

A case is (id, how to make the hostile workbook, the command line, the expected
exit code, a fragment the message must contain, whether the workbook must stay
byte-identical).  `tests/test_hostile_corpus.py` runs each one in-process;
`bench/bench_hostile.py` runs them and prints the time per case.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from renaksi_xl import layout

from . import books as b

KIB = 1024


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Path], None] | None  # damages the workbook copy in place (None: left as built)
    argv: Callable[[Path, Path], list[str]]  # (workbook, folder for outputs) -> arguments
    exit: int
    fragment: str
    unchanged: bool = True  # the workbook's bytes must be the same afterwards


def _t(name: str) -> str:
    return layout.table(name).sheet


# Hostile workbooks: (id, maker, fragment of the message every command must give).
BOOKS: list[tuple[str, Callable[[Path], None], str]] = [
    ("far-cell-XFD1048576", b.far_cell(layout.SHEET_IMPOR, "XFD1048576"), "XFD1048576"),
    ("far-cell-CV1048576", b.far_cell(layout.SHEET_IMPOR, "CV1048576"), "CV1048576"),
    ("far-row-DPA-B150000", b.far_cell(layout.SHEET_DPA, "B150000"), "B150000"),
    # the same far cell spelled as XML allows and calamine reads: a tab, single quotes, r twice
    ("far-cell-tab", b.far_cell_spelled(layout.SHEET_IMPOR, "XFD1048576", '<c\tr="{ref}">'), "XFD1048576"),
    ("far-cell-quotes", b.far_cell_spelled(layout.SHEET_IMPOR, "XFD1048576", "<c r='{ref}'>"), "XFD1048576"),
    (
        "far-cell-r-twice",
        b.far_cell_spelled(layout.SHEET_IMPOR, "XFD1048576", '<c r="A9" r="{ref}">'),
        "dua kali",
    ),
    ("wide-grid-IV9000", b.far_cell(layout.SHEET_IMPOR, "IV9000"), "sel per lembar"),
    ("rows-without-refs", b.rows_without_refs(layout.SHEET_IMPOR, 500_000, 3), "batas baca"),
    ("ref-A4-X9999999", b.table_ref(layout.TBL_DPA, "A4:X9999999"), "tblDPA"),
    ("ref-wide-log", b.table_ref(layout.TBL_LOG, "A4:ZZ5"), "tblLog"),
    ("ref-garbage", b.table_ref(layout.TBL_RENCANA, "ZZZZ"), "tblRencanaAksi"),
    ("ref-reversed", b.table_ref(layout.TBL_KINERJA, "J5:A4"), "tblKinerja"),
    ("header-rows-garbage", b.table_attr(layout.TBL_DPA, "headerRowCount", "x"), "rusak"),
    ("bad-crc", b.bad_crc(layout.SHEET_DPA), "rusak"),
    ("truncated-zip", b.truncated, "bukan buku kerja"),
    ("not-a-zip", b.not_a_zip, "bukan buku kerja"),
    ("empty-file", b.empty_file, "bukan buku kerja"),
    ("encrypted-ole", b.ole_file, "kata sandi"),
    ("no-workbook-xml", b.drop_member(lambda p: "xl/workbook.xml"), "bukan buku kerja"),
    ("missing-table-part", b.drop_member(lambda p: b.table_part(p, layout.TBL_DPA)), "rusak"),
    ("broken-table-xml", b.broken_xml(lambda p: b.table_part(p, layout.TBL_LOG)), "rusak"),
    ("broken-sheet-xml", b.broken_xml(lambda p: b.sheet_part(p, layout.SHEET_DPA)), "rusak"),
    ("shared-string-index", b.bad_shared_string_index(layout.SHEET_DPA, "B5"), "rusak"),
    ("number-5000-digits", b.cell(_t(layout.TBL_DPA), "L5", b.number("L5", "1" * 5000)), "L5"),
    ("number-nan", b.cell(_t(layout.TBL_DPA), "L5", b.number("L5", "NaN")), "bukan angka"),
    ("number-inf", b.cell(_t(layout.TBL_KINERJA), "E5", b.number("E5", "INF")), "bukan angka"),
    ("number-minus-inf", b.cell(layout.SHEET_BERANDA, "C5", b.number("C5", "-inf")), "bukan angka"),
    ("bomb-2GiB", b.bomb(2 * 1024 * 1024 * KIB), "batas"),
    ("bomb-200MiB", b.bomb(200 * 1024 * KIB), "batas"),
    ("stale-formula-rencana", b.stale_formula(_t(layout.TBL_RENCANA), "B5", "1+1", "3"), "rumus"),
    ("stale-formula-dpa", b.stale_formula(_t(layout.TBL_DPA), "L5", "SUM(1,2)", "999"), "rumus"),
    ("stale-formula-log", b.stale_formula(layout.SHEET_LOG, "C5", '"x"', "y"), "rumus"),
    ("text-40000-chars", b.long_shared_text(_t(layout.TBL_DPA), "B5", 40_000), "32.767"),
    ("active-tab-garbage", b.active_tab("abc"), "rusak"),
]

# Every command that reads a workbook: (label, arguments for workbook B and output folder O).
COMMANDS: list[tuple[str, Callable[[Path, Path], list[str]]]] = [
    ("verify", lambda p, o: ["verify", str(p)]),
    ("run-validasi", lambda p, o: ["run", layout.ACTION_VALIDASI, str(p)]),
    ("diff-new", lambda p, o: ["diff", str(o / "good.xlsm"), str(p)]),
    ("email", lambda p, o: ["email", str(p), "--ke", layout.ROLE_CAMAT, "--out", str(o / "x.eml")]),
    ("pdf", lambda p, o: ["pdf", str(p), "--out", str(o / "x.pdf")]),
    ("validate", lambda p, o: ["validate", str(p)]),
]
# A few books also through the rest (diff as the old side, a step action, the DPA reader).
MORE_COMMANDS: list[tuple[str, Callable[[Path, Path], list[str]]]] = [
    ("diff-old", lambda p, o: ["diff", str(p), str(o / "good.xlsm")]),
    ("run-keaslian", lambda p, o: ["run", layout.ACTION_PERIKSA_KEASLIAN, str(p)]),
    ("validate-json", lambda p, o: ["validate", str(p), "--json"]),
]
MORE_BOOKS = {"far-row-DPA-B150000", "ref-A4-X9999999", "bad-crc", "number-5000-digits", "stale-formula-dpa"}


# Damage on sheets `validate` does not read (Impor, Log): it validates the (empty) plan
# and finds its errors, exit 1, as it should; every other command reads those sheets.
OUTSIDE_VALIDATE = {
    "far-cell-XFD1048576",
    "far-cell-tab",
    "far-cell-quotes",
    "far-cell-r-twice",
    "far-cell-CV1048576",
    "wide-grid-IV9000",
    "rows-without-refs",
    "ref-wide-log",
    "broken-table-xml",
    "stale-formula-log",
}


def _book_cases() -> list[Case]:
    cases = []
    for book_id, make, fragment in BOOKS:
        for label, argv in COMMANDS:
            if label.startswith("validate") and book_id in OUTSIDE_VALIDATE:
                cases.append(Case(f"{book_id}/{label}", make, argv, 1, "TIDAK LULUS"))
                continue
            cases.append(Case(f"{book_id}/{label}", make, argv, 2, fragment))
        if book_id in MORE_BOOKS:
            for label, argv in MORE_COMMANDS:
                cases.append(Case(f"{book_id}/{label}", make, argv, 2, fragment))
    return cases


def _dpa_cases() -> list[Case]:
    """The DPA reader (`dpa FILE`, `run tarik-dpa --dpa FILE`) given a hostile .xlsx."""
    out = []
    for book_id in ("far-cell-XFD1048576", "far-cell-CV1048576", "far-cell-tab", "bomb-200MiB"):
        make = next(m for i, m, _f in BOOKS if i == book_id)
        out.append(Case(f"{book_id}/dpa", make, lambda p, o: ["dpa", str(p)], 2, "batas"))
    return out


def _nip() -> str:
    return "198303302001121003"


def _run(action: str, *extra: str):
    return lambda p, o: ["run", action, str(p), "--pejabat", _nip(), *extra]


def _link(o: Path, name: str, target: Path) -> str:
    link = o / name
    if not link.is_symlink():
        os.symlink(target, link)
    return str(link)


DISPOSISI = layout.ACTION_DISPOSISI
OPTION_CASES: list[Case] = [
    Case(
        "email-out-is-the-book",
        None,
        lambda p, o: ["email", str(p), "--ke", layout.ROLE_CAMAT, "--out", str(p)],
        2,
        "masukan",
    ),
    Case("pdf-out-is-the-book", None, lambda p, o: ["pdf", str(p), "--out", str(p)], 2, "masukan"),
    Case("rekap-is-the-book", None, lambda p, o: ["validate", str(p), "--rekap", str(p)], 2, "masukan"),
    Case(
        "email-out-through-symlink",
        None,
        lambda p, o: ["email", str(p), "--ke", layout.ROLE_CAMAT, "--out", _link(o, "draf.eml", p)],
        2,
        "symlink",
    ),
    Case(
        "run-out-device",
        None,
        lambda p, o: [*_run(DISPOSISI)(p, o), "--out", os.devnull],
        2,
        "bukan berkas biasa",
    ),
    Case(
        "run-out-symlink",
        None,
        lambda p, o: [*_run(DISPOSISI)(p, o), "--out", _link(o, "l.xlsm", o / "x.xlsm")],
        2,
        "symlink",
    ),
    Case(
        "pdf-out-symlink",
        None,
        lambda p, o: ["pdf", str(p), "--out", _link(o, "l.pdf", o / "elsewhere.pdf")],
        2,
        "symlink",
    ),
    Case(
        "rekap-symlink",
        None,
        lambda p, o: ["validate", str(p), "--rekap", _link(o, "r.xlsx", p)],
        2,
        "symlink",
    ),
    Case(
        "email-out-folder",
        None,
        lambda p, o: ["email", str(p), "--ke", layout.ROLE_CAMAT, "--out", str(o)],
        2,
        "folder",
    ),
    Case("waktu-9999", None, _run(DISPOSISI, "--waktu", "9999-12-31T23:59"), 2, "--waktu"),
    Case("waktu-9999-offset", None, _run(DISPOSISI, "--waktu", "9999-12-31T23:59-12:00"), 2, "--waktu"),
    Case("waktu-2205", None, _run(DISPOSISI, "--waktu", "2205-01-01T09:00"), 2, "satu hari"),
    Case("waktu-1900", None, _run(DISPOSISI, "--waktu", "1900-01-01T09:00"), 2, "2000"),
    Case("waktu-garbage", None, _run(DISPOSISI, "--waktu", "besok pagi"), 2, "ISO 8601"),
    Case("catatan-40000", None, _run(DISPOSISI, "--catatan", "x" * 40_000), 2, "32.767"),
    Case("catatan-vertical-tab", None, _run(DISPOSISI, "--catatan", "a\x0bb"), 2, "U+000B"),
    Case("catatan-escape", None, _run(DISPOSISI, "--catatan", "a\x1bb"), 2, "U+001B"),
    Case("catatan-bad-utf8", None, _run(DISPOSISI, "--catatan", "a\udcffb"), 2, "U+DCFF"),
    Case("catatan-uffff", None, _run(DISPOSISI, "--catatan", "a\uffffb"), 2, "U+FFFF"),
    Case("peserta-form-feed", None, _run(DISPOSISI, "--peserta", "a\x0cb", "--catatan", "ok"), 2, "U+000C"),
    Case("pejabat-not-digits", None, _run(DISPOSISI, "--pejabat", "abc"), 2, "NIP"),
    Case(
        "dpa-missing",
        None,
        _run(layout.ACTION_TARIK_DPA, "--dpa", "/nonexistent/DPA.xlsx"),
        2,
        "tidak ditemukan",
    ),
    Case("batas-garbage", None, _run(DISPOSISI, "--batas", "kemarin"), 2, "--batas"),
    Case("unknown-action", None, lambda p, o: ["run", "hapus-semua", str(p)], 2, "hapus-semua"),
    Case(
        "diff-missing", None, lambda p, o: ["diff", str(p), str(o / "tidak-ada.xlsm")], 2, "tidak ditemukan"
    ),
    Case("email-unknown-role", None, lambda p, o: ["email", str(p), "--ke", "Presiden"], 2, "Presiden"),
    Case("verify-folder", None, lambda p, o: ["verify", str(o)], 2, "Galat"),
    Case("verify-missing", None, lambda p, o: ["verify", str(o / "hilang.xlsm")], 2, "tidak ditemukan"),
]


def all_cases() -> list[Case]:
    return [*_book_cases(), *_dpa_cases(), *OPTION_CASES]
