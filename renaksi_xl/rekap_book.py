"""The Pemda rekap as a workbook (XlsxWriter): tables per unit and per step, native charts.

Sheets: Rekap (one row per unit), Progres SOP (one row per unit and step), Grafik (capaian
and serapan per unit per triwulan, units per status), Gagal (files that could not be read,
with the reason).  Every text from a unit's workbook is written as text, never as a formula.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import layout
from .rekap import QUARTER_KEYS, Rekap

SHEET_REKAP = "Rekap"
SHEET_LANGKAH = "Progres SOP"
SHEET_GRAFIK = "Grafik"
SHEET_GAGAL = "Gagal"
TBL_UNIT = "tblRekapUnit"
TBL_LANGKAH = "tblRekapLangkah"
TBL_STATUS = "tblRekapStatus"
TBL_GAGAL = "tblRekapGagal"
TBL_DILEWATI = "tblRekapDilewati"

UNIT_HEADERS = (
    ("No", 5),
    ("Berkas", 34),
    ("Unit Kerja", 30),
    ("Tahun", 8),
    ("Versi", 7),
    ("Tahap SOP", 22),
    ("Status Dokumen", 15),
    ("Keaslian", 12),
    ("Galat Validasi", 10),
    ("Peringatan Validasi", 11),
    *((f"Capaian TW {q} (%)", 11) for q in QUARTER_KEYS),
    *((f"Serapan TW {q} (%)", 11) for q in QUARTER_KEYS),
)
LANGKAH_HEADERS = (("Unit Kerja", 30), ("Langkah", 8), ("Uraian", 44), ("Status", 30), ("Ketepatan", 24))
STATUS_LABELS = ("Ditetapkan", "Masih draf", "Keaslian tidak utuh", "Gagal dibaca")


def _unit_label(u) -> str:
    return u.unit or Path(u.file).name


def _unit_rows(result: Rekap) -> list[list]:
    rows = []
    for i, u in enumerate(result.units, start=1):
        rows.append(
            [
                i,
                Path(u.file).name,
                _unit_label(u),
                u.tahun or "",
                u.versi,
                u.tahap or "Belum mulai",
                layout.STATUS_DITETAPKAN if u.ditetapkan else layout.STATUS_DRAF,
                "Utuh" if u.keaslian_utuh else "Tidak utuh",
                u.validasi_galat,
                u.validasi_peringatan,
                *(u.capaian.get(q) for q in QUARTER_KEYS),
                *(u.serapan.get(q) for q in QUARTER_KEYS),
            ]
        )
    return rows


def _status_counts(result: Rekap) -> list[int]:
    return [
        sum(1 for u in result.units if u.ditetapkan),
        sum(1 for u in result.units if not u.ditetapkan),
        sum(1 for u in result.units if not u.keaslian_utuh),
        len(result.gagal),
    ]


def _table(wb, ws, name: str, headers, rows: list[list], first_row: int) -> int:
    """A native table from first_row (header) down; returns the last row index."""
    text = wb.add_format({"text_wrap": True, "valign": "top"})
    pct = wb.add_format({"num_format": "0.00", "valign": "top"})
    last = first_row + max(len(rows), 1)
    columns = []
    for header, _width in headers:
        fmt = pct if header.endswith("(%)") else text
        columns.append({"header": header, "format": fmt})
    ws.add_table(
        first_row, 0, last, len(headers) - 1, {"name": name, "columns": columns, "style": "TableStyleMedium2"}
    )
    for r, row in enumerate(rows, start=first_row + 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value, columns[c]["format"])
            else:
                ws.write_number(r, c, value, columns[c]["format"])
    for c, (_h, width) in enumerate(headers):
        ws.set_column(c, c, width)
    return last


def _chart(wb, kind: str, title: str, y_title: str):
    chart = wb.add_chart({"type": kind})
    chart.set_title({"name": title, "name_font": {"size": 12}})
    chart.set_y_axis({"name": y_title, "min": 0, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 330})
    return chart


def _charts(wb, ws, n_units: int) -> None:
    """Capaian and serapan per unit (one series per triwulan), units per status."""
    last = 3 + max(n_units, 1)  # data rows of tblRekapUnit on the Rekap sheet (header on row 3)
    first_capaian = 10
    for title, offset, anchor in (
        ("Capaian Rencana Aksi per Unit per Triwulan", first_capaian, "B4"),
        ("Serapan Anggaran per Unit per Triwulan", first_capaian + 4, "B22"),
    ):
        chart = _chart(wb, "column", title, "%")
        for k in range(len(QUARTER_KEYS)):
            col = offset + k
            chart.add_series(
                {
                    "name": [SHEET_REKAP, 3, col],
                    "categories": [SHEET_REKAP, 4, 2, last, 2],
                    "values": [SHEET_REKAP, 4, col, last, col],
                }
            )
        ws.insert_chart(anchor, chart)
    pie = _chart(wb, "bar", "Jumlah Unit menurut Status", "unit")
    pie.add_series(
        {
            "name": "Jumlah unit",
            "categories": [SHEET_GRAFIK, 41, 1, 40 + len(STATUS_LABELS), 1],
            "values": [SHEET_GRAFIK, 41, 2, 40 + len(STATUS_LABELS), 2],
            "data_labels": {"value": True},
        }
    )
    pie.set_legend({"none": True})
    ws.insert_chart("E41", pie)


def write_rekap_book(result: Rekap, out: Path) -> None:
    """Write the rekap atomically (a temporary file beside `out`, then a rename)."""
    import xlsxwriter

    out = Path(out)
    if not out.parent.is_dir():
        from .errors import InputError

        raise InputError(f"Folder '{out.parent}' untuk berkas rekap tidak ada.")
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=out.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(
            tmp, {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        title = wb.add_format({"bold": True, "font_size": 14})
        ws = wb.add_worksheet(SHEET_REKAP)
        ws.write_string(0, 0, "Rekap Rencana Aksi Pemerintah Daerah", title)
        ws.write_string(
            1,
            0,
            f"{len(result.units)} unit terbaca, {len(result.gagal)} berkas gagal dibaca, "
            f"{len(result.dilewati)} salinan dilewati (lembar {SHEET_GAGAL}).",
        )
        _table(wb, ws, TBL_UNIT, UNIT_HEADERS, _unit_rows(result), first_row=3)
        ws.freeze_panes(4, 3)

        ws_steps = wb.add_worksheet(SHEET_LANGKAH)
        ws_steps.write_string(0, 0, "Progres SOP dan Ketepatan Waktu per Langkah", title)
        step_rows = [
            [_unit_label(u), s.langkah, s.uraian, s.status, s.ketepatan]
            for u in result.units
            for s in u.langkah
        ]
        _table(wb, ws_steps, TBL_LANGKAH, LANGKAH_HEADERS, step_rows, first_row=2)

        ws_chart = wb.add_worksheet(SHEET_GRAFIK)
        ws_chart.write_string(0, 1, "Grafik Rekap Rencana Aksi", title)
        ws_chart.write_string(
            1, 1, "Capaian: rata-rata capaian indikator; serapan: realisasi keuangan / pagu."
        )
        counts = [[label, n] for label, n in zip(STATUS_LABELS, _status_counts(result))]
        ws_chart.add_table(
            40,
            1,
            40 + len(counts),
            2,
            {
                "name": TBL_STATUS,
                "columns": [{"header": "Status"}, {"header": "Jumlah Unit"}],
                "data": counts,
            },
        )
        ws_chart.set_column(1, 1, 24)
        ws_chart.set_column(2, 2, 12)
        _charts(wb, ws_chart, len(result.units))

        ws_fail = wb.add_worksheet(SHEET_GAGAL)
        ws_fail.write_string(0, 0, "Berkas yang Gagal Dibaca", title)
        fail_rows = [[i, Path(g.file).name, g.alasan] for i, g in enumerate(result.gagal, start=1)]
        _table(wb, ws_fail, TBL_GAGAL, (("No", 5), ("Berkas", 34), ("Alasan", 100)), fail_rows, first_row=2)
        # older copies of a unit already in the rekap: listed, never silently dropped
        below = 2 + max(len(fail_rows), 1) + 3
        ws_fail.write_string(below, 0, "Salinan yang Dilewati (unit yang sama sudah direkap)", title)
        skip_rows = [[i, Path(d.file).name, d.alasan] for i, d in enumerate(result.dilewati, start=1)]
        _table(
            wb,
            ws_fail,
            TBL_DILEWATI,
            (("No", 5), ("Berkas", 34), ("Alasan", 100)),
            skip_rows,
            first_row=below + 1,
        )
        for sheet in (ws, ws_steps, ws_chart, ws_fail):
            sheet.set_landscape()
            sheet.set_paper(9)  # A4
            sheet.fit_to_pages(1, 0)
        wb.close()
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
