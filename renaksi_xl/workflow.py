"""The SOP as a workflow: who may do which step when, and the paraf / tanda tangan records.

State comes from the records in tblLog (the chained paraf/tanda tangan rows):
steps 1..6 happen in order; `kembalikan` (at steps 4-6) sends the plan back to
step 3, after which steps 3..6 are redone in order; after `tetapkan` nothing
more happens.  Every check runs before anything is written, and a refusal
raises `Refused` with an Indonesian reason, so the workbook stays as it was.

A record is written to the step sheet's table, to the append-only Log and to
Beranda (tblProgres, nmTahap, nmStatusDokumen), with the working time the step
took against its standard time and the content fingerprint chained to the
previous record (renaksi_xl.integrity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import layout, sop, tables
from .cellsafe import check_text
from .chainend import write_anchor
from .context import ActionContext, format_timestamp, parse_timestamp
from .errors import InputError, Refused
from .headless import macro_equivalent
from .integrity import (
    GENESIS,
    LogRow,
    chain_hash,
    content_digests,
    content_hash,
    content_text,
    field_text,
    parse_content_text,
    read_log,
    records_of,
    verify_book,
)
from .nip import nip_problem
from .sop import tanggal
from .worktime import (
    WorkCalendar,
    calendar_from_book,
    format_duration,
    parse_day,
    punctuality,
    standard_duration,
    working_duration,
)

MACRO_KUNCI = layout.MACRO_KUNCI_LEMBAR
# Sheets protected after tetapkan: the plan and the step records.
PROTECTED_SHEETS = layout.LOCKED_AFTER_TETAPKAN

ACTION_STEP = layout.STEP_OF_ACTION  # the default SOP's; a workbook's own: BookLayout.step_of_action
RETURN_STEPS = (4, 5, 6)  # the default SOP's steps at which kembalikan is allowed (after `susun`)
RETURN_TO = 3  # the default SOP's `susun` step; a workbook's own: return_to(sop)
SOP_ACTIONS = (*sorted(set(sop.KIND_ACTION.values())), layout.ACTION_KEMBALIKAN, layout.ACTION_REVISI)
MACRO_BUKA = layout.MACRO_BUKA_RENCANA


def book_sop(book, ctx: ActionContext | None = None) -> sop.Sop:
    """The SOP that governs this workbook: the workbook's own (desktop, headless).

    On the server, the SOP the server is configured with (`ctx.sop`) decides who signs
    which step; the workbook must follow the same steps, else it is refused.
    """
    own = sop.from_book(book)
    trusted = getattr(ctx, "sop", None) if ctx is not None else None
    if trusted is None:
        return own
    if [s.kind for s in own.steps] != [s.kind for s in trusted.steps]:
        raise Refused(
            f"Buku kerja ini disusun menurut SOP nomor {own.nomor} ({own.number_of_steps} langkah), "
            f"sedangkan server memakai SOP nomor {trusted.nomor} ({trusted.number_of_steps} langkah). "
            "Minta admin server memakai SOP unit Anda, atau bangun buku kerja dengan SOP server."
        )
    return trusted


def return_to(s: sop.Sop) -> int:
    """The step `kembalikan` returns to: the `susun` step."""
    return s.step_of_kind(sop.SUSUN).number


def revisi_to(s: sop.Sop) -> int:
    """The step `revisi` reopens the plan at: the `data` step (a DPPA brings new budget data)."""
    return s.step_of_kind(sop.DATA).number


def reset_from(action: str, s: sop.Sop) -> int | None:
    """The first step a record of `action` undoes (with every later one), or None.

    `kembalikan` sends the plan back to the susun step; `revisi` opens the next version at the
    data step. Steps before it stay done (the disposisi of a revised plan is the first one)."""
    if action == layout.ACTION_KEMBALIKAN:
        return return_to(s)
    if action == layout.ACTION_REVISI:
        return revisi_to(s)
    return None


STATUS_SELESAI = "Selesai"
STATUS_BELUM = "Belum dimulai"

Body = Callable[[Any, ActionContext], "str | None"]


# --------------------------------------------------------------------------- people and roles
@dataclass(frozen=True)
class Official:
    role: str
    name: str
    nip: str
    email: str = ""


@dataclass(frozen=True)
class StepRole:
    role: str
    pengesahan: str  # layout.PARAF or layout.TANDA_TANGAN


def _verb(pengesahan: str) -> str:
    return "ditandatangani" if pengesahan == layout.TANDA_TANGAN else "diparaf"


def step_roles(book, ctx: ActionContext | None = None) -> dict[int, StepRole]:
    """Role and kind of approval per step: the SOP's, overridden by tblPeranLangkah.

    With a server's trusted SOP (`ctx.sop`), only that SOP counts: a workbook cannot
    grant itself who signs which step.
    """
    s_ = book_sop(book, ctx)
    out = {s.number: StepRole(s.role, s.pengesahan) for s in s_.steps}
    if ctx is not None and getattr(ctx, "sop", None) is not None:
        return out
    data = tables.read_table(book, layout.TBL_PERAN_LANGKAH)
    for i, row in enumerate(data.rows):
        raw = row[data.col("Langkah")]
        try:
            n = int(raw)
        except (TypeError, ValueError):
            n = None
        if n not in out or (isinstance(raw, float) and not raw.is_integer()):
            raise InputError(
                f"Nomor langkah '{raw}' di tabel {layout.TBL_PERAN_LANGKAH} (lembar {layout.SHEET_PENGATURAN}, "
                f"sel {data.address(i, 'Langkah')}) tidak dikenal: isi 1 sampai {len(out)}."
            )
        role = field_text(row[data.col("Peran")]) or out[n].role
        kind_raw = field_text(row[data.col("Pengesahan")])
        kind = next((k for k in (layout.PARAF, layout.TANDA_TANGAN) if k.lower() == kind_raw.lower()), None)
        if kind_raw and kind is None:
            raise InputError(
                f"Pengesahan '{kind_raw}' di tabel {layout.TBL_PERAN_LANGKAH} (lembar {layout.SHEET_PENGATURAN}, "
                f"sel {data.address(i, 'Pengesahan')}) tidak dikenal: pilih '{layout.PARAF}' atau "
                f"'{layout.TANDA_TANGAN}'."
            )
        out[n] = StepRole(role, kind or out[n].pengesahan)
    return out


def officials(book) -> list[Official]:
    """tblPejabat; a NIP that a spreadsheet turned into a number is reported, not repaired."""
    data = tables.read_table(book, layout.TBL_PEJABAT)
    out = []
    for i, row in enumerate(data.rows):
        nip_raw = row[data.col("NIP")]
        if isinstance(nip_raw, (int, float)) and not isinstance(nip_raw, bool):
            raise InputError(
                f"NIP di tabel {layout.TBL_PEJABAT} (lembar {layout.SHEET_PENGATURAN}, sel "
                f"{data.address(i, 'NIP')}) tersimpan sebagai angka ({nip_raw}), sehingga digitnya bisa "
                "berubah. Format sel sebagai Teks lalu ketik ulang NIP 18 angka."
            )
        nip = field_text(nip_raw)
        problem = nip_problem(nip) if nip else None
        if problem:
            raise InputError(
                f"NIP '{nip}' di tabel {layout.TBL_PEJABAT} (lembar {layout.SHEET_PENGATURAN}, sel "
                f"{data.address(i, 'NIP')}) {problem}."
            )
        email = field_text(row[data.col("Email")]) if "Email" in data.header else ""
        out.append(
            Official(field_text(row[data.col("Peran")]), field_text(row[data.col("Nama")]), nip, email)
        )
    return out


def holder(people: list[Official], role: str) -> Official | None:
    """The official listed for `role` (the first with a NIP, else the first at all)."""
    rows = [p for p in people if p.role == role]
    return next((p for p in rows if p.nip), rows[0] if rows else None)


def _who(official: Official | None, role: str) -> str:
    if official and official.name:
        return f"{role} ({official.name})"
    return role


def acting_nip(book, ctx: ActionContext) -> str | None:
    if ctx.nip:
        return str(ctx.nip).strip()
    value = tables.read_settings(book).get(layout.SET_PEJABAT_AKTIF)
    return field_text(value) or None


def _official_for(book, ctx: ActionContext, step: int, need: StepRole, what: str) -> Official:
    people = officials(book)
    expected = holder(people, need.role)
    if expected is None or not expected.nip:
        raise InputError(
            f"Peran '{need.role}' belum diisi NIP-nya di tabel {layout.TBL_PEJABAT} (lembar "
            f"{layout.SHEET_PENGATURAN}). Isi Nama dan NIP pejabat sebelum {what}."
        )
    nip = acting_nip(book, ctx)
    if not nip:
        raise InputError(
            f"Tidak diketahui siapa yang bertindak: isi '{layout.SET_PEJABAT_AKTIF}' di tabel "
            f"{layout.TBL_SETELAN} (lembar {layout.SHEET_PENGATURAN}) dengan NIP Anda"
            f"{ctx.option_hint('--pejabat NIP')}."
        )
    st = book_sop(book, ctx).step(step)
    need_text = (
        f"Langkah {step} ({st.uraian}) harus {_verb(need.pengesahan)} oleh {need.role} "
        f"({expected.name or 'tanpa nama'}, NIP {expected.nip})"
    )
    if ctx.role and ctx.role != need.role:
        raise Refused(f"{need_text}; identitas Anda dari server berperan {ctx.role}.")
    mine = [p for p in people if p.nip == nip]
    match = next((p for p in mine if p.role == need.role), None)
    if match is None:
        held = ", ".join(sorted({p.role for p in mine}))
        who = (
            f"NIP {nip} terdaftar sebagai {held}"
            if held
            else f"NIP {nip} tidak terdaftar di tabel {layout.TBL_PEJABAT}"
        )
        raise Refused(f"{need_text}; {who}.")
    return match


# --------------------------------------------------------------------------- state
@dataclass
class State:
    records: list[LogRow]
    done: dict[int, LogRow]  # step -> record that completed it in the current round
    log_size: int
    sop: sop.Sop = None  # type: ignore[assignment]
    version: int = 1  # 1, then n+1 after the n-th `revisi` (Rencana Aksi Perubahan)

    @property
    def last_step(self) -> int:
        return self.sop.number_of_steps if self.sop else len(layout.STEP_SHEETS)

    @property
    def pending(self) -> int | None:
        return next((n for n in range(1, self.last_step + 1) if n not in self.done), None)

    @property
    def ditetapkan(self) -> bool:
        return self.last_step in self.done

    @property
    def last_time(self) -> dt.datetime | None:
        return _record_time(self.records[-1]) if self.records else None

    @property
    def last_chain(self) -> str:
        return field_text(self.records[-1].get("Sidik Rantai")) if self.records else GENESIS


def _record_time(row: LogRow) -> dt.datetime | None:
    try:
        return parse_timestamp(row.get("Waktu"))
    except (TypeError, ValueError):
        return None


def state_of(book, s: sop.Sop | None = None) -> State:
    s = s or sop.from_book(book)
    log = read_log(book)
    records = records_of(log)
    done: dict[int, LogRow] = {}
    version = 1
    for r in records:
        back = reset_from(r.action, s)
        if r.action == layout.ACTION_REVISI:
            version += 1
        if back is not None:
            for n in range(back, s.number_of_steps + 1):
                done.pop(n, None)
        elif r.step is not None and 1 <= r.step <= s.number_of_steps:
            done[r.step] = r
    return State(records, done, len(log), s, version)


def _check_order(action: str, state: State, roles: dict[int, StepRole], people: list[Official]) -> int:
    """The step this action acts on, or Refused saying what is expected instead."""
    s = state.sop
    pending = state.pending
    last = s.number_of_steps
    if state.ditetapkan:
        if action == layout.ACTION_REVISI:
            return last
        r = state.done[last]
        raise Refused(
            f"Rencana Aksi sudah ditetapkan (Langkah {last}) oleh {field_text(r.get('Nama'))} pada "
            f"{field_text(r.get('Waktu'))}; aksi '{action}' tidak bisa dilakukan lagi. Untuk mengubahnya "
            f"(mis. setelah DPPA), {roles[last].role} membuka Rencana Aksi Perubahan dengan tombol "
            f"'{layout.REVISI_CAPTION}' (aksi '{layout.ACTION_REVISI}', dengan alasan di Catatan)."
        )
    assert pending is not None  # not ditetapkan, so some step is pending
    nxt = _who(holder(people, roles[pending].role), roles[pending].role)
    if action == layout.ACTION_REVISI:
        raise Refused(
            f"Rencana Aksi Perubahan hanya bisa dibuka setelah Rencana Aksi versi {state.version} "
            f"ditetapkan (Langkah {last}); sekarang Rencana Aksi ada di Langkah {pending} "
            f"({s.step(pending).uraian}), menunggu {nxt}. Selama belum ditetapkan, ubah saja "
            "isinya atau kembalikan ke Langkah penyusunan."
        )
    if action == layout.ACTION_KEMBALIKAN:
        back = return_to(s)
        if pending <= back:
            raise Refused(
                f"Pengembalian ke Langkah {back} hanya bisa pada Langkah {back + 1} sampai {last}; sekarang "
                f"Rencana Aksi ada di Langkah {pending} ({s.step(pending).uraian}), menunggu {nxt}."
            )
        return pending
    steps = [st.number for st in s.steps if st.action == action]
    if not steps:
        raise Refused(
            f"SOP buku kerja ini (nomor {s.nomor}) tidak memiliki langkah untuk aksi '{action}'. "
            f"Langkah berikutnya: Langkah {pending} ({s.step(pending).uraian}), menunggu {nxt}."
        )
    if pending in steps:
        return pending
    step = next((n for n in steps if n not in state.done), steps[-1])
    if step in state.done:
        r = state.done[step]
        raise Refused(
            f"Langkah {step} ({s.step(step).uraian}) sudah selesai oleh {field_text(r.get('Nama'))} pada "
            f"{field_text(r.get('Waktu'))}. Langkah berikutnya: Langkah {pending} "
            f"({s.step(pending).uraian}), menunggu {nxt}."
        )
    raise Refused(
        f"Langkah {step} ({s.step(step).uraian}) belum bisa dikerjakan: Langkah {pending} "
        f"({s.step(pending).uraian}) belum selesai, menunggu {nxt}."
    )


# --------------------------------------------------------------------------- inputs
def _input_range(book, name: str, step: int, position: int, lay: layout.BookLayout):
    try:
        return book.names[name].refers_to_range
    except Exception:  # the name is missing: fall back to the layout's cell
        return book.sheets[lay.step_sheets[step]][f"C{layout.INPUT_FIRST_ROW + position}"]


def _input(book, step: int, name: str) -> tuple[Any, str]:
    """Value and 'sheet!cell' of a step input cell (layout.STEP_KIND_INPUTS or inCatatan<n>)."""
    lay = layout.BookLayout.of(sop.from_book(book))
    names = [n for _label, n in lay.step_inputs(step)]
    rng = _input_range(book, name, step, names.index(name), lay)
    return rng.value, f"'{rng.sheet.name}'!{rng.address.replace('$', '')}"


def _text(value: Any) -> str:
    if isinstance(value, (dt.datetime, dt.date)):
        return tanggal(value)
    return field_text(value)


def _step_note(book, ctx: ActionContext, step: int) -> str:
    if ctx.catatan:
        return ctx.catatan.strip()
    value, _where = _input(book, step, f"{layout.INPUT_CATATAN}{step}")
    return _text(value)


# --------------------------------------------------------------------------- preconditions
def _validation_errors(book) -> tuple[list, list]:
    from .validators import validate_book  # being written in parallel: import when needed

    findings = validate_book(book)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    return errors, warnings


def _pre_paraf_pemeriksaan(book, ctx, state: State, step: int) -> str | None:
    errors, warnings = _validation_errors(book)
    if errors:
        shown = "; ".join(str(f.message).rstrip(". ") for f in errors[:3])
        more = f" (dan {len(errors) - 3} galat lain)" if len(errors) > 3 else ""
        raise Refused(
            f"Paraf pemeriksaan (Langkah {step}) ditolak: validasi menemukan {len(errors)} galat: {shown}{more}. "
            "Perbaiki Rencana Aksi lalu jalankan Validasi lagi."
        )
    return "Validasi tanpa galat" + (f", {len(warnings)} peringatan" if warnings else "")


def _pre_tetapkan(book, ctx, state: State, step: int) -> str | None:
    check = state.sop.step_of_kind(sop.PEMERIKSAAN).number
    paraf = state.done.get(check)
    if paraf is None:  # cannot happen through _check_order, kept as a guard
        raise Refused(
            f"Penetapan (Langkah {step}) ditolak: Langkah {check} (paraf pemeriksaan) belum selesai."
        )
    verdict = verify_book(book)
    broken = [r for r in verdict.records if not r.valid]
    if broken:
        r = broken[0]
        raise Refused(
            f"Penetapan (Langkah {step}) ditolak: catatan Langkah {r.step} ({r.action}) tidak utuh: {r.reason}"
        )
    stored = parse_content_text(paraf.get("Sidik Isi")) or {}
    current = content_digests(book)
    changed = [n for n in layout.PLAN_TABLES if stored.get(n) != current[n]]
    if changed:
        raise Refused(
            f"Penetapan (Langkah {step}) ditolak: isi " + ", ".join(changed) + " berubah sejak paraf "
            f"pemeriksaan (Langkah {check}, {field_text(paraf.get('Waktu'))}). Kembalikan ke Langkah "
            f"{return_to(state.sop)} atau minta pemeriksaan ulang."
        )
    return None


def _pre_kembalikan(book, ctx, state: State, step: int) -> str | None:
    reason = _step_note(book, ctx, step)
    if not reason:
        _value, where = _input(book, step, f"{layout.INPUT_CATATAN}{step}")
        raise InputError(
            f"Alasan pengembalian belum diisi: tulis di sel {where} (Catatan){ctx.option_hint('--catatan')}."
        )
    return f"Dikembalikan ke Langkah {return_to(state.sop)} dari Langkah {step}: {reason}"


def _pre_revisi(book, ctx, state: State, step: int) -> str | None:
    reason = _step_note(book, ctx, step)
    if not reason:
        _value, where = _input(book, step, f"{layout.INPUT_CATATAN}{step}")
        raise InputError(
            "Alasan Rencana Aksi Perubahan belum diisi (mis. 'DPPA 2025'): tulis di sel "
            f"{where} (Catatan) atau pakai opsi --catatan."
        )
    return (
        f"Rencana Aksi Perubahan: versi {state.version + 1} dibuka dari versi {state.version} yang "
        f"ditetapkan; kembali ke Langkah {revisi_to(state.sop)}. Alasan: {reason}"
    )


PRECHECKS: dict[str, Callable] = {
    layout.ACTION_PARAF_PEMERIKSAAN: _pre_paraf_pemeriksaan,
    layout.ACTION_TETAPKAN: _pre_tetapkan,
    layout.ACTION_KEMBALIKAN: _pre_kembalikan,
    layout.ACTION_REVISI: _pre_revisi,
}


# --------------------------------------------------------------------------- perform
def perform(book, action: str, ctx: ActionContext, body: Body | None = None) -> str:
    """Check order, role and preconditions, run `body`, then write the record.

    Raises Refused (SOP rules) or InputError (unusable input) before anything
    is written; `body` may raise InputError too.  Returns an Indonesian summary.
    """
    if action not in SOP_ACTIONS:
        raise InputError(f"Aksi '{action}' bukan langkah SOP yang diparaf.")
    state = state_of(book, book_sop(book, ctx))
    roles = step_roles(book, ctx)
    people = officials(book)
    step = _check_order(action, state, roles, people)
    need = roles[step]
    what = {
        layout.ACTION_KEMBALIKAN: "mengembalikan Rencana Aksi",
        layout.ACTION_REVISI: "membuka Rencana Aksi Perubahan",
    }.get(action, f"Langkah {step}")
    official = _official_for(book, ctx, step, need, what)
    now = ctx.time()
    if state.last_time is not None and now < state.last_time:
        raise InputError(
            f"Waktu tindakan {format_timestamp(now)} lebih awal dari catatan terakhir "
            f"({format_timestamp(state.last_time)}). Periksa jam komputer"
            + (" atau opsi --waktu." if ctx.from_cli else ".")
        )
    calendar = calendar_from_book(book)
    pre_note = PRECHECKS[action](book, ctx, state, step) if action in PRECHECKS else None

    body_note = body(book, ctx) if body is not None else None
    notes = [n for n in (pre_note, body_note) if n]
    if action not in (layout.ACTION_KEMBALIKAN, layout.ACTION_REVISI):
        extra = ctx.catatan.strip() if ctx.catatan else ""
        if body is None and not extra:
            extra = _step_note(book, ctx, step)
        if extra and not any(extra in n for n in notes):
            notes.append(f"Catatan: {extra}")
    if ctx.identity_from_server:
        notes.append("identitas diautentikasi server")
    note = ". ".join(n.rstrip(". ") for n in notes)

    record = _write_record(
        book, action, step, need, official, now, note, state, calendar, people, roles, ctx=ctx
    )
    _refresh_identity(book)
    if action == layout.ACTION_TETAPKAN:
        from .revision import keep_approved_copy

        keep_approved_copy(book)
        book.macro(MACRO_KUNCI)()
    elif action == layout.ACTION_REVISI:
        tables.named_range(book, "nmVersi").value = state.version + 1
        book.macro(MACRO_BUKA)()
    return record


def _refresh_identity(book, settings: dict | None = None) -> None:
    """Beranda's unit and year follow Pengaturan (tblSetelan), whoever edited it and how.

    `settings`: the values just written in this action (the remote engine reads the payload)."""
    settings = settings if settings is not None else tables.read_settings(book)
    for name, key in (("nmUnit", layout.SET_UNIT), ("nmTahun", layout.SET_TAHUN)):
        value = field_text(settings.get(key))
        cell = tables.named_range(book, name)
        if value and field_text(cell.value) != value:
            cell.value = value


def _text_format(
    book, table_name: str, excel_row: int, header: list[str], columns: tuple[str, ...], sheet_name: str = ""
) -> None:
    """Format the new row's code cells as Text before writing, so Excel keeps NIPs and digests as text."""
    sheet = book.sheets[sheet_name or layout.table(table_name).sheet]
    first_col = sheet.tables[table_name].header_row_range.column
    for h in columns:
        if h in header:
            sheet.range((excel_row, first_col + header.index(h))).number_format = "@"


def sign_record(book, ctx: ActionContext | None, cells: dict[str, Any], now: dt.datetime) -> dict[str, str]:
    """The signature cells of a paraf / tanda tangan record (empty when the action has no key).

    Every writer of a chained record calls this, after computing the Sidik Rantai and
    before writing anything (a refusal here leaves the workbook as it was), then
    append_log_record: signing is a property of the record write (renaksi_xl.ttd.records).
    """
    from .ttd.records import seal_cells

    return seal_cells(book, ctx, cells, now)


def append_log_record(book, cells: dict[str, Any], signature: dict[str, str], record_count: int) -> None:
    """Append a chained record to the Log with its signature cells, and move the chain's
    anchor on Beranda (its length and its end, so a chain cut short shows)."""
    _append(book, layout.TBL_LOG, {**cells, **signature}, ("NIP", "Sidik Isi", "Sidik Rantai", *signature))
    write_anchor(book, record_count, cells["Sidik Rantai"])


def _append(book, table_name: str, cells: dict[str, Any], code_columns: tuple[str, ...]) -> None:
    data = tables.read_table(book, table_name)
    header_row = book.sheets[data.spec.sheet].tables[table_name].header_row_range.row
    _text_format(
        book, table_name, header_row + len(data.rows) + 1, data.header, code_columns, data.spec.sheet
    )
    new = [cells.get(h) for h in data.header]
    tables.write_table(book, table_name, [*data.rows, new], columns=data.header)


@dataclass
class _Event:
    step: int
    action: str
    time: dt.datetime
    name: str
    role: str


def _timing(
    events: list[_Event], k: int, calendar: WorkCalendar, s: sop.Sop
) -> tuple[dt.timedelta, dt.timedelta]:
    """(working time, standard time) of event k: from the previous record to this one."""
    ev = events[k]
    start = events[k - 1].time if k > 0 else ev.time
    worked = working_duration(start, ev.time, calendar)
    w = s.step(ev.step).waktu
    return worked, standard_duration(w.days, w.minutes, calendar)


def _write_record(
    book,
    action,
    step,
    need: StepRole,
    official: Official,
    now,
    note,
    state: State,
    calendar: WorkCalendar,
    people,
    roles,
    ctx: ActionContext | None = None,
) -> str:
    # What is hashed is what is stored: a text no cell can hold whole is refused before hashing.
    for label, value in (("Catatan", note), ("Nama", official.name), ("Peran", official.role)):
        if isinstance(value, str):
            check_text(value, f"{label} untuk Langkah {step}")
    digests = content_digests(book)
    start = state.last_time or now
    worked = working_duration(start, now, calendar)
    s = state.sop
    w = s.step(step).waktu
    standard = standard_duration(w.days, w.minutes, calendar)
    day = calendar.day_length
    ketepatan = punctuality(worked, standard, day)
    baku = w.label()
    if action == layout.ACTION_REVISI:  # months after the penetapan: no standard time applies
        ketepatan = baku = "-"
    waktu = format_timestamp(now)
    no = state.log_size + 1
    cells = {
        "No": no,
        "Waktu": waktu,
        "Aksi": action,
        "Langkah": step,
        "Peran": official.role,
        "Nama": official.name,
        "NIP": official.nip,
        "Pengesahan": need.pengesahan,
        "Keterangan": note,
        "Sidik Isi": content_text(digests),
    }
    from .integrity import CHAIN_FIELDS

    chain = chain_hash(state.last_chain, [cells[h] for h in CHAIN_FIELDS], content_hash(digests))
    cells["Sidik Rantai"] = chain
    signature = sign_record(book, ctx, cells, now)  # before anything is written
    step_rows = tables.read_table(book, layout.step_table(step)).rows
    _append(
        book,
        layout.step_table(step),
        {
            "No": len(step_rows) + 1,
            "Peran": official.role,
            "Nama": official.name,
            "NIP": official.nip,
            "Pengesahan": need.pengesahan,
            "Mulai": format_timestamp(start),
            "Selesai": waktu,
            "Waktu Kerja": format_duration(worked, day),
            "Waktu Baku": baku,
            "Ketepatan": ketepatan,
            "Catatan": note,
            "Sidik Rantai": chain,
        },
        ("NIP", "Sidik Rantai"),
    )
    append_log_record(book, cells, signature, len(state.records) + 1)

    # Beranda: progress of all six steps after this record.
    events = [
        _Event(
            r.step or 0,
            r.action,
            _record_time(r) or now,
            field_text(r.get("Nama")),
            field_text(r.get("Peran")),
        )
        for r in state.records
    ]
    events.append(_Event(step, action, now, official.name, official.role))
    _write_progress(book, events, now, calendar, people, roles, s)
    if action == layout.ACTION_KEMBALIKAN:
        tahap = f"Dikembalikan ke Langkah {return_to(s)} dari Langkah {step} oleh {official.role}"
    elif action == layout.ACTION_REVISI:
        back = revisi_to(s)
        tahap = (
            f"Rencana Aksi Perubahan (versi {state.version + 1}) dibuka oleh {official.role}; "
            f"berikutnya Langkah {back} ({_who(holder(people, roles[back].role), roles[back].role)})"
        )
    elif step == s.number_of_steps:
        tahap = f"Langkah {step} selesai: Rencana Aksi ditetapkan"
    else:
        nxt = roles[step + 1]
        tahap = (
            f"Langkah {step} selesai; berikutnya Langkah {step + 1} "
            f"({_who(holder(people, nxt.role), nxt.role)})"
        )
    tables.named_range(book, "nmTahap").value = tahap
    tables.named_range(book, "nmStatusDokumen").value = (
        layout.STATUS_DITETAPKAN if action == layout.ACTION_TETAPKAN else layout.STATUS_DRAF
    )

    kind = "tanda tangan" if need.pengesahan == layout.TANDA_TANGAN else "paraf"
    what = {
        layout.ACTION_KEMBALIKAN: "Pengembalian",
        layout.ACTION_REVISI: f"Pembukaan Rencana Aksi Perubahan (versi {state.version + 1})",
    }.get(action, f"Langkah {step} ({s.step(step).uraian})")
    return (
        f"{what} dicatat dengan {kind} {official.role} {official.name} (NIP {official.nip}) pada {waktu}. "
        + (
            ""
            if action == layout.ACTION_REVISI
            else f"Waktu kerja {format_duration(worked, day)} dari baku {w.label()}: {ketepatan}. "
        )
        + f"{tahap}."
    )


def _write_progress(book, events: list[_Event], now, calendar, people, roles, sop_data: sop.Sop) -> None:
    done: dict[int, int] = {}  # step -> index of the event that completed it this round
    for k, ev in enumerate(events):
        back = reset_from(ev.action, sop_data)
        if back is not None:
            for n in range(back, sop_data.number_of_steps + 1):
                done.pop(n, None)
        else:
            done[ev.step] = k
    pending = next((st.number for st in sop_data.steps if st.number not in done), None)
    day = calendar.day_length
    rows = []
    for s in sop_data.steps:
        need = roles[s.number]
        pelaksana = need.role  # the column names the role; the name is under "Oleh"
        waiting_for = _who(holder(people, need.role), need.role)
        standard = standard_duration(s.waktu.days, s.waktu.minutes, calendar)
        row = [s.number, s.uraian, pelaksana, STATUS_BELUM, "", "", "", s.waktu.label(), ""]
        if s.number in done:
            k = done[s.number]
            worked, _ = _timing(events, k, calendar, sop_data)
            ev = events[k]
            row[3:] = [
                STATUS_SELESAI,
                f"{ev.name} ({ev.role})",
                format_timestamp(ev.time),
                format_duration(worked, day),
                s.waktu.label(),
                punctuality(worked, standard, day),
            ]
        elif s.number == pending:
            waited = working_duration(events[-1].time, now, calendar)
            status = f"Menunggu {waiting_for}"
            if waited > standard:
                status = f"{punctuality(waited, standard, day)}, menunggu {waiting_for}"
            row[3] = status
        rows.append(row)
    tables.write_table(book, layout.TBL_PROGRES, rows)


# --------------------------------------------------------------------------- actions
def sentences(parts: list[str]) -> str:
    """Join note parts as sentences, without doubling a full stop the user typed."""
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())


def _known_role(book, text: str, where: str) -> str:
    """`text` as one of the roles the workbook knows (any letter case), or InputError listing them."""
    roles = list(dict.fromkeys([*sop.from_book(book).roles, *(r.role for r in step_roles(book).values())]))
    match = next((r for r in roles if r.lower() == " ".join(text.split()).lower()), None)
    if match is None:
        raise InputError(
            f"Tujuan disposisi '{text}' ({where}) bukan peran yang dikenal. Pilih salah satu: "
            + ", ".join(roles)
            + "."
        )
    return match


def catat_disposisi(book, ctx: ActionContext) -> str:
    """Step 1: the Camat's instruction (text, to whom, due date); tanda tangan."""

    def body(book, ctx) -> str:
        isi_raw, isi_where = _input(book, 1, "inDisposisiIsi")
        isi = (ctx.catatan or "").strip() or _text(isi_raw)
        if not isi:
            raise InputError(
                f"Isi disposisi belum diisi: tulis di sel {isi_where}{ctx.option_hint('--catatan')}."
            )
        kepada_raw, _ = _input(book, 1, "inDisposisiKepada")
        given = (ctx.fields.get("kepada") or "").strip()
        kepada = given or _text(kepada_raw) or step_roles(book, ctx)[_kind_step(book, sop.DATA)].role
        if given:  # the cell has Excel's list of roles; the option must be held to the same
            kepada = _known_role(book, kepada, "opsi --kepada")
        batas_raw, batas_where = _input(book, 1, "inDisposisiBatas")
        batas_given = ctx.fields.get("batas") or batas_raw
        parts = [f"Disposisi: {isi}", f"Kepada: {kepada}"]
        if batas_given not in (None, ""):
            batas = parse_day(batas_given)
            if batas is None:
                raise InputError(
                    f"Batas waktu disposisi '{batas_given}' bukan tanggal (sel {batas_where}"
                    f"{' atau opsi --batas' if ctx.from_cli else ''}); "
                    "tulis seperti 2025-01-10."
                )
            parts.append(f"Batas waktu: {tanggal(batas)}")
        return sentences(parts)

    return perform(book, layout.ACTION_DISPOSISI, ctx, body)


def catat_pembahasan(book, ctx: ActionContext) -> str:
    """Step 4: the discussion of the draft (date, participants, notes, decisions); paraf."""

    def body(book, ctx) -> str:
        n = _kind_step(book, sop.PEMBAHASAN)
        t_raw, t_where = _input(book, n, "inPembahasanTanggal")
        t_given = ctx.fields.get("tanggal") or t_raw
        day = ctx.time().date()
        if t_given not in (None, ""):
            day = parse_day(t_given)
            if day is None:
                raise InputError(
                    f"Tanggal pembahasan '{t_given}' (sel {t_where}) bukan tanggal; tulis seperti 2025-01-10."
                )
        peserta_raw, peserta_where = _input(book, n, "inPembahasanPeserta")
        peserta = (ctx.fields.get("peserta") or "").strip() or _text(peserta_raw)
        keputusan_raw, keputusan_where = _input(book, n, "inPembahasanKeputusan")
        keputusan = (ctx.fields.get("keputusan") or "").strip() or _text(keputusan_raw)
        catatan_raw, _ = _input(book, n, "inPembahasanCatatan")
        catatan = (ctx.catatan or "").strip() or _text(catatan_raw)
        if not peserta:
            raise InputError(
                f"Peserta pembahasan belum diisi: tulis di sel {peserta_where}{ctx.option_hint('--peserta')}."
            )
        if not keputusan:
            raise InputError(
                f"Keputusan pembahasan belum diisi: tulis di sel {keputusan_where}"
                f"{ctx.option_hint('--keputusan')}."
            )
        parts = [f"Pembahasan {tanggal(day)}", f"Peserta: {peserta}"]
        if catatan:
            parts.append(f"Catatan: {catatan}")
        parts.append(f"Keputusan: {keputusan}")
        return sentences(parts)

    return perform(book, layout.ACTION_PEMBAHASAN, ctx, body)


def _kind_step(book, kind: str) -> int:
    return sop.from_book(book).step_of_kind(kind).number


def paraf(book, ctx: ActionContext) -> str:
    """A `paraf` step of the SOP (e.g. a Kepala Bidang initials the checked draft); no input."""
    return perform(book, layout.ACTION_PARAF, ctx)


def paraf_pemeriksaan(book, ctx: ActionContext) -> str:
    """Step 5: the Sekretaris initials the checked draft; refused while validation has errors."""
    return perform(book, layout.ACTION_PARAF_PEMERIKSAAN, ctx)


def kembalikan(book, ctx: ActionContext) -> str:
    """Steps 4-6: the step's official sends the plan back to step 3 with a reason."""
    return perform(book, layout.ACTION_KEMBALIKAN, ctx)


def tetapkan(book, ctx: ActionContext) -> str:
    """Step 6: the Camat signs; only if step 5 is done and the content is what was checked."""
    return perform(book, layout.ACTION_TETAPKAN, ctx)


def periksa_keaslian(book, ctx: ActionContext) -> str:
    """'Periksa Keaslian': the verify verdict on Beranda (nmKeaslian); no record."""
    from .ttd import verify as ttd_verify

    verdict = verify_book(book)
    per_step = ttd_verify.periksa_keaslian(book, ctx, verdict)
    text = f"{ttd_verify.summary(verdict)} (diperiksa {format_timestamp(ctx.time())})"
    cell = tables.named_range(book, "nmKeaslian")
    cell.value = text
    cell.color = "#C6EFCE" if verdict.ok else "#FFC7CE"
    if not verdict.ok:
        ctx.found_problems = True  # `renaksi-xl run periksa-keaslian` exits 1 (the verdict is saved)
    return "\n".join([text, *per_step])


def record_run(book, action: str, ctx: ActionContext | None = None, summary: str | None = None) -> str:
    """Log an action that is not an SOP paraf (e.g. validasi): who, when, the content it saw."""
    if not isinstance(action, str):
        raise TypeError("record_run(book, action, ctx, summary): action must be the action name")
    ctx = ctx or ActionContext()
    state = state_of(book)
    nip = acting_nip(book, ctx) or ""
    people = officials(book)
    me = next((p for p in people if p.nip == nip and (not ctx.role or p.role == ctx.role)), None)
    now = ctx.time()
    note = (summary or "").strip()
    if ctx.identity_from_server:
        note = (note + ". " if note else "") + "identitas diautentikasi server"
    _append(
        book,
        layout.TBL_LOG,
        {
            "No": state.log_size + 1,
            "Waktu": format_timestamp(now),
            "Aksi": action,
            "Langkah": state.pending,
            "Peran": me.role if me else (ctx.role or ""),
            "Nama": me.name if me else "",
            "NIP": nip,
            "Pengesahan": "",
            "Keterangan": note,
            "Sidik Isi": content_text(content_digests(book)),
        },
        ("NIP", "Sidik Isi"),
    )
    return f"Aksi '{action}' dicatat di Log pada {format_timestamp(now)}."


def protect_sheets(wb, names, protected: bool) -> None:
    """The headless twins' way to (un)protect sheets of an openpyxl workbook, skipping any the
    workbook lacks (made before that sheet existed)."""
    for name in dict.fromkeys(names):
        if name in wb.sheetnames:
            wb[name].protection.sheet = protected


@macro_equivalent(MACRO_BUKA)
def _unlock_plan(wb, *args) -> None:
    """Headless twin of the VBA Sub Renaksi_BukaRencana(wb): the plan sheets editable again."""
    protect_sheets(wb, layout.UNLOCKED_BY_REVISI, False)


@macro_equivalent(MACRO_KUNCI)
def _lock_sheets(wb, *args) -> None:
    """Headless twin of the VBA Sub Renaksi_KunciLembar(wb): protect the plan and step sheets."""
    step_sheets = [ws.title for ws in wb.worksheets if any(t.startswith("tblLangkah") for t in ws.tables)]
    protect_sheets(wb, [*PROTECTED_SHEETS, *step_sheets], True)
