"""Server mode (issue 14): records sealed with the server's certificate from its config,
saying the server authenticated the identity by token; trust anchors from the config."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from pki import FROM, NAMES, NIP, PASS, UNTIL, make_pki, write_p12
from test_workflow import setup_officials

from renaksi_xl import cli, headless, layout, server, tables
from renaksi_xl.errors import InputError
from renaksi_xl.ttd import certs, records

TOKEN = "token-camat-segel-5b21"
CAM = layout.ROLE_CAMAT


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki-server"), key_type="ec")


def write_config(folder: Path, pki, seal: Path | None) -> Path:
    cfg = folder / "server.toml"
    lines = [f'trust_anchors = ["{pki.ca_pem}"]']
    if seal is not None:
        lines += ["[seal]", f'p12 = "{seal}"']
    lines += [f'[tokens."{server.hash_token(TOKEN)}"]', f'nip = "{NIP[CAM]}"', f'role = "{CAM}"']
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def seal_p12(pki, folder: Path) -> Path:
    kf = certs.issue(
        pki.ca, nip=None, name="Server Renaksi Uji", not_before=FROM, not_after=UNTIL, server_seal=True
    )
    return write_p12(kf, folder / "segel.p12")


def click(url: str, path: Path, action: str) -> dict:
    r = httpx.post(
        f"{url}/aksi/{action}",
        json=headless.payload_from_file(path),
        headers={"Authorization": TOKEN},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    headless.apply_to_file(path, answer["actions"])
    return answer


def test_server_seals_records_and_its_periksa_keaslian_trusts_its_config(
    built_workbook, pki, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("RENAKSI_SEGEL_SANDI", PASS)
    cfg = server.load_config(write_config(tmp_path, pki, seal_p12(pki, tmp_path)))
    assert cfg.seal is not None and len(cfg.trust.anchors) == 1
    setup_officials(built_workbook)
    type_into = {"inDisposisiIsi": "Susun Rencana Aksi 2025", "inDisposisiBatas": "2025-01-10"}
    headless.run_on_file(
        built_workbook,
        lambda b: [setattr(b.names[n].refers_to_range, "value", v) for n, v in type_into.items()],
    )
    with server.running_server(server.create_app(cfg)) as url:
        answer = click(url, built_workbook, layout.ACTION_DISPOSISI)
        assert answer["status"] == "selesai", answer["message"]
        keaslian = click(url, built_workbook, layout.ACTION_PERIKSA_KEASLIAN)
    assert "1 sah" in keaslian["message"] and "disegel server" in keaslian["message"]
    row = tables.read_table(headless.open_book(built_workbook), layout.TBL_LOG).records()[0]
    assert row[layout.H_TTD_DIGITAL].startswith("server ")
    assert "diautentikasi server" in row["Keterangan"]
    code = cli.main(["verify", str(built_workbook), "--json", "--percaya", str(pki.ca_pem)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["records"][0]["signature"] == "valid"
    assert "CN=Server Renaksi Uji" in report["records"][0]["signer"]
    assert "serialNumber" not in report["records"][0]["signer"], "the server holds no official's key"


def test_an_officials_certificate_cannot_pose_as_the_server_seal(
    built_workbook, pki, tmp_path, monkeypatch, capsys
):
    """Config refuses it; and a record 'sealed by the server' with an official's key is untrusted."""
    monkeypatch.setenv("RENAKSI_SEGEL_SANDI", PASS)
    with pytest.raises(InputError) as info:
        server.load_config(write_config(tmp_path, pki, pki.keys[CAM]))
    assert "bukan sertifikat segel server" in info.value.message
    monkeypatch.delenv("RENAKSI_SEGEL_SANDI")
    with pytest.raises(InputError) as info:
        server.load_config(write_config(tmp_path, pki, seal_p12(pki, tmp_path)))
    assert "RENAKSI_SEGEL_SANDI" in info.value.message

    # forge: the Camat's own key claims basis "server"
    from test_ttd import edit_log_row, resign
    from test_workflow import at, ctx_for

    from renaksi_xl import workflow

    setup_officials(built_workbook)
    headless.run_on_file(
        built_workbook, lambda b: workflow.catat_disposisi(b, ctx_for(CAM, at(), catatan="Susun"))
    )
    kf = certs.load_pkcs12(pki.keys[CAM].read_bytes(), PASS, "uji")
    edit_log_row(built_workbook, 0, lambda c: resign(c, kf, basis="server"))
    code = cli.main(["verify", str(built_workbook), "--json", "--percaya", str(pki.ca_pem)])
    rec = json.loads(capsys.readouterr().out)["records"][0]
    assert code == 1 and rec["signature"] == "untrusted" and "segel server" in rec["signature_reason"]
    assert NAMES[CAM] in rec["signer"]


def test_signed_content_is_the_documented_text():
    """The bytes a verifier must rebuild (docs/keaslian.md): tag line, then the JSON array."""
    cells = {
        "Sidik Rantai": "ab" * 32,
        "Langkah": 6,
        "Aksi": "tetapkan",
        "Peran": "Camat",
        "Nama": "Andhika Nugraha",
        "NIP": "198303302001121003",
        "Waktu": "2025-01-06 13:05 WIB",
    }
    expected = (
        "renaksi-xl/tanda-tangan-catatan/1\n"
        f'["pejabat", "{"ab" * 32}", "6", "tetapkan", "Camat", "Andhika Nugraha", '
        '"198303302001121003", "2025-01-06 13:05 WIB"]'
    ).encode()
    assert records.signed_bytes("pejabat", cells) == expected
