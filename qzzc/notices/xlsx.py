"""The lists and the filing form as xlsx: bordered, sized, ready to print on A4.

Every string is written as text (``set_value``), so an applicant's ``=HYPERLINK(…)`` stays words.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from pathlib import Path
from typing import Any

from qzzc.core.notices import FilingFormContext, PreReviewContext, ResultContext
from qzzc.sheets.writer import save, width_of


def _styles():
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "title": Font(name="黑体", size=16, bold=True),
        "head": Font(name="黑体", size=11),
        "body": Font(name="宋体", size=11),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "across": Alignment(horizontal="centerContinuous", vertical="center"),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
    }


def _table_sheet(
    book: Any,
    sheet_title: str,
    title: str,
    lead: Sequence[str],
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    foot: Sequence[str],
) -> None:
    """A write-only sheet: the title centred across the table, lead lines, a bordered table
    whose header repeats on every printed page, foot lines; A4 portrait, fitted to the width.

    Write-only mode streams 10,000 rows in well under a second; it has no merged cells, so the
    title is centred with ``centerContinuous`` and long lines are broken to the table's width.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    style = _styles()
    sheet = book.create_sheet(sheet_title)
    widths = [width_of(text) for text in headers]
    for values in rows:
        for column, value in enumerate(values):
            size = width_of(str(value))
            if size > widths[column]:
                widths[column] = size
    widths = [min(max(size, 6), 40) for size in widths]
    for column, size in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    line_chars = max(int(sum(widths) / 2) - 2, 20)

    prototypes: dict[tuple[tuple[str, int], ...], Any] = {}

    def text_cell(value: object, **styles: Any) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula
        if styles:
            # Setting a style hashes it against the workbook's list, which costs more than
            # writing the cell; cells of one look share a prototype's style array instead.
            key = tuple((name, id(item)) for name, item in sorted(styles.items()))
            prototype = prototypes.get(key)
            if prototype is None:
                prototype = prototypes[key] = WriteOnlyCell(sheet)
                for name, item in styles.items():
                    setattr(prototype, name, item)
            cell._style = copy(prototype._style)
        return cell

    heading = text_cell(title, font=style["title"], alignment=style["across"])
    sheet.append([heading] + [text_cell(None, alignment=style["across"]) for _ in headers[1:]])
    for text in lead:
        for part in _wrap(text, line_chars):
            sheet.append([text_cell(part)])
    header_row = 1 + sum(len(_wrap(text, line_chars)) for text in lead) + 1
    sheet.append(
        [
            text_cell(text, font=style["head"], alignment=style["center"], border=style["border"])
            for text in headers
        ]
    )
    border, body, center = style["border"], style["body"], style["center"]
    for values in rows:
        sheet.append([text_cell(value, font=body, alignment=center, border=border) for value in values])
    for text in foot:
        for part in _wrap(text, line_chars):
            sheet.append([text_cell(part)])
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True


def _wrap(text: str, width: int) -> list[str]:
    """Breaks a line into parts of at most ``width`` characters (Chinese text has no spaces)."""
    return [text[start : start + width] for start in range(0, len(text), width)] or [""]


def write_pre_review(context: PreReviewContext, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    office = context.office
    _table_sheet(
        book,
        "评前公示",
        f"{office.committee}{office.year}年度职称评审评前公示",
        [
            f"公示期：{context.period.text}（{context.period.days}个工作日）。如有异议，请以书面实名形式向"
            f"{office.contact_unit}反映，联系电话：{office.contact_phone}。"
        ],
        ("序号", "姓名", "性别", "工作单位", "申报资格", "申报专业"),
        [(a.number, a.name, a.gender, a.unit, a.title, a.specialty) for a in context.applicants],
        [f"{office.name}　{office.issued_text}"],
    )
    save(book, path)


def write_result(context: ResultContext, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    office = context.office
    _table_sheet(
        book,
        "评审结果公示",
        f"{office.committee}{office.year}年度职称评审结果公示",
        [
            f"评审会议：{context.meeting_date_text}。公示期：{context.period.text}（{context.period.days}个工作日）。"
            f"如有异议，请以书面实名形式向{office.contact_unit}反映，联系电话：{office.contact_phone}。"
        ],
        ("序号", "姓名", "性别", "工作单位", "专业", "资格名称", "评审结果"),
        [(a.number, a.name, a.gender, a.unit, a.specialty, a.title, a.result) for a in context.applicants],
        [f"{office.name}　{office.issued_text}"],
    )
    save(book, path)


def write_filing_form(context: FilingFormContext, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    office = context.office
    absent = f"（缺席：{'、'.join(context.absent)}）" if context.absent else ""
    period = f"{context.period.text}（{context.period.days}个工作日）" if context.period else "（尚未公示）"
    lead = [
        f"评委会名称：{office.committee}",
        f"会议日期：{context.meeting_date_text}　　会议地点：{context.place}",
        f"执行委员会：抽取 {context.members_drawn} 人，出席 {context.members_present} 人{absent}",
        f"出席专家：{'、'.join(context.members)}",
        f"评审情况：参评 {len(context.applicants)} 人，通过 {context.passed} 人，通过率 {context.pass_rate}",
        f"结果公示：{period}",
    ]
    foot = [f"本次计票经更正：{context.amended}"] if context.amended else []
    foot += list(context.notes)
    foot += [
        "评委会主任委员（签字）：　　　　　　　　日期：　　　年　　月　　日",
        "评委会组建单位（盖章）：　　　　　　　　日期：　　　年　　月　　日",
        f"{office.name}　{office.issued_text}",
    ]
    _table_sheet(
        book,
        "评审结果备案表",
        f"{office.year}年度职称评审结果备案表",
        lead,
        ("序号", "姓名", "工作单位", "申报资格", "同意", "不同意", "弃权", "通过所需", "结果"),
        [
            (a.number, a.name, a.unit, a.title, a.yes, a.no, a.abstain, a.needed, a.result)
            for a in context.applicants
        ],
        foot,
    )
    save(book, path)


WRITERS = {"pre-review": write_pre_review, "result": write_result, "filing-form": write_filing_form}
