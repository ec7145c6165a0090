"""The README's main command, end to end: the whole SOP on the sample data."""

import email
import email.policy

import pytest
from pypdf import PdfReader

from renaksi_xl import headless, layout, tables
from renaksi_xl.cli import main


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out


@pytest.mark.libreoffice
def test_demo_final_workbook_is_valid_and_intact(demo_out, capsys):
    book = demo_out / "RencanaAksi-Neglasari-2025.xlsm"
    assert main(["validate", str(book), "--json"]) == 0
    assert main(["verify", str(book)]) == 0
    b = headless.open_book(book)
    assert tables.named_range(b, "nmStatusDokumen").value == layout.STATUS_DITETAPKAN
    progress = tables.read_table(b, layout.TBL_PROGRES, check_headers=False)
    statuses = [r[progress.col("Status")] for r in progress.rows]
    assert all(str(s).startswith("Selesai") for s in statuses), statuses
    log = tables.read_table(b, layout.TBL_LOG)
    actions = [r[log.col("Aksi")] for r in log.rows]
    assert actions.count(layout.ACTION_KEMBALIKAN) == 1
    # version 1: susun, a return, susun again; version 2 (the DPPA, before TW IV): susun once more
    assert actions.count(layout.ACTION_SUSUN) == 3
    assert actions.count(layout.ACTION_REVISI) == 1
    assert actions.count(layout.ACTION_TETAPKAN) == 2
    plan_actions = [
        a for a in actions if a not in layout.REALISASI_ACTIONS + (layout.ACTION_IMPOR_REALISASI,)
    ]
    assert plan_actions[-1] == layout.ACTION_TETAPKAN
    assert actions[-1] == layout.ACTION_SAHKAN_REALISASI  # the year went on: TW IV approved last
    dpa = tables.read_table(b, layout.TBL_DPA)
    plan = tables.read_table(b, layout.TBL_RENCANA)
    assert len(dpa.rows) >= 15 and len(plan.rows) == len(dpa.rows)


@pytest.mark.libreoffice
def test_demo_pdf_has_the_document_and_the_record(demo_out):
    pdf = demo_out / "Dokumen-Rencana-Aksi-Neglasari-2025.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "RENCANA AKSI" in text and "KECAMATAN NEGLASARI" in text
    assert "198303302001121003" in text  # the Camat's NIP in the approval block
    assert "Sidik:" in text
    assert "CATATAN PELAKSANAAN SOP" in text
    # The signed page dates the document as a letter does; the record keeps the minute.
    (signed,) = [p.extract_text() for p in reader.pages if "Ditetapkan oleh" in p.extract_text()]
    # the final PDF is the Rencana Aksi Perubahan's, signed on 15 Oktober 2025 (demo.revision_script)
    assert "15 Oktober 2025" in signed and "2025-10-15" not in signed


@pytest.mark.libreoffice
def test_demo_email_drafts_are_unsent_with_the_handoff_copy(demo_out):
    emls = sorted(demo_out.glob("*.eml"))
    assert len(emls) >= 3
    for eml in emls:
        msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert msg["X-Unsent"] == "1"
        (attachment,) = list(msg.iter_attachments())
        copy = demo_out / attachment.get_filename()
        assert copy.exists() and attachment.get_content() == copy.read_bytes()
    # the hand-off after the return to step 3 names what the Kasubag fixed
    last_to_sekretaris = demo_out / "serah-terima-3-untuk-sekretaris.eml"
    body = email.message_from_bytes(last_to_sekretaris.read_bytes(), policy=email.policy.default)
    assert "Keuangan s.d. TW III" in body.get_body(("plain",)).get_content()


@pytest.mark.libreoffice
def test_demo_reports_four_quarters_one_late_one_under_target(demo_out, capsys):
    import json

    book = demo_out / "RencanaAksi-Neglasari-2025.xlsm"
    b = headless.open_book(book)
    report = tables.read_table(b, layout.TBL_LAPORAN).records()
    assert [r["Triwulan"] for r in report] == [q for q in layout.QUARTERS for _ in range(3)]
    late = [r for r in report if r["Ketepatan"] and r["Ketepatan"] != "Tepat waktu"]
    assert [(r["Triwulan"], r["Ketepatan"]) for r in late] == [("II", "Terlambat 5 hari")]
    assert (
        tables.named_range(b, "nmStatusRealisasi").value
        == "TW IV disahkan; tahun anggaran selesai, lembar realisasi dikunci"
    )
    import openpyxl

    wb = openpyxl.load_workbook(book, read_only=False, keep_vba=True)
    assert all(wb[name].protection.sheet for name in layout.LOCKED_AFTER_YEAR_END)
    capsys.readouterr()
    assert main(["capaian", str(book), "--tw", "III", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rencana_aksi"]
    under = [r for r in rows if r["capaian_persen"] is not None and r["capaian_persen"] < 100]
    assert len(under) == 1
    real = tables.read_table(b, layout.TBL_REALISASI_AKSI).records()
    mine = next(
        r
        for r in real
        if r["Triwulan"] == "III"
        and r[layout.H_KODE_SUB] == under[0]["kode_sub_kegiatan"]
        and r[layout.H_INDIKATOR_KELUARAN] == under[0]["indikator_keluaran"]
    )
    assert mine[layout.H_PENGHAMBAT]  # the under-target indicator says what held it back
    # TW III money came from the SIPD export: what the demo wrote there is in the table
    assert all(r[layout.H_REALISASI_KEUANGAN] for r in real if r["Triwulan"] == "III")


@pytest.mark.libreoffice
def test_demo_laporan_capaian_pdf(demo_out):
    reader = PdfReader(demo_out / "Laporan-Capaian-TW-IV-Neglasari-2025.pdf")
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "LAPORAN CAPAIAN RENCANA AKSI TRIWULAN IV" in text
    assert "TW IV disahkan" in text
    assert "Pengesahan realisasi" in text and "198303302001121003" in text
    # the demo's records carry no digital signature, and the printout says so
    assert "tanpa tanda tangan digital" in text and "elektronik tercatat" not in text


def test_demo_revision_keeps_the_approved_quarters_as_they_were(demo_out, capsys):
    """The DPPA comes after TW III was approved: version 2 keeps Target, Fisik and Keuangan s.d.
    TW I..III of every row version 1 had, so the capaian of an approved quarter does not move."""
    import json

    book = demo_out / "RencanaAksi-Neglasari-2025.xlsm"
    v1 = demo_out / "RencanaAksi-Neglasari-2025-versi-1.xlsm"

    def plan(path) -> dict:
        rows = tables.read_table(headless.open_book(path), layout.TBL_RENCANA).records()
        return {(r[layout.H_KODE_SUB], r[layout.H_INDIKATOR_KELUARAN]): r for r in rows}

    old, new = plan(v1), plan(book)
    past = (*layout.TARGET_TW[:3], *layout.FISIK_TW[:3], *layout.KEUANGAN_TW[:3])
    assert old.keys() <= new.keys()
    changed = [(key, h) for key in old for h in past if old[key][h] != new[key][h]]
    assert changed == []
    assert any(old[key][layout.H_PAGU] != new[key][layout.H_PAGU] for key in old)  # the DPPA did change it
    for quarter in ("I", "II", "III"):
        figures = []
        for path in (v1, book):
            capsys.readouterr()
            assert main(["capaian", str(path), "--tw", quarter, "--json"]) == 0
            rows = json.loads(capsys.readouterr().out)["rencana_aksi"]
            figures.append(
                [(r["target"], r["realisasi"], r["capaian_persen"], r["fisik_target"]) for r in rows]
            )
        assert figures[0] == figures[1], quarter


@pytest.mark.libreoffice
def test_demo_dppa_revision_both_versions_verifiable(demo_out, capsys):
    """Issue 17: version 2 drafted, re-checked, re-signed; both versions verifiable. The DPPA comes
    after the TW III report (APBD Perubahan), so TW IV is reported against version 2."""
    import json

    book = demo_out / "RencanaAksi-Neglasari-2025.xlsm"
    v1 = demo_out / "RencanaAksi-Neglasari-2025-versi-1.xlsm"
    capsys.readouterr()
    assert main(["verify", str(book), "--json"]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["versi"] == 2
    assert [(v["versi"], v["ok"], v["ditetapkan"]) for v in verdict["versions"]] == [
        (1, True, True),
        (2, True, True),
    ]
    assert main(["verify", str(v1)]) == 0
    capsys.readouterr()
    b = headless.open_book(book)
    assert tables.named_range(b, "nmVersi").value == 2
    assert main(["diff", str(v1), str(book), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["versi"] == {"old": 1, "new": 2}
    assert [r["action"] for r in d["new_records"] if r["kind"]][0] == layout.ACTION_REVISI
    pagu = [
        c
        for t in d["tables"]
        if t["table"] == layout.TBL_RENCANA
        for c in t["changed"]
        if c["column"] == layout.H_PAGU
    ]
    assert len(pagu) == 1 and pagu[0]["new"] - pagu[0]["old"] == 25_000_000
    text = "\n".join(
        p.extract_text() for p in PdfReader(demo_out / "Dokumen-Rencana-Aksi-Neglasari-2025.pdf").pages
    )
    assert "PERUBAHAN DARI RENCANA AKSI VERSI 1" in text and "terverifikasi" in text


def test_demo_without_libreoffice_finishes_and_says_how_to_get_the_pdf(tmp_path, monkeypatch, capsys):
    # A Windows user after `pip install`: no soffice anywhere.
    from renaksi_xl.xlsm import lo_host

    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("RENAKSI_SOFFICE", raising=False)
    monkeypatch.setattr(lo_host, "_SOFFICE_FALLBACKS", ())
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    book = tmp_path / "RencanaAksi-Neglasari-2025.xlsm"
    assert "PDF tidak dibuat: LibreOffice tidak ditemukan" in out
    assert f'renaksi-xl pdf "{book}"' in out
    assert not list(tmp_path.glob("*.pdf"))
    assert book.exists() and len(list(tmp_path.glob("*.eml"))) >= 3
    assert "Keaslian catatan: UTUH" in out
