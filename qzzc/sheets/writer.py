"""Writing xlsx files that are safe and pleasant to open: text that looks like a formula stays
text, and templates carry drop-down lists and text-formatted ID columns."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qzzc.core.forms import Column
from qzzc.files import write_file

FORMULA_START = ("=", "+", "-", "@")
TEMPLATE_ROWS = 1000


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


# XML 1.0 cannot hold these (openpyxl raises IllegalCharacterError), as in qzzc.notices.xlsx.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cell_text(value: str) -> str:
    """``value`` without the characters a workbook cannot hold (a name stored with a control
    character keeps the rest of its text)."""
    return _NOT_XML.sub("", value)


def set_value(cell: Any, value: object) -> None:
    """Puts ``value`` in an openpyxl cell; a string is always stored as text, never a formula
    (openpyxl turns any string starting with ``=`` into one), without what a workbook cannot
    hold."""
    if isinstance(value, str):
        value = cell_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def workbook_bytes(book: Any) -> bytes:
    """An openpyxl workbook as the bytes of its file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def save(book: Any, path: Path) -> None:
    """Saves an openpyxl workbook, whole or not at all, or raises ``QzzcError`` naming the file."""
    write_file(path, workbook_bytes(book))


def width_of(text: str) -> float:
    """Display width in Excel columns: a Chinese character takes two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text) + 2


def write_template(
    path: Path, form: Sequence[Column], sheet_title: str, guide_title: str = "填写说明"
) -> None:
    """Writes a blank form: headers (required ones marked), one example row, drop-down lists for
    enumerated columns, ID and phone columns formatted as text, and a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for position, column in enumerate(form, start=1):
        letter = get_column_letter(position)
        header = sheet.cell(row=1, column=position)
        set_value(header, column.header)
        header.font = Font(bold=True, color="C00000" if column.required else "000000")
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.required:
            header.fill = required_fill
        example = sheet.cell(row=2, column=position)
        set_value(example, column.example)
        if column.text_format:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=position).number_format = "@"
        elif column.example is not None and "date" in column.key:
            example.number_format = "yyyy-mm-dd"
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="输入有误",
                error=f"请从下拉列表中选择：{' / '.join(column.choices)}",
            )
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
        longest = max(
            width_of(column.header),
            width_of(str(column.example or "")),
            *(width_of(c) for c in column.choices),
        )
        sheet.column_dimensions[letter].width = min(max(longest, 8), 40)
    sheet.freeze_panes = "C2"
    sheet.row_dimensions[1].height = 30

    guide = book.create_sheet(guide_title)
    for position, text in enumerate(("列名", "必填", "可填的值 / 说明", "也可写作"), start=1):
        set_value(guide.cell(row=1, column=position), text)
        guide.cell(row=1, column=position).font = Font(bold=True)
    for row, column in enumerate(form, start=2):
        note = " / ".join(column.choices) if column.choices else ""
        if column.text_format:
            note = "请设为“文本”格式，勿让 Excel 把号码变成数字"
        elif "date" in column.key:
            note = "日期，如 2021-06-21 或 2021年6月21日"
        for position, value in enumerate(
            (column.header, "是" if column.required else "", note, "、".join(column.aliases)), start=1
        ):
            set_value(guide.cell(row=row, column=position), value)
    for letter, width in zip("ABCD", (24, 6, 50, 30), strict=True):
        guide.column_dimensions[letter].width = width
    save(book, path)
