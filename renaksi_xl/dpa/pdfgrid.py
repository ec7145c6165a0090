"""A PDF print of a SIPD document -> one grid of cell texts, read by the same parser.

SIPD prints its documents from HTML tables; a DPA PDF is a page per sheet of
bordered tables.  The text layer's reading order is not the table's, so we
read positions instead (pypdfium2, the PDFium engine: chosen by measurement,
see bench/bench_dpa.py):

* every text object (one line of one cell: PDFium keeps them whole) with its box;
* every thin path (a cell border) as a horizontal or vertical rule.

A row of the grid is the band between two horizontal rules; the lines of a
wrapped cell, and an amount printed as `Rp` above its digits, fall in one band
and are joined in reading order.  A cell's column is the vertical rule on its
left, quantized to COL_PT points, so the same table column gets the same index
on every page and the indexes grow left to right (the parser reads "the next
cell to the right" and "the cell under this header").  Text outside any
bordered table is grouped by line and placed by its own left edge.

Pages are concatenated (a sub kegiatan block runs over page breaks); the
grid's `PdfSource` names the page and row of every finding.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_left, bisect_right
from pathlib import Path

from .grid import Grid, PdfSource

COL_PT = 3.0  # column quantum in points (1/24 inch): narrower than any table column
RULE_PT = 2.5  # a path thinner than this, and longer than MIN_RULE_PT, is a border
MIN_RULE_PT = 4.0
SAME_Y = 1.5  # rules/lines closer than this are one
MAX_COLS = 400
# Reading limits (a PDF arrives by email like a workbook): a city's DPA printed by SIPD is a
# few thousand pages of a few hundred objects each; our 3,000-sub kegiatan print, 14,400 pages.
MAX_PDF_BYTES = 512 * 1024 * 1024
MAX_PAGES = 50_000
MAX_OBJECTS_PER_PAGE = 100_000


class PdfReadError(Exception):
    """The PDF cannot be read; the message says why, in Indonesian."""


def _objects(page, textpage, raw, buf_holder):
    """(texts, hrules, vrules) of one page: texts as (left, bottom, right, top, text).

    Objects inside form XObjects (browsers and PDF tools wrap page content in them) are
    read too, their boxes taken from form space to page space through the form's matrix.
    """
    texts: list = []
    hrules: list = []
    vrules: list = []
    praw = page.raw
    _collect(
        raw.FPDFPage_CountObjects(praw),
        lambda k: raw.FPDFPage_GetObject(praw, k),
        None,
        textpage.raw,
        raw,
        buf_holder,
        (texts, hrules, vrules),
    )
    return texts, hrules, vrules


def _collect(count, get_obj, matrix, tpraw, raw, buf_holder, out, depth=0) -> None:
    texts, hrules, vrules = out
    get_type, get_bounds = raw.FPDFPageObj_GetType, raw.FPDFPageObj_GetBounds
    get_text = raw.FPDFTextObj_GetText
    TEXT, PATH, FORM = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
    fl, fb, fr, ft = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    pl, pb, pr, pt = ctypes.byref(fl), ctypes.byref(fb), ctypes.byref(fr), ctypes.byref(ft)
    string_at = ctypes.string_at
    for k in range(count):
        obj = get_obj(k)
        kind = get_type(obj)
        if kind == FORM and depth < 8:
            m = raw.FS_MATRIX()
            raw.FPDFPageObj_GetMatrix(obj, m)
            own = (m.a, m.b, m.c, m.d, m.e, m.f)
            _collect(
                raw.FPDFFormObj_CountObjects(obj),
                lambda i, form=obj: raw.FPDFFormObj_GetObject(form, i),
                own if matrix is None else _compose(own, matrix),
                tpraw,
                raw,
                buf_holder,
                out,
                depth + 1,
            )
            continue
        if kind != TEXT and kind != PATH:
            continue
        get_bounds(obj, pl, pb, pr, pt)
        left, bottom, right, top = fl.value, fb.value, fr.value, ft.value
        if matrix is not None:
            left, bottom, right, top = _transform(matrix, left, bottom, right, top)
        if kind == TEXT:
            buf, size = buf_holder
            n = get_text(obj, tpraw, buf, size)
            if n > size:
                size = n + 256
                buf = (ctypes.c_ushort * (size // 2 + 1))()
                buf_holder[:] = [buf, size]
                n = get_text(obj, tpraw, buf, size)
            if n <= 2:
                continue
            text = string_at(buf, n - 2).decode("utf-16-le").strip()
            if text:
                texts.append((left, bottom, right, top, text))
            continue
        w, h = right - left, top - bottom
        if h <= RULE_PT and w >= MIN_RULE_PT:
            hrules.append(((bottom + top) / 2, left, right))
        elif w <= RULE_PT and h >= MIN_RULE_PT:
            vrules.append(((left + right) / 2, bottom, top))
        elif w > RULE_PT and h > RULE_PT and raw.FPDFPath_CountSegments(obj) <= 5:
            # a stroked rectangle: its four edges are borders
            hrules += [(bottom, left, right), (top, left, right)]
            vrules += [(left, bottom, top), (right, bottom, top)]


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix applying `inner` then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _transform(m: tuple, left: float, bottom: float, right: float, top: float) -> tuple:
    a, b, c, d, e, f = m
    xs, ys = [], []
    for x, y in ((left, bottom), (left, top), (right, bottom), (right, top)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _merge_rules(rules: list) -> tuple[list[float], list[float], list[float]]:
    """Rules at (almost) the same position as one: sorted positions, and the extent each covers
    (from its lowest start to its highest end, widened by a point)."""
    rules.sort()
    pos: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    for p, a, b in rules:
        if pos and p - pos[-1] <= SAME_Y:
            lo[-1] = min(lo[-1], a - 1)
            hi[-1] = max(hi[-1], b + 1)
        else:
            pos.append(p)
            lo.append(a - 1)
            hi.append(b + 1)
    return pos, lo, hi


def _page_rows(texts: list, hrules: list, vrules: list) -> list[list]:
    """The page's rows (top to bottom), each a list of cell texts by column index."""
    hy, hlo, hhi = _merge_rules(hrules)
    vx, vlo, vhi = _merge_rules(vrules)
    rows: dict[tuple, dict] = {}  # row key -> {col: [(top, left, right, text)]}
    tops: dict[tuple, float] = {}
    free = []
    n_h = len(hy)
    for item in texts:
        left, bottom, right, top, text = item
        cy = (bottom + top) / 2
        cx = (left + right) / 2
        i = bisect_left(hy, cy)
        below = i - 1
        while below >= 0 and not hlo[below] <= cx <= hhi[below]:
            below -= 1
        above = i
        while above < n_h and not hlo[above] <= cx <= hhi[above]:
            above += 1
        if below < 0 or above >= n_h:
            free.append(item)
            continue
        y_top, y_bottom = hy[above], hy[below]
        # the column: the nearest vertical rule on the text's left that crosses the band
        mid = (y_top + y_bottom) / 2
        j = bisect_right(vx, left + 1.0) - 1
        while j >= 0 and not vlo[j] <= mid <= vhi[j]:
            j -= 1
        x = vx[j] if j >= 0 else left
        key = ("b", y_top)
        tops[key] = y_top
        rows.setdefault(key, {}).setdefault(min(int(x / COL_PT + 0.5), MAX_COLS), []).append(
            (top, left, right, text)
        )
    # text outside bordered tables: one row per line (centres within a few points)
    free.sort(key=lambda t: -(t[1] + t[3]))
    line_y = None
    n = 0
    for left, bottom, right, top, text in free:
        cy = (bottom + top) / 2
        if line_y is None or line_y - cy > 3.0:
            n += 1
            line_y = cy
        key = ("t", n)
        tops[key] = max(tops.get(key, top), top)
        rows.setdefault(key, {}).setdefault(min(int(left / COL_PT + 0.5), MAX_COLS), []).append(
            (top, left, right, text)
        )
    out = []
    for key in sorted(rows, key=lambda k: -tops[k]):
        row = rows[key]
        values: list = [None] * (max(row) + 1)
        for col, parts in row.items():
            values[col] = _join(parts)
        out.append(values)
    return out


def _join(parts: list) -> str:
    """The lines of one cell in reading order: top to bottom, left to right."""
    if len(parts) == 1:
        return parts[0][3]
    parts.sort(key=lambda p: (-round(p[0]), p[1]))
    text = parts[0][3]
    prev = parts[0]
    for p in parts[1:]:
        same_line = abs(p[0] - prev[0]) <= SAME_Y
        glued = same_line and p[1] - prev[2] < 1.0
        text += ("" if glued else " ") + p[3]
        prev = p
    return text


def read_pdf(path: str | Path) -> list[Grid]:
    """Every page of a PDF print as one grid; PdfReadError when it has no usable text layer."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    path = Path(path)
    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        raise PdfReadError(
            f"PDF ini berukuran {size // (1024 * 1024)} MB, melebihi batas baca {MAX_PDF_BYTES // (1024 * 1024)} MB; "
            "pisahkan per perangkat daerah atau unduh DPA dalam format Excel (.xlsx)."
        )
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            raise PdfReadError(
                "PDF ini terkunci kata sandi. Buka dengan kata sandinya lalu cetak/simpan ulang tanpa kata "
                "sandi, atau unduh DPA dari SIPD dalam format Excel (.xlsx)."
            ) from None
        raise PdfReadError(
            "PDF ini rusak atau tidak lengkap dan tidak bisa dibuka; unduh atau salin ulang berkasnya, "
            "atau unduh DPA dari SIPD dalam format Excel (.xlsx)."
        ) from None
    rows: list[list] = []
    pages: list[int] = []
    lines: list[int] = []
    images = 0
    buf_size = 4096
    buf_holder = [(ctypes.c_ushort * (buf_size // 2 + 1))(), buf_size]
    try:
        if len(pdf) > MAX_PAGES:
            raise PdfReadError(
                f"PDF ini {len(pdf):,} halaman, melebihi batas baca {MAX_PAGES:,} halaman; pisahkan per "
                "perangkat daerah atau unduh DPA dalam format Excel (.xlsx).".replace(",", ".")
            )
        for i in range(len(pdf)):
            page = pdf[i]
            if raw.FPDFPage_CountObjects(page.raw) > MAX_OBJECTS_PER_PAGE:
                page.close()
                raise PdfReadError(
                    f"Halaman {i + 1} PDF ini berisi lebih dari {MAX_OBJECTS_PER_PAGE:,} objek; ini bukan "
                    "cetakan DPA yang wajar. Unduh ulang dari SIPD.".replace(",", ".")
                )
            textpage = page.get_textpage()
            try:
                texts, hrules, vrules = _objects(page, textpage, raw, buf_holder)
                if not texts:
                    images += raw.FPDFPage_CountObjects(page.raw) > 0
                    continue
                page_rows = _page_rows(texts, hrules, vrules)
            finally:
                textpage.close()
                page.close()
            rows.extend(page_rows)
            pages.extend([i + 1] * len(page_rows))
            lines.extend(range(1, len(page_rows) + 1))
        n_pages = len(pdf)
    finally:
        pdf.close()
    if not rows:
        if images:
            raise PdfReadError(
                f"PDF ini tidak memiliki lapisan teks ({n_pages} halaman berupa gambar, mis. hasil pindaian), "
                "jadi angkanya tidak bisa dibaca tanpa menebak. Unduh DPA dari SIPD sebagai PDF asli atau "
                "Excel (.xlsx), atau salin angkanya ke templat impor DPA."
            )
        raise PdfReadError("PDF ini tidak berisi teks apa pun (halaman kosong).")
    return [Grid(PdfSource(path.name, None, pages=tuple(pages), lines=tuple(lines)), rows)]
