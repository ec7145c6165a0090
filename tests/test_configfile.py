"""The hand-written files (SOP, office settings, server config, key list) are read one way:
missing, too big, not UTF-8 or not TOML, each answered by name, before anything is parsed."""

from __future__ import annotations

import pytest

from renaksi_xl import configfile, server_config, settings_file, sop
from renaksi_xl.errors import InputError
from renaksi_xl.ttd import keys

READERS = {
    "sop": sop.load,
    "pengaturan": settings_file.load,
    "server": server_config.load_config,
    "kunci": keys.read_key_paths,
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"# " + b"x" * (300 * 1024) + b"\n", "terlalu besar (paling banyak 256 KB)"),
        ("[sop]\nnama = 'Penyusunan'\n".encode("utf-16"), "bukan teks UTF-8"),
        (b"[sop\nnama = 1\n", "bukan TOML yang sah"),
        (b"x = 1" + b"0" * 5000 + b"\n", "angka terlalu panjang"),
        (b"x = " + b"[" * 50_000 + b"]" * 50_000 + b"\n", "bersarang terlalu dalam"),
    ],
    ids=["300KB", "utf16", "not-toml", "5000-digits", "nested-50000"],
)
def test_each_reader_names_the_file_and_the_problem(tmp_path, reader, content, said):
    path = tmp_path / "berkas.toml"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        READERS[reader](path)
    assert said in info.value.message and str(path) in info.value.message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match="tidak ditemukan"):
        configfile.read_text(tmp_path / "tidak-ada.toml", "Berkas SOP 'tidak-ada.toml'")
    assert keys.read_key_paths(tmp_path / "tidak-ada.toml") == {}  # no key list: no keys, not an error


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "sop.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b"[sop]\nnama = 'Penyusunan'\n")
    assert configfile.parse_toml(configfile.read_text(path, "x"), "x") == {"sop": {"nama": "Penyusunan"}}
