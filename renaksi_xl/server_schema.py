"""What the server expects and answers, as the xlwings VBA client speaks it: the
payload's pydantic models (the OpenAPI schema) and the client's action functions.

One reason to change: the xlwings VBA client's protocol."""

import re
from pathlib import Path
from typing import Any


def vba_client_functions() -> frozenset[str]:
    """The action functions the embedded VBA client implements: the Subs of
    xlwings' Remote module (the build embeds the installed xlwings' copy)."""
    import xlwings

    remote = Path(xlwings.__file__).parent / "addin" / "Remote.bas"
    subs = re.findall(
        r"(?im)^(?:public\s+)?sub\s+(\w+)\s*\(\s*wb\s+as\s+workbook\s*,\s*action\s+as\s+dictionary",
        remote.read_text("utf-8", "replace"),
    )
    return frozenset(subs)


# --------------------------------------------------------------------------- payload schema
def models():
    """The request payload's shape (what Remote.bas RunServerPython sends), as pydantic models."""
    from pydantic import BaseModel, ConfigDict, Field, model_validator
    from xlwings import __version__ as xlwings_version

    addr = r"^\$?[A-Z]{1,3}\$?[0-9]{1,7}(:\$?[A-Z]{1,3}\$?[0-9]{1,7})?$"
    Cell = bool | int | float | str | None

    class BookInfo(BaseModel):
        name: str = Field(max_length=255)
        active_sheet_index: int = Field(ge=0)
        selection: str | None = Field(default=None, max_length=8192)

    class NameInfo(BaseModel):
        name: str = Field(min_length=1, max_length=300)
        sheet_index: int = Field(ge=0)
        address: str = Field(pattern=addr)
        book_scope: bool
        scope_sheet_name: str | None = None
        scope_sheet_index: int | None = Field(default=None, ge=0)

    class TableInfo(BaseModel):
        name: str = Field(min_length=1, max_length=255)
        range_address: str = Field(pattern=addr)
        header_row_range_address: str | None = Field(default=None, pattern=addr)
        data_body_range_address: str | None = Field(default=None, pattern=addr)
        total_row_range_address: str | None = Field(default=None, pattern=addr)
        show_headers: bool
        show_totals: bool
        table_style: str = Field(default="", max_length=255)
        show_autofilter: bool

    class SheetInfo(BaseModel):
        name: str = Field(min_length=1, max_length=31)
        pictures: list[dict[str, Any]] = Field(default_factory=list)
        tables: list[TableInfo] = Field(default_factory=list)
        values: list[list[Cell]] = Field(
            min_length=1, description="used range from A1; an empty sheet is [[]]"
        )

    class Payload(BaseModel):
        """The workbook as the xlwings VBA client posts it."""

        model_config = ConfigDict(extra="allow")
        client: str = Field(max_length=50)
        version: str = Field(
            max_length=50,
            description="xlwings version of the workbook's VBA client; must equal the server's",
            json_schema_extra={"enum": [xlwings_version]},
        )
        book: BookInfo
        names: list[NameInfo] = Field(default_factory=list)
        sheets: list[SheetInfo] = Field(min_length=1)

        @model_validator(mode="after")
        def _consistent(self):
            n = len(self.sheets)
            if self.book.active_sheet_index >= n:
                raise ValueError("book.active_sheet_index melewati jumlah lembar")
            for nm in self.names:
                if nm.sheet_index >= n or (nm.scope_sheet_index is not None and nm.scope_sheet_index >= n):
                    raise ValueError(f"nama '{nm.name}' menunjuk lembar yang tidak ada")
            seen = set()
            for s in self.sheets:
                if s.name.lower() in seen:
                    raise ValueError(f"nama lembar '{s.name}' ganda")
                seen.add(s.name.lower())
            return self

    class ActionResponse(BaseModel):
        """Actions for the VBA client to apply, in order."""

        actions: list[dict[str, Any]]
        status: str = Field(description="selesai | ditolak | tidak-bisa-dipakai")
        message: str = ""

    class Health(BaseModel):
        status: str
        renaksi_xl: str
        xlwings: str
        actions: list[str]

    return Payload, ActionResponse, Health
