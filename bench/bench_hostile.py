"""Load test with hostile payloads mixed in: the server must never answer 5xx.

    python bench/bench_hostile.py [--clients 50] [--requests 3000] [--seconds 120]
                                  [--slow-connections 300] [--workers 1] [--seed 16]

Starts `renaksi-xl serve` (a separate process, 127.0.0.1 only) with one token per
client and the default limits, except shorter header/body timeouts (2 s / 3 s)
and a 2 MB payload limit so the hostile cases finish quickly.  `--clients`
threads then send, each on a new connection as the VBA client does, a seeded mix
of: the real workbook's payload to /aksi/validasi, a wrong token, deeply nested
JSON, 1e999 and a 5,000-digit integer in a cell, NaN, a body over the limit, a
body that is not JSON, slow headers (the request line, then nothing) and a slow
body (headers, then part of the body).  Stops after `--requests` requests or
`--seconds`, whichever comes first.  Then `--slow-connections` sockets that
send half a request line each: all must be closed by the server.

Prints requests, status counts per kind, 5xx count, p50/p95 of the answers and the
server's peak RSS (VmHWM).  Floors (issue 16): 0 answers 5xx; memory bounded
(peak RSS under 1 GB per process); every slow connection closed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
REPO = Path(__file__).resolve().parents[1]
MEMORY_FLOOR_MB = 1024
MAX_PAYLOAD = 2 * 1024 * 1024
HEADER_TIMEOUT, BODY_TIMEOUT = 2.0, 3.0

# kind -> weight in the mix
MIX = {
    "valid": 50,
    "wrong_token": 8,
    "deep_json": 7,
    "huge_float": 6,
    "huge_int": 6,
    "nan": 3,
    "oversized": 5,
    "not_json": 5,
    "slow_headers": 5,
    "slow_body": 5,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def hostile_server(folder: Path, clients: int, workers: int = 1):
    """`renaksi-xl serve` with one token per client; yields (url, tokens, pid)."""
    import httpx

    from renaksi_xl import layout
    from renaksi_xl.server import hash_token

    tokens = [secrets.token_urlsafe(18) for _ in range(clients)]
    lines = [
        f"max_payload_bytes = {MAX_PAYLOAD}",
        f"header_timeout_seconds = {HEADER_TIMEOUT}",
        f"body_timeout_seconds = {BODY_TIMEOUT}",
        "timeout_seconds = 30",
        f"workers = {workers}",
    ]
    for i, token in enumerate(tokens):
        nip = f"198001012005011{i + 1:03d}"  # born 1980-01-01, TMT 2005-01, male, sequence i+1
        lines.append(f'[tokens."{hash_token(token)}"]\nnip = "{nip}"\nrole = "{layout.ROLES[i % 3]}"')
    cfg = folder / "server.toml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    port = free_port()
    log = open(folder / "server.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "renaksi_xl.cli", "serve", "--port", str(port), "--config", str(cfg)],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None:
                log.flush()
                tail = (folder / "server.log").read_text("utf-8", "replace")[-2000:]
                raise RuntimeError(f"the server did not start:\n{tail}")
            time.sleep(0.1)
        yield url, tokens, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def peak_rss_mb(pid: int) -> float:
    """VmHWM of the server and its worker processes (the largest), in MB."""
    pids = [pid, *_children(pid)]
    best = 0
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]))
    return best / 1024


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if f"\nPPid:\t{pid}\n" in (entry / "status").read_text():
                    out.append(int(entry.name))
    return out


def bodies(payload: dict) -> dict[str, bytes]:
    """The request bodies of each kind that sends a complete body."""

    def with_cell(raw: str) -> bytes:
        p = json.loads(json.dumps(payload))
        p["sheets"][0]["values"][0][0] = "__SEL__"
        return json.dumps(p).replace('"__SEL__"', raw).encode()

    valid = json.dumps(payload).encode()
    return {
        "valid": valid,
        "wrong_token": valid,
        "deep_json": b"[" * 100_000 + b"]" * 100_000,
        "huge_float": with_cell("1e999"),
        "huge_int": with_cell("7" * 5000),
        "nan": with_cell("NaN"),
        "oversized": b'{"sheets": ["' + b"x" * (MAX_PAYLOAD + 1000) + b'"]}',
        "not_json": b"{bukan json" + valid[:2000],
    }


def _raw(url: str, data: bytes) -> int:
    """Send `data` on a fresh socket, then wait for the server's answer (or close): its status, 0 if none."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(data)
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := s.recv(4096):
                answer += chunk
                if b"\r\n" in answer:
                    break
    parts = answer.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def one_request(url: str, kind: str, token: str, body: dict[str, bytes]) -> int:
    """Send one request of `kind`; its HTTP status (0: the connection ended without an answer)."""
    import httpx

    if kind == "slow_headers":
        return _raw(url, b"POST /aksi/validasi HTTP/1.1\r\nHost: renaksi\r\nAuthorization: ")
    if kind == "slow_body":
        head = (
            f"POST /aksi/validasi HTTP/1.1\r\nHost: renaksi\r\nAuthorization: {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        ).encode()
        return _raw(url, head + body["valid"][:5000])
    headers = {"Authorization": "salah-" + token if kind == "wrong_token" else token}
    headers["Content-Type"] = "application/json"
    try:
        r = httpx.post(f"{url}/aksi/validasi", content=body[kind], headers=headers, timeout=60)
    except httpx.TransportError:
        return 0  # e.g. the server answered 413 and closed while the client was still sending
    return r.status_code


def run_load(url: str, tokens: list[str], payload: dict, *, requests: int, seconds: float, seed: int = 16):
    """`len(tokens)` clients, each with its own token, until `requests` or `seconds`.

    Returns {"by_kind": {kind: Counter(status)}, "latencies": [s...], "requests": n}."""
    body = bodies(payload)
    kinds, weights = zip(*MIX.items())
    lock = threading.Lock()
    state = {"left": requests}
    by_kind: dict[str, Counter] = defaultdict(Counter)
    latencies: list[float] = []
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        while time.monotonic() < stop_at:
            with lock:
                if state["left"] <= 0:
                    return
                state["left"] -= 1
            kind = rng.choices(kinds, weights)[0]
            t0 = time.perf_counter()
            status = one_request(url, kind, tokens[index], body)
            elapsed = time.perf_counter() - t0
            with lock:
                by_kind[kind][status] += 1
                if kind not in ("slow_headers", "slow_body"):
                    latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = sum(sum(c.values()) for c in by_kind.values())
    return {"by_kind": dict(by_kind), "latencies": latencies, "requests": done}


def slow_connections(url: str, count: int) -> tuple[int, float]:
    """Open `count` connections sending half a request line; (how many the server closed, seconds)."""
    host, port = url.removeprefix("http://").split(":")
    socks = []
    for _ in range(count):
        s = socket.create_connection((host, int(port)), timeout=30)
        s.sendall(b"GET /hea")
        socks.append(s)
    t0 = time.monotonic()
    closed = 0
    for s in socks:
        with contextlib.suppress(OSError):
            while s.recv(4096):
                pass
            closed += 1
        s.close()
    return closed, time.monotonic() - t0


def five_xx(result: dict) -> int:
    return sum(n for c in result["by_kind"].values() for status, n in c.items() if status >= 500)


def report(result: dict, peak_mb: float, slow: tuple[int, int, float] | None) -> str:
    lat = sorted(result["latencies"])
    p50 = statistics.median(lat) * 1000 if lat else 0
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else 0
    lines = [f"requests: {result['requests']}"]
    for kind in MIX:
        counts = result["by_kind"].get(kind)
        if counts:
            shown = ", ".join(f"{status or 'closed'}: {n}" for status, n in sorted(counts.items()))
            lines.append(f"  {kind:<13} {shown}")
    total = Counter()
    for c in result["by_kind"].values():
        total.update(c)
    lines.append("status counts: " + ", ".join(f"{s or 'closed'}: {n}" for s, n in sorted(total.items())))
    lines.append(f"5xx answers: {five_xx(result)}   (floor: 0)")
    lines.append(f"answer time (complete requests): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    lines.append(f"server peak RSS (VmHWM): {peak_mb:.0f} MB   (floor: < {MEMORY_FLOOR_MB} MB)")
    if slow:
        opened, closed, seconds = slow
        lines.append(
            f"slow connections: {closed} of {opened} closed by the server in {seconds:.1f} s "
            f"(header timeout {HEADER_TIMEOUT:g} s; floor: all)"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--slow-connections", type=int, default=300)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--seed", type=int, default=16)
    args = p.parse_args(argv)
    from renaksi_xl import headless

    payload = headless.payload_from_file(REPO / "workbook" / "RencanaAksi.xlsm")
    with (
        tempfile.TemporaryDirectory() as tmp,
        hostile_server(Path(tmp), args.clients, args.workers) as (
            url,
            tokens,
            pid,
        ),
    ):
        print(
            f"{args.clients} clients, up to {args.requests} requests or {args.seconds:g} s, "
            f"payload {len(json.dumps(payload)) // 1024} kB, {args.workers} server process(es)",
            flush=True,
        )
        t0 = time.monotonic()
        result = run_load(url, tokens, payload, requests=args.requests, seconds=args.seconds, seed=args.seed)
        elapsed = time.monotonic() - t0
        slow = None
        if args.slow_connections:
            closed, seconds = slow_connections(url, args.slow_connections)
            slow = (args.slow_connections, closed, seconds)
        peak = peak_rss_mb(pid)
    print(f"load phase: {elapsed:.1f} s, {result['requests'] / elapsed:.1f} requests/s")
    print(report(result, peak, slow))
    ok = five_xx(result) == 0 and peak < MEMORY_FLOOR_MB and (slow is None or slow[1] == slow[0])
    print("floors met" if ok else "FLOORS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
