"""Masking personal data (SPEC §10): ID numbers and phone numbers never appear in full in a
public notice, a log line or an error message."""

from __future__ import annotations


def mask_id(value: str) -> str:
    """Returns an ID number with its middle hidden: ``330802********123X``.

    The first six characters (the region) and the last four stay; anything shorter than ten
    characters is hidden but for its last two, so that no malformed number leaks whole.
    """
    value = value.strip()
    if len(value) >= 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    return "*" * max(len(value) - 2, 0) + value[-2:]


def mask_phone(value: str) -> str:
    """Returns a phone number with its middle hidden: ``138****1234``; short office numbers
    (seven or eight digits) keep their last four."""
    value = value.strip()
    if len(value) >= 11:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if len(value) > 4:
        return "*" * (len(value) - 4) + value[-4:]
    return "*" * len(value)
