"""Review by email: what changed between two versions, and an .eml draft to send.

A reviewer who receives the workbook wants to see in seconds what the Kasubag
changed since the version they saw.  `diff_books` compares the three plan
tables cell by cell (rows matched by their key, not their position) and lists
the new records of the Log; `email_draft` wraps that, the validation verdict
and the next step into an unsent email (`X-Unsent: 1`) with the workbook
attached, which Outlook and Thunderbird open ready to send.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from . import layout, sop, tables
from .errors import InputError
from .integrity import canonical_value

# The column that identifies a row in each table.
ROW_KEYS = {
    layout.TBL_DPA: "Kode Sub Kegiatan",
    layout.TBL_RENCANA: "Kode Sub Kegiatan",
    layout.TBL_KINERJA: "Indikator Kinerja",
}
TABLE_LABELS = {
    layout.TBL_DPA: "DPA",
    layout.TBL_RENCANA: "Rencana Aksi",
    layout.TBL_KINERJA: "Kinerja",
}


@dataclass
class CellChange:
    key: str
    column: str
    old: Any
    new: Any
    cell: str  # address in the NEW workbook


@dataclass
class TableDiff:
    table: str
    changed: list[CellChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # keys whose row order changed

    @property
    def empty(self) -> bool:
        return not (self.changed or self.added or self.removed or self.moved)


@dataclass
class BookDiff:
    old: str
    new: str
    tables: list[TableDiff]
    new_records: list[dict]
    removed_records: list[dict] = field(default_factory=list)  # Log rows of OLD that NEW lacks
    old_versi: int = 1  # version of the plan in each file (renaksi_xl.revision)
    new_versi: int = 1

    @property
    def empty(self) -> bool:
        return (
            all(t.empty for t in self.tables)
            and not self.new_records
            and not self.removed_records
            and self.old_versi == self.new_versi
        )

    def to_json(self) -> dict:
        return {
            "old": self.old,
            "new": self.new,
            "tables": [
                {
                    "table": t.table,
                    "changed": [asdict(c) for c in t.changed],
                    "added": t.added,
                    "removed": t.removed,
                    "moved": t.moved,
                }
                for t in self.tables
            ],
            "new_records": self.new_records,
            "removed_records": self.removed_records,
            "changed": not self.empty,
            "versi": {"old": self.old_versi, "new": self.new_versi},
        }


def comparable(value: Any) -> Any:
    """A cell's value for display and row keys: 1.0 -> 1, '' -> None, text stripped,
    float noise below a millionth dropped."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return str(value)
        rounded = round(float(value), 6)
        return int(rounded) if rounded.is_integer() else rounded
    return str(value)


def _keyed(data: tables.TableData, key_col: str) -> dict[str, int]:
    """Row key -> row index.  A sub kegiatan with several Keluaran indicators has one row per
    indicator under the same code: the second is keyed '<code> (indikator 2)', and so on."""
    out: dict[str, int] = {}
    seen: dict[str, int] = {}
    k = data.col(key_col)
    for i, row in enumerate(data.rows):
        key = comparable(row[k])
        if key is None:
            continue
        key = str(key)
        n = seen[key] = seen.get(key, 0) + 1
        out.setdefault(key if n == 1 else f"{key} (indikator {n})", i)
    return out


def diff_tables(old: tables.TableData, new: tables.TableData) -> TableDiff:
    key_col = ROW_KEYS[new.spec.name]
    result = TableDiff(new.spec.name)
    old_keys, new_keys = _keyed(old, key_col), _keyed(new, key_col)
    columns = [h for h in new.header if h in old.header and h]
    kinds = {c.header: c.kind for c in new.spec.columns}
    for key, ni in new_keys.items():
        if key not in old_keys:
            result.added.append(key)
            continue
        oi = old_keys[key]
        for col in columns:
            a, b = old.rows[oi][old.col(col)], new.rows[ni][new.col(col)]
            # "changed" means what the fingerprint means by it (integrity.canonical_value:
            # money to the rupiah, float noise, engines' number/text spelling), so diff
            # shows exactly the cells behind a table that `verify` reports as changed.
            kind = kinds.get(col, layout.TEXT)
            if canonical_value(a, kind) != canonical_value(b, kind):
                result.changed.append(
                    CellChange(key, col, comparable(a), comparable(b), new.address(ni, col))
                )
    result.removed = [k for k in old_keys if k not in new_keys]
    # Row order is part of the fingerprint: rows that swapped places are a change too.
    old_order = [k for k in old_keys if k in new_keys]
    new_order = [k for k in new_keys if k in old_keys]
    result.moved = [k for k, was in zip(new_order, old_order) if k != was]
    return result


def _log_records(book) -> list[dict]:
    data = tables.read_table(book, layout.TBL_LOG, check_headers=False)
    return [{h: comparable(v) for h, v in zip(data.header, row)} for row in data.rows]


def _log_versions(log: list[dict]) -> list[int]:
    """The plan's version at each Log row: a `revisi` record opens the next one."""
    out, version = [], 1
    for r in log:
        if r.get("Aksi") == layout.ACTION_REVISI and r.get("Sidik Rantai"):
            version += 1
        out.append(version)
    return out


def diff_books(old_path: str | Path, new_path: str | Path) -> BookDiff:
    from .headless import open_book

    old_book, new_book = open_book(old_path), open_book(new_path)
    diffs = [
        diff_tables(tables.read_table(old_book, name), tables.read_table(new_book, name))
        for name in layout.PLAN_TABLES
    ]
    old_log = _log_records(old_book)
    new_log = _log_records(new_book)

    def key(r):
        return json.dumps(r, sort_keys=True, default=str)

    seen = {key(r) for r in old_log}
    kept = {key(r) for r in new_log}
    new_versions = _log_versions(new_log)
    fresh = [_record(r, v) for r, v in zip(new_log, new_versions) if key(r) not in seen]
    gone = [_record(r, v) for r, v in zip(old_log, _log_versions(old_log)) if key(r) not in kept]
    old_versi = (_log_versions(old_log) or [1])[-1]
    new_versi = (new_versions or [1])[-1]
    return BookDiff(str(old_path), str(new_path), diffs, fresh, gone, old_versi, new_versi)


def _record(r: dict, versi: int) -> dict:
    return {
        "no": r.get("No"),
        "time": r.get("Waktu"),
        "action": r.get("Aksi"),
        "step": r.get("Langkah"),
        "role": r.get("Peran"),
        "name": r.get("Nama"),
        "kind": r.get("Pengesahan"),
        "note": r.get("Keterangan"),
        "versi": versi,
    }


def rupiah_or_value(value: Any) -> str:
    """A cell for the change list: numbers Indonesian style (1.250.000 / 2,5), text as is."""
    from .dpa.numbers import format_number

    if value is None:
        return "(kosong)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def describe_diff(d: BookDiff, *, limit: int = 40) -> str:
    """The Indonesian summary used by `renaksi-xl diff` and in the email body."""
    if d.empty:
        return "Tidak ada perubahan pada tabel DPA, Rencana Aksi dan Kinerja, dan tidak ada catatan baru."
    lines: list[str] = []
    if d.old_versi != d.new_versi:
        opened = [r for r in d.new_records if r.get("action") == layout.ACTION_REVISI]
        why = ""
        if opened and opened[-1].get("note"):
            note = str(opened[-1]["note"])
            why = f", alasan: {note.split('Alasan: ', 1)[-1].rstrip('.')}"
        lines.append(
            f"Versi Rencana Aksi berubah: versi {d.old_versi} -> versi {d.new_versi} "
            f"(Rencana Aksi Perubahan{why})."
        )
    for t in d.tables:
        if t.empty:
            continue
        label = TABLE_LABELS[t.table]
        lines.append(f"Tabel {label} ({t.table}):")
        shown = 0
        for c in t.changed:
            if shown >= limit:
                lines.append(f"  ... dan {len(t.changed) - shown} perubahan sel lainnya")
                break
            lines.append(
                f"  - {c.key}, kolom '{c.column}' (sel {c.cell}): "
                f"{rupiah_or_value(c.old)} -> {rupiah_or_value(c.new)}"
            )
            shown += 1
        for key in t.added:
            lines.append(f"  + baris baru: {key}")
        for key in t.removed:
            lines.append(f"  - baris dihapus: {key}")
        if t.moved:
            lines.append("  ~ urutan baris berubah: " + ", ".join(t.moved[:limit]))
    for title, records in (
        ("Catatan baru di Log:", d.new_records),
        ("CATATAN DIHAPUS dari Log:", d.removed_records),
    ):
        if not records:
            continue
        lines.append(title)
        for r in records:
            who = f"{r['name']} ({r['role']})" if r.get("name") else (r.get("role") or "-")
            kind = f", {str(r['kind']).lower()}" if r.get("kind") and r.get("kind") != "-" else ""
            versi = f" [versi {r['versi']}]" if d.new_versi > 1 else ""
            lines.append(f"  - {r['time']}: {r['action']} oleh {who}{kind}{versi}")
    return "\n".join(lines)


def cmd_diff(args) -> int:
    for p in (args.old, args.new):
        if not Path(p).exists():
            raise InputError(f"Berkas '{p}' tidak ditemukan.")
    d = diff_books(args.old, args.new)
    if args.json:
        print(json.dumps(d.to_json(), ensure_ascii=False, indent=2, default=str))
    else:
        print(f"Perbandingan {args.old} -> {args.new}")
        print(describe_diff(d))
    return 0


# --------------------------------------------------------------------------- email
KIND_TASK = {
    # kind of the step the recipient must do next -> what they do ({n}: step, {b}: its button)
    "disposisi": "mencatat disposisi (Langkah {n}) dengan tombol '{b}'",
    "data": "menarik data DPA (Langkah {n}) dengan tombol '{b}'",
    "susun": "menyusun draft Rencana Aksi (Langkah {n}) dengan tombol '{b}'",
    "pembahasan": "membahas draft (Langkah {n}) dan mencatatnya dengan tombol '{b}'",
    "pemeriksaan": "memeriksa draft (Langkah {n}): jalankan 'Validasi', lalu '{b}' bila tidak ada galat",
    "paraf": "memaraf draft (Langkah {n}) dengan tombol '{b}'",
    "penetapan": "menetapkan Rencana Aksi (Langkah {n}) dengan tombol '{b}'",
}


def next_task(s: sop.Sop, step: int | None) -> str:
    if step is None:
        return "meninjau buku kerja"
    lay = layout.BookLayout.of(s)
    button = next(b.caption for b in lay.buttons if b.caption.startswith(f"{step}. "))
    return KIND_TASK[s.step(step).kind].format(n=step, b=button)


NEXT_TASK = {n: next_task(sop.default(), n) for n in range(1, 7)}  # the default SOP's, for reference


def _validation_verdict(book) -> str:
    try:
        from .validators import validate_book
    except ImportError:  # pragma: no cover - the validators ship with the package
        return "Validasi belum tersedia."
    findings = validate_book(book)
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if errors:
        return f"Validasi: {errors} galat dan {warnings} peringatan; lihat lembar Validasi."
    if warnings:
        return f"Validasi: tidak ada galat, {warnings} peringatan."
    return "Validasi: bersih, tidak ada galat maupun peringatan."


def role_named(given: str, roles: list[str]) -> str:
    """The role `given` names, written as the SOP writes it: letter case and spaces do not matter
    ('sekretaris  camat' is 'Sekretaris Camat')."""
    key = " ".join(str(given).split()).casefold()
    match = next((r for r in roles if " ".join(r.split()).casefold() == key), None)
    if match is None:
        raise InputError(
            f"Peran penerima '{given}' tidak dikenal. Pilih salah satu: " + ", ".join(roles) + "."
        )
    return match


def email_draft(book_path: str | Path, to_role: str, *, previous: str | Path | None = None) -> EmailMessage:
    import datetime as dt

    from .context import WIB
    from .headless import open_book
    from .workflow import holder, officials, state_of

    book_path = Path(book_path)
    book = open_book(book_path)
    s = sop.from_book(book)
    people = officials(book)
    roles = list(dict.fromkeys([*s.roles, *(p.role for p in people if p.role)]))
    to_role = role_named(to_role, roles)
    settings = tables.read_settings(book)
    unit = str(settings.get(layout.SET_UNIT) or "").strip() or "Unit kerja"
    year = str(settings.get(layout.SET_TAHUN) or "").strip()
    state = state_of(book, s)
    person = holder(people, to_role)
    name = person.name if person else ""
    last_step = (state.pending or s.number_of_steps + 1) - 1  # steps complete in order
    last = state.records[-1] if state.records else None
    returned = ""
    if state.ditetapkan:
        stage_label = "Rencana Aksi telah DITETAPKAN"
        task = "menyimpan dan mengarsipkan dokumen (softcopy dan hardcopy) sesuai SOP"
    elif last is not None and last.action == layout.ACTION_KEMBALIKAN:
        stage_label = f"Dikembalikan ke Langkah {state.pending}"
        who = " ".join(x for x in (str(last.get("Peran") or ""), str(last.get("Nama") or "")) if x)
        returned = f"Draft dikembalikan oleh {who or 'pemeriksa'}. {last.get('Keterangan') or ''}".strip()
        task = next_task(s, state.pending)
    else:
        stage_label = f"Langkah {last_step} selesai" if last_step else "belum ada langkah selesai"
        task = next_task(s, state.pending)
    if state.version > 1:
        stage_label = f"Rencana Aksi Perubahan versi {state.version}: {stage_label}"
    subject = f"[Rencana Aksi] {unit} TA {year} - {stage_label}"
    if previous is not None:
        changes = describe_diff(diff_books(previous, book_path))
    else:
        changes = _changes_from_log(book)
    greeting = f"Yth. {to_role}" + (f" ({name})" if name else "")
    body = "\n".join(
        [
            f"{greeting},",
            "",
            f"Terlampir buku kerja Rencana Aksi {unit} Tahun Anggaran {year} "
            f"(SOP {s.nama} nomor {s.nomor}). Tahap saat ini: {stage_label}.",
            *(["", returned] if returned else []),
            "",
            f"Mohon Bapak/Ibu {task}.",
            "",
            _validation_verdict(book),
            "",
            "Yang berubah sejak serah terima terakhir:",
            changes,
            "",
            "Cara membuka lampiran: simpan berkas ke folder kerja Anda, klik kanan berkas > Properties > "
            "centang 'Unblock' > OK (Windows memblokir makro dari email), lalu buka di Excel dan klik "
            "'Enable Content' bila diminta. Setelah selesai, simpan, lalu kirim buku kerja itu kepada "
            "pejabat langkah berikutnya (tombol 'Siapkan Email Review' menyiapkan emailnya bila Mode "
            "Lokal dipakai). Bila ada kendala, balas email ini.",
            "",
            "Email ini disiapkan oleh renaksi-xl.",
        ]
    )
    msg = EmailMessage()
    msg["Subject"] = subject
    sender = holder(people, str(last.get("Peran") or "")) if last is not None else None
    msg["From"] = _mailbox(sender, str(last.get("Peran") or "") if last is not None else "Pengirim", book)
    msg["To"] = _mailbox(person, to_role, book)
    msg["X-Unsent"] = "1"
    msg["Date"] = format_datetime(dt.datetime.now(WIB))
    msg.set_content(body)
    msg.add_attachment(
        book_path.read_bytes(),
        maintype="application",
        subtype="vnd.ms-excel.sheet.macroEnabled.12",
        filename=book_path.name,
    )
    return msg


# Headers an optional e-mail column of tblPejabat may have (lower case).
EMAIL_HEADERS = ("email", "e-mail", "surel", "alamat email", "alamat e-mail")


def official_emails(book) -> dict[str, str]:
    """NIP (or role, for rows without NIP) -> e-mail, from an optional e-mail column of tblPejabat."""
    data = tables.read_table(book, layout.TBL_PEJABAT, check_headers=False)
    column = next((h for h in data.header if str(h or "").strip().lower() in EMAIL_HEADERS), None)
    if column is None:
        return {}
    out: dict[str, str] = {}
    for row in data.rows:
        address = str(row[data.col(column)] or "").strip()
        if "@" in address:
            key = str(row[data.col("NIP")] or "").strip() or str(row[data.col("Peran")] or "").strip()
            out.setdefault(key, address)
    return out


def _mailbox(person, role: str, book) -> Any:
    """A From/To value: 'Nama (Peran) <email>' when Pengaturan has the e-mail; otherwise
    an empty group named after the person (RFC 5322 3.4 for To, RFC 6854 for From), which
    the mail program shows as the recipient's name for the user to complete."""
    from email.headerregistry import Address, Group

    label = f"{person.name} ({role})" if person and person.name else role
    emails = official_emails(book)
    address = emails.get(person.nip) or emails.get(role) if person else emails.get(role)
    if address:
        local, _, domain = address.rpartition("@")
        return Address(display_name=label, username=local, domain=domain)
    return Group(display_name=label)


def _changes_from_log(book) -> str:
    """Without the earlier version at hand: the records since the last hand-off."""
    records = _log_records(book)
    if not records:
        return "Belum ada catatan di Log."
    tail = records[-5:]
    lines = [
        f"  - {r.get('Waktu')}: {r.get('Aksi')} oleh {r.get('Nama') or r.get('Peran') or '-'}" for r in tail
    ]
    return "(versi sebelumnya tidak dilampirkan; lima catatan terakhir di Log)\n" + "\n".join(lines)


def write_email(book_path, to_role: str, out: str | Path | None = None, *, previous=None) -> Path:
    from .outputs import check_output, write_bytes

    book_path = Path(book_path)
    inputs = [book_path] + ([Path(previous)] if previous is not None else [])
    option = "--out" if out else "Draf email"
    slug = to_role.split()[0].lower()
    out = Path(out) if out else book_path.with_name(f"{book_path.stem}-untuk-{slug}.eml")
    check_output(out, inputs=inputs, option=option)  # before the (slow) draft is built
    msg = email_draft(book_path, to_role, previous=previous)
    check_output(out, inputs=inputs, option=option)
    write_bytes(out, bytes(msg))
    return out


def cmd_email(args) -> int:
    from .runner import check_out

    if not Path(args.book).exists():
        raise InputError(f"Berkas '{args.book}' tidak ditemukan.")
    if args.out is not None:
        check_out(args.out, Path(args.book).stem + ".eml")
    out = write_email(args.book, args.ke, args.out, previous=args.sebelumnya)
    print(f"Draf email ditulis: {out} (buka dengan Outlook/Thunderbird, periksa, lalu kirim).")
    if not _has_address(out):
        print(
            "Catatan: alamat email penerima belum ada di tabel Pejabat (lembar Pengaturan), jadi kolom "
            "Kepada hanya berisi nama; lengkapi alamatnya di program email, atau isi kolom email pejabat "
            "(renaksi-xl pengaturan BUKU --dari KANTOR.toml)."
        )
    return 0


def _has_address(eml: Path) -> bool:
    from email import policy
    from email.parser import BytesParser

    msg = BytesParser(policy=policy.default).parsebytes(Path(eml).read_bytes(), headersonly=True)
    return "@" in str(msg["To"] or "")


def next_recipient_role(book) -> str:
    """The role that acts in the next SOP step (from tblPeranLangkah)."""
    from .workflow import state_of, step_roles

    state = state_of(book)
    step = state.pending or state.last_step
    return step_roles(book)[step].role


def siapkan_email_body(book, ctx) -> str:
    """Button 'Siapkan Email Review': an .eml beside the saved workbook (local mode)."""
    path = tables.saved_workbook_path(book, "atau jalankan perintah 'renaksi-xl email BUKU --ke PERAN'.")
    role = (ctx.fields.get("kepada") or "").strip() or next_recipient_role(book)
    out = write_email(path, role)
    return f"Draf email untuk {role} ditulis: {out}"
