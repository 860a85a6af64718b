import datetime as dt

import pytest

from qzzc.core.workdays import OFFICIAL, parse_override
from qzzc.errors import CalendarUnknown, ConfigError

D = dt.date


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2021, 9, 26), True),  # Sunday, make-up day for the National Day holiday
        (D(2021, 10, 1), False),
        (D(2021, 10, 7), False),
        (D(2021, 10, 8), True),
        (D(2021, 10, 9), True),  # Saturday, make-up day
        (D(2021, 10, 10), False),
        (D(2021, 6, 14), False),  # Dragon Boat Festival
        (D(2021, 6, 12), False),
    ],
)
def test_official_days(day, workday):
    assert OFFICIAL.is_workday(day) is workday


@pytest.mark.parametrize(
    ("start", "days", "period"),
    [
        (D(2021, 9, 28), 5, (D(2021, 9, 28), D(2021, 10, 9))),
        (D(2021, 9, 28), 4, (D(2021, 9, 28), D(2021, 10, 8))),
        (D(2021, 10, 2), 5, (D(2021, 10, 8), D(2021, 10, 13))),  # starts in the holiday
        (D(2021, 6, 10), 5, (D(2021, 6, 10), D(2021, 6, 17))),  # across the Dragon Boat holiday
        (D(2021, 12, 29), 5, (D(2021, 12, 29), D(2022, 1, 5))),  # across New Year
        (D(2021, 6, 21), 1, (D(2021, 6, 21), D(2021, 6, 21))),
    ],
)
def test_period(start, days, period):
    assert OFFICIAL.period(start, days) == period


@pytest.mark.parametrize(
    ("first", "last", "count"),
    [
        (D(2021, 9, 28), D(2021, 10, 8), 4),
        (D(2021, 9, 28), D(2021, 10, 9), 5),
        (D(2021, 6, 10), D(2021, 6, 16), 4),
        (D(2021, 6, 10), D(2021, 6, 17), 5),
        (D(2021, 6, 10), D(2021, 6, 9), 0),
    ],
)
def test_count_workdays(first, last, count):
    assert OFFICIAL.count_workdays(first, last) == count


def test_unknown_year_is_an_error_naming_it():
    with pytest.raises(CalendarUnknown) as caught:
        OFFICIAL.is_workday(D(2031, 3, 3))
    assert caught.value.message.startswith("工作日历中没有 2031 年的法定节假日和调休安排（内置日历覆盖 2004–")
    assert "--calendar" in caught.value.message


def test_override_year():
    calendar = parse_override("year = 2031\nholidays = [2031-01-01]\nworkdays = [2031-01-04]\n")
    assert calendar.is_workday(D(2031, 1, 1)) is False  # Wednesday, a holiday
    assert calendar.is_workday(D(2031, 1, 2)) is True
    assert calendar.is_workday(D(2031, 1, 4)) is True  # Saturday, make-up day
    assert calendar.is_workday(D(2031, 1, 5)) is False
    assert calendar.is_workday(D(2021, 10, 9)) is True  # other years stay official


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year = '2031'", "节假日文件：键 year 应为年份整数，现为 '2031'"),
        (
            "year = 2031\nholidays = ['2031-01-01']",
            "节假日文件：键 holidays 中的 '2031-01-01' 不是日期（写作 2031-01-01，不加引号）",
        ),
        ("year = 2031\nholidays = [2030-01-01]", "节假日文件：键 holidays 中的 2030-01-01 不在 2031 年"),
        (
            "year = 2031\nholidays = [2031-01-01]\nworkdays = [2031-01-01]",
            "节假日文件：2031-01-01 同时列为节假日和调休工作日",
        ),
    ],
)
def test_bad_override(text, message):
    with pytest.raises(ConfigError) as caught:
        parse_override(text)
    assert caught.value.message == message


def test_the_last_day_python_knows():
    calendar = parse_override("year = 9999\nholidays = [9999-12-31]\nworkdays = []\n")
    last = dt.date(9999, 12, 31)
    assert calendar.count_workdays(dt.date(9999, 12, 27), last) == 4
    assert calendar.period(dt.date(9999, 12, 27), 4) == (dt.date(9999, 12, 27), dt.date(9999, 12, 30))
    with pytest.raises(CalendarUnknown) as refused:
        calendar.period(dt.date(9999, 12, 27), 5)
    assert refused.value.message == (
        "工作日的计算超出了 9999-12-31，日历无法再往后推算。请核对日期（年份是否填错）或 --calendar 文件中的年份。"
    )
    with pytest.raises(CalendarUnknown):
        calendar.next_workday(last)
