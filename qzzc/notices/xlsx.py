"""The lists and the filing form as xlsx: bordered, sized, ready to print on A4.

These sheets are written as SpreadsheetML directly rather than through openpyxl: a notice is
one fixed shape (a title, lead lines, a bordered table, foot lines), and openpyxl's per-cell
objects cost about 25 µs a cell, 1.5 s for a 10,000-applicant list; the XML written here costs
about a microsecond. openpyxl still writes the blank forms (``qzzc.sheets.writer``), which need
drop-downs and formats, and the tests read every notice back with openpyxl and python-calamine.

Every string is an inline string, never a formula, so an applicant's ``=HYPERLINK(…)`` stays
words. Characters XML cannot carry (control characters) are dropped.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from qzzc.core.notices import FilingFormContext, PreReviewContext, ResultContext
from qzzc.core.papers import DrawRecordContext, SignInContext, TallySheetContext
from qzzc.sheets.writer import width_of

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell formats, as indexes into the stylesheet's cellXfs below.
PLAIN, TITLE, LEAD, FOOT, HEAD, BODY = range(6)

_STYLES = f"""{_DECLARATION}<styleSheet xmlns="{_MAIN}">\
<fonts count="3">\
<font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>\
<font><b/><sz val="16"/><name val="黑体"/><family val="3"/><charset val="134"/></font>\
<font><sz val="11"/><name val="黑体"/><family val="3"/><charset val="134"/></font>\
</fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>\
<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="6">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment horizontal="left" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment horizontal="right" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1">\
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">\
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
</cellXfs>\
<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

_CONTENT_TYPES = f"""{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""

_ROOT_RELS = f"""{_DECLARATION}<Relationships xmlns="{_PKG_REL}">\
<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>\
</Relationships>"""

_WORKBOOK_RELS = f"""{_DECLARATION}<Relationships xmlns="{_PKG_REL}">\
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>\
</Relationships>"""

_APP = f"""{_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>qzzc</Application></Properties>"""

_CORE = f"""{_DECLARATION}<cp:coreProperties \
xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{{title}}</dc:title><dc:creator>qzzc</dc:creator>\
</cp:coreProperties>"""

# XML 1.0 has no way to write these; a cell holding one keeps the rest of its text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LINE_HEIGHT = 15.0  # points per line of 11-point 宋体
TITLE_HEIGHT = 27.0  # points per line of the 16-point title


@dataclass(frozen=True)
class Table:
    """One notice sheet: a title over a bordered table, with lines of text before and after."""

    sheet: str
    title: str
    lead: Sequence[str]
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    foot: Sequence[str]


def _letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _xml(value: str) -> str:
    """Text escaped for XML, without the characters XML cannot hold."""
    return escape(_NOT_XML.sub("", value))


def _text(value: str) -> str:
    value = _xml(value)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def _cell(ref: str, style: int, value: object) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="inlineStr">{_text("是" if value else "否")}</c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" s="{style}" t="inlineStr">{_text(str(value))}</c>'


def _widths(table: Table) -> list[int]:
    """Column widths that fit the longest cell of each column, between 6 and 40."""
    widths = [width_of(text) for text in table.headers]
    for values in table.rows:
        for column, value in enumerate(values):
            size = width_of(str(value))
            if size > widths[column]:
                widths[column] = size
    return [int(min(max(size, 6), 40)) for size in widths]


def worksheet(table: Table) -> tuple[str, int]:
    """Returns the sheet's XML and the row number of the table's header (printed on every page).

    Lines of text are merged across the table's width and wrapped, with a row height for the
    lines they take; the table rows are left to the reader's own height."""
    columns = len(table.headers)
    letters = _letters(columns)
    widths = _widths(table)
    last = letters[-1]
    parts: list[str] = []
    merges: list[str] = []
    number = 0

    def text_row(text: str, style: int, height: float) -> None:
        nonlocal number
        number += 1
        cells = _cell(f"A{number}", style, text) + "".join(
            f'<c r="{letter}{number}" s="{style}"/>' for letter in letters[1:]
        )
        parts.append(f'<row r="{number}" ht="{height:g}" customHeight="1">{cells}</row>')
        if columns > 1:
            merges.append(f'<mergeCell ref="A{number}:{last}{number}"/>')

    def lines_of(text: str, scale: float = 1.0) -> int:
        return max(1, math.ceil(width_of(text) * scale / max(sum(widths) - 2, 1)))

    text_row(table.title, TITLE, TITLE_HEIGHT * lines_of(table.title, scale=16 / 11))
    for text in table.lead:
        text_row(text, LEAD, LINE_HEIGHT * lines_of(text))
    number += 1
    header_row = number
    parts.append(
        f'<row r="{number}">'
        + "".join(
            _cell(f"{letter}{number}", HEAD, text)
            for letter, text in zip(letters, table.headers, strict=True)
        )
        + "</row>"
    )
    for values in table.rows:
        number += 1
        parts.append(
            f'<row r="{number}">'
            + "".join(
                _cell(f"{letter}{number}", BODY, value) for letter, value in zip(letters, values, strict=True)
            )
            + "</row>"
        )
    for index, text in enumerate(table.foot, start=1):
        # The last line, the issuing office and the date, stands at the right as in a notice.
        text_row(text, FOOT if index == len(table.foot) else LEAD, LINE_HEIGHT * lines_of(text))
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, width in enumerate(widths, start=1)
    )
    merged = f'<mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells>' if merges else ""
    xml = (
        f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{last}{number}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="{LINE_HEIGHT:g}"/>'
        f"<cols>{cols}</cols>"
        f"<sheetData>{''.join(parts)}</sheetData>"
        f"{merged}"
        '<printOptions horizontalCentered="1"/>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="portrait" fitToWidth="1" fitToHeight="0"/>'
        "</worksheet>"
    )
    return xml, header_row


def _workbook(sheet: str, header_row: int) -> str:
    sheet = _NOT_XML.sub("", sheet)
    quoted = "'" + sheet.replace("'", "''") + "'"
    return (
        f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
        f"{escape(quoted)}!${header_row}:${header_row}</definedName></definedNames>"
        "</workbook>"
    )


def workbook(table: Table) -> bytes:
    """Returns ``table`` as the bytes of a one-sheet xlsx workbook."""
    sheet, header_row = worksheet(table)
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/app.xml": _APP,
        "docProps/core.xml": _CORE.format(title=_xml(table.title)),
        "xl/workbook.xml": _workbook(table.sheet, header_row),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES,
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


def pre_review_table(context: PreReviewContext) -> Table:
    office = context.office
    return Table(
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


def result_table(context: ResultContext) -> Table:
    office = context.office
    return Table(
        "评审结果公示",
        f"{office.committee}{office.year}年度职称评审结果公示",
        [
            f"评审会议：{context.meeting_date_text}。公示期：{context.period.text}（{context.period.days}个工作日）。"
            f"如有异议，请以书面实名形式向{office.contact_unit}反映，联系电话：{office.contact_phone}。"
        ],
        ("序号", "姓名", "性别", "工作单位", "专业", "资格名称", "评审结果"),
        [(a.number, a.name, a.gender, a.unit, a.specialty, a.title, a.result) for a in context.applicants],
        [*context.revoked, f"{office.name}　{office.issued_text}"],
    )


def filing_form_table(context: FilingFormContext) -> Table:
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
        f"公示异议：{context.objections}",
    ]
    foot = [f"本次计票经更正：{context.amended}"] if context.amended else []
    foot += list(context.notes)
    foot += [
        "评委会主任委员（签字）：　　　　　　　　日期：　　　年　　月　　日",
        "评委会组建单位（盖章）：　　　　　　　　日期：　　　年　　月　　日",
        f"{office.name}　{office.issued_text}",
    ]
    return Table(
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


TABLES = {"pre-review": pre_review_table, "result": result_table, "filing-form": filing_form_table}


# -- the meeting papers (SPEC §12), internal ---------------------------------------------------


def draw_record_table(context: DrawRecordContext) -> Table:
    office = context.office
    excluded = "；".join(f"{reason} {count} 人" for reason, count in context.exclusions) or "无"
    quotas = f"；专业名额：{'，'.join(context.quotas)}" if context.quotas else ""
    lead = [
        "（内部材料，不公开）",
        f"评委会：{office.committee}",
        f"会议：第 {context.meeting_id} 号评审会议，{context.meeting_date_text}，{context.place}",
        f"抽取：第 {context.draw_number} 次抽取，{context.drawn_at}，经办人 {context.operator}",
        f"随机种子：{context.seed}（{context.seed_source}）；算法：{context.algorithm}",
        f"候选专家：{context.candidates} 人；候选名单摘要（SHA-256）：{context.candidate_digest}",
        f"排除情况：共 {context.excluded_total} 人：{excluded}",
        f"抽取人数：执行委员会 {context.size} 人，候补 {context.alternates_count} 人{quotas}",
    ]
    rows = [("成员", m.number, m.name, m.unit, m.masked_id, m.key) for m in context.members]
    rows += [("候补", m.number, m.name, m.unit, m.masked_id, m.key) for m in context.alternates]
    foot = [
        f"第 {e.number} 次抽取（{'现行' if e.active else '已被重新抽取取代'}）：{e.at}，经办人 {e.operator}；"
        f"种子 {e.seed}；摘要 {e.candidate_digest}" + (f"；重新抽取理由：{e.reason}" if e.reason else "")
        for e in context.draws
    ]
    foot += [
        f"替补 {r.number}：{r.at}，{r.out_name} 不能出席（{r.reason}），由候补 {r.in_name} 替补。"
        for r in context.replacements
    ]
    foot += [f"{number}. {step}" for number, step in enumerate(context.steps, start=1)]
    foot += ["复核程序见 .docx 或 .html 版抽取记录；也可运行 qzzc draw-experts --verify --from 抽取记录.json"]
    return Table(
        "专家抽取记录",
        "专家抽取记录",
        lead,
        ("类别", "序号", "姓名", "工作单位", "身份证号", "排序码（SHA-256）"),
        rows,
        foot,
    )


def sign_in_table(context: SignInContext) -> Table:
    office = context.office
    rows = [("成员", m.number, m.name, m.unit, "", "") for m in context.members]
    rows += [("候补", m.number, m.name, m.unit, "", "") for m in context.alternates]
    return Table(
        "签到表",
        "评审会议签到表",
        [
            f"评委会：{office.committee}",
            f"会议：第 {context.meeting_id} 号评审会议，{context.meeting_date_text}，{context.place}",
        ],
        ("类别", "序号", "姓名", "工作单位", "签名　　　　　　　　", "到会时间　　"),
        rows,
        [],
    )


def tally_sheet_table(context: TallySheetContext) -> Table:
    office = context.office
    needed = "；".join(f"出席 {t.attending} 人须 {t.needed} 票" for t in context.thresholds)
    return Table(
        "计票表",
        "评审计票表",
        [
            f"评委会：{office.committee}",
            f"会议：第 {context.meeting_id} 号评审会议，{context.meeting_date_text}",
            f"执行委员会：{context.members} 人，出席不少于 {context.quorum} 人方可表决；出席　　人，收回表决票　　张",
            f"通过所需同意票数：{needed}",
        ],
        ("序号", "姓名", "申报资格", "同意　　　　", "不同意　　　　", "弃权　　　　", "合计", "结果"),
        [(a.number, a.name, a.title, "", "", "", "", "") for a in context.applicants],
        ["计票人（签字）：　　　　　　　监票人（签字）：　　　　　　　日期：　　　年　　月　　日"],
    )


TABLES.update(
    {"draw-record": draw_record_table, "sign-in": sign_in_table, "tally-sheet": tally_sheet_table}  # type: ignore[dict-item]
)
