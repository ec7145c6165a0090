"""SIPD print layouts as workbooks (DPA, DPPA, Anggaran Kas), for the corpus and the benchmark.

Built from the layout facts in docs/architecture.md ("How SIPD prints its
documents"): bordered tables, labels then ':' then the value, the nested
`Keluaran Sub Kegiatan` Indikator | Target table, the DPPA's Sebelum /
Setelah Perubahan and Bertambah/(Berkurang) columns, rekening codes split
over six cells, the monthly plan as twelve rows or laid across columns, and
the separate Anggaran Kas (RAK) form with its Semester/Triwulan headers and
`JUMLAH ALOKASI KAS PER ...` footers.  Row heights fit their wrapped text and
the title rows repeat on every printed page, so a LibreOffice PDF of the
workbook looks like a browser print of SIPD: wrapped cells, `Rp` above its
digits, names over several lines, headers on each page.

All figures are synthetic.  `PrintSub.truth()` is what a reader must return,
computed from the data, not by reading the file back.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import layout
from .samples import FIXED_TIME, ORG_CODE, UNIT, YEAR

TITLE_ROWS = 3


@dataclass
class PrintLine:
    kode: str
    uraian: str
    koef: int
    satuan: str
    harga: int
    koef_before: int | None = None  # DPPA: None = same as after; 0 = new line

    @property
    def jumlah(self) -> int:
        return self.koef * self.harga

    @property
    def jumlah_before(self) -> int:
        k = self.koef if self.koef_before is None else self.koef_before
        return k * self.harga


@dataclass
class PrintSub:
    program: tuple[str, str]
    kegiatan: tuple[str, str]
    code: str
    name: str
    keluaran: list  # (indikator, target number, satuan) per Keluaran indicator
    lines: list[PrintLine]
    kas: list[int]
    sumber: str = "PAD"
    lokasi: str = "Kota Tangerang, Kecamatan Neglasari"

    @property
    def pagu(self) -> int:
        return sum(x.jumlah for x in self.lines)

    @property
    def pagu_sebelum(self) -> int:
        return sum(x.jumlah_before for x in self.lines)

    def truth(self, dppa: bool) -> dict:
        return {
            "kode_sub_kegiatan": self.code,
            "sub_kegiatan": " ".join(self.name.split()),
            "kode_kegiatan": self.kegiatan[0],
            "kode_program": self.program[0],
            "pagu": self.pagu,
            "pagu_sebelum": self.pagu_sebelum if dppa else None,
            "kas": list(self.kas),
            "keluaran": [{"indikator": i, "target": t, "satuan": s} for i, t, s in self.keluaran],
        }


@dataclass
class Style:
    """How one document is printed."""

    dppa: bool = False
    keluaran: str = "nested"  # inline | nested | nested_next | kegiatan (only the kegiatan-level table)
    cash: str = "rows"  # rows | pairs | across | across_nojumlah | across_half | none
    amounts: str = "number"  # number | rp_text | rp_wrap
    split_code: bool = False
    per_sheet: bool = False


def fmt_amount(value: int, style: str):
    if style == "number":
        return value
    text = f"{value:,}".replace(",", ".")
    if style == "rp_text":
        return f"Rp {text},00"
    if style == "rp_wrap":
        return f"Rp\n{text}"
    raise ValueError(style)


def fmt_target(value, satuan: str) -> str:
    number = str(value).replace(".", ",") if isinstance(value, float) else f"{value:,}".replace(",", ".")
    return f"{number} {satuan}"


# ------------------------------------------------------------------ sheet model
@dataclass
class Cell:
    value: object
    span: int = 1  # merged columns
    bold: bool = False
    wrap: bool = True


@dataclass
class PrintSheet:
    name: str
    widths: list[float]
    rows: list[tuple[dict[int, Cell], bool]] = field(default_factory=list)  # (cells by col, bordered)

    def add(self, cells: Mapping[int, object], *, border: bool = True, bold: bool = False) -> None:
        row = {}
        for c, v in cells.items():
            if isinstance(v, Cell):
                row[c] = v
            else:
                row[c] = Cell(v, bold=bold)
        self.rows.append((row, border))

    def blank(self) -> None:
        self.rows.append(({}, False))


def _lines_needed(cell: Cell, width_chars: float) -> int:
    if cell.value is None or isinstance(cell.value, (int, float)):
        return 1
    n = 0
    for part in str(cell.value).split("\n"):
        # 1.15: Carlito is wider than XlsxWriter's width unit for bold and capitals
        n += max(1, math.ceil(len(part) * 1.15 / max(width_chars - 1, 1)))
    return n


def write_print(path: str | Path, sheets: list[PrintSheet], *, landscape: bool = True) -> Path:
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    wb.set_properties(
        {"title": "Dokumen SIPD (contoh sintetis)", "author": "renaksi-xl", "created": FIXED_TIME}
    )
    formats = {}

    def fmt(border: bool, bold: bool, number: bool, wrap: bool):
        key = (border, bold, number, wrap)
        if key not in formats:
            spec = {"valign": "top", "font_size": 9}
            if wrap:
                spec["text_wrap"] = True
            if border:
                spec["border"] = 1
            if bold:
                spec["bold"] = True
            if number:
                spec["num_format"] = "#,##0"
            formats[key] = wb.add_format(spec)
        return formats[key]

    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name)
        for c, w in enumerate(sheet.widths):
            ws.set_column(c, c, w)
        last = len(sheet.widths) - 1
        for r, (cells, border) in enumerate(sheet.rows):
            height = 1
            covered: set[int] = set()
            for c, cell in cells.items():
                width = sum(sheet.widths[c : c + cell.span])
                height = max(height, _lines_needed(cell, width))
                covered.update(range(c, c + cell.span))
            ws.set_row(r, 12.5 * height + 2)
            for c, cell in cells.items():
                number = isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)
                f = fmt(border, cell.bold, number, cell.wrap)
                if cell.span > 1:
                    ws.merge_range(r, c, r, c + cell.span - 1, cell.value, f)
                elif number:
                    ws.write_number(r, c, cell.value, f)
                elif isinstance(cell.value, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, cell.value, f)
                elif cell.value is None:
                    ws.write_blank(r, c, None, f)
                else:
                    ws.write_string(r, c, str(cell.value), f)
            if border and cells:
                for c in range(0, last + 1):
                    if c not in covered:
                        ws.write_blank(r, c, None, fmt(True, False, False, True))
        if landscape:
            ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.repeat_rows(0, TITLE_ROWS - 1)
        ws.set_footer("&CHalaman &P dari &N")
    wb.close()
    return path


# ------------------------------------------------------------------ DPA / DPPA
def _cols(style: Style) -> tuple[int, list[float]]:
    """(first column after the code, column widths) of a DPA sheet."""
    k = 6 if style.split_code else 1
    code = [4.5] * 6 if style.split_code else [17.0]
    uraian = [2.0, 34.0]
    side = [7.0, 7.0, 10.0, 4.0, 12.0]
    widths = code + uraian + side + (side + [12.0] if style.dppa else [])
    return k, widths


def _code_cells(code: str, k: int) -> dict[int, object]:
    if k == 1:
        return {0: code}
    parts = code.split(".")
    return {i: (p + "." if i < len(parts) - 1 else p) for i, p in enumerate(parts)}


def _titles(sheet: PrintSheet, style: Style, last: int) -> None:
    head = "DOKUMEN PELAKSANAAN PERUBAHAN ANGGARAN" if style.dppa else "DOKUMEN PELAKSANAAN ANGGARAN"
    sheet.add({0: Cell(head, span=last + 1, bold=True)}, border=False)
    sheet.add({0: Cell("SATUAN KERJA PERANGKAT DAERAH", span=last + 1, bold=True)}, border=False)
    sheet.add({0: Cell(f"PEMERINTAH KOTA TANGERANG TAHUN ANGGARAN {YEAR}", span=last + 1)}, border=False)


def _label(sheet: PrintSheet, k: int, last: int, label: str, value, **kw) -> None:
    sheet.add({0: Cell(label, span=k, bold=True), k: ":", k + 1: Cell(value, span=last - k)}, **kw)


def dpa_block(sheet: PrintSheet, s: PrintSub, style: Style, *, first: bool) -> None:
    k, widths = _cols(style)
    last = len(widths) - 1
    form = "DPPA-RINCIAN BELANJA SKPD" if style.dppa else "DPA-RINCIAN BELANJA SKPD"
    if not first:
        sheet.blank()
    sheet.add({0: Cell(f"Formulir {form}", span=last + 1, bold=True)}, border=False)
    nomor = ("DPPA/B.1/" if style.dppa else "DPA/A.1/") + f"{ORG_CODE}/001/{YEAR}"
    _label(sheet, k, last, "Nomor DPPA" if style.dppa else "Nomor DPA", nomor)
    _label(sheet, k, last, "Urusan Pemerintahan", "7 - UNSUR KEWILAYAHAN")
    _label(sheet, k, last, "Bidang Urusan", "7.01 - KECAMATAN")
    _label(sheet, k, last, "Program", f"{s.program[0]} - {s.program[1]}")
    _label(sheet, k, last, "Kegiatan", f"{s.kegiatan[0]} - {s.kegiatan[1]}")
    _label(sheet, k, last, "Organisasi", f"{ORG_CODE} - {UNIT}")
    _label(sheet, k, last, "Unit", f"{ORG_CODE} - {UNIT}")
    _label(sheet, k, last, f"Alokasi Tahun {YEAR}", f"Rp{s.pagu:,}".replace(",", "."))
    sheet.add({0: Cell("Indikator dan Tolok Ukur Kinerja Kegiatan", span=last + 1, bold=True)})
    mid = k + 4
    sheet.add(
        {
            0: Cell("Indikator", span=k + 1, bold=True),
            k + 1: Cell("Tolok Ukur Kinerja", span=mid - k - 1, bold=True),
            mid: Cell("Target Kinerja", span=last - mid + 1, bold=True),
        }
    )
    ind, target, satuan = s.keluaran[0]
    kel_ind = ind if style.keluaran == "kegiatan" else "Jumlah dokumen kegiatan yang diselesaikan"
    kel_target = fmt_target(target, satuan) if style.keluaran == "kegiatan" else "1 Dokumen"
    for label, tolok, tgt in (
        ("Capaian Kegiatan", "Persentase capaian kinerja kegiatan", "100 %"),
        ("Masukan", "Dana yang dibutuhkan", fmt_amount(s.pagu, "rp_text")),
        ("Keluaran", kel_ind, kel_target),
        ("Hasil", "Persentase dokumen yang diselesaikan tepat waktu", "100 %"),
    ):
        sheet.add(
            {
                0: Cell(label, span=k + 1),
                k + 1: Cell(tolok, span=mid - k - 1),
                mid: Cell(tgt, span=last - mid + 1),
            }
        )
    _label(sheet, k, last, "Kelompok Sasaran Kegiatan", "Aparatur dan masyarakat Kecamatan Neglasari")
    sheet.blank()
    _label(sheet, k, last, "Sub Kegiatan", f"{s.code} - {s.name}")
    _label(sheet, k, last, "Sumber Pendanaan", s.sumber)
    _label(sheet, k, last, "Lokasi", s.lokasi)
    _keluaran(sheet, s, style, k, last)
    _label(sheet, k, last, "Waktu Pelaksanaan", "Januari s.d. Desember")
    _label(sheet, k, last, "Kelompok Sasaran", "Aparatur Kecamatan")
    _label(sheet, k, last, "Keterangan", "-")
    sheet.blank()
    _spending(sheet, s, style, k, last)
    _cash(sheet, s, style, k, last)
    sheet.blank()
    sheet.add({last - 4: Cell(f"Tangerang, 2 Januari {YEAR}", span=5, wrap=False)}, border=False)
    sheet.add({last - 4: Cell("Camat Neglasari", span=5, wrap=False)}, border=False)


def _keluaran(sheet: PrintSheet, s: PrintSub, style: Style, k: int, last: int) -> None:
    if style.keluaran == "kegiatan":
        return
    mid = k + 4
    rows = [(ind, fmt_target(t, sat)) for ind, t, sat in s.keluaran]
    if style.keluaran == "inline":
        ind, tgt = rows[0]
        sheet.add(
            {
                0: Cell("Keluaran Sub Kegiatan", span=k, bold=True),
                k: ":",
                k + 1: Cell(ind, span=mid - k - 1),
                mid: Cell(tgt, span=last - mid + 1),
            }
        )
        return
    head = {
        k + 1: Cell("Indikator", span=mid - k - 1, bold=True),
        mid: Cell("Target", span=last - mid + 1, bold=True),
    }
    if style.keluaran == "nested":
        sheet.add({0: Cell("Keluaran Sub Kegiatan", span=k, bold=True), k: ":", **head})
    else:  # nested_next: the label alone, the nested header on the next row
        sheet.add({0: Cell("Keluaran Sub Kegiatan", span=k, bold=True), k: ":"})
        sheet.add(head)
    for ind, tgt in rows:
        sheet.add({k + 1: Cell(ind, span=mid - k - 1), mid: Cell(tgt, span=last - mid + 1)})


def _spending(sheet: PrintSheet, s: PrintSub, style: Style, k: int, last: int) -> None:
    a = style.amounts
    side = ["Koefisien", "Satuan", "Harga", "PPN", "Jumlah"]
    if style.dppa:
        sheet.add(
            {
                0: Cell("Kode Rekening", span=k, bold=True),
                k: Cell("Uraian", span=2, bold=True),
                k + 2: Cell("Sebelum Perubahan", span=5, bold=True),
                k + 7: Cell("Setelah Perubahan", span=5, bold=True),
                k + 12: Cell("Bertambah/ (Berkurang)", bold=True),
            }
        )
        sheet.add({k + 2 + i: Cell(h, bold=True) for i, h in enumerate(side + side)})
    else:
        sheet.add(
            {
                0: Cell("Kode Rekening", span=k, bold=True),
                k: Cell("Uraian", span=2, bold=True),
                **{k + 2 + i: Cell(h, bold=True) for i, h in enumerate(side)},
            }
        )
    names = {"5": "BELANJA DAERAH", "5.1": "BELANJA OPERASI", "5.2": "BELANJA MODAL"}
    done: set[str] = set()

    def amount_cells(before: int, after: int, detail: tuple | None) -> dict:
        if not style.dppa:
            cells = {k + 6: fmt_amount(after, a)}
            if detail:
                koef, sat, harga, _ = detail
                cells.update({k + 2: f"{koef} {sat}", k + 3: sat, k + 4: fmt_amount(harga, a), k + 5: 0})
            return cells
        cells = {
            k + 6: fmt_amount(before, a),
            k + 11: fmt_amount(after, a),
            k + 12: fmt_amount(after - before, a),
        }
        if detail:
            koef, sat, harga, kb = detail
            cells.update(
                {
                    k + 2: f"{kb} {sat}",
                    k + 3: sat,
                    k + 4: fmt_amount(harga, a),
                    k + 5: 0,
                    k + 7: f"{koef} {sat}",
                    k + 8: sat,
                    k + 9: fmt_amount(harga, a),
                    k + 10: 0,
                }
            )
        return cells

    for line in sorted(s.lines, key=lambda x: x.kode):
        parts = line.kode.split(".")
        for depth in range(1, len(parts)):
            prefix = ".".join(parts[:depth])
            if prefix in done:
                continue
            done.add(prefix)
            under = [x for x in s.lines if x.kode.startswith(prefix + ".")]
            before, after = sum(x.jumlah_before for x in under), sum(x.jumlah for x in under)
            sheet.add(
                {
                    **_code_cells(prefix, k),
                    k: Cell(names.get(prefix, f"Belanja {prefix}"), span=2),
                    **amount_cells(before, after, None),
                }
            )
        sheet.add(
            {
                **_code_cells(line.kode, k),
                k: Cell(line.uraian, span=2),
                **amount_cells(line.jumlah_before, line.jumlah, None),
            }
        )
        kb = line.koef if line.koef_before is None else line.koef_before
        sheet.add(
            {
                k: Cell(f"[#] {line.uraian} - rincian", span=2),
                **amount_cells(line.jumlah_before, line.jumlah, (line.koef, line.satuan, line.harga, kb)),
            }
        )
    total = {0: Cell("Jumlah Anggaran Sub Kegiatan", span=k + 2, bold=True)}
    if style.dppa:
        total.update(
            {
                k + 6: fmt_amount(s.pagu_sebelum, a),
                k + 11: fmt_amount(s.pagu, a),
                k + 12: fmt_amount(s.pagu - s.pagu_sebelum, a),
            }
        )
    else:
        total[k + 6] = fmt_amount(s.pagu, a)
    sheet.add(total)


def _cash(sheet: PrintSheet, s: PrintSub, style: Style, k: int, last: int) -> None:
    a = style.amounts
    if style.cash == "none":
        return
    sheet.blank()
    sheet.add({0: Cell("Rencana Penarikan Dana per Bulan", span=last + 1, bold=True)})
    months = layout.MONTHS
    if style.cash == "rows":
        for i in range(12):
            sheet.add({0: Cell(months[i], span=k + 1), k + 1: Cell(fmt_amount(s.kas[i], a), span=3)})
        sheet.add({0: Cell("Jumlah", span=k + 1, bold=True), k + 1: Cell(fmt_amount(sum(s.kas), a), span=3)})
    elif style.cash == "pairs":  # Januari | amount || Juli | amount
        for i in range(6):
            sheet.add(
                {
                    0: Cell(months[i], span=k + 1),
                    k + 1: Cell(fmt_amount(s.kas[i], a), span=3),
                    k + 4: Cell(months[i + 6], span=2),
                    k + 6: fmt_amount(s.kas[i + 6], a),
                }
            )
        sheet.add({0: Cell("Jumlah", span=k + 1, bold=True), k + 1: Cell(fmt_amount(sum(s.kas), a), span=3)})
    elif style.cash in ("across", "across_nojumlah"):
        head = {k + i: Cell(months[i][:3] if style.split_code else months[i], bold=True) for i in range(12)}
        values = {k + i: fmt_amount(s.kas[i], a) for i in range(12)}
        if style.cash == "across":
            head[k + 12] = Cell("Jumlah", bold=True)
            values[k + 12] = fmt_amount(sum(s.kas), a)
        sheet.add(head)
        sheet.add(values)
    elif style.cash == "across_half":
        for half in (0, 6):
            sheet.add({k + 1 + i: Cell(months[half + i], bold=True) for i in range(6)})
            sheet.add({k + 1 + i: fmt_amount(s.kas[half + i], a) for i in range(6)})
    else:
        raise ValueError(style.cash)


def dpa_sheets(subs: list[PrintSub], style: Style) -> list[PrintSheet]:
    k, widths = _cols(style)
    if style.cash.startswith("across"):
        # twelve amounts side by side need twelve columns wide enough for them
        widths = widths + [10.0] * max(0, k + 13 - len(widths))
        widths = [max(w, 10.0) if k <= c <= k + 12 else w for c, w in enumerate(widths)]
    last = len(widths) - 1
    if style.per_sheet:
        out = []
        for i, s in enumerate(subs, 1):
            sheet = PrintSheet(f"Sub {i}", widths)
            _titles(sheet, style, last)
            dpa_block(sheet, s, style, first=True)
            out.append(sheet)
        return out
    sheet = PrintSheet("DPPA Rincian Belanja" if style.dppa else "DPA Rincian Belanja", widths)
    _titles(sheet, style, last)
    for i, s in enumerate(subs):
        dpa_block(sheet, s, style, first=i == 0)
    return [sheet]


# ------------------------------------------------------------------ Anggaran Kas (RAK)
def rak_sheet(subs: list[PrintSub], *, sub_totals: bool = True, parents: bool = False) -> PrintSheet:
    """The Anggaran Kas form: months in columns under Semester / Triwulan headers."""
    widths = [15.0, 26.0, 11.0] + [9.5] * 12 + [11.0]
    sheet = PrintSheet("Anggaran Kas", widths)
    last = len(widths) - 1
    sheet.add({0: Cell("ANGGARAN KAS", span=last + 1, bold=True)}, border=False)
    sheet.add({0: Cell(f"PEMERINTAH KOTA TANGERANG TAHUN ANGGARAN {YEAR}", span=last + 1)}, border=False)
    sheet.add({0: Cell(f"Organisasi : {ORG_CODE} - {UNIT}", span=last + 1)}, border=False)
    sheet.add(
        {
            0: Cell("Kode", bold=True),
            1: Cell("Uraian", bold=True),
            2: Cell("Anggaran", bold=True),
            3: Cell("Semester I", span=6, bold=True),
            9: Cell("Semester II", span=6, bold=True),
            15: Cell("Jumlah", bold=True),
        }
    )
    sheet.add({3 + 3 * q: Cell(f"Triwulan {'I II III IV'.split()[q]}", span=3, bold=True) for q in range(4)})
    sheet.add({3 + i: Cell(m, bold=True) for i, m in enumerate(layout.MONTHS)})
    per_month = [0] * 12
    for s in subs:
        row: dict[int, object] = {0: Cell(s.code), 1: Cell(s.name)}
        if sub_totals:
            row.update({2: s.pagu, **{3 + i: s.kas[i] for i in range(12)}, 15: sum(s.kas)})
        sheet.add(row, bold=True)
        plan = _rak_rows(s)
        for kode, uraian, months in plan:
            sheet.add(
                {0: kode, 1: uraian, 2: sum(months), **{3 + i: months[i] for i in range(12)}, 15: sum(months)}
            )
        per_month = [a + b for a, b in zip(per_month, s.kas)]
    sheet.add(
        {
            0: Cell("JUMLAH ALOKASI KAS PER BULAN", span=3, bold=True),
            **{3 + i: per_month[i] for i in range(12)},
            15: sum(per_month),
        }
    )
    sheet.add(
        {
            0: Cell("JUMLAH ALOKASI KAS PER TRIWULAN", span=3, bold=True),
            **{3 + 3 * q: Cell(sum(per_month[3 * q : 3 * q + 3]), span=3) for q in range(4)},
            15: sum(per_month),
        }
    )
    sheet.add(
        {
            0: Cell("JUMLAH ALOKASI KAS PER SEMESTER", span=3, bold=True),
            3: Cell(sum(per_month[:6]), span=6),
            9: Cell(sum(per_month[6:]), span=6),
            15: sum(per_month),
        }
    )
    if parents:
        _add_parents(sheet, subs)
    return sheet


def _rak_rows(s: PrintSub) -> list[tuple[str, str, list[int]]]:
    """The sub kegiatan's monthly plan split over its rekening in proportion, adding up exactly."""
    total = s.pagu or 1
    rows, left = [], list(s.kas)
    lines = sorted(s.lines, key=lambda x: x.kode)
    for n, line in enumerate(lines):
        if n == len(lines) - 1:
            months = left
        else:
            months = [m * line.jumlah // total for m in s.kas]
            left = [a - b for a, b in zip(left, months)]
        rows.append((line.kode, line.uraian, months))
    return rows


def _add_parents(sheet: PrintSheet, subs: list[PrintSub]) -> None:
    """Insert a parent rekening row (5.1.02 subtotal) above each sub's lines: parents are subtotals."""
    out = []
    for cells, border in sheet.rows:
        out.append((cells, border))
        first = cells.get(0)
        sub = next((s for s in subs if first is not None and first.value == s.code), None)
        if sub is None:
            continue
        months = [sum(m[i] for _, _, m in _rak_rows(sub)) for i in range(12)]
        out.append(
            (
                {
                    0: Cell("5.1"),
                    1: Cell("BELANJA OPERASI DAN MODAL"),
                    2: Cell(sum(months)),
                    **{3 + i: Cell(months[i]) for i in range(12)},
                    15: Cell(sum(months)),
                },
                True,
            )
        )
    sheet.rows = out
