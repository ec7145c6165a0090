"""The one door through which a workbook file reaches python-calamine.

calamine finds a sheet's XML its own way: the last attribute named `id` whatever its
prefix, targets taken without unescaping, member names compared without regard to case,
`..` kept in paths, the officeDocument of `_rels/.rels` followed.  That is not always the
part our readers resolved and `readlimits` scanned, and an attack pass found ten ways to
make calamine read a part nobody had checked (one far cell in it and the process aborts).

So calamine never opens the file.  It opens a workbook rebuilt in memory from what our
readers resolved and checked: a fixed `[Content_Types].xml`, `_rels/.rels` and
`xl/_rels/workbook.xml.rels`, an `xl/workbook.xml` listing exactly the sheets given (with
the file's date system), the file's shared strings and styles, and each sheet's XML as the
very bytes that were scanned.  Members are stored, not compressed: the bytes are already
inflated for the scan, and calamine need not inflate them again.

A panic inside calamine (pyo3's PanicException, a BaseException: a date format on a value
like -1e300 overflows its time arithmetic) becomes a WorkbookError naming the sheet.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from .tables import WorkbookError

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHARED_STRINGS_REL = f"{_DOC_RELS}/sharedStrings"
STYLES_REL = f"{_DOC_RELS}/styles"


@dataclass(frozen=True)
class Sheet:
    name: str  # as the workbook names it (what calamine is asked for)
    xml: bytes  # the bytes readlimits.scan_sheet checked


def container(
    sheets: list[Sheet], shared_strings: bytes | None, styles: bytes | None, date1904: bool
) -> bytes:
    """The rebuilt workbook (see the module docstring), as the bytes of a zip."""
    out = io.BytesIO()
    write_container(out, sheets, shared_strings, styles, date1904)
    return out.getvalue()


def write_container(
    out, sheets: list[Sheet], shared_strings: bytes | None, styles: bytes | None, date1904: bool
) -> None:
    """`container`, written to the binary file `out`."""
    sheet_entries = "".join(
        f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, 1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
        f'<workbookPr date1904="{1 if date1904 else 0}"/><sheets>{sheet_entries}</sheets></workbook>'
    )
    rels = [
        f'<Relationship Id="rId{i}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    ]
    overrides = [
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    ]
    extras = []
    if shared_strings is not None:
        rels.append(f'<Relationship Id="rIdS" Type="{SHARED_STRINGS_REL}" Target="sharedStrings.xml"/>')
        overrides.append(
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        )
        extras.append(("xl/sharedStrings.xml", shared_strings))
    if styles is not None:
        rels.append(f'<Relationship Id="rIdT" Type="{STYLES_REL}" Target="styles.xml"/>')
        overrides.append(f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>')
        extras.append(("xl/styles.xml", styles))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        + "".join(overrides)
        + "</Types>"
    )
    package_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_RELS}">'
        + "".join(rels)
        + "</Relationships>"
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", package_rels)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for name, data in extras:
            zf.writestr(name, data)
        for i, s in enumerate(sheets, 1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", s.xml)


def workbook_extras(
    zf: zipfile.ZipFile, wb_xml, workbook_part: str, read
) -> tuple[bytes | None, bytes | None, bool]:
    """(shared strings, styles, date1904) of the workbook, as our readers resolve them: the
    parts its relationships name, each read through `read` (readlimits.read_part, bounded)."""
    from .payload import NS, _rels

    types: dict[str, str] = {}
    targets = _rels(zf, workbook_part, types, read=lambda name: _parse(read(name)))
    found: dict[str, bytes | None] = {SHARED_STRINGS_REL: None, STYLES_REL: None}
    for rid, kind in types.items():
        if kind in found and found[kind] is None and targets.get(rid) in zf.NameToInfo:
            found[kind] = read(targets[rid])
    pr = wb_xml.find("m:workbookPr", NS)
    date1904 = pr is not None and str(pr.get("date1904", "")).strip().lower() in ("1", "true")
    return found[SHARED_STRINGS_REL], found[STYLES_REL], date1904


def _parse(data: bytes):
    from xml.etree import ElementTree as ET

    return ET.fromstring(data)


class Checked:
    """python-calamine over the rebuilt container of `sheets`.  Made here, the container is
    written straight to a temporary file (calamine reads a file much faster than a Python file
    object); calamine opens it at the first `grid`, which may be in another thread; `close`
    removes the file."""

    def __init__(
        self, sheets: list[Sheet], shared_strings: bytes | None, styles: bytes | None, date1904: bool
    ):
        import tempfile
        from pathlib import Path

        self.folder = tempfile.mkdtemp(prefix="renaksi-cal-")
        self.path = Path(self.folder) / "buku.xlsx"
        self.book: Any = None
        try:
            with open(self.path, "wb") as fh:
                write_container(fh, sheets, shared_strings, styles, date1904)
        except BaseException:
            self.close()
            raise

    def _opened(self):
        if self.book is None:
            from python_calamine import CalamineWorkbook

            with _panics("buku kerja"):
                self.book = CalamineWorkbook.from_path(str(self.path))
        return self.book

    def grid(self, sheet: str) -> list[list]:
        """The sheet's cells from A1 (python-calamine's `to_python`), a panic made a WorkbookError."""
        book = self._opened()
        with _panics(f"lembar '{sheet}'"):
            return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)

    def close(self) -> None:
        import shutil

        if self.book is not None:
            self.book.close()
            self.book = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Checked:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _panics:
    """Turn pyo3's PanicException (a BaseException, past every `except Exception`) into a WorkbookError."""

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> None:
        if exc is not None and kind.__name__ == "PanicException":
            raise WorkbookError(
                f"Isi {self.where} tidak bisa dibaca: biasanya sel berformat tanggal/waktu yang "
                "berisi angka di luar jangkauan tanggal. Buka di Excel, perbaiki atau hapus nilai itu, "
                "simpan, lalu ulangi."
            ) from None


__all__ = ["Checked", "Sheet", "container", "workbook_extras"]
