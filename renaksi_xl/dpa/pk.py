"""The Perjanjian Kinerja (PK) template -> tblKinerja rows.

The template has the `tblKinerja` headers in one row (found within the first
rows of any sheet, like the DPA template).  Quarterly targets may be left
blank: they are then derived from `Sifat Target` exactly as Susun Draft does
for sub kegiatan (an even quarterly schedule, since a PK has no cash plan).
"""

from __future__ import annotations

from pathlib import Path

from .. import layout
from .grid import DpaError, Grid, Problem, is_blank, norm
from .numbers import ambiguity_hint, parse_number
from .readers import ReadError, read_path

HEADERS = {norm(h): h for h in layout.table(layout.TBL_KINERJA).headers}
REQUIRED = ("Indikator Kinerja", "Satuan", "Target Tahunan", "Sifat Target")
SIFAT = {norm(s): s for s in layout.SIFAT_TARGET}


def _header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(grid.rows[:30]):
        cols = {}
        for k, v in enumerate(row):
            h = HEADERS.get(norm(v))
            if h is not None and h not in cols:
                cols[h] = k
        if "Indikator Kinerja" in cols and "Target Tahunan" in cols:
            return r, cols
    return None


def _arah(value, indikator: str, where: str, problems: list[Problem]) -> str | None:
    """The optional Arah column: Naik or Turun (empty: Naik, left empty)."""
    text = norm(value) if isinstance(value, str) else ""
    if is_blank(value):
        return None
    arah = next((a for a in layout.ARAH if norm(a) == text), None)
    if arah is None:
        problems.append(
            Problem(f"Arah indikator '{indikator}' harus Naik atau Turun, bukan '{value}'.", where)
        )
    return arah


def read_pk_grids(grids: list[Grid], label: str) -> list[list]:
    """tblKinerja rows (layout order); DpaError naming every bad cell."""
    from ..plan import target_schedule

    problems: list[Problem] = []
    out: list[list] = []
    found = False
    for grid in grids:
        head = _header(grid)
        if head is None:
            continue
        found = True
        hr, cols = head
        src = grid.source
        missing = [h for h in REQUIRED if h not in cols]
        if missing:
            problems.append(
                Problem(
                    "Templat PK tidak memiliki kolom: " + ", ".join(f"'{m}'" for m in missing) + ".",
                    src.where(hr),
                )
            )
            continue
        for r in range(hr + 1, len(grid.rows)):
            row = list(grid.rows[r]) + [None] * 20

            def get(h, row=row, cols=cols):
                return row[cols[h]] if h in cols else None

            if all(is_blank(get(h)) for h in cols):
                continue
            indikator = str(get("Indikator Kinerja") or "").strip()
            if not indikator:
                problems.append(
                    Problem(
                        "Indikator kinerja kosong pada baris yang berisi data.",
                        src.where(r, cols["Indikator Kinerja"]),
                    )
                )
                continue
            try:
                annual = parse_number(get("Target Tahunan"))
            except ValueError:
                annual = None
            if annual is None:
                problems.append(
                    Problem(
                        f"Target tahunan indikator '{indikator}' bukan angka: "
                        f"'{get('Target Tahunan') or ''}'.",
                        src.where(r, cols["Target Tahunan"]),
                    )
                )
                continue
            sifat = SIFAT.get(norm(get("Sifat Target")))
            if sifat is None:
                problems.append(
                    Problem(
                        f"Sifat target '{get('Sifat Target') or ''}' tidak dikenal; isi salah satu: "
                        + ", ".join(layout.SIFAT_TARGET)
                        + ".",
                        src.where(r, cols["Sifat Target"]),
                    )
                )
                continue
            satuan = str(get("Satuan") or "").strip()
            default = target_schedule(annual, sifat, satuan)
            tw = []
            for q, h in enumerate(layout.TARGET_TW):
                value = get(h)
                try:
                    number = parse_number(value)
                except ValueError as exc:
                    problems.append(
                        Problem(
                            f"{h} indikator '{indikator}' bukan angka: '{value}'.{ambiguity_hint(exc)}",
                            src.where(r, cols[h]),
                        )
                    )
                    number = None
                tw.append(default[q] if number is None else number)
            out.append(
                [
                    str(get("Sasaran Strategis") or "").strip() or None,
                    indikator,
                    satuan or None,
                    annual,
                    sifat,
                    *tw,
                    str(get("Penanggung Jawab") or "").strip() or None,
                    _arah(get(layout.H_ARAH), indikator, src.where(r, cols.get(layout.H_ARAH)), problems),
                ]
            )
    if not found:
        problems.append(
            Problem(
                "Tidak ditemukan baris judul templat PK ('Indikator Kinerja', 'Target Tahunan', "
                "'Sifat Target', ...). Pakai templat Perjanjian Kinerja dari workbook/templates.",
                label,
            )
        )
    if problems:
        raise DpaError(problems, file=label, what="PK")
    if not out:
        raise DpaError([Problem("Templat PK tidak berisi satu pun indikator.", label)], file=label, what="PK")
    return out


def read_pk_files(paths: list[str | Path]) -> tuple[list[list], str]:
    grids: list[Grid] = []
    label = ", ".join(Path(p).name for p in paths)
    for p in paths:
        try:
            grids.extend(read_path(Path(p)))
        except ReadError as exc:
            raise DpaError([exc.problem], file=Path(p).name, what="PK") from None
    return read_pk_grids(grids, label), label
