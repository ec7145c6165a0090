"""The `validasi` button body and `renaksi-xl validate` (no Excel needed).

The button lists every finding on the Validasi sheet with a link to the cell,
colours the offending cells (after clearing the colours of the previous run
through the workbook's own macro `Renaksi_HapusSorotan`) and shows the verdict
on Beranda.  The command validates files and folders without touching them,
for a reviewer who got the workbook by email or a planning office (Bappeda)
collecting dozens of plans.

Heavy packages (pandas, pandera, xlwings, openpyxl) are imported inside the
functions: the CLI must start fast.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import layout
from .context import ActionContext, format_timestamp
from .errors import InputError
from .headless import macro_equivalent

CLEAR_MACRO = layout.MACRO_HAPUS_SOROTAN
ERROR_FILL = "#FFC7CE"  # light red
WARNING_FILL = "#FFEB9C"  # light yellow
HIGHLIGHTED_TABLES = layout.HIGHLIGHTED_TABLES


def summary_text(errors: int, warnings: int) -> str:
    return f"{errors} galat, {warnings} peringatan"


def verdict_text(errors: int, warnings: int) -> str:
    """What Beranda shows: pass/fail first, then the counts."""
    if errors:
        return f"TIDAK LULUS: {summary_text(errors, warnings)}"
    if warnings:
        return f"LULUS dengan {warnings} peringatan"
    return "LULUS: tanpa temuan"


# --------------------------------------------------------------------------- the button
def validasi_body(book, ctx: ActionContext) -> str:
    """Validate the plan in `book` and report it inside the workbook.

    Returns the one-line summary ("Validasi: 2 galat, 1 peringatan").  Unusable
    tables raise InputError before any action, so the workbook stays as it was.
    """
    from .tables import named_range, read_table, write_table
    from .validators import validate_book

    findings = validate_book(book)
    temuan = read_table(book, layout.TBL_TEMUAN)  # checks the table exists before writing anything
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors

    book.macro(CLEAR_MACRO)()
    rows = [
        [
            i,
            layout.SEVERITY_LABEL[f.severity],
            f.rule,
            f.kode_sub_kegiatan or "",
            f.sheet,
            f.cell or "",
            f.message,
        ]
        for i, f in enumerate(findings, start=1)
    ]
    write_table(book, layout.TBL_TEMUAN, rows)
    sheet = book.sheets[layout.SHEET_VALIDASI]
    first_row = temuan.spec.header_row + 1
    sel_col = temuan.first_col + temuan.col(layout.H_SEL)
    for i, f in enumerate(findings):
        if f.cell:
            sheet.range((first_row + i, sel_col)).add_hyperlink(
                f"#'{f.sheet}'!{f.cell}", f.cell, f"Buka {f.sheet}!{f.cell}"
            )
    _highlight(book, findings)

    moment = format_timestamp(ctx.time())
    named_range(book, "nmValidasiStatus").value = verdict_text(errors, warnings)
    named_range(book, "nmValidasiWaktu").value = moment
    if errors:
        ctx.found_problems = True  # `renaksi-xl run validasi` exits 1 (the findings are still saved)
    named_range(book, "nmValidasiRingkas").value = f"Validasi {moment}: {summary_text(errors, warnings)}." + (
        " Klik alamat di kolom Sel untuk menuju sel yang bermasalah." if findings else ""
    )
    return f"Validasi: {summary_text(errors, warnings)}"


def _highlight(book, findings) -> None:
    """Colour offending cells inside the plan tables' data bodies (what the clear macro clears).

    Adjacent cells of one row with the same colour become one action; an error
    colour wins over a warning colour in the same cell.
    """
    bodies = {spec.sheet: spec for spec in map(layout.table, HIGHLIGHTED_TABLES)}
    colours: dict[tuple[str, int, int], str] = {}
    for f in findings:
        spec = bodies.get(f.sheet)
        if spec is None or not f.cell:
            continue
        row, col = _split_cell(f.cell)
        if row <= spec.header_row:
            continue
        key = (f.sheet, row, col)
        if f.severity == "error" or key not in colours:
            colours[key] = ERROR_FILL if f.severity == "error" else WARNING_FILL
    for sheet_name, row, first, last, colour in _runs(colours):
        book.sheets[sheet_name].range((row, first), (row, last)).color = colour


def _runs(colours: dict[tuple[str, int, int], str]):
    """(sheet, row, first col, last col, colour) for runs of adjacent same-colour cells."""
    run = None
    for (sheet, row, col), colour in sorted(colours.items()):
        if run and run[0] == sheet and run[1] == row and run[3] == col - 1 and run[4] == colour:
            run[3] = col
            continue
        if run:
            yield tuple(run)
        run = [sheet, row, col, col, colour]
    if run:
        yield tuple(run)


def _split_cell(address: str) -> tuple[int, int]:
    from .tables import col_number

    letters = "".join(ch for ch in address if ch.isalpha())
    return int(address[len(letters) :]), col_number(letters)


@macro_equivalent(CLEAR_MACRO)
def clear_highlights(wb) -> None:
    """Headless twin of VBA `Renaksi_HapusSorotan(wb)`: no fill on the data bodies of the plan and
    realisasi tables (a workbook made before the realisasi sheets has none to clear)."""
    from openpyxl.styles import PatternFill

    for name in HIGHLIGHTED_TABLES:
        spec = layout.table(name)
        if spec.sheet not in wb.sheetnames:
            continue
        ws = wb[spec.sheet]
        table = ws.tables.get(name)
        if table is None:
            continue
        (c1, r1), (c2, r2) = _ref_bounds(table.ref)
        header_rows = 1 if table.headerRowCount is None else int(table.headerRowCount)
        totals = int(table.totalsRowCount or 0)
        for row in ws.iter_rows(min_row=r1 + header_rows, max_row=r2 - totals, min_col=c1, max_col=c2):
            for cell in row:
                if cell.fill is not None and cell.fill.fill_type is not None:
                    cell.fill = PatternFill(fill_type=None)


def _ref_bounds(ref: str) -> tuple[tuple[int, int], tuple[int, int]]:
    first, _, last = ref.replace("$", "").partition(":")
    r1, c1 = _split_cell(first)
    r2, c2 = _split_cell(last or first)
    return (c1, r1), (c2, r2)


# --------------------------------------------------------------------------- the command
WORKBOOK_SUFFIXES = (".xlsm", ".xlsx")


@dataclass
class FileResult:
    path: Path
    findings: list = field(default_factory=list)  # validators.Finding
    unusable: str | None = None  # why the file could not be validated
    unit: Any = None
    tahun: Any = None
    tahap: Any = None
    # latest quarter with realisasi: (TW, capaian rata-rata %, serapan %), renaksi_xl.capaian's definitions
    capaian: tuple[str, float | None, float | None] | None = None

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.unusable is None and not self.errors

    def to_json(self) -> dict:
        return {
            "file": str(self.path),
            "ok": self.ok,
            "errors": [f.to_json() for f in self.errors],
            "warnings": [f.to_json() for f in self.warnings],
        }


def collect_files(inputs: list[str], exclude: Path | None = None) -> tuple[list[Path], bool]:
    """Files named, and the workbooks inside folders named (sorted); (files, any folder given).

    Excel's lock files (~$...) and our own temp files (.~...) are skipped, as is
    the --rekap output.  A folder without workbooks is unusable input.
    """
    files: list[Path] = []
    folder_given = False
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            folder_given = True
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.suffix.lower() in WORKBOOK_SUFFIXES
                and not p.name.startswith(("~$", ".~"))
                and (exclude is None or p.resolve() != exclude)
            )
            if not found:
                raise InputError(f"Folder '{path}' tidak berisi buku kerja .xlsm atau .xlsx.")
            files.extend(found)
        else:
            files.append(path)
    return files, folder_given


def _encryption_message(path: Path) -> str | None:
    """An encrypted .xlsx/.xlsm is an OLE compound file, not a zip: say so precisely."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
                return None
            data = head + fh.read()
    except OSError:
        return None
    if "EncryptionInfo".encode("utf-16-le") in data:
        return (
            f"Berkas '{path}' terkunci kata sandi (terenkripsi), jadi isinya tidak bisa dibaca. "
            "Buka di Excel, hapus kata sandinya (File > Info > Protect Workbook), simpan, lalu ulangi."
        )
    return (
        f"Berkas '{path}' berformat Excel 97-2003 (.xls), bukan .xlsm/.xlsx. "
        "Simpan ulang dari Excel sebagai .xlsm lalu ulangi."
    )


def _sheets_read() -> tuple[str, ...]:
    """What `validate_file` reads: the validators' tables, Beranda (unit, year, stage, tblProgres)."""
    from .validators.core import SHEETS_READ

    extra = [layout.NAMED_CELLS[n][0] for n in ("nmUnit", "nmTahun", "nmTahap")] + [layout.SHEET_PENGATURAN]
    return tuple(dict.fromkeys([*SHEETS_READ, *extra, layout.table(layout.TBL_PROGRES).sheet]))


def validate_file(path: Path) -> FileResult:
    """Validate one file; reading problems become `unusable`, never an exception.

    Only the sheets it reads are loaded (like the VBA client's `include`)."""
    from . import headless
    from .tables import named_range, read_settings, read_table
    from .validators import validate_book

    SHEETS_READ = _sheets_read()

    result = FileResult(path)
    if not path.exists():
        result.unusable = f"Berkas '{path}' tidak ditemukan."
        return result
    encrypted = _encryption_message(path)
    if encrypted:
        result.unusable = encrypted
        return result
    try:
        # a Book of its own, dropped afterwards: a folder of dozens of plans must not pile them up
        with headless.remote_book(headless.payload_from_file(path, sheets=SHEETS_READ)) as book:
            result.findings = validate_book(book)
            # Pengaturan is the source (Beranda's copy may predate a manual edit of it)
            settings = _value(lambda: read_settings(book)) or {}
            result.unit = _value(lambda: settings.get(layout.SET_UNIT)) or _value(
                lambda: named_range(book, "nmUnit").value
            )
            result.tahun = _value(lambda: settings.get(layout.SET_TAHUN)) or _value(
                lambda: named_range(book, "nmTahun").value
            )
            result.tahap = _value(lambda: named_range(book, "nmTahap").value) or _stage_from_progress(
                book, read_table
            )
            result.capaian = _latest_capaian(book)
    except InputError as exc:
        result.unusable = exc.message if str(path) in exc.message else f"Berkas '{path}': {exc.message}"
    except Exception as exc:  # a damaged file must not stop a batch of dozens
        result.unusable = (
            f"Berkas '{path}' tidak bisa dibaca ({type(exc).__name__}: {exc}). "
            "Buka dan simpan ulang di Excel, lalu ulangi."
        )
    return result


def _latest_capaian(book) -> tuple[str, float | None, float | None] | None:
    """For the rekap: the latest quarter with realisasi, its mean capaian and serapan (None: no realisasi,
    or a workbook made before the realisasi sheets)."""
    from .capaian import read_book, round2

    try:
        data = read_book(book)
    except InputError:
        return None
    k = data.latest_quarter()
    if k is None:
        return None
    s = data.summary(k)
    return f"TW {layout.QUARTERS[k - 1]}", round2(s.capaian_rata_rata), round2(s.serapan)


def _value(get) -> Any:
    try:
        value = get()
    except Exception:
        return None
    return None if value in ("", None) else value


def _stage_from_progress(book, read_table) -> str | None:
    """Without nmTahap: the last step of tblProgres whose status says it is done."""
    try:
        data = read_table(book, layout.TBL_PROGRES)
    except Exception:
        return None
    done = [
        row[data.col(layout.H_LANGKAH)]
        for row in data.rows
        if "selesai" in str(row[data.col(layout.H_STATUS)] or "").casefold()
    ]
    return f"Langkah {max(done)} selesai" if done else None


class _Progress:
    """A progress bar on stderr: redrawn in a terminal, one line per file otherwise."""

    def __init__(self, total: int, stream=None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = total > 1 or self.tty

    def step(self, done: int, name: str) -> None:
        if not self.enabled:
            return
        width = 24
        filled = int(width * done / self.total)
        bar = "#" * filled + "-" * (width - filled)
        text = f"[{bar}] {done}/{self.total} {name}"
        if self.tty:
            self.stream.write("\r" + text[:100].ljust(100))
            if done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def format_text(result: FileResult) -> str:
    """Readable Indonesian report of one file, grouped under its name."""
    if result.unusable:
        # The reason goes to stderr once, as 'Galat: ...' (cmd_validate), not here too.
        return f"{result.path}: TIDAK DAPAT DIPERIKSA (alasannya di baris 'Galat:')"
    lines = [f"{result.path}: {verdict_text(len(result.errors), len(result.warnings))}"]
    for f in result.findings:
        where = f"{f.sheet}!{f.cell}" if f.cell else f.sheet
        label = layout.SEVERITY_LABEL[f.severity]
        lines.append(f"  {label:<10} {where:<20} {f.rule}: {f.message}")
    return "\n".join(lines)


def write_rekap(results: list[FileResult], out: Path) -> None:
    """Summary workbook, one row per file: what a planning office needs to follow up."""
    from .outputs import atomic_write

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda tmp: _write_rekap_to(results, tmp))


def _write_rekap_to(results: list[FileResult], out) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(out), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    ws = wb.add_worksheet("Rekap Validasi")
    ws.write(0, 0, "Rekap Validasi Rencana Aksi", wb.add_format({"bold": True, "font_size": 14}))
    headers = [
        "No",
        "Berkas",
        "Unit Kerja",
        "Tahun Anggaran",
        "Tahap SOP Tercapai",
        "Hasil Validasi",
        "Jumlah Galat",
        "Jumlah Peringatan",
        "Keterangan",
        "Triwulan Terakhir",
        "Capaian Rata-rata (%)",
        "Serapan (%)",
    ]
    widths = [6, 40, 30, 14, 26, 24, 12, 16, 70, 12, 14, 12]
    rows = []
    for i, r in enumerate(results, start=1):
        if r.unusable:
            status, note = "Tidak dapat diperiksa", r.unusable
        else:
            status = "Lulus" if r.ok else "Tidak lulus"
            note = "; ".join(sorted({f.rule for f in r.errors})) if r.errors else ""
        rows.append(
            [
                i,
                r.path.name,
                _text(r.unit),
                _text(r.tahun),
                _text(r.tahap),
                status,
                None if r.unusable else len(r.errors),
                None if r.unusable else len(r.warnings),
                note,
                *(r.capaian or ("", None, None)),
            ]
        )
    last = 2 + max(len(rows), 1)
    ws.add_table(
        2,
        0,
        last,
        len(headers) - 1,
        {
            "name": "tblRekapValidasi",
            "style": "TableStyleMedium2",
            "columns": [{"header": h} for h in headers],
            "data": rows or None,
        },
    )
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    wb.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def cmd_validate(args) -> int:
    """`renaksi-xl validate BUKU... [--json] [--rekap OUT.xlsx]`: 0 no errors, 1 errors, 2 unusable."""
    rekap = Path(args.rekap) if getattr(args, "rekap", None) else None
    files, folder_given = collect_files(list(args.books), exclude=rekap.resolve() if rekap else None)
    if rekap is not None:
        from .outputs import check_output

        if not rekap.parent.exists():
            rekap.parent.mkdir(parents=True, exist_ok=True)
        check_output(rekap, inputs=files, option="--rekap")
    progress = _Progress(len(files))
    results = []
    for i, path in enumerate(files, start=1):
        results.append(validate_file(path))
        progress.step(i, path.name)

    if args.json:
        payload = [r.to_json() for r in results]
        for r, item in zip(results, payload):
            if r.unusable:
                item["errors"] = [
                    {
                        "rule": "BERKAS_TIDAK_TERBACA",
                        "severity": "error",
                        "sheet": "",
                        "cell": None,
                        "kode_sub_kegiatan": None,
                        "message": r.unusable,
                    }
                ]
        single = len(results) == 1 and not folder_given
        print(json.dumps(payload[0] if single else payload, ensure_ascii=False, indent=2))
    else:
        print("\n\n".join(format_text(r) for r in results))
        if len(results) > 1:
            unusable = sum(r.unusable is not None for r in results)
            passed = sum(r.ok for r in results)
            print(
                f"\nRingkasan: {len(results)} berkas; {passed} lulus, "
                f"{len(results) - passed - unusable} tidak lulus, {unusable} tidak dapat diperiksa."
            )
    for r in results:
        if r.unusable:
            print(f"Galat: {r.unusable}", file=sys.stderr)
    if rekap:
        write_rekap(results, rekap)
        print(f"Rekap ditulis: {rekap}", file=sys.stderr)

    if any(r.unusable for r in results):
        return 2
    if any(r.errors for r in results):
        return 1
    return 0
