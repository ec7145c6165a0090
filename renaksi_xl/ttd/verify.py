"""Signature verdicts for `renaksi-xl verify` and the 'Periksa Keaslian' button.

`check_signatures` adds to each record of an integrity.Verdict its signature
status and signer, and makes `ok` false when any signature is invalid, untrusted
or from another NIP (and, when signatures are required, absent).
"""

from __future__ import annotations

from ..integrity import Verdict, read_log, records_of
from . import records
from .trust import TrustStore, load_trust

COUNT_LABELS = (
    (records.VALID, "sah"),
    (records.INVALID, "tidak sah"),
    (records.UNTRUSTED, "tidak dipercaya"),
    (records.NIP_MISMATCH, "dari NIP lain"),
    (records.ABSENT, "tanpa tanda tangan"),
)


def check_signatures(book, verdict: Verdict, store: TrustStore, *, require: bool = False) -> Verdict:
    from .. import layout

    log = records_of(read_log(book))
    # verify_book lists the Log's records first, in order, then records whose Log row is gone.
    for row, rv in zip(log, verdict.records):
        check = records.check_record(row.cells, store, f"{layout.SHEET_LOG}!{row.address}")
        rv.signature, rv.signer, rv.signature_reason = check.status, check.signer, check.reason
    bad = [r for r in verdict.records if r.signature in records.BAD]
    absent = [r for r in verdict.records if r.signature == records.ABSENT]
    if bad or (require and absent):
        verdict.ok = False
    verdict.notes.extend(signature_notes(verdict, store, require))
    return verdict


def signature_notes(verdict: Verdict, store: TrustStore, require: bool) -> list[str]:
    counts = [
        f"{sum(r.signature == status for r in verdict.records)} {label}"
        for status, label in COUNT_LABELS
        if any(r.signature == status for r in verdict.records)
    ]
    lines = []
    if counts:
        lines.append("Tanda tangan digital: " + ", ".join(counts) + ".")
    signed = any(r.signature != records.ABSENT for r in verdict.records)
    if store.sources:
        lines.append("CA yang dipercaya: " + "; ".join(store.sources) + ".")
    elif signed:
        lines.append("Tidak ada CA yang dipercaya (berikan --percaya CA.pem).")
    if require and any(r.signature == records.ABSENT for r in verdict.records):
        lines.append(
            "Tanda tangan digital diwajibkan (--wajib-tanda-tangan): catatan tanpa tanda tangan ditolak."
        )
    return lines


def check_signatures_from_args(book, verdict: Verdict, args) -> Verdict:
    store = load_trust(getattr(args, "percaya", None) or ())
    return check_signatures(book, verdict, store, require=bool(getattr(args, "wajib_tanda_tangan", False)))


def step_lines(verdict: Verdict) -> list[str]:
    """'Periksa Keaslian': one line per record, the same verdict as `verify`."""
    from ..integrity import signature_text

    out = []
    for r in verdict.records:
        chain = "utuh" if r.valid else "TIDAK UTUH"
        out.append(f"Langkah {r.step} ({r.action}, {r.name or r.role}): {chain}; {signature_text(r)}.")
    return out


def summary(verdict: Verdict) -> str:
    """One line for Beranda (nmKeaslian): the chain's summary and the signatures'."""
    base = verdict.summary()
    bad = [r for r in verdict.records if r.signature in records.BAD]
    if bad and all(r.valid for r in verdict.records):
        r = bad[0]
        base = f"TANDA TANGAN BERMASALAH: Langkah {r.step} ({r.action}): {r.signature_reason}."
    counts = [
        f"{sum(r.signature == status for r in verdict.records)} {label}"
        for status, label in COUNT_LABELS
        if any(r.signature == status for r in verdict.records)
    ]
    return base + (" Tanda tangan digital: " + ", ".join(counts) + "." if counts else "")


def periksa_keaslian(book, ctx, verdict: Verdict) -> list[str]:
    """Hook of workflow.periksa_keaslian: signatures checked against the context's trust
    (the server config's, or the user's folder); returns the per-step lines."""
    store = getattr(ctx, "trust", None)
    if store is None:  # the server trusts only its config, never a folder on the server machine
        store = TrustStore() if getattr(ctx, "identity_from_server", False) else load_trust()
    check_signatures(book, verdict, store)
    return step_lines(verdict)
