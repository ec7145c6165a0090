"""The monitoring sheets: Realisasi Aksi, Realisasi Kinerja, Capaian (with its charts), Laporan Realisasi.

The Capaian sheet's two native charts read the fixed four rows of tblCapaianTW
(one per quarter), which the actions fill with values (`renaksi_xl.capaian`):
the VBA client can only write cell values, so the charts follow the cells.
"""

from __future__ import annotations

from .. import layout
from ..tables import cell_address, col_letter, col_number
from .guards import _list, body_range
from .sheets import BuildContext, add_table
from .styles import page_setup

REALISASI_TEXT = {
    layout.SHEET_REALISASI_AKSI: (
        "Realisasi Rencana Aksi per Triwulan",
        "Satu baris per triwulan dan indikator keluaran: realisasi ditulis kumulatif (s.d. TW), sama "
        "seperti targetnya. Faktor penghambat wajib bila capaian di bawah 100%. Bukti Dukung: tautan dokumen.",
    ),
    layout.SHEET_REALISASI_KINERJA: (
        "Realisasi Kinerja per Triwulan",
        "Satu baris per triwulan dan indikator kinerja (PK/IKU); realisasi ditulis kumulatif (s.d. TW).",
    ),
}
REALISASI_TABLE_OF = {
    layout.SHEET_REALISASI_AKSI: layout.TBL_REALISASI_AKSI,
    layout.SHEET_REALISASI_KINERJA: layout.TBL_REALISASI_KINERJA,
}
QUARTER_LABELS = tuple(f"TW {q}" for q in layout.QUARTERS)
CHART_ROW = layout.CAPAIAN_TW_HEADER_ROW + len(layout.QUARTERS) + 2  # 1-based row of the charts' top
CHART_SIZE = (540, 300)  # pixels


def write_realisasi_sheet(ctx: BuildContext, name: str) -> None:
    ws, st = ctx.ws(name), ctx.styles
    spec = layout.table(REALISASI_TABLE_OF[name])
    add_table(ctx, spec)
    title, text = REALISASI_TEXT[name]
    ws.set_row(0, 30)
    ws.write(0, 0, title, st.title)
    ws.write(1, 0, text, st.note_nowrap)
    ws.freeze_panes(spec.header_row, 3 if name == layout.SHEET_REALISASI_AKSI else 2)
    page_setup(ws, landscape=True, repeat_rows=(spec.header_row, spec.header_row))


def write_capaian(ctx: BuildContext) -> None:
    name = layout.SHEET_CAPAIAN
    ws, st = ctx.ws(name), ctx.styles
    ws.set_row(0, 30)
    ws.write(0, 0, "Capaian Rencana Aksi", st.title)
    ws.write(
        1,
        0,
        "Diisi oleh tombol 'Hitung Capaian' dan oleh Lapor/Verifikasi/Sahkan Realisasi. Capaian = realisasi / "
        "target x 100 (indikator Turun: (2 x target - realisasi) / target x 100); lihat docs/aturan-validasi.md.",
        st.note_nowrap,
    )
    label_row, _ = _row_col(layout.NAMED_CELLS["nmCapaianTriwulan"][1])
    ws.write(label_row, 1, "Triwulan", st.label)
    ws.write_string(layout.NAMED_CELLS["nmCapaianTriwulan"][1], "", st.status)
    for table_name in (layout.TBL_CAPAIAN_TW, layout.TBL_CAPAIAN_AKSI, layout.TBL_CAPAIAN_KINERJA):
        add_table(ctx, layout.table(table_name))
    tw = layout.table(layout.TBL_CAPAIAN_TW)
    ws.write(tw.header_row - 2, 0, "Ringkasan per triwulan (sumber grafik)", st.section)
    aksi = layout.table(layout.TBL_CAPAIAN_AKSI)
    ws.write(aksi.header_row - 2, 0, "Capaian per indikator pada triwulan di atas", st.section)
    _charts(ctx, tw)
    page_setup(ws, landscape=True)


def _series(spec, header: str, color: str) -> dict:
    sheet = spec.sheet.replace("'", "''")
    first = spec.header_row + 1
    last = spec.header_row + len(layout.QUARTERS)
    col = col_letter(spec.first_col + spec.col_index(header))
    cat = col_letter(spec.first_col)
    return {
        "name": f"='{sheet}'!${col}${spec.header_row}",
        "categories": f"='{sheet}'!${cat}${first}:${cat}${last}",
        "values": f"='{sheet}'!${col}${first}:${col}${last}",
        "fill": {"color": color},
        "border": {"color": color},
    }


def _chart(ctx: BuildContext, spec, title: str, series: tuple[tuple[str, str], ...]):
    chart = ctx.wb.add_chart({"type": "column"})
    for header, color in series:
        chart.add_series(_series(spec, header, color))
    chart.set_title({"name": title, "name_font": {"size": 11, "bold": True}})
    chart.set_y_axis(
        {"name": "Persen", "min": 0, "max": 100, "num_format": "0", "major_gridlines": {"visible": True}}
    )
    chart.set_x_axis({"name": "Triwulan"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": CHART_SIZE[0], "height": CHART_SIZE[1]})
    return chart


def _charts(ctx: BuildContext, spec) -> None:
    ws = ctx.ws(spec.sheet)
    target = _chart(
        ctx,
        spec,
        "Target vs Realisasi Fisik per Triwulan",
        (("Target Fisik (%)", "#9DC3E6"), ("Realisasi Fisik (%)", "#1F4E79")),
    )
    serapan = _chart(
        ctx,
        spec,
        "Serapan Anggaran vs Rencana per Triwulan",
        (("Rencana Serapan (%)", "#F4B183"), ("Serapan (%)", "#C55A11")),
    )
    # side by side from column A, whatever the widths the tables below give the columns
    ws.insert_chart(cell_address(CHART_ROW, 1), target, {"x_offset": 4, "y_offset": 4})
    ws.insert_chart(cell_address(CHART_ROW, 1), serapan, {"x_offset": CHART_SIZE[0] + 24, "y_offset": 4})


def _row_col(address: str) -> tuple[int, int]:
    letters = "".join(ch for ch in address if ch.isalpha())
    row = int("".join(ch for ch in address if ch.isdigit())) - 1
    return row, col_number(letters) - 1


LAPORAN_INPUTS = (
    ("Triwulan yang dilaporkan (I, II, III atau IV)", "inRealisasiTriwulan"),
    ("Catatan (verifikator)", "inRealisasiCatatan"),
)


def write_laporan(ctx: BuildContext) -> None:
    name = layout.SHEET_LAPORAN
    ws, st = ctx.ws(name), ctx.styles
    ws.set_row(0, 30)
    ws.write(0, 0, "Laporan Realisasi per Triwulan", st.title)
    ws.write(
        1,
        0,
        "Alur: Lapor Realisasi (paraf pelaksana langkah data SOP) -> Verifikasi Realisasi (paraf pemeriksa, "
        "catatan verifikator) -> Sahkan Realisasi (tanda tangan penetap). Laporan triwulan jatuh tempo "
        f"tanggal {ctx.sop.batas_laporan_realisasi} bulan berikutnya.",
        st.note_nowrap,
    )
    for label, cell_name in LAPORAN_INPUTS:
        address = layout.NAMED_CELLS[cell_name][1]
        row, col = _row_col(address)
        ws.write(row, col - 1, label, st.input_label)
        ws.write_blank(address, None, st.input)
        ws.set_row(row, 30)
    status = layout.NAMED_CELLS["nmStatusRealisasi"][1]
    row, col = _row_col(status)
    ws.write(row, col - 1, "Status laporan", st.label)
    ws.write_string(status, "Belum ada laporan realisasi", st.status)
    spec = layout.table(layout.TBL_LAPORAN)
    add_table(ctx, spec)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 2, 24)
    ws.write(spec.header_row - 2, 0, "Catatan paraf dan tanda tangan laporan realisasi", st.section)
    ws.data_validation(
        layout.NAMED_CELLS["inRealisasiTriwulan"][1],
        _list(
            layout.QUARTERS,
            title="Triwulan",
            message="Pilih I, II, III atau IV.",
            error="Triwulan harus I, II, III atau IV.",
        ),
    )
    page_setup(ws, landscape=True, repeat_rows=(spec.header_row, spec.header_row))


def add_realisasi_validation(ctx: BuildContext) -> None:
    """Triwulan as a list on the realisasi tables; Arah as a list on the plan tables."""
    triwulan = _list(
        layout.QUARTERS,
        title="Triwulan",
        message="Pilih I, II, III atau IV (realisasi s.d. akhir triwulan itu).",
        error="Triwulan harus I, II, III atau IV.",
    )
    arah = _list(
        layout.ARAH,
        title="Arah",
        message="Naik: makin tinggi makin baik (bawaan bila kosong). Turun: makin rendah makin baik.",
        error="Pilih Naik atau Turun.",
    )
    for table_name in layout.REALISASI_TABLES:
        spec = layout.table(table_name)
        ctx.ws(spec.sheet).data_validation(body_range(spec, layout.H_TRIWULAN), triwulan)
    for table_name in (layout.TBL_RENCANA, layout.TBL_KINERJA):
        spec = layout.table(table_name)
        ctx.ws(spec.sheet).data_validation(body_range(spec, layout.H_ARAH), arah)


__all__ = ["write_realisasi_sheet", "write_capaian", "write_laporan", "add_realisasi_validation"]
