"""Fingerprints and `renaksi-xl verify` on the real built workbook."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_workflow import (
    act,
    at,
    book_of,
    ctx_for,
    do_disposisi,
    do_susun,
    dpa_rows,
    kinerja_rows,
    rencana_rows,
    setup_officials,
    upto,
)

from renaksi_xl import cli, headless, integrity, layout, tables, workflow
from renaksi_xl.integrity import canonical_value, content_digests, verify_book


# --------------------------------------------------------------------------- canonical values
def test_canonical_values():
    cv = canonical_value
    assert cv(3) == cv(3.0) == cv("3") == cv(" 3 ") == "3"
    assert cv(0.1 + 0.2, layout.NUMBER) == cv(0.3, layout.NUMBER) == "0.3"
    assert cv(33.333333333333336, layout.PERCENT) == cv(33.3333333, layout.PERCENT) == "33.333333"
    assert cv(1250000.4999, layout.MONEY) == "1250000"
    assert cv(1250000.5, layout.MONEY) == cv("1250001", layout.MONEY) == "1250001"
    assert cv(-0.0) == "0"
    assert cv(None) is None and cv("") is None and cv("   ") is None
    assert cv("Cafe\u0301 ") == cv("Caf\u00e9") == "Caf\u00e9"
    assert cv("a\r\nb") == "a\nb"
    assert cv(dt.date(2025, 1, 6)) == cv(dt.datetime(2025, 1, 6)) == cv("2025-01-06T00:00:00") == "2025-01-06"
    assert cv(dt.datetime(2025, 1, 6, 9, 30)) == "2025-01-06 09:30:00"
    # codes stay as typed; a plain numeral in a code column is not a number
    assert cv("7.01.01.2.01.0001", layout.CODE) == "7.01.01.2.01.0001"
    assert cv("7.10", layout.CODE) == "7.10" and cv("7.10", layout.NUMBER) == "7.1"
    assert cv(True) == "TRUE"
    assert cv(1e30, layout.NUMBER) == "1" + "0" * 30


@settings(max_examples=400, deadline=None)
@given(
    whole=st.integers(min_value=-(10**16), max_value=10**16),
    as_float=st.booleans(),
    kind=st.sampled_from([layout.TEXT, layout.MONEY, layout.NUMBER, layout.PERCENT]),
)
def test_whole_number_fast_path_matches_the_decimal_path(whole, as_float, kind):
    """Stored fingerprints depend on this text: the shortcut for whole numbers must not change it."""
    from decimal import Decimal

    value = float(whole) if as_float else whole
    slow = integrity._number_text(Decimal(repr(value)) if as_float else Decimal(value), kind)
    assert canonical_value(value, kind) == slow


@settings(max_examples=600, deadline=None)
@given(
    text=st.one_of(
        st.text(alphabet=st.characters(max_codepoint=127), max_size=12),
        st.text(max_size=8),
        st.from_regex(r"\s*[A-Za-z+\-.0-9][0-9.:T -]{0,18}\s*", fullmatch=True),
    ),
    kind=st.sampled_from([layout.TEXT, layout.CODE, layout.MONEY, layout.NUMBER, layout.PERCENT]),
)
def test_plain_text_fast_path_matches_the_full_path(text, kind):
    """Stored fingerprints depend on this text: the shortcut for plain ASCII text must not change it."""
    assert canonical_value(text, kind) == integrity._canonical_text(text, kind)


def test_content_text_round_trip():
    digests = {n: integrity._sha256(n) for n in layout.PLAN_TABLES}
    assert integrity.parse_content_text(integrity.content_text(digests)) == digests
    assert integrity.parse_content_text("tblDPA:xyz") is None
    assert integrity.parse_content_text(None) is None


# --------------------------------------------------------------------------- stable across engines
def noisy_susun(book, ctx):
    """A plan with float noise that spreadsheets store differently."""
    rows = rencana_rows()
    rows[0][layout.table(layout.TBL_RENCANA).col_index("Fisik s.d. TW I (%)")] = 100 / 3
    rows[1][layout.table(layout.TBL_RENCANA).col_index("Fisik s.d. TW II (%)")] = 0.1 + 0.2 + 49.7
    rows[1][layout.table(layout.TBL_RENCANA).col_index("Keterangan")] = (
        "Catatan dengan aksen: Café\nbaris dua"
    )
    tables.write_table(book, layout.TBL_RENCANA, rows)
    tables.write_table(book, layout.TBL_KINERJA, kinerja_rows())
    return "draft"


@pytest.fixture
def filled(built_workbook):
    setup_officials(built_workbook)
    do_disposisi(built_workbook)
    act(
        built_workbook,
        lambda b, c: workflow.perform(b, layout.ACTION_TARIK_DPA, c, _tarik_noisy),
        ctx_for(layout.ROLE_KASUBAG, at(hours=1)),
    )
    do_susun(built_workbook, body=noisy_susun)
    return built_workbook


def _tarik_noisy(book, ctx):
    rows = dpa_rows()
    rows[0][layout.table(layout.TBL_DPA).col_index("Januari")] = 10_000_000.000000002
    tables.write_table(book, layout.TBL_DPA, rows)
    return "DPA"


def test_record_fingerprint_equals_the_file_after_the_run(filled):
    verdict = verify_book(book_of(filled))
    assert verdict.ok and verdict.changed_tables == []
    assert [r.action for r in verdict.records] == ["catat-disposisi", "tarik-dpa", "susun"]


def test_fingerprint_survives_openpyxl_save_and_reopen(filled, tmp_path):
    before = content_digests(book_of(filled))
    wb = headless.load_for_update(filled)
    out = tmp_path / "disimpan-ulang.xlsm"
    wb.save(out)
    assert content_digests(book_of(out)) == before
    assert verify_book(book_of(out)).ok


@pytest.mark.libreoffice
def test_fingerprint_survives_libreoffice_round_trip(filled, tmp_path):
    before = content_digests(book_of(filled))
    src = tmp_path / "lo" / "salinan.xlsm"
    src.parent.mkdir()
    shutil.copyfile(filled, src)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(src.parent),
            str(src),
        ],
        check=True,
        timeout=240,
        capture_output=True,
    )
    converted = src.with_suffix(".xlsx")
    assert converted.exists()
    assert content_digests(book_of(converted)) == before
    verdict = verify_book(book_of(converted))
    assert verdict.ok and verdict.changed_tables == [] and all(r.valid for r in verdict.records)


# --------------------------------------------------------------------------- any edit changes it
@pytest.fixture(scope="module")
def filled_payload(built_workbook_master, tmp_path_factory):
    path = tmp_path_factory.mktemp("filled") / "RencanaAksi.xlsm"
    shutil.copyfile(built_workbook_master, path)
    upto(path, 3)
    return headless.payload_from_file(path)


def _cells(payload):
    """(table, sheet index, row, col, header) of every data cell of the plan tables."""
    out = []
    book = headless.book_from_payload(copy.deepcopy(payload))
    for name in layout.PLAN_TABLES:
        data = tables.read_table(book, name)
        sheet_index = [s["name"] for s in payload["sheets"]].index(data.spec.sheet)
        for _i, r in enumerate(data.excel_rows):
            for j, h in enumerate(data.header):
                out.append((name, sheet_index, r, data.first_col + j, h))
    return out


new_values = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda f: round(f, 3)),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20),
    st.sampled_from(["7.01.01.2.01.0001", "Kumulatif", "Tetap", "Akhir Tahun", "0", "100", "25,5"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), value=new_values)
def test_any_single_cell_edit_changes_that_table_only(filled_payload, data, value):
    cells = _cells(filled_payload)
    name, sheet_index, row, col, header = data.draw(st.sampled_from(cells))
    kind = layout.table(name).column(header).kind
    old = filled_payload["sheets"][sheet_index]["values"][row - 1][col - 1]
    assume(canonical_value(value, kind) != canonical_value(old, kind))
    before = content_digests(headless.book_from_payload(copy.deepcopy(filled_payload)))
    edited = copy.deepcopy(filled_payload)
    edited["sheets"][sheet_index]["values"][row - 1][col - 1] = value
    after = content_digests(headless.book_from_payload(edited))
    assert after[name] != before[name]
    assert {k: v for k, v in after.items() if k != name} == {k: v for k, v in before.items() if k != name}


def test_cosmetic_changes_do_not_change_it(filled_payload):
    before = content_digests(headless.book_from_payload(copy.deepcopy(filled_payload)))
    edited = copy.deepcopy(filled_payload)
    for s in edited["sheets"]:
        for row in s["values"]:
            for j, v in enumerate(row):
                if isinstance(v, int) and not isinstance(v, bool):
                    row[j] = float(v) + 1e-9  # float noise
                elif isinstance(v, str) and v.strip():
                    row[j] = f" {v} "  # stray spaces
    assert content_digests(headless.book_from_payload(edited)) == before


# --------------------------------------------------------------------------- verify
def _rewrite_log(path, change):
    def edit(book):
        data = tables.read_table(book, layout.TBL_LOG)
        tables.write_table(
            book, layout.TBL_LOG, change([list(r) for r in data.rows], data), columns=data.header
        )

    headless.run_on_file(path, edit)


def test_verify_json_contract_and_exit_0(filled, capsys):
    assert cli.main(["verify", str(filled), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # The original keys, plus the chain's anchor (issue 16) and the workbook's SOP (issue 11): additive.
    assert set(out) == {
        "ok",
        "records",
        "changed_tables",
        "chain_problems",
        "record_count",
        "last_chain",
        "sop",
        "sop_problems",
        "versi",  # issue 17: the plan's version, per version, and the copies of approved plans
        "versions",
        "snapshot_problems",
    }
    assert out["ok"] is True and out["changed_tables"] == [] and out["chain_problems"] == []
    assert out["record_count"] == len(out["records"]) and len(out["last_chain"]) == 64
    assert out["sop"]["nomor"] == "004/000.9.3.3/I/2024" and out["sop_problems"] == []
    assert out["versi"] == 1 and out["snapshot_problems"] == []
    assert out["versions"] == [{"versi": 1, "records": 3, "ok": True, "ditetapkan": False}]
    first = out["records"][0]
    # issue 14 adds each record's digital signature: an unsigned record is "absent", no signer
    signature_keys = {"signature", "signer", "signature_reason"}
    assert (
        set(first)
        == {"step", "action", "role", "name", "nip", "kind", "time", "valid", "reason", "versi"}
        | signature_keys
    )
    assert first["signature"] == "absent" and first["signer"] is None
    assert first.pop("versi") == 1
    assert {k: v for k, v in first.items() if k not in signature_keys} == {
        "step": 1,
        "action": "catat-disposisi",
        "role": layout.ROLE_CAMAT,
        "name": "Andhika Nugraha",
        "nip": "198303302001121003",
        "kind": "tanda tangan",
        "time": "2025-01-06T09:00:00+07:00",
        "valid": True,
        "reason": None,
    }
    assert [r["kind"] for r in out["records"]] == ["tanda tangan", "paraf", "paraf"]
    assert dt.datetime.fromisoformat(out["records"][2]["time"]).utcoffset() == dt.timedelta(hours=7)


def test_verify_text_is_indonesian(filled, capsys):
    assert cli.main(["verify", str(filled)]) == 0
    text = capsys.readouterr().out
    assert "UTUH" in text and "Langkah 3 (susun): paraf" in text


def test_verify_reports_work_in_progress_changes_without_failing(filled, capsys):
    headless.run_on_file(
        filled, lambda b: b.sheets[layout.SHEET_RENCANA]["T5"].__setattr__("value", "diubah")
    )
    verdict = verify_book(book_of(filled))
    assert [(c.table, c.since_step) for c in verdict.changed_tables] == [(layout.TBL_RENCANA, 3)]
    assert verdict.ok  # step 3 does not approve the content: this is ongoing work
    assert cli.main(["verify", str(filled)]) == 0
    assert "tblRencanaAksi berubah setelah catatan Langkah 3" in capsys.readouterr().out


def test_verify_detects_an_edited_record(filled, capsys):
    def change(rows, data):
        rows[1][data.col("Nama")] = "Orang Lain"
        return rows

    _rewrite_log(filled, change)
    verdict = verify_book(book_of(filled))
    assert not verdict.ok
    assert [r.valid for r in verdict.records] == [True, False, True]
    assert "tidak cocok" in verdict.records[1].reason
    assert cli.main(["verify", str(filled), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_verify_detects_a_deleted_record(filled):
    _rewrite_log(filled, lambda rows, data: [rows[0], rows[2]])
    verdict = verify_book(book_of(filled))
    assert not verdict.ok
    by_action = {r.action: r for r in verdict.records}
    assert by_action["susun"].valid is False
    assert "dihapus" in by_action["susun"].reason
    # the step sheet still holds the deleted record: reported as missing from the Log
    assert by_action["tarik-dpa"].valid is False and "tidak ada di Log" in by_action["tarik-dpa"].reason


def test_verify_detects_a_deleted_last_record(filled):
    _rewrite_log(filled, lambda rows, data: rows[:2])
    verdict = verify_book(book_of(filled))
    assert not verdict.ok
    assert [(r.action, r.valid) for r in verdict.records] == [
        ("catat-disposisi", True),
        ("tarik-dpa", True),
        ("susun", False),
    ]


def test_verify_detects_reordered_records(filled):
    _rewrite_log(filled, lambda rows, data: [rows[1], rows[0], rows[2]])
    verdict = verify_book(book_of(filled))
    assert not verdict.ok
    assert not verdict.records[0].valid and not verdict.records[1].valid
    assert "berurutan" in verdict.records[0].reason or "Urutan" in verdict.records[0].reason


def test_verify_unusable_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "bukan.xlsm"
    bad.write_text("bukan buku kerja")
    assert cli.main(["verify", str(bad)]) == 2
    import openpyxl

    other = tmp_path / "lain.xlsx"
    openpyxl.Workbook().save(other)
    assert cli.main(["verify", str(other), "--json"]) == 2
    assert "Log" in capsys.readouterr().err


def test_verify_command_line_entry_point(filled):
    proc = subprocess.run(
        [sys.executable, "-m", "renaksi_xl.cli", "verify", str(filled), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True


# --------------------------------------------------------------------------- after approval (real validators)
def _approved(path, *, tetapkan: bool):
    from test_workflow import do_paraf, do_tetapkan

    upto(path, 4)
    do_paraf(path)
    if tetapkan:
        do_tetapkan(path)


def _edit_with_openpyxl(path, sheet, address, value):
    """An edit made outside renaksi-xl (sheet protection does not stop a program)."""
    wb = headless.load_for_update(path)
    wb[sheet][address].value = value
    wb.save(path)


@pytest.mark.parametrize("tetapkan, step", [(False, 5), (True, 6)])
def test_verify_detects_an_edit_after_approval(built_workbook, capsys, tetapkan, step):
    path = built_workbook
    _approved(path, tetapkan=tetapkan)
    assert cli.main(["verify", str(path), "--json"]) == 0
    capsys.readouterr()
    _edit_with_openpyxl(path, layout.SHEET_DPA, "L5", 999)  # tblDPA, Pagu (Rp) of the first row
    assert cli.main(["verify", str(path), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert out["changed_tables"] == [
        {"table": layout.TBL_DPA, "since_step": step, "since": f"Langkah {step}"}
    ]
    assert all(r["valid"] for r in out["records"])
    assert cli.main(["verify", str(path)]) == 1
    assert "berubah setelah disetujui" in capsys.readouterr().out
    text = act(path, workflow.periksa_keaslian, ctx_for(layout.ROLE_CAMAT, at(days=2)))
    assert text.startswith("BERUBAH SETELAH DISETUJUI")
