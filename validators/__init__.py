"""pandera schemas and rules for the Rencana Aksi tables (installed as renaksi_xl.validators).

Import it as `renaksi_xl.validators`: the top-level folder name `validators`
belongs to an unrelated PyPI package.  Importing this package is cheap (no
pandas); the validation functions load pandas and pandera when first called.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .rules import ERROR, RULES, WARNING, Finding

if TYPE_CHECKING:  # pragma: no cover
    from renaksi_xl.tables import TableData


def validate_tables(
    dpa: TableData, rencana: TableData, kinerja: TableData, officials: Sequence[str]
) -> list[Finding]:
    """Findings of the three plan tables; `officials` are the names and roles of tblPejabat."""
    from .core import validate_tables as run

    return run(dpa, rencana, kinerja, officials)


def validate_book(book) -> list[Finding]:
    """Findings of the plan in an xlwings Book (tables read through renaksi_xl.tables)."""
    from .core import validate_book as run

    return run(book)


__all__ = ["Finding", "RULES", "ERROR", "WARNING", "validate_book", "validate_tables"]
