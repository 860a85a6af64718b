"""``qzzc experts import`` and ``qzzc experts list`` from the command line."""

import json

from helpers import make_id, write_csv

from qzzc.core.privacy import mask_id

HEADERS = ("姓名", "身份证号", "工作单位", "专业", "职称", "职称级别", "联系电话", "所属评委会")
ID1 = make_id(1, "330881")


def row(**changes):
    values = {
        "姓名": "李四", "身份证号": ID1, "工作单位": "衢州市住建局", "专业": "建筑设计,给排水",
        "职称": "高级工程师", "职称级别": "正高级", "联系电话": "13900001111", "所属评委会": "3",
    }  # fmt: skip
    values.update(changes)
    return values


def test_import_and_list(cli_initialised, tmp_path):
    path = write_csv(tmp_path / "专家.csv", [row()], HEADERS)
    result = cli_initialised("experts", "import", str(path))
    assert (result.exit_code, result.stdout) == (
        0,
        "专家库导入完成：工作表「专家.csv」共 1 人；新增 1 人，更新 0 人，未变 0 人。\n",
    )
    listed = cli_initialised("experts", "list", "--committee", "3")
    assert listed.exit_code == 0
    assert "********111" in listed.stdout
    assert mask_id(ID1) in listed.stdout
    assert "13900001111" not in listed.stdout
    assert ID1 not in listed.stdout
    document = json.loads(cli_initialised("experts", "list", "--json").stdout)
    assert document == [
        {
            "id_number": ID1, "name": "李四", "unit": "衢州市住建局", "region": None,
            "specialties": ["建筑设计", "给排水"], "title": "高级工程师", "title_level": "正高级",
            "phone": "13900001111", "status": "在库", "committees": [3],
        }
    ]  # fmt: skip
    assert json.loads(cli_initialised("experts", "list", "--committee", "4", "--json").stdout) == []


def test_bad_file_exits_1_with_every_error_and_json(cli_initialised, tmp_path):
    path = write_csv(
        tmp_path / "专家.csv", [row(职称级别="高级"), row(身份证号="3.30881196001E+17")], HEADERS
    )
    result = cli_initialised("experts", "import", str(path), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "added": 0,
        "updated": 0,
        "unchanged": 0,
        "ignored_columns": [],
        "errors_total": 2,
        "errors": [
            {"sheet": "专家.csv", "row": 2, "column": "职称级别", "value": "高级", "message": "应为 副高级 / 正高级 之一"},
            {
                "sheet": "专家.csv", "row": 3, "column": "身份证号", "value": mask_id("3.30881196001E+17"),
                "message": "身份证号被 Excel 存成了数字，末尾几位已丢失，无法还原；请把该列设为“文本”格式后重新录入身份证号",
            },
        ],
    }  # fmt: skip
    assert result.stderr.startswith("错误：专家.csv 有误，共 2 处，未写入任何数据：\n")
    assert cli_initialised("experts", "list", "--json").stdout == "[]\n"


def test_list_an_unknown_committee(cli_initialised):
    result = cli_initialised("experts", "list", "--committee", "30")
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：没有序号为 30 的评委会（本年度计划共 25 个评委会，序号 1–25）。\n",
    )


def test_an_expert_without_committee_is_noted(cli_initialised, tmp_path):
    path = write_csv(tmp_path / "专家.csv", [row(所属评委会="")], HEADERS)
    result = cli_initialised("experts", "import", str(path))
    assert result.exit_code == 0
    assert result.stderr == "注意：1 名专家未填“所属评委会”，抽取专家时不会被抽到。\n"
