"""The printable Dokumen Rencana Aksi, rendered by LibreOffice headless."""

import pytest
from pypdf import PdfReader

from renaksi_xl import headless, layout, tables
from renaksi_xl.cli import main


def _plan_rows(n):
    rows = []
    for i in range(1, n + 1):
        pagu = 1_000_000 * i
        rows.append(
            [
                f"7.01.01.2.01.{i:04d}",
                f"Sub kegiatan nomor {i}",
                f"Indikator {i}",
                "Dokumen",
                4,
                "Kumulatif",
                1,
                2,
                3,
                4,
                25,
                50,
                75,
                100,
                pagu,
                pagu // 4,
                pagu // 2,
                3 * pagu // 4,
                pagu,
                "Agus Prasetyo",
                None,
            ]
        )
    return rows


@pytest.mark.libreoffice
def test_pdf_has_cover_plan_and_sop_record(built_workbook, tmp_path):
    headless.run_on_file(built_workbook, lambda b: tables.write_table(b, layout.TBL_RENCANA, _plan_rows(3)))
    out = tmp_path / "dokumen.pdf"
    assert main(["pdf", str(built_workbook), "--out", str(out)]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 2  # the plan fits one landscape page; the SOP record the second
    first = reader.pages[0].extract_text()
    assert "RENCANA AKSI" in first
    assert "KECAMATAN NEGLASARI" in first
    assert "TAHUN ANGGARAN 2025" in first
    assert "004/000.9.3.3/I/2024" in first
    assert "7.01.01.2.01.0003" in first
    assert "6.000.000" in first  # the JUMLAH of the three pagu, Indonesian style
    second = reader.pages[1].extract_text()
    assert "CATATAN PELAKSANAAN SOP" in second
    assert "Penetapan Rencana Aksi" in second
    assert "Rantai catatan: belum ada catatan" in second  # the chain's anchor (issue 16)


def test_pdf_of_missing_book_exits_2(tmp_path, capsys):
    assert main(["pdf", str(tmp_path / "tidak-ada.xlsm")]) == 2
    assert "tidak ditemukan" in capsys.readouterr().err


def test_pdf_without_libreoffice_says_how_to_get_it(built_workbook, monkeypatch, capsys):
    # A machine without soffice (nothing on PATH, none in the usual folders): the message
    # tells the user how to install it.
    from renaksi_xl.xlsm import lo_host

    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("RENAKSI_SOFFICE", raising=False)
    monkeypatch.setattr(lo_host, "_SOFFICE_FALLBACKS", ())
    assert main(["pdf", str(built_workbook)]) == 2
    assert "apt-get install libreoffice-calc-nogui" in capsys.readouterr().err
