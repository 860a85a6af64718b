import pytest

from qzzc.core.privacy import mask_id, mask_phone

ID = "33080219900101123X"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("", ""),
        ("1", "*"),
        ("12", "**"),
        ("123", "**3"),
        ("12345", "****5"),
        ("13812341234", "********234"),  # a phone number typed into the ID column
        ("33080219900101123", "************01123"),  # 17: one character short
        (ID, "330802********123X"),
        (ID + "5", "*************1123X5"),  # 19: run together with a stray digit
        ("  " + ID + " ", "330802********123X"),
        ("330802 19900101 123X", "**************1 123X"),  # 20 with spaces
    ],
)
@pytest.mark.parametrize("mask", [mask_id, mask_phone], ids=["id", "phone"])
def test_masking_at_every_length(mask, value, masked):
    assert mask(value) == masked


@pytest.mark.parametrize("length", range(0, 40))
def test_no_value_shows_more_than_a_third_but_an_id_number(length):
    value = "".join(str(digit % 10) for digit in range(1, length + 1))
    masked = mask_id(value)
    assert len(masked) == length
    shown = sum(1 for char in masked if char != "*")
    assert shown == (10 if length == 18 else length // 3)
    assert value not in masked or length == 0
