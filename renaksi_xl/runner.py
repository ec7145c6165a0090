"""`renaksi-xl run ACTION BOOK`: one button click on a workbook file, without Excel.

The file becomes the VBA client's payload, the button's function runs on the
xlwings remote engine (`renaksi_xl.macros.run_action`, the same code as the
desktop and the server), and the returned actions are applied to the file
under a lock and saved atomically (`renaksi_xl.headless.run_on_file`).
Exit 0 done, 1 refused (SOP rules or validation), 2 unusable input; on 1 and 2
the file is left byte-identical.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from .context import WIB, ActionContext
from .errors import InputError, Refused

FIELD_OPTIONS = ("kepada", "batas", "peserta", "keputusan")


def parse_waktu(text: str | None) -> dt.datetime | None:
    """--waktu: ISO 8601; without an offset it is WIB."""
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(
            f"Opsi --waktu '{text}' bukan waktu ISO 8601. Contoh: 2025-01-06T09:00+07:00 atau 2025-01-06T09:00 (WIB)."
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


def _check_date(option: str, text: str | None) -> str | None:
    if text is None:
        return None
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(f"Opsi --{option} '{text}' bukan tanggal YYYY-MM-DD, mis. 2025-01-08.") from exc
    return text.strip()


def context_from_args(args) -> ActionContext:
    """The CLI options as an ActionContext (bad values: InputError, exit 2)."""
    files = []
    for f in getattr(args, "dpa", None) or []:
        p = Path(f)
        if not p.is_file():
            raise InputError(f"Berkas --dpa '{f}' tidak ditemukan.")
        files.append(str(p.resolve()))
    fields = {}
    for name in FIELD_OPTIONS:
        value = getattr(args, name, None)
        if name == "batas":
            value = _check_date(name, value)
        if value is not None:
            fields[name] = value
    nip = getattr(args, "pejabat", None)
    if nip is not None:
        nip = nip.strip()
        if not nip.isdigit():
            raise InputError(f"Opsi --pejabat '{nip}' bukan NIP: NIP terdiri atas 18 angka.")
    return ActionContext(
        nip=nip or None,
        now=parse_waktu(getattr(args, "waktu", None)),
        catatan=getattr(args, "catatan", None),
        fields=fields,
        files=files,
    )


def run_action(path: str | os.PathLike, action: str, ctx: ActionContext, out: str | os.PathLike | None = None):
    """Run `action` on the workbook file at `path` and save the result to `out`
    (default: in place).  Returns (summary, AppliedResult).

    Raises Refused / InputError before anything is written.
    """
    from . import headless, macros

    macros.check_action(action)
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Buku kerja '{path}' tidak ditemukan.")
    if out is not None:
        out = Path(out)
        if not out.parent.is_dir():
            raise InputError(f"Folder untuk --out '{out}' tidak ada.")
    return headless.run_on_file(path, lambda book: macros.run_action(book, action, ctx), out_path=out)


def cmd_run(args) -> int:
    """`renaksi-xl run`: print the summary and the workbook's messages in Indonesian."""
    from . import macros

    macros.check_action(args.action)
    ctx = context_from_args(args)
    try:
        summary, applied = run_action(args.book, args.action, ctx, out=args.out)
    except Refused as exc:
        print(f"Ditolak: {exc.message}", file=sys.stderr)
        print("Buku kerja tidak diubah.", file=sys.stderr)
        return exc.exit_code
    except InputError as exc:
        print(f"Galat: {exc.message}", file=sys.stderr)
        if "tidak diubah" not in exc.message:
            print("Buku kerja tidak diubah.", file=sys.stderr)
        return exc.exit_code
    for title, prompt in applied.alerts:
        print(f"[{title}] {prompt}" if title else prompt)
    if summary:
        print(summary)
    target = args.out or args.book
    print(f"Selesai: aksi '{args.action}' dijalankan; hasil disimpan di {target}.")
    return 0
