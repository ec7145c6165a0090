"""Bring a fresh built workbook to a given SOP step through the CLI (real remote engine)."""

from __future__ import annotations

from pathlib import Path

from renaksi_xl import cli, headless, layout, tables

CAMAT, SEKRETARIS, KASUBAG = "198303302001121003", "198507122010012005", "199002152015031001"


def set_officials(book: Path) -> None:
    headless.run_on_file(
        book,
        lambda b: tables.write_table(
            b,
            layout.TBL_PEJABAT,
            [
                [layout.ROLE_CAMAT, "Camat", CAMAT],
                [layout.ROLE_SEKRETARIS, "Sekretaris", SEKRETARIS],
                [layout.ROLE_KASUBAG, "Kasubag", KASUBAG],
            ],
        ),
    )


def run(*argv: str) -> int:
    return cli.main(["run", *argv])


def disposisi(book: Path, catatan: str = "Susun RA 2025.") -> int:
    return run(
        "catat-disposisi",
        str(book),
        "--pejabat",
        CAMAT,
        "--waktu",
        "2025-01-06T08:30",
        "--catatan",
        catatan,
        "--kepada",
        layout.ROLE_KASUBAG,
        "--batas",
        "2025-01-10",
    )


def tarik_dpa(book: Path, dpa: Path) -> int:
    return run("tarik-dpa", str(book), "--pejabat", KASUBAG, "--waktu", "2025-01-07T14:10", "--dpa", str(dpa))
