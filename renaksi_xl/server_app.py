"""The FastAPI app: authenticate, admit, read, parse, run the action off the event
loop, answer, and write one audit line.

One reason to change: the request's path through the server.  The parts it puts
together live beside it: server_config (tokens, limits), server_limits (actions at
once, JSON limits, stopping a late action), server_guard (no files from requests),
server_schema (the payload), server_answers (what the user sees), server_audit."""

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import logging
import os

from .errors import InputError, Refused
from .server_answers import (
    PLAIN_ERRORS,
    STATUS_DONE,
    STATUS_HEADER,
    STATUS_INPUT,
    STATUS_REFUSED,
    TEXT_NOT_JSON,
    TEXT_UNAUTHORIZED,
    PlainError,
    action_timeout_text,
    alert,
    answer,
    body_timeout_text,
    too_large_text,
    validation_text,
    version_text,
)
from .server_audit import record as audit_record
from .server_config import Identity, ServerConfig, hash_token, token_of
from .server_guard import (
    LOCAL_ONLY_ACTIONS,
    TEXT_LOCAL_ONLY,
    FileAccessBlocked,
    no_file_access,
    strip_request_paths,
)
from .server_limits import ActionSlots, Deadline, JsonLimitError, parse_json, too_many_text
from .server_schema import models, vba_client_functions

log = logging.getLogger("renaksi_xl.server")

# Threads per server process that run actions.  Actions are CPU-bound Python
# under one GIL, so a second thread adds no speed; it lets a short action
# (a paraf) go on while a long one (validating a city plan) is running.
ACTION_THREADS = 2


class ActionRunner:
    """Parse, check, open and run one action: in a worker thread, off the event loop."""

    def __init__(
        self, Payload, client_funcs: frozenset[str], trusted_sop=None, seal=None, trust=None
    ) -> None:
        self.Payload = Payload
        self.client_funcs = client_funcs
        self.trusted_sop = trusted_sop  # the SOP of the server's config (ServerConfig.sop)
        # The server config's seal and trust anchors (renaksi_xl.ttd.server_config).
        self.seal, self.trust = seal, trust

    def job(self, action: str, body: bytes, who: Identity, deadline: Deadline) -> tuple[str, dict]:
        import xlwings
        from pydantic import ValidationError

        from .headless import remote_book

        try:
            raw = parse_json(body)
        except JsonLimitError as exc:
            raise PlainError(422, exc.text) from None
        except (ValueError, UnicodeDecodeError):
            raise PlainError(422, TEXT_NOT_JSON) from None
        try:
            self.Payload.model_validate(raw)
        except ValidationError as exc:
            raise PlainError(422, validation_text(exc.errors(), prefix=("body",))) from None
        if raw["version"] != xlwings.__version__:
            raise PlainError(422, version_text(raw["version"], xlwings.__version__))
        strip_request_paths(raw)
        with contextlib.ExitStack() as request_scope:
            try:
                book = request_scope.enter_context(remote_book(raw))
            except Exception as exc:  # the remote engine rejects what pydantic let through
                raise PlainError(
                    422, f"Data buku kerja tidak bisa dibuka ({type(exc).__name__}). Buku kerja tidak diubah."
                ) from None
            with deadline.interruptible():
                return self.run(action, book, who)

    def run(self, action: str, book, who: Identity) -> tuple[str, dict]:
        """Run the action on the request's own Book; refusals become one alert."""
        from . import macros
        from .context import ActionContext

        # the step-to-role map is the server's SOP's, never the uploaded workbook's (issue 16)
        ctx = ActionContext(
            nip=who.nip,
            role=who.role,
            identity_from_server=True,
            sop=self.trusted_sop,
            keys=self.seal,
            trust=self.trust,
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
            return STATUS_INPUT, answer([alert(message, macros.TITLE_INPUT)], STATUS_INPUT, message)
        except Refused as exc:
            return STATUS_REFUSED, answer(
                [alert(exc.message, macros.TITLE_REFUSED)], STATUS_REFUSED, exc.message
            )
        except InputError as exc:
            return STATUS_INPUT, answer([alert(exc.message, macros.TITLE_INPUT)], STATUS_INPUT, exc.message)
        actions = book.json()["actions"]
        unknown = sorted({a["func"] for a in actions} - self.client_funcs)
        if unknown:
            raise RuntimeError(f"aksi {action} menghasilkan fungsi yang tidak ada di klien VBA: {unknown}")
        if summary:
            actions.append(alert(summary, macros.TITLE_DONE, mode="info"))
        return STATUS_DONE, answer(actions, STATUS_DONE, summary)


async def read_body(request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to pass `limit`."""
    declared = (request.headers.get("content-length") or "").strip()
    if declared.isdigit() and (len(declared) > 18 or int(declared) > limit):  # 18 digits: under 1 EB
        raise PlainError(413, too_large_text(int(declared[:19]), limit))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PlainError(413, too_large_text(size, limit))
        chunks.append(chunk)
    return b"".join(chunks)


class ActionGate:
    """Admits an action (401, 404, 429), reads its body within its limits (408, 413),
    runs it on the pool and stops it when its time is up (504)."""

    def __init__(self, config: ServerConfig, runner: ActionRunner, pool, actions) -> None:
        self.config, self.runner, self.pool, self.actions = config, runner, pool, actions
        self.slots = ActionSlots(config.max_actions, config.max_actions_per_token)

    async def handle(self, request, action: str, authorization: str | None, trail: dict) -> tuple[str, dict]:
        config, loop = self.config, asyncio.get_running_loop()
        started = loop.time()
        who = config.identify(authorization)
        if who is None:
            raise PlainError(401, TEXT_UNAUTHORIZED)
        trail.update(nip=who.nip, role=who.role)
        if action not in self.actions:
            raise PlainError(
                404, f"Aksi '{action}' tidak dikenal server. Aksi yang ada: " + ", ".join(self.actions) + "."
            )
        key = hash_token(token_of(authorization))
        full = self.slots.take(key)
        if full:
            limit = config.max_actions_per_token if full == "token" else config.max_actions
            raise PlainError(429, too_many_text(full, limit))
        submitted = False
        try:
            body_limit = min(config.body_timeout_seconds, config.timeout_seconds)
            try:
                trail["body"] = await asyncio.wait_for(
                    read_body(request, config.max_payload_bytes), body_limit
                )
            except asyncio.TimeoutError:
                raise PlainError(408, body_timeout_text(body_limit)) from None
            remaining = config.timeout_seconds - (loop.time() - started)
            deadline = Deadline()
            future = self.pool.submit(self.runner.job, action, trail["body"], who, deadline)
            submitted = True
            future.add_done_callback(lambda _f: self.slots.give_back(key))
            try:
                return await asyncio.wait_for(asyncio.wrap_future(future), max(remaining, 0.01))
            except asyncio.TimeoutError:
                future.cancel()  # not started yet: it never runs
                deadline.cancel()  # running: stopped at its next Python instruction
                raise PlainError(504, action_timeout_text(action, config.timeout_seconds)) from None
        finally:
            if not submitted:
                self.slots.give_back(key)


def create_app(config: ServerConfig | None = None):
    """The FastAPI app; `config` decides tokens and limits."""
    from fastapi import FastAPI
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import PlainTextResponse

    from . import __version__, macros

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    config = config or ServerConfig()
    Payload, ActionResponse, Health = models()
    for action in macros.ACTIONS:  # import the buttons' modules now, not inside a guarded request
        macros.missing_parts(action)
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=ACTION_THREADS, thread_name_prefix="renaksi-aksi"
    )

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
    runner = ActionRunner(Payload, vba_client_functions(), config.sop, config.seal, config.trust)
    gate = ActionGate(config, runner, pool, macros.ACTIONS)
    app.state.gate = gate

    @app.exception_handler(PlainError)
    async def _plain(request, exc: PlainError):
        return PlainTextResponse(exc.text, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc: RequestValidationError):
        return PlainTextResponse(validation_text(exc.errors()), status_code=422)

    _add_routes(app, gate, Health, ActionResponse)
    app.openapi = _openapi_of(app, Payload)  # type: ignore[method-assign]  # FastAPI's documented way
    return app


def _add_routes(app, gate: ActionGate, Health, ActionResponse) -> None:
    import xlwings
    from fastapi import Header, Request
    from fastapi import Path as PathParam
    from fastapi.responses import JSONResponse, PlainTextResponse, Response

    from . import __version__, macros

    action_names = list(macros.ACTIONS)
    plain_responses = {
        code: {"description": d, "content": {"text/plain": {"schema": {"type": "string"}}}}
        for code, d in PLAIN_ERRORS.items()
    }

    @app.get("/health", response_model=Health, summary="Server hidup?")
    async def health():
        return {
            "status": "ok",
            "renaksi_xl": __version__,
            "xlwings": xlwings.__version__,
            "actions": list(macros.ACTIONS),
        }

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
        started = asyncio.get_running_loop().time()
        trail: dict = {"nip": "", "role": "", "body": None}
        response: Response
        try:
            status, result = await gate.handle(request, action, authorization, trail)
            response = JSONResponse(result, headers={STATUS_HEADER: status})
        except PlainError as exc:
            status, response = "", PlainTextResponse(exc.text, status_code=exc.status)
        except Exception:
            log.exception("action %s failed", action)
            stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
            status, response = (
                "",
                PlainTextResponse(
                    f"Terjadi galat di server saat menjalankan '{action}' ({stamp}). Buku kerja tidak diubah. "
                    "Laporkan ke admin server beserta waktu kejadian ini.",
                    status_code=500,
                ),
            )
        audit_record(
            nip=trail["nip"],
            role=trail["role"],
            action=action,
            http=response.status_code,
            status=status,
            body=trail["body"],
            seconds=asyncio.get_running_loop().time() - started,
        )
        return response


def _openapi_of(app, Payload):
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

    return openapi
