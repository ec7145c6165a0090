"""renaksi-xl: the Rencana Aksi workbook and its Python, following the SOP Penyusunan Rencana Aksi."""

import os as _os

__version__ = "0.1.0"

# xlwings registers its remote engine (xlwings PRO code, PolyForm Noncommercial
# 1.0.0, which permits government institutions) only if a key is present when
# xlwings is first imported.  Set the noncommercial key before anything imports
# xlwings, so every entry point (CLI, server, tests, RunPython) behaves alike.
_os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

# openpyxl writes its XML with lxml when lxml is installed (pyHanko, used for signed PDFs,
# depends on it), and the parts it writes then differ (e.g. empty even/first page
# header elements) from what renaksi_xl.xlsm_normalize expects and the tests pin.  Keep
# openpyxl's own writer, whatever else is installed, so headless saves are the same everywhere.
_os.environ.setdefault("OPENPYXL_LXML", "False")
