"""The record chain and the fingerprint against their definitions (docs/keaslian.md
and the integrity module's docstring), issue 16's surviving mutants: the chain hash
no longer covering the NIP, the step-sheet vs Log cross-check skipping the NIP, the
Log numbering check disabled, the fingerprint ignoring a filled extra column.

Fast: the records are made once per module on a copy of the committed workbook,
and each test edits an in-memory copy of its payload."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_workflow import upto

from renaksi_xl import headless, integrity, layout, tables

REPO = Path(__file__).resolve().parents[1]
OTHER_NIP = "199912312020121001"


# --------------------------------------------------------------------------- the chain hash, by definition
def test_chain_hash_is_sha256_of_the_previous_hash_the_record_fields_and_the_content():
    """'Sidik Rantai adalah SHA-256 dari Sidik Rantai catatan sebelumnya, data catatan itu
    sendiri (nomor, waktu, aksi, langkah, peran, nama, NIP, jenis pengesahan, keterangan)
    dan Sidik Isi-nya' (docs/keaslian.md)."""
    assert integrity.CHAIN_FIELDS == (
        "No",
        "Waktu",
        "Aksi",
        "Langkah",
        "Peran",
        "Nama",
        "NIP",
        "Pengesahan",
        "Keterangan",
    )
    fields = [
        1,
        "2025-01-06 09:00 WIB",
        "catat-disposisi",
        1,
        "Camat",
        "Drs. A",
        "198303302001121003",
        "Paraf",
        "",
    ]
    prev, content = "ab" * 32, "cd" * 32
    body = json.dumps([str(f) for f in fields], ensure_ascii=False, separators=(",", ":"))
    expected = hashlib.sha256(f"renaksi-xl/sidik-rantai/1\n{prev}\n{body}\n{content}".encode()).hexdigest()
    assert integrity.chain_hash(prev, fields, content) == expected
    for k in range(len(fields)):  # every field counts, the NIP too
        other = list(fields)
        other[k] = "x"
        assert integrity.chain_hash(prev, other, content) != expected


# --------------------------------------------------------------------------- verify, on real records
@pytest.fixture(scope="module")
def records_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("chain") / "RencanaAksi.xlsm"
    shutil.copyfile(REPO / "workbook" / "RencanaAksi.xlsm", path)
    upto(path, 4)  # steps 1 to 4: one record each
    return path


@pytest.fixture(scope="module")
def records_payload(records_file):
    return headless.payload_from_file(records_file)


@pytest.fixture
def book(records_payload):
    return headless.book_from_payload(copy.deepcopy(records_payload))


def _edit_table(book, name, change):
    data = tables.read_table(book, name)
    rows = [list(r) for r in data.rows]
    change(rows, data.header)
    tables.write_table(book, name, rows, columns=data.header)
    integrity.sync_pending_writes(book)  # the remote engine's reads see the queued writes


def _set_nip(table, rows, header, nip, which=0):
    rows[which][header.index("NIP")] = nip


def test_the_records_verify(book):
    verdict = integrity.verify_book(book)
    assert verdict.ok and [r.valid for r in verdict.records] == [True] * 4


def test_another_nip_on_log_and_step_sheet_alike_breaks_the_chain(book):
    """The NIP is in the chain: a record rewritten consistently in both places still fails."""
    _edit_table(book, layout.TBL_LOG, lambda rows, h: _set_nip(layout.TBL_LOG, rows, h, OTHER_NIP))
    _edit_table(book, layout.step_table(1), lambda rows, h: _set_nip(None, rows, h, OTHER_NIP))
    verdict = integrity.verify_book(book)
    first = verdict.records[0]
    assert not verdict.ok and not first.valid and first.nip == OTHER_NIP
    assert "tidak cocok dengan Sidik Rantai" in first.reason
    assert "berbeda dari Log" not in first.reason  # the two places agree
    assert [r.valid for r in verdict.records[1:]] == [True] * 3


def test_a_step_sheet_nip_that_differs_from_the_log_is_reported(book):
    _edit_table(book, layout.step_table(1), lambda rows, h: _set_nip(None, rows, h, OTHER_NIP))
    verdict = integrity.verify_book(book)
    first = verdict.records[0]
    assert not verdict.ok and not first.valid
    assert first.reason.endswith("berbeda dari Log pada: NIP.")
    assert "'L1 Disposisi'!" in first.reason


def test_a_log_row_out_of_its_numbered_place_is_reported(book):
    """A plain (unchained) Log row slipped in before the records: every record keeps its
    chain, but its number no longer matches its place."""

    def insert(rows, header):
        extra = [None] * len(header)
        extra[header.index("No")] = 0
        extra[header.index("Aksi")] = "catatan"
        extra[header.index("Waktu")] = "2025-01-06 08:00 WIB"
        rows.insert(0, extra)

    _edit_table(book, layout.TBL_LOG, insert)
    verdict = integrity.verify_book(book)
    assert not verdict.ok
    reasons = [r.reason for r in verdict.records]
    assert all(r and "tidak cocok dengan Sidik Rantai" not in r for r in reasons)
    log = tables.read_table(book, layout.TBL_LOG)
    first_record_cell = log.address(1, "No")  # the record's row, its first (No) cell
    assert f"Nomor Log 1 di Log!{first_record_cell} tidak berurutan (seharusnya 2)" in reasons[0]
    assert "Nomor Log 4 di Log!" in reasons[3] and "tidak berurutan (seharusnya 5)" in reasons[3]


# --------------------------------------------------------------------------- the fingerprint's columns
def _kinerja(header, rows):
    return SimpleNamespace(spec=layout.table(layout.TBL_KINERJA), header=header, rows=rows)


def test_a_filled_extra_column_is_fingerprinted_after_the_layout_columns():
    """'extra columns a user added are included when they hold any value, after the
    layout's columns in header order (an empty helper column does not count, a filled
    one does: it is visible content)'."""
    headers = [
        "Sasaran Strategis",
        "Indikator Kinerja",
        "Satuan",
        "Target Tahunan",
        "Sifat Target",
        "Target s.d. TW I",
        "Target s.d. TW II",
        "Target s.d. TW III",
        "Target s.d. TW IV",
        "Penanggung Jawab",
    ]
    row = ["S1", "IK 1", "Dokumen", 4, "Kumulatif", 1, 2, 3, 4, "Camat"]
    plain = _kinerja(headers, [row])
    with_extra = _kinerja(["Zeta", *headers, "Catatan Saya", "Kosong"], [["z", *row, "penting", None]])
    assert integrity.canonical_table(with_extra) == {
        "tabel": "tblKinerja",
        "kolom": [*headers, "Catatan Saya", "Zeta"],
        "baris": [["S1", "IK 1", "Dokumen", "4", "Kumulatif", "1", "2", "3", "4", "Camat", "penting", "z"]],
    }
    assert integrity.table_digest(with_extra) != integrity.table_digest(plain)
    empty_extra = _kinerja([*headers, "Kosong"], [[*row, "  "]])
    assert integrity.table_digest(empty_extra) == integrity.table_digest(plain)
    body = json.dumps(integrity.canonical_table(plain), ensure_ascii=False, separators=(",", ":"))
    assert (
        integrity.table_digest(plain)
        == hashlib.sha256(f"renaksi-xl/sidik-isi/1\n{body}".encode()).hexdigest()
    )


def test_swapped_records_are_reported_as_a_changed_order(book):
    """Each moved record still matches some other record's chain hash as predecessor:
    the message names the order, not an edit (whichever way the hashes sort)."""
    # swapped positions -> the positions whose predecessor is no longer the original one
    for (a, b), moved in {(0, 1): {0, 1, 2}, (1, 2): {1, 2, 3}, (2, 3): {2, 3}, (0, 3): {0, 1, 3}}.items():
        fresh = headless.book_from_payload(copy.deepcopy(book.api))

        def swap(rows, header, a=a, b=b):
            rows[a], rows[b] = rows[b], rows[a]

        _edit_table(fresh, layout.TBL_LOG, swap)
        verdict = integrity.verify_book(fresh)
        assert not verdict.ok
        reasons = [r.reason or "" for r in verdict.records]
        assert {i for i, r in enumerate(reasons) if r.startswith("Urutan catatan berubah")} == moved, reasons
        assert not any("tidak cocok dengan Sidik Rantai" in r for r in reasons)


def test_a_record_without_its_step_number_reports_step_0(book):
    def blank_step(rows, header):
        rows[1][header.index("Langkah")] = None

    _edit_table(book, layout.TBL_LOG, blank_step)
    verdict = integrity.verify_book(book)
    assert verdict.records[1].step == 0 and not verdict.records[1].valid


def test_reads_after_writes_see_cleared_rows_and_far_cells(book):
    """sync_pending_writes replays the queued writes on the payload: a table that
    shrank reads shorter, a block written beyond the sheet's used range reads back."""
    before = integrity.content_digests(book)
    rows = tables.read_table(book, layout.TBL_RENCANA).rows
    assert len(rows) >= 2
    tables.write_table(book, layout.TBL_RENCANA, [list(r) for r in rows[:-1]])
    integrity.sync_pending_writes(book)
    assert len(tables.read_table(book, layout.TBL_RENCANA).rows) == len(rows) - 1
    after = integrity.content_digests(book)
    assert after[layout.TBL_RENCANA] != before[layout.TBL_RENCANA]
    assert {k: v for k, v in after.items() if k != layout.TBL_RENCANA} == {
        k: v for k, v in before.items() if k != layout.TBL_RENCANA
    }
    sheet = book.sheets[layout.SHEET_LOG]
    sheet["AZ300"].value = [[1, 2], [3, 4]]
    integrity.sync_pending_writes(book)
    assert sheet["AZ300:BA301"].value == [[1, 2], [3, 4]]


def test_negative_fractions_are_not_whole_numbers():
    cv = integrity.canonical_value
    assert cv(-2.5, layout.NUMBER) == "-2.5" and cv(-0.25, layout.PERCENT) == "-0.25"
    assert cv(-1250000.4, layout.MONEY) == "-1250000" and cv(-1250000.5, layout.MONEY) == "-1250001"
    assert cv(-3.0) == "-3" and cv(2.5, layout.NUMBER) == "2.5"


def test_verify_exit_codes(records_file, tmp_path, capsys):
    from renaksi_xl import cli

    assert cli.main(["verify", str(records_file)]) == 0
    broken = tmp_path / "rusak.xlsm"
    shutil.copyfile(records_file, broken)

    def other_nip(book):
        _edit_table(book, layout.TBL_LOG, lambda rows, h: _set_nip(None, rows, h, OTHER_NIP))

    headless.run_on_file(broken, other_nip)
    assert cli.main(["verify", str(broken)]) == 1
    capsys.readouterr()


def test_the_summary_line_names_the_first_broken_record_and_counts_the_rest(book):
    _edit_table(book, layout.step_table(1), lambda rows, h: _set_nip(None, rows, h, OTHER_NIP))
    verdict = integrity.verify_book(book)
    reason = verdict.records[0].reason
    assert verdict.summary() == f"RUSAK: catatan Langkah 1 (catat-disposisi) tidak utuh. {reason}"

    def swap(rows, header):
        rows[2], rows[3] = rows[3], rows[2]

    _edit_table(book, layout.TBL_LOG, swap)
    verdict = integrity.verify_book(book)
    assert verdict.summary().startswith(
        "RUSAK: catatan Langkah 1 (catat-disposisi) tidak utuh dan 2 catatan lain. "
    )


def test_a_plan_edit_is_measured_against_the_last_record(book):
    def edit(rows, header):
        rows[0][header.index("Keterangan")] = "diubah setelah pembahasan"

    _edit_table(book, layout.TBL_RENCANA, edit)
    verdict = integrity.verify_book(book)
    assert [(c.table, c.since_step) for c in verdict.changed_tables] == [(layout.TBL_RENCANA, 4)]
    assert verdict.ok and verdict.approved_by is None  # no approval yet: work in progress


@pytest.mark.parametrize("x", [1.2345678901234567e20, 9.87654321e18, 3.0e15, 2.5])
def test_the_canonical_text_of_a_negative_number_is_its_positive_text_with_a_minus(x):
    for kind in (layout.TEXT, layout.NUMBER, layout.MONEY):
        assert integrity.canonical_value(-x, kind) == "-" + integrity.canonical_value(x, kind)
