"""Reading a workbook file within explicit limits, and saying which limit a file broke.

A workbook arrives by email, so its zip, XML, table ranges and cells are
untrusted.  Before python-calamine builds a sheet's grid (from A1 to the
furthest cell with a value, every cell in between allocated), and before the
remote engine reads a table's range, the file is checked here:

- the zip: every member's declared size, and the total, within
  `MAX_PART_BYTES` / `MAX_TOTAL_BYTES`; the parts we parse are read through
  `read_part`, which stops at the limit whatever the header claims and lets
  `zipfile` check the CRC;
- each sheet read (`scan_sheet`, with renaksi_xl.sheetscan): the furthest cell
  holding something, as python-calamine would place it, against `MAX_ROWS`,
  `MAX_COLS` and `MAX_CELLS` (the grid that cell would make); formulas inside
  the tables whose content is fingerprinted (their cached value may be stale:
  refused);
- after reading (`check_values`): NaN and infinities, and texts over Excel's
  32,767 characters, naming the cell;
- each table's `ref`: well formed, and within `MAX_ROWS` / `MAX_COLS`.

Every refusal is a `LimitError` (exit 2) naming the file, the sheet and the
cell or table, and the limit.  The figures and why: docs/architecture.md.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from . import sheetscan
from .tables import WorkbookError, cell_address, col_letter
from .tables import col_number as _col_number

MAX_PART_BYTES = 128 * 1024 * 1024  # one decompressed XML part (a 3,000-row plan sheet: ~2 MB)
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all members together, decompressed
MAX_ROWS = 100_000  # rows of a sheet's grid or a table (a city's plan: ~3,000)
MAX_COLS = 256  # columns (A..IV; the widest table has 24)
MAX_CELLS = 2_000_000  # cells of one sheet's grid, A1 to its furthest value
MAX_TEXT = 32_767  # characters in one cell: Excel's own limit


class LimitError(WorkbookError):
    """A file beyond one of the reading limits, or damaged (exit 2)."""


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def check_archive(zf: zipfile.ZipFile, path) -> None:
    """Declared sizes: one part, and all parts together."""
    total = 0
    for info in zf.infolist():
        if info.file_size > MAX_PART_BYTES:
            raise LimitError(
                f"Berkas '{path}': bagian {info.filename} berukuran {_n(info.file_size)} byte setelah "
                f"dibuka, melebihi batas {_n(MAX_PART_BYTES)} byte per bagian. Berkas ini bukan buku kerja "
                "Rencana Aksi yang wajar (mungkin 'bom zip'); minta pengirim menyimpan ulang dari Excel."
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise LimitError(
            f"Berkas '{path}' berukuran {_n(total)} byte setelah dibuka, melebihi batas "
            f"{_n(MAX_TOTAL_BYTES)} byte. Minta pengirim menyimpan ulang dari Excel."
        )


def read_part(zf: zipfile.ZipFile, name: str, path) -> bytes:
    """A member's bytes, never more than MAX_PART_BYTES whatever its header says."""
    with zf.open(name) as fh:
        data = fh.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise LimitError(
            f"Berkas '{path}': bagian {name} melebihi batas {_n(MAX_PART_BYTES)} byte per bagian "
            "setelah dibuka. Minta pengirim menyimpan ulang dari Excel."
        )
    return data


# ----------------------------------------------------------------------------- table refs
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?$")


def check_table_ref(ref: str | None, table: str, sheet: str, path) -> None:
    """A table's range: 'A4:U20' shaped, top-left first, within the limits."""
    m = _REF.match(ref or "")
    if not m:
        raise LimitError(
            f"Berkas '{path}', lembar '{sheet}': rentang tabel '{table}' ('{ref}') tidak terbaca. "
            "Berkas rusak; buka dan simpan ulang di Excel."
        )
    c1, r1 = _col_number(m.group(1)), int(m.group(2))
    c2, r2 = (_col_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
    if r1 < 1 or c2 < c1 or r2 < r1:
        raise LimitError(
            f"Berkas '{path}', lembar '{sheet}': rentang tabel '{table}' ('{ref}') terbalik atau tidak sah. "
            "Berkas rusak; buka dan simpan ulang di Excel."
        )
    rows, cols = r2 - r1 + 1, c2 - c1 + 1
    if rows > MAX_ROWS or cols > MAX_COLS or c2 > MAX_COLS:
        raise LimitError(
            f"Berkas '{path}', lembar '{sheet}': tabel '{table}' mencakup {ref} ({_n(rows)} baris x "
            f"{_n(cols)} kolom), melebihi batas baca {_n(MAX_ROWS)} baris dan {_n(MAX_COLS)} kolom "
            f"(sampai kolom {col_letter(MAX_COLS)}). Di Excel: klik tabel, Desain Tabel > Ubah Ukuran "
            "Tabel, pilih hanya baris yang berisi data, simpan, lalu ulangi."
        )


def ref_box(ref: str) -> tuple[int, int, int, int]:
    """(first row, first col, last row, last col) of a checked ref."""
    m = _REF.match(ref)
    assert m is not None, ref  # check_table_ref accepted it
    c1, r1 = _col_number(m.group(1)), int(m.group(2))
    c2, r2 = (_col_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
    return r1, c1, r2, c2


# ----------------------------------------------------------------------------- sheets
_FORMULA = re.compile(rb"<f[\s>/]")  # a formula element in the fast shape (no prefixes there)
_CELL_AT = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
# Boxes of the grid a sheet in the fast shape is checked against (sheetscan.fits): the first from
# the start, the others from where it stopped, so each must hold the first (the part before the
# stop is known to be inside it); each within MAX_ROWS, MAX_COLS and MAX_CELLS.  Both are checked
# by tests/test_sheetscan.py.  The first fits a plan of up to 9,999 rows; the others long and
# narrow (a city's realisasi, four quarters of 3,000 rows), then wider and shorter.
BOXES = (
    sheetscan.Box(cols=26, rows=9_999),
    sheetscan.Box(cols=26, rows=69_999),
    sheetscan.Box(cols=52, rows=37_999),
    sheetscan.Box(cols=200, rows=9_999),
)


@dataclass
class SheetScan:
    formula_cells: list[str] = field(default_factory=list)


def _in_a_box(data: bytes) -> bool:
    """Every cell in the fast shape and inside one of BOXES (no object made per cell)."""
    if not sheetscan.fast_shape(data):
        return False
    stop = sheetscan.fits(data, BOXES[0])
    return stop is None or any(sheetscan.fits(data, box, stop) is None for box in BOXES[1:])


def scan_sheet(
    data: bytes, sheet: str, path, protected: list[tuple[str, tuple[int, int, int, int]]]
) -> SheetScan:
    """Check one sheet's XML against the grid limits; list formulas inside `protected`
    table bodies ((table name, (r1, c1, r2, c2)))."""
    scan = SheetScan()
    if _in_a_box(data):
        if protected and b"<f" in data:
            # each formula belongs to the cell whose start tag comes last before it (in the fast
            # shape every cell starts `<c r="..."`): one pass, no backtracking over cell bodies
            for m in _FORMULA.finditer(data):
                cell = _CELL_AT.match(data, data.rfind(b'<c r="', 0, m.start()))
                if cell is not None:
                    _note_formula(scan, protected, int(cell.group(2)), _col_number(cell.group(1).decode()))
        return scan
    try:
        cells = sheetscan.exact(data, MAX_ROWS, MAX_COLS, MAX_CELLS)
    except sheetscan.NotReadable as exc:
        raise LimitError(
            f"Berkas '{path}', lembar '{sheet}': {exc}. Berkas rusak; buka dan simpan ulang di Excel "
            "(atau minta pengirim mengirim ulang), lalu ulangi."
        ) from None
    _check_extent(path, sheet, cells.far_row, cells.far_row_cell, cells.far_col, cells.far_col_cell)
    for row, col in cells.formulas if protected else ():
        _note_formula(scan, protected, row, col)
    return scan


def _note_formula(scan: SheetScan, protected, row: int, col: int) -> None:
    for table, (r1, c1, r2, c2) in protected:
        if r1 < row <= r2 and c1 <= col <= c2:
            scan.formula_cells.append(f"{table}:{cell_address(row, col)}")


def _check_extent(path, sheet: str, rows: int, row_cell: str, cols: int, col_cell: str) -> None:
    where = f"Berkas '{path}', lembar '{sheet}'"
    fix = "Hapus isi sel itu (pilih sel, tekan Delete), simpan, lalu ulangi."
    if cols > MAX_COLS:
        raise LimitError(
            f"{where}: ada isi di sel {col_cell}, di luar batas baca {_n(MAX_COLS)} kolom "
            f"(sampai kolom {col_letter(MAX_COLS)}). {fix}"
        )
    if rows > MAX_ROWS:
        raise LimitError(
            f"{where}: ada isi di sel {row_cell}, di luar batas baca {_n(MAX_ROWS)} baris. {fix}"
        )
    if rows * cols > MAX_CELLS:
        raise LimitError(
            f"{where}: isinya membentang dari A1 sampai baris {_n(rows)} dan kolom {col_letter(cols)} "
            f"({_n(rows * cols)} sel), melebihi batas baca {_n(MAX_CELLS)} sel per lembar "
            f"(sel terjauh: {row_cell}). {fix}"
        )


def formula_message(path, sheet: str, cells: list[str]) -> str:
    table, _, first = cells[0].partition(":")
    more = f" (dan {len(cells) - 1} sel lain)" if len(cells) > 1 else ""
    return (
        f"Berkas '{path}', lembar '{sheet}': sel {first}{more} di tabel '{table}' berisi rumus. Isi tabel "
        "ini diberi sidik (keaslian), dan nilai rumus yang tersimpan bisa berbeda dari yang dihitung "
        "ulang Excel, jadi rumus tidak diterima di sini. Di Excel: salin sel itu lalu Tempel Khusus > "
        "Nilai, simpan, lalu ulangi."
    )


# ----------------------------------------------------------------------------- values
def bad_value_message(path, sheet: str, row: int, col: int, value) -> str:
    return (
        f"Berkas '{path}', lembar '{sheet}', sel {cell_address(row, col)}: nilai '{str(value)[:40]}' bukan "
        "angka yang sah (tak hingga atau bukan angka, mis. angka ribuan digit). Ketik ulang nilainya di "
        "Excel, simpan, lalu ulangi."
    )


def long_text_message(path, sheet: str, row: int, col: int, length: int) -> str:
    return (
        f"Berkas '{path}', lembar '{sheet}', sel {cell_address(row, col)}: teksnya {_n(length)} karakter, "
        f"melebihi batas Excel {_n(MAX_TEXT)} karakter per sel. Persingkat teksnya, simpan, lalu ulangi."
    )


def check_values(values: list[list], path, sheet: str) -> None:
    """Numbers that are not finite (NaN, infinity: a 5,000-digit numeral reads as one)
    and texts over Excel's limit, naming the cell."""
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            t = type(v)
            if t is float and v - v != 0:
                raise LimitError(bad_value_message(path, sheet, i + 1, j + 1, v))
            if t is str and len(v) > MAX_TEXT:
                raise LimitError(long_text_message(path, sheet, i + 1, j + 1, len(v)))


def check_workbook_file(path):
    """An .xlsx/.xlsm given to a reader that takes every sheet as a grid (the DPA and PK readers):
    the zip sizes and every sheet's extent, before calamine.  Returns (the checked sheets, the
    workbook's extras) for renaksi_xl.calamine_gate, in the workbook's sheet order; None for a
    file that is not an OOXML zip (.xls, .ods, CSV: the reader says what it is)."""
    import posixpath
    from xml.etree import ElementTree as ET

    from . import calamine_gate
    from .payload import _rels

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    with zf:
        names = set(zf.namelist())
        workbook = _office_document(zf, path) or "xl/workbook.xml"
        if workbook not in names:
            if "content.xml" in names:  # OpenDocument (.ods): calamine reads it itself
                return None
            raise LimitError(
                f"Berkas '{path}' bukan buku kerja Excel yang bisa dibaca (tidak ada bagian workbook)."
            )
        check_archive(zf, path)
        wb = ET.fromstring(read_part(zf, workbook, path))
        targets = _rels(zf, workbook, read=lambda name: ET.fromstring(read_part(zf, name, path)))
        sheets = []
        for el in (e for group in wb if group.tag.rpartition("}")[2] == "sheets" for e in group):
            if el.tag.rpartition("}")[2] != "sheet":
                continue
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            part = posixpath.normpath(targets.get(rid or "", ""))
            if part not in names:
                raise LimitError(
                    f"Berkas '{path}': lembar '{el.get('name', '?')}' menunjuk bagian yang tidak ada di "
                    "berkas. Berkas rusak; buka di Excel dan simpan ulang."
                )
            data = read_part(zf, part, path)
            sheet = el.get("name", part)
            scan_sheet(data, sheet, path, [])
            sheets.append(calamine_gate.Sheet(sheet, data))
        extras = calamine_gate.workbook_extras(zf, wb, workbook, lambda name: read_part(zf, name, path))
    return sheets, extras


def _office_document(zf: zipfile.ZipFile, path) -> str | None:
    """The workbook part `_rels/.rels` names (OPC), if any."""
    from xml.etree import ElementTree as ET

    if "_rels/.rels" not in zf.namelist():
        return None
    for rel in ET.fromstring(read_part(zf, "_rels/.rels", path)):
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            return str(rel.get("Target", "")).lstrip("/")
    return None
