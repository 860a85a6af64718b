"""Resident ID numbers (公民身份号码, GB 11643-1999): 18 characters, the last a check digit."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from qzzc.core.cells import CellInvalid
from qzzc.core.text import squeeze

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$")

LOST_DIGITS = (
    "身份证号被 Excel 存成了数字，末尾几位已丢失，无法还原；请把该列设为“文本”格式后重新录入身份证号"
)


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    gender: str  # 男 / 女


# _DIGIT_WEIGHTS[i][c] is the weight of position i times digit c: one lookup per character.
_DIGIT_WEIGHTS = tuple({str(digit): weight * digit for digit in range(10)} for weight in _WEIGHTS)
_WELL_FORMED = re.compile(r"[0-9]{17}[0-9X]")

# The first two digits: a province-level code of GB/T 2260 (11 北京 … 65 新疆, 71 台湾, 81 香港,
# 82 澳门), and 83, which the residence permits of Taiwan residents carry.
PROVINCES = frozenset(("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83"))  # fmt: skip
MIN_AGE = 16  # the age of legal employment (劳动法 第十五条): no one younger holds a post


def check_digit(first17: str) -> str:
    """Returns the GB 11643 check character for the first 17 digits."""
    return _CHECK[sum(map(dict.__getitem__, _DIGIT_WEIGHTS, first17)) % 11]


def parse_id_number(value: object) -> IdNumber:
    """Returns the ID number with its birth date and gender, or raises ``CellInvalid``.

    A lower-case ``x`` is read as ``X``. A number cell (or its text, ``3.30802199001011E+17``)
    is refused: Excel keeps 15 significant digits, so the last ones are already lost.
    """
    # The common case, typed right, needs only its date and check digit tested.
    text = value if value.__class__ is str and _WELL_FORMED.fullmatch(value) else _well_formed(value)
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise CellInvalid("出生日期部分不是有效日期") from None
    if birth.year < 1900:
        raise CellInvalid("出生日期部分不是有效日期")
    if text[:2] not in PROVINCES:
        raise CellInvalid(f"前两位 {text[:2]} 不是省级行政区划代码（GB/T 2260），请核对号码")
    if check_digit(text[:17]) != text[17]:
        if text.endswith("000"):
            # Excel keeps 15 significant digits: an ID stored as a number comes back ending in 000.
            raise CellInvalid(
                "校验位不符；末三位是 000，多半是 Excel 把号码存成了数字、末几位已丢失。"
                "请把该列设为“文本”格式后重新录入身份证号"
            )
        raise CellInvalid("校验位不符，请核对号码")
    return IdNumber(number=text, birth_date=birth, gender="男" if int(text[16]) % 2 else "女")


def _ids_as_typed(values: list[object]) -> dict[object, IdNumber]:
    """``parse_id_number``'s whole-column fast path, for the reader (``qzzc.sheets.reader``): the
    ID of each text of ``values`` that is typed right and valid; every other value is left out,
    for ``parse_id_number`` to say why. The check digit via ``int(first17, 13)``: 13 ≡ 2 (mod 11),
    so its value times 2 is the weighted sum of GB 11643 modulo 11."""
    found: dict[object, IdNumber] = {}
    births: dict[str, dt.date | None] = {}
    well_formed = _WELL_FORMED.fullmatch
    for value in values:
        if value.__class__ is not str or not well_formed(value):  # type: ignore[arg-type]
            continue
        text: str = value  # type: ignore[assignment]
        if text[:2] not in PROVINCES or _CHECK[int(text[:17], 13) * 2 % 11] != text[17]:
            continue
        part = text[6:14]
        birth = births.get(part, False)
        if birth is False:
            try:
                birth = dt.date(int(part[:4]), int(part[4:6]), int(part[6:]))
            except ValueError:
                birth = None
            if birth is not None and birth.year < 1900:
                birth = None
            births[part] = birth
        if birth is not None:
            found[value] = IdNumber(text, birth, "男" if int(text[16]) % 2 else "女")
    return found


parse_id_number.many = _ids_as_typed  # type: ignore[attr-defined]


def _well_formed(value: object) -> str:
    """Returns a cell as 17 digits and a digit or ``X``, or raises ``CellInvalid`` saying why not."""
    if isinstance(value, bool):
        raise CellInvalid("不是身份证号")
    if isinstance(value, int | float):
        raise CellInvalid(LOST_DIGITS)
    text = squeeze(str(value)).upper()
    if _SCIENTIFIC.match(text):
        raise CellInvalid(LOST_DIGITS)
    if len(text) != 18:
        raise CellInvalid(f"应为 18 位，实为 {len(text)} 位")
    if not _WELL_FORMED.fullmatch(text):
        raise CellInvalid("前 17 位应为数字，末位为数字或 X")
    return text


def age_problem(identity: IdNumber, year: int) -> str | None:
    """Returns why ``identity`` cannot belong to an applicant of evaluation year ``year`` (born
    after the year, or younger than 16 at its end), or None (SPEC §5)."""
    birth = identity.birth_date
    # The birth date is part of the number: the message does not show it, as the mask hides it.
    if birth.year > year:
        return f"号码中的出生日期晚于 {year} 评审年度，请核对号码"
    age = year - birth.year  # at the end of the year, every birthday of it has passed
    if age < MIN_AGE:
        return f"按号码中的出生日期，至 {year} 年底未满 {MIN_AGE} 周岁，请核对号码"
    return None
