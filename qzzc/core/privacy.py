"""Masking personal data (SPEC §10, §14): ID numbers and phone numbers never appear in full in a
public notice, a log line or an error message, whatever was typed into their column."""

from __future__ import annotations

ID_LENGTH = 18


def mask_id(value: str) -> str:
    """Returns a value of an ID column with most of it hidden.

    An 18-character ID number keeps its first six characters (the region) and last four:
    ``330802********123X``. A value of any other length (a phone number typed into the ID
    column, a number cut short or run together with another) shows at most a third of its
    characters, at its end: ``13812341234`` becomes ``********234``.
    """
    value = value.strip()
    if len(value) == ID_LENGTH:
        return value[:6] + "*" * (ID_LENGTH - 10) + value[-4:]
    shown = len(value) // 3
    return "*" * (len(value) - shown) + value[len(value) - shown :]


def mask_phone(value: str) -> str:
    """Returns a value of a phone column masked by the same rule as ``mask_id`` (SPEC §14: at
    most a third of a value shorter than 18 characters shows): ``13812341234`` becomes
    ``********234``, and an ID number typed into the phone column ``330802********123X``."""
    return mask_id(value)
