"""``qzzc.sheets.writer``: every xlsx goes through it, with one formula guard."""

from __future__ import annotations

import io

import pytest

from qzzc.sheets.writer import Table, guard, list_workbook, workbook

HOSTILE = ['=HYPERLINK("http://x","点我")', "+1", "-2", "@SUM(A1)", "#N/A", "a\x07b"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", ("=1+1", True)),
        ("+86 138", ("+86 138", True)),
        ("-", ("-", True)),
        ("@x", ("@x", True)),
        ("#N/A", ("#N/A", True)),
        ("#DIV/0!", ("#DIV/0!", True)),
        ("#N/A ", ("#N/A ", False)),
        ("张=三", ("张=三", False)),
        (" =1", (" =1", False)),
        ("a\x00b\x1fc", ("abc", False)),
        ("\x01=1", ("=1", True)),  # what is left decides
        ("", ("", False)),
        (7, (7, False)),
        (-7, (-7, False)),
        (None, (None, False)),
    ],
)
def test_guard(value, expected):
    assert guard(value) == expected


def read(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data)).active


def test_a_list_keeps_every_string_as_text():
    sheet = read(list_workbook("名单", ("甲", "乙"), [HOSTILE[:2], HOSTILE[2:4], HOSTILE[4:], [3, None]]))
    values = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]
    assert values == [
        [("甲", "s"), ("乙", "s")],
        [('=HYPERLINK("http://x","点我")', "s"), ("+1", "s")],
        [("-2", "s"), ("@SUM(A1)", "s")],
        [("#N/A", "s"), ("ab", "s")],
        [(3, "n"), (None, "n")],
    ]
    assert (sheet.title, sheet.freeze_panes, list(sheet.merged_cells.ranges)) == ("名单", None, [])


def test_a_list_with_title_bold_headers_text_cells_widths_and_panes():
    data = list_workbook(
        "计票表",
        ("身份证号", "姓名"),
        [("330802197001010012", "=张三")],
        title="标题",
        bold_headers=True,
        text_cells=True,
        widths=(22, 10),
        freeze="A3",
    )
    sheet = read(data)
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["标题", None],
        ["身份证号", "姓名"],
        ["330802197001010012", "=张三"],
    ]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:B1"]
    assert [sheet.cell(2, c).font.b for c in (1, 2)] == [True, True]
    assert [sheet.cell(3, c).number_format for c in (1, 2)] == ["@", "@"]
    assert sheet.cell(3, 2).data_type == "s"
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (22, 10)
    assert sheet.freeze_panes == "A3"


def test_a_notice_sheet_keeps_every_string_as_text():
    table = Table("表", "标题\x02", ["说明"], ("甲", "乙"), [HOSTILE[:2], HOSTILE[4:]], ["落款"])
    sheet = read(workbook(table))
    values = [
        [(cell.value, cell.data_type) for cell in row if cell.value is not None] for row in sheet.iter_rows()
    ]
    assert values == [
        [("标题", "s")],
        [("说明", "s")],
        [("甲", "s"), ("乙", "s")],
        [('=HYPERLINK("http://x","点我")', "s"), ("+1", "s")],
        [("#N/A", "s"), ("ab", "s")],
        [("落款", "s")],
    ]
