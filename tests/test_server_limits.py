"""The server's limits over real HTTP on loopback (issue 16): header and body
timeouts, actions at once per token and overall (429), late actions stopped when
their request times out (504), JSON depth and number limits (422, never 500), and
the audit line per action."""

import contextlib
import hashlib
import json
import logging
import re
import socket
import threading
import time

import httpx
import pytest
import test_server
from test_server import NIP_CAMAT, NIP_KASUBAG, TOKEN_CAMAT, TOKEN_KASUBAG, post

from renaksi_xl import headless, layout, macros, server

serve, live = test_server.serve, test_server.live  # the real-server fixtures


@pytest.fixture
def blocking_action(monkeypatch):
    """A button that waits until the test lets it go: holds its slot meanwhile."""
    release = threading.Event()
    started = threading.Semaphore(0)

    def wait(book, ctx):
        started.release()
        release.wait(20)
        return "selesai menunggu"

    monkeypatch.setitem(macros.ACTIONS, "uji-tunggu", wait)
    yield release, started
    release.set()


def _post_in_background(url, payload, token):
    box = {}
    thread = threading.Thread(
        target=lambda: box.setdefault("r", post(url, "uji-tunggu", payload, token=token))
    )
    thread.start()
    return thread, box


def test_429_when_a_token_has_too_many_actions_running(serve, built_workbook, blocking_action):
    release, started = blocking_action
    url, _ = serve(max_actions_per_token=1, max_actions=2)
    payload = headless.payload_from_file(built_workbook)
    first, box = _post_in_background(url, payload, TOKEN_CAMAT)
    assert started.acquire(timeout=20)
    r = post(url, "uji-tunggu", payload, token=TOKEN_CAMAT)
    assert r.status_code == 429 and r.headers["content-type"].startswith("text/plain")
    assert r.text.startswith("Anda sudah menjalankan 1 aksi di server yang belum selesai.")
    assert "tidak diubah" in r.text
    # Another official still gets in (the overall limit is 2).
    other, other_box = _post_in_background(url, payload, TOKEN_KASUBAG)
    assert started.acquire(timeout=20)
    release.set()
    first.join(20), other.join(20)
    assert box["r"].status_code == 200 and other_box["r"].status_code == 200
    # The slots are given back: the same token runs again.
    assert post(url, "uji-tunggu", payload, token=TOKEN_CAMAT).status_code == 200


def test_429_when_the_server_has_too_many_actions_running(serve, built_workbook, blocking_action):
    release, started = blocking_action
    url, _ = serve(max_actions_per_token=1, max_actions=1)
    payload = headless.payload_from_file(built_workbook)
    first, box = _post_in_background(url, payload, TOKEN_CAMAT)
    assert started.acquire(timeout=20)
    r = post(url, "uji-tunggu", payload, token=TOKEN_KASUBAG)
    assert r.status_code == 429
    assert r.text.startswith("Server sedang menjalankan 1 aksi sekaligus (batasnya).")
    release.set()
    first.join(20)
    assert box["r"].status_code == 200
    assert post(url, "uji-tunggu", payload, token=TOKEN_KASUBAG).status_code == 200


def test_504_stops_the_running_action_and_frees_its_slot(serve, built_workbook, monkeypatch):
    """Before: the 504 went out while the action ran on to its end (and held its thread)."""
    url, _ = serve(timeout_seconds=0.5, max_actions_per_token=1)
    steps, outcome = [], {}

    def long_loop(book, ctx):
        try:
            for i in range(400):  # 4 s of work in small steps
                time.sleep(0.01)
                steps.append(i)
            outcome["finished"] = True
            book.sheets[0]["A1"].value = "ditulis terlambat"
        except BaseException as exc:
            outcome["stopped_by"] = type(exc).__name__
            raise
        return "selesai"

    monkeypatch.setitem(macros.ACTIONS, "uji-panjang", long_loop)
    payload = headless.payload_from_file(built_workbook)
    t0 = time.monotonic()
    r = post(url, "uji-panjang", payload)
    assert r.status_code == 504 and "0.5 detik" in r.text and "dihentikan" in r.text
    deadline = time.monotonic() + 3
    while "stopped_by" not in outcome and time.monotonic() < deadline:
        time.sleep(0.02)
    assert outcome == {"stopped_by": "ActionCancelled"}, outcome
    assert len(steps) < 200 and time.monotonic() - t0 < 3
    count = len(steps)
    time.sleep(0.3)
    assert len(steps) == count  # nothing runs on
    # Its slot (one per token here) is free again: a quick action of the same token runs.
    monkeypatch.setitem(macros.ACTIONS, "uji-cepat", lambda book, ctx: "cepat")
    r = post(url, "uji-cepat", payload)
    assert r.status_code == 200 and r.json()["message"] == "cepat"


def _cell_payload(built_workbook, raw_cell: str) -> bytes:
    """The real payload with its first cell replaced by a raw JSON literal."""
    payload = headless.payload_from_file(built_workbook)
    payload["sheets"][0]["values"][0][0] = "__CELL__"
    return json.dumps(payload).replace('"__CELL__"', raw_cell).encode()


def _post_raw(url, body: bytes, action="validasi", token=TOKEN_CAMAT):
    headers = {"Authorization": token, "Content-Type": "application/json"}
    return httpx.post(f"{url}/aksi/{action}", content=body, headers=headers, timeout=60)


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ("1e999", "'1e999' yang di luar jangkauan angka Excel"),
        ("-1e999", "'-1e999' yang di luar jangkauan angka Excel"),
        ("1" * 5000, "bilangan bulat 5000 digit"),
        ("-" + "9" * 31, "bilangan bulat 31 digit"),
        ("NaN", "memuat 'NaN', yang bukan angka JSON yang sah"),
        ("Infinity", "memuat 'Infinity'"),
        ("0." + "0" * 100 + "1", "lebih dari 64 karakter"),
        ("[" * 40 + "]" * 40, "bersarang lebih dari 32 tingkat"),
    ],
)
def test_json_limits_give_422_in_indonesian(live, built_workbook, cell, fragment):
    """Before: huge numbers and deep nesting gave 500 (all the 5xx of a load test)."""
    url, _ = live
    r = _post_raw(url, _cell_payload(built_workbook, cell))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert fragment in r.text and r.text.endswith("Buku kerja tidak diubah.")


def test_json_limits_keep_what_the_vba_client_sends(live, built_workbook):
    url, _ = live
    for cell in ("198303302001121003", "-0.5", "1.7976931348623157e308", '"[[[[ teks ]]]]"', "1" * 30):
        r = _post_raw(url, _cell_payload(built_workbook, cell))
        assert r.status_code == 200, (cell, r.text)


def test_deep_json_anywhere_gives_422(live):
    url, _ = live
    for body in (b"[" * 200_000 + b"]" * 200_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
        r = _post_raw(url, body)
        assert r.status_code == 422 and "bersarang lebih dari 32 tingkat" in r.text
    r = _post_raw(url, b"[" * 10 + b"}")  # not JSON at all: the plain message
    assert r.status_code == 422 and "bukan JSON yang sah" in r.text


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _slow_header_socket(url: str) -> socket.socket:
    s = _connect(url)
    s.sendall(b"POST /aksi/validasi HTTP/1.1\r\nHost: x\r\n")  # and then nothing
    return s


def test_slow_headers_are_cut_off(serve):
    """Before: 300 slow-header connections stayed open for as long as the clients liked."""
    url, _ = serve(header_timeout_seconds=0.5)
    socks = [_slow_header_socket(url) for _ in range(300)]
    silent = _connect(url)  # sends nothing at all
    try:
        assert httpx.get(f"{url}/health", timeout=10).status_code == 200  # others are still served
        t0 = time.monotonic()
        answers = []
        for s in [*socks, silent]:
            data = b""
            while chunk := s.recv(4096):
                data += chunk
            answers.append(data)
        assert time.monotonic() - t0 < 10
        assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers)
        assert "batas waktu server" in answers[0].decode("utf-8")
    finally:
        for s in [*socks, silent]:
            s.close()


def test_a_slow_body_gets_408(serve, built_workbook):
    url, _ = serve(body_timeout_seconds=0.5)
    with _connect(url) as s:
        s.sendall(
            f"POST /aksi/validasi HTTP/1.1\r\nHost: x\r\nAuthorization: {TOKEN_CAMAT}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{".encode()
        )
        data = b""
        while chunk := s.recv(4096):
            data += chunk
            if b"detik" in data:
                break
    head, _, text = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert "tidak selesai terkirim ke server dalam 0.5 detik" in text.decode("utf-8")


def test_each_action_leaves_one_audit_line_without_the_token(live, built_workbook, caplog):
    url, _ = live
    caplog.set_level(logging.INFO, logger=server.AUDIT_LOGGER)
    body = json.dumps(headless.payload_from_file(built_workbook)).encode()
    assert _post_raw(url, body, token=f"Bearer {TOKEN_KASUBAG}").status_code == 200
    assert _post_raw(url, body, token="token-salah").status_code == 401
    assert _post_raw(url, b"[1e999]", token=TOKEN_CAMAT).status_code == 422
    lines = [r for r in caplog.records if r.name == "renaksi_xl.server.audit"]
    assert len(lines) == 3
    pattern = re.compile(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d nip=(\S+) peran=\"([^\"]*)\" aksi=(\S+) "
        r"http=(\d+) status=(\S+) sha256=(\S+) ms=\d+$"
    )
    parsed = [pattern.match(r.getMessage()).groups() for r in lines]
    assert parsed == [
        (NIP_KASUBAG, layout.ROLE_KASUBAG, "validasi", "200", "selesai", hashlib.sha256(body).hexdigest()),
        ("-", "-", "validasi", "401", "-", "-"),
        (NIP_CAMAT, layout.ROLE_CAMAT, "validasi", "422", "-", hashlib.sha256(b"[1e999]").hexdigest()),
    ]
    assert lines[0].audit["sha256"] == hashlib.sha256(body).hexdigest()  # structured too
    everything = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    for token in (TOKEN_CAMAT, TOKEN_KASUBAG, "token-salah"):
        assert token not in everything


def test_limits_in_the_config_file(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text(
        "max_actions = 5\nmax_actions_per_token = 1\nheader_timeout_seconds = 3\nbody_timeout_seconds = 7.5\n"
        "max_payload_bytes = 1024\n",
        encoding="utf-8",
    )
    c = server.load_config(cfg)
    assert (c.max_actions, c.max_actions_per_token, c.header_timeout_seconds, c.body_timeout_seconds) == (
        5,
        1,
        3.0,
        7.5,
    )
    assert c.max_payload_bytes == 1024
    defaults = server.ServerConfig()
    assert (defaults.max_actions, defaults.max_actions_per_token) == (8, 2)
    assert (defaults.header_timeout_seconds, defaults.body_timeout_seconds) == (10.0, 30.0)
    for text, expected in {
        "max_payload_bytes = 1\n": "'max_payload_bytes' minimal 1024",
        "max_payload_bytes = 1023\n": "'max_payload_bytes' minimal 1024",
        "max_actions = 0\n": "'max_actions' minimal 1",
        "max_actions_per_token = 0\n": "'max_actions_per_token' minimal 1",
        "header_timeout_seconds = 0\n": "'header_timeout_seconds' minimal 0.1",
        "body_timeout_seconds = nan\n": "'body_timeout_seconds' minimal 0.1",
        "max_actions = true\n": "'max_actions' harus berupa angka",
    }.items():
        cfg.write_text(text, encoding="utf-8")
        with pytest.raises(server.InputError, match=re.escape(expected)):
            server.load_config(cfg)


def test_an_absurd_content_length_is_refused_not_a_crash(live):
    url, _ = live
    for length in ("9" * 30, "9" * 5000):
        with _connect(url) as s:
            s.sendall(
                f"POST /aksi/validasi HTTP/1.1\r\nHost: x\r\nAuthorization: {TOKEN_CAMAT}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{}}".encode()
            )
            data = b""
            with contextlib.suppress(OSError):
                while chunk := s.recv(4096):
                    data += chunk
        status = int(data.split(b" ", 2)[1])
        assert 400 <= status < 500, data[:300]
