"""Benchmark: the xlwings Server under load, and its memory on a city-scale payload.

    python bench/bench_server.py [--clients 20|1,2,4,8,20] [--seconds 60] [--workers 1] [--pause 0] [--rows 3000]
                                 [--skip-load] [--skip-memory]

1. Load: starts `renaksi-xl serve` (a separate process, 127.0.0.1 only) with a
   temporary token; `--clients` threads post the demo workbook's payload to
   `/aksi/validasi` back to back (or with `--pause` seconds between a client's
   requests) for `--seconds`, while one more thread probes
   `/health` every 50 ms.  Prints requests/s, failures, p50/p95/p99 of both.
   Target (issue 6): zero failed requests, validasi p95 <= 5x health p95.
2. Memory: a fresh server gets one payload of a `--rows` sub kegiatan plan
   (renaksi_xl.validators.sample) at `/aksi/validasi`; prints the payload size,
   the answer time and the server's peak RSS (VmHWM).  Target: < 600 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server_process(folder: Path, workers: int, timeout: float = 120):
    """`renaksi-xl serve` with a fresh token; yields (url, token, pid)."""
    import httpx

    from renaksi_xl import layout
    from renaksi_xl.server import hash_token

    token = secrets.token_urlsafe(24)
    cfg = folder / "server.toml"
    cfg.write_text(
        f"timeout_seconds = {timeout}\nworkers = {workers}\nmax_payload_bytes = {256 * 1024 * 1024}\n"
        # capacity, not admission: every client may have its request in flight
        "max_actions = 1000\nmax_actions_per_token = 1000\n"
        f'[tokens."{hash_token(token)}"]\nnip = "198507122010012005"\nrole = "{layout.ROLE_SEKRETARIS}"\n',
        encoding="utf-8",
    )
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "renaksi_xl.cli", "serve", "--port", str(port), "--config", str(cfg)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield url, token, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _status(pid: int, key: str) -> str | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return None


def server_pids(pid: int) -> list[int]:
    """The `serve` process and its uvicorn worker processes (children, grandchildren)."""
    family, frontier = [pid], [pid]
    while frontier:
        parents, frontier = set(frontier), []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(_status(int(entry.name), "PPid") or 0) in parents:
                family.append(int(entry.name))
                frontier.append(int(entry.name))
    return family


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (from /proc/PID/stat)."""
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return float("nan")


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(sum, largest) of the peak RSS (VmHWM) of the server's processes, in MB."""
    peaks = [int((_status(p, "VmHWM") or "0 kB").split()[0]) / 1024 for p in server_pids(pid)]
    return sum(peaks), max(peaks, default=float("nan"))


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def demo_payload(folder: Path) -> dict:
    """The demo workbook after its whole SOP (renaksi-xl demo --cepat)."""
    from renaksi_xl.demo import run_demo
    from renaksi_xl.headless import payload_from_file

    result = run_demo(folder / "demo", with_pdf=False, quiet=True)
    return payload_from_file(result["book"])


def city_payload(folder: Path, rows: int) -> dict:
    from renaksi_xl.headless import payload_from_file
    from renaksi_xl.validators import sample
    from renaksi_xl.xlsm.workbook import build_workbook

    path = folder / f"kota-{rows}.xlsm"
    build_workbook(path)
    sample.write_plan(path, sample.clean_plan(rows, indicators=60))
    return payload_from_file(path)


def load_test(
    url: str,
    token: str,
    body: bytes,
    clients: int,
    seconds: float,
    pause: float = 0.0,
    keep_alive: bool = False,
) -> dict:
    """`keep_alive=False` opens a connection per request, as the VBA client does (a new
    WinHttpRequest per RunRemotePython call); kept-alive connections stay with the
    server process that accepted them first."""
    import httpx

    limits = httpx.Limits(max_keepalive_connections=None if keep_alive else 0)

    stop = time.monotonic() + seconds
    lat: list[float] = []
    health: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client():
        with httpx.Client(timeout=120, limits=limits) as c:
            while time.monotonic() < stop:
                t = time.perf_counter()
                try:
                    r = c.post(
                        f"{url}/aksi/validasi",
                        content=body,
                        headers={"Authorization": token, "Content-Type": "application/json"},
                    )
                    ok = r.status_code == 200 and r.json()["status"] == "selesai"
                    why = f"{r.status_code} {r.text[:100]}"
                except httpx.HTTPError as exc:
                    ok, why = False, repr(exc)
                dt = time.perf_counter() - t
                with lock:
                    (lat.append(dt) if ok else failures.append(why))
                if pause:
                    time.sleep(pause)

    def prober():
        with httpx.Client(timeout=30, limits=limits) as c:
            while time.monotonic() < stop:
                t = time.perf_counter()
                try:
                    ok = c.get(f"{url}/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                dt = time.perf_counter() - t
                with lock:
                    (health.append(dt) if ok else failures.append("health"))
                time.sleep(0.05)

    threads = [threading.Thread(target=client) for _ in range(clients)] + [threading.Thread(target=prober)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    how = f"each waiting {pause:g} s between requests" if pause else "back to back"
    how += ", connections kept alive" if keep_alive else ", a new connection per request like the VBA client"
    print(
        f"load: {clients} clients x {seconds:.0f} s on /aksi/validasi ({how}), payload {len(body) / 1024:.0f} kB"
    )
    print(f"  requests ok {len(lat)}, failed {len(failures)}, {len(lat) / elapsed:.2f} req/s")
    if failures:
        print(f"  first failure: {failures[0]}")
    if lat:
        print(
            f"  validasi p50 {pct(lat, 50) * 1000:.0f} ms  p95 {pct(lat, 95) * 1000:.0f} ms  p99 {pct(lat, 99) * 1000:.0f} ms"
        )
    if health:
        print(
            f"  health   p50 {pct(health, 50) * 1000:.1f} ms  p95 {pct(health, 95) * 1000:.1f} ms  "
            f"p99 {pct(health, 99) * 1000:.1f} ms  (n={len(health)})"
        )
    if lat and health:
        print(f"  p95 ratio validasi/health: {pct(lat, 95) / pct(health, 95):.1f}x (target <= 5x)")
    return {
        "clients": clients,
        "rate": len(lat) / elapsed,
        "failed": len(failures),
        "p50": pct(lat, 50) if lat else float("nan"),
        "p95": pct(lat, 95) if lat else float("nan"),
        "health_p95": pct(health, 95) if health else float("nan"),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--clients",
        default="20",
        help="concurrent clients; a list such as 1,2,4,8,20 runs one load after another and "
        "ends with a table (--seconds each, one server)",
    )
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument(
        "--workers", type=int, default=1, help="server processes (default 1, as `renaksi-xl serve`)"
    )
    p.add_argument(
        "--keep-alive",
        action="store_true",
        help="clients keep their connection (the VBA client opens one per request)",
    )
    p.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds each client waits between requests (0: back to back, as issue 6 states)",
    )
    p.add_argument("--rows", type=int, default=3000)
    p.add_argument("--skip-load", action="store_true")
    p.add_argument("--skip-memory", action="store_true")
    args = p.parse_args(argv)
    import httpx

    folder = Path(tempfile.mkdtemp(prefix="bench-server-"))
    if not args.skip_load:
        body = json.dumps(demo_payload(folder)).encode()
        rows = []
        with server_process(folder, args.workers) as (url, token, pid):
            for clients in (int(c) for c in str(args.clients).split(",")):
                pids = server_pids(pid)
                cpu_before = [cpu_seconds(p) for p in pids]
                rows.append(load_test(url, token, body, clients, args.seconds, args.pause, args.keep_alive))
                cpu = [cpu_seconds(p) - c for p, c in zip(pids, cpu_before)]
                print(
                    "  server CPU seconds per process during the load: " + ", ".join(f"{c:.1f}" for c in cpu)
                )
                total, largest = peak_rss_mb(pid)
                print(
                    f"  server: {args.workers} worker process(es); peak RSS {total:.0f} MB in all, "
                    f"{largest:.0f} MB the largest process"
                )
        if len(rows) > 1:
            print("clients  req/s  failed  validasi p50  p95      health p95  ratio")
            for r in rows:
                print(
                    f"{r['clients']:>7}  {r['rate']:5.0f}  {r['failed']:>6}  {r['p50'] * 1000:9.0f} ms  "
                    f"{r['p95'] * 1000:4.0f} ms  {r['health_p95'] * 1000:7.1f} ms  {r['p95'] / r['health_p95']:5.1f}x"
                )
    if not args.skip_memory:
        body = json.dumps(city_payload(folder, args.rows)).encode()
        with server_process(folder, args.workers, timeout=600) as (url, token, pid):
            base, _ = peak_rss_mb(pid)
            t = time.perf_counter()
            r = httpx.post(
                f"{url}/aksi/validasi",
                content=body,
                timeout=600,
                headers={"Authorization": token, "Content-Type": "application/json"},
            )
            took = time.perf_counter() - t
            total, largest = peak_rss_mb(pid)
            print(
                f"memory: {args.rows} sub kegiatan, payload {len(body) / 1024 / 1024:.1f} MB -> "
                f"HTTP {r.status_code} {r.headers.get('x-renaksi-status')} in {took:.1f} s; "
                f"server peak RSS {total:.0f} MB in all ({args.workers} worker process(es); largest "
                f"{largest:.0f} MB; idle {base:.0f} MB; target < 600 MB)"
            )
            if r.status_code == 200:
                print(f"  {r.json()['message'].splitlines()[0][:100]}; {len(r.json()['actions'])} actions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
