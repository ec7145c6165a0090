"""The SIPD realisation export (per sub kegiatan) -> Realisasi Keuangan s.d. TW in tblRealisasiAksi.

SIPD's "Laporan Realisasi per Sub Kegiatan" comes as .xlsx or CSV, with title
rows above a header row.  The reader is tolerant in the way the DPA readers
are (renaksi_xl.dpa): the file type from its bytes, the header row found
among the first rows by its labels, the code split from a "kode nama" cell,
amounts in any Indonesian style, program and kegiatan lines and total rows
recognised; anything else that holds a figure is reported with its cell,
never dropped in silence.

Which quarter: `--tw` / the Laporan Realisasi sheet's Triwulan cell, else the
title ("Triwulan II", "s.d. Juni"); otherwise the import asks for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import capaian, layout, tables
from .dpa.grid import DpaError, Grid, Problem, check_code, is_blank, mangled_code, norm, split_code
from .dpa.numbers import format_rupiah, parse_number
from .dpa.readers import ReadError, grids_from_impor, impor_values, read_path
from .errors import InputError

HEADER_SCAN_ROWS = 40
WHAT = "realisasi SIPD"
QUARTER_END_MONTH = {"maret": 1, "juni": 2, "september": 3, "desember": 4}
_TW_TITLE = re.compile(r"\btriwulan\s+(iv|iii|ii|i|[1-4])\b")
_SD_MONTH = re.compile(r"s\s*\.?\s*d\s*\.?\s*(?:bulan\s+)?(maret|juni|september|desember)\b")
_TOTAL = re.compile(r"^(jumlah|total|sub ?total)\b")


@dataclass
class Columns:
    code: int
    realisasi: int
    pagu: int | None = None
    name: int | None = None


@dataclass
class Imported:
    amounts: dict[str, tuple[float, str]] = field(default_factory=dict)  # kode -> (rupiah, where)
    quarter: int | None = None
    warnings: list[Problem] = field(default_factory=list)
    label: str = ""


def _header(grid: Grid) -> tuple[int, Columns] | None:
    for r, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        labels = [norm(v) for v in row]
        code = next((c for c, t in enumerate(labels) if t.startswith("kode")), None)
        name = next(
            (c for c, t in enumerate(labels) if "sub kegiatan" in t and not t.startswith("kode")), None
        )
        key = code if code is not None else name
        real = [
            c
            for c, t in enumerate(labels)
            if "realisasi" in t and "%" not in t and "persen" not in t and c != key
        ]
        if not real or key is None:
            continue  # a title such as 'LAPORAN REALISASI ... PER SUB KEGIATAN' is one cell, not a header
        # several realisasi columns (bulan lalu / bulan ini / s.d. bulan ini): the cumulative one
        cumulative = [c for c in real if "s.d" in labels[c] or "sd " in labels[c] or "jumlah" in labels[c]]
        realisasi = (cumulative or real)[-1]
        pagu = next((c for c, t in enumerate(labels) if "anggaran" in t or "pagu" in t), None)
        return r, Columns(key, realisasi, pagu, name)
    return None


def _quarter_from_title(grid: Grid, header_row: int) -> int | None:
    text = " ".join(norm(v) for row in grid.rows[:header_row] for v in row if isinstance(v, str))
    m = _TW_TITLE.search(text)
    if m:
        return capaian.quarter_of(m.group(1).upper())
    m = _SD_MONTH.search(text)
    return QUARTER_END_MONTH[m.group(1)] if m else None


def read_grids(grids: list[Grid], label: str) -> Imported:
    out = Imported(label=label)
    errors: list[Problem] = []
    found = False
    for grid in grids:
        head = _header(grid)
        if head is None:
            continue
        found = True
        hr, cols = head
        src = grid.source
        out.quarter = out.quarter or _quarter_from_title(grid, hr)
        for r in range(hr + 1, len(grid.rows)):
            row = list(grid.rows[r])
            row += [None] * (max(cols.code, cols.realisasi, cols.pagu or 0, cols.name or 0) + 1 - len(row))
            _read_row(row, r, cols, src, out, errors)
    if not found:
        errors.append(
            Problem(
                "Tidak ditemukan baris judul laporan realisasi (kolom 'Kode' atau 'Sub Kegiatan' dan kolom "
                "'Realisasi'). Unduh Laporan Realisasi per Sub Kegiatan dari SIPD dalam format Excel atau CSV.",
                label,
            )
        )
    if errors:
        raise DpaError(errors, file=label, what=WHAT)
    if not out.amounts:
        raise DpaError(
            [Problem("Laporan realisasi tidak berisi satu pun sub kegiatan.", label)], file=label, what=WHAT
        )
    return out


def _read_row(row: list, r: int, cols: Columns, src, out: Imported, errors: list[Problem]) -> None:
    raw_code = row[cols.code]
    amount_raw = row[cols.realisasi]
    if all(is_blank(v) for v in row):
        return
    why = mangled_code(raw_code, "sub_kegiatan") if not is_blank(raw_code) else None
    if why:
        errors.append(Problem(why + ".", src.where(r, cols.code)))
        return
    code, rest = split_code(raw_code) if isinstance(raw_code, str) else (None, "")
    if code is None and cols.name is not None and isinstance(row[cols.name], str):
        code, rest = split_code(row[cols.name])
    first_text = next((v for v in row if isinstance(v, str) and v.strip()), "")
    if code is None:
        if _TOTAL.match(norm(first_text)) or is_blank(amount_raw):
            return  # a total line, or a text line without a figure (a heading)
        out.warnings.append(
            Problem(
                f"Baris berisi angka realisasi {amount_raw!r} tetapi tanpa kode sub kegiatan; tidak diimpor.",
                src.where(r, cols.code),
            )
        )
        return
    bad_code = check_code(code, "sub_kegiatan")
    if bad_code is not None:
        if check_code(code, "kegiatan") is None or check_code(code, "program") is None:
            return  # a program or kegiatan line of SIPD's hierarchy: its figure is a sum
        errors.append(Problem(bad_code + ".", src.where(r, cols.code)))
        return
    try:
        amount = parse_number(amount_raw)
    except ValueError:
        errors.append(
            Problem(
                f"Realisasi sub kegiatan {code} bukan angka: '{amount_raw}'.", src.where(r, cols.realisasi)
            )
        )
        return
    if amount is None:
        amount = 0
    where = src.where(r, cols.realisasi)
    if code in out.amounts:
        errors.append(
            Problem(
                f"Sub kegiatan {code} muncul dua kali (juga di {out.amounts[code][1]}); hapus salah satu.",
                where,
            )
        )
        return
    out.amounts[code] = (amount, where)


def read_files(paths: list[str | Path]) -> Imported:
    grids: list[Grid] = []
    label = ", ".join(Path(p).name for p in paths)
    for p in paths:
        try:
            grids.extend(read_path(Path(p)))
        except ReadError as exc:
            raise DpaError([exc.problem], file=Path(p).name, what=WHAT) from None
    return read_grids(grids, label)


def _quarter(book, ctx, imported: Imported) -> int:
    given = (ctx.fields or {}).get("tw") or tables.named_range(book, "inRealisasiTriwulan").value
    if given not in (None, ""):
        k = capaian.quarter_of(given)
        if k is None:
            raise InputError(f"Triwulan '{given}' tidak dikenal: tulis I, II, III atau IV.")
        return k
    if imported.quarter is not None:
        return imported.quarter
    raise InputError(
        f"Triwulan realisasi tidak diketahui dari berkas {imported.label}: isi Triwulan di lembar "
        f"'{layout.SHEET_LAPORAN}' (sel {layout.NAMED_CELLS['inRealisasiTriwulan'][1]}) atau pakai opsi --tw."
    )


def impor_realisasi_body(book, ctx) -> str:
    """Fill Realisasi Keuangan s.d. TW k of tblRealisasiAksi from the SIPD export (ctx.files, else Impor)."""
    files = list(getattr(ctx, "files", None) or [])
    if files:
        imported = read_files(files)
    else:
        grids = grids_from_impor(impor_values(book))
        if not grids:
            raise InputError(
                f"Belum ada berkas realisasi untuk diimpor: tidak ada berkas yang dipilih dan lembar "
                f"'{layout.SHEET_IMPOR}' kosong. Pilih laporan realisasi SIPD (.xlsx/.csv), lalu ulangi.",
                where=layout.SHEET_IMPOR,
            )
        imported = read_grids(grids, ", ".join(dict.fromkeys(g.source.file for g in grids)))
    k = _quarter(book, ctx, imported)
    q = layout.QUARTERS[k - 1]
    plan = tables.read_table(book, layout.TBL_RENCANA)
    indicators: dict[str, list[str]] = {}
    for row in plan.rows:
        code = capaian._text(row[plan.col(layout.H_KODE_SUB)])
        indikator = capaian._text(row[plan.col(layout.H_INDIKATOR_KELUARAN)])
        if code:
            indicators.setdefault(code, []).append(indikator)
    real = tables.read_table(book, layout.TBL_REALISASI_AKSI)
    header = real.header
    rows = [list(r) for r in real.rows]
    col = header.index
    updated = added = 0
    unknown = []
    for code, (amount, where) in imported.amounts.items():
        if code not in indicators:
            unknown.append(f"{code} ({where})")
            continue
        mine = [
            r
            for r in rows
            if capaian.quarter_of(r[col(layout.H_TRIWULAN)]) == k
            and capaian._text(r[col(layout.H_KODE_SUB)]) == code
        ]
        for r in mine:
            r[col(layout.H_REALISASI_KEUANGAN)] = amount
            updated += 1
        if not mine:
            for indikator in indicators[code]:
                new: list[Any] = [None] * len(header)
                new[col(layout.H_TRIWULAN)] = q
                new[col(layout.H_KODE_SUB)] = code
                new[col(layout.H_INDIKATOR_KELUARAN)] = indikator
                new[col(layout.H_REALISASI_KEUANGAN)] = amount
                rows.append(new)
                added += 1
    tables.write_table(book, layout.TBL_REALISASI_AKSI, rows, columns=header)
    total = sum(a for a, _ in imported.amounts.values())
    parts = [
        f"Realisasi keuangan TW {q} diimpor dari {imported.label}: {len(imported.amounts)} sub kegiatan, "
        f"jumlah {format_rupiah(total)} ({updated} baris diperbarui, {added} baris baru)."
    ]
    notes = [p.text() for p in imported.warnings]
    if unknown:
        notes.append("Sub kegiatan tidak ada di Rencana Aksi, tidak diimpor: " + ", ".join(unknown))
    if notes:
        body = "\n".join(f"- {n}" for n in notes)
        parts.append("Periksa:\n" + body)
        book.app.alert(body, "Impor Realisasi: periksa baris berikut")
    return "\n".join(parts)


def write_sample_export(path: str | Path, amounts: dict[str, float], quarter: int) -> Path:
    """A CSV shaped like SIPD's Laporan Realisasi per Sub Kegiatan (for the demo and the tests):
    title rows, a header row, a kegiatan line, one line per sub kegiatan, a total line."""
    import csv

    path = Path(path)
    month = ("Maret", "Juni", "September", "Desember")[quarter - 1]
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh, delimiter=";")

        class _Padded:  # a spreadsheet's CSV export pads every row to the sheet's width
            @staticmethod
            def writerow(row):
                out.writerow([*row, *[""] * (5 - len(row))])

        w = _Padded()
        w.writerow(["LAPORAN REALISASI ANGGARAN PER SUB KEGIATAN"])
        w.writerow([f"Periode: Januari s.d. {month} 2025"])
        w.writerow([])
        w.writerow(["Kode", "Uraian", "Anggaran", "Realisasi s.d. Bulan Ini", "%"])
        kegiatan = sorted({code.rsplit(".", 1)[0] for code in amounts})
        for keg in kegiatan:
            mine = {c: a for c, a in amounts.items() if c.startswith(keg + ".")}
            w.writerow([keg, "Kegiatan", "", _rp(sum(mine.values())), ""])
            for code, amount in sorted(mine.items()):
                w.writerow([code, f"Sub kegiatan {code}", "", _rp(amount), ""])
        w.writerow(["", "Jumlah", "", _rp(sum(amounts.values())), ""])
    return path


def _rp(value: float) -> str:
    return "Rp " + f"{round(value):,}".replace(",", ".") + ",00"


__all__ = ["read_grids", "read_files", "impor_realisasi_body", "write_sample_export"]
