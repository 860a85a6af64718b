"""The lists and the filing form as xlsx: bordered, sized, ready to print on A4.

Every string is written as text (``set_value``), so an applicant's ``=HYPERLINK(…)`` stays words.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qzzc.core.notices import FilingFormContext, PreReviewContext, ResultContext
from qzzc.sheets.writer import save, set_value, width_of


def _styles():
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "title": Font(name="黑体", size=16, bold=True),
        "head": Font(name="黑体", size=11),
        "body": Font(name="宋体", size=11),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
    }


def _table_sheet(
    sheet: Any,
    title: str,
    lead: Sequence[str],
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    foot: Sequence[str],
) -> None:
    """Title (merged), lead lines, a bordered table whose header repeats on every printed page,
    foot lines; A4 portrait, fitted to the page width."""
    from openpyxl.utils import get_column_letter

    style = _styles()
    width = len(headers)
    last = get_column_letter(width)
    line = 1
    set_value(sheet.cell(row=line, column=1), title)
    sheet.merge_cells(f"A{line}:{last}{line}")
    sheet.cell(row=line, column=1).font = style["title"]
    sheet.cell(row=line, column=1).alignment = style["center"]
    sheet.row_dimensions[line].height = 32
    for text in lead:
        line += 1
        set_value(sheet.cell(row=line, column=1), text)
        sheet.merge_cells(f"A{line}:{last}{line}")
        sheet.cell(row=line, column=1).alignment = style["left"]
        sheet.row_dimensions[line].height = 15 * max(1, len(text) // 45 + 1)
    line += 1
    header_row = line
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=line, column=column)
        set_value(cell, text)
        cell.font, cell.alignment, cell.border = style["head"], style["center"], style["border"]
    widths = [width_of(text) for text in headers]
    border, body, center = style["border"], style["body"], style["center"]
    for values in rows:
        line += 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column)
            set_value(cell, value)
            cell.border, cell.font, cell.alignment = border, body, center
            widths[column - 1] = max(widths[column - 1], width_of(str(value)))
    for text in foot:
        line += 1
        set_value(sheet.cell(row=line, column=1), text)
        sheet.merge_cells(f"A{line}:{last}{line}")
        sheet.cell(row=line, column=1).alignment = style["left"]
    for column, size in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(size, 6), 40)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True


def write_pre_review(context: PreReviewContext, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "评前公示"
    office = context.office
    _table_sheet(
        sheet,
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

    book = Workbook()
    sheet = book.active
    sheet.title = "评审结果公示"
    office = context.office
    _table_sheet(
        sheet,
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

    book = Workbook()
    sheet = book.active
    sheet.title = "评审结果备案表"
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
        sheet,
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
