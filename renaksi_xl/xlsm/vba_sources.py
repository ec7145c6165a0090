"""The VBA modules that go into RencanaAksi.xlsm, and the checks on them.

Four sources, in this order in the project:

1. document modules: ``ThisWorkbook`` and one per sheet, named after the
   codeNames in :data:`renaksi_xl.layout.CODENAMES` (empty: we use no events);
2. our modules, as text in ``workbook/vba/*.bas`` (reviewable in diffs);
3. ``RenaksiLayout``, generated here from :mod:`renaksi_xl.layout` so the VBA
   never spells a sheet, table or setting name by hand;
4. the xlwings VBA client, read from the *installed* xlwings at build time
   (never copied into the repo): the standalone ``xlwings.bas`` + ``Dictionary.cls``
   for ``RunPython``, and ``Remote.bas`` with the VBA-Web classes for
   ``RunRemotePython`` -- the same set ``xlwings release`` embeds.

Name clashes: VBA compiles duplicate public procedures in different standard
modules but an unqualified call to one is "ambiguous name" at run time.
:func:`check_public_names` refuses such a project. With xlwings 0.37.8 there is
no clash: ``GetConfig`` (used by ``Remote.bas``) exists only in the standalone
``xlwings.bas`` because we do not embed the add-in's ``Config.bas``/``Utils.bas``.

LibreOffice (our test host) compiles a document's whole Basic library before
running any macro and cannot compile ``xlwings``, ``Dictionary``, ``WebRequest``
and ``WebHelpers`` (Excel-only conditional compilation such as
``#If App = "Microsoft Excel"`` around alternative procedure headers). Our own
modules therefore avoid such constructs, and the LibreOffice tests run them in a
copy without the xlwings modules. In Excel all modules compile.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from .. import layout
from ..resources import workbook_file
from .vba_project import VbaModule, module_from_file

VBA_DIR = workbook_file("vba")  # workbook/vba in a checkout, package data in a wheel

LAYOUT_MODULE = "RenaksiLayout"
PYTHON_MODULE = "renaksi_xl.macros"
SERVER_ACTION_PATH = "aksi"
SELFTEST_MACRO = "Renaksi_SelfTest"
DISPATCH_MACRO = "Renaksi_Dispatch"

# (path inside the xlwings package, module name)
XLWINGS_FILES = (
    ("xlwings.bas", "xlwings"),
    ("addin/Dictionary.cls", "Dictionary"),
    ("addin/Remote.bas", "Remote"),
    ("addin/IWebAuthenticator.cls", "IWebAuthenticator"),
    ("addin/WebClient.cls", "WebClient"),
    ("addin/WebRequest.cls", "WebRequest"),
    ("addin/WebResponse.cls", "WebResponse"),
    ("addin/WebHelpers.bas", "WebHelpers"),
)
XLWINGS_MODULES = tuple(name for _, name in XLWINGS_FILES)

# Sheets protected from the start (input cells unlocked) and sheets that
# Renaksi_KunciLembar protects after tetapkan. Python twins use the same lists.
ALWAYS_PROTECTED = (
    layout.SHEET_BERANDA,
    layout.SHEET_SOP,
    *layout.STEP_SHEETS.values(),
    layout.SHEET_LOG,
    layout.SHEET_SOP_SOURCE,
    layout.SHEET_VERSI,
)
LOCKED_AFTER_TETAPKAN = layout.LOCKED_AFTER_TETAPKAN


def _lay(lay: layout.BookLayout | None) -> layout.BookLayout:
    from .. import sop

    return lay or layout.BookLayout.of(sop.default())


def always_protected(lay: layout.BookLayout | None = None) -> tuple[str, ...]:
    lay = _lay(lay)
    return (
        layout.SHEET_BERANDA,
        layout.SHEET_SOP,
        *lay.step_sheets.values(),
        layout.SHEET_LOG,
        layout.SHEET_SOP_SOURCE,
        layout.SHEET_VERSI,
    )


# Tables whose data cells validasi may highlight; Renaksi_HapusSorotan clears them.
HIGHLIGHT_TABLES = layout.HIGHLIGHTED_TABLES


class VbaSourceError(RuntimeError):
    """The VBA sources cannot make a working project (clash, missing file)."""


def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent


def xlwings_modules() -> list[VbaModule]:
    """The xlwings VBA client modules of the installed xlwings, unchanged."""
    base = xlwings_dir()
    modules = []
    for rel, name in XLWINGS_FILES:
        path = base / rel
        if not path.is_file():
            raise VbaSourceError(f"xlwings {_xlwings_version()} has no {rel}; cannot embed its VBA client")
        modules.append(module_from_file(path.read_text(encoding="utf-8"), name))
    return modules


def _xlwings_version() -> str:
    import xlwings

    return xlwings.__version__


def our_module_files() -> list[Path]:
    return sorted(VBA_DIR.glob("*.bas"))


def our_modules() -> list[VbaModule]:
    return [module_from_file(p.read_text(encoding="utf-8")) for p in our_module_files()]


def document_modules(lay: layout.BookLayout | None = None) -> list[VbaModule]:
    lay = _lay(lay)
    names = [layout.WORKBOOK_CODENAME] + [lay.codenames[s] for s in lay.sheet_order]
    return [VbaModule(n, "document", "") for n in names]


def _vba_string(text: str) -> str:
    if any(ord(ch) > 126 or ch in "\r\n" for ch in text):
        raise VbaSourceError(f"not plain ASCII, cannot go into a VBA literal: {text!r}")
    return '"' + text.replace('"', '""') + '"'


def layout_module_code(lay: layout.BookLayout | None = None) -> str:
    """Source of RenaksiLayout: the layout facts our VBA needs, as constants."""
    lay = _lay(lay)
    consts = {
        "RX_SHEET_BERANDA": layout.SHEET_BERANDA,
        "RX_SHEET_PENGATURAN": layout.SHEET_PENGATURAN,
        "RX_SHEET_IMPOR": layout.SHEET_IMPOR,
        "RX_TBL_SETELAN": layout.TBL_SETELAN,
        "RX_SET_MODE": layout.SET_MODE,
        "RX_SET_SERVER_URL": layout.SET_SERVER_URL,
        "RX_SET_TOKEN": layout.SET_TOKEN,
        "RX_SET_FILE_DPA": layout.SET_FILE_DPA,
        "RX_SET_FILE_KAS": layout.SET_FILE_KAS,
        "RX_MODE_LOKAL": layout.MODE_LOKAL,
        "RX_MODE_SERVER": layout.MODE_SERVER,
        "RX_ACTION_TARIK_DPA": layout.ACTION_TARIK_DPA,
        "RX_ACTION_IMPOR_KINERJA": layout.ACTION_IMPOR_KINERJA,
        "RX_ACTION_IMPOR_REALISASI": layout.ACTION_IMPOR_REALISASI,
        "RX_ACTION_PDF": layout.ACTION_PDF,
        "RX_PDF_SHEETS": "|".join(lay.pdf_sheets),
        "RX_PYTHON_MODULE": PYTHON_MODULE,
        "RX_SERVER_ACTION_PATH": SERVER_ACTION_PATH,
        "RX_IMPOR_MARKER": layout.IMPOR_MARKER,
        "RX_IMPOR_MARKER_KAS": layout.IMPOR_MARKER_KAS,
        "RX_FILE_SEPARATOR": layout.FILE_LIST_SEPARATOR,
        "RX_SELFTEST_NAME": "nmSelfTest",
        "RX_HIGHLIGHT_TABLES": "|".join(f"{t}:{layout.table(t).sheet}" for t in HIGHLIGHT_TABLES),
        "RX_LOCK_AFTER_TETAPKAN": "|".join(lay.locked_after_tetapkan),
        "RX_UNLOCKED_BY_REVISI": "|".join(layout.UNLOCKED_BY_REVISI),
        "RX_LOCK_AFTER_YEAR_END": "|".join(layout.LOCKED_AFTER_YEAR_END),
    }
    lines = [
        f'Attribute VB_Name = "{LAYOUT_MODULE}"',
        "' Generated from renaksi_xl/layout.py by `renaksi-xl build`. Do not edit here: edit",
        "' layout.py and rebuild. Used by RenaksiInti (dispatch) and RenaksiUji (self-test).",
        "Option Explicit",
        "",
        f"Public Const RX_IMPOR_FIRST_ROW As Long = {layout.IMPOR_FIRST_ROW}",
    ]
    lines += [f"Public Const {k} As String = {_vba_string(v)}" for k, v in consts.items()]

    sheets = "|".join(f"{s}:{lay.codenames[s]}" for s in lay.sheet_order)
    lines += [
        "",
        "' Every sheet as name:codeName.",
        "Public Function RX_Sheets() As String",
        f"    RX_Sheets = {_vba_string(sheets)}",
        "End Function",
    ]

    lines += [
        "",
        "' Every table as table|sheet|top-left|header1;header2;... (one per line).",
        "Public Function RX_Tables() As String",
        "    Dim s As String",
    ]
    for spec in lay.tables.values():
        from ..tables import cell_address

        entry = "|".join(
            [spec.name, spec.sheet, cell_address(spec.header_row, spec.first_col), ";".join(spec.headers)]
        )
        lines.append(f"    s = s & {_vba_string(entry)} & vbLf")
    lines += ["    RX_Tables = s", "End Function"]

    names = "|".join(f"{n}:{sheet}:{addr}" for n, (sheet, addr) in named_cells(lay).items())
    lines += [
        "",
        "' Every defined name of a single cell as name:sheet:address.",
        "Public Function RX_Names() As String",
    ]
    # split the literal: a VBA line holds at most 1023 characters
    chunks = [names[i : i + 600] for i in range(0, len(names), 600)]
    lines.append(f"    RX_Names = {_vba_string(chunks[0])}")
    lines += [f"    RX_Names = RX_Names & {_vba_string(c)}" for c in chunks[1:]]
    lines += ["End Function", ""]
    too_long = [line for line in lines if len(line) > 1000]
    if too_long:
        raise VbaSourceError(f"generated VBA line too long: {too_long[0][:80]}...")
    return "\n".join(lines)


def named_cells(lay: layout.BookLayout | None = None) -> dict[str, tuple[str, str]]:
    """Every single-cell defined name: layout.NAMED_CELLS and the step input cells."""
    return _lay(lay).named_cells()


def step_inputs(step: int) -> list[tuple[str, str]]:
    """(label, defined name) of a step sheet's input cells, in row order."""
    return list(layout.STEP_INPUTS.get(step, ())) + [("Catatan", f"{layout.INPUT_CATATAN}{step}")]


def layout_module(lay: layout.BookLayout | None = None) -> VbaModule:
    return module_from_file(layout_module_code(lay))


def all_modules(*, with_xlwings: bool = True, lay: layout.BookLayout | None = None) -> list[VbaModule]:
    """Every module of the project, in project order, after the clash check."""
    modules = document_modules(lay) + our_modules() + [layout_module(lay)]
    if with_xlwings:
        modules += xlwings_modules()
    check_public_names(modules)
    return modules


_PROC = re.compile(
    r"^[ \t]*(?:(Public|Private|Friend|Global)[ \t]+)?(?:Static[ \t]+)?"
    r"(?:Declare[ \t]+(?:PtrSafe[ \t]+)?)?(Function|Sub|Property[ \t]+(?:Get|Let|Set)|Const|Enum|Type)[ \t]+(\w+)",
    re.IGNORECASE | re.MULTILINE,
)


def public_names(module: VbaModule) -> set[str]:
    """Module-level public procedure/constant/type names of a standard module."""
    if module.kind != "standard":
        return set()
    names = set()
    for m in _PROC.finditer(module.code):
        scope, kind, name = m.group(1), m.group(2), m.group(3)
        if (scope or "").lower() == "private":
            continue
        if kind.lower() in ("const",) and not scope:
            continue  # a bare Const inside a procedure is local
        names.add(name)
    return names


def check_public_names(modules: list[VbaModule]) -> None:
    """Refuse duplicate public names across standard modules, or a name equal to a module's."""
    owners: dict[str, set[str]] = defaultdict(set)
    for m in modules:
        for n in public_names(m):
            owners[n.lower()].add(m.name)
    clashes = {n: sorted(ms) for n, ms in owners.items() if len(ms) > 1}
    module_names = {m.name.lower(): m.name for m in modules}
    shadow = {n: sorted(ms) for n, ms in owners.items() if n in module_names}
    if clashes or shadow:
        detail = "; ".join(f"{n} in {', '.join(ms)}" for n, ms in sorted(clashes.items()))
        detail += "; ".join(
            f"{n} is also a module name ({', '.join(ms)})" for n, ms in sorted(shadow.items())
        )
        raise VbaSourceError(f"ambiguous VBA names: {detail}")


def procedures(module: VbaModule) -> dict[str, str]:
    """Sub/Function name -> its parameter list text, for the button and dispatch tests."""
    out = {}
    for m in re.finditer(
        r"^[ \t]*(?:Public[ \t]+|Private[ \t]+)?(Sub|Function)[ \t]+(\w+)[ \t]*\(([^)]*)\)",
        module.code,
        re.IGNORECASE | re.MULTILINE,
    ):
        out[m.group(2)] = m.group(3).strip()
    return out
