import datetime as dt

import pytest
from helpers import IDS, form_row, write_csv, write_xlsx

from qzzc.core.forms import APPLICANT_FORM
from qzzc.sheets.reader import SheetError, read_sheet


def read(path, sheet=None):
    return read_sheet(path.read_bytes(), path.name, APPLICANT_FORM, sheet)


def test_header_under_merged_title_rows(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx", [form_row()], titles=("衢州市2021年度职称申报人员汇总表", "填报单位：某单位")
    )
    result = read(path)
    assert result.errors == []
    assert [row.row for row in result.rows] == [4]
    values = result.rows[0].values
    assert (values["name"], values["id_number"].number, values["public_hours"]) == ("张三", IDS[0], 60)
    assert values["publicity_start"] == dt.date(2021, 6, 21)


def test_aliases_and_full_width_spaces_in_headers(tmp_path):
    headers = [
        "姓　名",
        " 身份证号码 ",
        "单位名称",
        "申报专业",
        "申报职称",
        "学历",
        "从事专业技术工作年限",
        "公需科目学时",
        "专业科目学时",
        "备注",
    ]
    row = {"姓　名": "李四", " 身份证号码 ": IDS[1], "单位名称": "某院", "申报专业": "建筑设计", "申报职称": "工程师",
           "学历": "本科", "从事专业技术工作年限": 3, "公需科目学时": "５４", "专业科目学时": "90学时"}  # fmt: skip
    result = read(write_xlsx(tmp_path / "a.xlsx", [row], headers=headers))
    assert result.errors == []
    assert result.ignored == ["备注"]
    assert result.headers["id_number"] == "身份证号码"
    assert (result.rows[0].values["public_hours"], result.rows[0].values["professional_hours"]) == (54, 90)


@pytest.mark.parametrize("text", ["2021-06-21", "2021/6/21", "2021.6.21", "2021年6月21日"])
def test_hand_typed_dates(tmp_path, text):
    result = read(write_xlsx(tmp_path / "a.xlsx", [form_row(单位公示开始日期=text)]))
    assert result.rows[0].values["publicity_start"] == dt.date(2021, 6, 21)


def test_real_date_cells(tmp_path):
    result = read(write_xlsx(tmp_path / "a.xlsx", [form_row(单位公示开始日期=dt.datetime(2021, 6, 21))]))
    assert result.rows[0].values["publicity_start"] == dt.date(2021, 6, 21)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    path = write_csv(tmp_path / "a.csv", [form_row(姓名="欧阳淼淼")], encoding=encoding)
    result = read(path)
    assert result.errors == []
    assert result.rows[0].values["name"] == "欧阳淼淼"
    assert result.rows[0].row == 2


def test_every_bad_cell_is_reported_with_row_and_masked_value(tmp_path):
    rows = [
        form_row(),
        form_row(身份证号="330802199001011233", 公需科目学时="五十四"),
        form_row(身份证号=3.30802199001011e17, 学历="博士后", 单位公示开始日期="6月21日"),
    ]
    result = read(write_xlsx(tmp_path / "a.xlsx", rows))
    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (3, "身份证号", "330802********1233", "校验位不符，请核对号码"),
        (3, "公需科目学时", "五十四", "不是数字"),
        (
            4,
            "身份证号",
            "330802********1008",
            "身份证号被 Excel 存成了数字，末尾几位已丢失，无法还原；请把该列设为“文本”格式后重新录入身份证号",
        ),
        (4, "学历", "博士后", "应为 研究生 / 本科 / 大专 / 中专 / 高中及以下 之一"),
        (
            4,
            "单位公示开始日期",
            "6月21日",
            "不是日期，应写作 2021-06-21、2021/6/21、2021.6.21 或 2021年6月21日",
        ),
    ]


def test_required_blank(tmp_path):
    result = read(write_xlsx(tmp_path / "a.xlsx", [form_row(姓名=None)]))
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "姓名", "必填项为空")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xlsx", b"hello, not a workbook", "a.xlsx 不是有效的 Excel 工作簿（文件已损坏或并非表格文件）"),
        ("a.xlsx", b"PK\x03\x04broken zip", "a.xlsx 不是有效的 Excel 工作簿（文件已损坏或并非表格文件）"),
        (
            "a.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "a.xlsx 设有打开密码（已加密），无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入",
        ),
        ("a.pdf", b"%PDF-1.4", "a.pdf 不是可读取的表格文件：请提供 .xlsx、.xls 或 .csv 文件"),
        ("a.csv", b"", "a.csv 是空的"),
        (
            "a.csv",
            "标题\n甲,乙\n".encode(),
            "a.csv 中找不到表头行：前 20 行中没有包含 姓名、身份证号、工作单位、申报专业、申报资格、学历、从事专业技术工作年限、公需科目学时、专业科目学时 等列名的行",
        ),
        (
            "a.csv",
            "姓名,身份证号\n张三,1\n".encode(),
            "a.csv 第 1 行的表头缺少必填列：工作单位、申报专业、申报资格、学历、从事专业技术工作年限、公需科目学时、专业科目学时",
        ),
    ],
)
def test_file_level_refusals(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SheetError) as caught:
        read(path)
    assert caught.value.message == message


def test_empty_sheet(tmp_path):
    from openpyxl import Workbook

    Workbook().save(tmp_path / "a.xlsx")
    with pytest.raises(SheetError) as caught:
        read(tmp_path / "a.xlsx")
    assert caught.value.message == "a.xlsx 的工作表「Sheet」是空的"


def test_named_sheet(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [form_row()], sheet="二〇二一")
    assert read(path, "二〇二一").sheet == "二〇二一"
    with pytest.raises(SheetError) as caught:
        read(path, "Sheet9")
    assert caught.value.message == "a.xlsx 中没有名为「Sheet9」的工作表（有：二〇二一）"
