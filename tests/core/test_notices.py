import datetime as dt
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from qzzc.core.notices import chinese_date, chinese_period, percent
from qzzc.core.workdays import OFFICIAL

D = dt.date


def test_chinese_dates():
    assert chinese_date(D(2021, 10, 9)) == "2021年10月9日"
    assert chinese_period(*OFFICIAL.period(D(2021, 9, 28), 5)) == "2021年9月28日至2021年10月9日"
    assert chinese_period(*OFFICIAL.period(D(2021, 12, 29), 5)) == "2021年12月29日至2022年1月5日"


def test_percent_examples():
    assert (percent(2, 3), percent(1, 8), percent(0, 5), percent(5, 5), percent(1, 0)) == (
        "66.7%",
        "12.5%",
        "0.0%",
        "100.0%",
        "—",
    )


@given(st.integers(0, 500), st.integers(1, 500))
def test_percent_rounds_half_up_exactly(part, whole):
    tenths = Fraction(part * 1000, whole)
    expected = int(tenths + Fraction(1, 2))
    assert percent(part, whole) == f"{expected // 10}.{expected % 10}%"
