"""The chain's end is anchored (issue 16 item 8): a chain cut short, or emptied, does not
read as intact; `diff` reports removed records and swapped rows."""

from __future__ import annotations

import json

import pytest
from test_workflow import book_of, upto

from renaksi_xl import cli, headless, layout, tables
from renaksi_xl.integrity import field_text, read_log, records_of, verify_book


def _cut(path, keep: int, steps_to_clear=()):
    """Keep the first `keep` Log rows and clear the given step sheets' records."""

    def edit(book):
        data = tables.read_table(book, layout.TBL_LOG)
        tables.write_table(book, layout.TBL_LOG, data.rows[:keep], columns=data.header)
        for n in steps_to_clear:
            step = tables.read_table(book, layout.step_table(n))
            tables.write_table(book, layout.step_table(n), [], columns=step.header)

    headless.run_on_file(path, edit)


def _edit_plan(path):
    def edit(book):
        data = tables.read_table(book, layout.TBL_RENCANA)
        rows = [list(r) for r in data.rows]
        rows[0][data.col("Uraian Kegiatan") if "Uraian Kegiatan" in data.header else 1] = "diubah diam-diam"
        tables.write_table(book, layout.TBL_RENCANA, rows, columns=data.header)

    headless.run_on_file(path, edit)


def test_beranda_anchors_the_count_and_the_last_fingerprint(built_workbook):
    upto(built_workbook, 3)
    book = book_of(built_workbook)
    records = records_of(read_log(book))
    assert len(records) == 3
    assert field_text(tables.named_range(book, "nmJumlahCatatan").value) == "3"
    assert tables.named_range(book, "nmSidikTerakhir").value == field_text(records[-1].get("Sidik Rantai"))
    assert verify_book(book).ok


def test_cutting_the_last_record_and_editing_the_plan_is_reported(built_workbook, capsys):
    upto(built_workbook, 3)
    _cut(built_workbook, keep=2, steps_to_clear=(3,))
    _edit_plan(built_workbook)
    assert cli.main(["verify", str(built_workbook)]) == 1
    out = capsys.readouterr().out
    assert "TIDAK UTUH" in out and "RANTAI TIDAK LENGKAP" in out
    assert "mencatat 3 catatan" in out and "Langkah 3 selesai" in out


def test_deleting_every_record_does_not_read_intact(built_workbook, capsys):
    upto(built_workbook, 3)
    _cut(built_workbook, keep=0, steps_to_clear=(1, 2, 3))
    verdict = verify_book(book_of(built_workbook))
    assert not verdict.ok
    assert "Utuh" not in verdict.summary() and verdict.summary().startswith("RUSAK")
    assert cli.main(["verify", str(built_workbook), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["record_count"] == 0 and any("Langkah 1 selesai" in p for p in out["chain_problems"])


def test_diff_reports_removed_records_and_swapped_rows(built_workbook, tmp_path, capsys):
    upto(built_workbook, 3)
    old = tmp_path / "lama.xlsm"
    old.write_bytes(built_workbook.read_bytes())

    def swap(book):
        data = tables.read_table(book, layout.TBL_RENCANA)
        rows = [list(r) for r in data.rows]
        rows[0], rows[1] = rows[1], rows[0]
        tables.write_table(book, layout.TBL_RENCANA, rows, columns=data.header)

    headless.run_on_file(built_workbook, swap)
    _cut(built_workbook, keep=2, steps_to_clear=(3,))
    assert cli.main(["diff", str(old), str(built_workbook), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rencana = next(t for t in out["tables"] if t["table"] == layout.TBL_RENCANA)
    assert len(rencana["moved"]) == 2 and rencana["changed"] == []
    assert [r["action"] for r in out["removed_records"]] == [layout.ACTION_SUSUN]
    assert cli.main(["diff", str(old), str(built_workbook)]) == 0
    text = capsys.readouterr().out
    assert "urutan baris berubah" in text and "CATATAN DIHAPUS" in text


@pytest.mark.libreoffice
def test_the_pdf_prints_the_chain_anchor(built_workbook, tmp_path):
    from pypdf import PdfReader

    upto(built_workbook, 3)
    last = field_text(records_of(read_log(book_of(built_workbook)))[-1].get("Sidik Rantai"))
    out = tmp_path / "dokumen.pdf"
    assert cli.main(["pdf", str(built_workbook), "--out", str(out)]) == 0
    text = "".join(page.extract_text() for page in PdfReader(out).pages).replace("\n", "")
    assert "Rantai catatan: 3 catatan paraf/tanda tangan" in text
    assert last in text.replace(" ", "")


def test_the_summary_names_the_first_chain_problem_and_counts_the_others():
    from renaksi_xl.integrity import Verdict

    two = Verdict(ok=False, chain_problems=["Catatan terakhir hilang.", "Jumlah catatan tidak cocok."])
    assert (
        two.summary() == "RUSAK: rantai catatan tidak lengkap (dan 1 masalah lain). Catatan terakhir hilang."
    )
    one = Verdict(ok=False, chain_problems=["Catatan terakhir hilang."])
    assert one.summary() == "RUSAK: rantai catatan tidak lengkap. Catatan terakhir hilang."
