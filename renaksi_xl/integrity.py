"""Content fingerprints, the record chain, and `renaksi-xl verify`.

A fingerprint ("sidik") is a SHA-256 digest of the *canonical* content of the
plan tables (tblDPA, tblRencanaAksi, tblKinerja).  Canonical means that what a
reader sees decides the digest, not how a program stored it, so the digest
survives save/reopen in Excel, LibreOffice or openpyxl:

- columns in the layout's order, addressed by header (moving a column does not
  matter); extra columns a user added are included when they hold any value,
  after the layout's columns in header order (an empty helper column does not
  count, a filled one does: it is visible content);
- blank rows are ignored, row order counts;
- every cell becomes text or null: None, "" and whitespace are null; text is
  NFC-normalised, stripped, with CRLF as LF; numbers (and plain numerals typed
  as text outside code columns, which Excel would turn into numbers) become
  decimal text: money rounded to whole rupiah, other numbers to 6 decimals, so
  3 == 3.0 and float noise disappears; codes stay exactly as typed; dates and
  ISO date text become YYYY-MM-DD (with the time when it is not midnight).

Each paraf or tanda tangan record stores the three per-table digests ("Sidik
Isi") and a chain hash ("Sidik Rantai") = SHA-256 of the previous record's chain
hash, the record's fields and its content hash.  `verify_book` recomputes all
of it.  What this proves and what it does not: docs/keaslian.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from . import layout

CONTENT_TAG = "renaksi-xl/sidik-isi/1"
CHAIN_TAG = "renaksi-xl/sidik-rantai/1"
GENESIS = ""

# tblLog columns that a record's chain hash covers (Sidik Isi enters through
# the content hash, Sidik Rantai is the result).
CHAIN_FIELDS = ("No", "Waktu", "Aksi", "Langkah", "Peran", "Nama", "NIP", "Pengesahan", "Keterangan")

# Actions whose record approves the content: a change after them breaks the
# approval (exit 1).  A change after an earlier step's record is ongoing work.
APPROVAL_ACTIONS = (
    layout.ACTION_PARAF_PEMERIKSAAN,
    layout.ACTION_PARAF,
    layout.ACTION_TETAPKAN,
    layout.ACTION_VERIFIKASI_REALISASI,
    layout.ACTION_SAHKAN_REALISASI,
)

KIND_JSON = {layout.PARAF.lower(): "paraf", layout.TANDA_TANGAN.lower(): "tanda tangan"}

_DECIMALS = Decimal("0.000001")
# Whole numbers below this are exact in a float, and their canonical text is plain str(int).
_EXACT_WHOLE = 10**15
# What a numeral (_NUMERAL) or an ISO date (_ISO_SHAPE) may start with, once stripped, and
# the white space strip() removes first; the empty string covers an empty cell.
_MAY_BE_NUMBER_OR_DATE = frozenset("0123456789+-. \t\n\x0b\x0c\x1c\x1d\x1e\x1f") | {""}
_NUMERAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


# --------------------------------------------------------------------------- canonical values
def _number_text(value: Decimal, kind: str) -> str:
    with localcontext() as ctx:
        ctx.prec = 80
        if kind == layout.MONEY:
            q = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        else:
            q = value.quantize(_DECIMALS, rounding=ROUND_HALF_UP)
        if q == 0:
            return "0"
        text = format(q.normalize(), "f")
    return text


def _date_text(moment: dt.date) -> str:
    if isinstance(moment, dt.datetime):
        if moment.time() == dt.time(0):
            return moment.date().isoformat()
        return moment.replace(tzinfo=None, microsecond=0).isoformat(sep=" ")
    return moment.isoformat()


def canonical_value(value: Any, kind: str = layout.TEXT) -> str | None:
    """The canonical text of one cell (None for blank)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value != value:  # NaN: an error cell
            return "#NAN"
        if -_EXACT_WHOLE < value < _EXACT_WHOLE and value == int(value):
            return str(int(value))  # a whole number: what the Decimal path gives, without its cost
        try:
            return _number_text(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), kind)
        except InvalidOperation:
            return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return _date_text(value)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    if (
        type(value) is str
        and value.isascii()
        and value[:1] not in _MAY_BE_NUMBER_OR_DATE
        and "\r" not in value
    ):
        # Plain text (names, units, codes): NFC and the numeral and date shapes cannot apply.
        return value.strip() or None
    return _canonical_text(value, kind)


def _canonical_text(value: Any, kind: str) -> str | None:
    """canonical_value of anything else: text that may need NFC, or may read as a number or date."""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None
    if kind != layout.CODE:
        if _NUMERAL.match(text):
            try:
                return _number_text(Decimal(text), kind)
            except InvalidOperation:
                return text
        if _ISO_SHAPE.match(text):
            try:
                return _date_text(dt.datetime.fromisoformat(text))
            except ValueError:
                return text
    return text


def canonical_table(data) -> dict:
    """A table (tables.TableData) as canonical columns and rows."""
    spec = data.spec
    header = [unicodedata.normalize("NFC", h).strip() for h in data.header]
    columns: list[tuple[str, int, str]] = []
    for c in spec.columns:
        if c.header not in header:
            continue  # an optional column this workbook predates
        i = header.index(c.header)
        # An optional column counts only once it holds a value: a workbook that predates it and
        # one that has it empty have the same content.
        if c.optional and not any(canonical_value(r[i]) is not None for r in data.rows):
            continue
        columns.append((c.header, i, c.kind))
    known = set(spec.headers)
    extra = sorted(
        (h, i)
        for i, h in enumerate(header)
        if h and h not in known and any(canonical_value(r[i]) is not None for r in data.rows)
    )
    columns += [(h, i, layout.TEXT) for h, i in extra]
    rows = []
    for r in data.rows:
        row = [canonical_value(r[i], kind) for _h, i, kind in columns]
        if any(v is not None for v in row):
            rows.append(row)
    return {"tabel": spec.name, "kolom": [h for h, _i, _k in columns], "baris": rows}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def table_digest(data) -> str:
    body = json.dumps(canonical_table(data), ensure_ascii=False, separators=(",", ":"))
    return _sha256(f"{CONTENT_TAG}\n{body}")


def content_digests(book, realisasi_upto: int | None = None) -> dict[str, str]:
    """Per-table SHA-256 digests of the plan tables, in layout.PLAN_TABLES order.

    `realisasi_upto` (1..4): the records of the quarterly report also cover the
    realisasi tables' rows of TW I up to that quarter, as 'tblRealisasiAksi@II'
    (rows of a later quarter are work in progress, not part of what was reported).
    """
    from . import tables

    sync_pending_writes(book)
    out = {name: table_digest(tables.read_table(book, name)) for name in layout.PLAN_TABLES}
    if realisasi_upto is not None:
        for name in layout.REALISASI_TABLES:
            key = realisasi_key(name, realisasi_upto)
            out[key] = table_digest(realisasi_rows_upto(tables.read_table(book, name), realisasi_upto))
    return out


def realisasi_key(table: str, upto: int) -> str:
    return f"{table}@{layout.QUARTERS[upto - 1]}"


def realisasi_rows_upto(data, upto: int):
    """The rows of quarters I..upto (and rows whose Triwulan is unreadable: they are errors anyway)."""
    from .capaian import quarter_of
    from .tables import TableData

    col = data.col(layout.H_TRIWULAN)
    keep = [i for i, r in enumerate(data.rows) if (quarter_of(r[col]) or 0) <= upto]
    return TableData(
        data.spec,
        data.header,
        [data.rows[i] for i in keep],
        [data.excel_rows[i] for i in keep],
        data.first_col,
    )


def digest_of(book, key: str) -> str:
    """The current digest under a 'Sidik Isi' key (a plan table or 'tblRealisasiAksi@II')."""
    from . import tables
    from .capaian import quarter_of

    sync_pending_writes(book)
    name, _, quarter = key.partition("@")
    data = tables.read_table(book, name)
    if quarter:
        upto = quarter_of(quarter)
        assert upto is not None, key  # parse_content_text accepts only 'name@I'..'name@IV'
        data = realisasi_rows_upto(data, upto)
    return table_digest(data)


def content_text(digests: dict[str, str]) -> str:
    """The 'Sidik Isi' cell: 'tblDPA:<hex> tblRencanaAksi:<hex> tblKinerja:<hex>' (then the realisasi's)."""
    return " ".join(f"{name}:{digest}" for name, digest in digests.items())


_REALISASI_KEY = re.compile(
    "^(" + "|".join(map(re.escape, layout.REALISASI_TABLES)) + ")@(" + "|".join(layout.QUARTERS) + ")$"
)


def parse_content_text(text: Any) -> dict[str, str] | None:
    """Inverse of content_text; None when the cell is not such a text."""
    if not isinstance(text, str):
        return None
    out = {}
    for part in text.split():
        name, _, digest = part.partition(":")
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            return None
        out[name] = digest
    names = list(out)
    plan = list(layout.PLAN_TABLES)
    if names[: len(plan)] != plan or not all(_REALISASI_KEY.match(n) for n in names[len(plan) :]):
        return None
    return out


def content_hash(digests: dict[str, str]) -> str:
    return _sha256(content_text(digests))


def field_text(value: Any) -> str:
    """Canonical text of a record field for the chain."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    # A lone CR counts as a line break, as in canonical_value: a file written by openpyxl
    # stores it raw and XML readers hand it back as LF, so the hash must not tell them apart.
    text = str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def chain_hash(prev: str, fields: Sequence[Any], content: str) -> str:
    """SHA-256(previous chain hash + record fields + content hash)."""
    body = json.dumps([field_text(f) for f in fields], ensure_ascii=False, separators=(",", ":"))
    return _sha256(f"{CHAIN_TAG}\n{prev}\n{body}\n{content}")


# --------------------------------------------------------------------------- remote-engine reads after writes
def sync_pending_writes(book) -> None:
    """Make reads on a remote-engine Book see the writes made so far in this run.

    The remote engine only queues actions; its reads come from the request
    payload.  An action that writes data and then fingerprints it (a step's
    body, then the record) must see the new values, so the queued setValues,
    rangeClearContents and resizeTable actions are replayed onto the payload,
    the way the VBA client replays them onto the workbook.  No-op on desktop
    Excel, where reads already see the writes.
    """
    api = getattr(book, "api", None)
    if not isinstance(api, dict) or "sheets" not in api:
        return
    from .headless import _clean, _split_ref, _vba_parse_iso

    actions = book.json()["actions"]
    done = api.get("_renaksi_synced", 0)
    for action in actions[done:]:
        func = action["func"]
        if func not in ("setValues", "rangeClearContents", "rangeClear", "resizeTable"):
            continue
        sheet = api["sheets"][action["sheet_position"]]
        grid = sheet["values"]
        if func == "resizeTable":
            index, address = action["args"][:2]
            tbl = sheet["tables"][index]
            (c1, r1), (c2, r2) = _split_ref(address.replace("$", ""))
            tbl["range_address"] = f"${c1}${r1}:${c2}${r2}"
            tbl["header_row_range_address"] = f"${c1}${r1}:${c2}${r1}"
            tbl["data_body_range_address"] = f"${c1}${r1 + 1}:${c2}${r2}" if r2 > r1 else None
            continue
        r0, c0 = action["start_row"], action["start_column"]
        if func == "setValues":
            values = action["values"]
        else:
            values = [[None] * action["column_count"] for _ in range(action["row_count"])]
        need_rows = r0 + len(values)
        need_cols = c0 + max((len(v) for v in values), default=0)
        width = max(need_cols, max((len(r) for r in grid), default=0))
        for row in grid:
            row.extend([None] * (width - len(row)))
        while len(grid) < need_rows:
            grid.append([None] * width)
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                grid[r0 + i][c0 + j] = _clean(_vba_parse_iso(v))
    api["_renaksi_synced"] = len(actions)


# --------------------------------------------------------------------------- records
@dataclass
class LogRow:
    """One row of tblLog, as stored."""

    index: int  # position in the table's rows
    cells: dict[str, Any]
    address: str  # Excel address of the row's first cell

    def get(self, header: str) -> Any:
        return self.cells.get(header)

    @property
    def kind(self) -> str | None:
        return KIND_JSON.get(field_text(self.get("Pengesahan")).lower())

    @property
    def step(self) -> int | None:
        try:
            return int(self.get("Langkah"))
        except (TypeError, ValueError):
            return None

    @property
    def action(self) -> str:
        return field_text(self.get("Aksi"))

    def fields(self) -> list[Any]:
        return [self.get(h) for h in CHAIN_FIELDS]


def read_log(book) -> list[LogRow]:
    from . import tables

    data = tables.read_table(book, layout.TBL_LOG)
    out = []
    for i, row in enumerate(data.rows):
        out.append(LogRow(i, dict(zip(data.header, row)), data.address(i, data.header[0])))
    return out


def records_of(log: list[LogRow]) -> list[LogRow]:
    """The paraf / tanda tangan records among the Log rows (the chained ones)."""
    return [r for r in log if r.kind is not None]


# --------------------------------------------------------------------------- verify
@dataclass
class RecordVerdict:
    step: int
    action: str
    role: str
    name: str
    nip: str
    kind: str
    time: str
    valid: bool
    reason: str | None
    versi: int = 1  # version of the plan the record belongs to (revisi opens the next one)
    # The record's digital signature (renaksi_xl.ttd.verify fills these in):
    # "valid" | "invalid" | "absent" | "untrusted" | "nip_mismatch", the certificate's
    # subject, and why (Indonesian).
    signature: str = "absent"
    signer: str | None = None
    signature_reason: str | None = None


@dataclass
class ChangedTable:
    table: str
    since_step: int  # the SOP step of the last record; 0 when it is a realisasi report record
    since: str = ""  # that record in words: "Langkah 6", "laporan realisasi TW I (sahkan-realisasi)"


# A realisasi report record's Keterangan starts with its quarter ("TW II. ...").
REPORT_NOTE = re.compile(r"^TW (I|II|III|IV)\b")


def record_label(record) -> str:
    """A Log record as people name it: its SOP step, or the realisasi report and its quarter."""
    if record.step:
        return f"Langkah {record.step}"
    m = REPORT_NOTE.match(field_text(record.get("Keterangan")))
    quarter = f" TW {m.group(1)}" if m else ""
    return f"laporan realisasi{quarter} ({record.action})"


@dataclass
class Verdict:
    ok: bool
    records: list[RecordVerdict] = field(default_factory=list)
    changed_tables: list[ChangedTable] = field(default_factory=list)
    approved_by: str | None = None  # action of the last record when it approves the content
    chain_problems: list[str] = field(default_factory=list)  # the chain ends earlier than the status says
    log_records: int = 0  # paraf/tanda tangan records in the Log
    last_chain: str = ""  # the last one's Sidik Rantai
    sop: dict = field(default_factory=dict)  # the workbook's SOP: nama, nomor, unit, sha256
    sop_problems: list[str] = field(default_factory=list)  # differences from a trusted SOP
    snapshot_problems: list[str] = field(default_factory=list)  # the copies on _Versi (revision)
    ditetapkan: bool = False  # the last record is the penetapan of the current version

    @property
    def version(self) -> int:
        return max((r.versi for r in self.records), default=1)

    def versions(self) -> list[dict]:
        """Per version: its number, records, whether they are all intact, whether it was approved."""
        out = []
        for v in sorted({r.versi for r in self.records}):
            mine = [r for r in self.records if r.versi == v]
            out.append(
                {
                    "versi": v,
                    "records": len(mine),
                    "ok": all(r.valid for r in mine),
                    "ditetapkan": any(r.action == layout.ACTION_TETAPKAN for r in mine),
                }
            )
        return out

    notes: list[str] = field(default_factory=list)  # extra lines for people (e.g. which CAs were trusted)

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "records": [asdict(r) for r in self.records],
            "changed_tables": [asdict(c) for c in self.changed_tables],
            "chain_problems": list(self.chain_problems),
            "record_count": self.log_records,
            "last_chain": self.last_chain,
            "sop": self.sop,
            "sop_problems": self.sop_problems,
            "versi": self.version,
            "versions": self.versions(),
            "snapshot_problems": self.snapshot_problems,
        }

    def summary(self) -> str:
        """One line for Beranda (nmKeaslian)."""
        broken = [r for r in self.records if not r.valid]
        if self.chain_problems and not broken:
            more = (
                f" (dan {len(self.chain_problems) - 1} masalah lain)" if len(self.chain_problems) > 1 else ""
            )
            return f"RUSAK: rantai catatan tidak lengkap{more}. {self.chain_problems[0]}"
        if broken:
            r = broken[0]
            return (
                f"RUSAK: catatan {f'Langkah {r.step}' if r.step else 'laporan realisasi'} ({r.action}) tidak utuh"
                + (f" dan {len(broken) - 1} catatan lain" if len(broken) > 1 else "")
                + f". {r.reason}"
            )
        if self.snapshot_problems:
            return f"RUSAK: {self.snapshot_problems[0]}"
        if self.changed_tables:
            names = ", ".join(c.table for c in self.changed_tables)
            since = self.changed_tables[0].since or f"Langkah {self.changed_tables[0].since_step}"
            if not self.ok:
                hint = (
                    f" Bila perubahan memang diperlukan (DPPA), buka '{layout.REVISI_CAPTION}'."
                    if self.ditetapkan
                    else ""
                )
                return f"BERUBAH SETELAH DISETUJUI: {names} diubah setelah {since}.{hint}"
            return f"Utuh; {names} diubah setelah {since} (masih tahap penyusunan)."
        if not self.records:
            return "Belum ada paraf atau tanda tangan."
        return f"Utuh: {len(self.records)} catatan paraf/tanda tangan cocok dengan isi buku kerja."


def _iso_time(value: Any) -> tuple[str, bool]:
    from .context import parse_timestamp

    try:
        moment = parse_timestamp(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None:
        return field_text(value), False
    return moment.isoformat(), True


def _book_layout(book) -> layout.BookLayout:
    from . import sop

    return layout.BookLayout.of(sop.from_book(book))


def _step_sheet_records(
    book, lay: layout.BookLayout | None = None
) -> list[tuple[int | None, str, dict[str, Any]]]:
    """(step, address, cells) of every record on the step sheets and on Laporan Realisasi (step None)."""
    from . import tables

    lay = lay or _book_layout(book)
    out: list[tuple[int | None, str, dict[str, Any]]] = []
    for n in lay.step_sheets:
        data = tables.read_table(book, layout.step_table(n))
        for i, row in enumerate(data.rows):
            cells = dict(zip(data.header, row))
            if field_text(cells.get("Sidik Rantai")):
                out.append((n, f"'{data.spec.sheet}'!{data.address(i, 'No')}", cells))
    if layout.SHEET_LAPORAN in {s.name for s in book.sheets}:  # workbooks made before it have none
        data = tables.read_table(book, layout.TBL_LAPORAN)
        for i, row in enumerate(data.rows):
            cells = dict(zip(data.header, row))
            cells["Selesai"] = cells.get("Waktu")
            if field_text(cells.get("Sidik Rantai")):
                out.append((None, f"'{data.spec.sheet}'!{data.address(i, 'No')}", cells))
    return out


def verify_book(book) -> Verdict:
    """Recompute the record chain and compare the content with the last record."""
    log = read_log(book)
    records = records_of(log)
    lay = _book_layout(book)
    sheet_records = _step_sheet_records(book, lay)
    by_chain_on_sheets = {field_text(c.get("Sidik Rantai")): (n, addr, c) for n, addr, c in sheet_records}
    stored_chains = [field_text(r.get("Sidik Rantai")) for r in records]
    known_chains = set(stored_chains) | set(by_chain_on_sheets) | {GENESIS}

    from .revision import record_versions, snapshot_problems

    versions = record_versions(records)
    verdicts: list[RecordVerdict] = []
    prev = GENESIS
    for pos, row in enumerate(records):
        reasons: list[str] = []
        digests = parse_content_text(row.get("Sidik Isi"))
        stored = stored_chains[pos]
        if digests is None:
            reasons.append(f"Sidik Isi di {layout.SHEET_LOG}!{row.address} rusak atau kosong.")
        else:
            content = content_hash(digests)
            if chain_hash(prev, row.fields(), content) != stored:
                other = next(
                    (p for p in known_chains if p != prev and chain_hash(p, row.fields(), content) == stored),
                    None,
                )
                if other is not None:
                    reasons.append(
                        "Urutan catatan berubah atau ada catatan sebelumnya yang dihapus dari Log."
                    )
                else:
                    reasons.append(
                        "Isi catatan (waktu, peran, nama, NIP, keterangan atau sidik) tidak cocok "
                        "dengan Sidik Rantai-nya: catatan diubah, dihapus sebagian, atau ditulis ulang."
                    )
        no = row.get("No")
        if field_text(no) != str(row.index + 1):
            reasons.append(
                f"Nomor Log {field_text(no) or '(kosong)'} di {layout.SHEET_LOG}!{row.address} "
                f"tidak berurutan (seharusnya {row.index + 1}): ada baris Log yang dihapus atau dipindah."
            )
        on_sheet = by_chain_on_sheets.get(stored)
        if on_sheet is None:
            sheet = (
                layout.SHEET_LAPORAN
                if row.action in layout.REALISASI_ACTIONS
                else lay.step_sheets.get(row.step or 0, "?")
            )
            reasons.append(f"Catatan ini tidak ada di lembar '{sheet}'.")
        else:
            n, addr, cells = on_sheet
            mismatch = [
                h
                for h in ("Peran", "Nama", "NIP", "Pengesahan")
                if field_text(cells.get(h)) != field_text(row.get(h))
            ]
            if field_text(cells.get("Selesai")) != field_text(row.get("Waktu")):
                mismatch.append("Selesai/Waktu")
            if n != row.step:
                mismatch.append("Langkah")
            if mismatch:
                reasons.append(f"Catatan di {addr} berbeda dari Log pada: {', '.join(mismatch)}.")
        time_text, time_ok = _iso_time(row.get("Waktu"))
        if not time_ok:
            reasons.append(f"Waktu '{time_text}' tidak terbaca.")
        verdicts.append(
            RecordVerdict(
                step=row.step or 0,
                action=row.action,
                role=field_text(row.get("Peran")),
                name=field_text(row.get("Nama")),
                nip=field_text(row.get("NIP")),
                kind=row.kind or "",
                time=time_text,
                valid=not reasons,
                reason=" ".join(reasons) or None,
                versi=versions[pos],
            )
        )
        prev = stored

    # Records on the step sheets whose Log row is gone.
    in_log = set(stored_chains)
    for chain, (n, addr, cells) in by_chain_on_sheets.items():
        if chain in in_log:
            continue
        time_text, _ = _iso_time(cells.get("Selesai"))
        note = field_text(cells.get("Catatan"))
        if n is None:
            action = field_text(cells.get("Aksi"))
        else:
            action = (
                layout.ACTION_KEMBALIKAN
                if note.lower().startswith("dikembalikan")
                else layout.ACTION_REVISI
                if note.lower().startswith("rencana aksi perubahan")
                else lay.step_actions.get(n, "")
            )
        verdicts.append(
            RecordVerdict(
                step=n or 0,
                action=action,
                role=field_text(cells.get("Peran")),
                name=field_text(cells.get("Nama")),
                nip=field_text(cells.get("NIP")),
                kind=KIND_JSON.get(field_text(cells.get("Pengesahan")).lower(), "paraf"),
                time=time_text,
                valid=False,
                reason=f"Catatan di {addr} tidak ada di Log: baris Log-nya dihapus.",
                versi=versions[-1] if versions else 1,
            )
        )

    changed: list[ChangedTable] = []
    approved_by = None
    if records:
        last = records[-1]
        stored_digests = parse_content_text(last.get("Sidik Isi")) or {}
        current = content_digests(book)
        since = record_label(last)
        for name in layout.PLAN_TABLES:
            if stored_digests.get(name) != current[name]:
                changed.append(ChangedTable(name, last.step or 0, since))
        for key in list(stored_digests)[len(layout.PLAN_TABLES) :]:  # realisasi, as far as it was reported
            if stored_digests[key] != digest_of(book, key):
                changed.append(ChangedTable(key, last.step or 0, since))
        if last.action in APPROVAL_ACTIONS:
            approved_by = last.action
    from .chainend import chain_end_problems

    problems = chain_end_problems(book, records)
    copies = snapshot_problems(book, records)
    ok = all(v.valid for v in verdicts) and not (changed and approved_by) and not problems and not copies
    s = lay.sop
    info = {
        "nama": s.nama,
        "nomor": s.nomor,
        "unit": s.unit,
        "langkah": s.number_of_steps,
        "langkah_pemeriksaan": s.step_of_kind("pemeriksaan").number,
        "langkah_susun": s.step_of_kind("susun").number,
        "sha256": s.digest,
    }
    return Verdict(
        ok=ok,
        records=verdicts,
        changed_tables=changed,
        approved_by=approved_by,
        chain_problems=problems,
        log_records=len(records),
        last_chain=stored_chains[-1] if stored_chains else "",
        sop=info,
        snapshot_problems=copies,
        ditetapkan=_penetapan_in_force(records),
    )


def _penetapan_in_force(records: list[LogRow]) -> bool:
    """The current version was signed: a penetapan record after the last revisi (later records,
    e.g. of the quarterly report, do not change that)."""
    actions = [r.action for r in records]
    start = max((i for i, a in enumerate(actions) if a == layout.ACTION_REVISI), default=-1)
    return layout.ACTION_TETAPKAN in actions[start + 1 :]


def check_sop(book, verdict: Verdict, trusted) -> Verdict:
    """Compare the workbook's SOP, its role map and its records with an SOP the verifier trusts.

    Any difference makes the verdict not ok: a workbook cannot grant itself who signs a step.
    """
    from . import sop as sop_module
    from .workflow import step_roles

    own = sop_module.from_book(book)
    problems = []
    if own.digest != trusted.digest:
        problems.append(
            f"SOP di buku kerja (nomor {own.nomor}, {own.number_of_steps} langkah) berbeda dari SOP yang "
            f"dipercaya (nomor {trusted.nomor}, {trusted.number_of_steps} langkah): "
            + "; ".join(sop_module.differences(own, trusted))
            + "."
        )
    if [x.kind for x in own.steps] == [x.kind for x in trusted.steps]:
        for n, role in step_roles(book).items():
            want = trusted.step(n).role
            if role.role != want:
                problems.append(
                    f"Pelaksana Langkah {n} di tabel {layout.TBL_PERAN_LANGKAH} adalah '{role.role}', "
                    f"sedangkan SOP yang dipercaya menetapkan '{want}'."
                )
    for r in verdict.records:
        if r.action == layout.ACTION_KEMBALIKAN or not 1 <= r.step <= trusted.number_of_steps:
            continue
        want = trusted.step(r.step).role
        if r.role != want:
            problems.append(
                f"Catatan Langkah {r.step} ({r.action}) dibuat oleh peran '{r.role}', bukan '{want}' "
                "menurut SOP yang dipercaya."
            )
    verdict.sop_problems = problems
    verdict.ok = verdict.ok and not problems
    return verdict


STEP_ACTIONS = layout.STEP_ACTIONS


def _wib_text(iso: str) -> str:
    from .context import format_timestamp

    try:
        return format_timestamp(dt.datetime.fromisoformat(iso))
    except ValueError:
        return iso


def render_text(verdict: Verdict, name: str = "") -> str:
    """The verdict for people, in Indonesian."""
    head = "UTUH" if verdict.ok else "TIDAK UTUH"
    lines = [f"Keaslian {name or 'buku kerja'}: {head}"]
    if verdict.sop:
        s = verdict.sop
        lines.append(f"SOP {s['nama']} nomor {s['nomor']} ({s['unit']}, {s['langkah']} langkah)")
    lines += [f"SOP TIDAK SESUAI: {p}" for p in verdict.sop_problems]
    if not verdict.records:
        lines.append("Belum ada catatan paraf atau tanda tangan.")
    else:
        lines.append(
            f"Rantai: {verdict.log_records} catatan di Log; sidik rantai terakhir {verdict.last_chain or '-'}."
        )
    for problem in verdict.chain_problems:
        lines.append(f"RANTAI TIDAK LENGKAP: {problem}")
    many = verdict.version > 1
    summaries = {v["versi"]: v for v in verdict.versions()}
    shown = None
    for r in verdict.records:
        if many and r.versi != shown:
            shown = r.versi
            v = summaries[r.versi]
            state = "ditetapkan" if v["ditetapkan"] else "belum ditetapkan"
            head_v = "utuh" if v["ok"] else "TIDAK UTUH"
            label = " (Rencana Aksi Perubahan)" if r.versi > 1 else ""
            lines.append(f"Versi {r.versi}{label}: {v['records']} catatan, {head_v}, {state}")
        status = "utuh" if r.valid else f"TIDAK UTUH: {r.reason}"
        what = f"Langkah {r.step}" if r.step else "Laporan realisasi"
        lines.append(
            f"- {what} ({r.action}): {r.kind} {r.role} {r.name} (NIP {r.nip or '-'}), "
            f"{_wib_text(r.time)}: {status}; {signature_text(r)}"
        )
    lines += [f"SALINAN TIDAK UTUH: {p}" for p in verdict.snapshot_problems]
    for c in verdict.changed_tables:
        lines.append(f"Tabel {c.table} berubah setelah catatan {c.since or f'Langkah {c.since_step}'}.")
    if verdict.changed_tables:
        plan_changed = any(c.table in layout.PLAN_TABLES for c in verdict.changed_tables)
        if verdict.approved_by and verdict.ditetapkan and plan_changed:
            lines.append(
                f"Isi berubah setelah disetujui (ditetapkan, versi {verdict.version}): tanda tangan "
                "penetapan tidak berlaku untuk isi ini. Bila perubahan ini memang diperlukan (mis. DPPA), pejabat "
                f"penetapan membuka Rencana Aksi Perubahan: tombol '{layout.REVISI_CAPTION}' atau "
                f"'renaksi-xl run {layout.ACTION_REVISI} BUKU --pejabat NIP --catatan ALASAN'; "
                "bila tidak, kembalikan isinya seperti saat ditetapkan."
            )
        elif verdict.approved_by:
            lines.append(
                "Isi berubah setelah disetujui: paraf/tanda tangan terakhir tidak lagi berlaku "
                f"untuk isi ini. Ulangi pemeriksaan (Langkah {verdict.sop.get('langkah_pemeriksaan', 5)}) atau "
                f"kembalikan ke Langkah {verdict.sop.get('langkah_susun', 3)}."
            )
        else:
            lines.append("Perubahan ini bagian dari penyusunan; akan tercatat pada paraf berikutnya.")
    lines.extend(verdict.notes)
    return "\n".join(lines)


SIGNATURE_LABELS = {
    "valid": "tanda tangan digital SAH",
    "invalid": "tanda tangan digital TIDAK SAH",
    "absent": "tanpa tanda tangan digital",
    "untrusted": "tanda tangan digital TIDAK DIPERCAYA",
    "nip_mismatch": "tanda tangan digital dari NIP LAIN",
}


def signature_text(r: RecordVerdict) -> str:
    """The signature part of a record's line, in Indonesian."""
    label = SIGNATURE_LABELS.get(r.signature, r.signature)
    if r.signature == "valid":
        return f"{label} ({r.signature_reason}: {r.signer})"
    if r.signature == "absent":
        return label
    return f"{label}: {r.signature_reason}" + (f" (sertifikat {r.signer})" if r.signer else "")


def cmd_verify(args) -> int:
    """`renaksi-xl verify BOOK [--json]`: 0 intact, 1 broken or changed after approval, 2 unusable."""
    from pathlib import Path

    from .headless import open_book

    trusted = None
    if getattr(args, "sop", None):
        from . import sop

        trusted = sop.load(args.sop)
    book = open_book(args.book)
    verdict = verify_book(book)
    if trusted is not None:
        check_sop(book, verdict, trusted)
    from .ttd.verify import check_signatures_from_args

    check_signatures_from_args(book, verdict, args)
    if getattr(args, "json", False):
        print(json.dumps(verdict.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_text(verdict, Path(args.book).name))
    sys.stdout.flush()
    return 0 if verdict.ok else 1
