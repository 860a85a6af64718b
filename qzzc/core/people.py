"""Naming a person on the command line by ID number or by name (SPEC §13).

A clerk sees ID numbers masked (``330802********467X``) and knows people by name, so wherever a
command names a person it takes the ID number or, where the name is unique among the people it
could mean, the name. An ambiguous name is refused with the candidates' masked ID numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qzzc.core.privacy import mask_id
from qzzc.core.text import squeeze
from qzzc.errors import NotFound, UsageError

_ID_LIKE = re.compile(r"[0-9]{17}[0-9X]")


def looks_like_id(text: str) -> bool:
    """Whether ``text`` is written as an ID number (17 digits and a digit or X, spaces aside)."""
    return bool(_ID_LIKE.fullmatch(squeeze(text).upper()))


def find_person(text: str, people: Iterable[tuple[str, str]], among: str) -> str:
    """Returns the ID number that ``text`` names among ``people`` ((ID number, name) pairs): the
    ID number itself, or the ID number of the one person of that name.

    Raises ``NotFound`` when no one of that name or number is ``among`` them (``among`` says where,
    in Chinese: "第 1 号会议的委员"), ``UsageError`` when the name is shared, listing the masked
    ID numbers to choose from.
    """
    wanted = squeeze(text).upper()
    people = list(people)
    if looks_like_id(wanted):
        if any(number == wanted for number, _ in people):
            return wanted
        raise NotFound(f"{among}中没有身份证号为 {mask_id(wanted)} 的人")
    matches = sorted({number for number, name in people if squeeze(name) == squeeze(text)})
    if not matches:
        raise NotFound(f"{among}中没有名为「{text.strip()}」的人（也可用身份证号指定）")
    if len(matches) > 1:
        listing = "、".join(mask_id(number) for number in matches)
        raise UsageError(
            f"{among}中有 {len(matches)} 人名为「{text.strip()}」（{listing}），请改用身份证号指定"
        )
    return matches[0]
