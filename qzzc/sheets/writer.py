"""Every xlsx qzzc writes is written here, with one formula guard (``guard``): text that looks
like a formula stays text, and characters a workbook cannot hold are left out.

- ``workbook(Table)``: the notices' and the meeting papers' sheets (a title, lead lines, a
  bordered table, foot lines; ``qzzc.notices.xlsx`` makes each kind's ``Table``). Written as
  SpreadsheetML directly rather than through openpyxl: openpyxl's per-cell objects cost about
  25 µs a cell, 1.5 s for a 10,000-applicant list; the XML written here costs about a
  microsecond. Every string is an inline string, never a formula, so an applicant's
  ``=HYPERLINK(…)`` stays words.
- ``list_workbook``: a plain list (the eligibility export, the counts form, the demo's inputs),
  through openpyxl's write-only mode.
- ``write_template``: the blank forms, with drop-downs and text-formatted ID columns.

The tests read every workbook back with openpyxl and python-calamine.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from qzzc.core.forms import Column
from qzzc.files import write_file

FORMULA_START = ("=", "+", "-", "@")
ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
TEMPLATE_ROWS = 1000

# XML 1.0 cannot hold these (openpyxl raises IllegalCharacterError).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cell_text(value: str) -> str:
    """``value`` without the characters a workbook cannot hold (a name stored with a control
    character keeps the rest of its text)."""
    return _NOT_XML.sub("", value)


def guard(value: object) -> tuple[object, bool]:
    """The formula guard: ``value`` as a cell may hold it, and whether it is a string a spreadsheet
    would take for something else (a formula, ``=…`` ``+…`` ``-…`` ``@…``, or an error code
    ``#N/A``), which must be stored as text."""
    if not isinstance(value, str):
        return value, False
    value = cell_text(value)
    return value, value.startswith(FORMULA_START) or value in ERROR_CODES


def set_value(cell: Any, value: object) -> None:
    """Puts ``value`` in an openpyxl cell through the guard: a string is stored as text, never a
    formula (openpyxl turns any string starting with ``=`` into one)."""
    value, text = guard(value)
    cell.value = value
    if text:
        cell.data_type = "s"


def list_workbook(
    sheet_name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    bold_headers: bool = False,
    text_cells: bool = False,
    widths: Sequence[float] = (),
    freeze: str | None = None,
) -> bytes:
    """A one-sheet list as the bytes of an xlsx file: ``title`` (merged across the columns) if
    given, the ``headers`` (bold if asked), then ``rows`` (formatted as text if ``text_cells``; a
    ``None`` is an empty cell); column ``widths`` from A, ``freeze`` the panes at a cell. Written in
    openpyxl's write-only mode: a 10,000-row list in about a second."""
    from openpyxl import Workbook  # openpyxl: slow to import, only where a workbook is written
    from openpyxl.cell import WriteOnlyCell  # openpyxl: slow to import, only where a workbook is written
    from openpyxl.styles import Font  # openpyxl: slow to import, only where a workbook is written
    from openpyxl.utils import get_column_letter  # openpyxl: slow to import, only where a workbook is written

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    if freeze is not None:
        sheet.freeze_panes = freeze

    def cell(value: object, style: dict[str, Any]) -> Any:
        value, text = guard(value)
        if not text and (not style or value is None):
            return value
        written = WriteOnlyCell(sheet, value=value)
        if text:
            written.data_type = "s"
        for name, setting in style.items():
            setattr(written, name, setting)
        return written

    if title is not None:
        sheet.append([cell(title, {})])
        sheet.merged_cells.add(f"A1:{get_column_letter(len(headers))}1")
    header_style = {"font": Font(bold=True)} if bold_headers else {}
    sheet.append([cell(header, header_style) for header in headers])
    body_style = {"number_format": "@"} if text_cells else {}
    for row in rows:
        sheet.append([cell(value, body_style) for value in row])
    return workbook_bytes(book)


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
    from openpyxl import Workbook  # openpyxl: slow to import, only where a workbook is written

    # openpyxl: slow to import, only where a workbook is written
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter  # openpyxl: slow to import, only where a workbook is written

    # openpyxl: slow to import, only where a workbook is written
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


# -- the notices' sheets, as SpreadsheetML --------------------------------------------------------

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
    return escape(cell_text(value))


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
    sheet = cell_text(sheet)
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
