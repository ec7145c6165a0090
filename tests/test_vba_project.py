"""vbaProject.bin writer, checked against the spec, olevba/olefile and an Excel-made file.

Independent implementations used here:
* ``oletools.olevba`` -- reads our projects (dir stream, module streams,
  decompression) and its ``decompress_stream`` decompresses our containers;
* ``olefile`` -- reads the compound file;
* ``quickstart_standalone.xlsm`` from the installed xlwings package -- a
  project saved by Excel, the reference for record order and module headers.
The xlwings VBA sources are read from the installed package at test time.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream, filter_vba

from renaksi_xl.xlsm.vba_project import (
    VbaModule,
    VbaProjectError,
    build_vba_project,
    compress,
    decompress,
    header_attributes,
    module_from_file,
    parse_dir_records,
    read_module_sources,
    strip_attributes,
)

XLWINGS_DIR = Path(__import__("xlwings").__file__).parent
XLWINGS_FILES = [
    "xlwings.bas",
    "addin/Remote.bas",
    "addin/WebClient.cls",
    "addin/WebRequest.cls",
    "addin/WebResponse.cls",
    "addin/WebHelpers.bas",
    "addin/IWebAuthenticator.cls",
    "addin/Dictionary.cls",
]


def _read_xlwings(rel: str) -> str:
    return (XLWINGS_DIR / rel).read_bytes().decode("cp1252")


@pytest.fixture(scope="module")
def reference_bin() -> bytes:
    """vbaProject.bin of an Excel-saved workbook shipped with xlwings."""
    with zipfile.ZipFile(XLWINGS_DIR / "quickstart_standalone.xlsm") as z:
        return z.read("xl/vbaProject.bin")


SIMPLE = [
    VbaModule("ThisWorkbook", "document", "Private Sub Workbook_Open()\r\nEnd Sub\r\n"),
    VbaModule("shBeranda", "document", ""),
    VbaModule("RenaksiTombol", "standard", 'Sub Hello()\n    MsgBox "Halo"\nEnd Sub\n'),
    VbaModule("Kegiatan", "class", "Public Nama As String\r\n"),
]


def _olevba_sources(data: bytes) -> dict[str, str]:
    """Module name -> source as olevba extracts it (strict mode)."""
    parser = VBA_Parser("vbaProject.bin", data=data, relaxed=False)
    assert parser.detect_vba_macros()
    out = {}
    for _file, stream_path, _vba_filename, code in parser.extract_macros():
        if stream_path.startswith("VBA/"):
            out[stream_path[4:]] = code
    parser.close()
    return out


# ---------------------------------------------------------------------------
# Compression ([MS-OVBA] 2.4.1 and the worked examples of 3.2)
# ---------------------------------------------------------------------------

SPEC_EXAMPLES = [
    (  # 3.2.1 No Compression Example
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
    ),
    (  # 3.2.2 Normal Compression Example
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C"
        " 00 20 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
    ),
    (b"a" * 73, "01 03 B0 02 61 45 00"),  # 3.2.3 Maximum Compression Example
]


@pytest.mark.parametrize("plain,packed", SPEC_EXAMPLES)
def test_compression_matches_spec_examples_byte_for_byte(plain, packed):
    assert compress(plain) == bytes.fromhex(packed)
    assert decompress(bytes.fromhex(packed)) == plain


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"a",
        b"ab",
        b"abc",
        b"a" * 4095,
        b"a" * 4096,
        b"a" * 4097,
        b"ab" * 8192,
        bytes(range(256)) * 16,  # exactly one chunk, every byte value
        bytes(range(256)) * 16 + b"tail",
        b"Sub X()\r\nEnd Sub\r\n" * 3000,
    ],
)
def test_round_trip_edge_cases_and_olevba_agrees(data):
    packed = compress(data)
    assert decompress(packed) == data
    if data:  # olevba reads the chunks of our container the same way
        assert decompress_stream(bytearray(packed)) == data


def test_long_repeats_compress_to_a_few_tokens():
    packed = compress(b"x" * 4096 * 4)
    assert len(packed) < 40  # 4 chunks, each one literal + a handful of max-length copies


def test_incompressible_full_chunks_are_stored_raw():
    data = bytes((i * 97 + (i >> 8) * 31) & 0xFF for i in range(8192))
    packed = compress(data)
    assert decompress(packed) == data
    assert decompress_stream(bytearray(packed)) == data


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=12000))
def test_round_trip_arbitrary_bytes(data):
    packed = compress(data)
    out = decompress(packed)
    tail = len(data) % 4096
    if out != data:
        # The one case the format cannot express: a *final* partial chunk that
        # does not shrink must be stored raw, and raw chunks are 4096 bytes
        # zero-padded (2.4.1.3.10). Source text never gets here.
        assert tail and out == data + b"\0" * (4096 - tail)
    if data:
        assert decompress_stream(bytearray(packed)) == out


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Sub ", "End Sub", "Dim x As Long", "    ", "\r\n", "'", 'Range("A1")', "x"]),
        max_size=3000,
    )
)
def test_round_trip_source_like_text(parts):
    data = "".join(parts).encode("cp1252")
    assert decompress(compress(data)) == data


def test_decompress_reads_excel_made_streams(reference_bin):
    ole = olefile.OleFileIO(reference_bin)
    raw = ole.openstream("VBA/dir").read()
    assert decompress(raw) == decompress_stream(bytearray(raw))


# ---------------------------------------------------------------------------
# The project file
# ---------------------------------------------------------------------------


def test_streams_and_fixed_records():
    data = build_vba_project(SIMPLE)
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    streams = sorted("/".join(p) for p in ole.listdir())
    assert streams == sorted(
        ["PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"] + [f"VBA/{m.name}" for m in SIMPLE]
    )
    # 2.3.4.1: reserved 0x61CC, version 0xFFFF (no p-code: recompile), 0x00, reserved3
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    wm = ole.openstream("PROJECTwm").read()
    expected = b"".join(m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in SIMPLE)
    assert wm == expected + b"\0\0"


def test_project_stream_text():
    text = olefile.OleFileIO(build_vba_project(SIMPLE)).openstream("PROJECT").read().decode("cp1252")
    lines = text.split("\r\n")
    assert re.fullmatch(r'ID="\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}"', lines[0])
    assert lines[1:5] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=shBeranda/&H00000000",
        "Module=RenaksiTombol",
        "Class=Kegiatan",
    ]
    assert 'Name="VBAProject"' in lines
    assert "[Host Extender Info]" in lines and "[Workspace]" in lines
    assert "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000" in lines
    assert text.endswith("\r\n")


def _deobfuscate(hex_text: str, project_id: str) -> bytes:
    """[MS-OVBA] 2.4.3.3 Decryption, written from the spec for the test."""
    b = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = b[0], b[1], b[2]
    assert seed ^ version_enc == 2
    assert seed ^ key_enc == sum(project_id.encode()) & 0xFF
    unenc, enc1, enc2 = seed ^ key_enc, key_enc, version_enc
    plain = []
    for byte_enc in b[3:]:
        byte = byte_enc ^ ((enc2 + unenc) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc = enc1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = int.from_bytes(bytes(plain[ignored : ignored + 4]), "little")
    data = bytes(plain[ignored + 4 :])
    assert len(data) == length
    return data


def test_protection_fields_decode_to_unprotected_visible(reference_bin):
    ref_text = olefile.OleFileIO(reference_bin).openstream("PROJECT").read().decode("cp1252")
    our_text = olefile.OleFileIO(build_vba_project(SIMPLE)).openstream("PROJECT").read().decode("cp1252")
    for text in (ref_text, our_text):  # the decoder is checked on Excel's values first
        props = dict(line.split("=", 1) for line in text.split("\r\n") if "=" in line and line[0] != "&")
        pid = props["ID"].strip('"')
        assert _deobfuscate(props["CMG"].strip('"'), pid) == b"\0\0\0\0"  # not protected
        assert _deobfuscate(props["DPB"].strip('"'), pid) == b"\0"  # no password
        assert _deobfuscate(props["GC"].strip('"'), pid) == b"\xff"  # visible


def test_output_is_deterministic():
    assert build_vba_project(SIMPLE) == build_vba_project(list(SIMPLE))


def test_olevba_reads_back_exactly_what_we_stored():
    data = build_vba_project(SIMPLE)
    ours = read_module_sources(data)
    theirs = _olevba_sources(data)
    assert theirs == ours
    assert list(ours) == [m.name for m in SIMPLE]
    for m in SIMPLE:
        kind, body = strip_attributes(ours[m.name])
        assert kind == m.kind
        expected = m.code.replace("\r\n", "\n").replace("\n", "\r\n")
        assert body == expected
        assert filter_vba(ours[m.name]) == "\n".join(expected.splitlines())


def test_module_headers_match_excel(reference_bin):
    """Document and class headers are the exact lines Excel stores."""
    ref = read_module_sources(reference_bin)
    assert ref == _olevba_sources(reference_bin)  # our reader agrees with olevba
    mods = [
        VbaModule("ThisWorkbook", "document", ""),
        VbaModule("Sheet1", "document", ""),
        VbaModule("Module1", "standard", ""),
        module_from_file(_read_xlwings("addin/Dictionary.cls")),
    ]
    ours = read_module_sources(build_vba_project(mods))

    def header(src: str) -> list[str]:
        return [ln for ln in src.split("\r\n") if ln.startswith("Attribute VB_")][:20]

    def module_header(src: str) -> list[str]:
        lines = src.replace("\r\n", "\n").split("\n")
        out = []
        for ln in lines:
            if not ln.startswith("Attribute VB_"):
                break
            out.append(ln)
        return out

    for name in ("ThisWorkbook", "Sheet1", "Module1", "Dictionary"):
        assert module_header(ours[name]) == module_header(ref[name]), name
    assert header(ours["Sheet1"])[1] == 'Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"'


def _record_ids(dir_raw: bytes) -> list[int]:
    return [rid for rid, _ in parse_dir_records(dir_raw)]


def _sections(ids: list[int]) -> tuple[list[int], list[int], list[list[int]]]:
    """Split dir record ids into (project info, references, modules)."""
    first_ref = next(i for i, r in enumerate(ids) if r in (0x16, 0x0D, 0x0E, 0x2F, 0x33))
    modules_at = ids.index(0x0F)
    info, refs, rest = ids[:first_ref], ids[first_ref:modules_at], ids[modules_at:]
    modules, cur = [], []
    for rid in rest[2:]:  # skip PROJECTMODULES + PROJECTCOOKIE
        cur.append(rid)
        if rid in (0x2B, 0x10):
            modules.append(cur)
            cur = []
    return info, refs, modules


def test_dir_stream_record_order_matches_excel(reference_bin):
    ref_dir = decompress(olefile.OleFileIO(reference_bin).openstream("VBA/dir").read())
    our_dir = decompress(olefile.OleFileIO(build_vba_project(SIMPLE)).openstream("VBA/dir").read())
    ref_info, ref_refs, ref_mods = _sections(_record_ids(ref_dir))
    our_info, our_refs, our_mods = _sections(_record_ids(our_dir))
    assert our_info == ref_info
    # Excel references MSForms via REFERENCECONTROL (0x2F); we list plain
    # registered libraries. Both are NAME (0x16, 0x3E) + one reference record.
    assert ref_refs[-3:] == our_refs[-3:] == [0x16, 0x3E, 0x0D]
    assert our_refs == [0x16, 0x3E, 0x0D] * 2
    ref_module_shape = {tuple(m) for m in ref_mods[:-1]}
    assert {tuple(m) for m in our_mods[:-1]} == ref_module_shape
    assert our_mods[-1] == ref_mods[-1] == [0x10]


def test_dir_stream_values():
    recs = parse_dir_records(
        decompress(olefile.OleFileIO(build_vba_project(SIMPLE, codepage=1252)).openstream("VBA/dir").read())
    )
    d = {}
    for rid, payload in recs:
        d.setdefault(rid, []).append(payload)
    assert d[0x03] == [struct.pack("<H", 1252)]
    assert d[0x02] == d[0x14] == [struct.pack("<I", 0x409)]
    assert d[0x04] == [b"VBAProject"]
    assert d[0x0F] == [struct.pack("<H", len(SIMPLE))]
    assert d[0x19] == [m.name.encode() for m in SIMPLE]
    assert d[0x31] == [b"\0\0\0\0"] * len(SIMPLE)  # source at offset 0: no p-code
    assert len(d[0x21]) == 1 and len(d[0x22]) == 3  # procedural vs document/class


def test_olevba_reads_all_xlwings_modules(caplog):
    """Every xlwings module round-trips through our writer and olevba unchanged."""
    texts = {rel: _read_xlwings(rel) for rel in XLWINGS_FILES}
    modules = [VbaModule("ThisWorkbook", "document", ""), VbaModule("Sheet1", "document", "")]
    modules += [module_from_file(t) for t in texts.values()]
    with caplog.at_level(logging.WARNING):
        data = build_vba_project(modules)
        stored = _olevba_sources(data)
    problems = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and "stomping cannot be detected" not in r.getMessage()
    ]
    assert not problems
    assert stored == read_module_sources(data)
    for rel, text in texts.items():
        name = header_attributes(text)["VB_Name"].strip('"')
        kind, body = strip_attributes(text)
        assert kind == ("class" if rel.endswith(".cls") else "standard")
        src = stored[name]
        # Everything after the header is byte-identical to the shipped file...
        assert strip_attributes(src)[1] == body, rel
        # ...and the file's own header attributes are all kept.
        file_attrs = header_attributes(text)
        assert {k: v for k, v in header_attributes(src).items() if k in file_attrs} == file_attrs


def test_xlsxwriter_embeds_the_project(tmp_path):
    data = build_vba_project(SIMPLE)
    path = tmp_path / "t.xlsm"
    wb = xlsxwriter.Workbook(str(path))
    wb.set_vba_name("ThisWorkbook")
    ws = wb.add_worksheet("Beranda")
    ws.set_vba_name("shBeranda")
    wb.add_vba_project(io.BytesIO(data), is_stream=True)
    wb.close()
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == data
        assert b'codeName="shBeranda"' in z.read("xl/worksheets/sheet1.xml")
    parser = VBA_Parser(str(path))
    names = {vba_filename for _f, _s, vba_filename, _c in parser.extract_macros()}
    parser.close()
    assert names == {"ThisWorkbook.cls", "shBeranda.cls", "RenaksiTombol.bas", "Kegiatan.cls"}


# ---------------------------------------------------------------------------
# Attributes, names and encodings
# ---------------------------------------------------------------------------


def test_strip_attributes_on_a_class_file():
    text = _read_xlwings("addin/WebClient.cls")
    kind, body = strip_attributes(text)
    assert kind == "class"
    assert not body.startswith(("VERSION", "BEGIN", "Attribute"))
    assert body.startswith("''\r\n")  # line endings untouched
    assert header_attributes(text)["VB_Exposed"] == "True"


def test_strip_attributes_keeps_member_attributes():
    kind, body = strip_attributes(_read_xlwings("addin/Dictionary.cls"))
    assert "Attribute Item.VB_UserMemId = 0" in body


def test_class_header_defaults_and_overrides():
    plain = read_module_sources(build_vba_project([VbaModule("K", "class", "Dim a\r\n")]))["K"]
    assert header_attributes(plain) == {
        "VB_Name": '"K"',
        "VB_Base": '"0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"',
        "VB_GlobalNameSpace": "False",
        "VB_Creatable": "False",
        "VB_PredeclaredId": "False",
        "VB_Exposed": "False",
        "VB_TemplateDerived": "False",
        "VB_Customizable": "False",
    }
    code = 'Attribute VB_PredeclaredId = True\r\nAttribute VB_Description = "d"\r\nDim a\r\n'
    over = read_module_sources(build_vba_project([VbaModule("K", "class", code)]))["K"]
    attrs = header_attributes(over)
    assert attrs["VB_PredeclaredId"] == "True"
    assert list(attrs)[-1] == "VB_Description"
    assert strip_attributes(over)[1] == "Dim a\r\n"


def test_document_base_depends_on_workbook_or_sheet():
    srcs = read_module_sources(
        build_vba_project([VbaModule("ThisWorkbook", "document", ""), VbaModule("shData", "document", "")])
    )
    assert header_attributes(srcs["ThisWorkbook"])["VB_Base"] == '"0{00020819-0000-0000-C000-000000000046}"'
    assert header_attributes(srcs["shData"])["VB_Base"] == '"0{00020820-0000-0000-C000-000000000046}"'
    assert header_attributes(srcs["shData"])["VB_PredeclaredId"] == "True"


def test_line_endings_normalised_to_crlf():
    src = read_module_sources(build_vba_project([VbaModule("M", "standard", "a\nb\rc\r\nd")]))["M"]
    assert src == 'Attribute VB_Name = "M"\r\na\r\nb\r\nc\r\nd\r\n'


def test_codepage_characters():
    ok = read_module_sources(build_vba_project([VbaModule("M", "standard", "' Catatan: é\r\n")]))
    assert "é" in ok["M"]
    with pytest.raises(VbaProjectError, match=r"'M', line 3.*'ā'"):
        build_vba_project([VbaModule("M", "standard", "' a\r\n' b ā\r\n")])


@pytest.mark.parametrize(
    "modules",
    [
        [VbaModule("1abc", "standard", "")],
        [VbaModule("a" * 32, "standard", "")],
        [VbaModule("Modul Satu", "standard", "")],
        [VbaModule("dir", "standard", "")],
        [VbaModule("A", "standard", ""), VbaModule("a", "class", "")],
        [VbaModule("VBAProject", "standard", "")],
        [VbaModule("A", "form", "")],
        [VbaModule("A", "standard", 'Attribute VB_Name = "B"\r\n')],
    ],
)
def test_rejects_invalid_modules(modules):
    with pytest.raises(VbaProjectError):
        build_vba_project(modules)


def test_size_for_all_xlwings_modules():
    """The project compresses the sources (MS-OVBA 2.4.1); how long it takes is
    bench/bench_build.py's to print, not a test's to assert."""
    modules = [module_from_file(_read_xlwings(rel)) for rel in XLWINGS_FILES]
    data = build_vba_project(modules)
    source_bytes = sum(len(_read_xlwings(rel)) for rel in XLWINGS_FILES)
    assert len(data) < source_bytes * 0.6
