"""xlwings Server mode: `renaksi-xl serve`, a FastAPI app for the workbook's VBA client.

A button in server mode calls the embedded xlwings VBA client
(`RunRemotePython "<URL Server>/aksi/<action>", auth:=<Token Server>`), which
posts the whole workbook as JSON.  This app decides who acts from the token
(never from the workbook), opens the payload with `xw.Book(json=payload)`,
runs the same function as the desktop and headless engines
(`renaksi_xl.macros.run_action`) and answers with the actions to apply.

Answers, chosen for what the VBA client does with them:
- 200 `{"actions": [...]}` when the action ran; its summary comes last as an
  `alert` action (a message box titled "Renaksi: selesai").
- 200 `{"actions": [alert]}` when the SOP rules refuse it or the workbook's data
  cannot be used: the user gets an Indonesian message box with a proper title
  and the workbook is untouched.  `status`/`message` in the JSON and the
  `X-Renaksi-Status` header tell scripts which case it was (the VBA client
  reads only `actions`).
- any other status (401, 404, 408, 413, 422, 429, 500, 504) has a plain-text Indonesian
  body: the VBA client shows a non-200 body verbatim in a message box, so it
  must not be JSON.  Nothing is changed in the workbook.

The server is split by concern: server_config (the config file), server_app (the
request's path), server_limits (actions at once, JSON limits, stopping late
actions), server_guard (no files from requests), server_schema (the payload),
server_answers (what the user sees), server_audit (the audit log, logger
`renaksi_xl.server.audit`), server_http (uvicorn with a header-read timeout).
This module keeps the public names and runs the server.

Run as a module for admin helpers: `python -m renaksi_xl.server hash-token`
(hash a token for the config) and `python -m renaksi_xl.server new-token NIP ROLE`.
"""

import os
import sys
from pathlib import Path

from . import layout
from .errors import InputError, Refused
from .nip import nip_problem
from .server_answers import (
    STATUS_DONE,
    STATUS_HEADER,
    STATUS_INPUT,
    STATUS_REFUSED,
    TEXT_UNAUTHORIZED,
    size_text,
)
from .server_app import ACTION_THREADS, create_app
from .server_audit import AUDIT_LOGGER
from .server_config import (
    CONFIG_ENV,
    DEFAULT_BODY_TIMEOUT_SECONDS,
    DEFAULT_HEADER_TIMEOUT_SECONDS,
    DEFAULT_MAX_ACTIONS,
    DEFAULT_MAX_ACTIONS_PER_TOKEN,
    DEFAULT_MAX_PAYLOAD_BYTES,
    DEFAULT_TIMEOUT_SECONDS,
    DEFAULT_WORKERS,
    Identity,
    ServerConfig,
    hash_token,
    load_config,
)
from .server_guard import (
    LOCAL_ONLY_ACTIONS,
    TEXT_LOCAL_ONLY,
    FileAccessBlocked,
    no_file_access,
    strip_request_paths,
)
from .server_http import CONFIGURED_PROTOCOL, running_server
from .server_limits import MAX_INT_DIGITS, MAX_JSON_DEPTH
from .server_schema import vba_client_functions

__all__ = [
    "ACTION_THREADS",
    "AUDIT_LOGGER",
    "CONFIG_ENV",
    "DEFAULT_BODY_TIMEOUT_SECONDS",
    "DEFAULT_HEADER_TIMEOUT_SECONDS",
    "DEFAULT_MAX_ACTIONS",
    "DEFAULT_MAX_ACTIONS_PER_TOKEN",
    "DEFAULT_MAX_PAYLOAD_BYTES",
    "DEFAULT_TIMEOUT_SECONDS",
    "DEFAULT_WORKERS",
    "LOCAL_ONLY_ACTIONS",
    "MAX_INT_DIGITS",
    "MAX_JSON_DEPTH",
    "STATUS_DONE",
    "STATUS_HEADER",
    "STATUS_INPUT",
    "STATUS_REFUSED",
    "TEXT_LOCAL_ONLY",
    "TEXT_UNAUTHORIZED",
    "FileAccessBlocked",
    "Identity",
    "InputError",
    "Refused",
    "ServerConfig",
    "app_from_environment",
    "cmd_serve",
    "create_app",
    "hash_token",
    "layout",
    "load_config",
    "no_file_access",
    "running_server",
    "strip_request_paths",
    "vba_client_functions",
]


# --------------------------------------------------------------------------- CLI
def app_from_environment():
    """The app for one server process, configured from the file named in RENAKSI_SERVER_CONFIG.

    uvicorn starts each worker process fresh and calls this (an import string
    with factory=True), so the config travels as a path, not as an object.
    """
    from .server_audit import log_to_stderr

    log_to_stderr()
    return create_app(load_config(os.environ.get(CONFIG_ENV) or None))


def cmd_serve(args) -> int:
    """`renaksi-xl serve`: check the config, then run `workers` uvicorn processes."""
    import uvicorn

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    config_path = getattr(args, "config", None)
    config = load_config(config_path)  # a bad config stops here, with exit 2, before any process starts
    workers = getattr(args, "workers", None) or config.workers
    if not config.tokens:
        print(
            "Peringatan: konfigurasi tidak berisi token; setiap permintaan aksi akan ditolak (401).",
            file=sys.stderr,
        )
    os.environ[CONFIG_ENV] = str(Path(config_path).resolve()) if config_path else ""
    print(
        f"renaksi-xl server di http://{args.host}:{args.port} ({len(config.tokens)} token, "
        f"batas {size_text(config.max_payload_bytes)}, {config.timeout_seconds:g} detik, "
        f"{config.max_actions} aksi sekaligus ({config.max_actions_per_token} per token), {workers} proses). "
        "Ctrl+C untuk berhenti.",
        file=sys.stderr,
    )
    uvicorn.run(
        "renaksi_xl.server:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        log_level="info",
        timeout_keep_alive=30,
        http=CONFIGURED_PROTOCOL,
    )
    return 0


def _main(argv: list[str] | None = None) -> int:
    """Admin helpers: hash a token, or make a new one with its config entry."""
    import getpass
    import secrets

    from .cli import IndonesianArgumentParser

    p = IndonesianArgumentParser(
        prog="python -m renaksi_xl.server", description="Alat bantu admin server renaksi-xl."
    )
    sub = p.add_subparsers(dest="cmd", required=True, metavar="PERINTAH")
    h = sub.add_parser(
        "hash-token", help="cetak hash SHA-256 sebuah token (token dibaca dari stdin atau ditanyakan)"
    )
    h.add_argument(
        "token",
        nargs="?",
        metavar="TOKEN",
        help="token (lebih aman: jangan ditulis di sini, ketik saat ditanya)",
    )
    n = sub.add_parser("new-token", help="buat token acak baru dan entri konfigurasinya")
    n.add_argument("nip", metavar="NIP", help="NIP pejabat pemilik token (18 angka)")
    n.add_argument(
        "role", metavar="PERAN", help="peran pejabat menurut SOP server, mis. " + "; ".join(layout.ROLES)
    )
    n.add_argument("--name", default="", metavar="NAMA", help="nama pejabat (dicatat di konfigurasi)")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:  # --help, or an argument error already explained
        return exc.code if isinstance(exc.code, int) else 2
    if args.cmd == "hash-token":
        token = args.token
        if token is None:
            token = getpass.getpass("Token: ") if sys.stdin.isatty() else sys.stdin.readline()
        if not token.strip():
            print("Token kosong.", file=sys.stderr)
            return 2
        print(hash_token(token))
        return 0
    problem = nip_problem(args.nip)
    if problem or not args.role.strip():
        print(f"NIP {args.nip} {problem}." if problem else "Peran tidak boleh kosong.", file=sys.stderr)
        return 2
    token = secrets.token_urlsafe(32)
    print(f"# Token untuk pejabat (berikan secara pribadi, isi di Pengaturan > Token Server):\n# {token}")
    print(f'[tokens."{hash_token(token)}"]\nnip = "{args.nip}"\nrole = "{args.role}"\nname = "{args.name}"')
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main())
