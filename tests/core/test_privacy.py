import pytest

from qzzc.core.privacy import mask_id, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("33080219900101123X", "330802********123X"),
        ("3308021990", "3308021990"[:6] + "0" * 0 + "1990"),
        ("330802", "****02"),
        ("", ""),
    ],
)
def test_mask_id(value, masked):
    assert mask_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812341234", "138****1234"), ("8758639", "***8639"), ("123", "***")],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked
