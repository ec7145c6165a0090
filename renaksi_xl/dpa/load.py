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
from .numbers import format_rupiah
from .parse import parse_grids
from .readers import ReadError, grids_from_impor, impor_values, read_path

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


def result_from_grids(grids: list[Grid], file: str) -> DpaResult:
    """Parse grids; DpaError (with every blocking problem) when unusable."""
    f = Findings()
    parsed, formats = parse_grids(grids, f)
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


def read_dpa(path: str | Path) -> DpaResult:
    """Read one DPA/RKA file (SIPD .xlsx, template .xlsx, CSV) into normalized records."""
    path = Path(path)
    try:
        grids = read_path(path)
    except ReadError as exc:
        raise DpaError([exc.problem], file=path.name) from None
    return result_from_grids(grids, path.name)


def read_dpa_files(paths: Sequence[str | Path]) -> DpaResult:
    """Several files (e.g. one per program) as one table; duplicates across files are errors."""
    grids: list[Grid] = []
    problems: list[Problem] = []
    for p in paths:
        try:
            grids.extend(read_path(Path(p)))
        except ReadError as exc:
            problems.append(exc.problem)
    label = ", ".join(Path(p).name for p in paths)
    if problems:
        raise DpaError(problems, file=label)
    return result_from_grids(grids, label)


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


SETTING_SEPARATOR = " | "


def _source_for(book, ctx) -> tuple[DpaResult, str]:
    """(result, value for the 'Berkas DPA Terakhir' setting) from the first usable source."""
    from .. import tables

    files = list(getattr(ctx, "files", None) or [])
    if files:
        result = read_dpa_files(files)
        # Only the names: the workbook travels by email, and a folder of this
        # machine means nothing (and tells too much) on the recipient's.
        return result, SETTING_SEPARATOR.join(Path(p).name for p in files)
    last = tables.read_settings(book).get(layout.SET_FILE_DPA)
    paths = _last_files(book, str(last or ""))
    if paths and all(p.is_file() for p in paths):
        return read_dpa_files(paths), SETTING_SEPARATOR.join(p.name for p in paths)
    grids = grids_from_impor(impor_values(book))
    if not grids:
        raise InputError(
            "Belum ada berkas DPA untuk ditarik: tidak ada berkas yang dipilih, berkas DPA terakhir "
            f"('{last or '-'}') tidak ada di folder buku kerja ini, dan lembar '{layout.SHEET_IMPOR}' kosong. "
            "Pilih berkas DPA Rincian Belanja (.xlsx) atau templat impor DPA, lalu ulangi.",
            where=layout.SHEET_IMPOR,
        )
    files_seen = list(dict.fromkeys(g.source.file for g in grids))
    label = ", ".join(files_seen)
    return result_from_grids(grids, label), label


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

    result, setting = _source_for(book, ctx)
    tables.write_table(book, layout.TBL_DPA, [record_row(r) for r in result.records])
    tables.write_setting(book, layout.SET_FILE_DPA, setting)
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
