"""The HTTP side of the server: uvicorn with a header-read timeout, and a server in
a background thread for tests, benchmarks and the demo.

uvicorn times out idle keep-alive connections but not a client that sends its
request line and headers slowly (a slow-header attack keeps hundreds of
connections open).  HeaderTimeoutProtocol closes a connection whose headers are
not complete `header_timeout_seconds` after it opened (or after its previous
response), with a plain Indonesian 408.

One reason to change: how connections are served."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from typing import TYPE_CHECKING

from .server_config import CONFIG_ENV, DEFAULT_HEADER_TIMEOUT_SECONDS

TEXT_HEADER_TIMEOUT = "Permintaan tidak selesai dikirim dalam batas waktu server. Buku kerja tidak diubah."


def _base_protocol():
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return HttpToolsProtocol
    except ImportError:  # pragma: no cover - uvicorn without its standard extras
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return H11Protocol


if TYPE_CHECKING:  # what the mixin is mixed into
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Protocol
else:
    _Protocol = object


class _HeaderDeadline(_Protocol):
    """Mixin for uvicorn's HTTP protocols: a timer from connection (or previous
    response) to complete headers.  uvicorn sets `self.cycle` when the headers are
    complete, in both of its HTTP/1.1 implementations."""

    header_timeout_seconds: float = DEFAULT_HEADER_TIMEOUT_SECONDS
    _header_timer = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._request_in_progress():
            self._disarm_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self._request_in_progress() and not self.transport.is_closing():
            self._arm_header_timer()

    def connection_lost(self, exc) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def _request_in_progress(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(self.timeout_of_headers(), self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._request_in_progress() or self.transport.is_closing():
            return
        body = TEXT_HEADER_TIMEOUT.encode("utf-8")
        self.transport.write(
            b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        self.transport.close()

    def timeout_of_headers(self) -> float:
        return self.header_timeout_seconds


@functools.cache
def header_timeout_protocol(seconds: float) -> type:
    """uvicorn's HTTP/1.1 protocol with a header-read timeout of `seconds`."""
    return type(
        "HeaderTimeoutProtocol", (_HeaderDeadline, _base_protocol()), {"header_timeout_seconds": seconds}
    )


class _ConfiguredHeaderDeadline(_HeaderDeadline):
    """For `renaksi-xl serve`: the timeout from the config file each worker process
    reads (RENAKSI_SERVER_CONFIG), like app_from_environment."""

    def timeout_of_headers(self) -> float:
        return _configured_header_timeout()


@functools.cache
def _configured_header_timeout() -> float:
    from .server_config import load_config

    return load_config(os.environ.get(CONFIG_ENV) or None).header_timeout_seconds


ConfiguredProtocol = type("ConfiguredProtocol", (_ConfiguredHeaderDeadline, _base_protocol()), {})
# What `renaksi-xl serve` passes to uvicorn as `http`.
CONFIGURED_PROTOCOL = f"{__name__}:ConfiguredProtocol"


@contextlib.contextmanager
def running_server(app, host: str = "127.0.0.1", port: int = 0):
    """Serve `app` with uvicorn in a background thread; yields its base URL.

    For tests, benchmarks and the demo: a real HTTP server on a free port, with the
    header-read timeout of the app's config."""
    import uvicorn

    config = getattr(getattr(app, "state", None), "config", None)
    seconds = getattr(config, "header_timeout_seconds", DEFAULT_HEADER_TIMEOUT_SECONDS)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="on",
            http=header_timeout_protocol(float(seconds)),
        )
    )
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
