"""Minimal, deterministic writer (and reader) for Compound File Binary files.

A ``vbaProject.bin`` is an OLE2 / Compound File Binary (CFB) container, the
"file system inside a file" described by the public [MS-CFB] specification.
We only need a tiny subset of it:

* version 3 files (512-byte sectors), which is what Office writes for
  ``vbaProject.bin``;
* storages and streams, no property sets, no CLSIDs, no timestamps;
* a mini stream (64-byte mini sectors) for the many small streams a VBA
  project holds, and a DIFAT chain so big projects still work.

The writer is deterministic: the same input always gives the same bytes (all
timestamps and CLSIDs are zero, the directory order is fixed), so a build of
the workbook is reproducible byte-for-byte.

The reader (:func:`read_compound_file`) exists so our own tests and the VBA
reader in :mod:`renaksi_xl.xlsm.vba_project` need no third-party package; the
tests check both directions against the independent ``olefile`` package.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "CFBError",
    "write_compound_file",
    "read_compound_file",
    "cfb_name_key",
]

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
SECTOR_SIZE = 512
MINI_SECTOR_SIZE = 64
MINI_STREAM_CUTOFF = 4096
IDS_PER_SECTOR = SECTOR_SIZE // 4  # FAT / mini FAT / DIFAT entries per sector
DIR_ENTRY_SIZE = 128
HEADER_DIFAT_SLOTS = 109

# Special sector numbers ([MS-CFB] 2.1).
DIFSECT = 0xFFFFFFFC
FATSECT = 0xFFFFFFFD
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF

# Directory entry object types and colours ([MS-CFB] 2.6.1).
TYPE_UNUSED, TYPE_STORAGE, TYPE_STREAM, TYPE_ROOT = 0, 1, 2, 5
RED, BLACK = 0, 1

MAX_NAME_LEN = 31  # UTF-16 code units, without the terminating NUL
_FORBIDDEN_NAME_CHARS = set("/\\:!")


class CFBError(ValueError):
    """Raised for inputs that cannot be stored in, or read from, a CFB file."""


def cfb_name_key(name: str) -> tuple[int, str]:
    """Sort key of a directory entry name among its siblings.

    [MS-CFB] 2.6.4 orders siblings by name *length* first and then by a
    case-insensitive (upper-cased) comparison; readers binary-search the
    red-black tree with this rule, so our tree must follow it exactly.
    """
    return (len(name.encode("utf-16-le")) // 2, _upper(name))


def _upper(name: str) -> str:
    """Per-character upper case (no 'ß' -> 'SS' expansion), as CFB compares names."""
    return "".join(u if len(u := c.upper()) == 1 else c for c in name)


@dataclass
class _Node:
    """One directory entry while the tree is being laid out."""

    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Node] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _check_name(name: str) -> None:
    if not name:
        raise CFBError("empty CFB entry name")
    if len(name.encode("utf-16-le")) // 2 > MAX_NAME_LEN:
        raise CFBError(f"CFB entry name longer than {MAX_NAME_LEN} characters: {name!r}")
    if _FORBIDDEN_NAME_CHARS & set(name):
        raise CFBError(f"CFB entry name contains one of / \\ : ! : {name!r}")


def _build_tree(streams: Mapping[str, bytes]) -> _Node:
    """Turn ``{"VBA/dir": b"..."}`` paths into a storage/stream tree."""
    root = _Node("Root Entry", TYPE_ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for i, part in enumerate(parts):
            _check_name(part)
            last = i == len(parts) - 1
            key = _upper(part)
            existing = node.children.get(key)
            if last:
                if existing is not None:
                    raise CFBError(f"duplicate CFB entry (names are case-insensitive): {path!r}")
                node.children[key] = _Node(part, TYPE_STREAM, bytes(data))
            else:
                if existing is None:
                    existing = node.children[key] = _Node(part, TYPE_STORAGE)
                elif existing.kind != TYPE_STORAGE:
                    raise CFBError(f"{part!r} is both a stream and a storage in {path!r}")
                node = existing
    return root


def _link_siblings(nodes: list[_Node], depth: int, full_levels: int) -> int:
    """Link sorted ``nodes`` into a balanced binary search tree; return its root id.

    Splitting at the middle gives a tree whose leaves all sit on the last two
    levels. Colouring every node on the (incomplete) last level red and the
    rest black satisfies the red-black rules that [MS-CFB] 2.6.4 asks for:
    the root is black, red nodes have no children, and every path carries the
    same number of black nodes.
    """
    if not nodes:
        return NOSTREAM
    mid = len(nodes) // 2
    node = nodes[mid]
    node.color = BLACK if depth < full_levels else RED
    node.left = _link_siblings(nodes[:mid], depth + 1, full_levels)
    node.right = _link_siblings(nodes[mid + 1 :], depth + 1, full_levels)
    return node.sid


def _assign_ids(root: _Node) -> list[_Node]:
    """Number directory entries depth-first (root is 0) and link the trees."""
    order: list[_Node] = []

    def visit(node: _Node) -> None:
        node.sid = len(order)
        order.append(node)
        for child in sorted(node.children.values(), key=lambda n: cfb_name_key(n.name)):
            visit(child)

    visit(root)
    for node in order:
        kids = sorted(node.children.values(), key=lambda n: cfb_name_key(n.name))
        full_levels = (len(kids) + 1).bit_length() - 1  # floor(log2(n + 1))
        node.child = _link_siblings(kids, 0, full_levels)
    return order


def _chain(fat: list[int], start: int, count: int) -> None:
    """Mark ``count`` consecutive sectors from ``start`` as one chain."""
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else ENDOFCHAIN


def _sectors(nbytes: int, size: int) -> int:
    return -(-nbytes // size)


def _dir_entry(node: _Node) -> bytes:
    if node.kind == TYPE_UNUSED:
        return b"\0" * 64 + struct.pack(
            "<HBBIII16sIQQIQ", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0
        )
    name = node.name.encode("utf-16-le") + b"\0\0"
    return name.ljust(64, b"\0") + struct.pack(
        "<HBBIII16sIQQIQ",
        len(name),
        node.kind,
        node.color,
        node.left,
        node.right,
        node.child,
        b"",  # CLSID: none
        0,  # state bits
        0,  # creation time: zero keeps builds reproducible
        0,  # modification time
        node.start,
        node.size,
    )


def write_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """Build a CFB v3 file holding ``streams``.

    ``streams`` maps slash-separated paths (``"VBA/dir"``, ``"PROJECT"``) to
    their contents; storages are created from the path prefixes. Returns the
    whole file as bytes.
    """
    root = _build_tree(streams)
    entries = _assign_ids(root)

    # --- mini stream: every stream smaller than the cutoff -------------------
    mini_stream = bytearray()
    mini_fat: list[int] = []
    big: list[_Node] = []
    for node in entries:
        if node.kind != TYPE_STREAM:
            continue
        node.size = len(node.data)
        if node.size == 0:
            node.start = ENDOFCHAIN
        elif node.size < MINI_STREAM_CUTOFF:
            n = _sectors(node.size, MINI_SECTOR_SIZE)
            node.start = len(mini_fat)
            mini_fat.extend([0] * n)
            _chain(mini_fat, node.start, n)
            mini_stream += node.data.ljust(n * MINI_SECTOR_SIZE, b"\0")
        else:
            big.append(node)

    # --- sector counts ----------------------------------------------------------
    n_dir = _sectors(len(entries) * DIR_ENTRY_SIZE, SECTOR_SIZE)
    n_minifat = _sectors(len(mini_fat) * 4, SECTOR_SIZE)
    n_ministream = _sectors(len(mini_stream), SECTOR_SIZE)
    n_big = sum(_sectors(len(n.data), SECTOR_SIZE) for n in big)
    n_data = n_dir + n_minifat + n_ministream + n_big
    n_fat = n_difat = 0
    while True:  # the FAT must also describe the FAT and DIFAT sectors themselves
        need_fat = _sectors(n_data + n_fat + n_difat, IDS_PER_SECTOR)
        need_difat = max(0, _sectors(need_fat - HEADER_DIFAT_SLOTS, IDS_PER_SECTOR - 1))
        if (need_fat, need_difat) == (n_fat, n_difat):
            break
        n_fat, n_difat = need_fat, need_difat

    # --- layout: FAT, DIFAT, directory, mini FAT, mini stream, big streams -----
    total = n_fat + n_difat + n_data
    fat = [FREESECT] * (n_fat * IDS_PER_SECTOR)
    pos = 0
    fat_sectors = list(range(pos, pos + n_fat))
    for s in fat_sectors:
        fat[s] = FATSECT
    pos += n_fat
    difat_sectors = list(range(pos, pos + n_difat))
    for s in difat_sectors:
        fat[s] = DIFSECT
    pos += n_difat
    dir_start = pos
    _chain(fat, pos, n_dir)
    pos += n_dir
    minifat_start = pos if n_minifat else ENDOFCHAIN
    _chain(fat, pos, n_minifat)
    pos += n_minifat
    root.start = pos if n_ministream else ENDOFCHAIN
    root.size = len(mini_stream)
    _chain(fat, pos, n_ministream)
    pos += n_ministream
    for node in big:
        n = _sectors(len(node.data), SECTOR_SIZE)
        node.start = pos
        _chain(fat, pos, n)
        pos += n
    assert pos == total

    # --- header -------------------------------------------------------------------
    header_difat = fat_sectors[:HEADER_DIFAT_SLOTS]
    header_difat += [FREESECT] * (HEADER_DIFAT_SLOTS - len(header_difat))
    header = (
        SIGNATURE
        + struct.pack(
            "<16sHHHHH6sIIIIIIIII",
            b"",  # header CLSID
            0x003E,  # minor version
            0x0003,  # major version 3 -> 512-byte sectors
            0xFFFE,  # byte order mark (little-endian)
            9,  # sector shift: 2**9 = 512
            6,  # mini sector shift: 2**6 = 64
            b"",  # reserved
            0,  # number of directory sectors (must be 0 in v3)
            n_fat,
            dir_start,
            0,  # transaction signature
            MINI_STREAM_CUTOFF,
            minifat_start,
            n_minifat,
            difat_sectors[0] if difat_sectors else ENDOFCHAIN,
            n_difat,
        )
        + struct.pack(f"<{HEADER_DIFAT_SLOTS}I", *header_difat)
    )
    assert len(header) == SECTOR_SIZE

    # --- body ---------------------------------------------------------------------
    out = bytearray(header)
    out += struct.pack(f"<{len(fat)}I", *fat)
    rest = fat_sectors[HEADER_DIFAT_SLOTS:]
    for i in range(n_difat):
        chunk = rest[i * (IDS_PER_SECTOR - 1) : (i + 1) * (IDS_PER_SECTOR - 1)]
        chunk += [FREESECT] * (IDS_PER_SECTOR - 1 - len(chunk))
        nxt = difat_sectors[i + 1] if i + 1 < n_difat else ENDOFCHAIN
        out += struct.pack(f"<{IDS_PER_SECTOR}I", *chunk, nxt)
    # The last directory sector's spare slots are unallocated entries, which
    # [MS-CFB] 2.6.3 wants zero except sibling/child ids NOSTREAM (not zero bytes).
    spare = n_dir * SECTOR_SIZE // DIR_ENTRY_SIZE - len(entries)
    unused = _dir_entry(_Node("", TYPE_UNUSED))
    out += b"".join(_dir_entry(n) for n in entries) + unused * spare
    if n_minifat:
        padded = mini_fat + [FREESECT] * (n_minifat * IDS_PER_SECTOR - len(mini_fat))
        out += struct.pack(f"<{len(padded)}I", *padded)
    out += bytes(mini_stream).ljust(n_ministream * SECTOR_SIZE, b"\0")
    for node in big:
        out += node.data.ljust(_sectors(len(node.data), SECTOR_SIZE) * SECTOR_SIZE, b"\0")
    assert len(out) == SECTOR_SIZE * (1 + total)
    return bytes(out)


# --------------------------------------------------------------------------------
# Reader
# --------------------------------------------------------------------------------


def _follow(table: list[int], start: int, limit: int) -> list[int]:
    """Sector numbers of the chain starting at ``start`` (loop-safe)."""
    chain: list[int] = []
    sect = start
    while sect != ENDOFCHAIN:
        if sect >= len(table) or len(chain) > limit:
            raise CFBError(f"broken sector chain at sector {sect:#x}")
        chain.append(sect)
        sect = table[sect]
    return chain


def read_compound_file(data: bytes) -> dict[str, bytes]:
    """Return every stream of a CFB file as ``{"VBA/dir": bytes, ...}``.

    Handles v3 and v4 files, the mini stream and DIFAT chains. Meant for
    tests and small trusted inputs: it is strict and raises :class:`CFBError`
    on anything malformed instead of guessing.
    """
    if data[:8] != SIGNATURE:
        raise CFBError("not a compound file (bad signature)")
    (
        _minor,
        major,
        bom,
        sector_shift,
        mini_shift,
        _n_dir,
        n_fat,
        dir_start,
        _transaction,
        cutoff,
        minifat_start,
        _n_minifat,
        difat_start,
        n_difat,
    ) = struct.unpack_from("<HHHHH6xIIIIIIIII", data, 24)
    if bom != 0xFFFE:
        raise CFBError("bad byte order mark")
    ssize = 1 << sector_shift
    msize = 1 << mini_shift
    if (major, ssize) not in ((3, 512), (4, 4096)):
        raise CFBError(f"unsupported CFB version {major} / sector size {ssize}")
    nsect = max(0, (len(data) - ssize) // ssize)

    def sector(i: int) -> bytes:
        if i >= nsect:
            raise CFBError(f"sector {i} beyond end of file")
        off = ssize * (i + 1)
        return data[off : off + ssize]

    per = ssize // 4
    fat_locs = [s for s in struct.unpack_from("<109I", data, 76) if s != FREESECT]
    sect = difat_start
    for _ in range(n_difat):
        ids = struct.unpack(f"<{per}I", sector(sect))
        fat_locs += [s for s in ids[:-1] if s != FREESECT]
        sect = ids[-1]
    fat_locs = fat_locs[:n_fat]
    fat: list[int] = []
    for s in fat_locs:
        fat += struct.unpack(f"<{per}I", sector(s))

    def read_chain(start: int) -> bytes:
        return b"".join(sector(s) for s in _follow(fat, start, nsect))

    dir_bytes = read_chain(dir_start)
    entries = []
    for off in range(0, len(dir_bytes), DIR_ENTRY_SIZE):
        raw = dir_bytes[off : off + DIR_ENTRY_SIZE]
        name_len, kind, _color, left, right, child = struct.unpack_from("<HBBIII", raw, 64)
        start, size = struct.unpack_from("<IQ", raw, 116)
        name = raw[: max(0, name_len - 2)].decode("utf-16-le")
        if major == 3:
            size &= 0xFFFFFFFF
        entries.append((name, kind, left, right, child, start, size))
    if not entries or entries[0][1] != TYPE_ROOT:
        raise CFBError("first directory entry is not the root")

    root = entries[0]
    ministream = read_chain(root[5]) if root[5] != ENDOFCHAIN else b""
    minifat: list[int] = []
    if minifat_start != ENDOFCHAIN:
        mf = read_chain(minifat_start)
        minifat = list(struct.unpack(f"<{len(mf) // 4}I", mf))

    def stream_data(start: int, size: int) -> bytes:
        if size == 0:
            return b""
        if size < cutoff:
            chain = _follow(minifat, start, len(minifat))
            raw = b"".join(ministream[s * msize : (s + 1) * msize] for s in chain)
        else:
            raw = read_chain(start)
        if len(raw) < size:
            raise CFBError("stream shorter than its directory entry says")
        return raw[:size]

    out: dict[str, bytes] = {}
    seen: set[int] = set()

    def walk(sid: int, prefix: str) -> None:
        if sid == NOSTREAM:
            return
        if sid in seen or sid >= len(entries):
            raise CFBError(f"bad directory tree at entry {sid}")
        seen.add(sid)
        name, kind, left, right, child, start, size = entries[sid]
        walk(left, prefix)
        path = prefix + name
        if kind == TYPE_STREAM:
            out[path] = stream_data(start, size)
        elif kind == TYPE_STORAGE:
            walk(child, path + "/")
        walk(right, prefix)

    walk(root[4], "")
    return out
