"""diff and email drafts on real built workbooks."""

import email
import email.policy
import json
import shutil

from renaksi_xl import headless, layout, tables
from renaksi_xl.cli import main
from renaksi_xl.review import describe_diff, diff_books, write_email


def _dpa_rows(n=3):
    rows = []
    for i in range(1, n + 1):
        kas = [100_000 * i] * 12
        rows.append(
            [
                f"7.01.01.2.01.000{i}",
                f"Sub kegiatan {i}",
                "7.01.01.2.01",
                "Kegiatan",
                "7.01.01",
                "Program",
                f"Indikator {i}",
                12,
                "Dokumen",
                "PAD",
                "Neglasari",
                sum(kas),
                *kas,
            ]
        )
    return rows


def _fill(path, rows):
    headless.run_on_file(path, lambda b: tables.write_table(b, layout.TBL_DPA, rows))


def test_diff_lists_cell_changes_added_and_removed_rows(built_workbook, tmp_path, capsys):
    rows = _dpa_rows(3)
    _fill(built_workbook, rows)
    old = tmp_path / "lama.xlsm"
    shutil.copyfile(built_workbook, old)
    new_rows = [list(r) for r in rows[:2]]
    new_rows[1][layout.DPA_COLUMNS.index(layout.table(layout.TBL_DPA).column("Satuan"))] = "Laporan"
    new_rows.append(_dpa_rows(4)[3])
    _fill(built_workbook, new_rows)

    d = diff_books(old, built_workbook)
    dpa = next(t for t in d.tables if t.table == layout.TBL_DPA)
    assert [(c.key, c.column, c.old, c.new, c.cell) for c in dpa.changed] == [
        ("7.01.01.2.01.0002", "Satuan", "Dokumen", "Laporan", "I6")
    ]
    assert dpa.added == ["7.01.01.2.01.0004"]
    assert dpa.removed == ["7.01.01.2.01.0003"]
    text = describe_diff(d)
    assert "kolom 'Satuan' (sel I6): Dokumen -> Laporan" in text
    assert "baris baru: 7.01.01.2.01.0004" in text

    assert main(["diff", str(old), str(built_workbook), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["changed"] is True
    assert out["tables"][0]["removed"] == ["7.01.01.2.01.0003"]


def test_diff_of_identical_books_says_nothing_changed(built_workbook, tmp_path):
    _fill(built_workbook, _dpa_rows(2))
    copy = tmp_path / "salinan.xlsm"
    shutil.copyfile(built_workbook, copy)
    d = diff_books(built_workbook, copy)
    assert d.empty
    assert describe_diff(d).startswith("Tidak ada perubahan")


def test_diff_missing_file_exits_2(tmp_path, capsys):
    assert main(["diff", str(tmp_path / "tidak-ada.xlsm"), str(tmp_path / "juga.xlsm")]) == 2
    assert "tidak ditemukan" in capsys.readouterr().err


def test_email_draft_is_unsent_with_attachment_and_changes(built_workbook, tmp_path):
    _fill(built_workbook, _dpa_rows(2))
    old = tmp_path / "lama.xlsm"
    shutil.copyfile(built_workbook, old)
    _fill(built_workbook, _dpa_rows(3))
    out = write_email(built_workbook, layout.ROLE_SEKRETARIS, tmp_path / "review.eml", previous=old)
    msg = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert msg["X-Unsent"] == "1"
    assert "Kecamatan Neglasari TA 2025" in msg["Subject"]
    body = msg.get_body(("plain",)).get_content()
    assert "Yth. Sekretaris Camat" in body
    assert "baris baru: 7.01.01.2.01.0003" in body
    attachments = list(msg.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["RencanaAksi.xlsm"]
    assert attachments[0].get_content() == built_workbook.read_bytes()


def test_email_unknown_role_exits_2(built_workbook, capsys):
    assert main(["email", str(built_workbook), "--ke", "Lurah"]) == 2
    assert "Peran penerima 'Lurah' tidak dikenal" in capsys.readouterr().err


def test_email_role_ignores_case_and_spaces_and_says_when_the_address_is_missing(
    built_workbook, tmp_path, capsys
):
    out = tmp_path / "x.eml"
    assert main(["email", str(built_workbook), "--ke", "  sekretaris   CAMAT", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    msg = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert "Yth. Sekretaris Camat" in msg.get_body(("plain",)).get_content()
    assert "alamat email penerima belum ada" in said  # the built workbook has no e-mail addresses


def test_local_only_buttons_explain_what_to_do_when_the_book_is_not_on_this_machine(
    built_workbook, tmp_path, monkeypatch
):
    import pytest

    from renaksi_xl.context import ActionContext
    from renaksi_xl.errors import InputError
    from renaksi_xl.pdf import cetak_pdf_body
    from renaksi_xl.review import siapkan_email_body

    payload = headless.payload_from_file(built_workbook)
    payload["book"]["name"] = "RencanaAksi.xlsm"  # as the VBA client sends it: a name, no folder
    monkeypatch.chdir(tmp_path / "..")  # no such file here
    for body, command in (
        (cetak_pdf_body, "renaksi-xl pdf BUKU"),
        (siapkan_email_body, "renaksi-xl email BUKU --ke PERAN"),
    ):
        with pytest.raises(InputError) as err:
            body(headless.book_from_payload(payload), ActionContext())
        assert "harus tersimpan di komputer ini" in err.value.message and command in err.value.message


def test_diff_calls_changed_what_the_fingerprint_calls_changed(built_workbook, tmp_path):
    """Below a rupiah, or a number typed as text, is no change (as for `verify`); a rupiah is."""
    from renaksi_xl.integrity import content_digests

    rows = _dpa_rows(2)
    _fill(built_workbook, rows)
    old = tmp_path / "lama.xlsm"
    shutil.copyfile(built_workbook, old)
    pagu = layout.DPA_COLUMNS.index(layout.table(layout.TBL_DPA).column("Pagu (Rp)"))
    target = layout.DPA_COLUMNS.index(layout.table(layout.TBL_DPA).column("Target Keluaran"))
    same = [list(r) for r in rows]
    same[0][pagu] = rows[0][pagu] + 0.4
    same[1][target] = str(rows[1][target])
    _fill(built_workbook, same)
    assert diff_books(old, built_workbook).empty
    assert content_digests(headless.open_book(old)) == content_digests(headless.open_book(built_workbook))

    changed = [list(r) for r in rows]
    changed[0][pagu] = rows[0][pagu] + 1
    _fill(built_workbook, changed)
    dpa = next(t for t in diff_books(old, built_workbook).tables if t.table == layout.TBL_DPA)
    assert [(c.column, c.old, c.new) for c in dpa.changed] == [("Pagu (Rp)", 1_200_000, 1_200_001)]
