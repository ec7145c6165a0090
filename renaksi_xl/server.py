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
- any other status (401, 404, 413, 422, 500, 504) has a plain-text Indonesian
  body: the VBA client shows a non-200 body verbatim in a message box, so it
  must not be JSON.  Nothing is changed in the workbook.

Run as a module for admin helpers: `python -m renaksi_xl.server hash-token`
(hash a token for the config) and `python -m renaksi_xl.server new-token NIP ROLE`.
"""

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any

from . import layout
from .errors import InputError, Refused

log = logging.getLogger("renaksi_xl.server")

DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_WORKERS = 1
# Threads per server process that run actions.  Actions are CPU-bound Python
# under one GIL, so a second thread adds no speed; it lets a short action
# (a paraf) go on while a long one (validating a city plan) is running.
ACTION_THREADS = 2
# `renaksi-xl serve` hands its config file to the server processes uvicorn
# starts (app_from_environment) through this variable.
CONFIG_ENV = "RENAKSI_SERVER_CONFIG"

STATUS_HEADER = "X-Renaksi-Status"
STATUS_DONE, STATUS_REFUSED, STATUS_INPUT = "selesai", "ditolak", "tidak-bisa-dipakai"


# --------------------------------------------------------------------------- config
def hash_token(token: str) -> str:
    """What the config stores for a token: its SHA-256, hex."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Identity:
    nip: str
    role: str
    name: str = ""


@dataclass
class ServerConfig:
    """Who may act (token hash -> official), the request limits, and how many server processes.

    `workers` is the number of server processes (uvicorn workers), as in
    uvicorn and gunicorn: one process uses one core, whatever its threads.
    """

    tokens: dict[str, Identity] = field(default_factory=dict)
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    workers: int = DEFAULT_WORKERS
    # Signing (renaksi_xl.ttd.server_config): the server's seal for records, and the CAs its
    # 'Periksa Keaslian' trusts.  None / empty: records unsigned, no CA trusted.
    seal: Any = None
    trust: Any = None

    def identify(self, authorization: str | None) -> Identity | None:
        """The official behind an Authorization header ('<token>' or 'Bearer <token>')."""
        if not authorization:
            return None
        token = authorization.strip()
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        if not token:
            return None
        return self.tokens.get(hash_token(token))


_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NIP = re.compile(r"^\d{18}$")


def load_config(path: str | os.PathLike | None) -> ServerConfig:
    """Read a TOML (.toml) or JSON (.json) config; see docs/server.md for the format."""
    if path is None:
        return ServerConfig()
    path = Path(path)
    where = f"Berkas konfigurasi '{path}'"
    if not path.is_file():
        raise InputError(f"{where} tidak ditemukan.")
    text = path.read_bytes()
    try:
        if path.suffix.lower() == ".json":
            raw = json.loads(text)
        else:
            import tomllib

            raw = tomllib.loads(text.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{where} tidak bisa dibaca: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputError(f"{where}: isinya harus berupa tabel/objek.")
    tokens: dict[str, Identity] = {}
    entries = raw.get("tokens", {})
    if not isinstance(entries, dict):
        raise InputError(f"{where}: bagian 'tokens' harus berupa tabel [tokens.<hash>].")
    for key, entry in entries.items():
        h = str(key).strip().lower()
        label = f"{where}, token '{key}'"
        if not _HEX64.match(h):
            raise InputError(
                f"{label}: kunci harus hash SHA-256 (64 karakter heksadesimal), bukan token asli. "
                "Buat dengan: python -m renaksi_xl.server hash-token"
            )
        if not isinstance(entry, dict):
            raise InputError(f"{label}: harus berisi nip dan role.")
        nip_raw = entry.get("nip", "")
        nip = str(nip_raw).strip()
        role = str(entry.get("role", "")).strip()
        if not isinstance(nip_raw, str) or not _NIP.match(nip):
            raise InputError(f"{label}: 'nip' harus 18 digit (ditulis sebagai teks), bukan '{nip}'.")
        if role not in layout.ROLES:
            raise InputError(
                f"{label}: 'role' harus salah satu dari: " + ", ".join(layout.ROLES) + f"; bukan '{role}'."
            )
        tokens[h] = Identity(nip=nip, role=role, name=str(entry.get("name", "")).strip())
    cfg = ServerConfig(tokens=tokens)
    from .ttd.server_config import load_signing

    cfg.seal, cfg.trust = load_signing(raw, path, where)
    for key, conv, minimum in (
        ("max_payload_bytes", int, 1024),
        ("timeout_seconds", float, 0.1),
        ("workers", int, 1),
    ):
        if key in raw:
            try:
                value = conv(raw[key])
            except (TypeError, ValueError) as exc:
                raise InputError(f"{where}: '{key}' harus berupa angka.") from exc
            if value < minimum:
                raise InputError(f"{where}: '{key}' minimal {minimum}.")
            setattr(cfg, key, value)
    return cfg


# --------------------------------------------------------------------------- no files from requests
class FileAccessBlocked(PermissionError):
    """An action tried to touch the server's file system while serving a request."""


_guard = threading.local()
_READ_ROOTS: tuple[str, ...] = ()
_BLOCKED_EVENTS = frozenset(
    {
        "os.remove",
        "os.rename",
        "os.mkdir",
        "os.rmdir",
        "os.chmod",
        "os.chown",
        "os.truncate",
        "os.link",
        "os.symlink",
        "os.utime",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.startfile",
        "os.fork",
        "subprocess.Popen",
        "shutil.copyfile",
        "shutil.copytree",
        "shutil.move",
        "shutil.rmtree",
        "shutil.make_archive",
        "shutil.unpack_archive",
        "tempfile.mkstemp",
        "tempfile.mkdtemp",
        "glob.glob",
        "pathlib.Path.glob",
        "pathlib.Path.rglob",
        "socket.connect",
        "webbrowser.open",
    }
)


def _allowed_read_roots() -> tuple[str, ...]:
    """Where request handling may read: the Python installation and our own package
    (code, data such as holiday lists), never the working directory or user files."""
    import importlib.util
    import site
    import sysconfig

    roots = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        *site.getsitepackages(),
        sysconfig.get_paths()["stdlib"],
        sysconfig.get_paths()["purelib"],
        "/usr/share/zoneinfo",
    }
    for name in ("renaksi_xl", "renaksi_xl.validators"):
        spec = importlib.util.find_spec(name)
        if spec and spec.submodule_search_locations:
            roots.update(spec.submodule_search_locations)
    return tuple(sorted(os.path.join(os.path.realpath(r), "") for r in roots if r))


def _audit(event: str, args: tuple) -> None:
    """sys.addaudithook: inside a request's worker thread, no writes, no process
    spawning, no listing, and reads only below the allowed roots."""
    if not getattr(_guard, "active", False):
        return
    if event == "open":
        path, mode, flags = args
        if isinstance(path, int):
            return
        real = os.path.realpath(os.fsdecode(path))
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
            (flags or 0) & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
        )
        if writing or not real.startswith(_READ_ROOTS):
            raise FileAccessBlocked(f"akses berkas '{real}' diblokir")
    elif event in ("os.listdir", "os.scandir"):  # the import system lists package folders
        target = args[0] if args and args[0] is not None else "."
        if isinstance(target, int) or not os.path.join(os.path.realpath(os.fsdecode(target)), "").startswith(
            _READ_ROOTS
        ):
            raise FileAccessBlocked(f"daftar isi '{target}' diblokir")
    elif event in _BLOCKED_EVENTS:
        raise FileAccessBlocked(f"'{event}' diblokir")


def _install_guard() -> None:
    global _READ_ROOTS
    if not _READ_ROOTS:
        _READ_ROOTS = _allowed_read_roots()
        sys.addaudithook(_audit)


@contextlib.contextmanager
def no_file_access():
    """While active (this thread only), the action cannot reach the server's files."""
    _install_guard()
    _guard.active = True
    try:
        yield
    finally:
        _guard.active = False


TEXT_LOCAL_ONLY = (
    "Tombol '{caption}' membuat berkas di komputer Anda, jadi hanya bisa di mode Lokal "
    "(Pengaturan > Mode = Lokal) atau dengan perintah renaksi-xl di komputer yang menyimpan buku kerja. "
    "Buku kerja tidak diubah."
)
# Buttons whose whole point is a file beside the workbook: refused up front in server mode.
LOCAL_ONLY_ACTIONS = (layout.ACTION_PDF, layout.ACTION_EMAIL)


def strip_request_paths(raw: dict) -> None:
    """Remove what in a payload names a file: the book's folder and the
    'Berkas DPA Terakhir' setting.  Native readers (python-calamine) open files
    without Python's audit events, so the guard alone is not enough: in server
    mode the DPA comes only as the pasted Impor sheet."""
    raw["book"]["name"] = PureWindowsPath(str(raw["book"].get("name") or "")).name
    for sheet in raw["sheets"]:
        if sheet["name"] != layout.SHEET_PENGATURAN:
            continue
        for table in sheet.get("tables") or []:
            if table["name"] != layout.TBL_SETELAN or not table.get("data_body_range_address"):
                continue
            (c1, r1), (_c2, r2) = _split_address(table["data_body_range_address"])
            key_col = c1 - 1 + layout.table(layout.TBL_SETELAN).col_index("Setelan")
            value_col = c1 - 1 + layout.table(layout.TBL_SETELAN).col_index("Nilai")
            values = sheet["values"]
            for r in range(r1 - 1, min(r2, len(values))):
                row = values[r]
                if len(row) > value_col and str(row[key_col]).strip() == layout.SET_FILE_DPA:
                    row[value_col] = None


def _split_address(address: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """'$A$21:$C$30' -> ((1, 21), (3, 30)) as (column, row), 1-based."""
    cells = []
    for part in address.replace("$", "").split(":"):
        m = re.match(r"([A-Z]+)(\d+)$", part)
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        cells.append((col, int(m.group(2))))
    return cells[0], cells[-1]


# --------------------------------------------------------------------------- the VBA client
def vba_client_functions() -> frozenset[str]:
    """The action functions the embedded VBA client implements: the Subs of
    xlwings' Remote module (the build embeds the installed xlwings' copy)."""
    import xlwings

    remote = Path(xlwings.__file__).parent / "addin" / "Remote.bas"
    subs = re.findall(
        r"(?im)^(?:public\s+)?sub\s+(\w+)\s*\(\s*wb\s+as\s+workbook\s*,\s*action\s+as\s+dictionary",
        remote.read_text("utf-8", "replace"),
    )
    return frozenset(subs)


# --------------------------------------------------------------------------- payload schema
def _models():
    """The request payload's shape (what Remote.bas RunServerPython sends), as pydantic models."""
    from pydantic import BaseModel, ConfigDict, Field, model_validator
    from xlwings import __version__ as xlwings_version

    addr = r"^\$?[A-Z]{1,3}\$?[0-9]{1,7}(:\$?[A-Z]{1,3}\$?[0-9]{1,7})?$"
    Cell = bool | int | float | str | None

    class BookInfo(BaseModel):
        name: str = Field(max_length=255)
        active_sheet_index: int = Field(ge=0)
        selection: str | None = Field(default=None, max_length=8192)

    class NameInfo(BaseModel):
        name: str = Field(min_length=1, max_length=300)
        sheet_index: int = Field(ge=0)
        address: str = Field(pattern=addr)
        book_scope: bool
        scope_sheet_name: str | None = None
        scope_sheet_index: int | None = Field(default=None, ge=0)

    class TableInfo(BaseModel):
        name: str = Field(min_length=1, max_length=255)
        range_address: str = Field(pattern=addr)
        header_row_range_address: str | None = Field(default=None, pattern=addr)
        data_body_range_address: str | None = Field(default=None, pattern=addr)
        total_row_range_address: str | None = Field(default=None, pattern=addr)
        show_headers: bool
        show_totals: bool
        table_style: str = Field(default="", max_length=255)
        show_autofilter: bool

    class SheetInfo(BaseModel):
        name: str = Field(min_length=1, max_length=31)
        pictures: list[dict[str, Any]] = Field(default_factory=list)
        tables: list[TableInfo] = Field(default_factory=list)
        values: list[list[Cell]] = Field(
            min_length=1, description="used range from A1; an empty sheet is [[]]"
        )

    class Payload(BaseModel):
        """The workbook as the xlwings VBA client posts it."""

        model_config = ConfigDict(extra="allow")
        client: str = Field(max_length=50)
        version: str = Field(
            max_length=50,
            description="xlwings version of the workbook's VBA client; must equal the server's",
            json_schema_extra={"enum": [xlwings_version]},
        )
        book: BookInfo
        names: list[NameInfo] = Field(default_factory=list)
        sheets: list[SheetInfo] = Field(min_length=1)

        @model_validator(mode="after")
        def _consistent(self):
            n = len(self.sheets)
            if self.book.active_sheet_index >= n:
                raise ValueError("book.active_sheet_index melewati jumlah lembar")
            for nm in self.names:
                if nm.sheet_index >= n or (nm.scope_sheet_index is not None and nm.scope_sheet_index >= n):
                    raise ValueError(f"nama '{nm.name}' menunjuk lembar yang tidak ada")
            seen = set()
            for s in self.sheets:
                if s.name.lower() in seen:
                    raise ValueError(f"nama lembar '{s.name}' ganda")
                seen.add(s.name.lower())
            return self

    class ActionResponse(BaseModel):
        """Actions for the VBA client to apply, in order."""

        actions: list[dict[str, Any]]
        status: str = Field(description="selesai | ditolak | tidak-bisa-dipakai")
        message: str = ""

    class Health(BaseModel):
        status: str
        renaksi_xl: str
        xlwings: str
        actions: list[str]

    return Payload, ActionResponse, Health


# --------------------------------------------------------------------------- the app
class _PlainError(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


def _size(n: int) -> str:
    """Bytes the Indonesian way: '512 kB', '64,0 MB'."""
    if n < 1024 * 1024:
        return f"{max(n // 1024, 1)} kB"
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


TEXT_UNAUTHORIZED = (
    "Token server tidak ada atau tidak dikenal, jadi server tidak tahu siapa Anda. "
    "Isi 'Token Server' di lembar Pengaturan dengan token pribadi dari admin server. "
    "Buku kerja tidak diubah."
)


def create_app(config: ServerConfig | None = None):
    """The FastAPI app; `config` decides tokens and limits."""
    from fastapi import FastAPI, Header, Request
    from fastapi import Path as PathParam
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, PlainTextResponse
    from pydantic import ValidationError

    from . import __version__, macros
    from .context import ActionContext
    from .headless import remote_book

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    config = config or ServerConfig()
    Payload, ActionResponse, Health = _models()
    client_funcs = vba_client_functions()
    for action in macros.ACTIONS:  # import the buttons' modules now, not inside a guarded request
        macros.missing_parts(action)
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=ACTION_THREADS, thread_name_prefix="renaksi-aksi"
    )
    import xlwings

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        lifespan=lifespan,
        title="renaksi-xl server",
        version=__version__,
        description="xlwings Server untuk tombol buku kerja Rencana Aksi (klien VBA xlwings RunRemotePython).",
    )
    app.state.config = config
    app.state.pool = pool

    plain_errors = {
        401: "Token tidak ada atau salah (teks biasa).",
        404: "Aksi tidak dikenal (teks biasa).",
        413: "Buku kerja melebihi batas ukuran server (teks biasa).",
        422: "Data buku kerja tidak sah (teks biasa).",
        500: "Galat tak terduga di server (teks biasa).",
        504: "Aksi tidak selesai dalam batas waktu (teks biasa).",
    }
    plain_responses = {
        code: {"description": d, "content": {"text/plain": {"schema": {"type": "string"}}}}
        for code, d in plain_errors.items()
    }

    @app.exception_handler(_PlainError)
    async def _plain(request, exc: _PlainError):
        return PlainTextResponse(exc.text, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc: RequestValidationError):
        return PlainTextResponse(_validation_text(exc.errors()), status_code=422)

    @app.get("/health", response_model=Health, summary="Server hidup?")
    async def health():
        return {
            "status": "ok",
            "renaksi_xl": __version__,
            "xlwings": xlwings.__version__,
            "actions": list(macros.ACTIONS),
        }

    async def read_body(request: Request) -> bytes:
        limit = config.max_payload_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise _PlainError(413, _too_large_text(int(declared), limit))
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _PlainError(413, _too_large_text(size, limit))
            chunks.append(chunk)
        return b"".join(chunks)

    def job(action: str, body: bytes, who: Identity) -> tuple[str, dict]:
        """Parse, check, open and run: in a worker thread, off the event loop."""
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _PlainError(
                422, "Data yang dikirim bukan JSON yang sah dari klien VBA xlwings. Buku kerja tidak diubah."
            ) from exc
        try:
            Payload.model_validate(raw)
        except ValidationError as exc:
            raise _PlainError(422, _validation_text(exc.errors(), prefix=("body",))) from exc
        if raw["version"] != xlwings.__version__:
            raise _PlainError(
                422,
                (
                    f"Versi xlwings di buku kerja ({raw['version']}) berbeda dengan versi di server ({xlwings.__version__}). "
                    "Minta admin buku kerja yang dibangun untuk server ini (renaksi-xl build), atau samakan versi xlwings "
                    "di server. Buku kerja tidak diubah."
                ),
            )
        strip_request_paths(raw)
        with contextlib.ExitStack() as request_scope:
            try:
                book = request_scope.enter_context(remote_book(raw))
            except Exception as exc:  # the remote engine rejects what pydantic let through
                raise _PlainError(
                    422, f"Data buku kerja tidak bisa dibuka ({type(exc).__name__}). Buku kerja tidak diubah."
                ) from exc
            return run(action, book, who)

    def run(action: str, book, who: Identity) -> tuple[str, dict]:
        """Run the action on the request's own Book; refusals become one alert."""
        ctx = ActionContext(
            nip=who.nip, role=who.role, identity_from_server=True, keys=config.seal, trust=config.trust
        )
        try:
            if action in LOCAL_ONLY_ACTIONS:
                raise InputError(TEXT_LOCAL_ONLY.format(caption=macros._caption(action)))
            with no_file_access():
                summary = macros.run_action(book, action, ctx)
        except FileAccessBlocked as exc:
            log.warning("action %s by %s tried file access: %s", action, who.nip, exc)
            message = (
                f"Di mode Server, aksi '{action}' tidak boleh membuka berkas di server ({exc}). "
                "Isi data lewat lembar buku kerja (mis. lembar Impor), bukan lewat nama berkas. "
                "Buku kerja tidak diubah."
            )
            return STATUS_INPUT, _answer([_alert(message, macros.TITLE_INPUT)], STATUS_INPUT, message)
        except Refused as exc:
            return STATUS_REFUSED, _answer(
                [_alert(exc.message, macros.TITLE_REFUSED)], STATUS_REFUSED, exc.message
            )
        except InputError as exc:
            return STATUS_INPUT, _answer([_alert(exc.message, macros.TITLE_INPUT)], STATUS_INPUT, exc.message)
        actions = book.json()["actions"]
        unknown = sorted({a["func"] for a in actions} - client_funcs)
        if unknown:
            raise RuntimeError(f"aksi {action} menghasilkan fungsi yang tidak ada di klien VBA: {unknown}")
        if summary:
            actions.append(_alert(summary, macros.TITLE_DONE, mode="info"))
        return STATUS_DONE, _answer(actions, STATUS_DONE, summary)

    action_names = list(macros.ACTIONS)

    @app.post(
        "/aksi/{action}",
        response_model=ActionResponse,
        summary="Jalankan satu tombol pada buku kerja yang dikirim klien VBA xlwings",
        responses=plain_responses,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Payload"}}},
            }
        },
    )
    async def aksi(
        request: Request,
        action: str = PathParam(..., description="nama aksi", json_schema_extra={"enum": action_names}),
        authorization: str | None = Header(
            None, description="token pribadi pejabat (tanpa atau dengan 'Bearer ')"
        ),
    ):
        who = config.identify(authorization)
        if who is None:
            raise _PlainError(401, TEXT_UNAUTHORIZED)
        if action not in macros.ACTIONS:
            raise _PlainError(
                404, f"Aksi '{action}' tidak dikenal server. Aksi yang ada: " + ", ".join(action_names) + "."
            )
        started = asyncio.get_running_loop().time()
        try:
            body = await asyncio.wait_for(read_body(request), config.timeout_seconds)
            remaining = config.timeout_seconds - (asyncio.get_running_loop().time() - started)
            future = pool.submit(job, action, body, who)
            try:
                status, answer = await asyncio.wait_for(asyncio.wrap_future(future), max(remaining, 0.01))
            except asyncio.TimeoutError:
                future.cancel()
                raise
        except asyncio.TimeoutError:
            raise _PlainError(
                504,
                (
                    f"Server belum selesai menjalankan '{action}' dalam {config.timeout_seconds:g} detik. "
                    "Buku kerja tidak diubah. Coba lagi beberapa saat lagi atau hubungi admin server."
                ),
            ) from None
        except _PlainError:
            raise
        except Exception:
            log.exception("action %s failed", action)
            stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
            return PlainTextResponse(
                f"Terjadi galat di server saat menjalankan '{action}' ({stamp}). Buku kerja tidak diubah. "
                "Laporkan ke admin server beserta waktu kejadian ini.",
                status_code=500,
            )
        log.info("%s by %s (%s): %s", action, who.nip, who.role, status)
        return JSONResponse(answer, headers={STATUS_HEADER: status})

    def openapi():
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        defs = Payload.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(defs.pop("$defs", {}))
        components["Payload"] = defs
        app.openapi_schema = schema
        return schema

    app.openapi = openapi

    return app


def _alert(prompt: str, title: str, mode: str = "critical") -> dict:
    """An `alert` action exactly as the remote engine's app.alert emits it."""
    return {
        "func": "alert",
        "args": [prompt, title, "ok", mode, ""],
        "values": None,
        "sheet_position": None,
        "start_row": None,
        "start_column": None,
        "row_count": None,
        "column_count": None,
    }


def _answer(actions: list[dict], status: str, message: str) -> dict:
    return {"actions": actions, "status": status, "message": message or ""}


def _too_large_text(size: int, limit: int) -> str:
    return (
        f"Buku kerja terlalu besar untuk server ini (batas {_size(limit)}; terkirim {_size(size)}). "
        "Hapus baris kosong yang berlebihan di lembar-lembar buku kerja, atau minta admin server menaikkan batasnya. "
        "Buku kerja tidak diubah."
    )


def _validation_text(errors, prefix: tuple = ()) -> str:
    first = errors[0] if errors else {}
    loc = [str(x) for x in first.get("loc", ())]
    where = ".".join(loc[len(prefix) :] if tuple(loc[: len(prefix)]) == prefix else loc) or "(akar)"
    return (
        f"Data buku kerja dari klien VBA xlwings tidak sah di '{where}': {first.get('msg', 'tidak dikenal')}. "
        "Pastikan modul xlwings di buku kerja sama versinya dengan server. Buku kerja tidak diubah."
    )


@contextlib.contextmanager
def running_server(app, host: str = "127.0.0.1", port: int = 0):
    """Serve `app` with uvicorn in a background thread; yields its base URL.

    For tests, benchmarks and the demo: a real HTTP server on a free port."""
    import threading
    import time

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="renaksi-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()
    try:
        yield f"http://{bound[0]}:{bound[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


# --------------------------------------------------------------------------- CLI
def app_from_environment():
    """The app for one server process, configured from the file named in RENAKSI_SERVER_CONFIG.

    uvicorn starts each worker process fresh and calls this (an import string
    with factory=True), so the config travels as a path, not as an object.
    """
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
        f"batas {_size(config.max_payload_bytes)}, {config.timeout_seconds:g} detik, {workers} proses). "
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
    )
    return 0


def _main(argv: list[str] | None = None) -> int:
    """Admin helpers: hash a token, or make a new one with its config entry."""
    import argparse
    import getpass
    import secrets

    p = argparse.ArgumentParser(
        prog="python -m renaksi_xl.server", description="Alat bantu admin server renaksi-xl."
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser(
        "hash-token", help="cetak hash SHA-256 sebuah token (token dibaca dari stdin atau ditanyakan)"
    )
    h.add_argument("token", nargs="?", help="token (lebih aman: jangan ditulis di sini, ketik saat ditanya)")
    n = sub.add_parser("new-token", help="buat token acak baru dan entri konfigurasinya")
    n.add_argument("nip")
    n.add_argument("role", help="; ".join(layout.ROLES))
    n.add_argument("--name", default="")
    args = p.parse_args(argv)
    if args.cmd == "hash-token":
        token = args.token
        if token is None:
            token = getpass.getpass("Token: ") if sys.stdin.isatty() else sys.stdin.readline()
        if not token.strip():
            print("Token kosong.", file=sys.stderr)
            return 2
        print(hash_token(token))
        return 0
    if not _NIP.match(args.nip) or args.role not in layout.ROLES:
        print("NIP harus 18 digit dan peran salah satu dari: " + ", ".join(layout.ROLES), file=sys.stderr)
        return 2
    token = secrets.token_urlsafe(32)
    print(f"# Token untuk pejabat (berikan secara pribadi, isi di Pengaturan > Token Server):\n# {token}")
    print(f'[tokens."{hash_token(token)}"]\nnip = "{args.nip}"\nrole = "{args.role}"\nname = "{args.name}"')
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main())
