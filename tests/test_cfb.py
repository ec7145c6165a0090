"""CFB writer/reader, checked against the independent ``olefile`` reader."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import olefile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renaksi_xl.xlsm.cfb import (
    BLACK,
    NOSTREAM,
    RED,
    CFBError,
    cfb_name_key,
    read_compound_file,
    write_compound_file,
)

XLWINGS_DIR = Path(__import__("xlwings").__file__).parent


def _olefile_streams(data: bytes) -> dict[str, bytes]:
    # DEFECT_INCORRECT: olefile raises on anything the spec calls incorrect.
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    return {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()}


def _check_tree(ole: olefile.OleFileIO) -> None:
    """Every storage's children form a valid red-black BST in CFB order."""

    def walk(sid: int) -> tuple[list[str], int]:
        """(in-order names, black height) of the subtree rooted at sid."""
        if sid == NOSTREAM:
            return [], 1
        e = ole.direntries[sid]
        assert e.color in (RED, BLACK)
        for child in (e.sid_left, e.sid_right):
            if e.color == RED and child != NOSTREAM:
                assert ole.direntries[child].color == BLACK, "red node with red child"
        left, hl = walk(e.sid_left)
        right, hr = walk(e.sid_right)
        assert hl == hr, "unequal black heights"
        return left + [e.name] + right, hl + (e.color == BLACK)

    for e in ole.direntries:
        if e is None or e.entry_type not in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            continue
        if e.sid_child == NOSTREAM:
            continue
        assert ole.direntries[e.sid_child].color == BLACK, "tree root must be black"
        names, _ = walk(e.sid_child)
        assert names == sorted(names, key=cfb_name_key)


SAMPLE = {
    "PROJECT": b"ID=...\r\n" * 70,
    "PROJECTwm": b"x\0x\0\0\0\0\0",
    "VBA/dir": bytes(range(256)) * 5,
    "VBA/_VBA_PROJECT": bytes.fromhex("CC61FFFF000100"),
    "VBA/Empty": b"",
    "VBA/Cutoff4095": b"a" * 4095,  # largest mini stream
    "VBA/Cutoff4096": b"b" * 4096,  # smallest regular stream
    "VBA/Big": os.urandom(70_000),
    "Other/Deeper/Stream": b"deep",
}


def test_olefile_reads_back_every_stream():
    data = write_compound_file(SAMPLE)
    assert _olefile_streams(data) == SAMPLE
    assert read_compound_file(data) == SAMPLE
    assert len(data) % 512 == 0


def test_header_and_directory_fields():
    data = write_compound_file(SAMPLE)
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.header_signature == olefile.MAGIC
    assert (ole.dll_version, ole.sector_size, ole.mini_sector_size) == (3, 512, 64)
    assert ole.mini_stream_cutoff_size == 4096
    assert ole.get_type("VBA") == olefile.STGTY_STORAGE
    for e in ole.direntries:
        if e is not None:  # reproducible: no timestamps, no CLSIDs
            assert (e.createTime, e.modifyTime, e.clsid) == (0, 0, "")
    _check_tree(ole)


def test_output_is_deterministic():
    assert write_compound_file(SAMPLE) == write_compound_file(dict(reversed(SAMPLE.items())))


def test_many_siblings_form_a_balanced_red_black_tree():
    streams = {f"S/{'n' * (i % 7 + 1)}{i}": bytes([i]) * i for i in range(1, 60)}
    data = write_compound_file(streams)
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    _check_tree(ole)
    assert _olefile_streams(data) == streams


def test_difat_for_files_beyond_109_fat_sectors():
    # 109 FAT sectors map 109 * 128 * 512 bytes = 6.8 MiB; go past it.
    streams = {"A": os.urandom(8 * 1024 * 1024), "B": b"small"}
    data = write_compound_file(streams)
    assert int.from_bytes(data[72:76], "little") >= 1  # number of DIFAT sectors
    assert _olefile_streams(data) == streams
    assert read_compound_file(data) == streams


def test_empty_file_is_valid():
    data = write_compound_file({})
    assert _olefile_streams(data) == {}
    assert read_compound_file(data) == {}


def test_sibling_order_is_length_first_then_case_insensitive():
    names = ["_VBA_PROJECT", "dir", "ThisWorkbook", "Sheet10", "sheet2", "B", "a"]
    assert sorted(names, key=cfb_name_key) == [
        "a",
        "B",
        "dir",
        "sheet2",
        "Sheet10",
        "ThisWorkbook",
        "_VBA_PROJECT",
    ]


@pytest.mark.parametrize(
    "streams",
    [
        {"x" * 32: b""},  # name longer than 31 UTF-16 units
        {"A/b": b"", "a/B": b""},  # names are case-insensitive
        {"A": b"", "A/b": b""},  # stream and storage at once
        {"bad!name": b""},
        {"A//b": b""},
    ],
)
def test_rejects_unstorable_names(streams):
    with pytest.raises(CFBError):
        write_compound_file(streams)


def test_reader_agrees_with_olefile_on_an_excel_made_file():
    with zipfile.ZipFile(XLWINGS_DIR / "quickstart_standalone.xlsm") as z:
        data = z.read("xl/vbaProject.bin")
    assert read_compound_file(data) == _olefile_streams(data)


def test_reader_rejects_garbage():
    with pytest.raises(CFBError):
        read_compound_file(b"not a compound file" * 40)


_names = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FF, blacklist_characters="/\\:!"),
    min_size=1,
    max_size=31,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["", "VBA/", "VBA/sub/"]), _names),
        st.binary(max_size=9000),
        max_size=25,
    )
)
def test_random_trees_round_trip_through_olefile(entries):
    streams: dict[str, bytes] = {}
    seen: set[str] = set()
    for (prefix, name), payload in entries.items():
        path = prefix + name
        if path.upper() in seen or name.upper() in ("VBA", "SUB"):
            continue
        seen.add(path.upper())
        streams[path] = payload
    data = write_compound_file(streams)
    assert _olefile_streams(data) == streams
    assert read_compound_file(data) == streams


def _directory_entries(data: bytes) -> list[bytes]:
    """Every 128-byte slot of the directory sector chain, read from the header and FAT."""
    import struct

    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    n_fat, dir_start = struct.unpack_from("<II", data, 0x2C)
    fat_sectors = struct.unpack_from(f"<{min(n_fat, 109)}I", data, 0x4C)
    fat: list[int] = []
    for s in fat_sectors:
        off = (s + 1) * sector_size
        fat.extend(struct.unpack_from(f"<{sector_size // 4}I", data, off))
    slots, sector = [], dir_start
    while sector != 0xFFFFFFFE:
        off = (sector + 1) * sector_size
        slots += [data[off + i : off + i + 128] for i in range(0, sector_size, 128)]
        sector = fat[sector]
    return slots


# [MS-CFB] 2.6.3: an unallocated directory entry is all zeroes except its left
# sibling, right sibling and child ids, which are NOSTREAM (0xFFFFFFFF).
UNUSED_ENTRY = bytes(64) + bytes(2) + bytes([0, 0]) + b"\xff" * 12 + bytes(48)


@pytest.mark.parametrize("n_modules", range(1, 9))
def test_every_unused_directory_entry_is_as_the_spec_says(n_modules):
    from renaksi_xl.xlsm.vba_project import VbaModule, build_vba_project

    modules = [VbaModule(f"Modul{i}", "standard", f"Sub S{i}()\r\nEnd Sub\r\n") for i in range(n_modules)]
    slots = _directory_entries(build_vba_project(modules))
    used = [s for s in slots if s[66] != 0]  # object type 0: unallocated
    # root, VBA storage, PROJECT, PROJECTwm, VBA/dir, VBA/_VBA_PROJECT, the modules
    assert len(used) == 6 + n_modules
    unused = slots[len(used) :]
    assert len(slots) % 4 == 0 and len(unused) == (-len(used)) % 4
    for i, slot in enumerate(unused, start=len(used)):
        assert slot == UNUSED_ENTRY, f"directory entry {i}"
