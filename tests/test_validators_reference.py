"""The numeric rules of docs/aturan-validasi.md, checked against a reference written
from that document alone (issue 16): no rule table, id list, column tuple or
comparison helper of the validators is used here, so a wrong bound in the rule
tables (fisik up to 150, negatives accepted, TW III not compared with the cash
plan) makes these tests fail.  Also fast: the plan comes from the committed
workbook, no build."""

from __future__ import annotations

import copy
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renaksi_xl import headless, tables
from renaksi_xl.validators import sample, validate_tables
from renaksi_xl.validators.core import officials_of

REPO = Path(__file__).resolve().parents[1]
Q = ("I", "II", "III", "IV")
KEUANGAN = tuple(f"Keuangan s.d. TW {q} (Rp)" for q in Q)
FISIK = tuple(f"Fisik s.d. TW {q} (%)" for q in Q)
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
PAGU, KODE = "Pagu (Rp)", "Kode Sub Kegiatan"
# The rules this reference states, from docs/aturan-validasi.md.
NUMERIC_RULES = {
    "KEUANGAN_NEGATIF",
    "KEUANGAN_TIDAK_KUMULATIF",
    "KEUANGAN_TW4_BEDA_PAGU",
    "KEUANGAN_BEDA_ANGGARAN_KAS",
    "PAGU_BEDA_DPA",
    "FISIK_DI_LUAR_RENTANG",
    "FISIK_TIDAK_KUMULATIF",
    "FISIK_TW4_BUKAN_100",
}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    path = tmp_path_factory.mktemp("ref") / "RencanaAksi.xlsm"
    shutil.copyfile(REPO / "workbook" / "RencanaAksi.xlsm", path)
    sample.write_plan(path, sample.clean_plan(3, indicators=2))
    book = headless.open_book(path)
    names = ("tblDPA", "tblRencanaAksi", "tblKinerja")
    return [tables.read_table(book, n) for n in names], officials_of(book)


def rupiah(x) -> int:
    """'Rupiah dibandingkan sampai satuan rupiah (sen dibulatkan: 0,5 ke atas)'."""
    return int(Decimal(str(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reference(dpa, rencana) -> set[tuple[str, str]]:
    """(rule, cell) of every numeric finding, from the document's definitions."""

    def get(t, i, h):
        return t.rows[i][t.header.index(h)]

    def at(t, i, h):
        return t.address(i, h)

    dpa_of = {get(dpa, i, KODE): i for i in range(len(dpa.rows))}
    out = set()
    for i in range(len(rencana.rows)):
        keu = [get(rencana, i, h) for h in KEUANGAN]
        fis = [get(rencana, i, h) for h in FISIK]
        pagu = get(rencana, i, PAGU)
        d = dpa_of[get(rencana, i, KODE)]
        # "Target keuangan suatu triwulan bernilai negatif."
        out |= {("KEUANGAN_NEGATIF", at(rencana, i, KEUANGAN[q])) for q in range(4) if keu[q] < 0}
        # "s.d. triwulan berikutnya lebih kecil dari s.d. triwulan sebelumnya"
        out |= {
            ("KEUANGAN_TIDAK_KUMULATIF", at(rencana, i, KEUANGAN[q]))
            for q in range(1, 4)
            if rupiah(keu[q]) < rupiah(keu[q - 1])
        }
        # "s.d. TW IV tidak sama dengan Pagu"
        if rupiah(keu[3]) != rupiah(pagu):
            out.add(("KEUANGAN_TW4_BEDA_PAGU", at(rencana, i, KEUANGAN[3])))
        # "s.d. TW I, II, atau III berbeda dengan jumlah anggaran kas DPA sampai akhir
        # triwulan itu (Maret, Juni, September)"
        for q, last_month in enumerate((3, 6, 9)):
            kas = sum(get(dpa, d, m) or 0 for m in MONTHS[:last_month])
            if rupiah(keu[q]) != rupiah(kas):
                out.add(("KEUANGAN_BEDA_ANGGARAN_KAS", at(rencana, i, KEUANGAN[q])))
        # "Pagu (Rp) sub kegiatan di Rencana Aksi berbeda dengan Pagu di DPA"
        if rupiah(pagu) != rupiah(get(dpa, d, PAGU)):
            out.add(("PAGU_BEDA_DPA", at(rencana, i, PAGU)))
        # "Target fisik kurang dari 0 atau lebih dari 100."
        out |= {
            ("FISIK_DI_LUAR_RENTANG", at(rencana, i, FISIK[q])) for q in range(4) if not 0 <= fis[q] <= 100
        }
        out |= {
            ("FISIK_TIDAK_KUMULATIF", at(rencana, i, FISIK[q])) for q in range(1, 4) if fis[q] < fis[q - 1]
        }
        # "Target fisik s.d. TW IV bukan 100%."
        if fis[3] != 100:
            out.add(("FISIK_TW4_BUKAN_100", at(rencana, i, FISIK[3])))
    return out


def numeric_findings(dpa, rencana, kinerja, officials) -> set[tuple[str, str]]:
    return {
        (f.rule, f.cell)
        for f in validate_tables(dpa, rencana, kinerja, officials)
        if f.rule in NUMERIC_RULES and f.sheet == rencana.spec.sheet
    }


def edited(clean, edits):
    (dpa, rencana, kinerja), officials = copy.deepcopy(clean)
    for i, header, value in edits:
        rencana.rows[i][rencana.header.index(header)] = value
    return dpa, rencana, kinerja, officials


def test_the_clean_plan_meets_the_reference(clean):
    dpa, rencana, kinerja, officials = edited(clean, [])
    assert reference(dpa, rencana) == set() == numeric_findings(dpa, rencana, kinerja, officials)


def _plus(header, delta):
    """The clean row's own value of `header`, plus delta."""
    return lambda row: row[header] + delta


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        (FISIK[0], 100.5, {("FISIK_DI_LUAR_RENTANG", FISIK[0]), ("FISIK_TIDAK_KUMULATIF", FISIK[1])}),
        (FISIK[1], 120, {("FISIK_DI_LUAR_RENTANG", FISIK[1]), ("FISIK_TIDAK_KUMULATIF", FISIK[2])}),
        (FISIK[3], 101, {("FISIK_DI_LUAR_RENTANG", FISIK[3]), ("FISIK_TW4_BUKAN_100", FISIK[3])}),
        (FISIK[3], 149, {("FISIK_DI_LUAR_RENTANG", FISIK[3]), ("FISIK_TW4_BUKAN_100", FISIK[3])}),
        (FISIK[0], -0.5, {("FISIK_DI_LUAR_RENTANG", FISIK[0])}),
        (KEUANGAN[0], -1, {("KEUANGAN_NEGATIF", KEUANGAN[0]), ("KEUANGAN_BEDA_ANGGARAN_KAS", KEUANGAN[0])}),
        (KEUANGAN[0], -999, {("KEUANGAN_NEGATIF", KEUANGAN[0]), ("KEUANGAN_BEDA_ANGGARAN_KAS", KEUANGAN[0])}),
        (
            KEUANGAN[2],
            1,
            {("KEUANGAN_BEDA_ANGGARAN_KAS", KEUANGAN[2]), ("KEUANGAN_TIDAK_KUMULATIF", KEUANGAN[2])},
        ),
        (KEUANGAN[2], _plus(KEUANGAN[2], 1000), {("KEUANGAN_BEDA_ANGGARAN_KAS", KEUANGAN[2])}),  # September
        (KEUANGAN[2], _plus(KEUANGAN[2], 1), {("KEUANGAN_BEDA_ANGGARAN_KAS", KEUANGAN[2])}),
        (KEUANGAN[0], _plus(KEUANGAN[0], -1), {("KEUANGAN_BEDA_ANGGARAN_KAS", KEUANGAN[0])}),
        (KEUANGAN[3], _plus(PAGU, -1), {("KEUANGAN_TW4_BEDA_PAGU", KEUANGAN[3])}),
        (PAGU, _plus(PAGU, 1), {("PAGU_BEDA_DPA", PAGU), ("KEUANGAN_TW4_BEDA_PAGU", KEUANGAN[3])}),
        (PAGU, -1000, {("PAGU_BEDA_DPA", PAGU), ("KEUANGAN_TW4_BEDA_PAGU", KEUANGAN[3])}),
    ],
)
def test_each_bound_fires_where_the_document_says(clean, header, value, expected):
    """Before: nothing checked these bounds from the document's side (issue 16's survivors:
    fisik up to 150, negatives accepted, TW III not compared with the cash plan)."""
    (_, rencana, _), _ = clean
    i = 1
    if callable(value):
        value = value(dict(zip(rencana.header, rencana.rows[i])))
    dpa, rencana, kinerja, officials = edited(clean, [(i, header, value)])
    want = {(rule, rencana.address(i, h)) for rule, h in expected}
    assert reference(dpa, rencana) == want
    assert numeric_findings(dpa, rencana, kinerja, officials) == want


def test_exact_bounds_are_allowed(clean):
    (_, rencana, _), _ = clean
    edits = [(0, FISIK[0], 0), (0, FISIK[1], 0), (0, FISIK[2], 100), (2, FISIK[0], 100), (2, FISIK[1], 100)]
    edits += [(2, FISIK[2], 100)]
    tables_ = edited(clean, edits)
    assert numeric_findings(*tables_) == reference(tables_[0], tables_[1]) == set()


money = st.integers(min_value=-2_000_000, max_value=400_000_000)
percent = st.one_of(st.integers(-20, 160), st.sampled_from([0, 100, 99.5, 100.5, -0.5]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.one_of(
            st.tuples(st.integers(0, 2), st.sampled_from(KEUANGAN), money),
            st.tuples(st.integers(0, 2), st.sampled_from(FISIK), percent),
            st.tuples(st.integers(0, 2), st.just(PAGU), money),
        ),
        max_size=6,
    )
)
def test_numeric_findings_equal_the_independent_reference(clean, edits):
    tables_ = edited(clean, edits)
    assert numeric_findings(*tables_) == reference(tables_[0], tables_[1])


# --------------------------------------------------------------------------- what the messages say
def _messages(clean, edits, table="rencana"):
    (dpa, rencana, kinerja), officials = copy.deepcopy(clean)
    t = {"dpa": dpa, "rencana": rencana, "kinerja": kinerja}[table]
    for i, header, value in edits:
        t.rows[i][t.header.index(header)] = value
    return {(f.rule, f.cell): f.message for f in validate_tables(dpa, rencana, kinerja, officials)}, t


def test_numbers_in_messages_are_written_the_indonesian_way():
    """'1.250' / '12,5' (cells.angka), 'Rp 1.250.000', percent with '%'."""
    from renaksi_xl.validators import cells

    assert cells.angka(1250) == "1.250" and cells.angka(1250.0) == "1.250"
    assert cells.angka(12.5) == "12,5" and cells.angka(1234.25) == "1.234,25" and cells.angka(-3) == "-3"
    assert cells.rupiah(1250000) == "Rp 1.250.000" and cells.rupiah(-1500.5) == "-Rp 1.501"
    assert cells.persen(25).startswith("25") and cells.persen(25).endswith("%")
    assert cells.persen(12.5).startswith("12,5")


def test_a_non_number_message_gives_an_example_for_the_columns_kind(clean):
    messages, t = _messages(
        clean, [(0, PAGU, "banyak"), (1, FISIK[1], "lima puluh"), (2, "Target s.d. TW I", "dua")]
    )
    assert messages[("NILAI_BUKAN_ANGKA", t.address(0, PAGU))].endswith(
        "Ketik angkanya saja (mis. 1250000 untuk Rp 1.250.000)."
    )
    assert messages[("NILAI_BUKAN_ANGKA", t.address(1, FISIK[1]))].endswith(
        "Ketik angkanya saja (mis. 25 untuk 25%)."
    )
    assert messages[("NILAI_BUKAN_ANGKA", t.address(2, "Target s.d. TW I"))].endswith(
        "Ketik angkanya saja (mis. 12)."
    )


def test_a_number_stored_as_text_is_read_back_in_its_columns_kind(clean):
    messages, t = _messages(clean, [(1, FISIK[0], "25"), (2, "Target s.d. TW I", "1250")])
    fisik = messages[("NILAI_BERUPA_TEKS", t.address(1, FISIK[0]))]
    target = messages[("NILAI_BERUPA_TEKS", t.address(2, "Target s.d. TW I"))]
    assert "terbaca sebagai 25%" in fisik
    assert "terbaca sebagai 1.250," in target


def test_a_negative_annual_target_is_empty_by_definition(clean):
    """TARGET_KOSONG: 'Target Tahunan kosong, nol, atau negatif'."""
    for value in (-5, 0):
        messages, t = _messages(clean, [(0, "Target Tahunan", value)])
        assert ("TARGET_KOSONG", t.address(0, "Target Tahunan")) in messages, value
    messages, t = _messages(clean, [(0, "Target Tahunan", 0.5)])
    assert ("TARGET_KOSONG", t.address(0, "Target Tahunan")) not in messages


def test_a_duplicate_names_the_row_of_the_first(clean):
    (dpa, rencana, kinerja), officials = copy.deepcopy(clean)
    rencana.rows.append(list(rencana.rows[1]))
    rencana.excel_rows.append(rencana.excel_rows[-1] + 1)
    (dup,) = [f for f in validate_tables(dpa, rencana, kinerja, officials) if f.rule == "KODE_GANDA"]
    assert f"sudah ada di baris {rencana.excel_rows[1]}." in dup.message


def test_target_kosong_says_which_part_is_missing(clean):
    messages, t = _messages(
        clean, [(0, "Satuan", None), (1, "Target Tahunan", None), (2, "Target Tahunan", -5)]
    )
    assert messages[("TARGET_KOSONG", t.address(0, "Satuan"))].endswith(
        ": satuan target belum diisi (mis. Dokumen, Kegiatan, Persen)."
    )
    assert messages[("TARGET_KOSONG", t.address(1, "Target Tahunan"))].endswith(
        ": target tahunan belum diisi."
    )
    assert messages[("TARGET_KOSONG", t.address(2, "Target Tahunan"))].endswith(
        ": target tahunan -5 harus lebih dari 0."
    )
