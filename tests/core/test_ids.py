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
