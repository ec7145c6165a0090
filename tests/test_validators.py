"""Every validation rule, one violation at a time, on tables read from a real workbook.

A clean plan is written once into a built workbook through the headless
engine and read back with renaksi_xl.tables; each test edits a copy of those
TableData and expects exactly the rule it broke, at the cell it broke.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renaksi_xl import headless, layout, tables
from renaksi_xl.layout import (
    FISIK_TW,
    H_INDIKATOR_KELUARAN,
    H_INDIKATOR_KINERJA,
    H_KODE_SUB,
    H_PAGU,
    H_PENANGGUNG_JAWAB,
    H_SATUAN,
    H_SIFAT_TARGET,
    H_SUB_KEGIATAN,
    H_TARGET_TAHUNAN,
    KEUANGAN_TW,
    MONTHS,
    TARGET_TW,
)
from renaksi_xl.tables import cell_address
from renaksi_xl.validators import RULES, Finding, sample, validate_book, validate_tables
from renaksi_xl.validators.core import officials_of


@pytest.fixture(scope="module")
def clean_file(built_workbook_master, tmp_path_factory):
    path = tmp_path_factory.mktemp("clean") / "RencanaAksi.xlsm"
    shutil.copyfile(built_workbook_master, path)
    sample.write_plan(path, sample.clean_plan(3, indicators=2))
    return path


@pytest.fixture(scope="module")
def clean_tables(clean_file):
    book = headless.open_book(clean_file)
    return Plan(
        tables.read_table(book, layout.TBL_DPA),
        tables.read_table(book, layout.TBL_RENCANA),
        tables.read_table(book, layout.TBL_KINERJA),
        officials_of(book),
    )


@dataclass
class Plan:
    dpa: tables.TableData
    rencana: tables.TableData
    kinerja: tables.TableData
    officials: list[str]

    def get(self, table: str, i: int, header: str):
        t = getattr(self, table)
        return t.rows[i][t.col(header)]

    def set(self, table: str, i: int, header: str, value) -> None:
        t = getattr(self, table)
        t.rows[i][t.col(header)] = value

    def add(self, table: str, row: list) -> None:
        t = getattr(self, table)
        t.rows.append(list(row))
        t.excel_rows.append((t.excel_rows[-1] if t.excel_rows else t.spec.header_row) + 1)

    def clear(self, table: str) -> None:
        t = getattr(self, table)
        t.rows.clear()
        t.excel_rows.clear()

    def where(self, table: str, i: int, header: str) -> tuple[str, str]:
        t = getattr(self, table)
        return t.spec.sheet, t.address(i, header)

    def header_cell(self, table: str, header: str) -> tuple[str, str]:
        t = getattr(self, table)
        return t.spec.sheet, cell_address(t.spec.header_row, t.first_col + t.col(header))

    def validate(self) -> list[Finding]:
        return validate_tables(self.dpa, self.rencana, self.kinerja, self.officials)


@pytest.fixture
def plan(clean_tables) -> Plan:
    return copy.deepcopy(clean_tables)


def hits(findings):
    return sorted((f.rule, f.sheet, f.cell) for f in findings)


def cell(plan: Plan, rule: str, table: str, i: int, header: str):
    return (rule, *plan.where(table, i, header))


# --------------------------------------------------------------------------- the clean plan
def test_clean_plan_has_no_findings(plan):
    assert plan.rencana.rows and plan.dpa.rows and plan.kinerja.rows
    assert plan.where("rencana", 0, FISIK_TW[0]) == ("Rencana Aksi", "K5")  # cells are Excel cells
    assert plan.validate() == []


def test_clean_plan_through_the_file_has_no_findings(clean_file):
    assert validate_book(headless.open_book(clean_file)) == []


def test_tolerated_spellings_are_clean(plan):
    """Case and spacing of Sifat Target and names, and roles as penanggung jawab, are fine."""
    plan.set("rencana", 0, H_SIFAT_TARGET, "  kumulatif ")
    plan.set("rencana", 1, H_PENANGGUNG_JAWAB, "  " + sample.OFFICIALS[2][1].upper().replace(" ", "  ") + " ")
    plan.set("rencana", 2, H_PENANGGUNG_JAWAB, layout.ROLE_SEKRETARIS)
    plan.set("kinerja", 0, H_SIFAT_TARGET, "TETAP")
    assert plan.validate() == []


# --------------------------------------------------------------------------- one rule at a time
def _dpa_row_without_money(plan: Plan, code: str) -> list:
    row = list(plan.dpa.rows[0])
    row[plan.dpa.col(H_KODE_SUB)] = code
    for header in (H_PAGU, *MONTHS):
        row[plan.dpa.col(header)] = 0
    return row


def case_kode_format(p):
    for table in ("dpa", "rencana"):
        p.set(table, 0, H_KODE_SUB, "7.1.01.2.01.0001")
    return [cell(p, "KODE_FORMAT", "dpa", 0, H_KODE_SUB), cell(p, "KODE_FORMAT", "rencana", 0, H_KODE_SUB)]


def case_kode_format_number(p):
    """A code a spreadsheet turned into a number is reported, not repaired."""
    for table in ("dpa", "rencana"):
        p.set(table, 0, H_KODE_SUB, 7.01)
    return [cell(p, "KODE_FORMAT", "dpa", 0, H_KODE_SUB), cell(p, "KODE_FORMAT", "rencana", 0, H_KODE_SUB)]


def case_kode_kosong(p):
    p.set("rencana", 0, H_KODE_SUB, None)
    return [cell(p, "KODE_FORMAT", "rencana", 0, H_KODE_SUB), cell(p, "DPA_TIDAK_ADA", "dpa", 0, H_KODE_SUB)]


def case_kode_ganda(p):
    p.add("dpa", _dpa_row_without_money(p, p.get("dpa", 1, H_KODE_SUB)))
    return [cell(p, "KODE_GANDA", "dpa", 3, H_KODE_SUB)]


def case_kode_ganda_rencana(p):
    """A duplicated plan row also doubles its pagu in the plan total."""
    p.add("rencana", p.rencana.rows[1])
    return [
        cell(p, "KODE_GANDA", "rencana", 3, H_KODE_SUB),
        ("TOTAL_PAGU_BEDA_DPA", *p.header_cell("rencana", H_PAGU)),
    ]


def case_dpa_kosong(p):
    p.clear("dpa")
    return [("DPA_KOSONG", layout.SHEET_DPA, cell_address(p.dpa.spec.header_row + 1, p.dpa.first_col))]


def case_dpa_tidak_ada(p):
    p.add("dpa", _dpa_row_without_money(p, sample.kode(3)))
    return [cell(p, "DPA_TIDAK_ADA", "dpa", 3, H_KODE_SUB)]


def case_dpa_tambahan(p):
    row = list(p.rencana.rows[0])
    row[p.rencana.col(H_KODE_SUB)] = sample.kode(3)
    for header in (H_PAGU, *KEUANGAN_TW):
        row[p.rencana.col(header)] = 0
    p.add("rencana", row)
    return [cell(p, "DPA_TAMBAHAN", "rencana", 3, H_KODE_SUB)]


def case_sub_kegiatan_beda(p):
    p.set("rencana", 0, H_SUB_KEGIATAN, "Sub Kegiatan Lain")
    return [cell(p, "SUB_KEGIATAN_BEDA_DPA", "rencana", 0, H_SUB_KEGIATAN)]


def case_indikator_kosong(p):
    p.set("rencana", 0, H_INDIKATOR_KELUARAN, "  ")
    p.set("kinerja", 1, H_INDIKATOR_KINERJA, None)
    return [
        cell(p, "INDIKATOR_KOSONG", "rencana", 0, H_INDIKATOR_KELUARAN),
        cell(p, "INDIKATOR_KOSONG", "kinerja", 1, H_INDIKATOR_KINERJA),
    ]


def case_nilai_kosong(p):
    p.set("rencana", 1, TARGET_TW[1], None)
    p.set("dpa", 2, H_PAGU, None)
    p.set("rencana", 2, H_PAGU, None)
    p.set("rencana", 2, KEUANGAN_TW[3], None)
    for header in (H_PAGU, *MONTHS):
        p.set("dpa", 2, header, None)
    return [
        cell(p, "NILAI_KOSONG", "rencana", 1, TARGET_TW[1]),
        cell(p, "NILAI_KOSONG", "dpa", 2, H_PAGU),
        cell(p, "NILAI_KOSONG", "rencana", 2, H_PAGU),
        cell(p, "NILAI_KOSONG", "rencana", 2, KEUANGAN_TW[3]),
    ]


def case_nilai_bukan_angka(p):
    p.set("rencana", 1, FISIK_TW[1], "lima puluh")
    p.set("dpa", 0, MONTHS[1], "#REF!")
    p.set("kinerja", 0, TARGET_TW[0], "2025-03-31")
    return [
        cell(p, "NILAI_BUKAN_ANGKA", "rencana", 1, FISIK_TW[1]),
        cell(p, "NILAI_BUKAN_ANGKA", "dpa", 0, MONTHS[1]),
        cell(p, "NILAI_BUKAN_ANGKA", "kinerja", 0, TARGET_TW[0]),
    ]


def case_nilai_berupa_teks(p):
    pagu = p.get("rencana", 0, H_PAGU)
    p.set("rencana", 0, H_PAGU, "Rp " + f"{pagu:,}".replace(",", ".") + ",-")
    p.set("rencana", 1, FISIK_TW[0], "25")
    return [
        cell(p, "NILAI_BERUPA_TEKS", "rencana", 0, H_PAGU),
        cell(p, "NILAI_BERUPA_TEKS", "rencana", 1, FISIK_TW[0]),
    ]


def case_pagu_beda_dpa(p):
    """Two plan rows off by the same amount in opposite directions: totals still agree."""
    for i, delta in ((0, 1_000_000), (1, -1_000_000)):
        p.set("rencana", i, H_PAGU, p.get("rencana", i, H_PAGU) + delta)
        p.set("rencana", i, KEUANGAN_TW[3], p.get("rencana", i, KEUANGAN_TW[3]) + delta)
    return [cell(p, "PAGU_BEDA_DPA", "rencana", 0, H_PAGU), cell(p, "PAGU_BEDA_DPA", "rencana", 1, H_PAGU)]


def case_total_pagu(p):
    """Each DPA pagu has 40 sen: every row agrees to the rupiah, the total is Rp 1 apart."""
    for i in range(3):
        p.set("dpa", i, H_PAGU, p.get("dpa", i, H_PAGU) + 0.4)
    return [("TOTAL_PAGU_BEDA_DPA", *p.header_cell("rencana", H_PAGU))]


def case_anggaran_kas_beda_pagu(p):
    p.set("dpa", 0, MONTHS[11], p.get("dpa", 0, MONTHS[11]) + 500)
    for header in MONTHS:
        p.set("dpa", 2, header, None)
    return [
        cell(p, "ANGGARAN_KAS_BEDA_PAGU", "dpa", 0, H_PAGU),
        cell(p, "ANGGARAN_KAS_BEDA_PAGU", "dpa", 2, H_PAGU),
    ]


def case_keuangan_negatif(p):
    """A negative amount also departs from the (positive) cash plan of the quarter."""
    p.set("rencana", 0, KEUANGAN_TW[0], -1000)
    return [
        cell(p, "KEUANGAN_NEGATIF", "rencana", 0, KEUANGAN_TW[0]),
        cell(p, "KEUANGAN_BEDA_ANGGARAN_KAS", "rencana", 0, KEUANGAN_TW[0]),
    ]


def case_keuangan_tidak_kumulatif(p):
    """Going down also departs from the (growing) cash plan of the quarter."""
    p.set("rencana", 0, KEUANGAN_TW[1], p.get("rencana", 0, KEUANGAN_TW[0]) - 1)
    return [
        cell(p, "KEUANGAN_TIDAK_KUMULATIF", "rencana", 0, KEUANGAN_TW[1]),
        cell(p, "KEUANGAN_BEDA_ANGGARAN_KAS", "rencana", 0, KEUANGAN_TW[1]),
    ]


def case_keuangan_tw4(p):
    p.set("rencana", 1, KEUANGAN_TW[3], p.get("rencana", 1, H_PAGU) - 1000)
    return [cell(p, "KEUANGAN_TW4_BEDA_PAGU", "rencana", 1, KEUANGAN_TW[3])]


def case_keuangan_beda_kas(p):
    p.set("rencana", 2, KEUANGAN_TW[1], p.get("rencana", 2, KEUANGAN_TW[1]) + 1000)
    return [cell(p, "KEUANGAN_BEDA_ANGGARAN_KAS", "rencana", 2, KEUANGAN_TW[1])]


def case_keuangan_sen_rounds(p):
    """Money compares to the rupiah: 49 sen less is the same amount, 50 sen rounds up."""
    p.set("rencana", 0, KEUANGAN_TW[1], p.get("rencana", 0, KEUANGAN_TW[1]) - 0.49)
    p.set("rencana", 1, KEUANGAN_TW[1], p.get("rencana", 1, KEUANGAN_TW[1]) + 0.5)
    return [cell(p, "KEUANGAN_BEDA_ANGGARAN_KAS", "rencana", 1, KEUANGAN_TW[1])]


def case_fisik_rentang(p):
    p.set("rencana", 0, FISIK_TW[0], -5)
    return [cell(p, "FISIK_DI_LUAR_RENTANG", "rencana", 0, FISIK_TW[0])]


def case_fisik_tidak_kumulatif(p):
    p.set("rencana", 0, FISIK_TW[1], 20)
    return [cell(p, "FISIK_TIDAK_KUMULATIF", "rencana", 0, FISIK_TW[1])]


def case_fisik_tw4(p):
    p.set("rencana", 2, FISIK_TW[3], 90)
    return [cell(p, "FISIK_TW4_BUKAN_100", "rencana", 2, FISIK_TW[3])]


def case_target_kosong(p):
    p.set("rencana", 0, H_SATUAN, None)
    p.set("rencana", 1, H_TARGET_TAHUNAN, None)
    p.set("kinerja", 0, H_TARGET_TAHUNAN, 0)  # 'Tetap': no s.d. TW IV rule
    return [
        cell(p, "TARGET_KOSONG", "rencana", 0, H_SATUAN),
        cell(p, "TARGET_KOSONG", "rencana", 1, H_TARGET_TAHUNAN),
        cell(p, "TARGET_KOSONG", "kinerja", 0, H_TARGET_TAHUNAN),
    ]


def case_target_tidak_kumulatif(p):
    p.set("rencana", 0, TARGET_TW[2], p.get("rencana", 0, TARGET_TW[1]) - 0.5)
    p.set("kinerja", 1, H_SIFAT_TARGET, "Kumulatif")
    p.set("kinerja", 1, TARGET_TW[1], 50)
    return [
        cell(p, "TARGET_TIDAK_KUMULATIF", "rencana", 0, TARGET_TW[2]),
        cell(p, "TARGET_TIDAK_KUMULATIF", "kinerja", 1, TARGET_TW[1]),
    ]


def case_target_tw4(p):
    p.set("rencana", 0, TARGET_TW[3], p.get("rencana", 0, H_TARGET_TAHUNAN) + 1)
    p.set("kinerja", 0, H_SIFAT_TARGET, "Akhir Tahun")
    p.set("kinerja", 0, TARGET_TW[3], 90)
    return [
        cell(p, "TARGET_TW4_BEDA_TAHUNAN", "rencana", 0, TARGET_TW[3]),
        cell(p, "TARGET_TW4_BEDA_TAHUNAN", "kinerja", 0, TARGET_TW[3]),
    ]


def case_sifat(p):
    p.set("rencana", 0, H_SIFAT_TARGET, "Bertahap")
    p.set("kinerja", 1, H_SIFAT_TARGET, None)
    return [
        cell(p, "SIFAT_TARGET_TIDAK_DIKENAL", "rencana", 0, H_SIFAT_TARGET),
        cell(p, "SIFAT_TARGET_TIDAK_DIKENAL", "kinerja", 1, H_SIFAT_TARGET),
    ]


def case_arah(p):
    p.set("rencana", 0, layout.H_ARAH, "Makin tinggi")
    p.set("kinerja", 1, layout.H_ARAH, "Turun ")
    p.set("kinerja", 0, layout.H_ARAH, "naik")  # either case, spaces trimmed: not a finding
    p.set("rencana", 1, layout.H_ARAH, None)  # empty reads Naik
    p.set("rencana", 2, layout.H_ARAH, 1)
    return [
        cell(p, "ARAH_TIDAK_DIKENAL", "rencana", 0, layout.H_ARAH),
        cell(p, "ARAH_TIDAK_DIKENAL", "rencana", 2, layout.H_ARAH),
    ]


def case_pj_kosong(p):
    p.set("rencana", 1, H_PENANGGUNG_JAWAB, None)
    p.set("kinerja", 0, H_PENANGGUNG_JAWAB, " ")
    return [
        cell(p, "PENANGGUNG_JAWAB_KOSONG", "rencana", 1, H_PENANGGUNG_JAWAB),
        cell(p, "PENANGGUNG_JAWAB_KOSONG", "kinerja", 0, H_PENANGGUNG_JAWAB),
    ]


def case_pj_asing(p):
    p.set("rencana", 1, H_PENANGGUNG_JAWAB, "Pak Lurah")
    return [cell(p, "PENANGGUNG_JAWAB_TIDAK_DIKENAL", "rencana", 1, H_PENANGGUNG_JAWAB)]


def case_kinerja_kosong(p):
    p.clear("kinerja")
    t = p.kinerja
    return [
        (
            "KINERJA_KOSONG",
            layout.SHEET_KINERJA,
            cell_address(t.spec.header_row + 1, t.first_col + t.col(H_INDIKATOR_KINERJA)),
        )
    ]


def case_kinerja_tw_kosong(p):
    p.set("kinerja", 0, TARGET_TW[2], None)
    return [cell(p, "KINERJA_TARGET_TW_KOSONG", "kinerja", 0, TARGET_TW[2])]


CASES = {name[5:]: fn for name, fn in dict(globals()).items() if name.startswith("case_")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule_fires_exactly_where_broken(plan, case):
    expected = CASES[case](plan)
    findings = plan.validate()
    assert hits(findings) == sorted(expected)
    for f in findings:
        assert f.severity == RULES[f.rule][0]
        assert f.message and f.sheet in (layout.SHEET_DPA, layout.SHEET_RENCANA, layout.SHEET_KINERJA)


def test_every_rule_has_a_case(clean_tables):
    """Every rule id (except the CLI's unreadable-file id and the realisasi rules, whose cases are in
    test_validators_realisasi.py) is produced by some case above."""
    from renaksi_xl.validators.realisasi import RULE_IDS

    seen = set()
    for fn in CASES.values():
        p = copy.deepcopy(clean_tables)
        seen |= {rule for rule, *_ in fn(p)}
    assert seen == set(RULES) - {"BERKAS_TIDAK_TERBACA"} - RULE_IDS


def test_ids_are_the_contract():
    given_ids = {
        "KODE_FORMAT",
        "KODE_GANDA",
        "DPA_TIDAK_ADA",
        "DPA_TAMBAHAN",
        "PAGU_BEDA_DPA",
        "KEUANGAN_NEGATIF",
        "KEUANGAN_TIDAK_KUMULATIF",
        "KEUANGAN_TW4_BEDA_PAGU",
        "KEUANGAN_BEDA_ANGGARAN_KAS",
        "FISIK_DI_LUAR_RENTANG",
        "FISIK_TIDAK_KUMULATIF",
        "FISIK_TW4_BUKAN_100",
        "TARGET_KOSONG",
        "TARGET_TIDAK_KUMULATIF",
        "TARGET_TW4_BEDA_TAHUNAN",
        "SIFAT_TARGET_TIDAK_DIKENAL",
        "ARAH_TIDAK_DIKENAL",
        "PENANGGUNG_JAWAB_KOSONG",
        "PENANGGUNG_JAWAB_TIDAK_DIKENAL",
        "TOTAL_PAGU_BEDA_DPA",
        "KINERJA_TARGET_TW_KOSONG",
    }
    assert given_ids <= set(RULES)
    assert RULES["KEUANGAN_BEDA_ANGGARAN_KAS"][0] == "warning"
    assert RULES["PENANGGUNG_JAWAB_TIDAK_DIKENAL"][0] == "warning"
    assert all(
        RULES[r][0] == "error"
        for r in given_ids - {"KEUANGAN_BEDA_ANGGARAN_KAS", "PENANGGUNG_JAWAB_TIDAK_DIKENAL"}
    )


# --------------------------------------------------------------------------- messages
def rp(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def test_messages_name_the_sub_kegiatan_and_the_figures(plan):
    kode = plan.get("rencana", 0, H_KODE_SUB)
    pagu = plan.get("rencana", 0, H_PAGU)
    plan.set("rencana", 0, H_PAGU, pagu + 1_250_000)
    plan.set("rencana", 0, KEUANGAN_TW[3], pagu + 1_250_000)
    plan.set("dpa", 1, H_PAGU, plan.get("dpa", 1, H_PAGU) + 1_250_000)
    plan.set("rencana", 1, H_PAGU, plan.get("rencana", 1, H_PAGU) + 1_250_000)
    plan.set("rencana", 1, KEUANGAN_TW[3], plan.get("rencana", 1, KEUANGAN_TW[3]) + 1_250_000)
    (f,) = [f for f in plan.validate() if f.rule == "PAGU_BEDA_DPA"]
    assert f.kode_sub_kegiatan == kode
    assert kode in f.message and plan.get("rencana", 0, H_SUB_KEGIATAN) in f.message
    assert rp(pagu + 1_250_000) in f.message and rp(pagu) in f.message and "Rp 1.250.000" in f.message


def test_messages_explain_empty_text_and_mangled_cells(plan):
    plan.set("rencana", 0, H_KODE_SUB, 7.01)
    plan.set("rencana", 1, FISIK_TW[1], "lima puluh")
    plan.set("dpa", 0, MONTHS[1], "#REF!")
    plan.set("rencana", 2, FISIK_TW[3], 1)
    by_rule = {f.rule: f.message for f in plan.validate()}
    assert "tersimpan sebagai angka" in by_rule["KODE_FORMAT"]
    assert "'lima puluh'" in by_rule["NILAI_BUKAN_ANGKA"] or "'#REF!'" in by_rule["NILAI_BUKAN_ANGKA"]
    messages = [f.message for f in plan.validate() if f.rule == "NILAI_BUKAN_ANGKA"]
    assert any("galat rumus '#REF!'" in m for m in messages)
    assert "pecahan" in by_rule["FISIK_TW4_BUKAN_100"]


def test_finding_json_has_exactly_the_contract_keys():
    f = Finding("KODE_FORMAT", "error", "Rencana Aksi", "A5", None, "pesan")
    assert list(f.to_json()) == ["rule", "severity", "sheet", "cell", "kode_sub_kegiatan", "message"]


def test_findings_are_sorted_by_sheet_row_and_column(plan):
    plan.set("rencana", 2, FISIK_TW[0], -5)
    plan.set("rencana", 0, FISIK_TW[3], 90)
    plan.set("dpa", 1, MONTHS[11], plan.get("dpa", 1, MONTHS[11]) + 1)
    cells = [(f.sheet, f.cell) for f in plan.validate()]
    assert cells == [
        plan.where("dpa", 1, H_PAGU),
        plan.where("rencana", 0, FISIK_TW[3]),
        plan.where("rencana", 2, FISIK_TW[0]),
    ]


# --------------------------------------------------------------------------- robustness
CELL_VALUES = st.one_of(
    st.none(),
    st.just(""),
    st.just("  "),
    st.text(max_size=12),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(
        [
            "Rp 1.250.000,00",
            "1,250,000.00",
            "500.000,-",
            "12,5%",
            "#N/A",
            "2025-01-06T09:00:00",
            "7.01.01.2.01.0001",
            "(1.000)",
            "-",
            "Kumulatif",
            "akhir tahun",
        ]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["dpa", "rencana", "kinerja"]), st.integers(0, 2), st.integers(0, 40), CELL_VALUES
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_cell_content_gives_findings_never_a_crash(clean_tables, edits):
    p = copy.deepcopy(clean_tables)
    for table, i, col, value in edits:
        t = getattr(p, table)
        if i < len(t.rows):
            t.rows[i][col % len(t.header)] = value
    findings = p.validate()
    for f in findings:
        assert f.rule in RULES and f.severity in ("error", "warning") and f.message
        assert f.cell is not None


# --------------------------------------------------------------------------- the PyPI namesake
def test_installs_beside_the_pypi_validators_package(tmp_path):
    """`validators` on PyPI is unrelated; ours lives at renaksi_xl.validators, both import."""
    code = (
        "import validators, renaksi_xl.validators as ours\n"
        "assert validators.email('camat@tangerangkota.go.id') is True\n"
        "assert hasattr(validators, 'url') and not hasattr(validators, 'validate_book')\n"
        "assert ours.__name__ == 'renaksi_xl.validators' and 'KODE_FORMAT' in ours.RULES\n"
        "assert ours.Finding('KODE_FORMAT', 'error', 'DPA', 'A5', None, 'x').to_json()['cell'] == 'A5'\n"
        "print(validators.__file__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "site-packages" in out.stdout


def test_staff_guide_explains_every_rule():
    """docs/aturan-validasi.md has a row for every rule id, with its severity in Indonesian."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "aturan-validasi.md").read_text(encoding="utf-8")
    label = {"error": "Galat", "warning": "Peringatan"}
    for rule, (severity, _) in RULES.items():
        assert f"| `{rule}` | {label[severity]} |" in text, rule


def test_schemas_are_built_once_and_threads_see_their_own_tables(clean_tables):
    """The server validates in worker threads with schemas built once: each thread's
    checks must read its own plan and officials, never another thread's."""
    from concurrent.futures import ThreadPoolExecutor

    from renaksi_xl.validators import engine

    plans, expected = [], []
    for name in sorted(CASES):
        p = copy.deepcopy(clean_tables)
        expected.append(sorted(CASES[name](p)))
        plans.append(p)
    plans.append(copy.deepcopy(clean_tables))
    expected.append([])
    assert any(e for e in expected) and expected[-1] == []

    def run(p):
        return hits(p.validate())

    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            assert list(pool.map(run, plans)) == expected
    # one per table validated in this process: the three plan tables, and each realisasi table
    # once some test has validated it (this test alone validates none): never more than five
    assert 3 <= engine._cell_schema.cache_info().currsize <= 5
    assert engine._value_schema.cache_info().currsize == engine._cell_schema.cache_info().currsize


# --------------------------------------------------------------------------- the engine against a plain reading
def _reference_findings(p: Plan) -> list[Finding]:
    """The rule tables evaluated the plain way: each (rule, column) on its own, no pandera, no stacking,
    every text column stripped.  What the stacked pandera checks must reproduce exactly."""
    import numpy as np
    import pandas as pd

    from renaksi_xl.validators import checks, engine
    from renaksi_xl.validators.cells import normalize_name
    from renaksi_xl.validators.core import _join_dpa

    t = engine.Tables(
        engine.prepare(p.dpa, checks.DPA_MONEY, checks.DPA_NUMBERS),
        engine.prepare(p.rencana, checks.RENCANA_MONEY, checks.RENCANA_NUMBERS),
        engine.prepare(p.kinerja, (), checks.KINERJA_NUMBERS),
        engine.Env(frozenset(n for n in map(normalize_name, p.officials) if n)),
    )
    _join_dpa(t.dpa, t.rencana)
    out = []
    for prepared, cell_rules, value_rules in (
        (t.dpa, checks.DPA_CELL_RULES, checks.DPA_VALUE_RULES),
        (t.rencana, checks.RENCANA_CELL_RULES, checks.RENCANA_VALUE_RULES),
        (t.kinerja, checks.KINERJA_CELL_RULES, checks.KINERJA_VALUE_RULES),
    ):
        for r in (*cell_rules, *value_rules):
            for h in r.columns:
                if isinstance(r, engine.CellRule):
                    ok = np.asarray(r.ok(prepared.cells[h], t.env), dtype=bool)
                else:
                    ok = np.asarray(r.ok(prepared.values, h), dtype=bool) | pd.isna(prepared.values[h])
                for position in np.flatnonzero(~ok):
                    excel_row = prepared.data.excel_rows[position]
                    row = engine.Row(prepared, int(excel_row), h)
                    out.append(
                        Finding(
                            r.rule,
                            RULES[r.rule][0],
                            prepared.sheet,
                            prepared.address(int(excel_row), h),
                            row.kode,
                            r.message(row),
                        )
                    )
    for rule in checks.TABLE_RULES:
        out += rule.run(t)
    return engine.finalize(out)


MIXED_VALUES = [
    None,
    "",
    "   ",
    "-",
    "abc",
    "#REF!",
    "Rp 1.250.000,00",
    "500.000,-",
    "7.01",
    7.01,
    True,
    float("nan"),
    float("inf"),
    -5,
    0,
    1,
    101,
    2.5,
    "Kumulatif",
    " akhir tahun ",
    "orang lain",
    "7.01.01.2.01.0001",
]


@pytest.mark.parametrize("seed", range(4))
def test_stacked_pandera_checks_find_exactly_what_a_plain_reading_finds(clean_tables, seed):
    """Many mixed errors, many of them emptied cells: same findings (rule, severity, sheet, cell,
    kode, message, order) as evaluating every rule column by column."""
    import random

    rng = random.Random(seed)
    p = copy.deepcopy(clean_tables)
    for _ in range(60):
        t = getattr(p, rng.choice(["dpa", "rencana", "rencana", "kinerja"]))
        i, c = rng.randrange(len(t.rows)), rng.randrange(len(t.header))
        if rng.random() < 0.2:  # a figure off by some rupiah, or a copy of another row's cell
            v = t.rows[i][c]
            t.rows[i][c] = (
                v * 2 + 1 if isinstance(v, (int, float)) and not isinstance(v, bool) else t.rows[0][c]
            )
        else:
            t.rows[i][c] = rng.choice(MIXED_VALUES)
    findings = p.validate()
    assert findings == _reference_findings(p)
    rules = {f.rule for f in findings}
    assert len(rules) >= 8 and len(findings) >= 20
    assert any(
        f.rule
        in (
            "NILAI_KOSONG",
            "KODE_FORMAT",
            "PENANGGUNG_JAWAB_KOSONG",
            "INDIKATOR_KOSONG",
            "TARGET_KOSONG",
            "KINERJA_TARGET_TW_KOSONG",
        )
        for f in findings
    )  # empty cells reported


# --------------------------------------------------------------------------- numpy inside, pandera running the rules
def _prepared_tables(p: Plan):
    from renaksi_xl.validators import checks, core, engine
    from renaksi_xl.validators.cells import normalize_name

    t = engine.Tables(
        engine.prepare(p.dpa, checks.DPA_MONEY, checks.DPA_NUMBERS, checks.DPA_TEXTS),
        engine.prepare(p.rencana, checks.RENCANA_MONEY, checks.RENCANA_NUMBERS, checks.RENCANA_TEXTS),
        engine.prepare(p.kinerja, (), checks.KINERJA_NUMBERS, checks.KINERJA_TEXTS),
        engine.Env(frozenset(n for n in map(normalize_name, p.officials) if n)),
    )
    core._join_dpa(t.dpa, t.rencana)
    return t, (
        (t.dpa, checks.DPA_CELL_RULES, checks.DPA_VALUE_RULES),
        (t.rencana, checks.RENCANA_CELL_RULES, checks.RENCANA_VALUE_RULES),
        (t.kinerja, checks.KINERJA_CELL_RULES, checks.KINERJA_VALUE_RULES),
    )


@pytest.mark.parametrize("empty", [False, True])
def test_rules_take_and_return_numpy_arrays_one_verdict_per_row(clean_tables, empty):
    """Rules run on 1-D numpy arrays by position (a pandas operation per rule would cost more
    than the whole check on a small plan): every verdict is a boolean array as long as the table,
    also for empty tables."""
    import numpy as np

    p = copy.deepcopy(clean_tables)
    if empty:
        for table in ("dpa", "rencana", "kinerja"):
            p.clear(table)
    t, runs = _prepared_tables(p)
    for prepared, cell_rules, value_rules in runs:
        n = len(
            p.dpa.rows if prepared is t.dpa else p.rencana.rows if prepared is t.rencana else p.kinerja.rows
        )
        assert len(prepared) == n == len(prepared.data.excel_rows)
        assert prepared.grid.shape == (n, len(prepared.data.header))
        for column in (*prepared.cells.values(), *prepared.values.values()):
            assert isinstance(column, np.ndarray) and column.shape == (n,)
        for r in cell_rules:
            for h in r.columns:
                ok = r.ok(prepared.cells[h], t.env)
                assert isinstance(ok, np.ndarray) and ok.dtype == bool and ok.shape == (n,), (r.rule, h)
                assert ok.all(), (r.rule, h)  # the clean plan passes every rule
        for r in value_rules:
            for h in r.columns:
                ok = r.ok(prepared.values, h)
                assert isinstance(ok, np.ndarray) and ok.dtype == bool and ok.shape == (n,), (r.rule, h)
                assert ok.all(), (r.rule, h)


def test_each_rule_is_one_pandera_check_and_pandera_reports_the_cell(clean_tables):
    """pandera runs the rules: one named check per rule, and validating the stacked cells of a
    broken plan raises pandera's SchemaErrors whose failure index is the broken cell."""
    from pandera.errors import SchemaErrors

    from renaksi_xl.validators import checks, engine

    p = copy.deepcopy(clean_tables)
    p.set("rencana", 1, FISIK_TW[1], 20)  # below s.d. TW I
    p.set("rencana", 2, H_PENANGGUNG_JAWAB, None)
    t, _ = _prepared_tables(p)
    for rules, schema, rule, header, position in (
        (
            checks.RENCANA_VALUE_RULES,
            engine.value_schema(t.rencana, checks.RENCANA_VALUE_RULES),
            "FISIK_TIDAK_KUMULATIF",
            FISIK_TW[1],
            1,
        ),
        (
            checks.RENCANA_CELL_RULES,
            engine.cell_schema(t.rencana, checks.RENCANA_CELL_RULES, t.env),
            "PENANGGUNG_JAWAB_KOSONG",
            H_PENANGGUNG_JAWAB,
            2,
        ),
    ):
        assert [c.name for c in schema.checks] == [r.rule for r in rules]
        stack = engine._stack(rules)
        with engine._bound(t.rencana, t.env), pytest.raises(SchemaErrors) as caught:
            schema.validate(stack.series(t.rencana), lazy=True)
        cases = caught.value.failure_cases
        assert list(cases["check"]) == [rule]
        assert stack.locate(t.rencana, int(cases["index"].iloc[0])) == (header, position)


def test_a_dpa_without_codes_is_reported_and_nothing_is_joined_to_it(plan):
    """No DPA row has a code: each code cell is reported, and the plan rows are neither called
    extra nor compared with DPA figures (there is nothing to join them to)."""
    for i in range(len(plan.dpa.rows)):
        plan.set("dpa", i, H_KODE_SUB, None)
    assert hits(plan.validate()) == sorted(
        cell(plan, "KODE_FORMAT", "dpa", i, H_KODE_SUB) for i in range(len(plan.dpa.rows))
    )


def test_column_helpers_on_arrays():
    """What the array helpers promise the rules: kinds and numbers per cell, rupiah rounded half
    away from zero, texts compared as pandas compares objects (a missing value equals nothing)."""
    import numpy as np

    from renaksi_xl.validators import cells

    column = cells.objects([None, "  ", "-", 12, 2.5, "Rp 1.250.000,00", "abc", True, float("inf")])
    kinds, numbers = cells.classify(column)
    assert kinds.dtype == np.int8 and kinds.tolist() == [
        cells.EMPTY,
        cells.EMPTY,
        cells.EMPTY,
        cells.NUMBER,
        cells.NUMBER,
        cells.NUMERIC_TEXT,
        cells.NOT_NUMBER,
        cells.NOT_NUMBER,
        cells.NOT_NUMBER,
    ]
    assert numbers[3:6].tolist() == [12.0, 2.5, 1_250_000.0] and np.isnan(numbers[[0, 1, 2, 6, 7, 8]]).all()
    fast_kinds, fast_numbers = cells.classify(cells.objects([1, None, 2.5, float("-inf")]))
    assert fast_kinds.tolist() == [cells.NUMBER, cells.EMPTY, cells.NUMBER, cells.NOT_NUMBER]
    assert fast_numbers[[0, 2]].tolist() == [1.0, 2.5] and np.isnan(fast_numbers[[1, 3]]).all()
    assert cells.round_rupiah(np.array([0.5, -0.5, 1.49, 2.5, np.nan]))[:4].tolist() == [1.0, -1.0, 1.0, 3.0]
    assert float(cells.round_rupiah(-1250000.5)) == -1250001.0
    a, b = cells.objects(["x", None, "y", None]), cells.objects(["x", None, "z", float("nan")])
    assert cells.same_text(a, b).tolist() == [True, False, False, False]
    assert cells.missing(b).tolist() == [False, True, False, True]
    assert cells.clean_texts(cells.objects([" a ", "  ", None, 7.0, 7.5])).tolist() == [
        "a",
        None,
        None,
        "7",
        "7.5",
    ]
    assert cells.sifat_targets(cells.objects([" kumulatif", "TETAP", "x", None])).tolist() == [
        "Kumulatif",
        "Tetap",
        None,
        None,
    ]
