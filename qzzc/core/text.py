"""Normalising text as clerks type it in Excel and WPS."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(value: str) -> str:
    """Returns ``value`` with full-width letters, digits and spaces folded to half-width (NFKC) and
    every run of whitespace removed at the ends and collapsed inside.

    Chinese punctuation such as ``（`` and ``、`` is folded too (``（`` becomes ``(``), so compare two
    normalised strings, never a normalised one with a raw one.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()


def squeeze(value: str) -> str:
    """Returns ``normalize(value)`` without any whitespace at all: for headers and enumerations,
    where ``单 位 性 质`` and ``单位性质`` mean the same."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


def split_top_level(text: str, separators: str) -> list[str]:
    """Splits ``text`` on any of ``separators`` that stands outside brackets (``（）`` or ``()``),
    dropping empty parts and stripping each one.

    ``split_top_level("主任（中）医（药、护、技）师、副主任医师", "、")`` gives the two titles, not five pieces.
    """
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(depth - 1, 0)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]
