"""Hostile workbooks made from the built one by editing its zip (no binaries committed).

Each maker takes the path of a copy of the built workbook and damages it in place.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from renaksi_xl import layout


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def write_members(path: Path, parts: dict[str, bytes], *, stored: frozenset[str] = frozenset()) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            method = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            zf.writestr(zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0)), data, compress_type=method)


def edit(path: Path, name: str, change) -> None:
    parts = members(path)
    parts[name] = change(parts[name])
    write_members(path, parts)


def sheet_part(path: Path, sheet: str) -> str:
    parts = members(path)
    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(rId\d+)"', wb).group(1)
    m = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*/>', rels)
    target = re.search(r'Target="([^"]+)"', m.group(0)).group(1)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def table_part(path: Path, table: str) -> str:
    for name, data in members(path).items():
        if name.startswith("xl/tables/") and f'displayName="{table}"'.encode() in data:
            return name
    raise KeyError(table)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def put_cell(xml: bytes, ref: str, cell: str) -> bytes:
    """Put a `<c>` element (its full XML, r attribute included) at `ref` in a sheet's XML."""
    row = int(re.match(r"[A-Z]+(\d+)", ref).group(1))
    text = xml.decode("utf-8", "surrogateescape")  # a fuzzer may have flipped a byte
    text = re.sub(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', "", text, flags=re.S)
    m = re.search(rf'<row r="{row}"([^>]*?)(/?)>', text)
    if m and m.group(2):
        text = text[: m.start()] + f'<row r="{row}"{m.group(1)}>{cell}</row>' + text[m.end() :]
    elif m:
        end = text.index("</row>", m.end())
        text = text[:end] + cell + text[end:]
    else:
        later = [mm for mm in re.finditer(r'<row r="(\d+)"', text) if int(mm.group(1)) > row]
        at = later[0].start() if later else text.index("</sheetData>")
        if "<sheetData/>" in text:
            text = text.replace("<sheetData/>", f'<sheetData><row r="{row}">{cell}</row></sheetData>')
        else:
            text = text[:at] + f'<row r="{row}">{cell}</row>' + text[at:]
    return text.encode("utf-8", "surrogateescape")


def inline(ref: str, text: str) -> str:
    from xml.sax.saxutils import escape

    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def number(ref: str, raw: str) -> str:
    return f'<c r="{ref}"><v>{raw}</v></c>'


# ----------------------------------------------------------------------------- makers
def far_cell(sheet: str, ref: str):
    def make(path: Path) -> None:
        edit(path, sheet_part(path, sheet), lambda x: put_cell(x, ref, inline(ref, "jauh")))

    return make


def far_cell_spelled(sheet: str, ref: str, tag: str):
    """A far cell whose start tag is written another way XML allows (`tag` is the tag up to
    its `>`, with {ref}): python-calamine reads it all the same."""

    def make(path: Path) -> None:
        cell = tag.format(ref=ref) + "<v>1</v></c>"
        edit(path, sheet_part(path, sheet), lambda x: put_cell(x, ref, cell))

    return make


def table_ref(table: str, ref: str):
    def make(path: Path) -> None:
        def change(xml: bytes) -> bytes:
            new = f' ref="{ref}"'.encode("utf-8", "surrogateescape")
            return re.sub(rb' ref="[^"]*"', lambda m: new, xml)  # a function: no escapes in `ref`

        edit(path, table_part(path, table), change)

    return make


def table_attr(table: str, attr: str, value: str):
    def make(path: Path) -> None:
        def change(xml: bytes) -> bytes:
            text = xml.decode("utf-8", "surrogateescape")
            if f' {attr}="' in text:
                return re.sub(rf' {attr}="[^"]*"', f' {attr}="{value}"', text, count=1).encode()
            return text.replace("<table ", f'<table {attr}="{value}" ', 1).encode()

        edit(path, table_part(path, table), change)

    return make


def cell(sheet: str, ref: str, xml_cell: str):
    def make(path: Path) -> None:
        edit(path, sheet_part(path, sheet), lambda x: put_cell(x, ref, xml_cell))

    return make


def stale_formula(sheet: str, ref: str, formula: str, cached: str):
    return cell(sheet, ref, f'<c r="{ref}"><f>{formula}</f><v>{cached}</v></c>')


def bad_crc(sheet: str):
    """Flip one byte of a stored (uncompressed) member: its CRC no longer matches."""

    def make(path: Path) -> None:
        parts = members(path)
        name = sheet_part(path, sheet)
        write_members(path, parts, stored=frozenset({name}))
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo(name)
        raw = bytearray(path.read_bytes())
        name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26 : info.header_offset + 30])
        start = info.header_offset + 30 + name_len + extra_len
        body = raw[start : start + info.compress_size]
        at = body.index(b"<sheetData")
        raw[start + at + 1] = ord("S")  # still well formed enough to reach the CRC check
        path.write_bytes(bytes(raw))

    return make


def truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def not_a_zip(path: Path) -> None:
    path.write_bytes(b"Ini bukan buku kerja, hanya teks.\n" * 10)


def empty_file(path: Path) -> None:
    path.write_bytes(b"")


def ole_file(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le"))


def drop_member(name_of):
    def make(path: Path) -> None:
        parts = members(path)
        del parts[name_of(path)]
        write_members(path, parts)

    return make


def broken_xml(name_of):
    def make(path: Path) -> None:
        edit(path, name_of(path), lambda x: x[: len(x) // 2])

    return make


def bad_shared_string_index(sheet: str, ref: str):
    return cell(sheet, ref, f'<c r="{ref}" t="s"><v>987654</v></c>')


def active_tab(value: str):
    def make(path: Path) -> None:
        edit(
            path,
            "xl/workbook.xml",
            lambda x: re.sub(rb"<workbookView ", f'<workbookView activeTab="{value}" '.encode(), x, count=1),
        )

    return make


def bomb(inflated_bytes: int):
    """The Impor sheet replaced by a member that really inflates to `inflated_bytes` of
    spaces (a zip bomb).  Its deflate stream is one compressed 1 MiB block repeated: each
    block ends with a full flush, so the blocks are identical and need no recompression."""

    def make(path: Path) -> None:
        parts = members(path)
        name = sheet_part(path, layout.SHEET_IMPOR)
        chunk = b" " * (1 << 20)
        count = inflated_bytes >> 20
        c = zlib.compressobj(1, zlib.DEFLATED, -15)
        first = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
        block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
        tail = c.flush()
        crc = 0
        for _ in range(count):
            crc = zlib.crc32(chunk, crc)
        entries = []
        for member, data in parts.items():
            if member == name:
                entries.append((member, crc, first + block * (count - 1) + tail, count << 20))
            else:
                d = zlib.compressobj(6, zlib.DEFLATED, -15)
                entries.append((member, zlib.crc32(data), d.compress(data) + d.flush(), len(data)))
        path.write_bytes(raw_zip(entries))

    return make


def raw_zip(entries: list[tuple[str, int, bytes, int]]) -> bytes:
    """A deflated zip from (name, crc, deflate stream, inflated size); zip64 sizes where needed."""
    out = bytearray()
    central = bytearray()
    for name, crc, data, size in entries:
        big = size >= 0xFFFFFFFF or len(data) >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, len(data)) if big else b""
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(data), size)
        version = 45 if big else 20
        fname = name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, version, 0, 8, 0, 0x21, crc, *sizes, len(fname), len(extra)
        )
        out += fname + extra + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            version,
            version,
            0,
            8,
            0,
            0x21,
            crc,
            *sizes,
            len(fname),
            len(extra),
            0,
            0,
            0,
            0,
            offset,
        )
        central += fname + extra
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), start, 0)
    return bytes(out)


def long_shared_text(sheet: str, ref: str, length: int):
    return cell(sheet, ref, inline(ref, "x" * length))


def rows_without_refs(sheet: str, row: int, cells: int):
    """Cells placed by position (no r attribute) far down a sheet."""

    def make(path: Path) -> None:
        def change(xml: bytes) -> bytes:
            body = "".join("<c><v>1</v></c>" for _ in range(cells))
            return xml.replace(b"</sheetData>", f'<row r="{row}">{body}</row></sheetData>'.encode())

        edit(path, sheet_part(path, sheet), change)

    return make


# ----------------------------------------------------------------------------- parts calamine would find
FAR = b'<row r="1000000"><c r="IV1000000"><v>1</v></c></row>'


def _with_far_cell(xml: bytes) -> bytes:
    if b"</sheetData>" in xml:
        return xml.replace(b"</sheetData>", FAR + b"</sheetData>", 1)
    return xml.replace(b"<sheetData/>", b"<sheetData>" + FAR + b"</sheetData>", 1)


def unscanned_part(sheet: str, how: str):
    """A copy of the sheet's XML with a far cell, placed where python-calamine (but not an
    OPC reading of the package) would take it for the sheet:
    'x-id' (a second, prefixed id attribute on <sheet>), 'upper' (the member again in upper
    case), 'backslash' (the member again with backslashes), 'office-document' (_rels/.rels
    pointing at another workbook part whose sheet is the far copy)."""

    def make(path: Path) -> None:
        parts = members(path)
        part = sheet_part(path, sheet)
        evil = _with_far_cell(parts[part])
        if how == "x-id":
            wb = parts["xl/workbook.xml"].decode()
            tag = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*?/>', wb).group(0)
            wb = wb.replace(tag, tag[:-2] + ' xmlns:x="urn:x" x:id="rIdJauh"/>')
            parts["xl/workbook.xml"] = wb.encode()
            rels = (
                parts["xl/_rels/workbook.xml.rels"]
                .decode()
                .replace(
                    "</Relationships>",
                    '<Relationship Id="rIdJauh" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/worksheet" Target="jauh.xml"/></Relationships>',
                )
            )
            parts["xl/_rels/workbook.xml.rels"] = rels.encode()
            parts["xl/jauh.xml"] = evil
        elif how == "upper":
            parts[part.upper()] = evil
        elif how == "backslash":
            parts[part.replace("/", "\\")] = evil
        elif how == "office-document":
            parts["xm/workbook.xml"] = parts["xl/workbook.xml"]
            parts["xm/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"]
            parts["xm/" + part[len("xl/") :]] = evil
            parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", b"xm/workbook.xml")
        else:
            raise ValueError(how)
        write_members(path, parts)

    return make


def calamine_panic(sheet: str, ref: str):
    """A date-formatted cell holding -1e300: python-calamine's time arithmetic panics on it."""

    def make(path: Path) -> None:
        parts = members(path)
        styles = parts["xl/styles.xml"].decode()
        m = re.search(r'<cellXfs count="(\d+)">', styles)
        index = int(m.group(1))
        styles = styles.replace(m.group(0), f'<cellXfs count="{index + 1}">', 1)
        styles = styles.replace(
            "</cellXfs>",
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>',
            1,
        )
        parts["xl/styles.xml"] = styles.encode()
        write_members(path, parts)
        edit(
            path,
            sheet_part(path, sheet),
            lambda x: put_cell(x, ref, f'<c r="{ref}" s="{index}"><v>-1e300</v></c>'),
        )

    return make
