import datetime as dt

import pytest

from qzzc.core.cells import (
    CellInvalid,
    enum_parser,
    parse_date,
    parse_int,
    parse_number,
    parse_text,
    parse_yes_no,
)

D = dt.date(2021, 6, 21)


@pytest.mark.parametrize(
    "value",
    ["2021-06-21", "2021/6/21", "2021.6.21", "2021年6月21日", "２０２１年６月２１日", "20210621", " 2021-6-21 ",
     dt.datetime(2021, 6, 21, 0, 0), D, 44368, 44368.0, "2021-06-21 00:00:00"],
)  # fmt: skip
def test_dates(value):
    assert parse_date(value) == D


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2021-02-30", "日期不存在"),
        ("明天", "不是日期，应写作 2021-06-21、2021/6/21、2021.6.21 或 2021年6月21日"),
        (True, "不是日期"),
    ],
)
def test_bad_dates(value, message):
    with pytest.raises(CellInvalid) as caught:
        parse_date(value)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("value", "number"),
    [("54", 54), ("５４", 54), ("54学时", 54), (54.0, 54), (54.5, 54.5), ("53.5", 53.5), (0, 0), ("6年", 6)],
)
def test_numbers(value, number):
    parsed = parse_number(value)
    assert parsed == number
    assert type(parsed) is type(number)


@pytest.mark.parametrize(
    ("value", "message"),
    [("五十", "不是数字"), ("-1", "不能为负数"), (1e308, "数值超出范围"), (True, "不是数字")],
)
def test_bad_numbers(value, message):
    with pytest.raises(CellInvalid) as caught:
        parse_number(value)
    assert caught.value.message == message


def test_int_refuses_fraction():
    assert parse_int(3.0) == 3
    with pytest.raises(CellInvalid, match="应为整数"):
        parse_int("3.5")


def test_enum_folds_width_and_spaces():
    parse = enum_parser(("县（市、区）属", "市属"), {"县属": "县（市、区）属"})
    assert parse(" 县(市、区)属 ") == "县（市、区）属"
    assert parse("县 属") == "县（市、区）属"
    with pytest.raises(CellInvalid) as caught:
        parse("省属")
    assert caught.value.message == "应为 县（市、区）属 / 市属 之一"


@pytest.mark.parametrize(
    ("value", "answer"),
    [("是", True), ("有", True), ("否", False), ("无", False), (True, True), (" 否 ", False)],
)
def test_yes_no(value, answer):
    assert parse_yes_no(value) is answer


def test_text_of_whole_float_has_no_point():
    assert parse_text(8758639.0) == "8758639"
