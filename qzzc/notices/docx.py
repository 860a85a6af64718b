"""The documents as Word files (.docx) in the layout of GB/T 9704-2012 (党政机关公文格式), SPEC §12.

Built with python-docx: A4, margins 37/35/28/26 mm (top, bottom, left, right); the title in 2号
(22 pt) 方正小标宋简体, the body in 3号 (16 pt) 仿宋_GB2312 on a fixed 28 pt line, headings in 黑体
(一、) and 楷体 (（一）); page numbers ``— 1 —`` in 4号 宋体 at the foot, odd pages right and even
pages left, each one character in. Word reads a Chinese font only from ``w:eastAsia``, which
python-docx's ``font.name`` does not write (python-docx issue #154), so every run and every style
gets ascii, hAnsi, eastAsia and cs; the font table names the fallback of each font
(方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体) for a PC that lacks it.

Tables repeat their header row on each page (``w:tblHeader``), no row splits across pages
(``w:cantSplit``), and "keep with next" holds the header with the first two rows and the last
two rows together, so that no row stands alone at the top or the bottom of a page. Column
widths follow the content: the font steps down (14, 12, 10.5, 9 pt) until every column's longest
text fits on one line, so a unit name breaks only when it cannot fit the page at 9 pt.

An office's own template (``--template 模板.docx``) is filled with docxtpl, whose Jinja runs in a
``SandboxedEnvironment`` and sees the document's context only.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from qzzc.core import notices as n
from qzzc.core import papers as p
from qzzc.errors import QzzcError
from qzzc.notices.render import context_vars

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = ("黑体", "楷体_GB2312")
PAGE_FONT = "宋体"
CODE_FONT = "Courier New"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", "楷体_GB2312": "楷体"}
TITLE_PT, BODY_PT, PAGE_PT = 22, 16, 14
LINE_PT = 28  # GB/T 9704: 22 lines a page; 28 pt fixed is how offices set 3号 仿宋
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_PT = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72
TABLE_SIZES = (14, 12, 10.5, 9)
CELL_PAD_PT = 5.0  # cell margin on each side
SEAL_MM = 42


def text_width(text: str, size: float) -> float:
    """The width of ``text`` in points at ``size``: CJK full width, everything else ~0.62 em (digits
    and hex of the fonts a PC substitutes are wider than half an em)."""
    return size * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.62 for ch in text)


def column_layout(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> tuple[float, list[float]]:
    """Returns the table's font size and its column widths in points, the widths following the
    content: the largest size of ``TABLE_SIZES`` at which every column's longest text fits on one
    line; the space left goes to the columns in proportion. At the smallest size the widest
    columns are narrowed (and wrap) until the table fits the text width."""
    columns = list(zip(headers, *rows, strict=False)) if rows else [(h,) for h in headers]
    for size in TABLE_SIZES:
        natural = [
            max(text_width(str(v), size) for v in column) * 1.04 + 2 * CELL_PAD_PT for column in columns
        ]
        if sum(natural) <= TEXT_WIDTH_PT or size == TABLE_SIZES[-1]:
            break
    total = sum(natural)
    if total <= TEXT_WIDTH_PT:
        return size, [w * TEXT_WIDTH_PT / total for w in natural]
    # First let headers wrap ("通过/所需") where the column's values are narrower than its header.
    floor = [
        max([text_width(str(v), size) * 1.08 for v in column[1:]] + [text_width("同意", size)])
        + 2 * CELL_PAD_PT
        + 4
        for column in columns
    ]
    widths = natural[:]
    for index in sorted(range(len(widths)), key=lambda i: floor[i] - natural[i]):
        excess = sum(widths) - TEXT_WIDTH_PT
        if excess <= 0:
            break
        widths[index] = max(floor[index], widths[index] - excess)
    while sum(widths) > TEXT_WIDTH_PT + 0.01:
        widest = max(widths)
        others = sorted({w for w in widths if w < widest}, reverse=True)
        target = max(
            others[0] if others else 0, widest - (sum(widths) - TEXT_WIDTH_PT) / widths.count(widest)
        )
        widths = [target if w == widest else w for w in widths]
    return size, widths


class Builder:
    """One Word document in the 公文 layout, written block by block."""

    def __init__(self, title: str, footer: str = "page") -> None:
        # python-docx (and lxml under it) load only when a .docx is written: `qzzc --help` stays fast.
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH  # python-docx: slow to import, only for .docx
        from docx.shared import Mm, Pt  # python-docx: slow to import, only for .docx

        self.Pt, self.Mm, self.align = Pt, Mm, WD_ALIGN_PARAGRAPH
        self.doc = Document()
        self.doc.core_properties.title = title
        self.doc.core_properties.author = "qzzc"
        self.doc.core_properties.last_modified_by = "qzzc"
        self.doc.core_properties.comments = ""
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance, section.footer_distance = Mm(15), Mm(24)
        self._styles()
        self._font_table()
        if footer == "form":
            self._form_footer(section)
        else:
            self._page_footer(section)

    # -- fonts and styles ----------------------------------------------------------------------

    @staticmethod
    def set_fonts(rpr: Any, name: str, latin: str | None = None) -> None:
        """Sets the run properties' fonts: ascii/hAnsi (``latin`` or ``name``), eastAsia and cs."""
        from docx.oxml.ns import qn  # python-docx: slow to import, only for .docx

        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi"):
            fonts.set(qn(attr), latin or name)
        fonts.set(qn("w:eastAsia"), name)
        fonts.set(qn("w:cs"), name)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)

    def _styles(self) -> None:
        from docx.oxml.ns import qn  # python-docx: slow to import, only for .docx

        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        self.set_fonts(rpr, BODY_FONT)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        for style in styles:
            element = style.element
            if element.rPr is not None and element.rPr.find(qn("w:rFonts")) is not None:
                self.set_fonts(element.rPr, BODY_FONT)
        normal = styles["Normal"]
        normal.font.size = self.Pt(BODY_PT)
        self.set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
        normal.paragraph_format.space_before = self.Pt(0)
        normal.paragraph_format.space_after = self.Pt(0)
        for style in ("Table Grid",):
            self.set_fonts(styles[style].element.get_or_add_rPr(), BODY_FONT)

    def _font_table(self) -> None:
        """Names each Chinese font's fallback in word/fontTable.xml (``w:altName``)."""
        from lxml import etree  # lxml: only for .docx

        part = next(
            (
                part
                for part in self.doc.part.package.iter_parts()
                if str(part.partname).endswith("fontTable.xml")
            ),
            None,
        )
        if part is None:
            return
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        root = etree.fromstring(part.blob)
        for name in (TITLE_FONT, BODY_FONT, "楷体_GB2312", "黑体", "宋体", "仿宋", "楷体"):
            font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
            if name in FALLBACKS:
                etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": FALLBACKS[name]})
            etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})
            etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "roman" if name != "黑体" else "modern"})
            etree.SubElement(font, f"{{{w}}}pitch", {f"{{{w}}}val": "variable"})
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def run(
        self,
        paragraph: Any,
        text: str,
        *,
        font: str = BODY_FONT,
        size: float = BODY_PT,
        bold: bool = False,
        latin: str | None = None,
    ) -> Any:
        run = paragraph.add_run(text)
        run.font.size = self.Pt(size)
        if bold:
            run.font.bold = True
        self.set_fonts(run._element.get_or_add_rPr(), font, latin)
        return run

    # -- footers ---------------------------------------------------------------------------------

    def _field(self, paragraph: Any, instruction: str, font: str, size: float) -> None:
        from docx.oxml import OxmlElement  # python-docx: slow to import, only for .docx
        from docx.oxml.ns import qn  # python-docx: slow to import, only for .docx

        for kind, text in (
            ("begin", None),
            ("instr", f" {instruction} "),
            ("separate", None),
            ("text", "1"),
            ("end", None),
        ):
            run = self.run(paragraph, "", font=font, size=size)
            if kind == "instr":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
                run._element.append(element)
            elif kind == "text":
                run.text = text
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
                run._element.append(element)

    def _page_footer(self, section: Any) -> None:
        """``— 1 —`` in 4号 宋体: odd pages at the right, even pages at the left, one character in."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        for footer, alignment, left in (
            (section.footer, self.align.RIGHT, False),
            (section.even_page_footer, self.align.LEFT, True),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.alignment = alignment
            fmt = paragraph.paragraph_format
            if left:
                fmt.left_indent = self.Pt(PAGE_PT)
            else:
                fmt.right_indent = self.Pt(PAGE_PT)
            self.run(paragraph, "— ", font=PAGE_FONT, size=PAGE_PT)
            self._field(paragraph, "PAGE", PAGE_FONT, PAGE_PT)
            self.run(paragraph, " —", font=PAGE_FONT, size=PAGE_PT)

    def _form_footer(self, section: Any) -> None:
        """``第 X 页 共 Y 页`` at the middle of the foot."""
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = self.align.CENTER
        size = 12
        self.run(paragraph, "第 ", font=PAGE_FONT, size=size)
        self._field(paragraph, "PAGE", PAGE_FONT, size)
        self.run(paragraph, " 页 共 ", font=PAGE_FONT, size=size)
        self._field(paragraph, "NUMPAGES", PAGE_FONT, size)
        self.run(paragraph, " 页", font=PAGE_FONT, size=size)

    # -- blocks ----------------------------------------------------------------------------------

    def _paragraph(
        self, *, align: Any = None, indent: bool = False, line: float | None = LINE_PT, keep: bool = False
    ) -> Any:
        from docx.enum.text import WD_LINE_SPACING  # python-docx: slow to import, only for .docx

        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        if align is not None:
            paragraph.alignment = align
        if indent:
            fmt.first_line_indent = self.Pt(2 * BODY_PT)
        if line is not None:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = self.Pt(line)
        if keep:
            fmt.keep_with_next = True
        return paragraph

    def title(self, *lines: str) -> None:
        """The title: 2号 小标宋, centred, one line per ``lines``, then one blank line."""
        paragraph = self._paragraph(align=self.align.CENTER, line=35, keep=True)
        for index, text in enumerate(lines):
            run = self.run(paragraph, text, font=TITLE_FONT, size=TITLE_PT)
            if index < len(lines) - 1:
                run.add_break()
        self._paragraph(line=LINE_PT, keep=True)

    def heading(self, text: str, level: int = 1) -> None:
        paragraph = self._paragraph(indent=True, keep=True)
        self.run(paragraph, text, font=HEADING_FONTS[min(level, 2) - 1])

    def para(
        self, text: str, *, indent: bool = True, size: float = BODY_PT, align: Any = None, keep: bool = False
    ) -> None:
        paragraph = self._paragraph(
            indent=indent, align=align, line=LINE_PT if size == BODY_PT else None, keep=keep
        )
        if align is None:
            paragraph.alignment = self.align.JUSTIFY
        self.run(paragraph, text, size=size)

    def labelled(self, label: str, text: str) -> None:
        """``label：text`` with the label in 黑体, as a lead line of a paper."""
        paragraph = self._paragraph(indent=False, keep=True)
        paragraph.alignment = self.align.LEFT
        self.run(paragraph, f"{label}：", font=HEADING_FONTS[0])
        self.run(paragraph, text)

    def code(self, lines: Sequence[str]) -> None:
        """Program text, one paragraph a line, in a fixed-width font at 9 pt, kept together."""
        for index, line in enumerate(lines):
            paragraph = self._paragraph(line=11, keep=index < len(lines) - 1)
            paragraph.alignment = self.align.LEFT
            self.run(paragraph, line, font=BODY_FONT, latin=CODE_FONT, size=9)

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK  # python-docx: slow to import, only for .docx

        self.run(self.doc.add_paragraph(), "").add_break(WD_BREAK.PAGE)

    def _grid(self, rows: int, cols: int) -> Any:
        """A bordered table, centred, laid out at the widths set (not as Word guesses them)."""
        from docx.enum.table import WD_TABLE_ALIGNMENT  # python-docx: slow to import, only for .docx
        from docx.oxml import OxmlElement  # python-docx: slow to import, only for .docx
        from docx.oxml.ns import qn  # python-docx: slow to import, only for .docx

        table = self.doc.add_table(rows=rows, cols=cols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        return table

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        left: Sequence[int] = (),
        height_mm: float | None = None,
        keep_after: bool = True,
    ) -> None:
        """A bordered table: header row repeated on each page and kept with the first rows, rows that
        never split, widths from ``column_layout``; ``left`` are the columns aligned left (the
        rest are centred); ``height_mm`` a least row height (room to write)."""
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT  # python-docx: slow to import, only for .docx
        from docx.enum.text import WD_LINE_SPACING  # python-docx: slow to import, only for .docx
        from docx.oxml import OxmlElement  # python-docx: slow to import, only for .docx
        from docx.oxml.ns import qn  # python-docx: slow to import, only for .docx

        size, widths = column_layout(headers, rows)
        table = self._grid(0, len(headers))
        tbl_pr = table._tbl.tblPr
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(int(CELL_PAD_PT * 20)))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        tbl_pr.append(margins)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = self.Pt(width)
        every = [list(headers), *[list(map(str, row)) for row in rows]]
        count = len(every)
        for index, values in enumerate(every):
            row = table.add_row()
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if index == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))
            if height_mm is not None and index > 0:
                row.height = self.Mm(height_mm)
            # Header with the first two rows, the last two rows together: no lone row on a page.
            keep = index <= 1 or (index >= count - 2 and (index < count - 1 or keep_after))
            for column, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                cell.width = self.Pt(widths[column])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = cell.paragraphs[0]
                fmt = paragraph.paragraph_format
                fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
                fmt.space_before = fmt.space_after = self.Pt(2)
                fmt.keep_with_next = keep
                fmt.keep_together = True
                paragraph.alignment = self.align.LEFT if column in left and index > 0 else self.align.CENTER
                self.run(paragraph, text, font=HEADING_FONTS[0] if index == 0 else BODY_FONT, size=size)

    def form(self, rows: Sequence[tuple[str, str]]) -> None:
        """A two-column bordered form of labels (黑体) and values, rows that never split."""
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT  # python-docx: slow to import, only for .docx
        from docx.oxml import OxmlElement  # python-docx: slow to import, only for .docx

        size = 12
        label_width = max(text_width(label, size) for label, _ in rows) * 1.04 + 2 * CELL_PAD_PT
        widths = [label_width, TEXT_WIDTH_PT - label_width]
        table = self._grid(0, 2)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = self.Pt(width)
        for label, value in rows:
            row = table.add_row()
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            row.height = self.Mm(9)
            for column, (cell, text) in enumerate(zip(row.cells, (label, value), strict=True)):
                cell.width = self.Pt(widths[column])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.keep_with_next = True
                paragraph.alignment = self.align.CENTER if column == 0 else self.align.LEFT
                self.run(paragraph, text, font=HEADING_FONTS[0] if column == 0 else BODY_FONT, size=size)
        self._paragraph(line=12)

    def seal_boxes(self, boxes: Sequence[str], office: str, date: str) -> None:
        """The form's signature and seal boxes: one bordered cell each, at least 45 mm high (a 42 mm
        seal fits), the label at the top and the date line at the bottom."""
        # python-docx: slow to import, only for .docx
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
        from docx.oxml import OxmlElement  # python-docx: slow to import, only for .docx

        table = self._grid(1, len(boxes))
        row = table.rows[0]
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        row.height = self.Mm(SEAL_MM + 8)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        width = TEXT_WIDTH_PT / len(boxes)
        for column, (cell, label) in zip(table.columns, zip(row.cells, boxes, strict=True), strict=True):
            column.width = self.Pt(width)
            cell.width = self.Pt(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
            first = cell.paragraphs[0]
            first.paragraph_format.keep_with_next = True
            self.run(first, label, font=HEADING_FONTS[0], size=12)
            space = cell.add_paragraph()
            space.paragraph_format.space_before = self.Mm(SEAL_MM - 10)
            space.paragraph_format.keep_with_next = True
            last = cell.add_paragraph()
            last.alignment = self.align.RIGHT
            last.paragraph_format.right_indent = self.Pt(12)
            self.run(last, "年　　月　　日", size=12)
        paragraph = self._paragraph(line=None)
        paragraph.paragraph_format.space_before = self.Pt(6)
        paragraph.alignment = self.align.RIGHT
        self.run(paragraph, f"{office}　{date}", size=12)

    def signature(self, office: str, date: str) -> None:
        """The issuing office and the date at the right, the date four characters in and the office
        centred over it (GB/T 9704 7.3.5.1), with room above for a 42 mm seal pressed on both."""
        office_em = text_width(office, 1)
        date_em = text_width(date, 1)
        date_in = max(4.0, (office_em - date_em) / 2)
        office_in = max(0.0, date_in + (date_em - office_em) / 2)
        for index, (text, inset) in enumerate(((office, office_in), (date, date_in))):
            paragraph = self._paragraph(align=self.align.RIGHT, keep=index == 0)
            fmt = paragraph.paragraph_format
            fmt.right_indent = self.Pt(inset * BODY_PT)
            fmt.keep_together = True
            if index == 0:
                fmt.space_before = self.Mm(SEAL_MM - 20)
            self.run(paragraph, text)

    def keep_previous(self) -> None:
        """Keeps the last paragraph with what follows."""
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# -- the documents ---------------------------------------------------------------------------


def announcement(c: n.AnnouncementContext) -> bytes:
    b = Builder(f"{c.office.committee}{c.office.year}年度职称评审公告")
    b.title(c.office.committee, f"{c.office.year}年度职称评审公告")
    b.para(f"根据{c.source}精神，现将{c.office.committee}{c.office.year}年度职称评审工作有关事项公告如下。")
    b.heading("一、评审范围")
    if c.evaluates:
        b.para(f"本评委会评审：{'、'.join(c.evaluates)}任职资格。")
    if c.recommends:
        b.para(f"本评委会推荐（报省级评委会评审）：{'、'.join(c.recommends)}任职资格。")
    b.heading("二、评审专业")
    other = "，以及暂不具备设置中级评审委员会条件的专业" if c.other_specialties else ""
    b.para(f"{'、'.join(c.specialties)}{other}。")
    b.heading("三、申报对象")
    for band, where in c.scope:
        b.para(f"{band}：{where}。")
    b.para(
        "职称申报评审原则上按人事隶属关系进行申报（社会保险、人事档案、劳动关系三者一致）；三者不在一个地区的，"
        "原则上由社会保险所在单位申报。在衢省部属单位和外市人员须提供委托评审函。"
    )
    b.heading("四、申报条件")
    if c.public_hours is not None:
        junior = (
            f"（本科及以上学历申报初级职称不少于{c.public_hours_degree_junior}学时）"
            if c.public_hours_degree_junior is not None
            else ""
        )
        b.para(
            f"申报{c.cpd_bands}职称的，一般公需科目和行业公需科目近三年累计不少于{c.public_hours}学时{junior}，"
            "专业科目学时按行业评审通知要求执行。"
        )
    if c.senior:
        b.para("申报高级职称的继续教育学时按省人社厅及省行业主管部门要求执行。")
    b.para(
        "事业单位专业技术人员职称评审（含初定）应在核定的专业技术岗位结构比例范围内进行。对学术造假等行为实行“一票否决”。"
    )
    b.heading("五、申报程序")
    b.para(
        f"申报人员所在单位负责审核申报材料，并进行不少于{c.publicity_days}个工作日的公示。本评委会办公室进行资格审查后，"
        f"对符合条件的人员进行不少于{c.publicity_days}个工作日的评前公示。"
    )
    b.para(f"材料接收截止时间：{c.deadline or '另行通知'}；预计评审时间：{c.review_time or '另行通知'}。")
    b.heading("六、材料接收")
    b.para(f"材料接收单位：{c.office.contact_unit}；联系电话：{c.office.contact_phone}。")
    b.signature(c.office.name, c.office.issued_text)
    return b.bytes()


def _objections(office: n.Office) -> str:
    return (
        f"公示期间，对公示对象有异议的，请以书面实名形式（署真实姓名、工作单位和联系方式）向{office.contact_unit}反映，"
        f"联系电话：{office.contact_phone}。匿名材料不予受理。"
    )


def pre_review(c: n.PreReviewContext) -> bytes:
    b = Builder(f"{c.office.committee}{c.office.year}年度职称评审评前公示")
    b.title(c.office.heading, f"{c.office.year}年度职称评审评前公示")
    b.para(
        f"根据{c.source}要求，经单位审核推荐、本评委会办公室资格审查，以下{len(c.applicants)}名同志符合"
        f"{c.office.year}年度职称评审申报条件，现予公示。"
    )
    b.para(f"公示期：{c.period.text}（{c.period.days}个工作日）。")
    b.para(_objections(c.office), keep=True)
    rows = [(a.number, a.name, a.gender, a.unit, a.title, a.specialty) for a in c.applicants] or [
        ("", "（无）", "", "", "", "")
    ]
    b.table(("序号", "姓名", "性别", "工作单位", "申报资格", "申报专业"), rows, left=(3,))
    b.signature(c.office.name, c.office.issued_text)
    return b.bytes()


def result(c: n.ResultContext) -> bytes:
    b = Builder(f"{c.office.committee}{c.office.year}年度职称评审结果公示")
    b.title(c.office.heading, f"{c.office.year}年度职称评审结果公示")
    parts = []
    if c.evaluated_count:
        parts.append(f"{c.evaluated_count}名同志通过评审")
    if c.recommended_count:
        parts.append(f"{c.recommended_count}名同志通过推荐")
    outcome = "，".join(parts) or "无人通过"
    b.para(
        f"根据{c.source}要求，{c.office.committee}于{c.meeting_date_text}召开评审会议，经执行委员会无记名投票"
        f"（同意票数达到出席会议专家总数三分之二以上为通过），{outcome}，现予公示。"
    )
    b.para(f"公示期：{c.period.text}（{c.period.days}个工作日）。")
    b.para(_objections(c.office) + "公示无异议后，报人力社保部门核准公布。", keep=True)
    rows = [(a.number, a.name, a.gender, a.unit, a.specialty, a.title, a.result) for a in c.applicants] or [
        ("", "（无）", "", "", "", "", "")
    ]
    b.table(("序号", "姓名", "性别", "工作单位", "专业", "资格名称", "评审结果"), rows, left=(3,))
    for line in c.revoked:
        b.para(line, keep=True)
    b.signature(c.office.name, c.office.issued_text)
    return b.bytes()


def filing_form(c: n.FilingFormContext) -> bytes:
    b = Builder(f"{c.office.committee}评审结果备案表", footer="form")
    b.title(f"{'（草稿）' if c.office.draft else ''}{c.office.year}年度职称评审结果备案表")
    absent = f"（缺席：{'、'.join(c.absent)}）" if c.absent else ""
    period = f"{c.period.text}（{c.period.days}个工作日）" if c.period else "（尚未公示）"
    b.form(
        [
            ("评委会名称", c.office.committee),
            ("会议日期", c.meeting_date_text),
            ("会议地点", c.place),
            ("执行委员会", f"抽取 {c.members_drawn} 人，出席 {c.members_present} 人{absent}"),
            ("出席专家", "、".join(c.members)),
            ("评审情况", f"参评 {len(c.applicants)} 人，通过 {c.passed} 人，通过率 {c.pass_rate}"),
            ("结果公示", period),
            ("公示异议", c.objections),
        ]
    )
    rows = [
        (a.number, a.name, a.unit, a.title, a.yes, a.no, a.abstain, a.needed, a.result) for a in c.applicants
    ]
    b.table(
        ("序号", "姓名", "工作单位", "申报资格", "同意", "不同意", "弃权", "通过所需", "结果"),
        rows,
        left=(2,),
    )
    if c.amended:
        b.para(f"本次计票经更正：{c.amended}", indent=False, size=12)
    for note in c.notes:
        b.para(note, indent=False, size=12, keep=True)
    b.seal_boxes(
        ("评委会主任委员（签字）：", "评委会组建单位（盖章）："), c.office.name, c.office.issued_text
    )
    return b.bytes()


def _paper_lead(b: Builder, office: n.Office, meeting_id: int, date: str, place: str | None = None) -> None:
    b.labelled("评委会", office.committee)
    b.labelled("会议", f"第 {meeting_id} 号评审会议，{date}" + (f"，{place}" if place else ""))


def draw_record(c: p.DrawRecordContext) -> bytes:
    b = Builder(f"{c.office.committee}专家抽取记录")
    b.title("专家抽取记录")
    b.para("（内部材料，不公开）", indent=False, align=b.align.CENTER, size=12)
    _paper_lead(b, c.office, c.meeting_id, c.meeting_date_text, c.place)
    b.labelled("抽取", f"第 {c.draw_number} 次抽取，{c.drawn_at}，经办人 {c.operator}")
    b.labelled("随机种子", f"{c.seed}（{c.seed_source}）")
    b.labelled("算法", c.algorithm)
    b.labelled("候选专家", f"{c.candidates} 人；候选名单摘要（SHA-256）：{c.candidate_digest}")
    excluded = "；".join(f"{reason} {count} 人" for reason, count in c.exclusions) or "无"
    b.labelled("排除情况", f"共 {c.excluded_total} 人：{excluded}")
    b.labelled(
        "抽取人数",
        f"执行委员会 {c.size} 人，候补 {c.alternates_count} 人"
        + (f"；专业名额：{'，'.join(c.quotas)}" if c.quotas else ""),
    )
    b.heading("一、执行委员会成员（按入选顺序）")
    b.keep_previous()
    headers = ("序号", "姓名", "工作单位", "身份证号", "排序码（前16位）")
    b.table(
        headers,
        [(m.number, m.name, m.unit, m.masked_id, m.short_key) for m in c.members],
        left=(2,),
        keep_after=False,
    )
    if c.alternates:
        b.heading("二、候补专家（按替补顺序）")
        b.table(
            headers,
            [(m.number, m.name, m.unit, m.masked_id, m.short_key) for m in c.alternates],
            left=(2,),
            keep_after=False,
        )
    b.heading("三、重新抽取与替补")
    for event in c.draws:
        state = "现行" if event.active else "已被重新抽取取代"
        reason = f"；重新抽取理由：{event.reason}" if event.reason else ""
        b.para(
            f"第 {event.number} 次抽取（{state}）：{event.at}，经办人 {event.operator}；种子 {event.seed}（{event.seed_source}）；"
            f"候选 {event.candidates} 人，摘要 {event.candidate_digest}{reason}。",
            size=12,
        )
    if c.replacements:
        for item in c.replacements:
            b.para(
                f"替补 {item.number}：{item.at}，{item.out_name} 不能出席（{item.reason}），由候补 {item.in_name} 替补。",
                size=12,
            )
    else:
        b.para("本次抽取没有替补。", size=12)
    b.heading("四、复核方法")
    for number, step in enumerate(c.steps, start=1):
        b.para(f"{number}. {step}", size=12)
    b.para("复核程序（Python 3，只用标准库；排序码以完整的十六进制值输出）：", size=12, keep=True)
    b.code(c.program_lines)
    b.para(
        "运行结果中的候选名单摘要和排序码应与本记录一致。也可运行 qzzc draw-experts --verify --from 抽取记录.json 复核。",
        size=12,
    )
    b.heading("五、签字")
    b.para(
        "抽取经办人：　　　　　　　　监督人：　　　　　　　　日期：　　　年　　月　　日",
        indent=False,
        size=14,
    )
    return b.bytes()


def sign_in(c: p.SignInContext) -> bytes:
    b = Builder(f"{c.office.committee}评审会议签到表")
    b.title("评审会议签到表")
    _paper_lead(b, c.office, c.meeting_id, c.meeting_date_text, c.place)
    headers = ("序号", "姓名", "工作单位", "签名", "到会时间")
    wide = "　" * 8
    b.heading("执行委员会成员")
    b.keep_previous()
    b.table(headers, [(m.number, m.name, m.unit, wide, "　" * 5) for m in c.members], left=(2,), height_mm=12)
    if c.alternates:
        b.heading("候补专家")
        b.table(
            headers,
            [(m.number, m.name, m.unit, wide, "　" * 5) for m in c.alternates],
            left=(2,),
            height_mm=12,
        )
    return b.bytes()


def ballot(c: p.BallotContext) -> bytes:
    b = Builder(f"{c.office.committee}评审表决票")
    headers = ("序号", "姓名", "工作单位", "申报资格", "同意", "不同意", "弃权")
    rows = [(a.number, a.name, a.unit, a.title, "□", "□", "□") for a in c.applicants]
    for copy in range(max(c.copies, 1)):
        if copy:
            b.page_break()
        b.title("评审表决票")
        b.para(f"{c.office.committee}　{c.meeting_date_text}", indent=False, align=b.align.CENTER, size=14)
        b.para(
            "本票无记名。请在每位申报人的“同意”“不同意”“弃权”中选择一项，在方框内划“√”；"
            "多划或不划的，视为弃权。请勿在票上书写姓名或作其他标记。",
            size=14,
            keep=True,
        )
        b.table(headers, rows, left=(2,))
    return b.bytes()


def tally_sheet(c: p.TallySheetContext) -> bytes:
    b = Builder(f"{c.office.committee}评审计票表")
    b.title("评审计票表")
    _paper_lead(b, c.office, c.meeting_id, c.meeting_date_text)
    b.labelled(
        "执行委员会", f"{c.members} 人，出席不少于 {c.quorum} 人方可表决；出席　　人，收回表决票　　张"
    )
    b.para(
        "同意票数达到出席专家三分之二以上为通过（推荐）。计票时可用“正”字记数，合计填数字。",
        size=12,
        keep=True,
    )
    blank = "　" * 4
    rows = [(a.number, a.name, a.title, blank, blank, blank, "　" * 2, "　" * 3) for a in c.applicants]
    b.table(("序号", "姓名", "申报资格", "同意", "不同意", "弃权", "合计", "结果"), rows, height_mm=12)
    b.heading("通过所需同意票数")
    b.keep_previous()
    b.table(
        ("出席人数", *[str(t.attending) for t in c.thresholds]),
        [("所需同意票", *[str(t.needed) for t in c.thresholds])],
    )
    b.para(
        "计票人（签字）：　　　　　　　监票人（签字）：　　　　　　　日期：　　　年　　月　　日",
        indent=False,
        size=14,
    )
    return b.bytes()


def document(layout: Callable[[Any], bytes], context: Any, template: Path | None = None) -> bytes:
    """Returns the document as the bytes of a .docx: the office's ``template`` filled with docxtpl
    if given, else the kind's ``layout`` (one function above per kind, named by its declaration in
    ``qzzc.notices.kinds``). Raises ``QzzcError`` for a template that is not a Word document or
    does not render."""
    if template is not None:
        return from_template(template, context)
    return layout(context)


def from_template(template: Path, context: Any) -> bytes:
    """Fills an office's .docx template with docxtpl; its Jinja runs sandboxed, autoescaped for
    XML, with undefined names as errors."""
    if not template.is_file():
        raise QzzcError(f"找不到模板文件：{template}")
    try:
        with zipfile.ZipFile(template) as archive:
            is_word = "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        is_word = False
    if not is_word:
        raise QzzcError(
            f"模板「{template.name}」不是 Word 文档（.docx）。请在 Word 或 WPS 中把模板另存为“Word 文档（*.docx）”后再用 --template 指定"
        )
    # docxtpl and its Jinja load only here: `qzzc --help` stays fast.
    from docxtpl import DocxTemplate

    # Jinja: slow to import, only where a template is rendered
    from jinja2 import StrictUndefined, TemplateError

    # Jinja: slow to import, only where a template is rendered
    from jinja2.sandbox import SandboxedEnvironment

    environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    try:
        filled = DocxTemplate(str(template))
        filled.render(context_vars(context), jinja_env=environment, autoescape=True)
        buffer = io.BytesIO()
        filled.save(buffer)
    except TemplateError as error:
        raise QzzcError(f"模板「{template.name}」有误：{error.message or error}") from None
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise QzzcError(f"模板「{template.name}」无法读取：{error}") from None
    return buffer.getvalue()
