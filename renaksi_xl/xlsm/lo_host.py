"""Run a workbook's VBA macros in headless LibreOffice, from any Python.

LibreOffice is the only VBA host we can run in CI. Driving it takes UNO, and
the ``uno`` module only exists for the system Python that LibreOffice was
built against (Debian: ``/usr/bin/python3`` + ``python3-uno``), not for the
project's virtualenv. So :func:`run_macros`

1. starts ``soffice --headless`` itself, in its own process group, with a
   throw-away user profile that allows macros and VBA code, listening on a
   uniquely named UNO pipe (no TCP port to collide with parallel runs);
2. runs a small driver script (:data:`_DRIVER`) with the UNO-capable Python,
   passing the job as JSON on stdin and reading a JSON report from stdout;
3. always kills the whole soffice process group it started and removes the
   profile, also on timeout or error.

What LibreOffice (7.4) does with an ``.xlsm``: it converts the VBA project
into a Basic library of the document named after the VBA project (the
PROJECTNAME, :data:`VBA_LIBRARY` = "VBAProject" by default), in
VBA-compatibility mode (``Option VBASupport 1``); every VBA module,
document modules included, becomes a Basic module of the same name. The
document's "Standard" library stays empty. Macros are addressed as
``"Module.Macro"`` (the library holding that module is found for you),
``"Library.Module.Macro"`` or a full ``vnd.sun.star.script:`` URL.

A Basic runtime error inside a macro does not raise through UNO in headless
mode (LibreOffice reports it to a dialog nobody sees and the call returns
normally). So by default (``catch_errors=True``) each macro is called from a
temporary guard function with ``On Error GoTo``, inserted next to the target
module and removed right after; the report then carries ``Err.Number`` and
``Err.Description``.

LibreOffice compiles a whole Basic library at once: one module it cannot
compile makes *every* macro of the project fail ("failed to compile").
LibreOffice 7.4 cannot compile xlwings.bas, WebRequest.cls, WebHelpers.bas
or Dictionary.cls (e.g. ``Enum`` members initialised from
``VBA.vbBinaryCompare``), not even in the Excel-saved xlwings quickstart
workbook, so a project that must run in LibreOffice cannot contain them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "VBA_LIBRARY",
    "LibreOfficeError",
    "LibreOfficeUnavailable",
    "LibreOfficeTimeout",
    "find_soffice",
    "find_uno_python",
    "run_macros",
]

VBA_LIBRARY = "VBAProject"  # = build_vba_project()'s default project_name

# Filters for ``out_path`` by suffix (LibreOffice filter names).
STORE_FILTERS = {
    ".xlsm": "Calc MS Excel 2007 VBA XML",
    ".xlsx": "Calc MS Excel 2007 XML",
    ".ods": "calc8",
}

_REPORT_MARKER = "@@RENAKSI-LO-REPORT@@"

# Where to look when $RENAKSI_SOFFICE / $RENAKSI_UNO_PYTHON are not set.
_SOFFICE_FALLBACKS = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
)
_UNO_PYTHON_FALLBACKS = (
    "/usr/bin/python3",  # Debian/Ubuntu python3-uno
    "/usr/lib/libreoffice/program/python",  # LibreOffice's bundled Python
    "/opt/libreoffice/program/python",
)

# Profile settings: macros run without asking, VBA code is loaded, kept
# executable and saved back. Written as registrymodifications.xcu.
_XCU_ITEMS = [
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "int", "0"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "boolean", "false"),
    ("/org.openoffice.Office.Calc/Filter/Import/VBA", "Load", "boolean", "true"),
    ("/org.openoffice.Office.Calc/Filter/Import/VBA", "Executable", "boolean", "true"),
    ("/org.openoffice.Office.Calc/Filter/Import/VBA", "Save", "boolean", "true"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "boolean", "false"),
    ("/org.openoffice.Office.Common/Misc", "ShowTipOfTheDay", "boolean", "false"),
    ("/org.openoffice.Setup/Office", "ooSetupFirstStartWizard", "boolean", "false"),
]


class LibreOfficeError(RuntimeError):
    """LibreOffice could not load, run or store the document."""


class LibreOfficeUnavailable(LibreOfficeError):
    """soffice or a UNO-capable Python is not installed."""


class LibreOfficeTimeout(LibreOfficeError):
    """The whole run took longer than ``timeout`` seconds (soffice was killed)."""


def find_soffice() -> str:
    """Path of the ``soffice`` binary (``$RENAKSI_SOFFICE`` overrides)."""
    candidates = [os.environ.get("RENAKSI_SOFFICE"), shutil.which("soffice"), shutil.which("libreoffice")]
    candidates += list(_SOFFICE_FALLBACKS)
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    raise LibreOfficeUnavailable(
        "LibreOffice 'soffice' not found: install LibreOffice (Debian: apt-get install "
        "libreoffice-calc) or set RENAKSI_SOFFICE"
    )


def find_uno_python() -> str:
    """A Python interpreter that can ``import uno`` (``$RENAKSI_UNO_PYTHON`` overrides)."""
    candidates = [os.environ.get("RENAKSI_UNO_PYTHON"), *_UNO_PYTHON_FALLBACKS]
    tried = []
    for c in candidates:
        if not c or not os.path.isfile(c):
            continue
        tried.append(c)
        try:
            probe = subprocess.run([c, "-c", "import uno"], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return c
    raise LibreOfficeUnavailable(
        "no Python with the 'uno' module found (tried: "
        + (", ".join(tried) or "none")
        + "); install python3-uno (Debian: apt-get install python3-uno) or set RENAKSI_UNO_PYTHON"
    )


def _write_profile(profile_dir: Path) -> None:
    user = profile_dir / "user"
    user.mkdir(parents=True, exist_ok=True)
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>'
        for path, name, _type, value in _XCU_ITEMS
    )
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}\n</oor:items>\n",
        encoding="utf-8",
    )


def _macro_spec(name: str) -> str | list[str]:
    """Validate a macro name; return a script URL or ``[library|"", module, macro]``.

    The library is left empty for ``Module.Macro``: the driver then picks the
    document library that holds the module (LibreOffice names the library
    after the VBA project, see the module docstring).
    """
    if name.startswith("vnd.sun.star.script:"):
        return name
    parts = name.split(".")
    if len(parts) == 2:
        parts.insert(0, "")
    if len(parts) != 3 or not all(parts[1:]):
        raise ValueError(f"macro name must be 'Module.Macro' or 'Library.Module.Macro': {name!r}")
    return parts


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the process group we created for ``proc`` (soffice forks soffice.bin)."""
    # Even when the launcher already exited, soffice.bin may live on in the group.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def run_macros(
    xlsm_path: str | os.PathLike,
    macro_names: Sequence[str],
    out_path: str | os.PathLike | None = None,
    timeout: float = 120,
    *,
    read_cells: Sequence[str] = (),
    catch_errors: bool = True,
) -> dict:
    """Open ``xlsm_path`` in headless LibreOffice and run ``macro_names`` in order.

    Macros are called without arguments. ``read_cells`` are ``"Sheet!A1"``
    addresses read *after* the macros ran. With ``catch_errors`` (default) a
    Basic runtime error marks the macro as failed; without it the macro is
    invoked directly and its return value lands in ``"result"``.
    If ``out_path`` is given the document is stored there afterwards (format
    from the suffix, see :data:`STORE_FILTERS`). The input file is never
    modified.

    Returns::

        {"ok": all macros ran,
         "macros": {name: {"ok": bool, "error": str | None, "result": repr}},
         "libraries": {library: [module, ...]},   # doc.BasicLibraries
         "cells": {"Sheet!A1": {"text": str, "value": float, "formula": str}},
         "saved": str | None, "version": LibreOffice version}

    Raises :class:`LibreOfficeUnavailable` if soffice or python3-uno are
    missing, :class:`LibreOfficeTimeout` after ``timeout`` seconds (soffice
    is killed), :class:`LibreOfficeError` if the document cannot be loaded
    or stored.
    """
    src = Path(xlsm_path).resolve()
    if not src.is_file():
        raise FileNotFoundError(src)
    specs = {name: _macro_spec(name) for name in macro_names}
    out = Path(out_path).resolve() if out_path is not None else None
    if out is not None and out.suffix.lower() not in STORE_FILTERS:
        raise ValueError(f"out_path suffix must be one of {sorted(STORE_FILTERS)}: {out}")
    soffice = find_soffice()
    uno_python = find_uno_python()

    deadline = time.monotonic() + timeout
    work = Path(tempfile.mkdtemp(prefix="renaksi-lo-"))
    pipe_name = f"renaksi_{uuid.uuid4().hex}"
    proc = None
    log = None
    try:
        _write_profile(work / "profile")
        log = open(work / "soffice.log", "wb")
        proc = subprocess.Popen(
            [
                soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={pipe_name};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so we can kill it whole
            env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"},
        )
        job = {
            "pipe": pipe_name,
            "doc_url": src.as_uri(),
            "macros": specs,
            "cells": list(read_cells),
            "out_url": out.as_uri() if out else None,
            "out_filter": STORE_FILTERS[out.suffix.lower()] if out else None,
            "connect_timeout": max(5.0, deadline - time.monotonic() - 5),
            "catch_errors": catch_errors,
        }
        driver = work / "lo_driver.py"
        driver.write_text(_DRIVER, encoding="utf-8")
        remaining = deadline - time.monotonic()
        try:
            run = subprocess.run(
                [uno_python, str(driver)],
                input=json.dumps(job),
                capture_output=True,
                text=True,
                timeout=max(1.0, remaining),
                env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
            )
        except subprocess.TimeoutExpired:
            raise LibreOfficeTimeout(
                f"LibreOffice did not finish within {timeout} s running {list(macro_names)} on {src.name}"
            ) from None
        report = None
        for line in run.stdout.splitlines():
            if line.startswith(_REPORT_MARKER):
                report = json.loads(line[len(_REPORT_MARKER) :])
        if report is None:
            raise LibreOfficeError(f"UNO driver failed (exit {run.returncode}): {run.stderr.strip()[-2000:]}")
        if report.get("fatal"):
            log.flush()
            soffice_log = (work / "soffice.log").read_text(errors="replace").strip()[-1500:]
            exit_note = f" (soffice exited with {proc.poll()})" if proc.poll() is not None else ""
            raise LibreOfficeError(
                report["fatal"] + exit_note + (f"\nsoffice output:\n{soffice_log}" if soffice_log else "")
            )
        report.pop("fatal", None)
        report["ok"] = all(m["ok"] for m in report["macros"].values())
        report["saved"] = str(out) if out else None
        return report
    finally:
        if proc is not None:
            _kill_group(proc)
        if log is not None:
            log.close()
        shutil.rmtree(work, ignore_errors=True)


# The driver runs under the UNO-capable system Python (stdlib + uno only).
_DRIVER = r'''
import json, sys, time
import uno
from com.sun.star.beans import PropertyValue

MARKER = "@@RENAKSI-LO-REPORT@@"

def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p

def describe(exc):
    msg = getattr(exc, "Message", "") or str(exc)
    target = getattr(exc, "TargetException", None)
    if target is not None and getattr(target, "value", None) is not None:
        msg += " | " + (getattr(target.value, "Message", "") or repr(target.value))
    return "%s: %s" % (type(exc).__name__, msg.strip())

PROBE = "RenaksiLoProbe"
PROBE_CODE = """Option VBASupport 1
Function RenaksiGuard() As String
    On Error GoTo Failed
    %s.%s
    RenaksiGuard = "OK"
    Exit Function
Failed:
    RenaksiGuard = "Error " & Err.Number & ": " & Err.Description
End Function
"""

def run_guarded(doc, provider, lib, module, macro):
    """Call module.macro from a temporary Basic function with an error handler.

    A Basic runtime error does not propagate through UNO in headless mode,
    so we catch it in Basic and return it as text. The probe module lives
    next to the target (same library) and is removed right after.
    """
    container = doc.BasicLibraries.getByName(lib)
    if container.hasByName(PROBE):
        container.removeByName(PROBE)
    container.insertByName(PROBE, PROBE_CODE % (module, macro))
    try:
        script = provider.getScript(
            "vnd.sun.star.script:%s.%s.RenaksiGuard?language=Basic&location=document" % (lib, PROBE))
        result = script.invoke((), (), ())
        verdict = result[0] if isinstance(result, tuple) and result else result
    finally:
        container.removeByName(PROBE)
    if verdict == "OK":
        return {"ok": True}
    if not verdict:  # the guard itself never ran: the library did not compile
        return {"ok": False, "error": "macro did not run: the Basic library %r failed to compile "
                "(syntax error in one of its modules?)" % lib}
    return {"ok": False, "error": "Basic runtime error: %s" % verdict}

def main():
    job = json.loads(sys.stdin.read())
    report = {"macros": {}, "libraries": {}, "cells": {}, "version": None, "fatal": None}
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % job["pipe"]
    deadline = time.monotonic() + job["connect_timeout"]
    ctx = None
    while ctx is None:
        try:
            ctx = resolver.resolve(url)
        except Exception as exc:
            if time.monotonic() > deadline:
                report["fatal"] = "cannot connect to soffice: " + describe(exc)
                print(MARKER + json.dumps(report)); return
            time.sleep(0.25)
    smgr = ctx.ServiceManager
    try:
        cp = smgr.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
        node = cp.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationAccess",
            (prop("nodepath", "/org.openoffice.Setup/Product"),))
        report["version"] = node.getByName("ooSetupVersionAboutBox")
    except Exception:
        pass
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = None
    try:
        try:
            doc = desktop.loadComponentFromURL(job["doc_url"], "_blank", 0, (
                prop("Hidden", True),
                prop("MacroExecutionMode", 4),  # ALWAYS_EXECUTE_NO_WARN
                prop("ReadOnly", False),
            ))
        except Exception as exc:
            report["fatal"] = "cannot load %s: %s" % (job["doc_url"], describe(exc))
        if doc is None and not report["fatal"]:
            report["fatal"] = "LibreOffice returned no document for " + job["doc_url"]
        if report["fatal"]:
            print(MARKER + json.dumps(report)); return
        libs = doc.BasicLibraries
        for name in libs.getElementNames():
            try:
                libs.loadLibrary(name)
                report["libraries"][name] = list(libs.getByName(name).getElementNames())
            except Exception as exc:
                report["libraries"][name] = ["<error: %s>" % describe(exc)]
        provider = doc.getScriptProvider()
        for name, spec in job["macros"].items():
            if isinstance(spec, str):
                script_url = spec
            else:
                lib, module, macro = spec
                if not lib:
                    holders = [l for l, mods in report["libraries"].items() if module in mods]
                    holders.sort(key=lambda l: l == "Standard")  # prefer the VBA library
                    lib = holders[0] if holders else "Standard"
                script_url = "vnd.sun.star.script:%s.%s.%s?language=Basic&location=document" % (
                    lib, module, macro)
            entry = {"ok": False, "error": None, "result": None, "url": script_url}
            try:
                if job["catch_errors"] and not isinstance(spec, str):
                    entry.update(run_guarded(doc, provider, lib, module, macro))
                else:
                    script = provider.getScript(script_url)
                    result = script.invoke((), (), ())
                    entry["result"] = repr(result[0] if isinstance(result, tuple) and result else result)
                    entry["ok"] = True
            except Exception as exc:
                entry["error"] = describe(exc)
            report["macros"][name] = entry
        for address in job["cells"]:
            try:
                sheet_name, cell_name = address.rsplit("!", 1)
                cell = doc.Sheets.getByName(sheet_name.strip("'")).getCellRangeByName(cell_name)
                report["cells"][address] = {
                    "text": cell.getString(), "value": cell.getValue(), "formula": cell.getFormula()}
            except Exception as exc:
                report["cells"][address] = {"error": describe(exc)}
        if job["out_url"]:
            try:
                doc.storeToURL(job["out_url"], (prop("FilterName", job["out_filter"]), prop("Overwrite", True)))
            except Exception as exc:
                report["fatal"] = "cannot store %s: %s" % (job["out_url"], describe(exc))
    finally:
        if doc is not None:
            try:
                doc.close(True)
            except Exception:
                pass
        try:
            desktop.terminate()
        except Exception:
            pass
    print(MARKER + json.dumps(report))

main()
'''
