"""Readers: a file on disk or the workbook's `Impor` sheet -> grids of cell values.

The file type is found from the bytes, not the extension (users rename files,
and SIPD-like web apps save HTML tables as `.xls`).  Workbooks (.xlsx, .xlsm,
.xls, .ods) are read with python-calamine; CSV with the standard library.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from .. import layout
from .grid import Grid, Problem, Source, is_blank

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

# Contract with the macro that pastes a DPA file into the `Impor` sheet
# (server mode: the server never sees the user's disk).  For each sheet of the
# chosen file the macro writes one marker row and, below it, the sheet's
# UsedRange values starting in column A:
#   A: IMPOR_MARKER   B: file name   C: sheet name   D: address of the UsedRange's
#   top-left cell in the original sheet (e.g. "A1"; blank means A1)
# so every message can name the cell of the user's own file.  Cells above the
# first marker (the sheet title) are ignored.  Without any marker the whole
# sheet is read as one grid and messages name the `Impor` sheet itself.
IMPOR_MARKER = layout.IMPOR_MARKER
IMPOR_MARKER_KAS = layout.IMPOR_MARKER_KAS  # the same marker row for the Anggaran Kas (RAK) file


class ReadError(Exception):
    """The file cannot be read at all; `problem` says why and what to do."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _fail(path: Path, message: str) -> ReadError:
    return ReadError(Problem(message, path.name))


def sniff(path: Path) -> str:
    """'workbook', 'pdf', 'csv', or raises ReadError with the reason in Indonesian."""
    if not path.exists():
        raise _fail(path, f"Berkas tidak ditemukan: {path}.")
    if path.is_dir():
        raise _fail(path, "Yang diberikan adalah folder, bukan berkas DPA.")
    size = path.stat().st_size
    if size == 0:
        raise _fail(path, "Berkas kosong (0 byte). Ekspor ulang DPA dari SIPD atau isi templat impor.")
    with path.open("rb") as fh:
        head = fh.read(4096)
    ext = path.suffix.lower()
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF"):
        return "pdf"
    if head.startswith(CFB_MAGIC):
        data = path.read_bytes()
        if ENCRYPTED_STREAM in data:
            raise _fail(
                path,
                "Berkas terkunci kata sandi (terenkripsi). Buka di Excel, hapus kata sandinya "
                "(File > Info > Lindungi Buku Kerja > Enkripsi dengan Kata Sandi, kosongkan), "
                "simpan, lalu ulangi.",
            )
        return "workbook"  # .xls (BIFF8); calamine reads it, or says it is not a workbook
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                mimetype = zf.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
        except (zipfile.BadZipFile, OSError):
            raise _fail(
                path,
                "Berkas rusak atau tidak lengkap (arsip ZIP tidak utuh); unduh atau salin ulang berkasnya.",
            ) from None
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "workbook"
        if mimetype.startswith("application/vnd.oasis.opendocument.spreadsheet"):
            return "workbook"
        if "word/document.xml" in names:
            raise _fail(
                path,
                "Berkas ini dokumen Word, bukan buku kerja. Pakai ekspor DPA Rincian Belanja "
                "(.xlsx) atau templat impor DPA.",
            )
        raise _fail(
            path,
            "Berkas ZIP ini bukan buku kerja Excel. Pakai ekspor DPA Rincian Belanja (.xlsx) "
            "atau templat impor DPA.",
        )
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise _fail(
            path,
            "Berkas ini halaman web/XML yang diberi akhiran "
            + (ext or "tanpa akhiran")
            + ", bukan buku kerja asli. Buka di Excel, lalu Simpan Sebagai 'Buku Kerja Excel "
            "(.xlsx)' dan ulangi.",
        )
    if b"\x00" in head:
        raise _fail(
            path,
            f"Jenis berkas tidak dikenali ({ext or 'tanpa akhiran'}); yang bisa dibaca: .xlsx, "
            ".xlsm, .xls, .ods, dan .csv.",
        )
    return "csv"


def read_workbook(path: Path) -> list[Grid]:
    """Every sheet (hidden ones too) as a grid anchored at A1."""
    from .. import calamine_gate
    from ..readlimits import LimitError, check_workbook_file
    from ..tables import WorkbookError

    try:
        checked = check_workbook_file(path)  # sizes and each sheet's extent, before calamine allocates a grid
    except LimitError as exc:
        raise _fail(path, exc.message) from None
    except Exception as exc:  # a damaged zip or XML
        raise _fail(
            path, f"Berkas rusak ({type(exc).__name__}: {str(exc)[:80]}). Buka di Excel dan simpan ulang."
        ) from None
    if checked is None:  # .xls / .ods: calamine reads them itself
        return _read_other(path)
    sheets, extras = checked
    grids = []
    try:
        with calamine_gate.Checked(sheets, *extras) as book:
            for sheet in sheets:
                try:
                    rows = book.grid(sheet.name)
                except WorkbookError as exc:  # calamine_gate's words (a panic on a date value, ...)
                    raise _fail(path, exc.message) from None
                except Exception:
                    raise _fail(
                        path,
                        f"Lembar '{sheet.name}' tidak bisa dibaca; buka di Excel dan simpan ulang sebagai .xlsx.",
                    ) from None
                grids.append(Grid(Source(path.name, sheet.name), rows))
    except ReadError:
        raise
    except Exception as exc:  # calamine raises several types; none is usable
        raise _fail(
            path,
            "Berkas tidak bisa dibuka sebagai buku kerja ("
            + type(exc).__name__
            + "). Buka di Excel dan simpan ulang sebagai .xlsx.",
        ) from None
    return grids


def _read_other(path: Path) -> list[Grid]:
    """.xls and .ods, through python-calamine directly."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types; none is usable
        raise _fail(
            path,
            "Berkas tidak bisa dibuka sebagai buku kerja ("
            + type(exc).__name__
            + "). Buka di Excel dan simpan ulang sebagai .xlsx.",
        ) from None
    grids = []
    try:
        for name in wb.sheet_names:
            try:
                rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception:
                raise _fail(
                    path, f"Lembar '{name}' tidak bisa dibaca; buka di Excel dan simpan ulang sebagai .xlsx."
                ) from None
            grids.append(Grid(Source(path.name, name), rows))
    finally:
        wb.close()
    return grids


def read_csv(path: Path) -> list[Grid]:
    """UTF-8 (with or without BOM), else cp1252; comma, semicolon or tab separated."""
    from ..readlimits import MAX_PART_BYTES

    if path.stat().st_size > MAX_PART_BYTES:
        raise _fail(
            path,
            f"Berkas CSV ini lebih besar dari batas baca {MAX_PART_BYTES // (1024 * 1024)} MB; "
            "DPA satu unit kerja jauh lebih kecil. Periksa berkasnya.",
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=header.count)
    if header.count(delimiter) == 0:
        raise _fail(
            path,
            "Berkas teks ini tidak berbentuk CSV (tidak ada pemisah koma atau titik koma di baris "
            "judul). Pakai templat impor DPA.",
        )
    rows = [
        [(v if v.strip() else None) for v in row]
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    return [Grid(Source(path.name, None), rows)]


def read_path(path: str | Path) -> list[Grid]:
    path = Path(path)
    kind = sniff(path)
    if kind == "pdf":
        from .pdfgrid import PdfReadError, read_pdf

        try:
            return read_pdf(path)
        except PdfReadError as exc:
            raise _fail(path, str(exc)) from None
    return read_workbook(path) if kind == "workbook" else read_csv(path)


# ------------------------------------------------------------------ Impor sheet
def _parse_anchor(text) -> tuple[int, int]:
    import re

    m = re.match(r"^\$?([A-Za-z]{1,3})\$?(\d+)", str(text or "").strip())
    if not m:
        return 1, 1
    from ..tables import col_number

    return int(m.group(2)), col_number(m.group(1))


def grids_from_impor(values: list[list], marker: str = IMPOR_MARKER) -> list[Grid]:
    """The `Impor` sheet's values (from A1) -> grids, per the IMPOR_MARKER contract.

    `marker`: IMPOR_MARKER for the DPA's sheets, IMPOR_MARKER_KAS for the Anggaran
    Kas (RAK) sheets pasted beside them.  Returns [] when nothing was pasted.
    """
    kinds = (IMPOR_MARKER, IMPOR_MARKER_KAS)
    all_markers = [
        r for r, row in enumerate(values) if row and isinstance(row[0], str) and row[0].strip() in kinds
    ]
    markers = [r for r in all_markers if values[r][0].strip() == marker]
    if marker != IMPOR_MARKER and not markers:
        return []
    if not markers:
        if all_markers:
            return []  # only Anggaran Kas sheets were pasted
        if not any(not is_blank(v) for row in values[1:] for v in row):
            return []
        return [Grid(Source("buku kerja ini", layout.SHEET_IMPOR), values)]
    grids = []
    for r in markers:
        later = [m for m in all_markers if m > r]
        end = later[0] if later else len(values)
        row = list(values[r]) + [None] * 4
        file = str(row[1]).strip() if not is_blank(row[1]) else f"lembar {layout.SHEET_IMPOR}"
        sheet = str(row[2]).strip() if not is_blank(row[2]) else None
        row0, col0 = _parse_anchor(row[3])
        grids.append(Grid(Source(file, sheet, row0, col0), [list(x) for x in values[r + 1 : end]]))
    return grids


def impor_values(book) -> list[list]:
    """The Impor sheet's cells from A1 to the end of its used range, as a 2-D list.

    A workbook without the sheet is unusable input (WorkbookError, exit 2), not a
    bare engine error: xlwings raises ValueError/KeyError/COM errors per engine.
    """
    from ..tables import WorkbookError

    try:
        sheet = book.sheets[layout.SHEET_IMPOR]
    except Exception as exc:
        raise WorkbookError(
            f"Lembar '{layout.SHEET_IMPOR}' tidak ada di buku kerja ini, jadi data DPA/PK tidak bisa "
            "diambil dari lembar itu. Pilih berkas DPA/PK langsung, atau pakai buku kerja RencanaAksi.xlsm "
            f"dari admin (lembar '{layout.SHEET_IMPOR}' jangan dihapus atau diganti namanya).",
            where=layout.SHEET_IMPOR,
        ) from exc
    used = sheet.used_range
    last_row, last_col = used.last_cell.row, used.last_cell.column
    values = sheet.range((1, 1), (last_row, last_col)).options(ndim=2).value
    return values or []
