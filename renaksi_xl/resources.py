"""Files the package needs at run time: VBA sources, import templates, the example SOP.

They live in the repository's `workbook/` folder (vba/, templates/, sop/) and install as the
package data of `renaksi_xl._workbook` (pyproject.toml maps that package to `workbook/`),
so an editable install and a wheel install read the same files through one function.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = "renaksi_xl._workbook"


def workbook_dir() -> Path:
    """The folder holding vba/, templates/ and sop/ (the checkout's workbook/ or the installed copy)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(PACKAGE)
    except ModuleNotFoundError:  # running from a checkout that is not installed
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "vba").is_dir():
            return Path(location)
    return Path(__file__).resolve().parents[1] / "workbook"


def workbook_file(*parts: str) -> Path:
    return workbook_dir().joinpath(*parts)
