"""The notice workbook written as SpreadsheetML: read back by openpyxl and python-calamine, with
its print settings, merged lines and styles."""

from __future__ import annotations

import zipfile

import pytest

from qzzc.files import write_file
from qzzc.notices.xlsx import BODY, FOOT, HEAD, LEAD, TITLE, Table, workbook

TABLE = Table(
    sheet="评前公示",
    title="某评委会2021年度职称评审评前公示",
    lead=["公示期：2021年9月28日至2021年10月9日（5个工作日）。"],
    headers=("序号", "姓名", "工作单位"),
    rows=[(1, "张三", "衢州市建筑设计院"), (2, "  李四 ", '=HYPERLINK("http://x")'), (3, "王\x01五", None)],
    foot=["签字：", "某评委会办公室　2021年9月28日"],
)


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "notice.xlsx"
    write_file(path, workbook(TABLE))
    return path


def test_openpyxl_reads_values_and_types(book):
    from openpyxl import load_workbook

    sheet = load_workbook(book).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["某评委会2021年度职称评审评前公示", None, None],
        ["公示期：2021年9月28日至2021年10月9日（5个工作日）。", None, None],
        ["序号", "姓名", "工作单位"],
        [1, "张三", "衢州市建筑设计院"],
        [2, "  李四 ", '=HYPERLINK("http://x")'],
        [3, "王五", None],
        ["签字：", None, None],
        ["某评委会办公室　2021年9月28日", None, None],
    ]
    assert sheet["C5"].data_type == "s"  # a formula typed as a unit's name stays text
    assert sheet.title == "评前公示"


def test_calamine_reads_the_same(book):
    from python_calamine import CalamineWorkbook

    grid = CalamineWorkbook.from_path(str(book)).get_sheet_by_index(0).to_python()
    assert grid[2] == ["序号", "姓名", "工作单位"]
    assert grid[3] == [1, "张三", "衢州市建筑设计院"]
    assert grid[7][0] == "某评委会办公室　2021年9月28日"


def test_print_settings(book):
    from openpyxl import load_workbook

    workbook = load_workbook(book)
    sheet = workbook.active
    assert sheet.print_title_rows == "$3:$3"
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "portrait")
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_options.horizontalCentered is True
    assert sorted(str(cells) for cells in sheet.merged_cells.ranges) == ["A1:C1", "A2:C2", "A7:C7", "A8:C8"]
    assert [sheet.column_dimensions[letter].width for letter in "ABC"] == [6, 9, 24]


def test_styles(book):
    from openpyxl import load_workbook

    sheet = load_workbook(book).active
    assert (sheet["A1"].font.name, sheet["A1"].font.sz, sheet["A1"].font.b) == ("黑体", 16, True)
    assert sheet["A3"].font.name == "黑体"
    assert sheet["A3"].border.left.style == "thin"
    assert sheet["B4"].font.name == "宋体"
    assert sheet["B4"].border.bottom.style == "thin"
    assert sheet["A8"].alignment.horizontal == "right"
    assert sheet["A7"].alignment.horizontal == "left"
    assert [sheet.cell(row, 1).style_id for row in (1, 2, 3, 4, 7, 8)] == [
        TITLE,
        LEAD,
        HEAD,
        BODY,
        LEAD,
        FOOT,
    ]


def test_parts_are_utf8_xml(book):
    with zipfile.ZipFile(book) as archive:
        names = set(archive.namelist())
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml"} <= names
    assert "张三" in sheet
    assert '<t xml:space="preserve">  李四 </t>' in sheet


def test_title_with_control_characters_still_makes_a_workbook(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "notice.xlsx"
    write_file(path, workbook(Table("评前公示", "某\x0b评委会\udcff公示", [], ("序号",), [(1,)], [])))
    book = load_workbook(path)
    assert book.active["A1"].value == "某评委会公示"
    assert book.properties.title == "某评委会公示"


def test_replaces_a_file_whole(tmp_path):
    path = tmp_path / "notice.xlsx"
    path.write_bytes(b"old")
    write_file(path, workbook(TABLE))
    assert zipfile.is_zipfile(path)
    assert [item.name for item in tmp_path.iterdir()] == ["notice.xlsx"]
