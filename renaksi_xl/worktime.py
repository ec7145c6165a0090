"""Working time in Asia/Jakarta, for the SOP's standard times ("Mutu Baku").

The SOP's "2 Hari" means two working days and "15 Menit" fifteen working
minutes.  A working day is Monday to Friday, minus national holidays and cuti
bersama (from the maintained `holidays` package), with local changes from
tblLibur in Pengaturan; working time on a working day runs between Jam Masuk
and Jam Pulang.  One "hari" of working time is one office day (8 jam by
default), so durations are expressed in office days, hours and minutes.

Everything except `calendar_from_book` is a pure function of its arguments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .context import WIB
from .layout import MONTHS

JENIS_LIBUR = "Libur"
JENIS_CUTI_BERSAMA = "Cuti Bersama"
JENIS_HARI_KERJA = "Hari Kerja"

TEPAT_WAKTU = "Tepat waktu"
TERLAMBAT = "Terlambat"


@dataclass(frozen=True)
class WorkCalendar:
    """Office hours plus the days off and extra working days that apply.

    `days_off` and `extra_working_days` are local entries (tblLibur); they win
    over the weekend and the library's holidays.  With `national_holidays`,
    Indonesia's public holidays and cuti bersama from `holidays` count as days
    off.
    """

    start: dt.time = dt.time(8, 0)
    end: dt.time = dt.time(16, 0)
    days_off: Mapping[dt.date, str] = field(default_factory=dict)
    extra_working_days: frozenset[dt.date] = frozenset()
    national_holidays: bool = True
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("office hours must end after they start")

    @property
    def day_length(self) -> dt.timedelta:
        """Length of one office day of working time (one 'hari')."""
        return _combine(dt.date(2000, 1, 3), self.end) - _combine(dt.date(2000, 1, 3), self.start)

    def _library(self, year: int) -> Mapping[dt.date, str]:
        if year not in self._cache:
            import holidays

            self._cache[year] = holidays.country_holidays(
                "ID", years=year, categories=("public", "government"), language="id"
            )
        return self._cache[year]

    def holiday_name(self, day: dt.date) -> str | None:
        """Why `day` is off (local entry first, then the national calendar), or None."""
        if day in self.extra_working_days:
            return None
        if day in self.days_off:
            return self.days_off[day] or JENIS_LIBUR
        if self.national_holidays:
            name = self._library(day.year).get(day)
            if name:
                return name
        return None

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_working_days:
            return True
        if day.weekday() >= 5:
            return False
        return self.holiday_name(day) is None


def _combine(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=WIB)


def _wib(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=WIB) if moment.tzinfo is None else moment.astimezone(WIB)


def working_duration(start: dt.datetime, end: dt.datetime, calendar: WorkCalendar) -> dt.timedelta:
    """Working time between two moments (naive moments are WIB); zero if end <= start."""
    start, end = _wib(start), _wib(end)
    total = dt.timedelta(0)
    if end <= start:
        return total
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            lo = max(start, _combine(day, calendar.start))
            hi = min(end, _combine(day, calendar.end))
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return total


def standard_duration(days: int, minutes: int, calendar: WorkCalendar) -> dt.timedelta:
    """A Mutu Baku time as working time: days are office days."""
    return days * calendar.day_length + dt.timedelta(minutes=minutes)


def format_duration(td: dt.timedelta, day_length: dt.timedelta = dt.timedelta(hours=8)) -> str:
    """'1 hari 2 jam 5 menit' (a hari is one office day), rounded to the minute."""
    minutes = int(round(td.total_seconds() / 60))
    if minutes <= 0:
        return "0 menit"
    per_day = int(round(day_length.total_seconds() / 60))
    days, rest = divmod(minutes, per_day)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if mins:
        parts.append(f"{mins} menit")
    return " ".join(parts)


def lateness(worked: dt.timedelta, standard: dt.timedelta) -> dt.timedelta:
    """How much working time beyond the standard (zero when on time)."""
    return max(worked - standard, dt.timedelta(0))


def punctuality(
    worked: dt.timedelta, standard: dt.timedelta, day_length: dt.timedelta = dt.timedelta(hours=8)
) -> str:
    """'Tepat waktu' or 'Terlambat 2 jam 10 menit' (late by whole minutes only)."""
    late = lateness(worked, standard)
    if int(round(late.total_seconds() / 60)) <= 0:
        return TEPAT_WAKTU
    return f"{TERLAMBAT} {format_duration(late, day_length)}"


# --------------------------------------------------------------------------- parsing
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_BULAN = {m.lower(): i for i, m in enumerate(MONTHS, start=1)}
_DAY_NAME_MONTH = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})\s*$")


def parse_office_time(value: Any) -> dt.time | None:
    """'08:00', '8.00', a time, or an Excel day fraction (0.3333) -> time; None if unreadable."""
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = int(round(value * 24 * 60))
        return dt.time(minutes // 60, minutes % 60)
    if isinstance(value, str):
        s = value.strip()
        m = _TIME.match(s)
        if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
            return dt.time(int(m.group(1)), int(m.group(2)))
        if "T" in s:  # the VBA client may have turned '1899-12-30T08:00' style text into ISO
            try:
                return dt.datetime.fromisoformat(s).time().replace(second=0, microsecond=0)
            except ValueError:
                return None
    return None


def parse_day(value: Any) -> dt.date | None:
    """A date from a cell: a date, ISO text, 'DD-MM-YYYY' or '17 Agustus 2025'; None if unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    s = value.strip()
    try:
        return dt.datetime.fromisoformat(s).date()
    except ValueError:
        pass
    m = _DMY.match(s)
    if m:
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    m = _DAY_NAME_MONTH.match(s)
    if m and m.group(2).lower() in _BULAN:
        try:
            return dt.date(int(m.group(3)), _BULAN[m.group(2).lower()], int(m.group(1)))
        except ValueError:
            return None
    return None


def calendar_from_book(book) -> WorkCalendar:
    """The office calendar from Pengaturan (tblSetelan office hours, tblLibur)."""
    from . import layout, tables
    from .errors import InputError

    settings_table = tables.read_table(book, layout.TBL_SETELAN)
    key_col = settings_table.col("Setelan")
    times = {}
    for key, default in ((layout.SET_JAM_MASUK, dt.time(8, 0)), (layout.SET_JAM_PULANG, dt.time(16, 0))):
        times[key] = default
        for i, row in enumerate(settings_table.rows):
            if str(row[key_col]).strip() != key:
                continue
            raw = row[settings_table.col("Nilai")]
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                break
            parsed = parse_office_time(raw)
            if parsed is None:
                raise InputError(
                    f"Setelan '{key}' di lembar {layout.SHEET_PENGATURAN} sel "
                    f"{settings_table.address(i, 'Nilai')} berisi '{raw}', bukan jam. "
                    "Tulis jam dalam bentuk JJ:MM, mis. 08:00."
                )
            times[key] = parsed
            break
    start, end = times[layout.SET_JAM_MASUK], times[layout.SET_JAM_PULANG]
    if end <= start:
        raise InputError(
            f"Jam Pulang ({end:%H:%M}) harus lebih lambat dari Jam Masuk ({start:%H:%M}) "
            f"di tabel {layout.TBL_SETELAN}, lembar {layout.SHEET_PENGATURAN}."
        )
    libur = tables.read_table(book, layout.TBL_LIBUR)
    days_off: dict[dt.date, str] = {}
    working: set[dt.date] = set()
    for i, row in enumerate(libur.rows):
        raw_day = row[libur.col("Tanggal")]
        day = parse_day(raw_day)
        if day is None:
            raise InputError(
                f"Tanggal '{raw_day}' di tabel {layout.TBL_LIBUR} (lembar {layout.SHEET_PENGATURAN}, "
                f"sel {libur.address(i, 'Tanggal')}) tidak bisa dibaca. Tulis seperti 2025-08-18."
            )
        jenis = str(row[libur.col("Jenis")] or "").strip()
        matched = next((j for j in layout.LIBUR_JENIS if j.lower() == jenis.lower()), None)
        if matched is None:
            raise InputError(
                f"Jenis '{jenis}' di tabel {layout.TBL_LIBUR} (lembar {layout.SHEET_PENGATURAN}, "
                f"sel {libur.address(i, 'Jenis')}) tidak dikenal. Pilih salah satu: "
                + ", ".join(layout.LIBUR_JENIS)
                + "."
            )
        note = str(row[libur.col("Keterangan")] or "").strip()
        if matched == JENIS_HARI_KERJA:
            working.add(day)
            days_off.pop(day, None)
        else:
            days_off[day] = note or matched
            working.discard(day)
    return WorkCalendar(start=start, end=end, days_off=days_off, extra_working_days=frozenset(working))
