"""Working days by China's official calendar (SPEC §5): weekends and public holidays are off,
the State Council's make-up working days (调休上班) are on.

The calendar data comes from the maintained ``chinesecalendar`` package. A year it does not know
is never guessed at: ``CalendarUnknown`` names the year and how to supply it, through an override
file (``parse_override``) that lists that year's holidays and make-up days.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field

import chinese_calendar

from qzzc.errors import CalendarUnknown, ConfigError

OVERRIDE_EXAMPLE = "  year = 2031\n  holidays = [2031-01-01, …]\n  workdays = [2031-01-26, …]"


def _known_years() -> tuple[int, int]:
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


@dataclass(frozen=True)
class Calendar:
    """The official calendar, with any override years a user supplied on top of it.

    ``override_years`` are years described entirely by ``holidays`` and ``workdays``: a day of
    such a year is a working day if it is listed in ``workdays``, or a weekday not in ``holidays``.
    """

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)
    override_years: frozenset[int] = field(default_factory=frozenset)

    def is_workday(self, day: dt.date) -> bool:
        """Returns True on a working day. Raises ``CalendarUnknown`` for a year neither the
        package nor an override knows."""
        if day.year in self.override_years:
            return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            first, last = _known_years()
            raise CalendarUnknown(
                f"工作日历中没有 {day.year} 年的法定节假日和调休安排（内置日历覆盖 {first}–{last} 年），"
                f"无法计算 {day.isoformat()} 前后的工作日",
                "请用 --calendar 文件 提供该年的节假日和调休安排，或升级 chinesecalendar。"
                f"节假日文件为 TOML 文本，例如：\n{OVERRIDE_EXAMPLE}",
            ) from None

    def next_workday(self, day: dt.date) -> dt.date:
        """Returns ``day`` if it is a working day, else the first working day after it. Raises
        ``CalendarUnknown`` when there is none before the end of 9999."""
        while not self.is_workday(day):
            day = _day_after(day)
        return day

    def count_workdays(self, first: dt.date, last: dt.date) -> int:
        """Returns the number of working days from ``first`` to ``last``, both included (0 when
        ``last`` is before ``first``)."""
        count = 0
        day = first
        while day <= last:
            count += self.is_workday(day)
            if day == dt.date.max:
                break
            day += dt.timedelta(days=1)
        return count

    def period(self, start: dt.date, days: int) -> tuple[dt.date, dt.date]:
        """Returns (first, last) of a period of ``days`` working days counted from ``start``
        inclusive; a start on a day off begins on the next working day.

        ``period(2021-09-28, 5)`` is (2021-09-28, 2021-10-09): the National Day holiday is skipped
        and Saturday 2021-10-09 is a make-up working day.
        """
        if days < 1:
            raise ValueError("days must be at least 1")
        first = day = self.next_workday(start)
        remaining = days - 1
        while remaining:
            day = _day_after(day)
            remaining -= self.is_workday(day)
        return first, day


def _day_after(day: dt.date) -> dt.date:
    """The next day; ``CalendarUnknown`` after 9999-12-31, the last day Python's dates know."""
    if day == dt.date.max:
        raise CalendarUnknown(
            "工作日的计算超出了 9999-12-31，日历无法再往后推算",
            "请核对日期（年份是否填错）或 --calendar 文件中的年份。",
        )
    return day + dt.timedelta(days=1)


OFFICIAL = Calendar()


def parse_override(text: str, source: str = "节假日文件") -> Calendar:
    """Returns a calendar with the years of an override file (TOML) on top of the official one.

    The file holds one or more tables or a single top-level year::

        year = 2031
        holidays = [2031-01-01, 2031-01-02]
        workdays = [2031-01-26]

    or ``[[years]]`` tables of the same keys. Raises ``ConfigError`` naming the key and reason.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source} 不是有效的 TOML：{error}") from None
    tables = data.get("years", [data] if "year" in data else [])
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{source}：应有键 year（年份）及 holidays、workdays（日期列表）")
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    years: set[int] = set()
    for index, table in enumerate(tables, start=1):
        where = f"{source} 第 {index} 个年份" if len(tables) > 1 else source
        year = table.get("year") if isinstance(table, dict) else None
        if not isinstance(year, int) or isinstance(year, bool):
            raise ConfigError(f"{where}：键 year 应为年份整数，现为 {year!r}")
        for key, target in (("holidays", holidays), ("workdays", workdays)):
            values = table.get(key, [])
            if not isinstance(values, list):
                raise ConfigError(f"{where}：键 {key} 应为日期列表")
            for value in values:
                if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                    raise ConfigError(
                        f"{where}：键 {key} 中的 {value!r} 不是日期（写作 {year}-01-01，不加引号）"
                    )
                if value.year != year:
                    raise ConfigError(f"{where}：键 {key} 中的 {value.isoformat()} 不在 {year} 年")
                target.add(value)
        years.add(year)
    clash = holidays & workdays
    if clash:
        raise ConfigError(f"{source}：{min(clash).isoformat()} 同时列为节假日和调休工作日")
    return Calendar(frozenset(holidays), frozenset(workdays), frozenset(years))
