"""`renaksi-xl rekap FOLDER... --out REKAP.xlsx [--json]`: one summary for a whole Pemda.

Bappeda or the Inspektorat receive every unit's workbook.  This reads each one in a
worker process (a damaged or hostile file costs its own process, never the run) and
summarizes, per unit: the SOP stage and the punctuality of each step, keaslian
(`integrity.verify_book`), the validation result (`validators.validate_book`), the
version, and, where realisasi exists, capaian and serapan per triwulan
(`capaian.Book.summary`, the one definition used everywhere).

Exit codes: 0 every file was read, 1 some are listed under "gagal", 2 unusable input.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import layout
from .errors import InputError

QUARTER_KEYS = ("I", "II", "III", "IV")


@dataclass
class StepStatus:
    """One row of the unit's tblProgres: where the SOP stands and how punctual each step was."""

    langkah: int | None
    uraian: str
    status: str
    ketepatan: str


@dataclass
class UnitSummary:
    file: str
    unit: str | None
    tahun: str | None
    versi: int
    tahap: str | None
    ditetapkan: bool
    keaslian_utuh: bool
    validasi_galat: int
    capaian: dict[str, float | None] = field(default_factory=dict)
    serapan: dict[str, float | None] = field(default_factory=dict)
    keaslian: str = ""
    validasi_peringatan: int = 0
    langkah: list[StepStatus] = field(default_factory=list)
    catatan: int = 0  # chained records in the Log (how far the unit has come)
    sidik_terakhir: str = ""  # the last record's Sidik Rantai

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def key(self) -> tuple[str, str] | None:
        """(unit, year) in a form two copies of one unit's workbook share; None without a unit."""
        if not self.unit:
            return None
        return " ".join(self.unit.split()).casefold(), str(self.tahun or "").strip()


@dataclass
class Failure:
    file: str
    alasan: str


@dataclass
class Rekap:
    units: list[UnitSummary] = field(default_factory=list)
    gagal: list[Failure] = field(default_factory=list)
    dilewati: list[Failure] = field(default_factory=list)  # older copies of a unit already listed

    def to_json(self) -> dict:
        return {
            "units": [u.to_json() for u in self.units],
            "gagal": [asdict(g) for g in self.gagal],
            "dilewati": [asdict(d) for d in self.dilewati],
        }


# --------------------------------------------------------------------------- one workbook
def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def _named(book, name: str) -> Any:
    from .tables import named_range

    try:
        return named_range(book, name).value
    except Exception:  # a workbook from before the name existed: the value is simply unknown
        return None


def _steps(book) -> list[StepStatus]:
    from .tables import read_table

    data = read_table(book, layout.TBL_PROGRES)
    out = []
    for row in data.rows:
        number = row[data.col(layout.H_LANGKAH)]
        out.append(
            StepStatus(
                langkah=int(number) if isinstance(number, int | float) else None,
                uraian=_text(row[data.col("Uraian Prosedur")]) or "",
                status=_text(row[data.col(layout.H_STATUS)]) or "",
                ketepatan=_text(row[data.col("Ketepatan")]) or "",
            )
        )
    return out


def _quarters(book) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Capaian (mean over indicators) and serapan per triwulan, None where nothing was reported."""
    from . import capaian

    capaian_tw: dict[str, float | None] = dict.fromkeys(QUARTER_KEYS)
    serapan_tw: dict[str, float | None] = dict.fromkeys(QUARTER_KEYS)
    data = capaian.read_book(book)
    for k in data.quarters_with_realisasi():
        summary = data.summary(k)
        capaian_tw[QUARTER_KEYS[k - 1]] = capaian.round2(summary.capaian_rata_rata)
        serapan_tw[QUARTER_KEYS[k - 1]] = capaian.round2(summary.serapan)
    return capaian_tw, serapan_tw


def _version(book) -> int:
    value = _named(book, "nmVersi") if "nmVersi" in layout.NAMED_CELLS else None
    try:
        return max(1, int(value if value is not None else ""))  # none: ValueError, version 1
    except (TypeError, ValueError):
        return 1


def summarize_book(book, file: str) -> UnitSummary:
    """The unit's line of the rekap, from an open Book."""
    from .integrity import verify_book
    from .validators import validate_book

    findings = validate_book(book)
    verdict = verify_book(book)
    capaian_tw, serapan_tw = _quarters(book)
    status = _text(_named(book, "nmStatusDokumen"))
    from .tables import read_settings

    settings = read_settings(book)  # Pengaturan is the source; Beranda shows it after an action
    return UnitSummary(
        file=file,
        unit=_text(settings.get(layout.SET_UNIT)) or _text(_named(book, "nmUnit")),
        tahun=_text(settings.get(layout.SET_TAHUN)) or _text(_named(book, "nmTahun")),
        versi=_version(book),
        tahap=_text(_named(book, "nmTahap")),
        ditetapkan=status == layout.STATUS_DITETAPKAN,
        keaslian_utuh=verdict.ok,
        validasi_galat=sum(1 for f in findings if f.severity == "error"),
        validasi_peringatan=sum(1 for f in findings if f.severity == "warning"),
        capaian=capaian_tw,
        serapan=serapan_tw,
        keaslian=verdict.summary(),
        langkah=_steps(book),
        catatan=verdict.log_records,
        sidik_terakhir=verdict.last_chain,
    )


def summarize_file(path: str) -> UnitSummary | Failure:
    """One file, in a worker process; every problem becomes a Failure with an Indonesian reason."""
    from . import headless
    from .validate import _encryption_message

    p = Path(path)
    encrypted = _encryption_message(p)
    if encrypted:
        return Failure(path, encrypted)
    try:
        with headless.remote_book(headless.payload_from_file(p)) as book:
            return summarize_book(book, path)
    except InputError as exc:
        return Failure(path, exc.message)
    except MemoryError:
        return Failure(path, f"Berkas '{p.name}' terlalu besar untuk dibaca.")
    except Exception as exc:  # a damaged file is listed with its reason; it never stops the run
        return Failure(
            path,
            f"Berkas '{p.name}' tidak bisa dibaca ({type(exc).__name__}). Buka dan simpan ulang di Excel.",
        )


# --------------------------------------------------------------------------- many workbooks
def collect(inputs: list[str], exclude: Path | None) -> list[Path]:
    """Workbooks named, and those under folders named (recursively, sorted); InputError if none."""
    from .validate import WORKBOOK_SUFFIXES

    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in WORKBOOK_SUFFIXES
                and not p.name.startswith(("~$", ".~"))
                and (exclude is None or p.resolve() != exclude)
            )
            if not found:
                raise InputError(f"Folder '{path}' tidak berisi buku kerja .xlsm atau .xlsx.")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"'{path}' tidak ditemukan (bukan berkas, bukan folder).")
    return files


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes; forked where the platform allows, so they inherit the warm imports."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if "fork" in methods else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def rekap_files(files: list[Path], workers: int | None = None, progress=None) -> Rekap:
    """Summaries of every file, in the order given; worker processes when there is more than one file.

    The first file is read here, which also imports pandas, pandera and xlwings and builds the
    validators' schemas once: forked workers start warm instead of each paying for it."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(files)))
    results: dict[int, UnitSummary | Failure] = {}

    def done(i: int, result: UnitSummary | Failure) -> None:
        results[i] = result
        if progress:
            progress.step(len(results), files[i].name)

    if files:
        done(0, summarize_file(str(files[0])))
    if workers == 1 or len(files) < 3:
        for i in range(1, len(files)):
            done(i, summarize_file(str(files[i])))
    else:
        with _pool(workers) as pool:
            futures = {pool.submit(summarize_file, str(f)): i for i, f in enumerate(files) if i}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    done(i, future.result())
                except Exception as exc:  # the worker itself died (killed, out of memory)
                    reason = f"Pembacaan berkas terhenti ({type(exc).__name__}); periksa berkasnya."
                    done(i, Failure(str(files[i]), reason))
    out = Rekap()
    for i in range(len(files)):
        r = results[i]
        if isinstance(r, Failure):
            out.gagal.append(r)
        else:
            out.units.append(r)
    return one_per_unit(out)


def one_per_unit(result: Rekap) -> Rekap:
    """One line per unit and year: of several files of the same unit (hand-off copies, the copy of
    an earlier version), the one furthest along (highest version, then most chained records);
    the others are listed under `dilewati` with the file that stands for them."""
    best: dict[tuple[str, str], UnitSummary] = {}
    for u in result.units:
        if u.key is not None and (
            u.key not in best or (u.versi, u.catatan) > (best[u.key].versi, best[u.key].catatan)
        ):
            best[u.key] = u
    kept = []
    for u in result.units:
        chosen = best.get(u.key) if u.key is not None else None
        if chosen is None or chosen is u:
            kept.append(u)
            continue
        stage = f"versi {u.versi}, {u.catatan} catatan"
        if (u.versi, u.catatan, u.sidik_terakhir) == (chosen.versi, chosen.catatan, chosen.sidik_terakhir):
            what = f"salinan yang sama ({stage})"
        elif (u.versi, u.catatan) < (chosen.versi, chosen.catatan):
            what = f"salinan lebih awal ({stage})"
        else:  # as far along, another chain: two people went on from one copy
            what = f"salinan lain dengan catatan berbeda ({stage}; periksa mana yang berlaku)"
        result.dilewati.append(
            Failure(
                u.file,
                f"{what} dari {u.unit} ({u.tahun or '-'}); yang direkap: {Path(chosen.file).name} "
                f"(versi {chosen.versi}, {chosen.catatan} catatan).",
            )
        )
    result.units = kept
    return result


def cmd_rekap(args) -> int:
    """`renaksi-xl rekap FOLDER... --out REKAP.xlsx [--json]`: 0 all read, 1 some failed, 2 unusable."""
    from .rekap_book import write_rekap_book
    from .validate import _Progress

    out = Path(args.out).resolve() if args.out else None
    if out is None and not args.json:
        raise InputError("Sebutkan berkas hasil dengan --out REKAP.xlsx (atau pakai --json).")
    if out is not None and out.suffix.lower() != ".xlsx":
        raise InputError(f"Berkas hasil '{args.out}' harus berakhiran .xlsx.")
    files = collect(list(args.folders), exclude=out)
    if out is not None and any(out == f.resolve() for f in files):
        raise InputError(
            f"Berkas hasil '{args.out}' adalah salah satu buku kerja yang dibaca; pilih nama lain."
        )
    result = rekap_files(files, workers=args.workers, progress=_Progress(len(files)))
    if out is not None:
        write_rekap_book(result, out)
        print(f"Rekap ditulis: {out}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text(result))
    return 1 if result.gagal else 0


def render_text(result: Rekap) -> str:
    lines = [f"{len(result.units)} buku kerja terbaca, {len(result.gagal)} gagal dibaca."]
    if result.dilewati:
        lines[0] += f" {len(result.dilewati)} salinan dilewati (unit yang sama; lihat di bawah)."
    for u in result.units:
        status = layout.STATUS_DITETAPKAN if u.ditetapkan else layout.STATUS_DRAF
        keaslian = "utuh" if u.keaslian_utuh else "TIDAK UTUH"
        lines.append(
            f"- {u.unit or Path(u.file).name} ({u.tahun or '-'}), versi {u.versi}: {status}, "
            f"{u.tahap or 'belum mulai'}; keaslian {keaslian}; {u.validasi_galat} galat validasi."
        )
    for g in result.gagal:
        lines.append(f"- GAGAL {g.file}: {g.alasan}")
    for d in result.dilewati:
        lines.append(f"- DILEWATI {d.file}: {d.alasan}")
    return "\n".join(lines)
