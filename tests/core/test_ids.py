import datetime as dt

import pytest

from qzzc.core.cells import CellInvalid
from qzzc.core.ids import LOST_DIGITS, check_digit, parse_id_number


def test_valid_number_gives_birth_and_gender():
    parsed = parse_id_number("330802199001011232")
    assert (parsed.number, parsed.birth_date, parsed.gender) == (
        "330802199001011232",
        dt.date(1990, 1, 1),
        "男",
    )
    assert parse_id_number("330802198512030027").gender == "女"


def test_lower_case_x_and_full_width_digits():
    assert parse_id_number(" 33080219800101018x ").number == "33080219800101018X"
    assert parse_id_number("３３０８０２１９９００１０１１２３２").number == "330802199001011232"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("330802199001011233", "校验位不符，请核对号码"),
        ("33080219900101123", "应为 18 位，实为 17 位"),
        ("3308021990010112A2", "前 17 位应为数字，末位为数字或 X"),
        ("330802199002301231", "出生日期部分不是有效日期"),
        (3.30802199001011e17, LOST_DIGITS),
        (330802199001011232, LOST_DIGITS),
        ("3.30802199001011E+17", LOST_DIGITS),
    ],
)
def test_refusals(value, message):
    with pytest.raises(CellInvalid) as caught:
        parse_id_number(value)
    assert caught.value.message == message


def test_check_digit_table():
    assert check_digit("11010519491231002") == "X"  # the standard's own example


def _number(first17: str) -> str:
    from qzzc.core.ids import check_digit

    return first17 + check_digit(first17)


@pytest.mark.parametrize(
    ("first17", "message"),
    [
        ("00080219900101123", "前两位 00 不是省级行政区划代码（GB/T 2260），请核对号码"),
        ("10080219900101123", "前两位 10 不是省级行政区划代码（GB/T 2260），请核对号码"),
        ("99080219900101123", "前两位 99 不是省级行政区划代码（GB/T 2260），请核对号码"),
    ],
)
def test_province_code_must_exist(first17, message):
    with pytest.raises(CellInvalid) as caught:
        parse_id_number(_number(first17))
    assert caught.value.message == message


@pytest.mark.parametrize("province", ["11", "33", "65", "71", "81", "82", "83"])
def test_province_codes_accepted(province):
    assert parse_id_number(_number(province + "0802199001011232"[:15])).number[:2] == province


@pytest.mark.parametrize(
    ("birth", "problem"),
    [
        ("20300101", "号码中的出生日期晚于 2021 评审年度，请核对号码"),
        ("20220101", "号码中的出生日期晚于 2021 评审年度，请核对号码"),
        ("20150601", "按号码中的出生日期，至 2021 年底未满 16 周岁，请核对号码"),
        ("20060101", "按号码中的出生日期，至 2021 年底未满 16 周岁，请核对号码"),
        ("20051231", None),  # 16 on the last day of the year
        ("19900101", None),
    ],
)
def test_age_against_the_evaluation_year(birth, problem):
    from qzzc.core.ids import age_problem

    assert age_problem(parse_id_number(_number(f"330802{birth}123")), 2021) == problem


def test_an_id_whose_last_digits_excel_zeroed_says_so():
    with pytest.raises(CellInvalid) as caught:
        parse_id_number("330802199001011000")
    assert caught.value.message == (
        "校验位不符；末三位是 000，多半是 Excel 把号码存成了数字、末几位已丢失。请把该列设为“文本”格式后重新录入身份证号"
    )
