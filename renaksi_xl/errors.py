"""Errors a user can act on.  Messages are Indonesian and say where and what to do.

The exit code is part of the CLI contract: 1 = refused by the SOP rules or the
validation, 2 = unusable input (file, sheet, cell, option).
"""

from __future__ import annotations


class RenaksiError(Exception):
    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


class InputError(RenaksiError):
    """A file, sheet, cell or option cannot be used (exit 2)."""

    exit_code = 2


class Refused(RenaksiError):
    """The SOP rules refuse the action (wrong role, wrong order, validation errors): exit 1."""

    exit_code = 1
