"""The quarterly realisation report as an SOP flow: lapor -> verifikasi -> sahkan, per triwulan.

The same engine as the plan's SOP (renaksi_xl.workflow): who acts comes from
the SOP's roles and tblPejabat, never from the workbook's claims; every check
runs before anything is written and a refusal raises `Refused`, so the
workbook stays as it was.  Each record goes to the append-only Log, chained
to the previous record (the plan's records included), and to the Laporan
Realisasi sheet.  A report record's 'Sidik Isi' covers the plan tables and the
realisasi rows of TW I up to the reported quarter (integrity.content_digests).

Order: the plan must be ditetapkan; TW k is reported after TW k-1 is
disahkan; within a quarter: lapor (paraf), verifikasi (paraf, refused while
the realisasi of TW I..k has errors), sahkan (tanda tangan, refused when the
realisasi changed since the verification).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import capaian, layout, tables, workflow
from . import sop as sop_model
from .context import ActionContext, format_timestamp
from .errors import InputError, Refused
from .headless import macro_equivalent
from .integrity import (
    CHAIN_FIELDS,
    REPORT_NOTE,
    LogRow,
    chain_hash,
    content_digests,
    content_hash,
    content_text,
    field_text,
    parse_content_text,
    verify_book,
)

KIND_DATA, KIND_PEMERIKSAAN, KIND_PENETAPAN = "data", "pemeriksaan", "penetapan"
KIND_OF_ACTION = {
    layout.ACTION_LAPOR_REALISASI: KIND_DATA,
    layout.ACTION_VERIFIKASI_REALISASI: KIND_PEMERIKSAAN,
    layout.ACTION_SAHKAN_REALISASI: KIND_PENETAPAN,
}
PENGESAHAN = {
    layout.ACTION_LAPOR_REALISASI: layout.PARAF,
    layout.ACTION_VERIFIKASI_REALISASI: layout.PARAF,
    layout.ACTION_SAHKAN_REALISASI: layout.TANDA_TANGAN,
}
WHAT = {
    layout.ACTION_LAPOR_REALISASI: "Laporan realisasi",
    layout.ACTION_VERIFIKASI_REALISASI: "Verifikasi realisasi",
    layout.ACTION_SAHKAN_REALISASI: "Pengesahan realisasi",
}
DUE_DAY = sop_model.DEFAULT_REPORT_DAY  # a quarter's report is due on this day of the following month
_NOTE = REPORT_NOTE


def realisasi_roles(book, ctx: ActionContext | None = None) -> dict[str, str]:
    """The role acting for each kind of report step: the roles of the SOP's data, pemeriksaan and
    penetapan steps (tblPeranLangkah, defaults from the SOP).  The one place that maps kinds to steps."""

    s = workflow.book_sop(book, ctx)  # the SOP says which step is of which kind (issue 11)
    roles = workflow.step_roles(book, ctx)  # on the server: its trusted SOP, never the workbook
    return {
        kind: roles[s.step_of_kind(kind).number].role
        for kind in (KIND_DATA, KIND_PEMERIKSAAN, KIND_PENETAPAN)
    }


# --------------------------------------------------------------------------- state
@dataclass
class ReportState:
    records: list[LogRow]  # every chained record (plan and report)
    done: dict[int, dict[str, LogRow]] = field(default_factory=dict)  # quarter -> action -> record
    ditetapkan: bool = False

    def has(self, k: int, action: str) -> bool:
        return action in self.done.get(k, {})


def report_state(book) -> ReportState:
    plan = workflow.state_of(book)
    state = ReportState(plan.records, ditetapkan=plan.ditetapkan)
    for r in plan.records:
        if r.action not in layout.REALISASI_ACTIONS:
            continue
        m = _NOTE.match(field_text(r.get("Keterangan")))
        k = capaian.quarter_of(m.group(1)) if m else None  # _NOTE matches only I..IV
        if k is not None:
            state.done.setdefault(k, {})[r.action] = r
    return state


def approved_quarters(book) -> list[int]:
    """The quarters whose realisasi report was approved (sahkan-realisasi), in order."""
    state = report_state(book)
    return sorted(k for k in state.done if state.has(k, layout.ACTION_SAHKAN_REALISASI))


def _quarter(book, ctx: ActionContext) -> int:
    given = (ctx.fields or {}).get("tw")
    where = "opsi --tw"
    if not given:
        cell = tables.named_range(book, "inRealisasiTriwulan")
        given, where = (
            cell.value,
            f"sel '{layout.SHEET_LAPORAN}'!{layout.NAMED_CELLS['inRealisasiTriwulan'][1]}",
        )
    if given in (None, ""):
        raise InputError(
            f"Triwulan yang dilaporkan belum diisi: tulis I, II, III atau IV di {where} "
            f"(lembar '{layout.SHEET_LAPORAN}') atau pakai opsi --tw."
        )
    k = capaian.quarter_of(given)
    if k is None:
        raise InputError(f"Triwulan '{given}' di {where} tidak dikenal: tulis I, II, III atau IV.")
    return k


def _check_order(action: str, state: ReportState, k: int) -> None:
    q = layout.QUARTERS[k - 1]
    what = f"{WHAT[action]} TW {q} ditolak"
    if not state.ditetapkan:
        raise Refused(
            f"{what}: Rencana Aksi belum ditetapkan (Langkah 6). Realisasi dilaporkan setelah penetapan."
        )
    if action == layout.ACTION_LAPOR_REALISASI:
        if state.has(k, action):
            raise Refused(
                f"{what}: TW {q} sudah dilaporkan pada {field_text(state.done[k][action].get('Waktu'))}."
            )
        if k > 1 and not state.has(k - 1, layout.ACTION_SAHKAN_REALISASI):
            raise Refused(
                f"{what}: laporan TW {layout.QUARTERS[k - 2]} belum disahkan; laporkan triwulan berurutan."
            )
        return
    before = (
        layout.ACTION_LAPOR_REALISASI
        if action == layout.ACTION_VERIFIKASI_REALISASI
        else layout.ACTION_VERIFIKASI_REALISASI
    )
    if state.has(k, action):
        raise Refused(f"{what}: sudah dicatat pada {field_text(state.done[k][action].get('Waktu'))}.")
    if not state.has(k, before):
        raise Refused(f"{what}: {WHAT[before].lower()} TW {q} belum dicatat.")


def _official(book, ctx: ActionContext, role: str, pengesahan: str, what: str) -> workflow.Official:
    people = workflow.officials(book)
    expected = workflow.holder(people, role)
    if expected is None or not expected.nip:
        raise InputError(
            f"Peran '{role}' belum diisi NIP-nya di tabel {layout.TBL_PEJABAT} (lembar "
            f"{layout.SHEET_PENGATURAN}). Isi Nama dan NIP pejabat sebelum {what}."
        )
    nip = workflow.acting_nip(book, ctx)
    if not nip:
        raise InputError(
            f"Tidak diketahui siapa yang bertindak: isi '{layout.SET_PEJABAT_AKTIF}' di tabel "
            f"{layout.TBL_SETELAN} (lembar {layout.SHEET_PENGATURAN}) dengan NIP Anda, atau pakai opsi --pejabat NIP."
        )
    verb = "ditandatangani" if pengesahan == layout.TANDA_TANGAN else "diparaf"
    need = f"{what} harus {verb} oleh {role} ({expected.name or 'tanpa nama'}, NIP {expected.nip})"
    if ctx.role and ctx.role != role:
        raise Refused(f"{need}; identitas Anda dari server berperan {ctx.role}.")
    match = next((p for p in people if p.nip == nip and p.role == role), None)
    if match is None:
        held = ", ".join(sorted({p.role for p in people if p.nip == nip}))
        who = (
            f"NIP {nip} terdaftar sebagai {held}"
            if held
            else f"NIP {nip} tidak terdaftar di tabel {layout.TBL_PEJABAT}"
        )
        raise Refused(f"{need}; {who}.")
    return match


# --------------------------------------------------------------------------- preconditions
def _pre_lapor(book, k: int, data: capaian.Book) -> str:
    if k not in data.quarters_with_realisasi():
        raise InputError(
            f"Belum ada realisasi TW {layout.QUARTERS[k - 1]} di tabel {layout.TBL_REALISASI_AKSI} (lembar "
            f"'{layout.SHEET_REALISASI_AKSI}') maupun {layout.TBL_REALISASI_KINERJA}. Isi realisasinya dulu."
        )
    return ""


def _pre_verifikasi(book, k: int, data: capaian.Book) -> str:
    from .validators.realisasi import realisasi_book

    findings = realisasi_book(book, upto=k)
    errors = [f for f in findings if f.severity == "error"]
    warnings = len(findings) - len(errors)
    if errors:
        shown = "; ".join(f"{f.sheet}!{f.cell}: {f.message.rstrip('. ')}" for f in errors[:3])
        more = f" (dan {len(errors) - 3} galat lain)" if len(errors) > 3 else ""
        raise Refused(
            f"Verifikasi realisasi TW {layout.QUARTERS[k - 1]} ditolak: validasi realisasi menemukan "
            f"{len(errors)} galat: {shown}{more}. Perbaiki realisasinya lalu ulangi."
        )
    return "Validasi realisasi tanpa galat" + (f", {warnings} peringatan" if warnings else "")


def _pre_sahkan(book, k: int, data: capaian.Book, state: ReportState) -> str:
    verdict = verify_book(book)
    broken = [r for r in verdict.records if not r.valid]
    if broken:
        r = broken[0]
        raise Refused(f"Pengesahan realisasi ditolak: catatan {r.action} tidak utuh: {r.reason}")
    checked = state.done[k][layout.ACTION_VERIFIKASI_REALISASI]
    stored = parse_content_text(checked.get("Sidik Isi")) or {}
    current = content_digests(book, realisasi_upto=k)
    changed = [name for name in current if stored.get(name) != current[name]]
    if changed:
        raise Refused(
            f"Pengesahan realisasi TW {layout.QUARTERS[k - 1]} ditolak: isi {', '.join(changed)} berubah sejak "
            f"verifikasi ({field_text(checked.get('Waktu'))}). Minta verifikasi ulang."
        )
    return ""


# --------------------------------------------------------------------------- due dates
def due_date(year: int, k: int, day: int = DUE_DAY) -> dt.date:
    """Day `day` (the SOP's `batas_laporan_realisasi`, 10 unless it says otherwise) of the month
    after quarter k of `year` (TW IV: January of the next year)."""
    month = 3 * k + 1
    return dt.date(year + (month > 12), (month - 1) % 12 + 1, day)


def _year(book) -> int | None:
    value = tables.read_settings(book).get(layout.SET_TAHUN)
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def punctuality(reported: dt.date, due: dt.date) -> str:
    late = (reported - due).days
    return "Tepat waktu" if late <= 0 else f"Terlambat {late} hari"


# --------------------------------------------------------------------------- perform
def perform(book, action: str, ctx: ActionContext) -> str:
    k = _quarter(book, ctx)
    q = layout.QUARTERS[k - 1]
    state = report_state(book)
    _check_order(action, state, k)
    role = realisasi_roles(book, ctx)[KIND_OF_ACTION[action]]
    pengesahan = PENGESAHAN[action]
    official = _official(book, ctx, role, pengesahan, f"{WHAT[action]} TW {q}")
    now = ctx.time()
    last = workflow._record_time(state.records[-1]) if state.records else None
    if last is not None and now < last:
        raise InputError(
            f"Waktu tindakan {format_timestamp(now)} lebih awal dari catatan terakhir ({format_timestamp(last)}). "
            "Periksa jam komputer atau opsi --waktu."
        )
    data = capaian.read_book(book)
    if action == layout.ACTION_LAPOR_REALISASI:
        pre = _pre_lapor(book, k, data)
    elif action == layout.ACTION_VERIFIKASI_REALISASI:
        pre = _pre_verifikasi(book, k, data)
    else:
        pre = _pre_sahkan(book, k, data, state)
    catatan = (ctx.catatan or "").strip() or workflow._text(
        tables.named_range(book, "inRealisasiCatatan").value
    )

    due_text = ketepatan = ""
    year = _year(book)
    if action == layout.ACTION_LAPOR_REALISASI and year is not None:
        due = due_date(year, k, workflow.book_sop(book, ctx).batas_laporan_realisasi)
        due_text, ketepatan = workflow.tanggal(due), punctuality(now.date(), due)
    cap = capaian.write_capaian_sheet(book, data, k)
    notes = [f"TW {q}", capaian.summary_text(cap).rstrip(".")]
    if pre:
        notes.append(pre)
    if ketepatan:
        notes.append(f"Batas lapor {due_text}: {ketepatan}")
    if catatan:
        notes.append(
            f"Catatan{' verifikator' if action == layout.ACTION_VERIFIKASI_REALISASI else ''}: {catatan}"
        )
    if ctx.identity_from_server:
        notes.append("identitas diautentikasi server")
    note = workflow.sentences(notes)
    waktu = _write(book, action, k, official, pengesahan, now, note, state, due_text, ketepatan, catatan, ctx)
    status = {
        layout.ACTION_LAPOR_REALISASI: f"TW {q} dilaporkan; menunggu verifikasi {realisasi_roles(book)[KIND_PEMERIKSAAN]}",
        layout.ACTION_VERIFIKASI_REALISASI: f"TW {q} diverifikasi; menunggu pengesahan {realisasi_roles(book)[KIND_PENETAPAN]}",
        layout.ACTION_SAHKAN_REALISASI: f"TW {q} disahkan",
    }[action]
    if action == layout.ACTION_SAHKAN_REALISASI and k == len(layout.QUARTERS):
        book.macro(layout.MACRO_KUNCI_REALISASI)()  # the year is closed
        status += "; tahun anggaran selesai, lembar realisasi dikunci"
    tables.named_range(book, "nmStatusRealisasi").value = status
    kind = "tanda tangan" if pengesahan == layout.TANDA_TANGAN else "paraf"
    return (
        f"{WHAT[action]} TW {q} dicatat dengan {kind} {official.role} {official.name} (NIP {official.nip}) "
        f"pada {waktu}. {note}. Status: {status}."
    )


def _write(
    book, action, k, official, pengesahan, now, note, state, due_text, ketepatan, catatan, ctx=None
) -> str:
    digests = content_digests(book, realisasi_upto=k)
    waktu = format_timestamp(now)
    log_size = len(tables.read_table(book, layout.TBL_LOG).rows)
    cells = {
        "No": log_size + 1,
        "Waktu": waktu,
        "Aksi": action,
        "Langkah": None,
        "Peran": official.role,
        "Nama": official.name,
        "NIP": official.nip,
        "Pengesahan": pengesahan,
        "Keterangan": note,
        "Sidik Isi": content_text(digests),
    }
    prev = field_text(state.records[-1].get("Sidik Rantai")) if state.records else ""
    cells["Sidik Rantai"] = chain_hash(prev, [cells[h] for h in CHAIN_FIELDS], content_hash(digests))
    signature = workflow.sign_record(book, ctx, cells, now)  # issue 14: every record is signed
    report_rows = tables.read_table(book, layout.TBL_LAPORAN).rows
    workflow._append(
        book,
        layout.TBL_LAPORAN,
        {
            "No": len(report_rows) + 1,
            layout.H_TRIWULAN: layout.QUARTERS[k - 1],
            "Aksi": action,
            "Peran": official.role,
            "Nama": official.name,
            "NIP": official.nip,
            "Pengesahan": pengesahan,
            "Waktu": waktu,
            "Batas Lapor": due_text,
            "Ketepatan": ketepatan,
            "Catatan": catatan or note,
            "Sidik Rantai": cells["Sidik Rantai"],
        },
        ("NIP", "Sidik Rantai"),
    )
    workflow.append_log_record(book, cells, signature, len(state.records) + 1)
    return waktu


def lapor_realisasi(book, ctx: ActionContext) -> str:
    """Report quarter k's realisasi (role of the SOP's data step, paraf)."""
    return perform(book, layout.ACTION_LAPOR_REALISASI, ctx)


def verifikasi_realisasi(book, ctx: ActionContext) -> str:
    """Verify it (role of the pemeriksaan step, paraf, catatan verifikator); refused while it has errors."""
    return perform(book, layout.ACTION_VERIFIKASI_REALISASI, ctx)


def sahkan_realisasi(book, ctx: ActionContext) -> str:
    """Approve it (role of the penetapan step, tanda tangan)."""
    return perform(book, layout.ACTION_SAHKAN_REALISASI, ctx)


__all__ = [
    "approved_quarters",
    "realisasi_roles",
    "report_state",
    "due_date",
    "punctuality",
    "lapor_realisasi",
    "verifikasi_realisasi",
    "sahkan_realisasi",
]


@macro_equivalent(layout.MACRO_KUNCI_REALISASI)
def _lock_realisasi(wb, *args) -> None:
    """Headless twin of the VBA Sub Renaksi_KunciRealisasi(wb): the realisasi sheets read-only."""
    workflow.protect_sheets(wb, layout.LOCKED_AFTER_YEAR_END, True)
