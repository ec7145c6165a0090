"""The sheets of RencanaAksi.xlsm except the SOP document (see sheet_sop.py).

Positions come from renaksi_xl.layout (tables, named cells, step inputs);
this module decides how they look: titles, short Indonesian explanations,
column widths and number formats, frozen panes and page setup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import layout, sop
from ..layout import TableSpec
from ..tables import cell_address, col_letter
from .styles import Styles, page_setup, print_scale

STATUS_BELUM = "Belum dimulai"
CENTERED = ("No", "Langkah")
VALIDASI_BELUM = "Belum divalidasi"


def _default_layout() -> layout.BookLayout:
    return layout.BookLayout.of(sop.default())


@dataclass
class BuildContext:
    wb: Any  # xlsxwriter.Workbook (xlsxwriter has no type information)
    styles: Styles
    sheets: dict = field(default_factory=dict)
    lay: layout.BookLayout = field(default_factory=_default_layout)

    def ws(self, name: str):
        return self.sheets[name]

    @property
    def sop(self):
        return self.lay.sop


def default_rows(table_name: str, lay: layout.BookLayout | None = None) -> list[list]:
    """Rows a blank workbook starts with."""
    lay = lay or _default_layout()
    s = lay.sop
    if table_name == layout.TBL_PEJABAT:
        return [[role, "", ""] for role in lay.roles]
    if table_name == layout.TBL_PERAN_LANGKAH:
        return [[st.number, st.uraian, st.role, st.pengesahan] for st in s.steps]
    if table_name == layout.TBL_SETELAN:
        rows = [list(r) for r in layout.SETELAN_DEFAULTS]
        defaults = {layout.SET_UNIT: s.unit, layout.SET_PEMDA: s.pemda}
        return [[k, defaults.get(k, v), note] for k, v, note in rows]
    if table_name == layout.TBL_CAPAIAN_TW:  # the charts' four rows, one per quarter
        blank = [None] * (len(layout.CAPAIAN_TW_COLUMNS) - 1)
        return [[f"TW {q}", *blank] for q in layout.QUARTERS]
    if table_name == layout.TBL_PROGRES:
        return [
            [st.number, st.uraian, st.role, STATUS_BELUM, "", "", "", st.waktu.label(), ""] for st in s.steps
        ]
    if table_name == layout.TBL_SOP_SOURCE:
        return sop.source_rows(s)
    return []


def table_range(spec: TableSpec, nrows: int) -> str:
    first = cell_address(spec.header_row, spec.first_col)
    last = cell_address(spec.header_row + max(nrows, 1), spec.first_col + len(spec.columns) - 1)
    return f"{first}:{last}"


def add_table(
    ctx: BuildContext,
    spec: TableSpec,
    *,
    column_defaults: bool = True,
    widths: Mapping[str, float] | None = None,
    header_height: float | None = None,
) -> None:
    """Write one Excel table with its default rows, formats and column widths.

    `column_defaults` also gives whole columns the number format of their kind
    (codes as text), so rows the table grows into keep codes as text in Excel;
    only for sheets where the table owns its columns.
    """
    ws = ctx.ws(spec.sheet)
    st = ctx.styles
    rows = default_rows(spec.name, ctx.lay)
    data = rows or [[None] * len(spec.columns)]
    ws.add_table(
        table_range(spec, len(rows)),
        {
            "name": spec.name,
            "style": spec.style,
            "columns": [
                {"header": c.header, "header_format": st.header, "format": _body_format(st, c)}
                for c in spec.columns
            ],
            "data": data,
        },
    )
    widths = widths or {}
    for i, c in enumerate(spec.columns):
        col = spec.first_col - 1 + i
        width = widths.get(c.header, c.width)
        ws.set_column(col, col, width, st.column(c.kind) if column_defaults else None)
    ws.set_row(spec.header_row - 1, header_height or _header_height(spec, widths))
    for i, row in enumerate(rows):
        # Only rows whose default text wraps get a height: a row with a set height no
        # longer grows in Excel when Python later writes a longer text into it.
        lines = max(
            (
                _lines(v, widths.get(c.header, c.width) * CHARS_PER_WIDTH)
                for c, v in zip(spec.columns, row)
                if isinstance(v, str) and c.kind == layout.TEXT
            ),
            default=1,
        )
        if lines > 1:
            ws.set_row(spec.header_row + i, row_height_lines(lines))


def _body_format(st: Styles, c) -> object:
    if c.header in CENTERED:
        return st.body_center
    if c.header.startswith(SIDIK_PREFIX) or c.header in SIGNATURE_COLUMNS:
        return st.sidik  # long codes: cut at the cell's edge (fill), never spilling across the sheet
    return st.body(c.kind)


def _header_height(spec: TableSpec, widths: Mapping[str, float]) -> float:
    lines = 1
    for c in spec.columns:
        w = widths.get(c.header, c.width)
        lines = max(lines, _lines(c.header, w * 1.05))
    return 14 * lines + 4


def _lines(text: str, chars_per_line: float) -> int:
    total = 0
    for para in str(text).split("\n"):
        words, line, n = para.split(" "), 0, 1
        for word in words:
            add = len(word) + (1 if line else 0)
            if line and line + add > chars_per_line:
                n, line = n + 1, len(word)
            else:
                line += add
        total += n
    return total


# Characters of 10 pt Calibri text per unit of Excel column width, a little
# pessimistic so a wrapped text is never clipped (judged on LibreOffice renders
# with Carlito, which has Calibri's metrics).
CHARS_PER_WIDTH = 1.1
SIDIK_PREFIX = "Sidik"
SIGNATURE_COLUMNS = (layout.H_TTD_DIGITAL, layout.H_SERTIFIKAT)


def row_height_lines(lines: int, line_pt: float = 13.0) -> float:
    return max(15.0, line_pt * lines + 3)


def row_height(text: str, width_chars: float, line_pt: float = 13.0) -> float:
    """Height (points) a wrapped text needs in a cell or merged range this wide."""
    return row_height_lines(_lines(text, width_chars * CHARS_PER_WIDTH), line_pt)


def title_block(ctx: BuildContext, name: str, title: str, subtitle: str) -> None:
    ws = ctx.ws(name)
    ws.set_row(0, 30)
    ws.write(0, 0, title, ctx.styles.title)
    ws.write(1, 0, subtitle, ctx.styles.subtitle)


# --- Beranda ---------------------------------------------------------------------
# Widths fit what the workflow writes: "Kasubag Perencanaan dan Keuangan (Nama, S.E.)"
# on two lines, timestamps "2025-01-07 14:10 WIB" and "1 hari 5 jam 40 menit" on one.
# Beranda's buttons stand in columns D-G (Pelaksana..Selesai): none narrower than a caption.
BERANDA_WIDTHS = {
    "Langkah": 15,
    "Uraian Prosedur": 38,
    "Pelaksana": 30,
    "Status": 20,
    "Oleh": 30,
    "Selesai": 20,
    "Waktu Kerja": 19,
    "Waktu Baku": 11,
    "Ketepatan": 15,
}
STEP_WIDTHS = {
    "No": 5,
    "Peran": 28,
    "Nama": 24,
    "NIP": 19,
    "Pengesahan": 12,
    "Mulai": 19,
    "Selesai": 19,
    "Waktu Kerja": 18,
    "Waktu Baku": 10,
    "Ketepatan": 15,
    "Catatan": 34,
    "Sidik Rantai": 12,
}
LOG_WIDTHS = {
    "No": 5,
    "Waktu": 19,
    "Aksi": 17,
    "Langkah": 8,
    "Peran": 28,
    "Nama": 24,
    "NIP": 19,
    "Pengesahan": 12,
    "Keterangan": 40,
    "Sidik Isi": 12,
    "Sidik Rantai": 12,
    "Tanda Tangan Digital": 14,
    "Sertifikat": 14,
}
BERANDA_LABELS = {
    "nmUnit": "Unit kerja",
    "nmTahun": "Tahun anggaran",
    "nmTahap": "Tahap",
    "nmStatusDokumen": "Status dokumen",
    "nmValidasiStatus": "Validasi",
    "nmValidasiWaktu": "Validasi terakhir",
    "nmKeaslian": "Keaslian catatan",
    "nmVersi": "Versi",
}


ANCHOR_LABELS = {"nmJumlahCatatan": "Jumlah catatan", "nmSidikTerakhir": "Sidik terakhir"}


def _setting(key: str) -> str:
    return dict((k, v) for k, v, _ in layout.SETELAN_DEFAULTS)[key]


def beranda_values(ctx: BuildContext | None = None) -> dict[str, str | int]:
    s = ctx.sop if ctx is not None else sop.default()
    return {
        "nmUnit": s.unit,
        "nmTahun": _setting(layout.SET_TAHUN),
        "nmTahap": STATUS_BELUM,
        "nmStatusDokumen": layout.STATUS_DRAF,
        "nmValidasiStatus": VALIDASI_BELUM,
        "nmValidasiWaktu": "-",
        "nmKeaslian": "Belum diperiksa",
        "nmVersi": 1,
        "nmJumlahCatatan": "0",
        "nmSidikTerakhir": "-",
    }


def write_beranda(ctx: BuildContext) -> None:
    name = layout.SHEET_BERANDA
    ws, st = ctx.ws(name), ctx.styles
    spec = layout.table(layout.TBL_PROGRES)
    ws.set_column(0, 0, 2)
    add_table(ctx, spec, widths=BERANDA_WIDTHS)
    last_col = spec.first_col + len(spec.columns) - 1
    ws.set_row(0, 30)
    ws.write(0, 1, "Rencana Aksi", st.title)
    s = ctx.sop
    ws.write(1, 1, f"SOP {s.nama} - Nomor {s.nomor} ({s.unit}, {s.pemda})", st.subtitle)
    ws.write(2, 1, "Identitas dan status", st.section)
    ws.write(2, 2, "", st.section)
    ws.merge_range(2, 3, 2, 6, "Tombol (aktifkan makro; lihat Panduan)", st.section)
    values = beranda_values(ctx)
    for nm, label in BERANDA_LABELS.items():
        sheet, address = layout.NAMED_CELLS[nm]
        row = int(address[1:]) - 1
        ws.write(row, 1, label, st.label)
        if nm == "nmVersi":  # a number (renaksi_xl.rekap reads it), shown at the left like the text
            ws.write_number(address, values[nm], st.value_left)
            continue
        fmt = st.banner if nm == "nmStatusDokumen" else st.value_text
        ws.write_string(address, values[nm], fmt)
    for nm, label in ANCHOR_LABELS.items():  # the chain's anchor, right of the buttons
        sheet, address = layout.NAMED_CELLS[nm]
        row, col = int(address[1:]) - 1, ord(address[0]) - 65
        ws.write(row, col - 1, label, st.label)
        ws.write_string(row, col, values[nm], st.value_text)
    for r in range(3, 11):
        ws.set_row(r, 19)
    ws.set_row(6, 24)  # the status banner
    ws.merge_range(
        9,
        3,
        9,
        6,
        "Mode Lokal: Python di komputer ini. Mode Server: server kantor. Atur di lembar "
        f"{layout.SHEET_PENGATURAN}. Tanpa makro, lembar tetap dapat dibaca, diisi dan dicetak.",
        st.note,
    )
    ws.set_row(9, 28)
    ws.write(spec.header_row - 2, 1, "Kemajuan SOP (diisi otomatis setiap langkah selesai)", st.section)
    for c in range(2, last_col):
        ws.write(spec.header_row - 2, c, "", st.section)
    foot = spec.header_row + len(s.steps) + 2
    ws.write(
        foot - 1,
        1,
        f"Jumlah waktu baku menurut SOP: {s.total_time_label}. Waktu kerja dihitung "
        "pada hari kerja (Senin-Jumat, di luar libur nasional dan cuti bersama) dan jam kerja "
        f"di lembar {layout.SHEET_PENGATURAN}.",
        st.note_nowrap,
    )
    sheet, address = layout.NAMED_CELLS["nmSelfTest"]
    ws.write_blank(address, None, st.hidden)
    ws.set_column(10, 10, 3)
    page_setup(ws, landscape=True, print_area=f"B1:{col_letter(last_col)}{foot}")
    ws.hide_gridlines(2)
    ws.activate()
    ws.set_first_sheet()


# --- step sheets -------------------------------------------------------------------
def step_instruction(n: int, lay: layout.BookLayout | None = None) -> str:
    """The one line under a step sheet's title: what to fill and which button to click."""
    lay = lay or _default_layout()
    captions = {b.action: b.caption for b in lay.buttons if b.sheet == layout.SHEET_BERANDA}
    step = lay.sop.step(n)
    caption = next(
        b.caption for b in lay.buttons if b.sheet == layout.SHEET_BERANDA and b.caption.startswith(f"{n}. ")
    )
    fill = "Isi sel kuning" if len(lay.step_inputs(n)) > 1 else "Bila perlu, tulis Catatan (sel kuning)"
    text = f"{fill}, lalu klik tombol '{caption}' di lembar {layout.SHEET_BERANDA}."
    if step.kind == "pemeriksaan":
        validasi = captions[layout.ACTION_VALIDASI]
        kembali = captions[layout.ACTION_KEMBALIKAN]
        penyusun = lay.sop.step_of_kind("susun").role
        text = (
            f"Klik '{validasi}' dahulu; paraf ditolak selama masih ada galat. {text} Untuk mengembalikan "
            f"draft ke {_short_role(penyusun)}, tulis alasannya di Catatan lalu klik '{kembali}'."
        )
    if step.kind == "penetapan":
        text += (
            f" Setelah ditetapkan, perubahan (mis. DPPA) dibuka dengan tombol "
            f"'{captions[layout.ACTION_REVISI]}': tulis alasannya di Catatan dahulu."
        )
    return text + " Tabel di bawah diisi otomatis dan dikunci."


def _short_role(role: str) -> str:
    """'Kasubag Perencanaan dan Keuangan' -> 'Kasubag' (the first word of a long role)."""
    return role.split()[0] if len(role) > 20 else role


def clock_start(n: int) -> str:
    """When the step's working-time clock starts (workflow: from the previous Log record)."""
    if n == 1:
        return "(jam kerja; langkah pertama, waktunya mulai saat disposisi dicatat)"
    return (
        f"(jam kerja, dihitung sejak paraf/tanda tangan terakhir: serah terima dari Langkah {n - 1} "
        "atau pengembalian, bukan sejak berkas dibuka)"
    )


def write_step_sheet(ctx: BuildContext, n: int) -> None:
    name = ctx.lay.step_sheets[n]
    ws, st = ctx.ws(name), ctx.styles
    step = ctx.sop.step(n)
    spec = ctx.lay.table(layout.step_table(n))
    add_table(ctx, spec, widths=STEP_WIDTHS)
    ws.set_row(0, 30)
    ws.write(0, 0, f"Langkah {n}: {step.uraian}", st.title)
    ws.write(
        1,
        0,
        f"Pelaksana menurut SOP: {step.role} ({step.pengesahan.lower()}). Waktu baku: {step.waktu.label()} "
        f"{clock_start(n)}.",
        st.subtitle,
    )
    ws.write(2, 0, f"Kelengkapan: {step.kelengkapan}. Output: {step.output}.", st.subtitle)
    ws.write(3, 0, step_instruction(n, ctx.lay), st.note_nowrap)
    ws.write(4, 0, "Isian untuk langkah ini", st.section)
    for c in range(1, 7):
        ws.write(4, c, "", st.section)
    inputs = ctx.lay.step_inputs(n)
    last_input_row = layout.INPUT_FIRST_ROW + len(inputs) - 1
    if last_input_row >= spec.header_row - 1:
        raise ValueError(f"step {n}: {len(inputs)} inputs do not fit above the record table")
    for i, (label, _) in enumerate(inputs):
        row = layout.INPUT_FIRST_ROW + i - 1
        ws.write(row, 1, label, st.input_label)
        ws.merge_range(row, 2, row, 6, "", st.input)
        ws.set_row(row, 30)
    ws.write(
        spec.header_row - 2,
        0,
        f"Catatan pelaksanaan langkah {n} (paraf/tanda tangan, waktu, sidik)",
        st.section,
    )
    for c in range(1, len(spec.columns)):
        ws.write(spec.header_row - 2, c, "", st.section)
    ws.freeze_panes(spec.header_row, 0)
    page_setup(ws, landscape=True, repeat_rows=(spec.header_row, spec.header_row))
    ws.hide_gridlines(2)


# --- plan sheets -------------------------------------------------------------------
PLAN_TEXT = {
    layout.SHEET_DPA: (
        "DPA: Pagu dan Anggaran Kas",
        "Diisi oleh tombol 'Tarik Data DPA' dari berkas DPA/RKA (SIPD). Kode disimpan sebagai teks. "
        "Pagu merah: jumlah anggaran kas Januari-Desember tidak sama dengan pagu.",
    ),
    layout.SHEET_RENCANA: (
        "Rencana Aksi per Triwulan",
        "Draf dibuat oleh tombol 'Susun Draft' dari DPA; ubah sel seperlunya. Target, fisik dan keuangan "
        "ditulis kumulatif (s.d. TW). Sel merah: periksa kembali (lihat keterangan di baris 3).",
    ),
    layout.SHEET_KINERJA: (
        "Kinerja: Indikator Perjanjian Kinerja per Triwulan",
        "Diisi oleh tombol 'Impor Kinerja (PK)' atau diketik. Target ditulis kumulatif (s.d. TW).",
    ),
}
PLAN_LEGEND = {
    layout.SHEET_RENCANA: "Merah bila: target/fisik/keuangan menurun dari triwulan sebelumnya; fisik s.d. TW IV "
    "bukan 100; keuangan s.d. TW IV tidak sama dengan pagu atau melebihi pagu; target "
    "kumulatif s.d. TW IV tidak sama dengan target tahunan.",
    layout.SHEET_KINERJA: "Merah bila: target menurun dari triwulan sebelumnya; target kumulatif s.d. TW IV "
    "tidak sama dengan target tahunan.",
    layout.SHEET_DPA: "",
}
PLAN_WIDTHS = {
    layout.SHEET_DPA: {
        "Kode Sub Kegiatan": 18,
        "Sub Kegiatan": 30,
        "Kode Kegiatan": 13,
        "Kegiatan": 24,
        "Kode Program": 9,
        "Program": 24,
        "Indikator Keluaran": 28,
        "Target Keluaran": 9,
        "Satuan": 10,
        "Sumber Dana": 12,
        "Lokasi": 12,
        "Pagu (Rp)": 15,
        **{m: 13 for m in layout.MONTHS},
    },
    layout.SHEET_RENCANA: {
        "Kode Sub Kegiatan": 18,
        "Sub Kegiatan": 30,
        "Indikator Keluaran": 30,
        "Satuan": 10,
        "Target Tahunan": 9,
        "Sifat Target": 11,
        **{h: 9 for h in layout.TARGET_TW},
        **{h: 9 for h in layout.FISIK_TW},
        "Pagu (Rp)": 14,
        **{h: 13 for h in layout.KEUANGAN_TW},
        "Penanggung Jawab": 24,
        "Keterangan": 28,
    },
    layout.SHEET_KINERJA: {},
}
# Too wide for one legible A4 page: printed two pages across, the second starting at this
# column (targets | money), code and name repeated on both.
PLAN_SECOND_PAGE = {layout.SHEET_DPA: layout.MONTHS[0], layout.SHEET_RENCANA: layout.H_PAGU}
PLAN_TABLE_OF = {
    layout.SHEET_DPA: layout.TBL_DPA,
    layout.SHEET_RENCANA: layout.TBL_RENCANA,
    layout.SHEET_KINERJA: layout.TBL_KINERJA,
}


def write_plan_sheet(ctx: BuildContext, name: str) -> None:
    ws, st = ctx.ws(name), ctx.styles
    spec = layout.table(PLAN_TABLE_OF[name])
    add_table(ctx, spec, widths=PLAN_WIDTHS[name])
    title, text = PLAN_TEXT[name]
    ws.set_row(0, 30)
    ws.write(0, 0, title, st.title)
    ws.write(1, 0, text, st.note_nowrap)
    if PLAN_LEGEND[name]:
        ws.write(2, 0, PLAN_LEGEND[name], st.note_nowrap)
    ws.freeze_panes(spec.header_row, 2)
    if name == layout.SHEET_KINERJA:
        page_setup(ws, landscape=True, repeat_rows=(spec.header_row, spec.header_row))
    else:
        # a fixed scale, not "fit to 2 pages wide": Excel ignores manual page breaks under fit-to
        split = spec.first_col - 1 + spec.col_index(PLAN_SECOND_PAGE[name])
        widths = [PLAN_WIDTHS[name].get(c.header, c.width) for c in spec.columns]
        scale = min(print_scale(widths[:split]), print_scale(widths[:2] + widths[split:]))
        page_setup(ws, landscape=True, repeat_rows=(spec.header_row, spec.header_row), fit_width=False)
        ws.set_print_scale(scale)
        ws.set_v_pagebreaks([split])
        ws.print_across()
        ws.repeat_columns(0, 1)


# --- Validasi, Log, Pengaturan, Impor, _Draf ----------------------------------------
def write_validasi(ctx: BuildContext) -> None:
    name = layout.SHEET_VALIDASI
    ws, st = ctx.ws(name), ctx.styles
    spec = layout.table(layout.TBL_TEMUAN)
    add_table(ctx, spec)
    ws.set_row(0, 30)
    ws.write(0, 0, "Validasi Rencana Aksi", st.title)
    sheet, address = layout.NAMED_CELLS["nmValidasiRingkas"]
    ws.write_string(address, VALIDASI_BELUM, st.status)
    ws.write(
        2,
        0,
        "Klik 'Validasi' untuk memeriksa DPA, Rencana Aksi dan Kinerja. Setiap temuan menunjuk "
        "selnya (klik tautan di kolom Sel); sel yang bermasalah diberi warna.",
        st.note_nowrap,
    )
    ws.write(
        3,
        0,
        "Galat harus diperbaiki sebelum paraf pemeriksaan dan penetapan; peringatan perlu "
        "diperiksa tetapi tidak menghalangi.",
        st.note_nowrap,
    )
    ws.freeze_panes(spec.header_row, 0)
    page_setup(ws, landscape=True, repeat_rows=(spec.header_row, spec.header_row))


def write_log(ctx: BuildContext) -> None:
    name = layout.SHEET_LOG
    ws, st = ctx.ws(name), ctx.styles
    spec = layout.table(layout.TBL_LOG)
    add_table(ctx, spec, widths=LOG_WIDTHS)
    ws.set_row(0, 30)
    ws.write(0, 0, "Log Tindakan", st.title)
    ws.write(
        1,
        0,
        "Setiap klik tombol yang berhasil dicatat di sini secara otomatis. Jangan mengubah isinya: "
        "sidik rantai membuktikan bahwa catatan utuh ('Periksa Keaslian').",
        st.note_nowrap,
    )
    ws.freeze_panes(spec.header_row, 0)
    page_setup(ws, landscape=True, repeat_rows=(spec.header_row, spec.header_row))
    # The table's columns, all rows but the sheet's last (rows still grow): without a print
    # area LibreOffice sizes the page to the signature and certificate texts as if they
    # spilled to the right, printing the Log at a tenth of its size.  Not whole columns
    # ($A:$M): openpyxl, which saves headless runs, drops that form of print area.
    last = spec.first_col + len(spec.columns) - 1
    ws.print_area(0, spec.first_col - 1, 1_048_574, last - 1)


PENGATURAN_WIDTHS = {0: 32, 1: 46, 2: 46, 3: 14, 4: 2, 5: 52}
PENGATURAN_SECTIONS = {
    layout.TBL_PEJABAT: (
        "Pejabat",
        "Isi nama, NIP (18 angka, disimpan sebagai teks) dan email setiap pejabat (atau pakai "
        "'renaksi-xl pengaturan'). Nama di sini menjadi pilihan "
        "'Penanggung Jawab' di lembar Rencana Aksi dan Kinerja, dan NIP dipakai saat mencatat paraf dan "
        "tanda tangan.",
    ),
    layout.TBL_PERAN_LANGKAH: (
        "Pelaksana setiap langkah SOP",
        "Bawaan sesuai SOP (Pencatatan dan Pendataan). Ubah kolom Peran bila unit Anda membagi tugas "
        "secara lain; Pengesahan: Paraf atau Tanda Tangan.",
    ),
    layout.TBL_SETELAN: (
        "Setelan",
        "Mode Lokal menjalankan Python di komputer ini (xlwings terpasang). Mode Server mengirim buku kerja "
        "ke server kantor (URL Server) dengan Token Server Anda; tidak perlu Python di komputer ini. "
        f"Pada mode Server, tombol Tarik Data DPA dan Impor Kinerja menyalin isi berkas yang Anda pilih ke "
        f"lembar '{layout.SHEET_IMPOR}' (server tidak dapat membuka berkas di komputer Anda), lalu "
        "mengosongkannya lagi setelah selesai. Jangan mengisi lembar itu secara manual. Tarik Data DPA "
        "menawarkan berkas kedua, Anggaran Kas (RAK) dari SIPD: rencana penarikan dana per bulan diambil "
        "dari RAK dan harus sama dengan pagu DPA.",
    ),
    layout.TBL_LIBUR: (
        "Hari libur dan hari kerja pengganti",
        "Libur nasional dan cuti bersama sudah dikenal program. Tambahkan di sini libur daerah, cuti "
        "bersama baru, atau 'Hari Kerja' (hari libur yang tetap masuk kerja). Tanggal ditulis "
        "YYYY-MM-DD, misalnya 2025-03-31.",
    ),
}


def write_pengaturan(ctx: BuildContext) -> None:
    name = layout.SHEET_PENGATURAN
    ws, st = ctx.ws(name), ctx.styles
    ws.set_row(0, 30)
    ws.write(0, 0, "Pengaturan", st.title)
    ws.write(
        1, 0, "Sesuaikan dengan unit kerja Anda. Judul kolom jangan diubah: program membacanya.", st.subtitle
    )
    for col, width in PENGATURAN_WIDTHS.items():
        ws.set_column(col, col, width)
    for table_name, (heading, text) in PENGATURAN_SECTIONS.items():
        spec = ctx.lay.table(table_name)
        add_table(
            ctx,
            spec,
            column_defaults=False,
            widths={c.header: PENGATURAN_WIDTHS[spec.first_col - 1 + i] for i, c in enumerate(spec.columns)},
            header_height=18,
        )
        ws.write(spec.header_row - 2, 0, heading, st.section)
        for c in range(1, 4):
            ws.write(spec.header_row - 2, c, "", st.section)
        nrows = max(len(default_rows(table_name, ctx.lay)), 1)
        last = spec.header_row - 1 + max(nrows, 5)
        ws.merge_range(spec.header_row - 1, 5, last, 5, text, st.note)
    for col, width in PENGATURAN_WIDTHS.items():
        ws.set_column(col, col, width)
    setelan = ctx.lay.table(layout.TBL_SETELAN)
    for i in range(len(layout.SETELAN_DEFAULTS)):
        ws.set_row(setelan.header_row + i, 27)
    page_setup(ws, landscape=True)


def write_impor(ctx: BuildContext) -> None:
    ws, st = ctx.ws(layout.SHEET_IMPOR), ctx.styles
    ws.set_column(0, 255, 12, st.text_column)
    ws.write(
        0,
        0,
        "Impor: diisi otomatis (mode Server) dari berkas DPA/PK (dan Anggaran Kas) yang dipilih, lalu dikosongkan. "
        f"Penjelasan di lembar {layout.SHEET_PENGATURAN}.",
        st.note_nowrap,
    )
    page_setup(ws, landscape=True)


def write_sop_source(ctx: BuildContext) -> None:
    """Hidden sheet `_SOP`: the SOP file's text, one line per row, read back by sop.from_book."""
    ws = ctx.ws(layout.SHEET_SOP_SOURCE)
    add_table(ctx, layout.table(layout.TBL_SOP_SOURCE), widths={"Teks": 120})
    ws.hide()


def write_versi(ctx: BuildContext) -> None:
    """Hidden sheet `_Versi`: the approved plan as signed, and the previous version's (revisi)."""
    ws = ctx.ws(layout.SHEET_VERSI)
    add_table(ctx, layout.table(layout.TBL_RENCANA_LALU))
    add_table(ctx, layout.table(layout.TBL_RENCANA_DITETAPKAN))
    ws.hide()


def write_draf(ctx: BuildContext) -> None:
    ws = ctx.ws(layout.SHEET_DRAFT_SHADOW)
    add_table(ctx, layout.table(layout.TBL_DRAFT_SHADOW))
    ws.hide()
