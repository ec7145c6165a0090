"""Desktop (Lokal) signing (issue 14): the key file per official in the user's own kunci.toml,
the passphrase asked when a record is written.  The click runs the real desktop path
(macros.run_on_caller) with a remote-engine Book as the caller; only the Tk dialog itself,
which needs a display, is replaced by a function returning what the user would type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pki import NIP, PASS, make_pki
from test_workflow import setup_officials

from renaksi_xl import cli, headless, layout, macros
from renaksi_xl.ttd import keys

CAM = layout.ROLE_CAMAT


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    folder = tmp_path / "pengguna"
    monkeypatch.setenv("RENAKSI_XL_CONFIG_DIR", str(folder))
    return folder


def click_on_desktop(path: Path, action: str) -> list[dict]:
    """A button click in Lokal mode on `path`; returns the actions Excel would get."""
    caller = headless.book_from_payload(headless.payload_from_file(path))
    macros.run_on_caller(action, book=caller)
    actions = caller.json()["actions"]
    headless.apply_to_file(path, actions)
    return actions


def prepare(path: Path) -> None:
    setup_officials(path, nip_pengguna=NIP[CAM])

    def fill(book):
        book.names["inDisposisiIsi"].refers_to_range.value = "Susun Rencana Aksi 2025"

    headless.run_on_file(path, fill)


def alerts(actions: list[dict]) -> list[str]:
    return [a["args"][0] for a in actions if a["func"] == "alert"]


def test_desktop_signs_with_the_key_from_the_users_settings(
    built_workbook, user_dir, tmp_path, monkeypatch, capsys
):
    pki = make_pki(tmp_path / "pki")
    assert cli.main(["kunci", NIP[CAM], str(pki.keys[CAM])]) == 0
    assert keys.read_key_paths() == {NIP[CAM]: pki.keys[CAM].resolve()}
    asked = []
    monkeypatch.setattr(keys, "ask_passphrase_dialog", lambda p: asked.append(p.name) or PASS)
    prepare(built_workbook)
    actions = click_on_desktop(built_workbook, layout.ACTION_DISPOSISI)
    assert asked == ["camat.p12"], "the passphrase is asked once, when the record is written"
    assert any("Langkah 1" in a for a in alerts(actions))
    capsys.readouterr()
    assert cli.main(["verify", str(built_workbook), "--json", "--percaya", str(pki.ca_pem)]) == 0
    assert json.loads(capsys.readouterr().out)["records"][0]["signature"] == "valid"


def test_cancelling_the_passphrase_dialog_changes_nothing(built_workbook, user_dir, tmp_path, monkeypatch):
    pki = make_pki(tmp_path / "pki")
    keys.write_key_path(NIP[CAM], pki.keys[CAM])
    monkeypatch.setattr(keys, "ask_passphrase_dialog", lambda p: None)
    prepare(built_workbook)
    before = built_workbook.read_bytes()
    actions = click_on_desktop(built_workbook, layout.ACTION_DISPOSISI)
    assert [a["func"] for a in actions] == ["alert"]
    assert "dibatalkan" in alerts(actions)[0]
    assert built_workbook.read_bytes() == before


def test_an_official_without_a_key_on_this_computer_writes_an_unsigned_record(
    built_workbook, user_dir, monkeypatch
):
    monkeypatch.setattr(keys, "ask_passphrase_dialog", lambda p: pytest.fail("no key: nothing to ask"))
    prepare(built_workbook)
    click_on_desktop(built_workbook, layout.ACTION_DISPOSISI)
    from renaksi_xl import tables

    row = tables.read_table(headless.open_book(built_workbook), layout.TBL_LOG).records()[0]
    assert row["Aksi"] == layout.ACTION_DISPOSISI and not row[layout.H_TTD_DIGITAL]


def test_a_broken_kunci_toml_is_named(user_dir):
    user_dir.mkdir(parents=True)
    (user_dir / keys.KEYS_FILE).write_text('[kunci]\n"123" = "x.p12"\n', encoding="utf-8")
    from renaksi_xl.errors import InputError

    with pytest.raises(InputError) as info:
        keys.read_key_paths()
    assert str(user_dir / keys.KEYS_FILE) in info.value.message and "'123'" in info.value.message


def test_windows_paths_survive_the_settings_file(user_dir, tmp_path):
    path = keys.write_key_path(NIP[CAM], tmp_path / "a b" / "camat.p12")
    assert keys.read_key_paths(path)[NIP[CAM]] == (tmp_path / "a b" / "camat.p12").resolve()
    text = path.read_text(encoding="utf-8")
    assert keys._toml_literal("C:\\Users\\andi\\kunci.p12") == "'C:\\Users\\andi\\kunci.p12'"
    assert text.startswith("#")
