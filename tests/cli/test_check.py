"""``qzzc check`` and ``qzzc check settle`` as a clerk runs them."""

from __future__ import annotations

import json

import pytest
from helpers import add_applicants, applicant_row

GOOD = "330802199001011234"
SHORT = "330802199202021238"
OFFICE = "330802198505051235"


@pytest.fixture
def store(cli_initialised, db_path):
    """An initialised store with three applicants at committee 3; returns the CLI runner."""
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(
        ctx,
        applicant_row(id_number=GOOD),
        applicant_row(id_number=SHORT, name="李四", public_hours=53.0),
        applicant_row(id_number=OFFICE, name="王五", unit_type="事业单位"),
    )
    ctx.store.dispose()
    cli_initialised.ctx = ctx
    return cli_initialised


def test_check_prints_the_summary_and_who_did_not_pass(store):
    result = store("check")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "资格审查完成（本年度）：共 3 人，合格 1 人，不合格 1 人，需人工核实 1 人（其中人工认定 0 人）。",
        "未通过的原因（人数）：",
        "  cpd.public 公需科目学时：1",
        "  post.ratio 岗位结构比例：1",
        "未适用的规则（人数）：",
        "  规则文件未设定第 3 号评委会中级的专业科目学时要求（cpd.professional），未审查：3",
    ]
    table = "\n".join(lines[6:])
    assert "未通过资格审查的申报人（2 人）" in table
    assert "330802********1238" in table
    assert "cpd.public：公需科目学时 53，少于 54（申报中级，2019-2021年累计）" in table
    assert SHORT not in result.stdout
    assert OFFICE not in result.stdout
    assert result.stderr == ""


def test_check_json(store):
    result = store("check", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(row["id_number"], row["verdict"]) for row in rows] == [
        (OFFICE, "review"),
        (GOOD, "eligible"),
        (SHORT, "ineligible"),
    ]
    assert rows[2] == {
        "id_number": SHORT,
        "name": "李四",
        "committee": 3,
        "unit": "衢州市建筑设计院",
        "title": "工程师",
        "specialty": "建筑设计",
        "application_type": "正常申报",
        "verdict": "ineligible",
        "computed_verdict": "ineligible",
        "settled": False,
        "settled_reason": None,
        "unsettled": False,
        "reasons": [
            {"rule": "cpd.public", "message": "公需科目学时 53，少于 54（申报中级，2019-2021年累计）"}
        ],
        "notes": [
            {
                "rule": "cpd.professional",
                "message": "规则文件未设定第 3 号评委会中级的专业科目学时要求（cpd.professional），未审查",
            }
        ],
    }


def test_check_unknown_committee(store):
    result = store("check", "--committee", "99")
    assert result.exit_code == 1
    assert result.stderr == "错误：没有序号为 99 的评委会（本年度计划共 25 个评委会，序号 1–25）。\n"


def test_check_committee_without_applicants(store):
    result = store("check", "--committee", "4")
    assert result.exit_code == 0
    assert result.stdout == "第 4 号评委会尚无申报人，未作审查。请先用 qzzc import 导入申报人。\n"


def test_check_on_a_store_never_initialised(cli, db_path):
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr == f"错误：数据库 {db_path} 尚未初始化。请先运行：qzzc init\n"


def test_export(store, tmp_path):
    from openpyxl import load_workbook

    add_applicants(
        store.ctx,
        applicant_row(
            id_number=GOOD, unit='=HYPERLINK("http://x")', social_insurance_unit='=HYPERLINK("http://x")'
        ),
    )
    path = tmp_path / "名单.xlsx"
    result = store("check", "--export", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"资格审查名单已导出：{path}（3 人）"
    sheet = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "序号",
        "评委会",
        "姓名",
        "身份证号",
        "工作单位",
        "申报资格",
        "申报专业",
        "申报类型",
        "审查结果",
        "规则代码",
        "原因",
        "人工认定理由",
        "未审查的规则",
    ]
    assert rows[3][:4] == [3, 3, "李四", "330802********1238"]
    assert rows[3][8:11] == ["不合格", "cpd.public", "公需科目学时 53，少于 54（申报中级，2019-2021年累计）"]
    assert rows[1][8] == "需人工核实"
    formula = sheet.cell(row=3, column=5)
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://x")', "s")


def test_export_needs_xlsx(store, tmp_path):
    result = store("check", "--export", str(tmp_path / "名单.csv"))
    assert result.exit_code == 2
    assert result.stderr == f"错误：导出文件应以 .xlsx 结尾：{tmp_path / '名单.csv'}\n"


def test_a_2031_date_is_refused_with_the_year_and_the_fix(store):
    import datetime as dt

    add_applicants(
        store.ctx,
        applicant_row(id_number=GOOD, publicity_start=dt.date(2031, 6, 2), publicity_end=dt.date(2031, 6, 9)),
    )
    result = store("check")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：工作日历中没有 2031 年的法定节假日和调休安排（内置日历覆盖 2004–")
    assert "--calendar" in result.stderr
    assert (
        "前后的工作日（涉及 1 名申报人的单位公示日期，如 张三 330802********1234）。请用 --calendar"
        in result.stderr
    )
    assert result.stderr.endswith(
        "例如：\n  year = 2031\n  holidays = [2031-01-01, …]\n  workdays = [2031-01-26, …]\n"
    )
    assert result.stdout == ""


def test_a_bad_calendar_file(store, tmp_path):
    calendar = tmp_path / "cal.toml"
    calendar.write_text("year = '2031'\n", encoding="utf-8")
    result = store("check", "--calendar", str(calendar))
    assert result.exit_code == 1
    assert result.stderr == "错误：cal.toml：键 year 应为年份整数，现为 '2031'\n"


def test_settle_then_check_keeps_it(store):
    assert store("check").exit_code == 0
    result = store(
        "check", "settle", OFFICE, "--verdict", "eligible", "--reason", "单位已提交岗位结构比例核定表"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "已认定：王五 330802********1235（第 3 号评委会）需人工核实 → 合格，理由：单位已提交岗位结构比例核定表\n"
    )
    again = store("check")
    assert again.stdout.splitlines()[0] == (
        "资格审查完成（本年度）：共 3 人，合格 2 人，不合格 1 人，需人工核实 0 人（其中人工认定 1 人）。"
    )


def test_a_data_change_unsettles_and_check_says_so(store):
    store("check")
    store("check", "settle", OFFICE, "--verdict", "eligible", "--reason", "已核实")
    add_applicants(
        store.ctx, applicant_row(id_number=OFFICE, name="王五", unit_type="事业单位", public_hours=70.0)
    )
    result = store("check")
    lines = result.stdout.splitlines()
    index = lines.index("以下 1 人的数据在人工认定后有变动，人工认定已撤销，请重新核实：")
    assert lines[index + 1] == "  王五 330802********1235（第 3 号评委会）"


def test_settle_review_is_not_a_choice(store):
    result = store("check", "settle", OFFICE, "--verdict", "review", "--reason", "x")
    assert result.exit_code == 2
    assert result.stderr == "错误：认定结果（--verdict）应为 合格 或 不合格，现为「review」\n"


def test_settle_unknown_id(store):
    store("check")
    result = store("check", "settle", "330802199909091234", "--verdict", "eligible", "--reason", "x")
    assert result.exit_code == 1
    assert result.stderr == "错误：本年度没有身份证号为 330802********1234 的申报人\n"


def test_settle_two_applications_needs_committee(store):
    add_applicants(store.ctx, applicant_row(committee_seq=4, specialty="交通运输工程", id_number=GOOD))
    store("check")
    result = store("check", "settle", GOOD, "--verdict", "ineligible", "--reason", "重复申报")
    assert result.exit_code == 2
    assert result.stderr == (
        "错误：身份证号 330802********1234 在第 3、4 号评委会都有申报，请用 --committee 指定评委会\n"
    )
    result = store(
        "check", "settle", GOOD, "--verdict", "ineligible", "--reason", "重复申报", "--committee", "4"
    )
    assert result.exit_code == 0
    assert result.stdout == "已认定：张三 330802********1234（第 4 号评委会）合格 → 不合格，理由：重复申报\n"


def test_a_long_reason_is_folded_in_the_table_not_cut(store):
    long_unit = "衢州市" + "某某" * 60 + "工程质量监督站"
    add_applicants(store.ctx, applicant_row(id_number=SHORT, name="李四", social_insurance_unit=long_unit))
    result = store("check")
    assert result.exit_code == 0, result.stderr
    assert "…" not in result.stdout
    table = result.stdout.split("──")[-1].splitlines()[1:]  # the rows under the header rule
    cells = "".join(line.split()[-1] for line in table if line.strip())  # the reason column is the last
    assert long_unit in cells
