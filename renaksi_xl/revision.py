"""Rencana Aksi Perubahan: `revisi` opens version n+1 of a plan that was DITETAPKAN.

After an APBD Perubahan the unit receives a DPPA and must revise its Rencana Aksi. The
approver of the SOP's penetapan step signs `revisi` with a reason (e.g. "DPPA 2025"); the
workflow then treats the plan like a return (`kembalikan`), but from the SOP's `data` step
on, and the version number goes up (renaksi_xl.workflow.reset_from). The records of the old
version stay in the Log, chained and verifiable.

So that the PDF of a revised plan can show what changed, the approved plan is kept on the
hidden sheet `_Versi` in two tables with the plan's columns:

- `tblRencanaDitetapkan`: written by `tetapkan`, a copy of tblRencanaAksi as it was signed;
- `tblRencanaVersiLalu`: written by `revisi`, the approved plan of the version just closed
  (copied from tblRencanaDitetapkan, so a plan edited after its penetapan still compares
  with what was signed).

Neither is a plan table, so neither enters the records' Sidik Isi. Both are checked against
the chain instead: their canonical digest, computed as if they were tblRencanaAksi, must equal
the tblRencanaAksi digest stored in the penetapan record they copy (integrity.verify_book).
A changed copy is therefore reported, and a reviewer can trust the comparison.
"""

from __future__ import annotations

from dataclasses import replace

from . import layout, tables
from .context import ActionContext
from .errors import Refused
from .integrity import LogRow, parse_content_text, table_digest

ACTION_REVISI = layout.ACTION_REVISI


def record_versions(records: list[LogRow]) -> list[int]:
    """The version of each chained record: 1, and n+1 from the n-th `revisi` record on
    (the revisi record opens the version it belongs to)."""
    out, version = [], 1
    for r in records:
        if r.action == ACTION_REVISI:
            version += 1
        out.append(version)
    return out


def _as_plan(data: tables.TableData) -> tables.TableData:
    """A copy table read as if it were tblRencanaAksi (same columns): its digest is comparable."""
    return replace(data, spec=layout.table(layout.TBL_RENCANA))


def copy_digest(book, name: str) -> str | None:
    """The tblRencanaAksi-style digest of a copy table; None when the workbook lacks it."""
    if layout.SHEET_VERSI not in {s.name for s in book.sheets}:
        return None
    return table_digest(_as_plan(tables.read_table(book, name)))


def copy_rows(book, name: str) -> list[list] | None:
    if layout.SHEET_VERSI not in {s.name for s in book.sheets}:
        return None
    return tables.read_table(book, name).rows


def _plan_copy(book) -> tuple[list[list], str, str]:
    """The plan's rows in the layout's columns, the digest of that copy, and the plan's digest."""
    plan = tables.read_table(book, layout.TBL_RENCANA)
    headers = layout.table(layout.TBL_RENCANA).headers
    # A column the workbook lacks (an optional one added later) is copied as empty.
    where = [plan.col(h) if h in plan.header else None for h in headers]
    rows = [[None if i is None else r[i] for i in where] for r in plan.rows]
    copy = tables.TableData(layout.table(layout.TBL_RENCANA), list(headers), rows, list(plan.excel_rows), 1)
    return rows, table_digest(copy), table_digest(plan)


def keep_approved_copy(book) -> None:
    """After `tetapkan`: copy the signed plan to tblRencanaDitetapkan (older workbooks: skipped).

    A plan with a filled column of its own (not in the layout) cannot be copied faithfully;
    the copy is then left empty and `revisi` falls back to the plan itself (see there)."""
    if layout.SHEET_VERSI not in {s.name for s in book.sheets}:
        return
    rows, copy, plan = _plan_copy(book)
    tables.write_table(book, layout.TBL_RENCANA_DITETAPKAN, rows if copy == plan else [])


def approved_digest(record: LogRow) -> str | None:
    return (parse_content_text(record.get("Sidik Isi")) or {}).get(layout.TBL_RENCANA)


def _snapshot_rows(book, penetapan: LogRow) -> list[list]:
    """The approved plan of the version being closed, verified against its penetapan record."""
    signed = approved_digest(penetapan)
    kept = copy_rows(book, layout.TBL_RENCANA_DITETAPKAN)
    if kept and copy_digest(book, layout.TBL_RENCANA_DITETAPKAN) == signed:
        return [list(r) for r in kept]
    rows, copy, plan = _plan_copy(book)
    if plan == signed and copy == signed:
        return rows
    raise Refused(
        f"Rencana Aksi Perubahan tidak bisa dibuka: salinan Rencana Aksi yang ditetapkan (lembar "
        f"tersembunyi '{layout.SHEET_VERSI}', tabel {layout.TBL_RENCANA_DITETAPKAN}) tidak ada atau "
        "tidak cocok dengan sidik penetapan, dan isi tabel "
        f"{layout.TBL_RENCANA} sudah berubah sejak ditetapkan. Kembalikan isi Rencana Aksi seperti "
        "saat ditetapkan (bandingkan dengan salinan yang ditetapkan: renaksi-xl diff), lalu ulangi."
    )


def revisi(book, ctx: ActionContext) -> str:
    """The `revisi` action: the penetapan step's approver opens the next version, with a reason."""
    from .workflow import book_sop, perform, state_of

    def body(book, ctx) -> str | None:
        if layout.SHEET_VERSI not in {s.name for s in book.sheets}:
            raise Refused(
                f"Buku kerja ini dibuat sebelum ada Rencana Aksi Perubahan (tidak ada lembar "
                f"'{layout.SHEET_VERSI}'). Minta admin membangun buku kerja baru (renaksi-xl build) "
                "lalu salin isinya, atau susun Rencana Aksi Perubahan di buku kerja baru."
            )
        s = book_sop(book, ctx)
        state = state_of(book, s)
        penetapan = state.done[s.number_of_steps]
        tables.write_table(book, layout.TBL_RENCANA_LALU, _snapshot_rows(book, penetapan))
        return None

    return perform(book, ACTION_REVISI, ctx, body)


def snapshot_problems(book, records: list[LogRow]) -> list[str]:
    """What is wrong with the copies on `_Versi` (Indonesian), judged by the chain."""
    problems: list[str] = []
    versions = record_versions(records)
    last_revisi = max((i for i, r in enumerate(records) if r.action == ACTION_REVISI), default=None)
    where = f"lembar tersembunyi '{layout.SHEET_VERSI}'"
    if last_revisi is not None:
        before = [r for r in records[:last_revisi] if r.action == layout.ACTION_TETAPKAN]
        old = versions[last_revisi] - 1
        digest = copy_digest(book, layout.TBL_RENCANA_LALU)
        if not before:
            problems.append(f"Catatan revisi (versi {old + 1}) tidak didahului penetapan versi {old}.")
        elif digest is None:
            problems.append(f"Salinan Rencana Aksi versi {old} tidak ada ({where} hilang).")
        elif digest != approved_digest(before[-1]):
            problems.append(
                f"Salinan Rencana Aksi versi {old} ({where}, tabel {layout.TBL_RENCANA_LALU}) tidak "
                f"cocok dengan sidik penetapan versi {old}: salinan pembanding diubah."
            )
    tetapkan = [r for r in records if r.action == layout.ACTION_TETAPKAN]
    kept = copy_rows(book, layout.TBL_RENCANA_DITETAPKAN)
    if tetapkan and kept:
        if copy_digest(book, layout.TBL_RENCANA_DITETAPKAN) != approved_digest(tetapkan[-1]):
            v = versions[records.index(tetapkan[-1])]
            problems.append(
                f"Salinan Rencana Aksi yang ditetapkan ({where}, tabel {layout.TBL_RENCANA_DITETAPKAN}) "
                f"tidak cocok dengan sidik penetapan versi {v}: salinan diubah."
            )
    return problems


def previous_plan(book):
    """(version, TableData as tblRencanaAksi) of the previous version's approved plan, or None."""
    from .integrity import read_log, records_of

    records = records_of(read_log(book))
    versions = record_versions(records)
    if not versions or versions[-1] == 1 or copy_rows(book, layout.TBL_RENCANA_LALU) is None:
        return None
    return versions[-1] - 1, _as_plan(tables.read_table(book, layout.TBL_RENCANA_LALU))
