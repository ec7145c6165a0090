"""The printable Dokumen Rencana Aksi (SOP step 6 output) as PDF.

The SOP asks for every stage in softcopy and hardcopy.  We lay the document out
as a print-ready spreadsheet (cover, plan table, approval block, SOP record),
written with XlsxWriter from the workbook's data, and let LibreOffice headless
render it to PDF.  In desktop Excel the "Cetak PDF" button uses Excel's own
export instead (VBA), so this module is what the CLI and the server use.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from . import layout, sop, tables
from .errors import InputError

SOFFICE_HINT = (
    "LibreOffice tidak ditemukan. Pasang dengan: sudo apt-get install libreoffice-calc-nogui "
    "(Debian/Ubuntu), atau unduh dari libreoffice.org (Windows/macOS), lalu jalankan lagi. "
    "Di Excel desktop, gunakan tombol 'Cetak PDF' yang memakai ekspor PDF milik Excel."
)


def _records_by_step(book, s: sop.Sop) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for n in range(1, s.number_of_steps + 1):
        data = tables.read_table(book, layout.step_table(n), check_headers=False)
        out[n] = data.records()
    return out


def signer_title(s: sop.Sop, role: str, unit: str) -> str:
    """'Camat Neglasari', 'Kepala Dinas Komunikasi dan Informatika': the SOP's approver's jabatan
    when the penetapan role is that office, else the role and the unit."""
    jabatan = s.disahkan_oleh.jabatan
    if jabatan.lower().startswith(role.lower()):
        return jabatan
    return f"{role} {unit}".strip()


def _fmt_money(v) -> str:
    """Whole rupiah (half up), Indonesian grouping; the column header says (Rp)."""
    from .dpa.numbers import format_number, round_rupiah

    if v is None or v == "":
        return ""
    try:
        return format_number(round_rupiah(v))
    except (ArithmeticError, TypeError, ValueError):
        return str(v)


def _row_height(texts_and_widths, *, line_pt: float = 10.5) -> float:
    """Height (points) for a row of wrapped 8-pt text: LibreOffice does not grow rows
    written by XlsxWriter, so size them from the longest cell (~1.6 chars of 8 pt per width unit)."""
    lines = 1
    for text, width in texts_and_widths:
        for part in str(text or "").split("\n"):
            lines_here = max(1, math.ceil(len(part) / max(width * 1.6, 1)))
            lines = max(lines, lines_here + str(text or "").count("\n"))
    return lines * line_pt + 3


def signature_note(book, chain, pengesahan, *, short: bool = False) -> str:
    """What a printout says about a recorded paraf or tanda tangan: whether its Log record (found by
    its Sidik Rantai) carries a digital signature.  A record without one is not a tanda tangan
    elektronik in the legal sense, and the printout must not suggest it is."""
    from .integrity import field_text, read_log, records_of

    wanted = field_text(chain)
    digital = bool(wanted) and any(
        field_text(r.get("Sidik Rantai")) == wanted and field_text(r.get(layout.H_TTD_DIGITAL))
        for r in records_of(read_log(book))
    )
    if short:
        return "bertanda tangan digital" if digital else "tanpa tanda tangan digital"
    if digital:
        return "[Ditandatangani secara digital; periksa keabsahannya dengan Periksa Keaslian]"
    return f"[{pengesahan or 'Pengesahan'} tercatat di Log buku kerja; tanpa tanda tangan digital]"


def _signed_on(selesai) -> str:
    """The date under which the document is signed, as a letter writes it: '13 Januari 2025'
    (the record keeps the minute: '2025-01-13 09:08 WIB')."""
    from .context import parse_timestamp
    from .workflow import tanggal

    try:
        moment = parse_timestamp(selesai)
    except (TypeError, ValueError):
        return str(selesai or "")
    return tanggal(moment) if moment else ""


def write_print_workbook(book, path: Path, *, signature_space: bool = False) -> Path:
    """The print layout: sheet 1 the Dokumen Rencana Aksi, sheet 2 the SOP record.

    `signature_space`: leave room for a visible PDF signature field above the
    approver's name (renaksi_xl.ttd.pdfsign) instead of the "recorded" line."""
    import xlsxwriter

    from .dpa.numbers import round_rupiah

    settings = tables.read_settings(book)
    unit = str(settings.get(layout.SET_UNIT) or "")
    pemda = str(settings.get(layout.SET_PEMDA) or "")
    year = str(settings.get(layout.SET_TAHUN) or "")
    plan = tables.read_table(book, layout.TBL_RENCANA)
    officials = {
        str(r["Peran"]).strip(): r
        for r in tables.read_table(book, layout.TBL_PEJABAT).records()
        if r.get("Peran")
    }
    from .workflow import step_roles

    s = sop.from_book(book)
    records = _records_by_step(book, s)
    penetapan = s.step_of_kind(sop.PENETAPAN)
    signer_role = step_roles(book)[penetapan.number].role
    status = tables.named_range(book, "nmStatusDokumen").value or layout.STATUS_DRAF
    from .revision import previous_plan

    earlier = previous_plan(book)  # (version, approved plan) before a revision, else None
    version = earlier[0] + 1 if earlier else 1

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    h1 = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    h2 = wb.add_format({"bold": True, "font_size": 12, "align": "center"})
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
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    ws = wb.add_worksheet("Dokumen Rencana Aksi")
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(0.4, 0.4, 0.5, 0.5)
    ws.set_footer(f"&L{unit} - Rencana Aksi TA {year}&RHalaman &P dari &N")
    columns = [
        ("No", 3.5, None),
        ("Kode Sub Kegiatan", 14, "Kode Sub Kegiatan"),
        ("Sub Kegiatan", 24, "Sub Kegiatan"),
        ("Indikator Keluaran", 20, "Indikator Keluaran"),
        ("Target", 6, "Target Tahunan"),
        ("Satuan", 8, "Satuan"),
        *[(f"Target s.d. TW {q}", 5.5, f"Target s.d. TW {q}") for q in layout.QUARTERS],
        *[(f"Fisik s.d. TW {q} (%)", 5.5, f"Fisik s.d. TW {q} (%)") for q in layout.QUARTERS],
        ("Pagu (Rp)", 11, "Pagu (Rp)"),
        *[(f"Keuangan s.d. TW {q} (Rp)", 11, f"Keuangan s.d. TW {q} (Rp)") for q in layout.QUARTERS],
        ("Penanggung Jawab", 14, "Penanggung Jawab"),
    ]
    last_col = len(columns) - 1
    for i, (_, width, _) in enumerate(columns):
        ws.set_column(i, i, width)
    title = f"RENCANA AKSI PERUBAHAN (VERSI {version})" if version > 1 else "RENCANA AKSI"
    ws.merge_range(0, 0, 0, last_col, title, h1)
    ws.merge_range(1, 0, 1, last_col, f"{unit.upper()} {pemda.upper()}", h2)
    ws.merge_range(2, 0, 2, last_col, f"TAHUN ANGGARAN {year}", h2)
    ws.merge_range(
        3,
        0,
        3,
        last_col,
        f"Disusun menurut SOP {s.nama} Nomor {s.nomor} - Status: {status}",
        wb.add_format({"align": "center", "italic": True}),
    )
    header_row = 5
    ws.set_row(header_row, 36)
    for i, (label, _, _) in enumerate(columns):
        ws.write(header_row, i, label, head)
    ws.repeat_rows(header_row)
    row = header_row + 1
    total = 0
    n, previous = 0, None
    for rec in plan.records():
        # a further Keluaran indicator of the sub kegiatan above: one number, one code and name
        code = str(rec.get("Kode Sub Kegiatan") or "").strip() or None
        further = code is not None and code == previous
        previous = code
        n += 0 if further else 1
        ws.set_row(row, _row_height((rec.get(key), width) for _, width, key in columns if key))
        for i, (_, _, key) in enumerate(columns):
            if key is None:
                ws.write(row, i, "" if further else n, num)
                continue
            value = None if further and key in ("Kode Sub Kegiatan", "Sub Kegiatan") else rec.get(key)
            if "(Rp)" in key:
                ws.write_string(row, i, _fmt_money(value), num)
            elif isinstance(value, (int, float)):
                ws.write_number(row, i, value, num)
            else:
                ws.write_string(row, i, "" if value is None else str(value), cell)
        try:
            total += round_rupiah(rec.get("Pagu (Rp)") or 0)
        except (ArithmeticError, TypeError, ValueError):
            pass
        row += 1
    pagu_col = [c[2] for c in columns].index("Pagu (Rp)")
    ws.merge_range(row, 0, row, pagu_col - 1, "JUMLAH", head)
    ws.write_string(row, pagu_col, _fmt_money(total), num)
    row += 3

    # Approval block: the tanda tangan of the SOP's penetapan step (the Camat's step 6 by default).
    camat = officials.get(signer_role, {})
    sign = records[penetapan.number][-1] if records.get(penetapan.number) else None
    block_col = max(last_col - 5, 0)
    place = str(settings.get(layout.SET_PEMDA) or "").replace("Kota ", "").replace("Kabupaten ", "")
    date_text = _signed_on((sign or {}).get("Selesai")) or "...................."
    ws.write(row, block_col, f"{place}, {date_text}")
    ws.write(row + 1, block_col, "Ditetapkan oleh,", bold)
    ws.write(row + 2, block_col, signer_title(s, signer_role, unit).upper(), bold)
    if signature_space:
        for r in range(row + 3, row + 6):
            ws.set_row(r, 22)
    elif sign:
        ws.write(row + 4, block_col, signature_note(book, sign.get("Sidik Rantai"), sign.get("Pengesahan")))
    ws.write(row + 6, block_col, str(camat.get("Nama") or "...................."), bold)
    ws.write(row + 7, block_col, f"NIP. {camat.get('NIP') or '....................'}")
    if sign:
        ws.write(row + 8, block_col, f"Sidik: {sign.get('Sidik Rantai') or '-'}")
    ws.print_area(0, 0, row + 9, last_col)

    if earlier:
        write_changes(wb, book, plan, earlier, {"h1": h1, "h2": h2, "head": head, "cell": cell, "num": num})

    ws2 = wb.add_worksheet("Catatan SOP")
    ws2.set_paper(9)
    ws2.set_landscape()
    ws2.fit_to_pages(1, 0)
    ws2.set_footer(f"&L{unit.replace('&', '&&')} - Catatan pelaksanaan SOP {s.nomor}&RHalaman &P dari &N")
    ws2.merge_range(0, 0, 0, 10, f"CATATAN PELAKSANAAN SOP {s.nama.upper()}", h1)
    ws2.merge_range(1, 0, 1, 10, f"{unit} - Tahun Anggaran {year} - SOP Nomor {s.nomor}", h2)
    heads = [
        "Langkah",
        "Uraian Prosedur",
        "Peran",
        "Nama / NIP",
        "Pengesahan",
        "Selesai",
        "Waktu Kerja",
        "Waktu Baku",
        "Ketepatan",
        "Catatan",
        "Sidik Rantai",
    ]
    widths = [7, 26, 18, 24, 10, 16, 12, 9, 14, 30, 17]
    ws2.set_row(3, 24)
    for i, (h, w) in enumerate(zip(heads, widths)):
        ws2.set_column(i, i, w)
        ws2.write(3, i, h, head)
    r = 4
    for st in s.steps:
        for rec in records.get(st.number) or [{}]:  # a step without records: one empty row
            who = (
                f"{rec.get('Nama') or ''}\nNIP. {rec.get('NIP')}"
                if rec.get("NIP")
                else (rec.get("Nama") or "")
            )
            values = [
                st.number,
                st.uraian,
                rec.get("Peran") or st.role,
                who,
                rec.get("Pengesahan") or "belum",
                rec.get("Selesai") or "",
                rec.get("Waktu Kerja") or "",
                st.waktu.label(),
                rec.get("Ketepatan") or "",
                rec.get("Catatan") or "",
                rec.get("Sidik Rantai") or "",
            ]
            ws2.set_row(r, _row_height(zip(values, widths)))
            for i, v in enumerate(values):
                ws2.write(r, i, "" if v is None else v, cell)
            r += 1
    ws2.merge_range(
        r + 1,
        0,
        r + 1,
        len(heads) - 1,
        " ".join(
            t
            for t in (
                f"Jumlah waktu baku: {s.total_time_label}.",
                s.pencatatan_catatan and s.pencatatan_catatan + ".",
            )
            if t
        ),
        wrap,
    )
    ws2.merge_range(r + 2, 0, r + 2, len(heads) - 1, chain_anchor_text(book), wrap)
    ws2.set_row(r + 2, 30)
    ws2.print_area(0, 0, r + 2, len(heads) - 1)
    wb.close()
    return path


def _change_value(column: str, value) -> str:
    from .review import rupiah_or_value

    if value is None or value == "":
        return "(kosong)"
    return _fmt_money(value) if "(Rp)" in column else rupiah_or_value(value)


def write_changes(wb, book, plan, previous, fmt: dict) -> None:
    """Sheet 'Perubahan': what the revised plan changed from the previous version's approved plan
    (pagu, targets, finance: every changed cell, rows added and removed, the total pagu)."""
    from .dpa.numbers import round_rupiah
    from .integrity import read_log, records_of
    from .review import diff_tables
    from .revision import snapshot_problems

    old_version, old = previous
    d = diff_tables(old, plan)
    names: dict[str, object] = {}
    for data in (old, plan):
        for r in data.records():
            names.setdefault(str(r.get(layout.H_KODE_SUB) or "").strip(), r.get(layout.H_SUB_KEGIATAN) or "")

    def total(data) -> int:
        out = 0
        for r in data.records():
            try:
                out += round_rupiah(r.get(layout.H_PAGU) or 0)
            except (ArithmeticError, TypeError, ValueError):
                pass
        return out

    ws = wb.add_worksheet("Perubahan")
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    heads = [("No", 4), ("Kode Sub Kegiatan", 17), ("Sub Kegiatan", 34), ("Kolom", 24)]
    heads += [(f"Versi {old_version}", 18), (f"Versi {old_version + 1}", 18)]
    last = len(heads) - 1
    for i, (_, w) in enumerate(heads):
        ws.set_column(i, i, w)
    ws.merge_range(0, 0, 0, last, f"PERUBAHAN DARI RENCANA AKSI VERSI {old_version}", fmt["h1"])
    problems = snapshot_problems(book, records_of(read_log(book)))
    basis = (
        f"Pembanding: salinan Rencana Aksi versi {old_version} yang ditetapkan; cocok dengan sidik "
        f"penetapan versi {old_version} (terverifikasi)."
        if not problems
        else "PERINGATAN: " + " ".join(problems)
    )
    ws.merge_range(1, 0, 1, last, basis, fmt["h2"] if not problems else fmt["head"])
    ws.merge_range(
        2,
        0,
        2,
        last,
        f"Jumlah pagu: versi {old_version} Rp {_fmt_money(total(old))}; versi {old_version + 1} "
        f"Rp {_fmt_money(total(plan))}.",
        fmt["h2"],
    )
    row = 4
    for i, (label, _) in enumerate(heads):
        ws.write(row, i, label, fmt["head"])
    ws.repeat_rows(row)
    lines = [
        (c.key, c.column, _change_value(c.column, c.old), _change_value(c.column, c.new)) for c in d.changed
    ]
    lines += [(k, "Baris baru", "(tidak ada)", "ditambahkan") for k in d.added]
    lines += [(k, "Baris dihapus", "ada", "(dihapus)") for k in d.removed]
    if not lines:
        lines = [("", "Tidak ada perubahan isi Rencana Aksi", "", "")]
    for n, (key, column, before, after) in enumerate(lines, start=1):
        row += 1
        values = [n, key, names.get(key, ""), column, before, after]
        ws.set_row(row, _row_height(zip(values, [w for _, w in heads])))
        for i, v in enumerate(values):
            ws.write(row, i, v, fmt["num"] if i >= 4 or i == 0 else fmt["cell"])
    ws.print_area(0, 0, row, last)


def chain_anchor_text(book) -> str:
    """The chain's length and end, printed so the paper copy anchors them (docs/keaslian.md)."""
    from .integrity import field_text, read_log, records_of

    records = records_of(read_log(book))
    if not records:
        return "Rantai catatan: belum ada catatan paraf atau tanda tangan."
    last = field_text(records[-1].get("Sidik Rantai"))
    return (
        f"Rantai catatan: {len(records)} catatan paraf/tanda tangan; sidik rantai terakhir: {last}. "
        "Bandingkan dengan 'Periksa Keaslian' (renaksi-xl verify) pada berkasnya."
    )


def export_pdf(
    book_path: str | Path, out: str | Path | None = None, *, signature_space: bool = False
) -> Path:
    from .headless import open_book

    book_path = Path(book_path)
    if not book_path.exists():
        raise InputError(f"Berkas '{book_path}' tidak ditemukan.")
    out = Path(out) if out else book_path.with_name(book_path.stem + "-Dokumen-Rencana-Aksi.pdf")
    from .outputs import check_output, replace_with

    check_output(out, inputs=[book_path], option="--out")
    from .xlsm.lo_host import LibreOfficeUnavailable, find_soffice
    from .xlsm.render import RenderError, to_pdf

    try:
        find_soffice()
    except LibreOfficeUnavailable as exc:
        raise InputError(SOFFICE_HINT) from exc
    book = open_book(book_path)
    with tempfile.TemporaryDirectory(prefix="renaksi-pdf-") as tmp:
        src = write_print_workbook(
            book, Path(tmp) / out.with_suffix(".xlsx").name, signature_space=signature_space
        )
        try:
            pdf = to_pdf(src, Path(tmp) / "pdf")
        except RenderError as exc:
            raise InputError(f"LibreOffice gagal mencetak '{book_path.name}' ke PDF: {exc}") from exc
        replace_with(out, pdf)
    return out


def cetak_pdf_body(book, ctx) -> str:
    """Button 'Cetak PDF' when Python runs (local mode): the PDF beside the saved workbook."""
    path = tables.saved_workbook_path(book, "atau jalankan perintah 'renaksi-xl pdf BUKU'.")
    return f"PDF ditulis: {export_pdf(path)}"


def cmd_pdf(args) -> int:
    from .runner import check_out

    if args.out is not None:
        check_out(args.out, Path(args.book).stem + ".pdf")
    if getattr(args, "tw", None) and getattr(args, "tandatangani", None):
        from .runner import OptionError

        raise OptionError(
            "Opsi --tandatangani menandatangani Dokumen Rencana Aksi (penetapan), bukan Laporan Capaian: "
            "jangan dipakai bersama --tw."
        )
    if getattr(args, "tw", None):
        from .pdf_capaian import export_report_pdf

        out = export_report_pdf(args.book, args.tw, args.out)
        print(f"PDF Laporan Capaian Rencana Aksi TW {args.tw} ditulis: {out}")
        return 0
    if getattr(args, "tandatangani", None):
        from .ttd.pdfsign import cmd_signed_pdf

        return cmd_signed_pdf(args)
    out = export_pdf(args.book, args.out)
    print(f"PDF Dokumen Rencana Aksi ditulis: {out}")
    return 0
