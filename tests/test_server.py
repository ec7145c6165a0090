"""xlwings Server mode over real HTTP: a uvicorn server on loopback, payloads from the
real built workbook, returned actions applied to the file like the VBA client would."""

import concurrent.futures
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import openpyxl
import pytest
from test_headless_core import remote_books

from renaksi_xl import cli, headless, layout, macros, server, tables
from renaksi_xl.errors import Refused

TOKEN_CAMAT = "token-camat-uji-7f3a"
TOKEN_KASUBAG = "token-kasubag-uji-91cd"
NIP_CAMAT = "198303302001121003"
NIP_KASUBAG = "198807152010012004"


def make_config(**limits) -> server.ServerConfig:
    return server.ServerConfig(
        tokens={
            server.hash_token(TOKEN_CAMAT): server.Identity(NIP_CAMAT, layout.ROLE_CAMAT, "Camat Uji"),
            server.hash_token(TOKEN_KASUBAG): server.Identity(
                NIP_KASUBAG, layout.ROLE_KASUBAG, "Kasubag Uji"
            ),
        },
        **limits,
    )


def vba_client_functions_of(xlsm: Path) -> tuple[set[str], str]:
    """The Subs the VBA client can run for an action: from the Remote module of the
    built workbook's VBA project; the installed xlwings copy (which the build embeds)
    while the built workbook has no Remote module yet."""
    from oletools.olevba import VBA_Parser

    pattern = re.compile(
        r"(?im)^(?:public\s+)?sub\s+(\w+)\s*\(\s*wb\s+as\s+workbook\s*,\s*action\s+as\s+dictionary"
    )
    parser = VBA_Parser(str(xlsm))
    try:
        if parser.detect_vba_macros():
            for _, stream, _, code in parser.extract_macros():
                if stream.split("/")[-1] == "Remote" or re.search(r'Attribute VB_Name = "Remote"', code):
                    return set(pattern.findall(code)), "workbook"
    finally:
        parser.close()
    import xlwings

    code = (Path(xlwings.__file__).parent / "addin" / "Remote.bas").read_text("utf-8", "replace")
    return set(pattern.findall(code)), "installed xlwings"


@pytest.fixture
def serve():
    """Start a real server on 127.0.0.1 (free port) with given limits: serve(**limits) -> (url, config)."""
    import contextlib

    with contextlib.ExitStack() as stack:

        def start(**limits):
            config = make_config(**limits)
            return stack.enter_context(server.running_server(server.create_app(config))), config

        yield start


@pytest.fixture
def live(serve):
    return serve()


def post(url, action, payload, token=TOKEN_CAMAT, **kw):
    headers = {"Authorization": token} if token is not None else {}
    return httpx.post(f"{url}/aksi/{action}", json=payload, headers=headers, timeout=60, **kw)


def apply_to_file(path: Path, actions: list[dict]):
    return headless.apply_to_file(path, actions)


@pytest.fixture
def probe_action(monkeypatch):
    """A test-only button that records who the server says is acting, in the book."""
    calls = []

    def probe(book, ctx):
        calls.append(ctx)
        tables.write_setting(book, layout.SET_PEJABAT_AKTIF, ctx.nip)
        tables.append_rows(
            book,
            layout.TBL_LOG,
            [[1, "2025-01-06 09:00 WIB", ctx.action, None, ctx.role, "", ctx.nip, "", "uji server", "", ""]],
        )
        return f"Tercatat untuk {ctx.nip}"

    monkeypatch.setitem(macros.ACTIONS, "uji-probe", probe)
    return calls


def test_health_and_openapi(live):
    url, _ = live
    r = httpx.get(f"{url}/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["actions"] == list(macros.ACTIONS)
    schema = httpx.get(f"{url}/openapi.json").json()
    op = schema["paths"]["/aksi/{action}"]["post"]
    assert (
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Payload"
    )
    assert {"Payload", "SheetInfo", "TableInfo"} <= set(schema["components"]["schemas"])
    assert op["responses"]["401"]["content"] == {"text/plain": {"schema": {"type": "string"}}}


def test_identity_comes_from_the_token_not_the_workbook(live, built_workbook, probe_action):
    url, _ = live
    # The workbook claims someone else; the server must ignore it.
    headless.run_on_file(
        built_workbook, lambda b: tables.write_setting(b, layout.SET_PEJABAT_AKTIF, "199001012015011001")
    )
    r = post(url, "uji-probe", headless.payload_from_file(built_workbook), token=f"Bearer {TOKEN_KASUBAG}")
    assert r.status_code == 200, r.text
    assert r.headers[server.STATUS_HEADER] == "selesai"
    ctx = probe_action[0]
    assert (ctx.nip, ctx.role, ctx.identity_from_server, ctx.files) == (
        NIP_KASUBAG,
        layout.ROLE_KASUBAG,
        True,
        [],
    )
    actions = r.json()["actions"]
    assert actions[-1]["func"] == "alert" and actions[-1]["args"][:2] == [
        f"Tercatat untuk {NIP_KASUBAG}",
        macros.TITLE_DONE,
    ]
    result = apply_to_file(built_workbook, actions)
    assert result.alerts == [(macros.TITLE_DONE, f"Tercatat untuk {NIP_KASUBAG}")]
    book = headless.open_book(built_workbook)
    assert tables.read_settings(book)[layout.SET_PEJABAT_AKTIF] == NIP_KASUBAG
    log = tables.read_table(book, layout.TBL_LOG).records()
    assert [(r["Aksi"], r["Peran"], r["NIP"]) for r in log] == [
        ("uji-probe", layout.ROLE_KASUBAG, NIP_KASUBAG)
    ]


@pytest.mark.parametrize("token", [None, "", "salah", "Bearer salah", TOKEN_CAMAT + "x"])
def test_401_without_or_with_wrong_token_does_nothing(live, built_workbook, probe_action, token):
    url, _ = live
    r = post(url, "uji-probe", headless.payload_from_file(built_workbook), token=token)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("text/plain")
    assert "Token Server" in r.text and "tidak diubah" in r.text
    assert probe_action == []


def test_413_over_the_limit_declared_and_streamed(serve, built_workbook, probe_action):
    url, config = serve(max_payload_bytes=80_000)  # above a blank workbook (about 55 kB with _SOP, _Versi)
    payload = headless.payload_from_file(built_workbook)
    payload["sheets"][0]["values"].extend([["x" * 100] * 10] * 60)  # ~60 kB more
    body = json.dumps(payload).encode()
    assert len(body) > config.max_payload_bytes
    headers = {"Authorization": TOKEN_CAMAT, "Content-Type": "application/json"}
    r = httpx.post(f"{url}/aksi/uji-probe", content=body, headers=headers, timeout=30)
    assert r.status_code == 413 and "terlalu besar" in r.text and "batas 78 kB" in r.text

    def chunks():  # no Content-Length: the server must count the stream
        for i in range(0, len(body), 8192):
            yield body[i : i + 8192]

    r = httpx.post(f"{url}/aksi/uji-probe", content=chunks(), headers=headers, timeout=30)
    assert r.status_code == 413 and "terlalu besar" in r.text
    assert probe_action == []
    # Under the limit the same button runs.
    small = headless.payload_from_file(built_workbook)
    assert post(url, "uji-probe", small).status_code == 200


def test_504_when_the_action_is_too_slow(serve, built_workbook, monkeypatch):
    url, _ = serve(timeout_seconds=0.5)

    def slow(book, ctx):
        time.sleep(2)
        return "terlambat"

    monkeypatch.setitem(macros.ACTIONS, "uji-lambat", slow)
    r = post(url, "uji-lambat", headless.payload_from_file(built_workbook))
    assert r.status_code == 504
    assert r.headers["content-type"].startswith("text/plain")
    assert "0.5 detik" in r.text and "tidak diubah" in r.text


def test_refused_and_unusable_become_an_alert_and_nothing_else(live, built_workbook, monkeypatch):
    url, _ = live

    def refusing(book, ctx):
        tables.write_setting(book, layout.SET_PEJABAT_AKTIF, ctx.nip)  # written, then refused
        raise Refused("Langkah 5 belum selesai: penetapan ditolak.")

    monkeypatch.setitem(macros.ACTIONS, "uji-tolak", refusing)
    before = built_workbook.read_bytes()
    r = post(url, "uji-tolak", headless.payload_from_file(built_workbook))
    assert r.status_code == 200 and r.headers[server.STATUS_HEADER] == "ditolak"
    actions = r.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    assert actions[0]["args"][:4] == [
        "Langkah 5 belum selesai: penetapan ditolak.",
        macros.TITLE_REFUSED,
        "ok",
        "critical",
    ]
    # A payload without the Pengaturan sheet: the table reader's Indonesian message.
    payload = headless.payload_from_file(built_workbook)
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] != layout.SHEET_PENGATURAN]
    payload["names"] = []
    payload["book"]["active_sheet_index"] = 0
    r = post(url, "uji-tolak", payload)
    assert r.status_code == 200 and r.headers[server.STATUS_HEADER] == "tidak-bisa-dipakai"
    assert (
        "bukan buku kerja Rencana Aksi yang lengkap: lembar 'Pengaturan' tidak ada"
        in r.json()["actions"][0]["args"][0]
    )
    assert built_workbook.read_bytes() == before


def test_bad_requests_get_plain_indonesian_text(live, built_workbook):
    url, _ = live
    r = post(url, "tidak-ada", headless.payload_from_file(built_workbook))
    assert r.status_code == 404 and "tidak dikenal" in r.text and "validasi" in r.text
    r = httpx.post(f"{url}/aksi/validasi", content=b"{bukan json", headers={"Authorization": TOKEN_CAMAT})
    assert r.status_code == 422 and "bukan JSON" in r.text
    payload = headless.payload_from_file(built_workbook)
    payload["book"]["active_sheet_index"] = 99
    r = post(url, "validasi", payload)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/plain")
    assert "active_sheet_index" in r.text


def test_every_action_over_http_emits_only_vba_client_functions(live, built_workbook):
    """Each button through the server on the real built workbook; whatever it returns
    must be runnable by the VBA client embedded in that workbook, and applies to the file."""
    url, _ = live
    client_funcs, source = vba_client_functions_of(built_workbook)
    assert {"setValues", "alert", "resizeTable", "rangeClearContents"} <= client_funcs, source
    payload = headless.payload_from_file(built_workbook)
    for action in macros.ACTIONS:
        r = post(url, action, payload)
        assert r.status_code == 200, (action, r.text)
        answer = r.json()
        funcs = [a["func"] for a in answer["actions"]]
        assert set(funcs) <= client_funcs, (action, funcs)
        assert funcs[-1] == "alert"
        if macros.missing_parts(action):
            assert answer["status"] == "tidak-bisa-dipakai"
            assert "belum bisa dipakai" in answer["message"] and f"'{action}'" in answer["message"]
        copy = built_workbook.with_name(f"{action}.xlsm")
        copy.write_bytes(built_workbook.read_bytes())
        result = apply_to_file(copy, answer["actions"])
        assert result.alerts[-1][1] == answer["actions"][-1]["args"][0]
        openpyxl.load_workbook(copy, keep_vba=True)  # still a valid workbook


def test_concurrent_requests_keep_their_own_actions_and_leave_no_books(serve, built_workbook):
    """The remote engine sends book.macro()/app.alert() to its App's active book and keeps
    every Book it opened: each request must get its own App, dropped afterwards."""
    url, _config = serve(max_actions=8, max_actions_per_token=8)  # 8 at once, all admitted
    payload = headless.payload_from_file(built_workbook)
    post(url, "validasi", payload)  # warm up: imports, schemas
    before = remote_books()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: post(url, "validasi", payload), range(24)))
    assert [r.status_code for r in answers] == [200] * 24
    for r in answers:
        funcs = [a["func"] for a in r.json()["actions"]]
        # exactly this request's own clear-highlights macro and summary, nobody else's
        assert funcs.count("runMacro") == 1 and funcs.count("alert") == 1, funcs
    assert remote_books() == before


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                out.append(int(entry.name))
    return out


def _worker_processes(pid: int) -> list[int]:
    """uvicorn's worker processes under the `serve` process (multiprocessing spawn children)."""
    workers = []
    for child in _children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            workers.append(child)
    return workers


def test_serve_command_runs_worker_processes_with_the_toml_config(tmp_path, built_workbook):
    """--workers 2 over the config's 1: two uvicorn processes, each with the config's tokens and limits."""
    cfg = tmp_path / "server.toml"
    cfg.write_text(
        "max_payload_bytes = 2000000\ntimeout_seconds = 30\nworkers = 1\nmax_actions_per_token = 4\n"
        f'[tokens."{server.hash_token(TOKEN_CAMAT)}"]\nnip = "{NIP_CAMAT}"\nrole = "{layout.ROLE_CAMAT}"\n',
        encoding="utf-8",
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ}
    env.pop("XLWINGS_LICENSE_KEY", None)  # the command sets it itself
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "renaksi_xl.cli",
            "serve",
            "--port",
            str(port),
            "--config",
            str(cfg),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: list[int] = []
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if (
                    httpx.get(f"{url}/health", timeout=1).status_code == 200
                    and len(_worker_processes(proc.pid)) == 2
                ):
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[1]
            time.sleep(0.1)
        workers = _worker_processes(proc.pid)
        payload = headless.payload_from_file(built_workbook)
        # several connections, so that both processes serve; each one has the config's tokens
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: post(url, "validasi", payload), range(8)))
        assert [r.status_code for r in answers] == [200] * 8
        assert all(
            r.json()["actions"][-1]["func"] == "alert" for r in answers
        )  # license key set by the command
        assert post(url, "validasi", payload, token="salah").status_code == 401
        too_big = [
            httpx.post(
                f"{url}/aksi/validasi",
                content=b" " * 2_100_000,
                timeout=30,
                headers={"Authorization": TOKEN_CAMAT, "Content-Type": "application/json"},
            )
            for _ in range(4)
        ]
        assert [r.status_code for r in too_big] == [413] * 4  # the config's limit, in whichever process
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "1 token" in err and "2 proses" in err
    # the audit lines (logger renaksi_xl.server.audit) reach the server's standard error
    audit = [line for line in err.splitlines() if " aksi=validasi " in line]
    assert sum(f"nip={NIP_CAMAT} " in line and " http=200 " in line for line in audit) == 8, err[-3000:]
    assert sum(" nip=- " in line and " http=401 " in line for line in audit) == 1
    assert TOKEN_CAMAT not in err
    assert len(workers) == 2
    time.sleep(0.5)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], (
        "worker processes outlived the server"
    )


def test_serve_workers_option_is_checked():
    """A count below 1 is refused before anything starts; without the option the config decides."""
    bad = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.cli", "serve", "--workers", "nol"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--workers: harus bilangan bulat 1 atau lebih, bukan 'nol'" in bad.stderr
    args = cli.build_parser().parse_args(["serve", "--workers", "3"])
    assert args.workers == 3
    assert cli.build_parser().parse_args(["serve"]).workers is None


def test_config_files_are_checked(tmp_path):
    good = tmp_path / "ok.json"
    good.write_text(
        json.dumps(
            {
                "timeout_seconds": 5,
                "workers": 3,
                "tokens": {server.hash_token("abc"): {"nip": NIP_CAMAT, "role": layout.ROLE_CAMAT}},
            }
        )
    )
    cfg = server.load_config(good)
    assert cfg.timeout_seconds == 5 and cfg.workers == 3 and cfg.identify("abc").nip == NIP_CAMAT
    assert server.load_config(None).workers == server.DEFAULT_WORKERS == 1
    assert cfg.identify("Bearer abc").role == layout.ROLE_CAMAT and cfg.identify("abd") is None
    cases = {
        '[tokens.abc]\nnip = "198303302001121003"\nrole = "Camat"\n': "hash SHA-256",
        f'[tokens."{server.hash_token("x")}"]\nnip = 198303302001121003\nrole = "Camat"\n': "harus 18 digit",
        f'[tokens."{server.hash_token("x")}"]\nnip = "198303302001121003"\nrole = "Lurah"\n': "'role' harus salah satu",
        "max_payload_bytes = 'besar'\n": "harus berupa angka",
        "workers = 0\n": "'workers' minimal 1",
        "tokens = [": "bukan TOML yang sah",
    }
    for text, expected in cases.items():
        bad = tmp_path / "bad.toml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(server.InputError, match=re.escape(expected)):
            server.load_config(bad)
    with pytest.raises(server.InputError, match="tidak ditemukan"):
        server.load_config(tmp_path / "tidak-ada.toml")


def test_hash_token_helpers():
    out = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.server", "hash-token"],
        input="rahasia\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == hashlib.sha256(b"rahasia").hexdigest()
    out = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.server", "new-token", NIP_CAMAT, layout.ROLE_CAMAT],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    token = re.search(r"^# (\S{40,})$", out, re.M).group(1)
    import tomllib

    parsed = tomllib.loads(out)
    assert parsed["tokens"] == {
        server.hash_token(token): {"nip": NIP_CAMAT, "role": layout.ROLE_CAMAT, "name": ""}
    }


# --------------------------------------------------------------------------- the SOP over HTTP
TOKEN_SEKRETARIS = "token-sekretaris-uji-55be"
NIP_SEKRETARIS = "198507122010012005"
OFFICIALS = [
    [layout.ROLE_CAMAT, "Camat Uji", NIP_CAMAT],
    [layout.ROLE_SEKRETARIS, "Sekretaris Uji", NIP_SEKRETARIS],
    [layout.ROLE_KASUBAG, "Kasubag Uji", NIP_KASUBAG],
]
TOKENS = {
    layout.ROLE_CAMAT: TOKEN_CAMAT,
    layout.ROLE_SEKRETARIS: TOKEN_SEKRETARIS,
    layout.ROLE_KASUBAG: TOKEN_KASUBAG,
}


def sop_config(**limits) -> server.ServerConfig:
    cfg = make_config(**limits)
    cfg.tokens[server.hash_token(TOKEN_SEKRETARIS)] = server.Identity(NIP_SEKRETARIS, layout.ROLE_SEKRETARIS)
    return cfg


def type_into(path: Path, cells: dict) -> None:
    """What a user does before a click: type into the named input cells, save."""

    def fill(book):
        for name, value in cells.items():
            book.names[name].refers_to_range.value = value

    headless.run_on_file(path, fill)


def paste_into_impor(payload: dict, source: Path) -> dict:
    """What the server-mode macro does before posting: paste every sheet of the chosen
    file into the Impor sheet under a marker row (renaksi_xl.dpa.readers contract)."""
    from python_calamine import CalamineWorkbook

    from renaksi_xl.dpa import IMPOR_MARKER

    rows = [["Impor"]] + [[None]] * (layout.IMPOR_FIRST_ROW - 2)
    wb = CalamineWorkbook.from_path(str(source))
    for name in wb.sheet_names:
        rows.append([IMPOR_MARKER, source.name, name, "A1"])
        rows.extend(
            [headless._clean(v) for v in r]
            for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        )
    width = max(len(r) for r in rows)
    sheet = next(s for s in payload["sheets"] if s["name"] == layout.SHEET_IMPOR)
    sheet["values"] = [r + [None] * (width - len(r)) for r in rows]
    return payload


def click(url: str, path: Path, action: str, role: str, impor: Path | None = None) -> dict:
    """One button click in server mode: payload from the file, POST, apply the answer."""
    payload = headless.payload_from_file(path)
    if impor is not None:
        paste_into_impor(payload, impor)
    r = post(url, action, payload, token=TOKENS[role])
    assert r.status_code == 200, (action, r.text)
    answer = r.json()
    apply_to_file(path, answer["actions"])
    return answer


def test_the_whole_sop_over_http(built_workbook):
    """Every SOP button through the server, each official with their own token, the answers
    applied to the file like the VBA client does, and the result read back from the file."""
    from renaksi_xl.dpa import SAMPLE_DPA, SAMPLE_PK

    with server.running_server(server.create_app(sop_config())) as url:
        client_funcs, _ = vba_client_functions_of(built_workbook)
        headless.run_on_file(built_workbook, lambda b: tables.write_table(b, layout.TBL_PEJABAT, OFFICIALS))
        seen_funcs: set[str] = set()

        def step(action, role, expect="selesai", **kw):
            answer = click(url, built_workbook, action, role, **kw)
            seen_funcs.update(a["func"] for a in answer["actions"])
            assert answer["status"] == expect, (action, answer["message"])
            return answer

        # A Kasubag cannot start the SOP: refused, and the file keeps its bytes.
        before = built_workbook.read_bytes()
        refused = click(url, built_workbook, layout.ACTION_DISPOSISI, layout.ROLE_KASUBAG)
        assert refused["status"] == "ditolak" and built_workbook.read_bytes() == before

        type_into(
            built_workbook,
            {
                "inDisposisiIsi": "Mohon disusun Rencana Aksi TA 2025.",
                "inDisposisiKepada": layout.ROLE_KASUBAG,
                "inDisposisiBatas": "2025-01-10",
            },
        )
        step(layout.ACTION_DISPOSISI, layout.ROLE_CAMAT)
        # Server mode: the DPA comes pasted in the Impor sheet, never as a server path.
        dpa = step(layout.ACTION_TARIK_DPA, layout.ROLE_KASUBAG, impor=Path(SAMPLE_DPA))
        step(layout.ACTION_IMPOR_KINERJA, layout.ROLE_KASUBAG, impor=Path(SAMPLE_PK))
        step(layout.ACTION_SUSUN, layout.ROLE_KASUBAG)
        type_into(
            built_workbook,
            {
                "inPembahasanPeserta": "Sekretaris Camat, Kasubag",
                "inPembahasanKeputusan": "Diteruskan ke pemeriksaan.",
            },
        )
        step(layout.ACTION_PEMBAHASAN, layout.ROLE_SEKRETARIS)
        step(layout.ACTION_VALIDASI, layout.ROLE_SEKRETARIS)
        type_into(built_workbook, {"inCatatan5": "Sesuai DPA."})
        step(layout.ACTION_PARAF_PEMERIKSAAN, layout.ROLE_SEKRETARIS)
        # The wrong official for step 6, then the right one.
        step(layout.ACTION_TETAPKAN, layout.ROLE_SEKRETARIS, expect="ditolak")
        step(layout.ACTION_TETAPKAN, layout.ROLE_CAMAT)
        keaslian = step(layout.ACTION_PERIKSA_KEASLIAN, layout.ROLE_CAMAT)
        for local_only in (layout.ACTION_PDF, layout.ACTION_EMAIL):
            answer = step(local_only, layout.ROLE_CAMAT, expect="tidak-bisa-dipakai")
            assert "hanya bisa di mode Lokal" in answer["message"]

        assert seen_funcs <= client_funcs, seen_funcs - client_funcs
        assert "setValues" in seen_funcs and "resizeTable" in seen_funcs
        book = headless.open_book(built_workbook)
        dpa_rows = tables.read_table(book, layout.TBL_DPA).records()
        assert len(dpa_rows) > 0 and all(isinstance(r["Kode Sub Kegiatan"], str) for r in dpa_rows)
        from renaksi_xl.dpa.load import read_dpa

        # The pasted Impor sheet gives the same sub kegiatan as reading the file itself.
        assert [r["Kode Sub Kegiatan"] for r in dpa_rows] == [
            r["kode_sub_kegiatan"] for r in read_dpa(SAMPLE_DPA).records
        ]
        assert "Langkah 2" in dpa["message"]
        assert len(tables.read_table(book, layout.TBL_RENCANA).rows) == len(dpa_rows)
        assert tables.read_table(book, layout.TBL_KINERJA).rows
        log = tables.read_table(book, layout.TBL_LOG).records()
        assert [r["Aksi"] for r in log] == [
            layout.ACTION_DISPOSISI,
            layout.ACTION_TARIK_DPA,
            layout.ACTION_IMPOR_KINERJA,
            layout.ACTION_SUSUN,
            layout.ACTION_PEMBAHASAN,
            layout.ACTION_VALIDASI,
            layout.ACTION_PARAF_PEMERIKSAAN,
            layout.ACTION_TETAPKAN,
        ]
        by_action = {r["Aksi"]: r for r in log}
        assert by_action[layout.ACTION_TETAPKAN]["NIP"] == NIP_CAMAT
        assert by_action[layout.ACTION_SUSUN]["NIP"] == NIP_KASUBAG
        assert "diautentikasi server" in by_action[layout.ACTION_PARAF_PEMERIKSAAN]["Keterangan"]
        assert tables.named_range(book, "nmStatusDokumen").value == layout.STATUS_DITETAPKAN
        from renaksi_xl.integrity import verify_book

        assert verify_book(book).ok, keaslian["message"]


def test_requests_cannot_reach_the_servers_files(live, built_workbook, monkeypatch, tmp_path):
    """A workbook cannot make the server read, write or run anything: the guard blocks
    it inside the action, and the user gets an Indonesian message instead."""
    url, _ = live
    secret = tmp_path / "rahasia.txt"
    secret.write_text("isi rahasia server")
    attempts = {
        "uji-baca": lambda book, ctx: open(book.sheets[0]["A1"].value).read(),
        "uji-tulis": lambda book, ctx: Path(str(secret) + ".baru").write_text("x"),
        "uji-jalankan": lambda book, ctx: subprocess.run(["true"]),
        "uji-daftar": lambda book, ctx: os.listdir(str(tmp_path)),
    }
    for name, fn in attempts.items():
        monkeypatch.setitem(macros.ACTIONS, name, fn)
    payload = headless.payload_from_file(built_workbook)
    payload["sheets"][0]["values"][0][0] = str(secret)  # the path comes from the request
    for name in attempts:
        r = post(url, name, payload)
        assert r.status_code == 200 and r.headers[server.STATUS_HEADER] == "tidak-bisa-dipakai", (
            name,
            r.text,
        )
        assert "tidak boleh membuka berkas di server" in r.json()["message"]
        assert "isi rahasia" not in r.text
    assert not Path(str(secret) + ".baru").exists()
    # The same code outside a request (headless, on this machine) may read files.
    with server.no_file_access():
        pass
    assert secret.read_text() == "isi rahasia server"


def test_a_dpa_path_inside_the_workbook_is_not_read_by_the_server(live, built_workbook):
    """'Berkas DPA Terakhir' names a real DPA file on the server: server mode must not use it."""
    from renaksi_xl.dpa import SAMPLE_DPA

    _live_url, _ = live
    headless.run_on_file(
        built_workbook,
        lambda b: (
            tables.write_table(b, layout.TBL_PEJABAT, OFFICIALS),
            tables.write_setting(b, layout.SET_FILE_DPA, str(SAMPLE_DPA)),
        ),
    )
    type_into(built_workbook, {"inDisposisiIsi": "Susun."})
    with server.running_server(server.create_app(sop_config())) as url:
        click(url, built_workbook, layout.ACTION_DISPOSISI, layout.ROLE_CAMAT)
        answer = click(url, built_workbook, layout.ACTION_TARIK_DPA, layout.ROLE_KASUBAG)
    assert answer["status"] == "tidak-bisa-dipakai"
    assert tables.read_table(headless.open_book(built_workbook), layout.TBL_DPA).rows == []


def test_serve_help_points_admins_to_the_token_helpers():
    r = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.cli", "serve", "--help"], capture_output=True, text=True
    )
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    assert "--config" in text and "hash-token" in text and "new-token" in text and "docs/server.md" in text


def _doc_blocks(lang: str) -> list[str]:
    text = (Path(__file__).resolve().parents[1] / "docs" / "server.md").read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_the_request_examples_in_server_md_work(live, built_workbook, monkeypatch, capsys):
    url, _config = live
    book = built_workbook  # RencanaAksi.xlsm, as the examples name it
    blank = book.read_bytes()
    monkeypatch.chdir(book.parent)
    monkeypatch.setenv("TOKEN", TOKEN_CAMAT)
    # The Python snippet, as printed, against this server: one click from file to file.
    (snippet,) = [b for b in _doc_blocks("python") if "payload_from_file" in b]
    assert 'URL = "http://127.0.0.1:8000"' in snippet
    exec(compile(snippet.replace("http://127.0.0.1:8000", url), "server.md", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.startswith("selesai ")
    assert book.read_bytes() != blank  # the server's changes, applied
    # The curl example, as printed (the venv's Python, this server's URL).
    (curl,) = [b for b in _doc_blocks("bash") if "curl" in b]
    script = curl.replace(".venv/bin/python", sys.executable).replace("http://127.0.0.1:8000", url)
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, cwd=book.parent)
    assert r.returncode == 0, r.stderr
    assert "HTTP/1.1 200" in r.stdout and "x-renaksi-status: selesai" in r.stdout.lower()
