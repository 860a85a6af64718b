"""The verdicts of issue 13 as a new user meets them: one workbook holding each case, imported with
``qzzc import`` and judged by ``qzzc check`` (SPEC §3, §5), each reason citing its rule."""

from __future__ import annotations

import json

from helpers import form_row, write_csv, write_xlsx

from qzzc.core.ids import check_digit


def _id(n: int, born: str = "1985") -> str:
    first17 = f"330802{born}0101{n:03d}"
    return first17 + check_digit(first17)


# (name, changes to the good committee-3 row, expected verdict, expected rule codes)
CASES = [
    ("括号", {"申报专业": "风景园林(景观设计)"}, "eligible", []),
    ("智能化", {"申报专业": "建筑电气（建筑智能化）"}, "eligible", []),
    (
        "直通车无证",
        {"申报类型": "直通车", "现职称": "", "现职称取得时间": ""},
        "ineligible",
        ["direct.track"],
    ),
    (
        "直通车有证",
        {"申报类型": "直通车", "现职称": "", "现职称取得时间": "", "职业资格或技能等级": "高级技师"},
        "eligible",
        [],
    ),
    ("无现职称", {"现职称": "", "现职称取得时间": ""}, "ineligible", ["title.sequence"]),
    ("同级", {"现职称": "工程师"}, "ineligible", ["title.sequence"]),
    ("越级", {"现职称": "技术员"}, "review", ["title.sequence"]),
    ("破格", {"申报类型": "破格"}, "review", ["title.sequence"]),
    ("年限不足", {"现职称取得时间": "2018-01-01"}, "ineligible", ["title.years"]),
    ("比例外", {"单位性质": "事业单位", "岗位结构比例内": "否"}, "ineligible", ["post.ratio"]),
    ("比例空", {"单位性质": "事业单位"}, "review", ["post.ratio"]),
    ("派驻核准", {"派驻市外": "是", "人事关系单位核准": "是", "所在地区": "市外"}, "eligible", []),
]
HEADERS = (
    "姓名", "身份证号", "工作单位", "单位性质", "单位隶属", "所在地区", "申报专业", "申报资格", "申报类型", "学历",
    "学位", "从事专业技术工作年限", "现职称", "现职称取得时间", "公需科目学时", "专业科目学时", "社保缴纳单位",
    "人事档案所在单位", "劳动合同单位", "派驻市外", "人事关系单位核准", "岗位结构比例内", "职业资格或技能等级",
    "单位公示开始日期", "单位公示结束日期", "年度考核", "学术造假", "联系电话",
)  # fmt: skip


def test_each_case_of_a_real_workbook_gets_the_notices_verdict(cli_initialised, tmp_path):
    rows = [
        form_row(姓名=name, 身份证号=_id(n), **changes)
        for n, (name, changes, _, _) in enumerate(CASES, start=1)
    ]
    path = write_xlsx(tmp_path / "各种情形.xlsx", rows, headers=HEADERS, titles=("申报人员汇总表",))
    imported = cli_initialised("import", str(path), "--committee", "3")
    assert imported.exit_code == 0, imported.stdout + imported.stderr
    result = cli_initialised("check", "--json")
    assert result.exit_code == 0
    found = {
        row["name"]: (row["verdict"], [r["rule"] for r in row["reasons"]])
        for row in json.loads(result.stdout)
    }
    assert found == {name: (verdict, codes) for name, _, verdict, codes in CASES}


def test_check_reports_the_rules_left_unapplied(cli_initialised, tmp_path):
    path = write_csv(
        tmp_path / "新闻.csv",
        [form_row(申报专业="新闻", 申报资格="记者", 现职称="助理记者", 现职称取得时间="2015-01-01")],
        headers=HEADERS,
    )
    assert cli_initialised("import", str(path), "--committee", "7").exit_code == 0
    result = cli_initialised("check")
    assert result.exit_code == 0
    assert (
        "  规则文件未设定新闻系列申报中级的任现职年限（title.years），未审查：1" in result.stdout.splitlines()
    )


def test_import_refuses_a_specialty_of_another_series_at_the_catch_all(cli_initialised, tmp_path):
    path = write_csv(
        tmp_path / "翻译.csv",
        [form_row(申报专业="翻译"), form_row(身份证号=_id(2), 申报专业="核工程")],
        headers=HEADERS,
    )
    result = cli_initialised("import", str(path), "--committee", "1", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] == [
        {
            "sheet": "翻译.csv",
            "row": 2,
            "column": "申报专业",
            "value": "翻译",
            "message": "属于翻译系列，本评委会只受理工程系列中暂无评委会的专业",
        }
    ]


def test_import_refuses_impossible_id_numbers(cli_initialised, tmp_path):
    too_young = _id(1, born="2010")
    unborn = _id(2, born="2030")
    no_province = "00" + _id(3)[2:17]
    no_province += check_digit(no_province)
    path = write_csv(
        tmp_path / "号码.csv",
        [form_row(身份证号=too_young), form_row(身份证号=unborn), form_row(身份证号=no_province)],
        headers=HEADERS,
    )
    result = cli_initialised("import", str(path), "--committee", "3", "--json")
    assert result.exit_code == 1
    assert [(e["row"], e["value"], e["message"]) for e in json.loads(result.stdout)["errors"]] == [
        (2, "330802********" + too_young[-4:], "按号码中的出生日期，至 2021 年底未满 16 周岁，请核对号码"),
        (3, "330802********" + unborn[-4:], "号码中的出生日期晚于 2021 评审年度，请核对号码"),
        (4, "000802********" + no_province[-4:], "前两位 00 不是省级行政区划代码（GB/T 2260），请核对号码"),
    ]
    assert json.loads(cli_initialised("applicants", "list", "--json").stdout) == []
