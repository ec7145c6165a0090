"""Tables of a workbook file, read-only and without the remote engine.

For commands that only read a few big tables (`renaksi-xl capaian` on a city-scale
plan): where the tables are comes from the workbook XML as for the VBA client's
payload (renaksi_xl.payload), the values straight from python-calamine.  Actions
never use this: they read through `tables.read_table` on a Book.

The file is untrusted, so it is read within the limits of renaksi_xl.readlimits:
the zip's sizes, each XML part's size, each table's range, and each sheet's
furthest cell before python-calamine builds its grid (`readlimits.scan_sheet`).
python-calamine reads each sheet in a thread of its own once that sheet has passed,
while the next sheet is scanned.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree as ET

from . import calamine_gate, layout, readlimits
from .payload import (
    _not_a_workbook_message,
    _rels,
    _split_ref,
    _table_part_ids,
    _table_payload,
    workbook_sheets,
)
from .tables import TableData, WorkbookError, col_number


def read_tables(path: str | os.PathLike, names: Iterable[str]):
    """{name: tables.TableData} of a workbook file, read-only, without the remote engine.

    Values come straight from python-calamine (numbers as floats, empty cells as
    '' or None: readers accept both); blank rows are dropped as `tables.read_table`
    drops them.  A missing sheet, table or required header, a damaged file, or a
    file beyond a reading limit is a WorkbookError (exit 2) naming it.
    """
    names = list(names)
    with open_tables(path, names) as found:
        return {name: found[name] for name in names}


@contextmanager
def open_tables(path: str | os.PathLike, names: Iterable[str]) -> Iterator[Tables]:
    """`read_tables`, table by table: `found[name]` waits for that table's sheet only, so a
    caller can work on the first tables while python-calamine reads the next sheets.  The
    file's structure, table ranges and every sheet are checked before this yields."""
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"Berkas '{path}' tidak ditemukan.")
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calamine")
    found = Tables(path, [layout.table(n) for n in names])
    try:
        with found.explained():
            found.check(worker)
        yield found
    finally:
        worker.shutdown(wait=True, cancel_futures=True)
        for box in found.boxes:  # a sheet whose task was cancelled still has its temporary file
            box.close()


class Tables:
    """The tables of one workbook file: checked by `check`, values by `[name]`."""

    def __init__(self, path: Path, specs: list) -> None:
        self.path, self.specs = path, specs
        self.where = "struktur berkas"
        self.found: dict[str, dict] = {}
        self.sheets: dict[str, Future] = {}
        self.boxes: list[
            calamine_gate.Checked
        ] = []  # every container written, closed at the end  # sheet -> {table name: TableData}, from the worker

    @contextmanager
    def explained(self) -> Iterator[None]:
        """Whatever a damaged file makes zip, XML or calamine raise, as a WorkbookError naming the place."""
        path = self.path
        try:
            yield
        except WorkbookError:
            raise
        except MemoryError as exc:
            raise WorkbookError(
                f"Berkas '{path}' terlalu besar untuk dibaca ({self.where}); minta pengirim menyimpan ulang "
                "dari Excel."
            ) from exc
        except Exception as exc:
            detail = str(exc).strip() or type(exc).__name__
            raise WorkbookError(
                f"Berkas '{path}' rusak ({self.where}): isinya tidak terbaca ({detail[:120]}). "
                "Buka dan simpan ulang di Excel (atau minta pengirim mengirim ulang), lalu ulangi."
            ) from exc

    def check(self, worker: ThreadPoolExecutor) -> None:
        """The archive, the workbook's sheets and tables, and each wanted sheet's extent.

        python-calamine works in `worker` and lets go of the interpreter while it parses:
        each sheet goes to it as soon as its scan has passed, while the next one is scanned
        here.  Nothing reaches calamine before the archive and that sheet are checked."""
        path, wanted = self.path, {spec.sheet for spec in self.specs}
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise WorkbookError(_not_a_workbook_message(path)) from exc
        with zf:
            readlimits.check_archive(zf, path)

            def xml(name: str) -> ET.Element:
                self.where = f"bagian {name}"
                return ET.fromstring(readlimits.read_part(zf, name, path))

            wb_xml, sheets_meta = workbook_sheets(zf, path, xml)
            sheet_names = [name for name, _part in sheets_meta]
            parts = [(name, part) for name, part in sheets_meta if name in wanted]
            # calamine opens only checked bytes, each sheet in a workbook rebuilt around it
            # (calamine_gate), with the file's shared strings and styles
            self.where = "bagian xl/workbook.xml (string bersama, gaya)"
            extras = calamine_gate.workbook_extras(
                zf, wb_xml, "xl/workbook.xml", lambda name: readlimits.read_part(zf, name, path)
            )
            # the smallest sheets first: calamine is never left waiting on a small sheet after a big one
            parts.sort(key=lambda item: _declared_size(zf, item[1]))
            # inflating is zlib's work, done without the interpreter: the next sheet inflates in a
            # thread of its own while this one is scanned
            inflater = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inflate")
            try:
                inflated = {part: inflater.submit(readlimits.read_part, zf, part, path) for _n, part in parts}
                self._scan_and_hand_over(zf, parts, inflated, extras, xml, worker)
            finally:
                inflater.shutdown(wait=True, cancel_futures=True)
        for spec in self.specs:
            if spec.sheet not in sheet_names:
                raise WorkbookError(f"Lembar '{spec.sheet}' tidak ditemukan di buku kerja.")
            if spec.name not in self.found or self.found[spec.name]["sheet"] != spec.sheet:
                raise WorkbookError(
                    f"Tabel '{spec.name}' tidak ditemukan di lembar '{spec.sheet}'. "
                    "Buku kerja ini mungkin bukan buku kerja Rencana Aksi atau tabelnya terhapus."
                )

    def _scan_and_hand_over(self, zf, parts, inflated: dict, extras: tuple, xml, worker) -> None:
        """Each wanted sheet: its tables, its scan, its container; then to calamine in `worker`."""
        path = self.path
        for name, part in parts:
            types: dict[str, str] = {}
            rels = _rels(zf, part, types, read=xml)
            tables = []
            for rid in _table_part_ids(zf, part, types):
                table = _table_payload(xml(rels[rid]), name, path)
                self.found[table["name"]] = {**table, "sheet": name}
                tables.append(table["name"])
            self.where = f"lembar '{name}' ({part})"
            data = inflated[part].result()
            readlimits.scan_sheet(data, name, path, [])
            here = [(spec, self.found[spec.name]) for spec in self.specs if spec.name in tables]
            # the container is written here, while the worker is still busy with the sheet before
            box = calamine_gate.Checked([calamine_gate.Sheet(name, data)], *extras)
            self.boxes.append(box)
            self.sheets[name] = worker.submit(_tables_of_sheet, box, name, here)

    def __getitem__(self, name: str) -> TableData:
        spec = next(s for s in self.specs if s.name == name)
        self.where = f"lembar '{spec.sheet}' (python-calamine)"
        with self.explained():
            return self.sheets[spec.sheet].result()[name]


def _declared_size(zf: zipfile.ZipFile, part: str) -> int:
    try:
        return zf.getinfo(part).file_size
    except KeyError:
        return 0  # a missing part: reading it says so


def _tables_of_sheet(box: calamine_gate.Checked, sheet: str, tables: list) -> dict:
    """In the worker: the sheet's grid from python-calamine (a container of its own: calamine
    starts on it while the next sheet is scanned), and the tables cut from it (done here, so the
    worker goes on to the next sheet without waiting for the interpreter)."""
    with box:
        grid = box.grid(sheet)
    return {spec.name: _table_from_grid(spec, table, grid, TableData) for spec, table in tables}


def _table_from_grid(spec, table: dict, grid: list, table_data):
    (c1, r1), (c2, r2) = _split_ref(table["range_address"].replace("$", ""))
    first, last = col_number(c1) - 1, col_number(c2)
    width = last - first
    header_row = grid[r1 - 1] if r1 - 1 < len(grid) else []
    header = [
        ("" if h is None else str(h).strip()) for h in (list(header_row[first:last]) + [""] * width)[:width]
    ]
    missing = [h for h in spec.required_headers if h not in header]
    if missing:
        raise WorkbookError(
            f"Tabel '{spec.name}' (lembar '{spec.sheet}') tidak memiliki kolom: "
            + ", ".join(f"'{m}'" for m in missing)
            + ". Jangan mengganti nama judul kolom."
        )
    rows, excel_rows = [], []
    body_last = r2 if table["data_body_range_address"] else r1
    whole = first == 0  # a table from column A: a grid row as wide as the table is used as it is
    for r in range(r1 + 1, min(body_last, len(grid)) + 1):
        full = grid[r - 1]
        row = full if whole and len(full) == width else full[first:last]
        for v in row:  # keep the row unless every cell is blank
            if v is not None and (type(v) is not str or v.strip()):
                if len(row) < width:
                    row = row + [None] * (width - len(row))
                rows.append(row)
                excel_rows.append(r)
                break
    return table_data(spec, header, rows, excel_rows, first + 1)


__all__ = ["Tables", "open_tables", "read_tables"]
