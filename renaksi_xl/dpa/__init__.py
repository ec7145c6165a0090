"""DPA readers: every source becomes one normalized table.

Public API (imports stay light: the readers load python-calamine on use):

* `read_dpa(path, kas=None) -> DpaResult` and `read_dpa_files(paths, kas=None)`:
  SIPD "DPA/DPPA Rincian Belanja" exports (.xlsx/.xlsm/.xls/.ods) and PDF prints,
  the flat import template, CSV; `kas`: the Anggaran Kas (RAK) form.
* `tarik_dpa_body(book, ctx)`, `impor_kinerja_body(book, ctx)`: button bodies.
* `SAMPLE_DPA`, `SAMPLE_PK`: the illustrative Kecamatan Neglasari TA 2025
  sample files shipped in `renaksi_xl/data/`; `TEMPLATE_DPA`, `TEMPLATE_CSV`,
  `TEMPLATE_PK`: the templates in `workbook/templates/` (source checkout only).
* `IMPOR_MARKER`: the marker row of the `Impor` sheet contract (see readers.py).
"""

from pathlib import Path

from ..resources import workbook_file
from .readers import IMPOR_MARKER

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SAMPLE_DPA = DATA_DIR / "DPA_Rincian_Belanja_Neglasari_2025.xlsx"
SAMPLE_PK = DATA_DIR / "PK_Neglasari_2025.xlsx"
TEMPLATES_DIR = workbook_file("templates")  # workbook/templates, package data in a wheel
TEMPLATE_DPA = TEMPLATES_DIR / "Templat_Impor_DPA.xlsx"
TEMPLATE_CSV = TEMPLATES_DIR / "Contoh_Impor_DPA.csv"
TEMPLATE_PK = TEMPLATES_DIR / "Templat_Perjanjian_Kinerja.xlsx"


def read_dpa(path, kas=None):
    from .load import read_dpa as _read

    return _read(path, kas)


def read_dpa_files(paths, kas=None):
    from .load import read_dpa_files as _read

    return _read(paths, kas)


def tarik_dpa_body(book, ctx):
    from .load import tarik_dpa_body as _body

    return _body(book, ctx)


def impor_kinerja_body(book, ctx):
    from .load import impor_kinerja_body as _body

    return _body(book, ctx)


__all__ = [
    "IMPOR_MARKER",
    "SAMPLE_DPA",
    "SAMPLE_PK",
    "TEMPLATE_DPA",
    "TEMPLATE_CSV",
    "TEMPLATE_PK",
    "read_dpa",
    "read_dpa_files",
    "tarik_dpa_body",
    "impor_kinerja_body",
]
