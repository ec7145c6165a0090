"""Read DPA sources into normalized records, and the bodies of the DPA buttons.

`tarik_dpa_body` and `impor_kinerja_body` are plain functions over an
`xlwings.Book`; the workflow layer wraps them with the SOP role/order checks
and the records.  They raise `InputError` before writing anything when the
source is unusable, so the workbook stays exactly as it was.

Non-blocking warnings are part of the returned summary text (one line each);
the caller decides whether to show them in an alert, the Log, or the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import layout
from ..errors import InputError
from .grid import DpaError, Findings, Grid, Problem
from .numbers import format_rupiah, same_amount
from .parse import parse_grids
from .rak import is_rak, parse_rak
from .readers import IMPOR_MARKER_KAS, ReadError, grids_from_impor, impor_values, read_path

FORMAT_LABEL = {"sipd": "DPA Rincian Belanja (SIPD)", "templat": "templat impor DPA"}


@dataclass
class DpaResult:
    file: str
    records: list[dict]
    warnings: list[Problem] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    wheres: list[str] = field(default_factory=list)  # cell of each record's code

    @property
    def total_pagu(self):
        return sum(r["pagu"] for r in self.records)

    def to_json(self) -> dict:
        """The `renaksi-xl dpa --json` contract."""
        return {
            "file": self.file,
            "sub_kegiatan": self.records,
            "total_pagu": self.total_pagu,
            "warnings": [w.as_dict() for w in self.warnings],
        }

    def format_label(self) -> str:
        kinds = sorted(set(self.formats))
        return " dan ".join(FORMAT_LABEL[k] for k in kinds)


def result_from_grids(grids: list[Grid], file: str, kas_grids: list[Grid] | None = None) -> DpaResult:
    """Parse grids (and the Anggaran Kas grids, if given); DpaError with every blocking problem."""
    f = Findings()
    rak_inside = [g for g in grids if is_rak(g)]
    grids = [g for g in grids if not is_rak(g)]
    parsed, formats = parse_grids(grids, f)
    if kas_grids is None and rak_inside:
        kas_grids = rak_inside  # the DPA workbook carries its Anggaran Kas sheet
    if not formats:
        sheets = ", ".join(f"'{g.source.sheet}'" for g in grids if g.source.sheet) or "-"
        raise DpaError(
            [
                Problem(
                    "Tidak ditemukan label DPA Rincian Belanja ('Program', 'Kegiatan', 'Sub Kegiatan', 'Kode Rekening', "
                    "'Rencana Penarikan Dana per Bulan') maupun baris judul templat impor ('Kode Sub Kegiatan', "
                    f"'Pagu (Rp)') di lembar mana pun (lembar yang diperiksa: {sheets}). Pastikan ini ekspor DPA "
                    "Rincian Belanja dari SIPD, atau pakai templat impor DPA.",
                    file,
                )
            ],
            file=file,
        )
    plans = None
    if kas_grids is not None and parsed:
        plans = parse_rak(kas_grids, f)
        if not plans and not f.errors:
            label = ", ".join(dict.fromkeys(g.source.file for g in kas_grids)) or "-"
            f.error(
                "Berkas anggaran kas tidak berbentuk formulir Anggaran Kas SIPD: tidak ditemukan baris judul "
                "dua belas bulan (Januari s.d. Desember) dengan baris 'JUMLAH ALOKASI KAS PER BULAN' di bawahnya.",
                label,
            )
        else:
            apply_rak(parsed, plans, f)
    for p in parsed:
        if not p.cash_found and (plans is None or p.record["kode_sub_kegiatan"] not in plans):
            f.warn(
                f"Sub kegiatan {p.record['kode_sub_kegiatan']}: rencana penarikan dana per bulan tidak "
                "ditemukan; Susun Draft akan membagi pagu rata per triwulan. Sertakan Anggaran Kas (RAK) "
                "bila ada.",
                p.where,
            )
    if f.errors:
        raise DpaError(f.errors, file=file)
    if not parsed:
        raise DpaError(
            [
                Problem(
                    "Tidak ada satu pun sub kegiatan di berkas ini (label dan judul kolom ada, "
                    "tetapi barisnya kosong).",
                    file,
                )
            ],
            file=file,
        )
    return DpaResult(file, [p.record for p in parsed], f.warnings, formats, [p.where for p in parsed])


def apply_rak(parsed: list, plans: dict, f: Findings) -> None:
    """The RAK's monthly plan replaces the DPA's; it must add up to each pagu (else an error)."""
    codes = set()
    for p in parsed:
        rec = p.record
        code = rec["kode_sub_kegiatan"]
        codes.add(code)
        plan = plans.get(code)
        if plan is None:
            f.error(
                f"Sub kegiatan {code} tidak ada di anggaran kas (RAK); anggaran kas tiap sub kegiatan DPA harus "
                "ada. Pastikan RAK yang dipilih untuk unit dan tahun yang sama.",
                p.where,
            )
            continue
        kas = plan.kas
        if not same_amount(sum(kas), rec["pagu"]):
            f.error(
                f"Sub kegiatan {code}: anggaran kas (RAK) berjumlah {format_rupiah(sum(kas))}, tidak sama dengan "
                f"pagu DPA {format_rupiah(rec['pagu'])} ({p.where}); selisih {format_rupiah(sum(kas) - rec['pagu'])}. "
                "Perbaiki anggaran kas agar jumlahnya sama dengan pagu.",
                plan.where,
            )
            continue
        if p.cash_found and any(not same_amount(a, b) for a, b in zip(kas, rec["kas"])):
            f.warn(
                f"Sub kegiatan {code}: rencana penarikan dana di DPA berbeda dengan anggaran kas (RAK); yang "
                "dipakai anggaran kas (RAK).",
                plan.where,
            )
        rec["kas"] = kas
    for code, plan in plans.items():
        if code not in codes:
            f.warn(
                f"Sub kegiatan {code} ada di anggaran kas (RAK) tetapi tidak ada di DPA; diabaikan.",
                plan.where,
            )


def _grids(paths: Sequence[str | Path]) -> list[Grid]:
    grids: list[Grid] = []
    problems: list[Problem] = []
    for p in paths:
        try:
            grids.extend(read_path(Path(p)))
        except ReadError as exc:
            problems.append(exc.problem)
    if problems:
        raise DpaError(problems, file=", ".join(Path(p).name for p in paths))
    return grids


def read_dpa(path: str | Path, kas: str | Path | None = None) -> DpaResult:
    """Read one DPA/DPPA/RKA file (SIPD .xlsx or PDF, template .xlsx, CSV) into normalized records.

    `kas`: the Anggaran Kas (RAK) form; its monthly plan replaces the DPA's.
    """
    return read_dpa_files([path], [kas] if kas else None)


def read_dpa_files(paths: Sequence[str | Path], kas: Sequence[str | Path] | None = None) -> DpaResult:
    """Several files (e.g. one per program) as one table; duplicates across files are errors."""
    grids = _grids(paths)
    kas_grids = _grids(kas) if kas else None
    return result_from_grids(grids, ", ".join(Path(p).name for p in paths), kas_grids)


def record_row(rec: dict) -> list:
    """A normalized record as a tblDPA row (layout.DPA_COLUMNS order)."""
    return [
        rec["kode_sub_kegiatan"],
        rec["sub_kegiatan"],
        rec["kode_kegiatan"],
        rec["kegiatan"],
        rec["kode_program"],
        rec["program"],
        rec["indikator_keluaran"],
        rec["target_keluaran"],
        rec["satuan"],
        rec["sumber_dana"],
        rec["lokasi"],
        rec["pagu"],
        *rec["kas"],
    ]


def record_rows(rec: dict) -> list[list]:
    """tblDPA rows of one record: the first carries the pagu and the cash plan; each further
    Keluaran indicator gets a row of its own with the same codes and names and no money,
    so a sum over the Pagu column counts every sub kegiatan once."""
    first = record_row(rec)
    rows = [first]
    money_from = layout.DPA_COLUMNS.index(next(c for c in layout.DPA_COLUMNS if c.header == layout.H_PAGU))
    ind = layout.DPA_COLUMNS.index(
        next(c for c in layout.DPA_COLUMNS if c.header == layout.H_INDIKATOR_KELUARAN)
    )
    for k in rec.get("keluaran", [])[1:]:
        row = first[:money_from] + [None] * (len(first) - money_from)
        row[ind : ind + 3] = [k["indikator"], k["target"], k["satuan"]]
        rows.append(row)
    return rows


SETTING_SEPARATOR = " | "


def _kas_source(book, ctx, settings: dict, impor: list | None) -> tuple[list[Grid] | None, str]:
    """The Anggaran Kas (RAK) grids and the 'Berkas Anggaran Kas Terakhir' value: chosen files,
    else the last RAK file if it exists here, else sheets pasted under IMPOR_MARKER_KAS, else none."""
    files = list(getattr(ctx, "kas_files", None) or [])
    if files:
        return _grids(files), SETTING_SEPARATOR.join(Path(p).name for p in files)
    if getattr(ctx, "files", None):
        return None, ""  # a new DPA chosen without a RAK: the old RAK does not belong to it
    paths = _last_files(book, str(settings.get(layout.SET_FILE_KAS) or ""))
    if paths and all(p.is_file() for p in paths):
        return _grids(paths), SETTING_SEPARATOR.join(p.name for p in paths)
    grids = grids_from_impor(impor if impor is not None else impor_values(book), IMPOR_MARKER_KAS)
    if grids:
        return grids, ", ".join(dict.fromkeys(g.source.file for g in grids))
    return None, ""


def _source_for(book, ctx) -> tuple[DpaResult, str, str]:
    """(result, 'Berkas DPA Terakhir' value, 'Berkas Anggaran Kas Terakhir' value).

    The settings keep only the file names: the workbook travels by email, and a
    folder of this machine means nothing (and tells too much) on the recipient's.
    """
    from .. import tables

    settings = tables.read_settings(book)
    files = list(getattr(ctx, "files", None) or [])
    if files:
        kas, kas_setting = _kas_source(book, ctx, settings, None)
        result = result_from_grids(_grids(files), ", ".join(Path(p).name for p in files), kas)
        return result, SETTING_SEPARATOR.join(Path(p).name for p in files), kas_setting
    last = settings.get(layout.SET_FILE_DPA)
    paths = _last_files(book, str(last or ""))
    if paths and all(p.is_file() for p in paths):
        kas, kas_setting = _kas_source(book, ctx, settings, None)
        result = result_from_grids(_grids(paths), ", ".join(p.name for p in paths), kas)
        return result, SETTING_SEPARATOR.join(p.name for p in paths), kas_setting
    impor = impor_values(book)
    grids = grids_from_impor(impor)
    if not grids:
        raise InputError(
            "Belum ada berkas DPA untuk ditarik: tidak ada berkas yang dipilih, berkas DPA terakhir "
            f"('{last or '-'}') tidak ada di folder buku kerja ini, dan lembar '{layout.SHEET_IMPOR}' kosong. "
            "Pilih berkas DPA Rincian Belanja (.xlsx) atau templat impor DPA, lalu ulangi.",
            where=layout.SHEET_IMPOR,
        )
    files_seen = list(dict.fromkeys(g.source.file for g in grids))
    label = ", ".join(files_seen)
    kas, kas_setting = _kas_source(book, ctx, settings, impor)
    return result_from_grids(grids, label, kas), label, kas_setting


def _last_files(book, setting: str) -> list[Path]:
    """The files the 'Berkas DPA Terakhir' setting names: file names beside the
    workbook (full paths, as older workbooks stored them, as they are).  A book
    without a folder of this machine (server mode) has no last files."""
    names = [p.strip() for p in setting.split(SETTING_SEPARATOR) if p.strip()]
    book_path = Path(str(book.fullname or ""))
    out = []
    for name in names:
        path = Path(name)
        if not path.is_absolute():
            if not book_path.is_absolute():
                return []
            path = book_path.parent / path
        out.append(path)
    return out


def summary_line(result: DpaResult) -> str:
    text = (
        f"{len(result.records)} sub kegiatan dari {result.file} ({result.format_label()}), "
        f"total pagu {format_rupiah(result.total_pagu)}."
    )
    changed = [r for r in result.records if r.get("pagu_sebelum") is not None]
    if changed:
        before = sum(r["pagu_sebelum"] for r in changed)
        moved = [r for r in changed if r["pagu_sebelum"] != r["pagu"]]
        text += (
            f" DPPA (perubahan): pagu dipakai 'Setelah Perubahan'; total sebelum perubahan "
            f"{format_rupiah(before)}, {len(moved)} sub kegiatan berubah pagu"
        )
        if moved:
            shown = [
                f"{r['kode_sub_kegiatan']} {format_rupiah(r['pagu_sebelum'])} menjadi {format_rupiah(r['pagu'])}"
                for r in moved[:20]
            ]
            text += ": " + "; ".join(shown) + ("; ..." if len(moved) > 20 else "")
        text += "."
    several = sum(1 for r in result.records if len(r.get("keluaran", [])) > 1)
    if several:
        text += (
            f" {several} sub kegiatan memiliki lebih dari satu indikator keluaran (satu baris per indikator)."
        )
    if result.warnings:
        text += f" {len(result.warnings)} peringatan:"
        text += "".join(f"\n- {w.text()}" for w in result.warnings)
    return text


def tarik_dpa_body(book, ctx) -> str:
    """Fill tblDPA from ctx.files, else the last DPA file if it exists here, else the Impor sheet.

    Raises InputError (nothing written) when the source is unusable.  Returns
    the Indonesian summary: count, total pagu, then one line per warning.
    """
    from .. import tables

    result, setting, kas_setting = _source_for(book, ctx)
    tables.write_table(book, layout.TBL_DPA, [row for r in result.records for row in record_rows(r)])
    tables.write_setting(book, layout.SET_FILE_DPA, setting)
    if layout.SET_FILE_KAS in tables.read_settings(book):  # workbooks built before the setting lack it
        tables.write_setting(book, layout.SET_FILE_KAS, kas_setting)
    return summary_line(result)


def impor_kinerja_body(book, ctx) -> str:
    """Fill tblKinerja from the PK template (ctx.files, else the Impor sheet)."""
    from .. import tables
    from .pk import read_pk_files, read_pk_grids

    files = list(getattr(ctx, "files", None) or [])
    if files:
        rows, label = read_pk_files(files)
    else:
        grids = grids_from_impor(impor_values(book))
        if not grids:
            raise InputError(
                f"Belum ada berkas PK untuk diimpor: tidak ada berkas yang dipilih dan lembar "
                f"'{layout.SHEET_IMPOR}' kosong. Pilih templat Perjanjian Kinerja (.xlsx/.csv), lalu ulangi.",
                where=layout.SHEET_IMPOR,
            )
        label = ", ".join(dict.fromkeys(g.source.file for g in grids))
        rows = read_pk_grids(grids, label)
    tables.write_table(book, layout.TBL_KINERJA, rows)
    return f"{len(rows)} indikator kinerja (PK) diimpor dari {label}."
