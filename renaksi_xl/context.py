"""What an action needs to know besides the workbook: who acts, when, with which notes.

Each engine fills it its own way: the desktop entry points from `Pengaturan`
and the clock, the server from the caller's token, the CLI from its options.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


@dataclass
class ActionContext:
    nip: str | None = None  # acting official; None: "NIP Pengguna" in Pengaturan
    now: dt.datetime | None = None  # aware time of the action; None: the clock
    catatan: str | None = None  # free note / instruction / reason
    fields: dict[str, str] = field(default_factory=dict)  # step inputs (kepada, batas, peserta, keputusan)
    files: list[str] = field(default_factory=list)  # DPA/PK files on disk (local and headless only)
    kas_files: list[str] = field(default_factory=list)  # Anggaran Kas (RAK) files for tarik-dpa
    identity_from_server: bool = False  # the NIP was authenticated by the server's token
    role: str | None = None  # role asserted by the server config (checked against Pengaturan)
    action: str | None = None  # the action being run (set by renaksi_xl.macros.run_action)
    # The SOP the server trusts (server mode): it alone maps steps to roles, never the workbook.
    sop: object | None = None
    # Set by an action that ran to the end but found problems (validasi with errors, a changed
    # workbook in periksa-keaslian): its changes are kept and `renaksi-xl run` exits 1.
    found_problems: bool = False
    from_cli: bool = False  # run by `renaksi-xl run`: messages may name its options
    # Signing (renaksi_xl.ttd): where a paraf / tanda tangan record gets its signature
    # (a ttd.signer.KeySource; None: the record is written unsigned), and the trust
    # anchors a 'periksa-keaslian' checks signatures against (a ttd.trust.TrustStore).
    keys: Any = None
    trust: Any = None

    def option_hint(self, option: str) -> str:
        """' atau pakai opsi --x' on the command line; nothing for Excel users (no such option there)."""
        return f" atau pakai opsi {option}" if self.from_cli else ""

    def time(self) -> dt.datetime:
        """The action's time in WIB."""
        if self.now is None:
            return dt.datetime.now(WIB).replace(microsecond=0)
        if self.now.tzinfo is None:
            return self.now.replace(tzinfo=WIB)
        return self.now.astimezone(WIB)


def format_timestamp(moment: dt.datetime) -> str:
    """'2025-01-06 09:00 WIB': the text stored in the workbook.

    Not ISO 8601 on purpose: the xlwings VBA client turns ISO strings into
    dates (WebHelpers.ParseIso), which would make the record engine-dependent.
    """
    moment = moment.astimezone(WIB)
    return moment.strftime("%Y-%m-%d %H:%M WIB")


def parse_timestamp(text) -> dt.datetime | None:
    """Inverse of format_timestamp; also accepts ISO 8601 and datetime values."""
    if text is None or text == "":
        return None
    if isinstance(text, dt.datetime):
        return text if text.tzinfo else text.replace(tzinfo=WIB)
    s = str(text).strip()
    if s.endswith(" WIB"):
        return dt.datetime.strptime(s[:-4], "%Y-%m-%d %H:%M").replace(tzinfo=WIB)
    moment = dt.datetime.fromisoformat(s)
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)
