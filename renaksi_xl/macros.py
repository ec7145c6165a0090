"""The action registry: one Python function per button, and the RunPython entry points.

`ACTIONS` maps each contract action name (layout.ACTION_*) to a function
`f(book, ctx) -> str` (the summary shown to the user).  The same functions
run in all three engines: desktop Excel (`RunPython`, the entry points at the
bottom of this module), the xlwings Server (`renaksi_xl.server`) and the
headless runner (`renaksi_xl.runner`); all of them go through `run_action`
on a remote-engine Book and apply its actions only when it returns (the
desktop through `renaksi_xl.desktop`).

The bodies live in other modules and are imported only when a button is
clicked: startup stays fast, and a button whose module is missing from this
installation answers with a clear Indonesian message (`ActionUnavailable`)
instead of a traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from . import layout
from .context import ActionContext
from .errors import InputError, Refused, RenaksiError

ActionFn = Callable[[Any, ActionContext], str]


class _Action:
    """A button's function, naming the program parts (module:function) it runs."""

    def __init__(self, run: ActionFn, targets: tuple[str, ...], doc: str) -> None:
        self._run = run
        self.targets = targets
        self.__doc__ = doc

    def __call__(self, book: Any, ctx: ActionContext) -> str:
        return self._run(book, ctx)


class ActionUnavailable(InputError):
    """The module behind a button is not part of this installation (exit 2)."""


def _caption(action: str) -> str:
    for b in layout.BUTTONS:
        if b.action == action:
            return b.caption.split(". ", 1)[-1] if b.caption[:1].isdigit() else b.caption
    return action


def _resolve(action: str, target: str) -> Callable:
    """Import 'package.module:function' now; a missing part becomes ActionUnavailable."""
    module_name, func_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if not (missing == module_name or module_name.startswith(missing + ".")):
            raise  # a dependency of the module is missing: a real installation bug
        raise ActionUnavailable(_unavailable_message(action, module_name)) from exc
    func = getattr(module, func_name, None)
    if func is None:
        raise ActionUnavailable(_unavailable_message(action, f"{module_name}.{func_name}"))
    return func


def _unavailable_message(action: str, part: str) -> str:
    return (
        f"Tombol '{_caption(action)}' (aksi '{action}') belum bisa dipakai: bagian program "
        f"'{part}' belum terpasang di renaksi-xl versi ini. Buku kerja tidak diubah. "
        "Perbarui renaksi-xl (pip install -U renaksi-xl) atau hubungi admin."
    )


def _perform(action: str, body: str) -> ActionFn:
    """An SOP step: workflow.perform checks order and role, runs the body, writes the paraf."""

    def run(book, ctx: ActionContext) -> str:
        perform = _resolve(action, "renaksi_xl.workflow:perform")
        body_fn = _resolve(action, body)
        return perform(book, action, ctx, body_fn)

    return _Action(
        run, ("renaksi_xl.workflow:perform", body), f"Action '{action}': workflow.perform with {body}."
    )


def _step(action: str, target: str) -> ActionFn:
    """A workflow function that is the whole action (records included)."""

    def run(book, ctx: ActionContext) -> str:
        return _resolve(action, target)(book, ctx)

    return _Action(run, (target,), f"Action '{action}': {target}.")


def _recorded(action: str, body: str) -> ActionFn:
    """A body that is not an SOP step, followed by its record in the Log (no paraf)."""

    def run(book, ctx: ActionContext) -> str:
        body_fn = _resolve(action, body)
        record = _resolve(action, "renaksi_xl.workflow:record_run")
        summary = body_fn(book, ctx)
        noted = record(book, action, ctx, summary)
        return "\n".join(s for s in (summary, noted) if s)

    return _Action(
        run, (body, "renaksi_xl.workflow:record_run"), f"Action '{action}': {body}, then workflow.record_run."
    )


ACTIONS: dict[str, ActionFn] = {
    layout.ACTION_DISPOSISI: _step(layout.ACTION_DISPOSISI, "renaksi_xl.workflow:catat_disposisi"),
    layout.ACTION_TARIK_DPA: _perform(layout.ACTION_TARIK_DPA, "renaksi_xl.dpa.load:tarik_dpa_body"),
    layout.ACTION_SUSUN: _perform(layout.ACTION_SUSUN, "renaksi_xl.plan:susun_body"),
    layout.ACTION_PEMBAHASAN: _step(layout.ACTION_PEMBAHASAN, "renaksi_xl.workflow:catat_pembahasan"),
    layout.ACTION_VALIDASI: _recorded(layout.ACTION_VALIDASI, "renaksi_xl.validate:validasi_body"),
    layout.ACTION_PARAF_PEMERIKSAAN: _step(
        layout.ACTION_PARAF_PEMERIKSAAN, "renaksi_xl.workflow:paraf_pemeriksaan"
    ),
    layout.ACTION_PARAF: _step(layout.ACTION_PARAF, "renaksi_xl.workflow:paraf"),
    layout.ACTION_KEMBALIKAN: _step(layout.ACTION_KEMBALIKAN, "renaksi_xl.workflow:kembalikan"),
    layout.ACTION_TETAPKAN: _step(layout.ACTION_TETAPKAN, "renaksi_xl.workflow:tetapkan"),
    layout.ACTION_PERIKSA_KEASLIAN: _step(
        layout.ACTION_PERIKSA_KEASLIAN, "renaksi_xl.workflow:periksa_keaslian"
    ),
    layout.ACTION_IMPOR_KINERJA: _recorded(
        layout.ACTION_IMPOR_KINERJA, "renaksi_xl.dpa.load:impor_kinerja_body"
    ),
    layout.ACTION_IMPOR_REALISASI: _recorded(
        layout.ACTION_IMPOR_REALISASI, "renaksi_xl.sipd_realisasi:impor_realisasi_body"
    ),
    layout.ACTION_HITUNG_CAPAIAN: _step(
        layout.ACTION_HITUNG_CAPAIAN, "renaksi_xl.capaian:hitung_capaian_body"
    ),
    **{
        action: _step(action, f"renaksi_xl.laporan:{action.replace('-', '_')}")
        for action in layout.REALISASI_ACTIONS
    },
    layout.ACTION_EMAIL: _step(layout.ACTION_EMAIL, "renaksi_xl.review:siapkan_email_body"),
    layout.ACTION_PDF: _step(layout.ACTION_PDF, "renaksi_xl.pdf:cetak_pdf_body"),
    layout.ACTION_REVISI: _step(layout.ACTION_REVISI, "renaksi_xl.revision:revisi"),
}


def missing_parts(action: str) -> list[str]:
    """The program parts an action needs that this installation lacks (empty: usable)."""
    missing = []
    for target in getattr(ACTIONS[check_action(action)], "targets", ()):
        try:
            _resolve(action, target)
        except ActionUnavailable:
            missing.append(target.replace(":", "."))
    return missing


def check_action(action: str) -> str:
    """The action name if it is one of ours, else InputError listing the valid ones."""
    if action not in ACTIONS:
        raise InputError(f"Aksi '{action}' tidak dikenal. Aksi yang tersedia: " + ", ".join(ACTIONS) + ".")
    return action


def run_action(book, action: str, ctx: ActionContext) -> str:
    """Run one button's function on `book` (any engine); returns the summary text.

    Raises Refused (SOP/validation said no) or InputError (unusable input);
    since every engine only applies a book's actions when this returns, a raise
    leaves the workbook as it was (desktop, server and headless).
    """
    fn = ACTIONS[check_action(action)]
    check_workbook(book)
    ctx.action = action
    summary = fn(book, ctx) or ""
    # Text stays text, whole, in every engine: the one place the queued writes are checked.
    from .cellsafe import protect_book

    protect_book(book)
    return summary


def check_workbook(book) -> None:
    """Every button needs a Rencana Aksi workbook: all the layout's sheets present."""
    from .tables import WorkbookError

    present = {s.name for s in book.sheets}
    expected = [name for name in layout.SHEET_ORDER if name not in layout.OPTIONAL_SHEETS]
    if not any(name in present for name in expected):
        missing = expected
    else:  # the step sheets follow the workbook's own SOP (an older workbook has no _SOP sheet)
        from . import sop

        lay = layout.BookLayout.of(sop.from_book(book))
        expected = [name for name in lay.sheet_order if name not in layout.OPTIONAL_SHEETS]
        missing = [name for name in expected if name not in present]
    if not missing:
        return
    name = str(book.name).replace("\\", "/").rsplit("/", 1)[-1]
    if len(missing) == len(expected):
        raise WorkbookError(
            f"Buku kerja '{name}' bukan buku kerja Rencana Aksi: tidak ada satu pun lembarnya (mis. "
            f"'{layout.SHEET_BERANDA}', '{layout.SHEET_DPA}', '{layout.SHEET_LOG}'). "
            "Pakai buku kerja RencanaAksi.xlsm dari admin."
        )
    raise WorkbookError(
        f"Buku kerja '{name}' bukan buku kerja Rencana Aksi yang lengkap: lembar "
        + ", ".join(f"'{m}'" for m in missing)
        + " tidak ada. Pakai buku kerja RencanaAksi.xlsm dari admin, dan jangan menghapus atau "
        "mengganti nama lembarnya."
    )


# --------------------------------------------------------------------------- desktop
TITLE_DONE = "Renaksi: selesai"
TITLE_REFUSED = "Renaksi: ditolak"
TITLE_INPUT = "Renaksi: tidak bisa dijalankan"


def context_from_book(book, *, files: list[str] | None = None) -> ActionContext:
    """Desktop clicks act as the official whose NIP is 'NIP Pengguna' in Pengaturan, now."""
    from .tables import read_settings

    nip = read_settings(book).get(layout.SET_PEJABAT_AKTIF)
    if isinstance(nip, (int, float)) and not isinstance(nip, bool):
        raise InputError(
            f"Setelan '{layout.SET_PEJABAT_AKTIF}' (lembar {layout.SHEET_PENGATURAN}, tabel "
            f"{layout.TBL_SETELAN}) tersimpan sebagai angka, sehingga digit NIP bisa berubah. "
            "Ketik ulang NIP sebagai teks (awali dengan tanda petik ')."
        )
    nip = str(nip).strip() if nip is not None else ""
    from .ttd.keys import DesktopKeys  # the user's own key files (kunci.toml), never the workbook's

    return ActionContext(nip=nip or None, files=list(files or []), keys=DesktopKeys())


def alert_error(book, exc: RenaksiError) -> None:
    """Show a refusal or an input problem as an Indonesian message box."""
    title = TITLE_REFUSED if isinstance(exc, Refused) else TITLE_INPUT
    book.app.alert(exc.message, title, mode="critical")


def run_on_caller(action: str, *files: str, book=None) -> str | None:
    """What every RunPython entry point does: run `action` for the calling
    workbook and tell the user the outcome in a message box, never a traceback.

    Transactional like the server and headless engines, on literally the same
    code path: the caller book becomes the VBA client's payload, the action runs
    on a remote-engine Book, and only if it returns are its actions applied to
    the caller (`renaksi_xl.desktop`).  A refusal, an input problem or a bug
    leaves the open workbook exactly as it was.
    """
    from . import desktop

    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    try:
        summary, actions = desktop.run_remote(
            desktop.payload_from_book(book),
            lambda remote: run_action(remote, action, context_from_book(remote, files=list(files))),
        )
        desktop.check_actions(actions)
    except RenaksiError as exc:
        alert_error(book, exc)
        return None
    except Exception as exc:  # a bug: nothing was applied, say so in Indonesian
        _log_traceback()
        book.app.alert(_unexpected_message(action, exc, applied=False), TITLE_INPUT, mode="critical")
        return None
    try:
        desktop.apply_actions(book, actions)
    except Exception as exc:  # Excel refused a change midway (e.g. a protected cell)
        _log_traceback()
        book.app.alert(_unexpected_message(action, exc, applied=True), TITLE_INPUT, mode="critical")
        return None
    if summary:
        book.app.alert(summary, TITLE_DONE, mode="info")
    return summary


def _log_traceback() -> None:
    """The details for the admin go to stderr (the RunPython log), not to the message box."""
    import traceback

    traceback.print_exc()


def _unexpected_message(action: str, exc: Exception, *, applied: bool) -> str:
    what = f"{type(exc).__name__}: {exc}".strip()
    if applied:
        return (
            f"Tombol '{_caption(action)}' berhenti saat Excel menerapkan perubahan ({what}). "
            "Sebagian perubahan mungkin sudah diterapkan: tutup buku kerja tanpa menyimpan, buka lagi, "
            "lalu ulangi. Bila terulang, laporkan pesan ini ke admin."
        )
    return (
        f"Tombol '{_caption(action)}' berhenti karena kesalahan program ({what}). "
        "Buku kerja tidak diubah. Laporkan pesan ini ke admin."
    )


# RunPython entry points: the workbook's VBA calls
#   RunPython "import renaksi_xl.macros as m; m.tarik_dpa()"
# Optional file paths (tarik_dpa / impor_kinerja / impor_realisasi) are DPA/PK/SIPD files on this PC.
def catat_disposisi():
    return run_on_caller(layout.ACTION_DISPOSISI)


def tarik_dpa(*files: str):
    return run_on_caller(layout.ACTION_TARIK_DPA, *files)


def susun():
    return run_on_caller(layout.ACTION_SUSUN)


def catat_pembahasan():
    return run_on_caller(layout.ACTION_PEMBAHASAN)


def validasi():
    return run_on_caller(layout.ACTION_VALIDASI)


def paraf_pemeriksaan():
    return run_on_caller(layout.ACTION_PARAF_PEMERIKSAAN)


def paraf():
    return run_on_caller(layout.ACTION_PARAF)


def kembalikan():
    return run_on_caller(layout.ACTION_KEMBALIKAN)


def tetapkan():
    return run_on_caller(layout.ACTION_TETAPKAN)


def periksa_keaslian():
    return run_on_caller(layout.ACTION_PERIKSA_KEASLIAN)


def impor_kinerja(*files: str):
    return run_on_caller(layout.ACTION_IMPOR_KINERJA, *files)


def impor_realisasi(*files: str):
    return run_on_caller(layout.ACTION_IMPOR_REALISASI, *files)


def hitung_capaian():
    return run_on_caller(layout.ACTION_HITUNG_CAPAIAN)


def lapor_realisasi():
    return run_on_caller(layout.ACTION_LAPOR_REALISASI)


def verifikasi_realisasi():
    return run_on_caller(layout.ACTION_VERIFIKASI_REALISASI)


def sahkan_realisasi():
    return run_on_caller(layout.ACTION_SAHKAN_REALISASI)


def siapkan_email():
    return run_on_caller(layout.ACTION_EMAIL)


def cetak_pdf():
    return run_on_caller(layout.ACTION_PDF)


def revisi():
    return run_on_caller(layout.ACTION_REVISI)


def entry_point_name(action: str) -> str:
    """The RunPython function name of an action: '-' becomes '_'."""
    return action.replace("-", "_")
