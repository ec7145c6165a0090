"""The audit trail: one log line per action request, through Python logging.

Logger name: `renaksi_xl.server.audit` (AUDIT_LOGGER), level INFO.  The line says
when, who (the token's NIP and role from the config, never the token), which
action, the HTTP status and the answer's status, the SHA-256 of the payload as
received, and how long it took:

    2025-01-06T09:00:00.123+07:00 nip=198303302001121003 peran="Camat" aksi=validasi http=200 status=selesai sha256=ab12… ms=42

The same fields ride on the record as `extra` (record.audit, a dict) for
structured handlers.  One reason to change: what the audit trail records
(docs/server.md, "Audit log")."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

AUDIT_LOGGER = "renaksi_xl.server.audit"
audit_log = logging.getLogger(AUDIT_LOGGER)


def log_to_stderr() -> None:
    """For `renaksi-xl serve`: the audit lines on standard error, beside uvicorn's own
    log, unless a handler was configured already."""
    import sys

    if not audit_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        audit_log.addHandler(handler)
    if audit_log.level == logging.NOTSET or audit_log.level > logging.INFO:
        audit_log.setLevel(logging.INFO)


def payload_hash(body: bytes | None) -> str:
    """SHA-256 (hex) of the request body as received; '-' when none was read."""
    return hashlib.sha256(body).hexdigest() if body is not None else "-"


def record(
    *, nip: str, role: str, action: str, http: int, status: str, body: bytes | None, seconds: float
) -> dict:
    """Log one audit line; returns its fields."""
    fields: dict[str, Any] = {
        "time": dt.datetime.now().astimezone().isoformat(timespec="milliseconds"),
        "nip": nip or "-",
        "role": role or "-",
        "action": action,
        "http": http,
        "status": status or "-",
        "sha256": payload_hash(body),
        "ms": round(seconds * 1000),
    }
    audit_log.info(
        '%s nip=%s peran="%s" aksi=%s http=%d status=%s sha256=%s ms=%d',
        fields["time"],
        fields["nip"],
        fields["role"],
        _one_line(action),
        fields["http"],
        fields["status"],
        fields["sha256"],
        fields["ms"],
        extra={"audit": fields},
    )
    return fields


def _one_line(text: str) -> str:
    """The action comes from the URL: no spaces or line breaks may forge a second line."""
    return "".join(ch if ch.isprintable() and not ch.isspace() else "?" for ch in text)[:80] or "-"
