"""Write a source-only ``vbaProject.bin`` (public specs [MS-OVBA] + [MS-CFB]).

Office keeps a workbook's macros in ``xl/vbaProject.bin``: a compound file
(see :mod:`renaksi_xl.xlsm.cfb`) holding

* ``VBA/dir`` -- the compressed project description (codepage, references,
  the list of modules and their stream names),
* ``VBA/<module>`` -- each module's source text, compressed,
* ``VBA/_VBA_PROJECT`` -- seven bytes; version ``0xFFFF`` tells the host
  there is no compiled p-code cache, so it compiles from source,
* ``PROJECT`` / ``PROJECTwm`` -- the text project properties and the
  module-name table the VB editor uses.

Excel writes a version-specific p-code cache too; we never do. [MS-OVBA] 1.6
says version ``0xFFFF`` is the interoperable way: hosts ignore all caches and
recompile from the source we store.

Callers hand us :class:`VbaModule` objects whose ``code`` has no ``Attribute
VB_...`` header: the writer adds the header each module kind needs (the
values mirror an Excel-made project, see ``tests/test_vba_project.py``).
A module may still override a header attribute, or add one such as
``VB_Description``, by starting its ``code`` with its own ``Attribute VB_x =
...`` lines; :func:`module_from_file` builds such modules from the
``.bas``/``.cls`` files VBE exports (as shipped by xlwings).

Everything is deterministic: the same modules give the same bytes.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import struct
import uuid
from dataclasses import dataclass

from renaksi_xl.xlsm.cfb import read_compound_file, write_compound_file

__all__ = [
    "VbaModule",
    "VbaProjectError",
    "build_vba_project",
    "read_module_sources",
    "strip_attributes",
    "module_from_file",
    "header_attributes",
    "compress",
    "decompress",
    "parse_dir_records",
    "DEFAULT_REFERENCES",
]

KINDS = ("standard", "class", "document")

# VB_Base values: "0" + the CLSID of the object the module extends. These are
# the exact strings found in an Excel-made project (xlwings'
# quickstart_standalone.xlsm): Workbook, Worksheet, and a plain class module.
WORKBOOK_BASE = '"0{00020819-0000-0000-C000-000000000046}"'
WORKSHEET_BASE = '"0{00020820-0000-0000-C000-000000000046}"'
CLASS_BASE = '"0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'

# Header attributes per kind, in the order Excel writes them.
_CLASS_HEADER = {
    "VB_Base": CLASS_BASE,
    "VB_GlobalNameSpace": "False",
    "VB_Creatable": "False",
    "VB_PredeclaredId": "False",
    "VB_Exposed": "False",
    "VB_TemplateDerived": "False",
    "VB_Customizable": "False",
}
_DOCUMENT_HEADER = {
    "VB_Base": WORKSHEET_BASE,
    "VB_GlobalNameSpace": "False",
    "VB_Creatable": "False",
    "VB_PredeclaredId": "True",
    "VB_Exposed": "True",
    "VB_TemplateDerived": "False",
    "VB_Customizable": "True",
}

# Type libraries every Excel project references (stdole + Office). The VBA and
# Excel libraries are implicit and never listed in the dir stream. The paths
# are only hints; hosts resolve the libraries by GUID and version.
DEFAULT_REFERENCES: tuple[tuple[str, str], ...] = (
    (
        "stdole",
        "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation",
    ),
    (
        "Office",
        "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0"
        "#C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL"
        "#Microsoft Office 16.0 Object Library",
    ),
)

SYSKIND_WIN64 = 3  # what 64-bit Excel writes (the reference file has it)
LCID_EN_US = 0x0409
VBE_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
_VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_ATTR = re.compile(r"Attribute\s+(VB_\w+)\s*=\s*(.*?)\s*\Z")


class VbaProjectError(ValueError):
    """Raised for modules or project settings a VBA host would reject."""


@dataclass(frozen=True)
class VbaModule:
    """One VBA module to store.

    ``name``: module (and stream) name, a VBA identifier of at most 31 chars.
    ``kind``: ``"standard"`` (.bas), ``"class"`` (.cls) or ``"document"``
    (``ThisWorkbook`` and the sheet modules; the name must equal the
    workbook's / sheet's codename).
    ``code``: source text without the ``Attribute VB_...`` header lines. It
    may start with ``Attribute VB_x = value`` lines to override or extend the
    header the writer adds.
    """

    name: str
    kind: str
    code: str


# ---------------------------------------------------------------------------
# [MS-OVBA] 2.4.1 compression
# ---------------------------------------------------------------------------

_CHUNK = 4096


def _copy_token_shape(pos_in_chunk: int) -> tuple[int, int]:
    """Bit count of the offset field and the maximum copy length (2.4.1.3.19.1).

    The further we are into a chunk the more bits the offset needs, leaving
    fewer for the length.
    """
    bit_count = max((pos_in_chunk - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """Compress ``data[start:end]`` (at most 4096 bytes) into one chunk.

    Follows the spec's greedy matcher: at each position take the longest
    earlier match in the chunk, preferring the nearest on ties, and use it
    if it is at least 3 bytes long. A dictionary of 3-byte prefixes replaces
    the spec's exhaustive backward scan; it finds the same match because
    only candidates sharing the first three bytes can reach length 3.
    """
    body = bytearray()
    chains: dict[bytes, list[int]] = {}
    indexed = start
    cur = start
    overflow = False
    while cur < end and not overflow:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if cur >= end:
                break
            while indexed < cur and indexed + 3 <= end:
                chains.setdefault(data[indexed : indexed + 3], []).append(indexed)
                indexed += 1
            best_len = 0
            best_pos = 0
            room = end - cur
            if room >= 3:
                for cand in reversed(chains.get(data[cur : cur + 3], ())):
                    if best_len and data[cand + best_len] != data[cur + best_len]:
                        continue
                    n = 3
                    while n < room and data[cand + n] == data[cur + n]:
                        n += 1
                    if n > best_len:
                        best_len, best_pos = n, cand
                        if n == room:
                            break
            if best_len >= 3:
                if len(body) + 2 > _CHUNK:
                    overflow = True
                    break
                bit_count, max_len = _copy_token_shape(cur - start)
                length = min(best_len, max_len)
                token = ((cur - best_pos - 1) << (16 - bit_count)) | (length - 3)
                body += struct.pack("<H", token)
                flags |= 1 << bit
                cur += length
            else:
                if len(body) + 1 > _CHUNK:
                    overflow = True
                    break
                body.append(data[cur])
                cur += 1
        body[flag_at] = flags
    if overflow or cur < end:
        # Incompressible: a raw chunk is always 4096 bytes, zero padded
        # (2.4.1.3.10), so only a full chunk round-trips exactly.
        return struct.pack("<H", 0x3FFF) + data[start:end].ljust(_CHUNK, b"\0")
    return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + bytes(body)


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an [MS-OVBA] CompressedContainer (2.4.1.1.1).

    Chunks that do not shrink are stored raw. A raw chunk is always padded to
    4096 bytes, so a *final* partial chunk of incompressible data would come
    back with trailing NULs; that never happens for source text, and
    :func:`build_vba_project` checks it.
    """
    data = bytes(data)
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data, start, min(start + _CHUNK, len(data)))
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """Decompress an [MS-OVBA] CompressedContainer (2.4.1.3.1)."""
    buf = bytes(container)
    if not buf or buf[0] != 0x01:
        raise VbaProjectError("compressed container must start with 0x01")
    out = bytearray()
    pos = 1
    while pos < len(buf):
        if pos + 2 > len(buf):
            raise VbaProjectError("truncated chunk header")
        (header,) = struct.unpack_from("<H", buf, pos)
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x7 != 0b011:
            raise VbaProjectError(f"bad chunk signature at offset {pos}")
        chunk_end = min(pos + size, len(buf))
        pos += 2
        if not header & 0x8000:
            out += buf[pos : pos + _CHUNK]
            pos += _CHUNK
            continue
        chunk_start = len(out)
        while pos < chunk_end:
            flags = buf[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(buf[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise VbaProjectError("truncated copy token")
                (token,) = struct.unpack_from("<H", buf, pos)
                pos += 2
                bit_count, _ = _copy_token_shape(len(out) - chunk_start)
                offset = (token >> (16 - bit_count)) + 1
                length = (token & (0xFFFF >> bit_count)) + 3
                src = len(out) - offset
                if src < chunk_start:
                    raise VbaProjectError("copy token points before its chunk")
                for i in range(length):  # may overlap what it writes
                    out.append(out[src + i])
        pos = chunk_end
    return bytes(out)


# ---------------------------------------------------------------------------
# Module source text
# ---------------------------------------------------------------------------


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def _split_header(code: str) -> tuple[dict[str, str], str]:
    """Split leading ``Attribute VB_x = v`` lines off ``code``."""
    attrs: dict[str, str] = {}
    lines = code.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        m = _ATTR.match(lines[i].rstrip("\r\n"))
        if not m:
            break
        attrs[m.group(1)] = m.group(2)
        i += 1
    return attrs, "".join(lines[i:])


def _module_source(module: VbaModule) -> str:
    """The exact text stored for ``module``: attribute header + code, CRLF."""
    overrides, body = _split_header(module.code)
    given_name = overrides.pop("VB_Name", None)
    if given_name is not None and given_name.strip('"') != module.name:
        raise VbaProjectError(f"module {module.name!r}: code says Attribute VB_Name = {given_name}")
    if module.kind == "standard":
        header: dict[str, str] = {}
    elif module.kind == "class":
        header = dict(_CLASS_HEADER)
    else:
        header = dict(_DOCUMENT_HEADER)
        if module.name == "ThisWorkbook":
            header["VB_Base"] = WORKBOOK_BASE
    header.update(overrides)  # known keys keep their place; new ones go last
    lines = [f'Attribute VB_Name = "{module.name}"']
    lines += [f"Attribute {k} = {v}" for k, v in header.items()]
    body = _crlf(body)
    if body and not body.endswith("\r\n"):
        body += "\r\n"
    return "\r\n".join(lines) + "\r\n" + body


def header_attributes(source_text: str) -> dict[str, str]:
    """The module-level ``Attribute VB_x = value`` lines of a module file/source."""
    _, text = _strip_version_block(source_text)
    return _split_header(text)[0]


def _strip_version_block(source_text: str) -> tuple[bool, str]:
    """Drop the ``VERSION 1.0 CLASS`` / ``BEGIN`` ... ``END`` block of a .cls file."""
    lines = source_text.splitlines(keepends=True)
    if not lines or not lines[0].strip().upper().startswith("VERSION "):
        return False, source_text
    i = 1
    if i < len(lines) and lines[i].strip().upper() == "BEGIN":
        while i < len(lines) and lines[i].strip().upper() != "END":
            i += 1
        i += 1
    return True, "".join(lines[i:])


def strip_attributes(source_text: str) -> tuple[str, str]:
    """Split an exported module file into ``(kind_hint, code_without_header)``.

    Accepts VBE exports (``.bas``/``.cls``, with the ``VERSION``/``BEGIN``/
    ``END`` block of class files) and sources read back from a project.
    ``kind_hint`` is ``"class"`` for a VERSION block or a class ``VB_Base``,
    ``"document"`` for a Workbook/Worksheet ``VB_Base`` and ``"standard"``
    otherwise. Only the leading header is removed: member attributes such as
    ``Attribute Item.VB_UserMemId = 0`` inside procedures stay. Line endings
    are kept as they are.
    """
    is_class_file, text = _strip_version_block(source_text)
    attrs, body = _split_header(text)
    base = attrs.get("VB_Base", "").upper()
    if base in (WORKBOOK_BASE, WORKSHEET_BASE):
        kind = "document"
    elif is_class_file or base:
        kind = "class"
    else:
        kind = "standard"
    return kind, body


def module_from_file(source_text: str, name: str | None = None) -> VbaModule:
    """Make a :class:`VbaModule` from an exported ``.bas``/``.cls`` file text.

    The file's own header attributes (``VB_Exposed = True``,
    ``VB_Description``...) are kept as overrides at the top of ``code`` so
    the stored module matches what VBE would store on import.
    """
    kind, body = strip_attributes(source_text)
    attrs = header_attributes(source_text)
    file_name = attrs.pop("VB_Name", None)
    name = name or (file_name.strip('"') if file_name else None)
    if not name:
        raise VbaProjectError("module file has no Attribute VB_Name and no name was given")
    nl = "\r\n" if "\r\n" in source_text else "\n"
    head = "".join(f"Attribute {k} = {v}{nl}" for k, v in attrs.items())
    return VbaModule(name=name, kind=kind, code=head + body)


# ---------------------------------------------------------------------------
# dir stream ([MS-OVBA] 2.3.4.2)
# ---------------------------------------------------------------------------


def _rec(rec_id: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _u16(value: int) -> bytes:
    return struct.pack("<H", value)


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _dir_stream(
    project_name: str,
    modules: list[VbaModule],
    codepage: int,
    encoding: str,
) -> bytes:
    """The uncompressed dir stream, records in the order Excel writes them."""
    mbcs = lambda s: s.encode(encoding)  # noqa: E731 - tiny local helper
    utf16 = lambda s: s.encode("utf-16-le")  # noqa: E731
    out = bytearray()
    # PROJECTINFORMATION
    out += _rec(0x0001, _u32(SYSKIND_WIN64))  # PROJECTSYSKIND
    out += _rec(0x0002, _u32(LCID_EN_US))  # PROJECTLCID
    out += _rec(0x0014, _u32(LCID_EN_US))  # PROJECTLCIDINVOKE
    out += _rec(0x0003, _u16(codepage))  # PROJECTCODEPAGE
    out += _rec(0x0004, mbcs(project_name))  # PROJECTNAME
    out += _rec(0x0005) + _rec(0x0040)  # PROJECTDOCSTRING (+ unicode)
    out += _rec(0x0006) + _rec(0x003D)  # PROJECTHELPFILEPATH (two copies)
    out += _rec(0x0007, _u32(0))  # PROJECTHELPCONTEXT
    out += _rec(0x0008, _u32(0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: its "size" field is a constant 4 although 6 bytes follow.
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _rec(0x000C) + _rec(0x003C)  # PROJECTCONSTANTS (+ unicode)
    # PROJECTREFERENCES: REFERENCENAME + REFERENCEREGISTERED per library
    for ref_name, libid in DEFAULT_REFERENCES:
        out += _rec(0x0016, mbcs(ref_name)) + _rec(0x003E, utf16(ref_name))
        lib = libid.encode(encoding)
        out += _rec(0x000D, _u32(len(lib)) + lib + _u32(0) + _u16(0))
    # PROJECTMODULES
    out += _rec(0x000F, _u16(len(modules)))
    out += _rec(0x0013, _u16(0xFFFF))  # PROJECTCOOKIE
    for m in modules:
        out += _rec(0x0019, mbcs(m.name)) + _rec(0x0047, utf16(m.name))  # NAME
        out += _rec(0x001A, mbcs(m.name)) + _rec(0x0032, utf16(m.name))  # STREAMNAME
        out += _rec(0x001C) + _rec(0x0048)  # MODULEDOCSTRING
        out += _rec(0x0031, _u32(0))  # MODULEOFFSET: source starts at 0 (no p-code)
        out += _rec(0x001E, _u32(0))  # MODULEHELPCONTEXT
        out += _rec(0x002C, _u16(0xFFFF))  # MODULECOOKIE
        out += _rec(0x0021 if m.kind == "standard" else 0x0022)  # MODULETYPE
        out += _rec(0x002B)  # module terminator
    out += _rec(0x0010)  # dir terminator
    return bytes(out)


def parse_dir_records(dir_stream: bytes) -> list[tuple[int, bytes]]:
    """Split a *decompressed* dir stream into ``(record_id, payload)`` pairs.

    Every record is ``id:u16, size:u32, payload`` except PROJECTVERSION,
    whose size field is always 4 but is followed by 6 bytes. The "Reserved"
    ids inside composite records (0x40, 0x3D, 0x3C, 0x3E, 0x32, 0x48) parse
    as records of their own, which is what we want for comparisons.
    """
    recs = []
    pos = 0
    while pos < len(dir_stream):
        if pos + 6 > len(dir_stream):
            raise VbaProjectError(f"truncated dir record at offset {pos}")
        rec_id, size = struct.unpack_from("<HI", dir_stream, pos)
        if rec_id == 0x0009:
            size = 6
        payload = dir_stream[pos + 6 : pos + 6 + size]
        if len(payload) != size:
            raise VbaProjectError(f"dir record {rec_id:#06x} overruns the stream")
        recs.append((rec_id, payload))
        pos += 6 + size
    return recs


# ---------------------------------------------------------------------------
# PROJECT and PROJECTwm streams ([MS-OVBA] 2.3.1, 2.3.3)
# ---------------------------------------------------------------------------


def _obfuscate(data: bytes, project_id: str, seed_material: bytes) -> str:
    """[MS-OVBA] 2.4.3.2 "Data Encryption" (an obfuscation) as hex text.

    The seed and the ignored filler bytes may be anything; we derive them
    from a hash so the output is reproducible.
    """
    rnd = hashlib.sha256(seed_material + project_id.encode("ascii")).digest()
    seed = rnd[0]
    version = 2
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    out = [seed, seed ^ version, seed ^ proj_key]
    unenc1, enc1, enc2 = proj_key, seed ^ proj_key, seed ^ version

    def put(byte: int) -> None:
        nonlocal unenc1, enc1, enc2
        enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(enc)
        enc2, enc1, unenc1 = enc1, enc, byte

    for filler in rnd[1 : 1 + (seed & 6) // 2]:
        put(filler)
    for byte in struct.pack("<I", len(data)) + data:
        put(byte)
    return bytes(out).hex().upper()


def _project_stream(project_name: str, project_id: str, modules: list[VbaModule], encoding: str) -> bytes:
    # not protected (4 zero bytes), no password (0x00), visible (0xFF)
    cmg = _obfuscate(bytes(4), project_id, b"CMG")
    dpb = _obfuscate(bytes([0x00]), project_id, b"DPB")
    gc = _obfuscate(bytes([0xFF]), project_id, b"GC")
    lines = [f'ID="{project_id}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{cmg}"',
        f'DPB="{dpb}"',
        f'GC="{gc}"',
        "",
        "[Host Extender Info]",
        VBE_HOST_EXTENDER,
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n\r\n").encode(encoding)


def _projectwm_stream(modules: list[VbaModule], encoding: str) -> bytes:
    out = bytearray()
    for m in modules:
        out += m.name.encode(encoding) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


# ---------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------


def _encoding_for(codepage: int) -> str:
    name = "utf-8" if codepage == 65001 else f"cp{codepage}"
    try:
        codecs.lookup(name)
    except LookupError as exc:
        raise VbaProjectError(f"unsupported codepage {codepage}") from exc
    return name


def _encode_source(module: VbaModule, text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        line_no = text.count("\n", 0, exc.start) + 1
        bad = text[exc.start : exc.end]
        raise VbaProjectError(
            f"module {module.name!r}, line {line_no}: character(s) {bad!r} "
            f"cannot be stored in codepage {encoding}"
        ) from None


def _check_modules(modules: list[VbaModule], project_name: str) -> None:
    if not _IDENT.match(project_name):
        raise VbaProjectError(f"project name must be a VBA identifier: {project_name!r}")
    seen: set[str] = {project_name.upper()}
    for m in modules:
        if m.kind not in KINDS:
            raise VbaProjectError(f"module {m.name!r}: kind must be one of {KINDS}, not {m.kind!r}")
        if not _IDENT.match(m.name):
            raise VbaProjectError(
                f"module name must be a VBA identifier of at most 31 characters: {m.name!r}"
            )
        if m.name.upper() == "DIR":
            raise VbaProjectError("a module cannot be called 'dir' (clashes with the dir stream)")
        if m.name.upper() in seen:
            raise VbaProjectError(f"duplicate module or project name (case-insensitive): {m.name!r}")
        seen.add(m.name.upper())


def build_vba_project(
    modules: list[VbaModule], project_name: str = "VBAProject", codepage: int = 1252
) -> bytes:
    """Return the bytes of a source-only ``vbaProject.bin`` holding ``modules``.

    Document modules must be named after the workbook's / sheets' codenames
    (XlsxWriter: ``workbook.set_vba_name()`` / ``worksheet.set_vba_name()``);
    embed the result with ``workbook.add_vba_project(io.BytesIO(data),
    is_stream=True)``. Raises :class:`VbaProjectError` for invalid names or
    text the codepage cannot encode.
    """
    modules = list(modules)
    _check_modules(modules, project_name)
    encoding = _encoding_for(codepage)
    project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"renaksi-xl:vba:{project_name}")).upper() + "}"
    streams: dict[str, bytes] = {}
    for m in modules:
        raw = _encode_source(m, _module_source(m), encoding)
        packed = compress(raw)
        if decompress(packed) != raw:  # only possible for binary-like text
            raise VbaProjectError(f"module {m.name!r} does not survive compression")
        streams[f"VBA/{m.name}"] = packed
    try:
        dir_raw = _dir_stream(project_name, modules, codepage, encoding)
    except UnicodeEncodeError as exc:
        raise VbaProjectError(f"project name cannot be stored in codepage {encoding}") from exc
    streams["VBA/dir"] = compress(dir_raw)
    streams["VBA/_VBA_PROJECT"] = _VBA_PROJECT_STREAM
    streams["PROJECT"] = _project_stream(project_name, project_id, modules, encoding)
    streams["PROJECTwm"] = _projectwm_stream(modules, encoding)
    return write_compound_file(streams)


def read_module_sources(vba_bin: bytes) -> dict[str, str]:
    """Module name -> stored source text (attribute header included).

    Walks the dir stream the way a host does: codepage from PROJECTCODEPAGE,
    then for each module its stream name and source offset. Works for
    Excel-made projects too (their sources start after a p-code cache).
    """
    streams = read_compound_file(vba_bin)
    try:
        dir_raw = decompress(streams["VBA/dir"])
    except KeyError:
        raise VbaProjectError("no VBA/dir stream: not a VBA project") from None
    encoding = "cp1252"
    sources: dict[str, str] = {}
    name = stream = None
    offset = 0
    for rec_id, payload in parse_dir_records(dir_raw):
        if rec_id == 0x0003:
            encoding = _encoding_for(struct.unpack("<H", payload)[0])
        elif rec_id == 0x0019:
            name, stream, offset = payload.decode(encoding), None, 0
        elif rec_id == 0x001A:
            stream = payload.decode(encoding)
        elif rec_id == 0x0031:
            (offset,) = struct.unpack("<I", payload)
        elif rec_id == 0x002B and name is not None:
            data = streams.get(f"VBA/{stream or name}")
            if data is None:
                raise VbaProjectError(f"module stream VBA/{stream or name} is missing")
            sources[name] = decompress(data[offset:]).decode(encoding)
            name = None
    return sources
