"""The PDF *Laporan Capaian Rencana Aksi TW k* (`renaksi-xl pdf BOOK --tw K`).

Like the Dokumen Rencana Aksi (renaksi_xl.pdf): a print layout written with
XlsxWriter from the workbook's data, rendered by LibreOffice headless.  The
figures come from renaksi_xl.capaian (one definition everywhere); the two
charts are native charts over the report's own per-quarter table; the
approval block shows the quarter's records (lapor, verifikasi, sahkan).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import capaian, layout, tables
from .errors import InputError
from .pdf import SOFFICE_HINT, _fmt_money, _row_height


def _pct(value) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _num(value) -> str:
    from .dpa.numbers import format_number

    return "" if value is None else format_number(value)


def _factors(book, k: int) -> dict[tuple[str, str], dict]:
    """(kode, indikator) or ('', indikator kinerja) -> the realisasi row of quarter k (texts)."""
    out: dict[tuple[str, str], dict] = {}
    for name, aksi in ((layout.TBL_REALISASI_AKSI, True), (layout.TBL_REALISASI_KINERJA, False)):
        data = tables.read_table(book, name)
        for rec in data.records():
            if capaian.quarter_of(rec.get(layout.H_TRIWULAN)) != k:
                continue
            kode = capaian.key_text(rec.get(layout.H_KODE_SUB)) if aksi else ""
            ind = rec.get(layout.H_INDIKATOR_KELUARAN if aksi else layout.H_INDIKATOR_KINERJA)
            out.setdefault((kode, capaian.key_text(ind)), rec)
    return out


MAX_WARNINGS = 15

AKSI_COLUMNS = (
    ("No", 3.5),
    ("Kode Sub Kegiatan", 14),
    ("Indikator Keluaran", 24),
    ("Target s.d. TW", 6.5),
    ("Realisasi s.d. TW", 6.5),
    ("Capaian (%)", 6.5),
    ("Fisik Target / Realisasi (%)", 8),
    ("Rencana Keuangan (Rp)", 11),
    ("Realisasi Keuangan (Rp)", 11),
    ("Serapan (%)", 6.5),
    ("Deviasi (%)", 6.5),
    ("Faktor Penghambat", 20),
    ("Tindak Lanjut", 20),
)
KINERJA_HEADS = (  # (label, first column, last column) over AKSI_COLUMNS
    ("No", 0, 0),
    ("Indikator Kinerja", 1, 2),
    ("Target", 3, 3),
    ("Realisasi", 4, 4),
    ("Capaian (%)", 5, 5),
    ("Faktor Penghambat", 6, 10),
    ("Tindak Lanjut", 11, 12),
)
# The second sheet (summary, charts, the quarter's records and the approval): its own widths.
RECORD_COLUMNS = (
    ("Aksi", 16),
    ("Peran", 18),
    ("Nama / NIP", 22),
    ("Pengesahan", 12),
    ("Waktu", 17),
    ("Ketepatan", 14),
    ("Catatan", 36),
    ("Sidik Rantai", 18),
)


def write_report_workbook(book, k: int, path: Path) -> Path:
    """The report as an .xlsx for LibreOffice: sheet 1 the capaian of every indicator (its
    header row repeated on each page), sheet 2 on one page the per-quarter summary with its
    two charts, the quarter's records and the approval."""
    import xlsxwriter

    data = capaian.read_book(book)
    cap = data.for_quarter(k)
    settings = tables.read_settings(book)
    title = _Title(
        cap.quarter,
        str(settings.get(layout.SET_UNIT) or ""),
        str(settings.get(layout.SET_PEMDA) or ""),
        str(settings.get(layout.SET_TAHUN) or ""),
        quarter_status(book, k),
    )
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    fmt = _formats(wb)

    ws = wb.add_worksheet(f"Capaian TW {cap.quarter}")
    _page(ws, title, AKSI_COLUMNS)
    row = _title_rows(ws, fmt, title, len(AKSI_COLUMNS) - 1)
    row = _aksi_section(ws, fmt, cap, _factors(book, k), row)
    row = _kinerja_section(ws, fmt, cap, _factors(book, k), row + 1)
    row = _warnings_section(ws, fmt, cap, row + 1)
    ws.print_area(0, 0, row, len(AKSI_COLUMNS) - 1)

    ws2 = wb.add_worksheet(f"Ringkasan TW {cap.quarter}")
    _page(ws2, title, RECORD_COLUMNS)
    ws2.fit_to_pages(1, 1)  # the summary, the records and the approval together
    row = _title_rows(ws2, fmt, title, len(RECORD_COLUMNS) - 1)
    row = _summary_section(wb, ws2, fmt, data, row)
    row = _records_section(ws2, fmt, book, k, row + 1)
    row = _approval(ws2, fmt, book, k, row + 1)
    ws2.print_area(0, 0, row, len(RECORD_COLUMNS) - 1)
    wb.close()
    return path


class _Title:
    def __init__(self, quarter: str, unit: str, pemda: str, year: str, status: str) -> None:
        self.quarter, self.unit, self.pemda, self.year, self.status = quarter, unit, pemda, year, status


def _formats(wb) -> dict:
    base = {"border": 1, "valign": "top", "font_size": 8}
    return {
        "h1": wb.add_format({"bold": True, "font_size": 16, "align": "center"}),
        "h2": wb.add_format({"bold": True, "font_size": 12, "align": "center"}),
        "status": wb.add_format({"align": "center", "italic": True}),
        "section": wb.add_format({"bold": True, "font_size": 11}),
        "bold": wb.add_format({"bold": True}),
        "head": wb.add_format(
            {
                **base,
                "bold": True,
                "bg_color": "#D9E1F2",
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
            }
        ),
        "cell": wb.add_format({**base, "text_wrap": True}),
        "num": wb.add_format({**base, "align": "right"}),
        "low": wb.add_format({**base, "align": "right", "bg_color": "#FFC7CE"}),
        "figure": wb.add_format({"border": 1, "font_size": 8, "num_format": "0.00"}),
        "note": wb.add_format({"font_size": 8, "text_wrap": True}),
    }


def _page(ws, title: _Title, columns) -> None:
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(0.4, 0.4, 0.5, 0.5)
    ws.set_footer(
        f"&L{title.unit} - Laporan Capaian Rencana Aksi TW {title.quarter} TA {title.year}&RHalaman &P dari &N"
    )
    for i, (_, width) in enumerate(columns):
        ws.set_column(i, i, width)


def _title_rows(ws, fmt: dict, title: _Title, last: int) -> int:
    ws.merge_range(0, 0, 0, last, f"LAPORAN CAPAIAN RENCANA AKSI TRIWULAN {title.quarter}", fmt["h1"])
    ws.merge_range(1, 0, 1, last, f"{title.unit.upper()} {title.pemda.upper()}", fmt["h2"])
    ws.merge_range(2, 0, 2, last, f"TAHUN ANGGARAN {title.year}", fmt["h2"])
    ws.merge_range(3, 0, 3, last, f"Status laporan: {title.status}", fmt["status"])
    return 5


def _aksi_section(ws, fmt: dict, cap, factors: dict, row: int) -> int:
    ws.write(row, 0, "A. Capaian indikator keluaran (Rencana Aksi)", fmt["section"])
    row += 1
    ws.set_row(row, 36)
    for i, (label, _) in enumerate(AKSI_COLUMNS):
        ws.write(row, i, label, fmt["head"])
    ws.repeat_rows(row)  # sheet 1 holds sections A and B only: the header belongs on its pages
    row += 1
    for n, r in enumerate(cap.rencana_aksi, start=1):
        f = factors.get((capaian.key_text(r.kode_sub_kegiatan), capaian.key_text(r.indikator_keluaran)), {})
        values = [
            str(n),
            r.kode_sub_kegiatan,
            r.indikator_keluaran,
            _num(r.target),
            _num(r.realisasi),
            _pct(r.capaian_persen),
            f"{_num(r.fisik_target)} / {_num(r.fisik_realisasi)}",
            _fmt_money(r.keuangan_rencana),
            _fmt_money(r.keuangan_realisasi),
            _pct(r.serapan_persen),
            _pct(r.deviasi_persen),
            str(f.get(layout.H_PENGHAMBAT) or ""),
            str(f.get(layout.H_TINDAK_LANJUT) or ""),
        ]
        ws.set_row(row, _row_height(zip(values, (w for _, w in AKSI_COLUMNS))))
        for i, v in enumerate(values):
            under = i == 5 and r.capaian_persen is not None and r.capaian_persen < 100
            numeric = i in (0, 3, 4, 5, 7, 8, 9, 10)
            ws.write_string(row, i, v, fmt["low"] if under else fmt["num"] if numeric else fmt["cell"])
        row += 1
    return row


def _kinerja_section(ws, fmt: dict, cap, factors: dict, row: int) -> int:
    ws.write(row, 0, "B. Capaian indikator kinerja (Perjanjian Kinerja)", fmt["section"])
    row += 1
    ws.set_row(row, 24)
    for label, a, b in KINERJA_HEADS:
        _put(ws, row, a, b, label, fmt["head"])
    row += 1
    for n, ik in enumerate(cap.kinerja, start=1):
        f = factors.get(("", capaian.key_text(ik.indikator_kinerja)), {})
        values = [
            str(n),
            ik.indikator_kinerja,
            _num(ik.target),
            _num(ik.realisasi),
            _pct(ik.capaian_persen),
            str(f.get(layout.H_PENGHAMBAT) or ""),
            str(f.get(layout.H_TINDAK_LANJUT) or ""),
        ]
        ws.set_row(row, _row_height([(values[1], 38), (values[5], 45), (values[6], 40)]))
        for (label, a, b), v in zip(KINERJA_HEADS, values):
            texts = ("Indikator Kinerja", "Faktor Penghambat", "Tindak Lanjut")
            _put(ws, row, a, b, v, fmt["cell"] if label in texts else fmt["num"])
        row += 1
    return row


def _warnings_section(ws, fmt: dict, cap, row: int) -> int:
    if not cap.warnings:
        return row
    last = len(AKSI_COLUMNS) - 1
    ws.write(row, 0, "Catatan perhitungan", fmt["section"])
    for w in cap.warnings[:MAX_WARNINGS]:
        row += 1
        ws.set_row(row, _row_height([(w, 160)]))
        ws.merge_range(row, 0, row, last, w, fmt["note"])
    if len(cap.warnings) > MAX_WARNINGS:
        row += 1
        ws.write(row, 0, f"... dan {len(cap.warnings) - MAX_WARNINGS} catatan lain (renaksi-xl capaian).")
    return row + 1


def _summary_section(wb, ws, fmt: dict, data, row: int) -> int:
    ws.write(row, 0, "C. Ringkasan per triwulan", fmt["section"])
    row += 1
    ws.set_row(row, 30)
    first = row + 1  # Excel row of the header (1-based): the charts' series names
    for i, h in enumerate(c.header for c in layout.CAPAIAN_TW_COLUMNS):
        ws.write(row, i, h, fmt["head"])
    for j in range(1, 5):
        values = data.summary(j).row()
        ws.write_string(row + j, 0, values[0], fmt["cell"])
        for i, v in enumerate(values[1:], start=1):
            if v is None:
                ws.write_blank(row + j, i, None, fmt["figure"])
            else:
                ws.write_number(row + j, i, v, fmt["figure"])
    row += 6
    _charts(wb, ws, row, first)
    return row + 17


def _records_section(ws, fmt: dict, book, k: int, row: int) -> int:
    from .laporan import WHAT
    from .pdf import signature_note

    ws.write(row, 0, "D. Catatan pelaporan, verifikasi, dan pengesahan", fmt["section"])
    row += 1
    ws.set_row(row, 24)
    for i, (label, _) in enumerate(RECORD_COLUMNS):
        ws.write(row, i, label, fmt["head"])
    row += 1
    for rec in _quarter_records(book, k):
        values = (
            WHAT.get(str(rec.get("Aksi")), str(rec.get("Aksi") or "")),
            rec.get("Peran"),
            f"{rec.get('Nama') or ''}\nNIP. {rec.get('NIP') or ''}",
            f"{rec.get('Pengesahan') or ''}\n{signature_note(book, rec.get('Sidik Rantai'), None, short=True)}",
            rec.get("Waktu"),
            rec.get("Ketepatan") or "",
            rec.get("Catatan") or "",
            rec.get("Sidik Rantai") or "",
        )
        texts = ["" if v is None else str(v) for v in values]
        ws.set_row(row, _row_height(zip(texts, (w for _, w in RECORD_COLUMNS))))
        for i, text in enumerate(texts):
            ws.write_string(row, i, text, fmt["cell"])
        row += 1
    return row


def _approval(ws, fmt: dict, book, k: int, row: int) -> int:
    from .pdf import signature_note

    col = len(RECORD_COLUMNS) - 3  # Ketepatan: the block's longest line fits up to the right edge
    ws.write(row, col, "Disahkan oleh,", fmt["bold"])
    sign = [r for r in _quarter_records(book, k) if r.get("Aksi") == layout.ACTION_SAHKAN_REALISASI]
    if not sign:
        ws.write(row + 1, col, "(belum disahkan)")
        return row + 1
    last = sign[-1]
    ws.write(row + 1, col, f"{last.get('Peran')}: {last.get('Nama')}")
    ws.write(row + 2, col, f"NIP. {last.get('NIP')}, {last.get('Waktu')}")
    ws.write(row + 3, col, signature_note(book, last.get("Sidik Rantai"), last.get("Pengesahan")))
    return row + 3


def _quarter_records(book, k: int) -> list[dict]:
    return [
        r
        for r in tables.read_table(book, layout.TBL_LAPORAN).records()
        if capaian.quarter_of(r.get(layout.H_TRIWULAN)) == k
    ]


def _put(ws, row: int, a: int, b: int, value: str, cell_format) -> None:
    if a == b:
        ws.write_string(row, a, value, cell_format)
    else:
        ws.merge_range(row, a, row, b, value, cell_format)


def quarter_status(book, k: int) -> str:
    """'TW III disahkan' / 'diverifikasi' / 'dilaporkan' / 'belum dilaporkan', from the chained records."""
    from .laporan import report_state

    done = report_state(book).done.get(k, {})
    q = layout.QUARTERS[k - 1]
    for action, word in (
        (layout.ACTION_SAHKAN_REALISASI, "disahkan"),
        (layout.ACTION_VERIFIKASI_REALISASI, "diverifikasi, belum disahkan"),
        (layout.ACTION_LAPOR_REALISASI, "dilaporkan, belum diverifikasi"),
    ):
        if action in done:
            return f"TW {q} {word}"
    return f"TW {q} belum dilaporkan (draf)"


def _charts(wb, ws, row: int, first: int) -> None:
    sheet = ws.get_name().replace("'", "''")

    def chart(title: str, series: tuple[tuple[int, str], ...]):
        c = wb.add_chart({"type": "column"})
        for col, color in series:
            letter = chr(ord("A") + col)
            c.add_series(
                {
                    "name": f"='{sheet}'!${letter}${first}",
                    "categories": f"='{sheet}'!$A${first + 1}:$A${first + 4}",
                    "values": f"='{sheet}'!${letter}${first + 1}:${letter}${first + 4}",
                    "fill": {"color": color},
                    "border": {"color": color},
                }
            )
        c.set_title({"name": title, "name_font": {"size": 10, "bold": True}})
        c.set_y_axis({"min": 0, "max": 100, "num_format": "0", "major_gridlines": {"visible": True}})
        c.set_legend({"position": "bottom"})
        c.set_size({"width": 470, "height": 300})
        return c

    ws.insert_chart(row, 0, chart("Target vs Realisasi Fisik (%)", ((1, "#9DC3E6"), (2, "#1F4E79"))))
    ws.insert_chart(row, 4, chart("Serapan Anggaran vs Rencana (%)", ((4, "#F4B183"), (5, "#C55A11"))))


def default_out(book_path: Path, k: int) -> Path:
    return book_path.with_name(f"{book_path.stem}-Laporan-Capaian-TW-{layout.QUARTERS[k - 1]}.pdf")


def export_report_pdf(book_path: str | Path, tw, out: str | Path | None = None) -> Path:
    from .headless import open_book
    from .xlsm.lo_host import LibreOfficeUnavailable, find_soffice
    from .xlsm.render import RenderError, to_pdf

    book_path = Path(book_path)
    if not book_path.exists():
        raise InputError(f"Berkas '{book_path}' tidak ditemukan.")
    try:
        find_soffice()
    except LibreOfficeUnavailable as exc:
        raise InputError(SOFFICE_HINT) from exc
    book = open_book(book_path)
    k = capaian.choose_quarter(capaian.read_book(book), tw)
    out = Path(out) if out else default_out(book_path, k)
    with tempfile.TemporaryDirectory(prefix="renaksi-pdf-") as tmp:
        src = write_report_workbook(book, k, Path(tmp) / out.with_suffix(".xlsx").name)
        try:
            pdf = to_pdf(src, Path(tmp) / "pdf")
        except RenderError as exc:
            raise InputError(f"LibreOffice gagal mencetak '{book_path.name}' ke PDF: {exc}") from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(pdf), out)
    return out


__all__ = ["write_report_workbook", "export_report_pdf", "default_out"]
