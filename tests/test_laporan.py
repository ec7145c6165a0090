"""The quarterly report as an SOP flow (issue 13): lapor -> verifikasi -> sahkan, chained records."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from renaksi_xl import demo, headless, integrity, laporan, layout, tables
from renaksi_xl.context import WIB, ActionContext
from renaksi_xl.errors import InputError, Refused
from renaksi_xl.runner import run_action

KASUBAG, SEKRETARIS, CAMAT = (
    demo.NIP[r] for r in (layout.ROLE_KASUBAG, layout.ROLE_SEKRETARIS, layout.ROLE_CAMAT)
)


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory):
    """The demo up to tetapkan (no realisasi yet), and its hand-off copy before tetapkan."""
    out = tmp_path_factory.mktemp("laporan")
    demo.run_demo(out, with_pdf=False, quiet=True, realisasi=False)
    return out / demo.BOOK_NAME, next(out.glob("serah-terima-4-*.xlsm"))


@pytest.fixture
def book(demo_plan, tmp_path):
    path = tmp_path / "ra.xlsm"
    shutil.copyfile(demo_plan[0], path)
    return path


def _at(month, day, hour=9, year=2025):
    return dt.datetime(year, month, day, hour, tzinfo=WIB)


def fill(path, k):
    headless.run_on_file(path, demo._fill_realisasi(k))


def act(path, action, nip, when, tw="I", catatan=None):
    return run_action(path, action, ActionContext(nip=nip, now=when, catatan=catatan, fields={"tw": tw}))[0]


def edit_cell(path, table, row_index, header, value):
    def change(b):
        data = tables.read_table(b, table)
        b.sheets[data.spec.sheet][data.address(row_index, header)].value = value

    headless.run_on_file(path, change)


def report_quarter(path, k, day=(4, 8)):
    q = layout.QUARTERS[k - 1]
    month = 3 * k + 1 if k < 4 else 1
    year = 2026 if k == 4 else 2025
    act(path, layout.ACTION_LAPOR_REALISASI, KASUBAG, _at(month, day[1], 9, year), q)
    act(
        path, layout.ACTION_VERIFIKASI_REALISASI, SEKRETARIS, _at(month, day[1], 13, year), q, "Sesuai bukti."
    )
    act(path, layout.ACTION_SAHKAN_REALISASI, CAMAT, _at(month, day[1] + 1, 9, year), q)


def test_roles_come_from_the_sops_data_pemeriksaan_and_penetapan_steps(book):
    roles = laporan.realisasi_roles(headless.open_book(book))
    assert roles == {
        "data": layout.ROLE_KASUBAG,
        "pemeriksaan": layout.ROLE_SEKRETARIS,
        "penetapan": layout.ROLE_CAMAT,
    }


def test_a_quarter_reported_verified_and_approved(book):
    fill(book, 1)
    summary = act(book, layout.ACTION_LAPOR_REALISASI, KASUBAG, _at(4, 8))
    assert "paraf" in summary and "Batas lapor 10 April 2025: Tepat waktu" in summary
    act(book, layout.ACTION_VERIFIKASI_REALISASI, SEKRETARIS, _at(4, 8, 13), catatan="Sesuai bukti dukung.")
    summary = act(book, layout.ACTION_SAHKAN_REALISASI, CAMAT, _at(4, 9))
    assert "tanda tangan" in summary

    b = headless.open_book(book)
    report = tables.read_table(b, layout.TBL_LAPORAN).records()
    assert [(r["Triwulan"], r["Aksi"], r["Pengesahan"]) for r in report] == [
        ("I", layout.ACTION_LAPOR_REALISASI, layout.PARAF),
        ("I", layout.ACTION_VERIFIKASI_REALISASI, layout.PARAF),
        ("I", layout.ACTION_SAHKAN_REALISASI, layout.TANDA_TANGAN),
    ]
    assert report[1]["Catatan"] == "Sesuai bukti dukung."
    assert report[0]["Ketepatan"] == "Tepat waktu" and report[0]["Batas Lapor"] == "10 April 2025"
    log = integrity.read_log(b)
    last = log[-1]
    assert last.action == layout.ACTION_SAHKAN_REALISASI and last.step is None
    digests = integrity.parse_content_text(last.get("Sidik Isi"))
    assert list(digests) == [*layout.PLAN_TABLES, "tblRealisasiAksi@I", "tblRealisasiKinerja@I"]
    verdict = integrity.verify_book(b)
    assert verdict.ok and all(r.valid for r in verdict.records)
    assert tables.named_range(b, "nmStatusRealisasi").value == "TW I disahkan"
    tw = tables.read_table(b, layout.TBL_CAPAIAN_TW).rows
    assert tw[0][0] == "TW I" and tw[0][3] == 100  # every indicator met its target
    assert tw[1][1:] == [None] * 6


def test_a_late_report_says_so():
    assert laporan.due_date(2025, 1) == dt.date(2025, 4, 10)
    assert laporan.due_date(2025, 2) == dt.date(2025, 7, 10)
    assert laporan.due_date(2025, 4) == dt.date(2026, 1, 10)
    assert laporan.punctuality(dt.date(2025, 7, 15), dt.date(2025, 7, 10)) == "Terlambat 5 hari"
    assert laporan.punctuality(dt.date(2025, 7, 10), dt.date(2025, 7, 10)) == "Tepat waktu"


def test_late_report_in_the_record(book):
    fill(book, 1)
    act(book, layout.ACTION_LAPOR_REALISASI, KASUBAG, _at(4, 15))
    report = tables.read_table(headless.open_book(book), layout.TBL_LAPORAN).records()
    assert report[0]["Ketepatan"] == "Terlambat 5 hari"


def test_the_sops_deadline_decides_punctuality(book):
    """`batas_laporan_realisasi = 5` in the SOP (here the server's trusted SOP, which also
    decides the deadline there): reported on 8 April, TW I is 3 days late."""
    import dataclasses

    from renaksi_xl import sop

    trusted = dataclasses.replace(sop.default(), batas_laporan_realisasi=5)
    fill(book, 1)
    ctx = ActionContext(nip=KASUBAG, now=_at(4, 8), fields={"tw": "I"}, sop=trusted)
    summary = run_action(book, layout.ACTION_LAPOR_REALISASI, ctx)[0]
    assert "Batas lapor 5 April 2025: Terlambat 3 hari" in summary
    report = tables.read_table(headless.open_book(book), layout.TBL_LAPORAN).records()
    assert report[0]["Batas Lapor"] == "5 April 2025" and report[0]["Ketepatan"] == "Terlambat 3 hari"


def test_refused_before_the_plan_is_set(demo_plan, tmp_path):
    path = tmp_path / "belum.xlsm"
    shutil.copyfile(demo_plan[1], path)  # hand-off to the Camat, before tetapkan
    fill(path, 1)
    before = path.read_bytes()
    with pytest.raises(Refused, match="belum ditetapkan"):
        act(path, layout.ACTION_LAPOR_REALISASI, KASUBAG, _at(4, 8))
    assert path.read_bytes() == before


def test_wrong_official_and_wrong_order_are_refused(book):
    fill(book, 1)
    before = book.read_bytes()
    with pytest.raises(Refused, match="Kasubag"):
        act(book, layout.ACTION_LAPOR_REALISASI, SEKRETARIS, _at(4, 8))
    with pytest.raises(Refused, match="laporan realisasi TW I belum dicatat"):
        act(book, layout.ACTION_VERIFIKASI_REALISASI, SEKRETARIS, _at(4, 8))
    with pytest.raises(Refused, match="TW I belum disahkan"):
        act(book, layout.ACTION_LAPOR_REALISASI, KASUBAG, _at(7, 8), "II")
    assert book.read_bytes() == before


def test_lapor_without_realisasi_is_unusable_input(book):
    with pytest.raises(InputError, match="Belum ada realisasi TW I"):
        act(book, layout.ACTION_LAPOR_REALISASI, KASUBAG, _at(4, 8))


def test_verifikasi_refused_while_realisasi_has_errors(book):
    fill(book, 1)
    edit_cell(book, layout.TBL_REALISASI_AKSI, 0, layout.H_REALISASI_FISIK, 120)
    act(book, layout.ACTION_LAPOR_REALISASI, KASUBAG, _at(4, 8))
    before = book.read_bytes()
    with pytest.raises(Refused) as exc:
        act(book, layout.ACTION_VERIFIKASI_REALISASI, SEKRETARIS, _at(4, 8, 13))
    assert "REALISASI" not in exc.value.message  # staff read the message, not the rule id
    assert "Realisasi Aksi!E5" in exc.value.message and "120%" in exc.value.message
    assert book.read_bytes() == before


def test_sahkan_refused_when_realisasi_changed_after_verification(book):
    fill(book, 1)
    act(book, layout.ACTION_LAPOR_REALISASI, KASUBAG, _at(4, 8))
    act(book, layout.ACTION_VERIFIKASI_REALISASI, SEKRETARIS, _at(4, 8, 13))
    edit_cell(book, layout.TBL_REALISASI_AKSI, 0, layout.H_PENDORONG, "ditulis ulang")
    with pytest.raises(Refused, match=r"tblRealisasiAksi@I berubah sejak verifikasi"):
        act(book, layout.ACTION_SAHKAN_REALISASI, CAMAT, _at(4, 9))


def test_verify_catches_a_change_to_approved_realisasi_but_not_later_quarters(book):
    fill(book, 1)
    report_quarter(book, 1)
    fill(book, 2)  # TW II typed after TW I was approved: work in progress, not a change
    assert integrity.verify_book(headless.open_book(book)).ok
    edit_cell(book, layout.TBL_REALISASI_AKSI, 0, layout.H_REALISASI, 99)  # a TW I row
    verdict = integrity.verify_book(headless.open_book(book))
    assert not verdict.ok
    assert [c.table for c in verdict.changed_tables] == ["tblRealisasiAksi@I"]
    # named after the report record it follows, not a step 0 of the SOP
    assert verdict.changed_tables[0].since_step == 0
    assert verdict.changed_tables[0].since == "laporan realisasi TW I (sahkan-realisasi)"
    for text in (integrity.render_text(verdict), verdict.summary()):
        assert "Langkah 0" not in text and "laporan realisasi TW I (sahkan-realisasi)" in text, text


def test_second_quarter_after_the_first_is_approved(book):
    fill(book, 1)
    report_quarter(book, 1)
    fill(book, 2)
    report_quarter(book, 2, day=(7, 15))
    b = headless.open_book(book)
    assert integrity.verify_book(b).ok
    report = tables.read_table(b, layout.TBL_LAPORAN).records()
    assert [r["Triwulan"] for r in report] == ["I", "I", "I", "II", "II", "II"]
    assert report[3]["Ketepatan"] == "Terlambat 5 hari"
    with pytest.raises(Refused, match="sudah dilaporkan"):
        act(book, layout.ACTION_LAPOR_REALISASI, KASUBAG, _at(7, 20), "II")


def test_only_the_year_end_approval_locks_the_realisasi_sheets(book):
    import openpyxl

    def locked() -> list[bool]:
        wb = openpyxl.load_workbook(book, keep_vba=True)
        return [wb[name].protection.sheet for name in layout.LOCKED_AFTER_YEAR_END]

    for k in (1, 2, 3):
        fill(book, k)
        report_quarter(book, k)
        assert locked() == [False, False], k  # the next quarter is typed there
    fill(book, 4)
    report_quarter(book, 4)
    assert locked() == [True, True]
    assert integrity.verify_book(headless.open_book(book)).ok


def test_old_and_new_sidik_isi_parse():
    hexes = ["a" * 64, "b" * 64, "c" * 64, "d" * 64, "e" * 64]
    old = f"tblDPA:{hexes[0]} tblRencanaAksi:{hexes[1]} tblKinerja:{hexes[2]}"
    assert integrity.parse_content_text(old) is not None
    new = old + f" tblRealisasiAksi@II:{hexes[3]} tblRealisasiKinerja@II:{hexes[4]}"
    assert list(integrity.parse_content_text(new))[-1] == "tblRealisasiKinerja@II"
    assert integrity.parse_content_text(old + f" tblRealisasiAksi@V:{hexes[3]}") is None
    assert integrity.parse_content_text(old + f" tblLain:{hexes[3]}") is None


def test_cutting_the_last_report_record_shows(book):
    """The report's records move the chain's anchor on Beranda like the SOP's records do."""
    fill(book, 1)
    report_quarter(book, 1)

    def cut(b):
        for name in (layout.TBL_LOG, layout.TBL_LAPORAN):
            data = tables.read_table(b, name)
            tables.write_table(b, name, data.rows[:-1], columns=data.header)

    headless.run_on_file(book, cut)
    verdict = integrity.verify_book(headless.open_book(book))
    assert not verdict.ok and verdict.chain_problems
