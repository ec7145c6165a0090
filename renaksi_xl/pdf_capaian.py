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


def write_report_workbook(book, k: int, path: Path) -> Path:
    import xlsxwriter

    data = capaian.read_book(book)
    cap = data.for_quarter(k)
    q = cap.quarter
    settings = tables.read_settings(book)
    unit = str(settings.get(layout.SET_UNIT) or "")
    pemda = str(settings.get(layout.SET_PEMDA) or "")
    year = str(settings.get(layout.SET_TAHUN) or "")
    factors = _factors(book, k)

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    h1 = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    h2 = wb.add_format({"bold": True, "font_size": 12, "align": "center"})
    section = wb.add_format({"bold": True, "font_size": 11})
    bold = wb.add_format({"bold": True})
    head = wb.add_format(
        {
            "bold": True,
            "border": 1,
            "bg_color": "#D9E1F2",
            "text_wrap": True,
            "valign": "vcenter",
            "align": "center",
            "font_size": 8,
        }
    )
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top", "font_size": 8})
    num = wb.add_format({"border": 1, "valign": "top", "font_size": 8, "align": "right"})
    low = wb.add_format(
        {"border": 1, "valign": "top", "font_size": 8, "align": "right", "bg_color": "#FFC7CE"}
    )
    figure = wb.add_format({"border": 1, "font_size": 8, "num_format": "0.00"})

    ws = wb.add_worksheet(f"Laporan Capaian TW {q}")
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(0.4, 0.4, 0.5, 0.5)
    ws.set_footer(f"&L{unit} - Laporan Capaian Rencana Aksi TW {q} TA {year}&RHalaman &P dari &N")
    last = len(AKSI_COLUMNS) - 1
    for i, (_, width) in enumerate(AKSI_COLUMNS):
        ws.set_column(i, i, width)
    ws.merge_range(0, 0, 0, last, f"LAPORAN CAPAIAN RENCANA AKSI TRIWULAN {q}", h1)
    ws.merge_range(1, 0, 1, last, f"{unit.upper()} {pemda.upper()}", h2)
    ws.merge_range(2, 0, 2, last, f"TAHUN ANGGARAN {year}", h2)
    status = quarter_status(book, k)
    ws.merge_range(
        3, 0, 3, last, f"Status laporan: {status}", wb.add_format({"align": "center", "italic": True})
    )

    row = 5
    ws.write(row, 0, "A. Capaian indikator keluaran (Rencana Aksi)", section)
    row += 1
    ws.set_row(row, 36)
    for i, (label, _) in enumerate(AKSI_COLUMNS):
        ws.write(row, i, label, head)
    ws.repeat_rows(row)
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
            ws.write_string(row, i, v, low if under else (num if i in (0, 3, 4, 5, 7, 8, 9, 10) else cell))
        row += 1

    row += 1
    ws.write(row, 0, "B. Capaian indikator kinerja (Perjanjian Kinerja)", section)
    row += 1
    kin_heads = (
        ("No", 0, 0),
        ("Indikator Kinerja", 1, 2),
        ("Target", 3, 3),
        ("Realisasi", 4, 4),
        ("Capaian (%)", 5, 5),
        ("Faktor Penghambat", 6, 10),
        ("Tindak Lanjut", 11, 12),
    )
    for label, a, b in kin_heads:
        (ws.merge_range(row, a, row, b, label, head) if a != b else ws.write(row, a, label, head))
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
        for (label, a, b), v in zip(kin_heads, values):
            fmt = cell if label in ("Indikator Kinerja", "Faktor Penghambat", "Tindak Lanjut") else num
            (ws.merge_range(row, a, row, b, v, fmt) if a != b else ws.write_string(row, a, v, fmt))
        row += 1

    if cap.warnings:
        row += 1
        ws.write(row, 0, "Catatan perhitungan", section)
        for w in cap.warnings[:MAX_WARNINGS]:
            row += 1
            ws.merge_range(row, 0, row, last, w, wb.add_format({"font_size": 8, "text_wrap": True}))
        if len(cap.warnings) > MAX_WARNINGS:
            row += 1
            ws.write(row, 0, f"... dan {len(cap.warnings) - MAX_WARNINGS} catatan lain (renaksi-xl capaian).")
    row += 2
    ws.set_h_pagebreaks([row])  # the summary and its charts on a page of their own
    ws.write(row, 0, "C. Ringkasan per triwulan", section)
    row += 1
    ws.set_row(row, 30)
    summary_heads = [h.header for h in layout.CAPAIAN_TW_COLUMNS]
    first_summary = row + 1
    for i, h in enumerate(summary_heads):
        ws.write(row, 1 + i, h, head)
    for j in range(1, 5):
        values = data.summary(j).row()
        ws.write_string(row + j, 1, values[0], cell)
        for i, v in enumerate(values[1:], start=2):
            if v is None:
                ws.write_blank(row + j, i, None, figure)
            else:
                ws.write_number(row + j, i, v, figure)
    row += 6
    _charts(wb, ws, row, first_summary)
    row += 18

    ws.write(row, 0, "D. Catatan pelaporan, verifikasi, dan pengesahan", section)
    row += 1
    heads = ("Aksi", "Peran", "Nama / NIP", "Pengesahan", "Waktu", "Ketepatan", "Catatan", "Sidik Rantai")
    spans = ((0, 1), (2, 2), (3, 4), (5, 5), (6, 6), (7, 8), (9, 11), (12, 12))
    for h, (a, b) in zip(heads, spans):
        (ws.merge_range(row, a, row, b, h, head) if a != b else ws.write(row, a, h, head))
    row += 1
    for rec in tables.read_table(book, layout.TBL_LAPORAN).records():
        if capaian.quarter_of(rec.get(layout.H_TRIWULAN)) != k:
            continue
        record = (
            rec.get("Aksi"),
            rec.get("Peran"),
            f"{rec.get('Nama') or ''}\nNIP. {rec.get('NIP') or ''}",
            rec.get("Pengesahan"),
            rec.get("Waktu"),
            rec.get("Ketepatan") or "",
            rec.get("Catatan") or "",
            rec.get("Sidik Rantai") or "",
        )
        ws.set_row(row, _row_height([(record[2], 16), (record[6], 36), (record[7], 20)]))
        for value, (a, b) in zip(record, spans):
            text = "" if value is None else str(value)
            (ws.merge_range(row, a, row, b, text, cell) if a != b else ws.write_string(row, a, text, cell))
        row += 1
    row += 1
    ws.write(row, 9, "Disahkan oleh,", bold)
    sign = [
        r
        for r in tables.read_table(book, layout.TBL_LAPORAN).records()
        if capaian.quarter_of(r.get(layout.H_TRIWULAN)) == k
        and r.get("Aksi") == layout.ACTION_SAHKAN_REALISASI
    ]
    if sign:
        ws.write(row + 1, 9, f"{sign[-1].get('Peran')}: {sign[-1].get('Nama')}")
        ws.write(row + 2, 9, f"NIP. {sign[-1].get('NIP')}, {sign[-1].get('Waktu')}")
        ws.write(row + 3, 9, "[Tanda Tangan elektronik tercatat]")
    else:
        ws.write(row + 1, 9, "(belum disahkan)")
    ws.print_area(0, 0, row + 4, last)
    wb.close()
    return path


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
                    "categories": f"='{sheet}'!$B${first + 1}:$B${first + 4}",
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

    ws.insert_chart(row, 1, chart("Target vs Realisasi Fisik (%)", ((2, "#9DC3E6"), (3, "#1F4E79"))))
    ws.insert_chart(row, 7, chart("Serapan Anggaran vs Rencana (%)", ((5, "#F4B183"), (6, "#C55A11"))))


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
