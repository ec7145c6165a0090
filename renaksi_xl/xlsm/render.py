"""Render the workbook through LibreOffice: PDF of every sheet, PNG screenshots.

Used by the LibreOffice tests (every visible sheet must render) and by
``python -m renaksi_xl.xlsm.render [--out DIR] [--demo DIR]``, which regenerates
every picture of the staff guide (docs/img/*.png) from the workbooks of a demo run
(``renaksi-xl demo``; without --demo it runs one in a temporary folder).

LibreOffice stands in for Excel here. The screenshot copy is made to look like
Excel's screen: A2 paper at 100 % (LibreOffice scales buttons but not their
captions), buttons printable (they never print from the real workbook), table
formats carried down to every row and wrapped rows grown to their text, as Excel
does when it writes a value (LibreOffice 7.4 keeps imported rows at their stored
height). Install Carlito (fonts-crosextra-carlito) so text has Calibri's metrics.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

from .. import layout, sop

UNIT = sop.default().unit  # the demo's (default SOP) page header

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PAPER_A2 = 66  # Excel's paper size code for A2
MAX_PNG_BYTES = 300_000


class RenderError(RuntimeError):
    pass


_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>
</oor:items>
"""


def to_pdf(book: str | Path, out_dir: str | Path, timeout: float = 180, *, locale: str = "id-ID") -> Path:
    """Convert a workbook to PDF with headless LibreOffice (a private profile per call).

    `locale` is LibreOffice's locale setting: id-ID shows 1.250.000 and 12,50,
    as an Indonesian Excel does with the same number formats.
    """
    from .lo_host import find_soffice

    book, out_dir = Path(book).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="renaksi-lo-pdf-") as profile:
        (Path(profile) / "user").mkdir()
        (Path(profile) / "user" / "registrymodifications.xcu").write_text(_XCU.format(locale=locale))
        run = subprocess.run(
            [
                find_soffice(),
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(book),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,
        )
    pdf = out_dir / (book.stem + ".pdf")
    if run.returncode != 0 or not pdf.is_file():
        raise RenderError(f"LibreOffice could not convert {book.name} to PDF: {run.stderr.strip()[-800:]}")
    return pdf


_HEADER = re.compile(rf"Rencana Aksi {re.escape(UNIT)}\s+(.+?)\s+SOP {re.escape(sop.SOP_NUMBER)}")


def pages_by_sheet(pdf: str | Path) -> dict[str, list[int]]:
    """Sheet name -> 0-based page numbers, read from each page's header (centre = sheet name)."""
    from pypdf import PdfReader

    out: dict[str, list[int]] = {}
    for i, page in enumerate(PdfReader(str(pdf)).pages):
        m = _HEADER.search(page.extract_text() or "")
        if m:
            out.setdefault(m.group(1).strip(), []).append(i)
    return out


def body_box(pdf: str | Path, page_index: int, margin_pt: float = 54.0) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) in points of the words on a page between the top and bottom margins.

    Header and footer (the sheet name, page numbers) sit in the margins and are left out.
    """
    run = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page_index + 1), "-l", str(page_index + 1), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    root = ET.fromstring(
        re.sub(r"<!DOCTYPE[^>]*>", "", run.stdout).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    )
    page = root.find(".//page")
    if page is None:
        raise RenderError(f"pdftotext -bbox gave no page for page {page_index + 1} of {pdf}")
    height = float(page.get("height", "0"))
    boxes = [tuple(float(w.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")) for w in root.iter("word")]
    body = [b for b in boxes if b[1] > margin_pt and b[3] < height - margin_pt]
    if not body:
        raise RenderError(f"page {page_index + 1} of {Path(pdf).name} has no text")
    return (
        min(b[0] for b in body),
        min(b[1] for b in body),
        max(b[2] for b in body),
        max(b[3] for b in body),
    )


def page_png(
    pdf: str | Path, page_index: int, out_png: str | Path, *, dpi: int = 96, pad_pt: float = 10.0
) -> Path:
    """One PDF page as PNG (pdftoppm), cropped to its body text plus a small border."""
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    if not shutil.which("pdftoppm"):
        raise RenderError("pdftoppm (poppler-utils) is not installed")
    x0, y0, x1, y1 = body_box(pdf, page_index)
    # sheets print centred across the page: the right edge (table borders, which are not
    # text) mirrors the left one
    from pypdf import PdfReader

    x1 = max(x1, float(PdfReader(str(pdf)).pages[page_index].mediabox.width) - x0)
    px = dpi / 72
    crop = [
        int((x0 - pad_pt) * px),
        int((y0 - pad_pt) * px),
        int((x1 - x0 + 2 * pad_pt) * px),
        int((y1 - y0 + 2 * pad_pt) * px),
    ]
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-singlefile",
            "-r",
            str(dpi),
            "-f",
            str(page_index + 1),
            "-l",
            str(page_index + 1),
            "-x",
            str(max(crop[0], 0)),
            "-y",
            str(max(crop[1], 0)),
            "-W",
            str(crop[2]),
            "-H",
            str(crop[3]),
            str(pdf),
            str(out_png.with_suffix("")),
        ],
        check=True,
        timeout=120,
    )
    return out_png


# --- what Excel shows and LibreOffice does not --------------------------------------------
AUTOFIT_CHARS_PER_WIDTH = 1.2  # Calibri 10 pt text of names and phrases, as Excel wraps it


def _chars_per_line(ws, col_letters: list[str]) -> float:
    width = sum((ws.column_dimensions[c].width or 8.43) for c in col_letters)
    return width * AUTOFIT_CHARS_PER_WIDTH


def split_column_groups(ws) -> None:
    """One column dimension per column (openpyxl keys a run of equal columns by its first letter)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.dimensions import ColumnDimension

    for _key, dim in list(ws.column_dimensions.items()):
        if dim.min and dim.max and dim.max > dim.min:
            for i in range(dim.min, dim.max + 1):
                letter = get_column_letter(i)
                one = ColumnDimension(ws, index=letter, width=dim.width, hidden=dim.hidden)
                one._style = copy(dim._style)
                ws.column_dimensions[letter] = one


def extend_table_formats(ws) -> None:
    """Give unformatted data rows of each table the formats of its first data row, as Excel does
    when a table grows (a fill set later, e.g. a validation mark, is not carried down)."""
    from openpyxl.styles import PatternFill
    from openpyxl.utils import range_boundaries

    for table in ws.tables.values():
        c0, r0, c1, r1 = range_boundaries(table.ref)
        for r in range(r0 + 2, r1 + 1):
            for c in range(c0, c1 + 1):
                cell, first = ws.cell(r, c), ws.cell(r0 + 1, c)
                own_fill = copy(cell.fill) if cell.fill.fill_type else PatternFill()
                cell._style = copy(first._style)
                cell.fill = own_fill


def autofit_rows(ws) -> None:
    """Grow rows without a set height to fit their wrapped text (Excel's autofit)."""
    from openpyxl.utils import get_column_letter

    from .sheets import _lines, row_height_lines

    merged = {cell for rng in ws.merged_cells.ranges for row in rng.cells for cell in [row]}
    for row in ws.iter_rows():
        r = row[0].row
        dim = ws.row_dimensions[r]
        if dim.customHeight and dim.height:
            continue
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or (cell.row, cell.column) in merged:
                continue
            if ws.column_dimensions[get_column_letter(cell.column)].hidden:
                continue
            if cell.alignment.wrap_text:
                lines = max(lines, _lines(cell.value, _chars_per_line(ws, [get_column_letter(cell.column)])))
        if lines > 1:
            dim.height = row_height_lines(lines)


def printable_buttons(src: Path, dst: Path) -> Path:
    """Copy of a saved workbook whose form buttons print (only for screenshots)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(".vml"):
                data = data.replace(
                    b"<x:PrintObject>False</x:PrintObject>", b"<x:PrintObject>True</x:PrintObject>"
                )
            zout.writestr(info, data)
    return dst


# --- the guide's pictures ---------------------------------------------------------------------
@dataclass(frozen=True)
class Shot:
    """One picture of the guide: which workbook of the demo, which sheet, which columns."""

    png: str
    source: str  # "akhir" (final workbook) or "temuan" (hand-off after the first validation)
    sheet: str
    columns: str  # "A:L": the columns shown
    hide: tuple[str, ...] = ()  # headers of table columns left out of the picture
    inputs: dict = field(default_factory=dict)  # step input cell name -> value typed before the click
    last_row: int | None = None  # cut the picture after this row (long tables)


def demo_inputs(action: str, *, last: bool = False) -> dict[str, str]:
    """What the demo types into a step's input cells (its script's catatan and fields)."""
    from .. import demo

    steps = [
        s
        for s in demo.script(Path("dpa.xlsx"), Path("pk.xlsx"))
        if not isinstance(s, tuple) and s.action == action
    ]
    step = steps[-1] if last else steps[0]
    f = step.fields or {}
    if action == layout.ACTION_DISPOSISI:
        return {
            "inDisposisiIsi": step.catatan,
            "inDisposisiKepada": f.get("kepada", ""),
            "inDisposisiBatas": f.get("batas", ""),
        }
    if action == layout.ACTION_PEMBAHASAN:
        return {
            "inPembahasanTanggal": f.get("tanggal", ""),
            "inPembahasanPeserta": f.get("peserta", ""),
            "inPembahasanCatatan": step.catatan,
            "inPembahasanKeputusan": f.get("keputusan", ""),
        }
    return {}


def guide_shots() -> list[Shot]:
    plan_rows = layout.table(layout.TBL_RENCANA).header_row + 8
    plan_hidden = (
        "Indikator Keluaran",
        "Satuan",
        "Sifat Target",
        *layout.TARGET_TW,
        layout.H_PENANGGUNG_JAWAB,
        "Keterangan",
    )
    return [
        Shot("beranda.png", "akhir", layout.SHEET_BERANDA, "B:J"),
        Shot("beranda-perubahan.png", "perubahan", layout.SHEET_BERANDA, "B:J"),
        Shot(
            "l1-disposisi.png",
            "akhir",
            layout.STEP_SHEETS[1],
            "A:L",
            inputs=demo_inputs(layout.ACTION_DISPOSISI),
        ),
        Shot(
            "dpa.png",
            "akhir",
            layout.SHEET_DPA,
            "A:O",
            hide=("Kode Kegiatan", "Kegiatan", "Kode Program", "Program", "Sumber Dana", "Lokasi"),
            last_row=plan_rows,
        ),
        Shot("rencana-aksi.png", "akhir", layout.SHEET_RENCANA, "A:S", hide=plan_hidden, last_row=plan_rows),
        Shot(
            "l4-pembahasan.png",
            "akhir",
            layout.STEP_SHEETS[4],
            "A:L",
            inputs=demo_inputs(layout.ACTION_PEMBAHASAN, last=True),
        ),
        Shot("validasi.png", "temuan", layout.SHEET_VALIDASI, "A:G"),
        Shot(
            "validasi-sorotan.png",
            "temuan",
            layout.SHEET_RENCANA,
            "A:S",
            hide=plan_hidden,
            last_row=plan_rows,
        ),
        Shot("l5-pemeriksaan.png", "akhir", layout.STEP_SHEETS[5], "A:L"),
        Shot("l6-penetapan.png", "akhir", layout.STEP_SHEETS[6], "A:L"),
        Shot("pengaturan.png", "akhir", layout.SHEET_PENGATURAN, "A:F"),
        Shot(
            "capaian.png",
            "akhir",
            layout.SHEET_CAPAIAN,
            "A:K",
            last_row=layout.CAPAIAN_AKSI_HEADER_ROW + 6,
        ),
    ]


def screen_copy(book: str | Path, out: str | Path, shots: list[Shot]) -> Path:
    """Copy of `book` laid out for the screenshots of `shots` (all from this book)."""
    import openpyxl
    from openpyxl.utils import column_index_from_string, get_column_letter

    wb = openpyxl.load_workbook(book, keep_vba=True)
    for shot in shots:
        ws = wb[shot.sheet]
        split_column_groups(ws)
        extend_table_formats(ws)
        for name, value in shot.inputs.items():
            sheet, address = _defined_cell(wb, name)
            wb[sheet][address].value = value
        for table in ws.tables.values():
            headers = [c.name for c in table.tableColumns]
            first = column_index_from_string(re.sub(r"[^A-Z].*$", "", table.ref))
            for header in shot.hide:
                if header in headers:
                    ws.column_dimensions[get_column_letter(first + headers.index(header))].hidden = True
        autofit_rows(ws)
        ws.page_setup.paperSize = PAPER_A2
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = 100
        ws.col_breaks.brk = []
        first_col, last_col = shot.columns.split(":")
        ws.print_area = f"{first_col}1:{last_col}{shot.last_row or max(ws.max_row, 2)}"
    tmp = Path(out).with_suffix(".tmp.xlsm")
    wb.save(tmp)
    printable_buttons(tmp, Path(out))
    tmp.unlink()
    return Path(out)


def _defined_cell(wb, name: str) -> tuple[str, str]:
    dest = next(iter(wb.defined_names[name].destinations))
    return dest[0], dest[1].replace("$", "")


def guide_images(
    books: dict[str, Path], out_dir: str | Path, work: str | Path, *, dpi: int = 96
) -> dict[str, Path]:
    """Render every guide picture; `books` maps a Shot.source to a workbook. Returns png name -> path."""
    work, out_dir = Path(work), Path(out_dir)
    out: dict[str, Path] = {}
    shots = guide_shots()
    for source, book in books.items():
        mine = [s for s in shots if s.source == source]
        if not mine:
            continue
        screen = screen_copy(book, work / f"layar-{source}.xlsm", mine)
        pdf = to_pdf(screen, work / f"pdf-{source}")
        pages = pages_by_sheet(pdf)
        for shot in mine:
            if shot.sheet not in pages:
                raise RenderError(f"sheet {shot.sheet!r} has no page in {pdf.name}")
            png = out_dir / shot.png
            d = dpi
            page_png(pdf, pages[shot.sheet][0], png, dpi=d)
            while png.stat().st_size > MAX_PNG_BYTES and d > 60:
                d -= 8
                page_png(pdf, pages[shot.sheet][0], png, dpi=d)
            out[shot.png] = png
    return out


def demo_books(demo_dir: str | Path) -> dict[str, Path]:
    """The workbooks of a demo run that the pictures come from."""
    from ..demo import BOOK_NAME, BOOK_V1_NAME

    demo_dir = Path(demo_dir)
    # Section 4 of the guide shows the plan as first signed; section 10 the revised one (DPPA).
    first = demo_dir / BOOK_V1_NAME
    books = {"akhir": first if first.is_file() else demo_dir / BOOK_NAME}
    if first.is_file():
        books["perubahan"] = demo_dir / BOOK_NAME
    temuan = sorted(demo_dir.glob("serah-terima-2-*.xlsm"))
    if temuan:
        books["temuan"] = temuan[0]
    missing = [str(p) for p in books.values() if not p.is_file()]
    if missing or "temuan" not in books:
        raise RenderError(
            f"not a demo folder (run `renaksi-xl demo --out {demo_dir}`): missing {missing or 'serah-terima-2-*.xlsm'}"
        )
    return books


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m renaksi_xl.xlsm.render",
        description="Regenerate the staff guide's pictures from a demo run.",
    )
    parser.add_argument(
        "--out", type=Path, default=DOCS_IMG, help="folder for the PNG files (default docs/img)"
    )
    parser.add_argument("--demo", type=Path, help="folder of an earlier `renaksi-xl demo` run")
    args = parser.parse_args(argv)
    if (
        "carlito"
        not in subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout.lower()
    ):
        print(
            "warning: Carlito is not installed; text will not have Calibri's widths "
            "(apt-get install fonts-crosextra-carlito)",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory(prefix="renaksi-shots-") as tmp:
        demo_dir = args.demo
        if demo_dir is None:
            from ..demo import run_demo

            demo_dir = Path(tmp) / "demo"
            run_demo(demo_dir, with_pdf=False, quiet=True)
        for _name, png in guide_images(demo_books(demo_dir), args.out, tmp).items():
            print(f"{png} ({png.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
