"""renaksi-xl: the Rencana Aksi workbook and its Python, following the SOP Penyusunan Rencana Aksi."""

__version__ = "0.1.0"
