"""The plan follows the DPA's Keluaran indicators and its DPPA: one row per indicator, money once.

A sub kegiatan with several Keluaran indicators (the nested Indikator | Target
table of SIPD) becomes several rows of tblDPA and tblRencanaAksi with the same
Kode Sub Kegiatan, one per indicator, the Pagu and Keuangan only on the first;
the validator, a re-run of Susun, diff and the PDF treat them as one sub
kegiatan.  A DPPA read after the DPA drafts the Rencana Aksi Perubahan from the
'Setelah Perubahan' figures and notes what changed.
"""

from __future__ import annotations

import random

import pytest

from renaksi_xl import headless, layout, tables
from renaksi_xl.context import ActionContext
from renaksi_xl.dpa.load import tarik_dpa_body
from renaksi_xl.dpa.sipd_corpus import _subs
from renaksi_xl.dpa.sipd_print import Style, dpa_sheets, write_print
from renaksi_xl.plan import susun_body
from renaksi_xl.review import diff_books
from renaksi_xl.validate import validate_file

KASUBAG = "Rina Marlina, S.E."


def validate_path(path):
    result = validate_file(path)
    assert result.unusable is None, result.unusable
    return result.findings


def run(path, fn):
    return headless.run_on_file(path, fn)


def read(path, name):
    return tables.read_table(headless.open_book(path), name).records()


@pytest.fixture
def subs():
    """Three sub kegiatan with 3, 1 and 2 Keluaran indicators."""
    subs = _subs(random.Random(12), 3, False, True, 3)
    subs[1].keluaran = subs[1].keluaran[:1]
    subs[2].keluaran = subs[2].keluaran[:2]
    return subs


@pytest.fixture
def book(built_workbook):
    def officials(b):
        tables.write_table(
            b,
            layout.TBL_PEJABAT,
            [
                [layout.ROLE_CAMAT, "Camat Contoh", "197001011990031001"],
                [layout.ROLE_SEKRETARIS, "Sekcam Contoh", "197502022000031002"],
                [layout.ROLE_KASUBAG, KASUBAG, "198303302001121003"],
            ],
        )

    run(built_workbook, officials)
    return built_workbook


def _pull(book, path):
    return run(book, lambda b: tarik_dpa_body(b, ActionContext(files=[str(path)])))[0]


def test_every_indicator_is_a_row_and_the_money_is_written_once(book, subs, tmp_path):
    doc = write_print(tmp_path / "DPA.xlsx", dpa_sheets(subs, Style()))
    summary = _pull(book, doc)
    assert "2 sub kegiatan memiliki lebih dari satu indikator keluaran" in summary
    dpa = read(book, layout.TBL_DPA)
    want = [(s, k) for s in subs for k in range(len(s.keluaran))]
    assert [
        (r["Kode Sub Kegiatan"], r["Indikator Keluaran"], r["Target Keluaran"], r["Satuan"]) for r in dpa
    ] == [(s.code, *s.keluaran[k]) for s, k in want]
    assert [r["Pagu (Rp)"] for r in dpa] == [s.pagu if k == 0 else None for s, k in want]
    assert [r["Januari"] for r in dpa] == [s.kas[0] if k == 0 else None for s, k in want]

    summary, result = run(book, lambda b: susun_body(b, ActionContext()))
    assert summary.startswith("Draft Rencana Aksi disusun: 3 sub kegiatan dari DPA (3 baru, 0 diperbarui)")
    assert "6 baris indikator keluaran" in summary and result.alerts == []
    plan = read(book, layout.TBL_RENCANA)
    assert [(r["Kode Sub Kegiatan"], r["Indikator Keluaran"], r["Target Tahunan"]) for r in plan] == [
        (s.code, s.keluaran[k][0], s.keluaran[k][1]) for s, k in want
    ]
    for r, (s, k) in zip(plan, want):
        money = [r[h] for h in (layout.H_PAGU, *layout.KEUANGAN_TW)]
        if k == 0:
            assert money == [s.pagu, sum(s.kas[:3]), sum(s.kas[:6]), sum(s.kas[:9]), s.pagu]
        else:
            assert money == [None] * 5
        assert r[layout.TARGET_TW[-1]] == s.keluaran[k][1] and r[layout.FISIK_TW[-1]] == 100

    # the validator sees one sub kegiatan per code: no duplicate, no empty money, totals agree
    report = validate_path(book)
    rules = {f.rule for f in report}
    assert not rules & {
        "KODE_GANDA",
        "NILAI_KOSONG",
        "PAGU_BEDA_DPA",
        "TOTAL_PAGU_BEDA_DPA",
        "KEUANGAN_TW4_BEDA_PAGU",
    }
    assert [f for f in report if f.severity == "error"] == []


def test_validator_still_catches_a_real_duplicate_and_a_pagu_written_twice(book, subs, tmp_path):
    doc = write_print(tmp_path / "DPA.xlsx", dpa_sheets(subs, Style()))
    _pull(book, doc)
    run(book, lambda b: susun_body(b, ActionContext()))
    plan = tables.read_table(headless.open_book(book), layout.TBL_RENCANA)
    second = plan.address(1, layout.H_PAGU)  # the second indicator row of the first sub kegiatan
    run(book, lambda b: b.sheets[layout.SHEET_RENCANA].range(second).__setattr__("value", subs[0].pagu))
    last = plan.address(len(plan.rows) - 1, layout.H_KODE_SUB)
    run(book, lambda b: b.sheets[layout.SHEET_RENCANA].range(last).__setattr__("value", subs[0].code))
    findings = validate_path(book)
    assert any(f.rule == "TOTAL_PAGU_BEDA_DPA" for f in findings)
    assert any(f.rule == "KODE_GANDA" and f.cell == last for f in findings)


def test_rerun_keeps_a_manual_edit_of_the_second_indicator(book, subs, tmp_path):
    doc = write_print(tmp_path / "DPA.xlsx", dpa_sheets(subs, Style()))
    _pull(book, doc)
    run(book, lambda b: susun_body(b, ActionContext()))
    plan = tables.read_table(headless.open_book(book), layout.TBL_RENCANA)
    cell = plan.address(1, "Sifat Target")
    run(book, lambda b: b.sheets[layout.SHEET_RENCANA].range(cell).__setattr__("value", "Akhir Tahun"))
    before = read(book, layout.TBL_RENCANA)
    summary, _ = run(book, lambda b: susun_body(b, ActionContext()))
    assert "(0 baru, 3 diperbarui)" in summary and "1 isian manual dipertahankan" in summary
    after = read(book, layout.TBL_RENCANA)
    assert after[1]["Sifat Target"] == "Akhir Tahun"
    assert [after[1][h] for h in layout.TARGET_TW] == [0, 0, 0, subs[0].keluaran[1][1]]
    assert [r["Indikator Keluaran"] for r in after] == [r["Indikator Keluaran"] for r in before]


def test_a_new_indicator_joins_its_sub_kegiatan_and_diff_names_it(book, subs, tmp_path):
    one = [*subs]
    first = subs[0].keluaran
    subs[0].keluaran = first[:2]
    _pull(book, write_print(tmp_path / "DPA1.xlsx", dpa_sheets(subs, Style())))
    run(book, lambda b: susun_body(b, ActionContext()))
    old = tmp_path / "lama.xlsm"
    old.write_bytes(book.read_bytes())
    subs[0].keluaran = first
    _pull(book, write_print(tmp_path / "DPA2.xlsx", dpa_sheets(one, Style())))
    run(book, lambda b: susun_body(b, ActionContext()))
    plan = read(book, layout.TBL_RENCANA)
    assert [r["Kode Sub Kegiatan"] for r in plan[:3]] == [subs[0].code] * 3
    assert plan[2]["Indikator Keluaran"] == first[2][0]
    d = next(t for t in diff_books(old, book).tables if t.table == layout.TBL_RENCANA)
    assert f"{subs[0].code} (indikator 3)" in d.added


def test_dppa_drafts_the_perubahan_from_the_setelah_figures(book, subs, tmp_path):
    before = [s.pagu_sebelum for s in subs]
    # the DPA as it was: the 'Sebelum' amounts are its pagu
    for s in subs:
        for line in s.lines:
            line.koef, line.koef_before = (
                (line.koef if line.koef_before is None else line.koef_before),
                line.koef,
            )
    from renaksi_xl.dpa.samples import spread

    kas_after = [s.kas for s in subs]
    for s in subs:
        s.kas = spread(s.pagu, [1] * 12)
    assert [s.pagu for s in subs] == before
    _pull(book, write_print(tmp_path / "DPA.xlsx", dpa_sheets(subs, Style())))
    run(book, lambda b: susun_body(b, ActionContext()))
    # the DPPA: back to the changed figures
    for s, kas in zip(subs, kas_after):
        for line in s.lines:
            line.koef, line.koef_before = line.koef_before, line.koef
        s.kas = kas
    summary = _pull(book, write_print(tmp_path / "DPPA.xlsx", dpa_sheets(subs, Style(dppa=True))))
    moved = [s for s, b in zip(subs, before) if s.pagu != b]
    assert moved and "DPPA (perubahan): pagu dipakai 'Setelah Perubahan'" in summary
    assert f"{len(moved)} sub kegiatan berubah pagu" in summary
    summary, _ = run(book, lambda b: susun_body(b, ActionContext()))
    assert f"Rencana Aksi Perubahan: pagu {len(moved)} sub kegiatan berubah" in summary
    plan = read(book, layout.TBL_RENCANA)
    firsts = [r for r in plan if r[layout.H_PAGU] is not None]
    assert [r[layout.H_PAGU] for r in firsts] == [s.pagu for s in subs]
    for r, s, b in zip(firsts, subs, before):
        note = r["Keterangan"] or ""
        if s.pagu != b:
            assert f"Perubahan anggaran: pagu Rp {b:,}".replace(",", ".") in note
        else:
            assert "Perubahan anggaran" not in note
    assert [f for f in validate_path(book) if f.severity == "error"] == []


@pytest.mark.libreoffice
def test_pdf_numbers_each_sub_kegiatan_once(book, subs, tmp_path):
    from pypdf import PdfReader

    from renaksi_xl.pdf import export_pdf

    _pull(book, write_print(tmp_path / "DPA.xlsx", dpa_sheets(subs, Style())))
    run(book, lambda b: susun_body(b, ActionContext()))
    pdf = export_pdf(book, tmp_path / "RA.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    assert text.count(subs[0].code) == 1 and subs[0].keluaran[2][0] in text
    total = f"{sum(s.pagu for s in subs):,}".replace(",", ".")
    assert total in text
