"""Server mode: who signs which step comes from the SOP the server trusts (issue 16 item 2).

The uploaded workbook is untrusted: its tblPeranLangkah (Pengaturan) must not grant a
role a step the server's SOP gives to someone else.
"""

import httpx
import pytest
import tomllib
from test_workflow import NIP, at, ctx_for, setup_officials, upto

from renaksi_xl import headless, layout, server, sop, tables, workflow
from renaksi_xl.errors import InputError

TOKEN_KASUBAG = "token-kasubag-sop-uji-3c1e"
TOKEN_CAMAT = "token-camat-sop-uji-a51b"


def config(**kw) -> server.ServerConfig:
    return server.ServerConfig(
        tokens={
            server.hash_token(TOKEN_KASUBAG): server.Identity(NIP[layout.ROLE_KASUBAG], layout.ROLE_KASUBAG),
            server.hash_token(TOKEN_CAMAT): server.Identity(NIP[layout.ROLE_CAMAT], layout.ROLE_CAMAT),
        },
        **kw,
    )


def at_step_6(path):
    """Steps 1-5 done headless with a valid plan: the plan waits for the Camat's penetapan."""
    upto(path, 4)
    headless.run_on_file(
        path, lambda b: workflow.paraf_pemeriksaan(b, ctx_for(layout.ROLE_SEKRETARIS, at(hours=4)))
    )


def test_workbook_role_map_cannot_make_the_kasubag_sign_the_penetapan(built_workbook):
    at_step_6(built_workbook)

    def hijack(book):  # the uploaded workbook says: step 6 belongs to the Kasubag
        data = tables.read_table(book, layout.TBL_PERAN_LANGKAH)
        rows = [list(r) for r in data.rows]
        rows[5][data.col("Peran")] = layout.ROLE_KASUBAG
        tables.write_table(book, layout.TBL_PERAN_LANGKAH, rows, columns=data.header)

    headless.run_on_file(built_workbook, hijack)
    before = built_workbook.read_bytes()
    with server.running_server(server.create_app(config())) as url:
        payload = headless.payload_from_file(built_workbook)
        r = httpx.post(
            f"{url}/aksi/{layout.ACTION_TETAPKAN}",
            json=payload,
            headers={"Authorization": f"Bearer {TOKEN_KASUBAG}"},
            timeout=120,
        )
        answer = r.json()
        assert answer["status"] == "ditolak", answer["message"]
        assert layout.ROLE_CAMAT in answer["message"]
        assert not any(a["func"] == "setValues" for a in answer["actions"])
        # The Camat, as the server's SOP says, may.
        r = httpx.post(
            f"{url}/aksi/{layout.ACTION_TETAPKAN}",
            json=payload,
            headers={"Authorization": f"Bearer {TOKEN_CAMAT}"},
            timeout=120,
        )
        assert r.json()["status"] == "selesai", r.json()["message"]
    assert built_workbook.read_bytes() == before


def test_server_refuses_a_workbook_of_another_sop(tmp_path):
    from renaksi_xl.xlsm.workbook import build_workbook

    dinas = sop.load(DINAS_SOP)
    book = build_workbook(tmp_path / "dinas.xlsm", sop_data=dinas)
    with server.running_server(server.create_app(config())) as url:
        r = httpx.post(
            f"{url}/aksi/{layout.ACTION_DISPOSISI}",
            json=headless.payload_from_file(book),
            headers={"Authorization": f"Bearer {TOKEN_CAMAT}"},
            timeout=120,
        )
    answer = r.json()
    assert answer["status"] == "ditolak", answer["message"]
    assert "800/12/Diskominfo/2024" in answer["message"] and "004/000.9.3.3/I/2024" in answer["message"]


def test_config_names_its_sop_and_roles_must_be_in_it(tmp_path):
    from pathlib import Path

    cfg = tmp_path / "server.toml"
    cfg.write_text(f'sop = "{DINAS_SOP}"\n', encoding="utf-8")
    assert server.load_config(cfg).sop.nomor == "800/12/Diskominfo/2024"
    assert server.load_config(None).sop.nomor == sop.default().nomor  # the shipped one
    # relative to the config file
    (tmp_path / "sop.toml").write_bytes(Path(DINAS_SOP).read_bytes())
    cfg.write_text('sop = "sop.toml"\n', encoding="utf-8")
    assert server.load_config(cfg).sop.unit == "Dinas Komunikasi dan Informatika"
    # a token whose role is not in the server's SOP
    h = server.hash_token("x")
    cfg.write_text(
        f'sop = "sop.toml"\n[tokens."{h}"]\nnip = "{NIP[layout.ROLE_CAMAT]}"\nrole = "Camat"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="Kepala Dinas"):
        server.load_config(cfg)
    # a bad SOP in the config is named
    (tmp_path / "sop.toml").write_text("[sop]\n", encoding="utf-8")
    with pytest.raises(InputError, match="sop.nama"):
        server.load_config(cfg)
    assert tomllib  # the config format is TOML


DINAS_SOP = str(__import__("pathlib").Path(__file__).parent / "data" / "sop_dinas.toml")


def test_setup_is_default_sop(built_workbook):
    setup_officials(built_workbook)
    assert sop.from_book(headless.open_book(built_workbook)) == sop.default()
