"""Render the workbook through LibreOffice: PDF of every sheet, PNG screenshots.

Used by the LibreOffice tests (every visible sheet must render) and by
``python -m renaksi_xl.build.render`` which regenerates docs/img/beranda.png and
docs/img/rencana-aksi.png from a freshly built workbook with sample data.

LibreOffice is a stand-in for Excel here; for the screenshots the copy is put
on A3 paper and its buttons are made printable (they never print from the real
workbook), so the picture shows what the screen shows.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from copy import copy
from pathlib import Path

from .. import layout, sop
from .styles import UNIT

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PAPER_A2 = 66  # Excel's paper size code for A2
SCREENSHOTS = {layout.SHEET_BERANDA: "beranda.png", layout.SHEET_RENCANA: "rencana-aksi.png"}


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
            [find_soffice(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(book)],
            capture_output=True, text=True, timeout=timeout, start_new_session=True,
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


def content_box(pdf: str | Path, page_index: int) -> tuple[float, float]:
    """(right, bottom) of the page's body text as fractions of the page width/height.

    Header and footer lines (top and bottom 8 %) are ignored.
    """
    from pypdf import PdfReader

    page = PdfReader(str(pdf)).pages[page_index]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    points: list[tuple[float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + cm[4] if cm[0] else tm[4]
            y = tm[5] * cm[3] + cm[5] if cm[3] else tm[5]
            points.append((x + len(text) * font_size * 0.5, y))

    page.extract_text(visitor_text=visit)
    body = [(x, y) for x, y in points if 0.08 * height < y < 0.92 * height]
    if not body:
        return 1.0, 1.0
    right = min(1.0, max(x for x, _ in body) / width + 0.05)
    bottom = min(1.0, (height - min(y for _, y in body)) / height + 0.02)
    return right, bottom


def page_png(pdf: str | Path, page_index: int, out_png: str | Path, *, dpi: int = 96,
             crop_bottom: bool = True) -> Path:
    """One PDF page as PNG (pdftoppm), cropped below the content."""
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        raise RenderError("pdftoppm (poppler-utils) is not installed")
    args = [pdftoppm, "-png", "-singlefile", "-r", str(dpi), "-f", str(page_index + 1), "-l", str(page_index + 1)]
    if crop_bottom:
        from pypdf import PdfReader

        page = PdfReader(str(pdf)).pages[page_index]
        right, bottom = content_box(pdf, page_index)
        w_px = int(float(page.mediabox.width) / 72 * dpi * right)
        h_px = int(float(page.mediabox.height) / 72 * dpi * bottom)
        args += ["-x", "0", "-y", "0", "-W", str(w_px), "-H", str(h_px)]
    subprocess.run([*args, str(pdf), str(out_png.with_suffix(""))], check=True, timeout=120)
    return out_png


# --- sample data for the screenshots ------------------------------------------------------
SAMPLE_PEJABAT = {
    layout.ROLE_CAMAT: ("ANDHIKA NUGRAHA K.M., SSTP", "198303302001121003"),
    layout.ROLE_SEKRETARIS: ("Drs. HERU SUPRIYADI, M.Si", "197105121998031004"),
    layout.ROLE_KASUBAG: ("SITI RAHMAWATI, S.E.", "198507232010012015"),
}
SAMPLE_RENCANA = [
    ["7.01.01.2.01.0001", "Penyusunan Dokumen Perencanaan Perangkat Daerah", "Jumlah Dokumen Perencanaan",
     "Dokumen", 5, "Kumulatif", 1, 2, 4, 5, 20, 45, 80, 100, 125_000_000, 25_000_000, 56_250_000, 100_000_000,
     125_000_000, "SITI RAHMAWATI, S.E.", ""],
    ["7.01.01.2.02.0001", "Penyediaan Gaji dan Tunjangan ASN", "Jumlah Orang yang Menerima Gaji dan Tunjangan ASN",
     "Orang", 48, "Tetap", 48, 48, 48, 48, 25, 50, 75, 100, 3_250_000_000, 812_500_000, 1_625_000_000,
     2_437_500_000, 3_250_000_000, "SITI RAHMAWATI, S.E.", ""],
    ["7.01.01.2.06.0002", "Penyediaan Peralatan dan Perlengkapan Kantor", "Jumlah Paket Peralatan dan Perlengkapan Kantor",
     "Paket", 4, "Kumulatif", 1, 3, 2, 4, 25, 60, 55, 90, 48_500_000, 12_000_000, 30_000_000, 40_000_000,
     45_000_000, "Drs. HERU SUPRIYADI, M.Si", "Contoh kesalahan: target dan fisik TW III menurun"],
    ["7.01.02.2.01.0003", "Fasilitasi Pembinaan Lembaga Kemasyarakatan", "Jumlah Lembaga Kemasyarakatan yang Dibina",
     "Lembaga", 12, "Kumulatif", 3, 6, 9, 12, 25, 50, 75, 100, 95_000_000, 20_000_000, 45_000_000, 70_000_000,
     95_000_000, "Drs. HERU SUPRIYADI, M.Si", ""],
]


def fill_sample(book: str | Path, out: str | Path) -> Path:
    """A copy with sample data: officials, progress of steps 1-3, four Rencana Aksi rows.

    Rows are written the way Excel fills a growing table: each new row takes the
    formats of the table's first data row.
    """
    import openpyxl

    from ..tables import cell_address

    wb = openpyxl.load_workbook(book, keep_vba=True)
    ws = wb[layout.SHEET_PENGATURAN]
    spec = layout.table(layout.TBL_PEJABAT)
    for i, role in enumerate(layout.ROLES):
        name, nip = SAMPLE_PEJABAT[role]
        ws.cell(spec.header_row + 1 + i, spec.first_col + 1).value = name
        ws.cell(spec.header_row + 1 + i, spec.first_col + 2).value = nip

    ws = wb[layout.SHEET_BERANDA]
    spec = layout.table(layout.TBL_PROGRES)
    done = {
        1: (f"Selesai ({layout.TANDA_TANGAN.lower()})", SAMPLE_PEJABAT[layout.ROLE_CAMAT][0],
            "2025-01-06 09:12 WIB", "12 menit", "Tepat waktu"),
        2: (f"Selesai ({layout.PARAF.lower()})", SAMPLE_PEJABAT[layout.ROLE_KASUBAG][0],
            "2025-01-08 14:40 WIB", "1 hari 5 jam", "Tepat waktu"),
        3: ("Sedang dikerjakan", "", "", "", ""),
    }
    for step, (status, oleh, selesai, kerja, tepat) in done.items():
        r = spec.header_row + step
        for header, value in (("Status", status), ("Oleh", oleh), ("Selesai", selesai),
                              ("Waktu Kerja", kerja), ("Ketepatan", tepat)):
            ws.cell(r, spec.first_col + spec.col_index(header)).value = value
    for nm, value in (("nmTahap", "Langkah 2 selesai; langkah 3 berjalan"),
                      ("nmValidasiStatus", "1 galat, 0 peringatan"),
                      ("nmValidasiWaktu", "2025-01-09 10:05 WIB"),
                      ("nmKeaslian", "Utuh (2 catatan)")):
        sheet, address = layout.NAMED_CELLS[nm]
        wb[sheet][address].value = value

    spec = layout.table(layout.TBL_RENCANA)
    ws = wb[spec.sheet]
    first = spec.header_row + 1
    for i, row in enumerate(SAMPLE_RENCANA):
        for j, value in enumerate(row):
            cell = ws.cell(first + i, spec.first_col + j)
            cell.value = value
            if i:
                cell._style = copy(ws.cell(first, spec.first_col + j)._style)
        ws.row_dimensions[first + i].height = 30
    last = cell_address(first + len(SAMPLE_RENCANA) - 1, spec.first_col + len(spec.columns) - 1)
    table = ws.tables[spec.name]
    table.ref = f"{cell_address(spec.header_row, spec.first_col)}:{last}"
    table.autoFilter.ref = table.ref
    out = Path(out)
    wb.save(out)
    return out


def screen_copy(book: str | Path, out: str | Path) -> Path:
    """Copy for screenshots: A2 at 100 %, buttons printable."""
    import openpyxl

    wb = openpyxl.load_workbook(book, keep_vba=True)
    for name in SCREENSHOTS:
        ws = wb[name]
        # LibreOffice scales form buttons but not their captions: render at 100 %
        # on a large sheet (A2) and crop to the content instead of fitting to A4.
        ws.page_setup.paperSize = PAPER_A2
        if name == layout.SHEET_BERANDA:
            ws.sheet_properties.pageSetUpPr.fitToPage = False
            ws.page_setup.scale = 100
        else:
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
    tmp = Path(out).with_suffix(".tmp.xlsm")
    wb.save(tmp)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(".vml"):
                data = data.replace(b"<x:PrintObject>False</x:PrintObject>", b"<x:PrintObject>True</x:PrintObject>")
            dst.writestr(info, data)
    tmp.unlink()
    return Path(out)


def screenshots(book: str | Path, out_dir: str | Path, work: str | Path) -> dict[str, Path]:
    """PNG of Beranda and Rencana Aksi with sample data; returns sheet -> png path."""
    work = Path(work)
    sample = fill_sample(book, work / "sampel.xlsm")
    screen = screen_copy(sample, work / "layar.xlsm")
    pdf = to_pdf(screen, work / "pdf")
    pages = pages_by_sheet(pdf)
    out = {}
    for sheet, filename in SCREENSHOTS.items():
        if sheet not in pages:
            raise RenderError(f"sheet {sheet!r} has no page in {pdf.name}")
        out[sheet] = page_png(pdf, pages[sheet][0], Path(out_dir) / filename)
    return out


def main(argv: list[str] | None = None) -> int:
    from .workbook import build_workbook

    out_dir = Path(argv[0]) if argv else DOCS_IMG
    with tempfile.TemporaryDirectory(prefix="renaksi-shots-") as tmp:
        book = build_workbook(Path(tmp) / "RencanaAksi.xlsm")
        for sheet, png in screenshots(book, out_dir, tmp).items():
            print(f"{sheet}: {png}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
