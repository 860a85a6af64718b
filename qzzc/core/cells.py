"""Reading one cell as clerks fill it in Excel and WPS.

Each parser takes the raw value a reader gives (``str``, ``int``, ``float``, ``bool``,
``datetime.date``/``datetime.datetime`` from a real date cell) and returns the value, or raises
``CellInvalid`` with a Chinese reason. Blank cells never reach a parser: the reader maps them to
None first.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from qzzc.core.text import normalize, squeeze


class CellInvalid(ValueError):
    """A cell whose value cannot be read; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Parser = Callable[[object], object]

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 date system, after its 1900-02-29 bug
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER_TEXT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(?:学时|小时|课时|年|h|H)?$")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: object) -> str:
    """Returns the cell as text: whole numbers without ``.0``, spaces normalised."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return normalize(str(value))


def parse_date(value: object) -> dt.date:
    """Returns a date from a date cell, an Excel serial number, or text typed as ``2021-06-21``,
    ``2021/6/21``, ``2021.6.21``, ``2021年6月21日`` or ``20210621``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellInvalid("不是日期")
    if isinstance(value, int | float):
        if 1 <= value < 2958466 and float(value).is_integer():  # up to 9999-12-31
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellInvalid("不是日期")
    text = normalize(str(value))
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise CellInvalid("不是日期，应写作 2021-06-21、2021/6/21、2021.6.21 或 2021年6月21日")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellInvalid("日期不存在") from None


def parse_number(value: object) -> int | float:
    """Returns a number from a number cell or from text such as ``54``, ``５４`` or ``54学时``;
    a whole number comes back as ``int``. Negative numbers are refused."""
    if isinstance(value, bool):
        raise CellInvalid("不是数字")
    if isinstance(value, int | float):
        number: int | float = value
    else:
        match = _NUMBER_TEXT.match(normalize(str(value)))
        if not match:
            raise CellInvalid("不是数字")
        number = float(match.group(1))
    if number != number or number in (float("inf"), float("-inf")) or abs(number) > 1e9:
        raise CellInvalid("数值超出范围")
    if number < 0:
        raise CellInvalid("不能为负数")
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def parse_int(value: object) -> int:
    """Returns a whole number (``3``, ``3.0``, ``3年``); refuses fractions."""
    number = parse_number(value)
    if not isinstance(number, int):
        raise CellInvalid("应为整数")
    return number


def enum_parser(choices: Iterable[str], aliases: Mapping[str, str] | None = None) -> Parser:
    """Returns a parser that accepts one of ``choices`` (or an alias of one), compared after
    folding full-width characters and removing spaces, and gives back the canonical choice."""
    choices = tuple(choices)
    table = {squeeze(choice): choice for choice in choices}
    table.update({squeeze(alias): target for alias, target in (aliases or {}).items()})
    listing = " / ".join(choices)

    def parse(value: object) -> str:
        found = table.get(squeeze(parse_text(value)))
        if found is None:
            raise CellInvalid(f"应为 {listing} 之一")
        return found

    return parse


_YES = {"是", "有", "Y", "YES", "TRUE", "√", "1"}
_NO = {"否", "无", "没有", "N", "NO", "FALSE", "×", "0"}


def parse_yes_no(value: object) -> bool:
    """Returns True for 是/有, False for 否/无 (and a real TRUE/FALSE cell)."""
    if isinstance(value, bool):
        return value
    text = squeeze(parse_text(value)).upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellInvalid("应为 是 / 否（或 有 / 无）")


def parse_phone(value: object) -> str:
    """Returns a phone number's digits (with any ``-`` kept); a number cell is fine here."""
    text = squeeze(parse_text(value))
    if not re.fullmatch(r"\+?[\d\-]{5,20}", text):
        raise CellInvalid("不是电话号码")
    return text


_PHONE_AS_IS = re.compile(r"\+?[0-9\-]{5,20}")


def _phones_as_typed(values: list[object]) -> dict[object, object]:
    """``parse_phone``'s whole-column fast path: each text of ``values`` that is already a phone
    number in ASCII (its own value), for the reader (``qzzc.sheets.reader``); others are left out."""
    match = _PHONE_AS_IS.fullmatch
    return {value: value for value in values if value.__class__ is str and match(value)}  # type: ignore[arg-type]


parse_phone.many = _phones_as_typed  # type: ignore[attr-defined]


def text_parser(max_length: int = 200) -> Parser:
    """Returns a parser for free text no longer than ``max_length`` characters."""

    def parse(value: object) -> str:
        text = parse_text(value)
        if "\x00" in text:
            raise CellInvalid("含有不可见的控制字符")
        if len(text) > max_length:
            raise CellInvalid(f"过长（{len(text)} 字，最多 {max_length} 字）")
        return text

    def settled(texts: list[str]) -> bool:
        """Whether ``parse`` gives each of ``texts`` back as it is: tested in C over the texts
        joined by ``|`` (which NFKC leaves alone and joins with nothing): printable (so no
        whitespace but spaces, no control character), NFKC already, no run of spaces and none
        at either end of a text, none too long."""
        joined = "|".join(texts)
        return (
            joined.count("|") == len(texts) - 1
            and max(map(len, texts), default=0) <= max_length
            and joined.isprintable()
            and (" " not in joined or not (_SPACED.search(joined) or joined[0] == " " or joined[-1] == " "))
            and unicodedata.is_normalized("NFKC", joined)
        )

    def many(values: list[object]) -> dict[object, object]:
        """The whole-column fast path, for the reader: each text of ``values`` that ``parse``
        gives back as it is, found by ``settled`` over all of them, or over blocks of a few
        hundred when some text is not; the texts of a block that fails are left to ``parse``."""
        texts: list[str] = [value for value in values if value.__class__ is str]  # type: ignore[misc]
        if settled(texts):
            return dict(zip(texts, texts, strict=True))
        known: dict[object, object] = {}
        for start in range(0, len(texts), _BLOCK):
            block = texts[start : start + _BLOCK]
            if settled(block):
                known.update(zip(block, block, strict=True))
        return known

    parse.many = many  # type: ignore[attr-defined]
    return parse


_BLOCK = 256  # texts tested together by a text parser's fast path
# Spaces ``normalize`` would change, in printable texts joined by ``|``: two in a row, one at
# either end of a text.
_SPACED = re.compile(r"  |\| | \|")
