"""The end of the record chain, anchored: a chain cut short does not read as intact.

Each record is chained to the one before it, so removing records from the
*middle* of the Log breaks the next record's Sidik Rantai.  Removing the *last*
records (Log rows and step-sheet rows together) leaves a shorter chain that is
still consistent.  The workbook itself says how far the SOP went, in three
places every record writes:

- Beranda `nmJumlahCatatan` / `nmSidikTerakhir`: the number of records and the
  last record's Sidik Rantai (also printed in the PDF, so the paper copy
  anchors them too);
- Beranda tblProgres: the steps marked Selesai;
- Beranda `nmStatusDokumen`: DITETAPKAN after step 6.

`chain_end_problems` compares them with the chain in the Log and names each
disagreement in Indonesian.  A workbook from before the anchor existed (both
anchor cells blank) is checked against tblProgres and the status only.
"""

from __future__ import annotations

from typing import Any

from . import layout

STATUS_SELESAI = "Selesai"  # tblProgres Status of a completed step (workflow.STATUS_SELESAI)


def _cell(book, name: str) -> Any:
    from . import tables

    try:
        value = tables.named_range(book, name).value
    except Exception:  # noqa: BLE001 - a missing sheet is reported elsewhere
        return None
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", "-", None) else value


def _done_in_chain(records, s) -> set[int]:
    """Steps completed in the current round, as the workflow counts them (`s`: the book's SOP)."""
    from .workflow import return_to

    done: set[int] = set()
    for r in records:
        if r.action == layout.ACTION_KEMBALIKAN:
            done -= set(range(return_to(s), s.number_of_steps + 1))
        elif r.step is not None and 1 <= r.step <= s.number_of_steps:
            done.add(r.step)
    return done


def _done_on_beranda(book) -> dict[int, str]:
    """Steps tblProgres marks Selesai -> the cell that says so."""
    from . import tables

    data = tables.read_table(book, layout.TBL_PROGRES)
    out = {}
    for i, row in enumerate(data.rows):
        cells = dict(zip(data.header, row))
        if str(cells.get("Status") or "").strip() != STATUS_SELESAI:
            continue
        try:
            step = int(cells.get("Langkah") or "")  # empty: ValueError, as for any non-number
        except (TypeError, ValueError):
            continue
        out[step] = f"{layout.SHEET_BERANDA}!{data.address(i, 'Status')}"
    return out


def write_anchor(book, count: int, last_chain: str) -> None:
    """Beranda's anchor of the chain: its length and its end, so a chain cut short shows.

    Every writer of a chained record calls this (the SOP steps and the quarterly reports)."""
    from . import tables

    tables.named_range(book, "nmJumlahCatatan").value = count
    tables.named_range(book, "nmSidikTerakhir").value = last_chain


def chain_end_problems(book, records) -> list[str]:
    """Where the workbook's own status says the chain should be longer than it is."""
    from .integrity import field_text

    problems: list[str] = []
    count = _cell(book, "nmJumlahCatatan")
    last = _cell(book, "nmSidikTerakhir")
    count_cell = "{}!{}".format(*layout.NAMED_CELLS["nmJumlahCatatan"])
    last_cell = "{}!{}".format(*layout.NAMED_CELLS["nmSidikTerakhir"])
    if count is not None:
        try:
            expected = int(float(count))
        except (TypeError, ValueError):
            expected = None
        if expected is None:
            problems.append(f"Jumlah catatan di {count_cell} ('{count}') tidak terbaca.")
        elif expected != len(records):
            what = "catatan terakhir dihapus" if expected > len(records) else "ada catatan yang ditambahkan"
            problems.append(
                f"{count_cell} mencatat {expected} catatan paraf/tanda tangan, tetapi Log berisi "
                f"{len(records)}: {what}."
            )
    if last is not None:
        end = field_text(records[-1].get("Sidik Rantai")) if records else ""
        if field_text(last) != end:
            problems.append(
                f"Sidik terakhir di {last_cell} tidak sama dengan Sidik Rantai catatan terakhir di Log "
                f"({end[:12] + '...' if end else 'tidak ada catatan'}): rantai catatan dipotong atau diganti."
            )
    from . import sop

    s = sop.from_book(book)
    last_step = s.number_of_steps
    in_chain = _done_in_chain(records, s)
    for step, where in sorted(_done_on_beranda(book).items()):
        if step not in in_chain:
            problems.append(
                f"{where} menyatakan Langkah {step} selesai, tetapi catatan paraf/tanda tangannya tidak ada "
                "di Log: catatan itu dihapus."
            )
    status = _cell(book, "nmStatusDokumen")
    if str(status or "").strip().upper() == layout.STATUS_DITETAPKAN and last_step not in in_chain:
        where = "{}!{}".format(*layout.NAMED_CELLS["nmStatusDokumen"])
        problems.append(
            f"{where} berstatus {layout.STATUS_DITETAPKAN}, tetapi tanda tangan penetapan (Langkah {last_step}) "
            "tidak ada di Log."
        )
    return problems
