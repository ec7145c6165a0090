"""Working-time arithmetic: weekends, holidays, cuti bersama, overrides, office hours, years."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renaksi_xl import headless, layout, tables
from renaksi_xl.context import WIB
from renaksi_xl.errors import InputError
from renaksi_xl.worktime import (
    WorkCalendar,
    calendar_from_book,
    format_duration,
    parse_day,
    parse_office_time,
    punctuality,
    standard_duration,
    working_duration,
)

CAL = WorkCalendar()
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def t(y, mo, d, h=0, mi=0):
    return dt.datetime(y, mo, d, h, mi, tzinfo=WIB)


def test_within_one_office_day():
    # Monday 6 January 2025
    assert working_duration(t(2025, 1, 6, 9), t(2025, 1, 6, 9, 15), CAL) == 15 * M
    assert working_duration(t(2025, 1, 6, 9), t(2025, 1, 6, 9), CAL) == dt.timedelta(0)
    assert working_duration(t(2025, 1, 6, 10), t(2025, 1, 6, 9), CAL) == dt.timedelta(0)


def test_before_and_after_office_hours_do_not_count():
    assert working_duration(t(2025, 1, 6, 6), t(2025, 1, 6, 7, 59), CAL) == dt.timedelta(0)
    assert working_duration(t(2025, 1, 6, 6), t(2025, 1, 6, 9), CAL) == H
    assert working_duration(t(2025, 1, 6, 15), t(2025, 1, 6, 22), CAL) == H
    # evening to next morning: only the next morning counts
    assert working_duration(t(2025, 1, 6, 20), t(2025, 1, 7, 8, 30), CAL) == 30 * M


def test_weekend_does_not_count():
    # Friday 10 Jan 15:00 -> Monday 13 Jan 09:00 = 1 h Friday + 1 h Monday
    assert working_duration(t(2025, 1, 10, 15), t(2025, 1, 13, 9), CAL) == 2 * H
    assert working_duration(t(2025, 1, 11, 9), t(2025, 1, 12, 15), CAL) == dt.timedelta(0)


def test_national_holiday_and_cuti_bersama_from_library():
    # 2025-01-27 Isra Mikraj (public), 2025-01-28 cuti bersama Imlek, 2025-01-29 Imlek (public)
    assert not CAL.is_working_day(dt.date(2025, 1, 27))
    assert not CAL.is_working_day(dt.date(2025, 1, 28))
    assert "Cuti Bersama" in CAL.holiday_name(dt.date(2025, 1, 28))
    # Friday 24 Jan 15:00 -> Thursday 30 Jan 09:00: 1 h + 1 h
    assert working_duration(t(2025, 1, 24, 15), t(2025, 1, 30, 9), CAL) == 2 * H
    # Lebaran 2025: 31 Mar - 7 Apr all off (holidays and cuti bersama)
    assert working_duration(t(2025, 3, 28, 8), t(2025, 4, 8, 8), CAL) == dt.timedelta(0)


def test_local_overrides():
    # a local day off on an ordinary Wednesday, and a Saturday made a working day
    cal = WorkCalendar(
        days_off={dt.date(2025, 1, 8): "HUT Kota"}, extra_working_days=frozenset({dt.date(2025, 1, 11)})
    )
    assert cal.holiday_name(dt.date(2025, 1, 8)) == "HUT Kota"
    assert working_duration(t(2025, 1, 8, 8), t(2025, 1, 8, 16), cal) == dt.timedelta(0)
    assert working_duration(t(2025, 1, 11, 8), t(2025, 1, 11, 16), cal) == 8 * H
    # Hari Kerja beats a national holiday too
    cal = WorkCalendar(extra_working_days=frozenset({dt.date(2025, 1, 28)}))
    assert cal.is_working_day(dt.date(2025, 1, 28))
    assert WorkCalendar(national_holidays=False).is_working_day(dt.date(2025, 1, 28))


def test_across_years():
    # Wed 31 Dec 2025 15:00 -> Fri 2 Jan 2026 09:00; 1 Jan is New Year
    assert working_duration(t(2025, 12, 31, 15), t(2026, 1, 2, 9), CAL) == 2 * H
    # 22-24 Dec work, 25 Natal, 26 cuti bersama, 27-28 weekend, 29-31 work, 1 Jan off
    assert working_duration(t(2025, 12, 22, 8), t(2026, 1, 2, 8), CAL) == 6 * CAL.day_length


def test_naive_and_other_offsets_are_wib():
    naive = dt.datetime(2025, 1, 6, 9)
    utc = dt.datetime(2025, 1, 6, 2, tzinfo=dt.timezone.utc)  # = 09:00 WIB
    assert working_duration(naive, t(2025, 1, 6, 10), CAL) == H
    assert working_duration(utc, t(2025, 1, 6, 10), CAL) == H


def test_custom_office_hours_change_the_day():
    cal = WorkCalendar(start=dt.time(7, 30), end=dt.time(16, 30))
    assert cal.day_length == 9 * H
    assert standard_duration(2, 0, cal) == 18 * H
    assert format_duration(10 * H, cal.day_length) == "1 hari 1 jam"
    with pytest.raises(ValueError):
        WorkCalendar(start=dt.time(16), end=dt.time(8))


def test_format_duration():
    assert format_duration(dt.timedelta(0)) == "0 menit"
    assert format_duration(5 * M) == "5 menit"
    assert format_duration(10 * H + 5 * M) == "1 hari 2 jam 5 menit"
    assert format_duration(16 * H) == "2 hari"
    assert format_duration(dt.timedelta(seconds=89)) == "1 menit"
    assert format_duration(-H) == "0 menit"


def test_punctuality():
    assert punctuality(15 * M, 15 * M) == "Tepat waktu"
    assert punctuality(2 * H + 25 * M, 15 * M) == "Terlambat 2 jam 10 menit"
    assert punctuality(3 * 8 * H, standard_duration(2, 0, CAL)) == "Terlambat 1 hari"
    assert punctuality(dt.timedelta(seconds=20) + 15 * M, 15 * M) == "Tepat waktu"


def test_sop_total_standard_time_is_4_hari_55_menit():
    from renaksi_xl import sop

    total = sum((standard_duration(s.waktu.days, s.waktu.minutes, CAL) for s in sop.STEPS), dt.timedelta())
    assert format_duration(total) == sop.TOTAL_TIME_LABEL


@settings(max_examples=200, deadline=None)
@given(
    a=st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31)),
    b=st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31)),
    c=st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31)),
)
def test_additive_and_bounded(a, b, c):
    a, b, c = sorted([a, b, c])
    ab, bc, ac = (working_duration(x, y, CAL) for x, y in ((a, b), (b, c), (a, c)))
    assert ab + bc == ac
    assert ac <= c - a
    # never more than one office day per calendar day touched
    assert ac <= ((c.date() - a.date()).days + 1) * CAL.day_length


def test_parsers():
    assert parse_office_time("08:00") == dt.time(8)
    assert parse_office_time("7.30") == dt.time(7, 30)
    assert parse_office_time(1 / 3) == dt.time(8)
    assert parse_office_time(dt.time(16, 0)) == dt.time(16)
    assert parse_office_time("delapan") is None
    assert parse_office_time("25:00") is None
    assert parse_day("2025-08-18") == dt.date(2025, 8, 18)
    assert parse_day("2025-08-18T00:00:00") == dt.date(2025, 8, 18)
    assert parse_day("18-08-2025") == dt.date(2025, 8, 18)
    assert parse_day("18 Agustus 2025") == dt.date(2025, 8, 18)
    assert parse_day(dt.datetime(2025, 8, 18)) == dt.date(2025, 8, 18)
    assert parse_day("31-02-2025") is None
    assert parse_day("besok") is None


def _set_setting(book, key, value):
    tables.write_setting(book, key, value)


def test_calendar_from_built_workbook(built_workbook):
    book = headless.open_book(built_workbook)
    cal = calendar_from_book(book)
    assert (cal.start, cal.end) == (dt.time(8), dt.time(16))

    def edit(b):
        _set_setting(b, layout.SET_JAM_MASUK, "07:30")
        _set_setting(b, layout.SET_JAM_PULANG, "16:00")
        tables.write_table(
            b,
            layout.TBL_LIBUR,
            [
                ["2025-01-08", "HUT Kota Tangerang", "Libur"],
                ["2025-01-11", "Pengganti cuti", "Hari Kerja"],
                ["2025-01-09", "Cuti bersama daerah", "cuti bersama"],
            ],
        )

    headless.run_on_file(built_workbook, edit)
    cal = calendar_from_book(headless.open_book(built_workbook))
    assert cal.day_length == dt.timedelta(hours=8, minutes=30)
    assert cal.holiday_name(dt.date(2025, 1, 8)) == "HUT Kota Tangerang"
    assert not cal.is_working_day(dt.date(2025, 1, 9))
    assert cal.is_working_day(dt.date(2025, 1, 11))


@pytest.mark.parametrize(
    "edit, where",
    [
        (lambda b: _set_setting(b, layout.SET_JAM_MASUK, "pagi"), "Jam Masuk"),
        (lambda b: _set_setting(b, layout.SET_JAM_PULANG, "07:00"), "Jam Pulang"),
        (lambda b: tables.write_table(b, layout.TBL_LIBUR, [["kemarin", "x", "Libur"]]), "A35"),
        (lambda b: tables.write_table(b, layout.TBL_LIBUR, [["2025-01-08", "x", "Mogok"]]), "C35"),
    ],
)
def test_calendar_errors_name_the_cell(built_workbook, edit, where):
    headless.run_on_file(built_workbook, edit)
    with pytest.raises(InputError) as exc:
        calendar_from_book(headless.open_book(built_workbook))
    assert where in exc.value.message
