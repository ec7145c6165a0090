"""`renaksi-xl run ACTION BOOK`: one button click on a workbook file, without Excel.

The file becomes the VBA client's payload, the button's function runs on the
xlwings remote engine (`renaksi_xl.macros.run_action`, the same code as the
desktop and the server), and the returned actions are applied to the file
under a lock and saved atomically (`renaksi_xl.headless.run_on_file`).
Exit 0 done, 1 refused (SOP rules or validation), 2 unusable input; on a refusal
and on 2 the file is left byte-identical. `validasi` that finds errors and
`periksa-keaslian` on a changed workbook also exit 1, after saving their findings.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from . import layout
from .context import WIB, ActionContext
from .errors import InputError

FIELD_OPTIONS = ("kepada", "batas", "peserta", "keputusan", "tanggal", "tw")


class OptionError(InputError):
    """A command-line option's value is unusable; the message names the option (exit 2)."""

    about_option = True


def parse_waktu(text: str | None) -> dt.datetime | None:
    """--waktu: ISO 8601; without an offset it is WIB."""
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise OptionError(
            f"Opsi --waktu '{text}' bukan waktu ISO 8601. Contoh: 2025-01-06T09:00+07:00 atau 2025-01-06T09:00 (WIB)."
        ) from exc
    moment = moment if moment.tzinfo else moment.replace(tzinfo=WIB)
    check_waktu_bounds(moment, text)
    return moment


# How far --waktu may be from the machine's clock.  A record's time must be after the
# previous record's, so one record dated in the far future would block every later
# action; a record before the electronic SOP existed is a typo.
EARLIEST_WAKTU = dt.datetime(2000, 1, 1, tzinfo=WIB)
WAKTU_AHEAD = dt.timedelta(days=1)


def check_waktu_bounds(moment: dt.datetime, text: str, *, now: dt.datetime | None = None) -> None:
    """--waktu between 2000-01-01 and one day ahead of this machine's clock."""
    now = now or dt.datetime.now(WIB)
    try:
        too_late = moment > now + WAKTU_AHEAD
        too_early = moment < EARLIEST_WAKTU
    except OverflowError:  # an offset pushing year 9999 past the calendar's end
        too_late, too_early = True, False
    if too_late:
        raise OptionError(
            f"Opsi --waktu '{text}' lebih dari satu hari di depan jam komputer ini "
            f"({now:%Y-%m-%d %H:%M} WIB). Waktu tindakan tidak boleh di masa depan: catatan "
            "sesudahnya harus lebih akhir, jadi satu waktu yang terlalu jauh akan menahan semua "
            "langkah berikutnya. Periksa tahunnya."
        )
    if too_early:
        raise OptionError(
            f"Opsi --waktu '{text}' sebelum tahun 2000; periksa tahunnya, mis. 2025-01-06T09:00."
        )


def _check_date(option: str, text: str | None) -> str | None:
    if text is None:
        return None
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise OptionError(f"Opsi --{option} '{text}' bukan tanggal YYYY-MM-DD, mis. 2025-01-08.") from exc
    return text.strip()


def _check_day(option: str, text: str | None) -> str | None:
    """--tanggal: any date the workflow reads from the cell (ISO, DD-MM-YYYY, '9 Januari 2025')."""
    if text is None:
        return None
    from .worktime import parse_day

    if parse_day(text.strip()) is None:
        raise OptionError(
            f"Opsi --{option} '{text}' bukan tanggal. Tulis seperti 2025-01-09 atau '9 Januari 2025'."
        )
    return text.strip()


def _existing_file(option: str, name: str, error=InputError) -> Path:
    p = Path(name)
    if p.is_dir():
        raise error(f"{option} '{name}' adalah folder, bukan berkas. Tulis nama berkasnya.")
    if not p.is_file():
        raise error(f"{option} '{name}' tidak ditemukan. Periksa nama dan foldernya.")
    return p


def context_from_args(args) -> ActionContext:
    """The CLI options as an ActionContext (bad values: InputError, exit 2)."""
    files = []
    for f in getattr(args, "dpa", None) or []:
        files.append(str(_existing_file("Berkas --dpa", f, OptionError).resolve()))
    kas_files = [
        str(_existing_file("Berkas --kas", f, OptionError).resolve())
        for f in getattr(args, "kas", None) or []
    ]
    for f in getattr(args, "berkas", None) or []:
        files.append(str(_existing_file("Berkas --berkas", f, OptionError).resolve()))
    fields = {}
    for name in FIELD_OPTIONS:
        value = getattr(args, name, None)
        if name == "batas":
            value = _check_date(name, value)
        elif name == "tanggal":
            value = _check_day(name, value)
        if value is not None:
            fields[name] = value
    from .cellsafe import check_text

    for name in ("catatan", *FIELD_OPTIONS):
        value = getattr(args, name, None)
        if isinstance(value, str):  # stored in the workbook as typed: refuse now what cannot be
            try:
                check_text(value, f"Opsi --{name}")
            except InputError as exc:
                raise OptionError(exc.message) from None
    nip = getattr(args, "pejabat", None)
    if nip is not None:
        from .nip import nip_problem

        nip = nip.strip()
        problem = nip_problem(nip)
        if problem:
            raise OptionError(f"Opsi --pejabat '{nip}' bukan NIP yang sah: {problem}.")
    ctx = ActionContext(
        nip=nip or None,
        now=parse_waktu(getattr(args, "waktu", None)),
        catatan=getattr(args, "catatan", None),
        fields=fields,
        files=files,
        kas_files=kas_files,
        from_cli=True,
    )
    _signing_options(args, ctx)
    return ctx


def _signing_options(args, ctx: ActionContext) -> None:
    """--kunci: records are signed with that PKCS#12 file (passphrase asked when a record is
    written); --percaya: the CAs 'periksa-keaslian' trusts besides the user's folder."""
    kunci = getattr(args, "kunci", None)
    if kunci:
        from .ttd.signer import Pkcs12File

        ctx.keys = Pkcs12File(_existing_file("Berkas --kunci", kunci, OptionError), where="Berkas --kunci")
    percaya = getattr(args, "percaya", None)
    if percaya:
        from .ttd.trust import load_trust

        ctx.trust = load_trust(percaya)


def check_out(out: str | os.PathLike, example_name: str) -> Path:
    """An --out file of any command (run, pdf, email): its folder must exist and be
    writable; a missing folder is refused, never created (a typo would scatter files)."""
    out = Path(out)
    if out.is_dir():
        raise OptionError(f"--out '{out}' adalah folder. Tulis nama berkasnya, mis. {out / example_name}.")
    if not out.parent.is_dir():
        raise OptionError(f"Folder untuk --out '{out}' ({out.parent}) tidak ada. Buat foldernya dulu.")
    if not os.access(out.parent, os.W_OK):
        raise OptionError(f"Folder untuk --out '{out}' ({out.parent}) hanya-baca. Pilih folder lain.")
    return out


def run_action(
    path: str | os.PathLike, action: str, ctx: ActionContext, out: str | os.PathLike | None = None
):
    """Run `action` on the workbook file at `path` and save the result to `out`
    (default: in place).  Returns (summary, AppliedResult).

    Raises Refused / InputError before anything is written.
    """
    from . import headless, macros

    macros.check_action(action)
    path = _existing_file("Buku kerja", str(path))
    if out is not None:
        if Path(out).exists() and os.path.samefile(out, path) and not Path(out).is_symlink():
            out = None  # the workbook itself: in place (at its real path)
        else:
            from .outputs import check_output

            out = check_output(check_out(out, path.name), option="--out")
    return headless.run_on_file(path, lambda book: macros.run_action(book, action, ctx), out_path=out)


def cmd_run(args) -> int:
    """`renaksi-xl run`: print the summary and the workbook's messages in Indonesian."""
    from . import macros

    macros.check_action(args.action)
    ctx = context_from_args(args)
    summary, applied = run_action(args.book, args.action, ctx, out=args.out)
    for title, prompt in applied.alerts:
        print(f"[{title}] {prompt}" if title else prompt)
    if summary:
        print(summary)
    target = args.out or args.book
    print(f"Selesai: aksi '{args.action}' dijalankan; hasil disimpan di {target}.")
    if args.action == layout.ACTION_TETAPKAN and ctx.keys is not None:
        from .ttd.pdfsign import after_penetapan

        after_penetapan(args, ctx)
    if ctx.found_problems:
        print(
            f"Aksi '{args.action}' menemukan masalah (lihat pesan di atas): kode keluar 1.", file=sys.stderr
        )
        return 1
    return 0
