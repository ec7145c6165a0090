"""Every document of the SIPD corpus, as .xlsx and as its LibreOffice PDF print, read to its truth.

The corpus (renaksi_xl/dpa/sipd_corpus.py) is generated once per session: 33
workbooks (DPA, DPPA, 2021-2022 codes, split rekening codes, cash plans in
rows / pairs / across columns, nested Keluaran tables, Anggaran Kas forms) and
one LibreOffice run printing all of them to PDF (about 25 s here).  The truth
beside each document is computed from the generator's data (pagu = sum of the
spending lines, kas = the plan it printed, every indicator it printed), never
by reading a file back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from renaksi_xl.dpa import read_dpa
from renaksi_xl.dpa.grid import OLD_NOMENCLATURE
from renaksi_xl.dpa.sipd_corpus import SPECS, build_corpus, print_pdfs

KEYS = (
    "kode_sub_kegiatan",
    "sub_kegiatan",
    "kode_kegiatan",
    "kode_program",
    "pagu",
    "pagu_sebelum",
    "kas",
    "keluaran",
)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sipd_corpus")
    print_pdfs(build_corpus(out))
    return out


def _truth(corpus: Path, name: str) -> dict:
    return json.loads((corpus / f"{name}.json").read_text(encoding="utf-8"))


def _files(corpus: Path, truth: dict, ext: str) -> tuple[Path, Path | None]:
    doc = corpus / Path(truth["file"]).with_suffix(ext)
    kas = corpus / Path(truth["kas_file"]).with_suffix(ext) if truth["kas_file"] else None
    return doc, kas


def test_the_corpus_has_at_least_30_documents_each_with_a_pdf(corpus):
    books = sorted(corpus.glob("*.xlsx"))
    assert len(books) >= 30
    assert all(b.with_suffix(".pdf").is_file() for b in books)
    styles = [s for _, s, _, _ in SPECS]
    assert {s.keluaran for s in styles} == {"inline", "nested", "nested_next", "kegiatan"}
    assert {s.cash for s in styles} == {"rows", "pairs", "across", "across_nojumlah", "across_half", "none"}
    assert {s.amounts for s in styles} == {"number", "rp_text", "rp_wrap"}
    assert (
        any(s.dppa for s in styles) and any(s.split_code for s in styles) and any(s.per_sheet for s in styles)
    )
    assert any(old for _, _, old, _ in SPECS) and any(rak for _, _, _, rak in SPECS)


@pytest.mark.libreoffice
@pytest.mark.parametrize("ext", [".xlsx", ".pdf"])
@pytest.mark.parametrize("name", [spec[0] for spec in SPECS])
def test_every_document_reads_to_its_truth(corpus, name, ext):
    truth = _truth(corpus, name)
    doc, kas = _files(corpus, truth, ext)
    result = read_dpa(doc, kas=kas)
    got = [{k: rec[k] for k in KEYS} for rec in result.records]
    assert got == truth["sub_kegiatan"]
    # the old single-indicator fields keep the first indicator
    for rec, want in zip(result.records, truth["sub_kegiatan"]):
        first = want["keluaran"][0]
        assert (rec["indikator_keluaran"], rec["target_keluaran"], rec["satuan"]) == (
            first["indikator"],
            first["target"],
            first["satuan"],
        )
    texts = [w.text() for w in result.warnings]
    if truth["old_codes"]:
        assert len(texts) == 1 and OLD_NOMENCLATURE in texts[0]
    else:
        assert texts == []
    if ext == ".pdf":
        assert all(", halaman " in r for r in result.wheres)


@pytest.mark.libreoffice
def test_cli_json_has_every_indicator_and_the_pagu_before_the_change(corpus):
    truth = _truth(corpus, "dppa_tanpa_kas_rak")
    doc, kas = _files(corpus, truth, ".pdf")
    run = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.cli", "dpa", str(doc), "--kas", str(kas), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    for entry, want in zip(data["sub_kegiatan"], truth["sub_kegiatan"], strict=True):
        assert entry["keluaran"] == want["keluaran"]
        assert entry["pagu"] == want["pagu"] and entry["pagu_sebelum"] == want["pagu_sebelum"]
        assert entry["kas"] == want["kas"] and sum(entry["kas"]) == entry["pagu"]
    assert any(e["pagu_sebelum"] != e["pagu"] for e in data["sub_kegiatan"])


@pytest.mark.libreoffice
def test_cli_table_lists_every_indicator_and_the_sebelum_column(corpus, capsys):
    from renaksi_xl import cli

    truth = _truth(corpus, "dpa_nested3_rp")
    doc, _ = _files(corpus, truth, ".pdf")
    assert cli.main(["dpa", str(doc)]) == 0
    out = capsys.readouterr().out
    assert "Sebelum Perubahan (Rp)" not in out
    further = [k for sub in truth["sub_kegiatan"] for k in sub["keluaran"][1:]]
    assert further
    for k in further:
        assert f"  + {k['indikator'][:40]}" in out
    dppa, _ = _files(corpus, _truth(corpus, "dppa_nested"), ".pdf")
    assert cli.main(["dpa", str(dppa)]) == 0
    assert "Sebelum Perubahan (Rp)" in capsys.readouterr().out


@pytest.mark.libreoffice
def test_pdf_whose_pages_are_wrapped_in_form_xobjects_reads_the_same(corpus, tmp_path):
    """Browsers and PDF tools often wrap page content in a form XObject, moved by its matrix:
    the reader must look inside and place what it finds on the page (it said 'no text layer')."""
    import pypdfium2 as pdfium

    truth = _truth(corpus, "dppa_kode_terpisah")
    doc, _ = _files(corpus, truth, ".pdf")
    src, dst = pdfium.PdfDocument(str(doc)), pdfium.PdfDocument.new()
    for i in range(len(src)):
        width, height = src[i].get_size()
        obj = src.page_as_xobject(i, dst).as_pageobject()
        obj.transform(pdfium.PdfMatrix().scale(0.9, 0.9).translate(30, 20))
        page = dst.new_page(width, height)
        page.insert_obj(obj)
        page.gen_content()
    wrapped = tmp_path / "dibungkus.pdf"
    dst.save(str(wrapped))
    result = read_dpa(wrapped)
    assert [{k: rec[k] for k in KEYS} for rec in result.records] == truth["sub_kegiatan"]
    assert result.warnings == []
