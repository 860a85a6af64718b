import json

from helpers import IDS, form_row, write_csv, write_xlsx

from qzzc.sheets.reader import read_sheet


def test_import_and_list(cli_initialised, tmp_path):
    path = write_xlsx(
        tmp_path / "单位.xlsx", [form_row(), form_row(姓名="李四", 身份证号=IDS[1])], titles=("汇总表",)
    )
    result = cli_initialised("import", str(path), "--committee", "3")
    assert result.exit_code == 0
    assert result.stdout == "导入完成：第 3 号评委会，工作表「申报人员」共 2 人；新增 2，更新 0，未变 0。\n"
    again = cli_initialised("import", str(path), "-c", "3", "--json")
    assert json.loads(again.stdout) == {
        "added": 0,
        "updated": 0,
        "unchanged": 2,
        "errors": [],
        "errors_total": 0,
        "ignored_columns": [],
    }
    listed = json.loads(cli_initialised("applicants", "list", "--json").stdout)
    assert [(item["name"], item["committee"], item["title"]) for item in listed] == [
        ("张三", 3, "工程师"),
        ("李四", 3, "工程师"),
    ]
    table = cli_initialised("applicants", "list").stdout
    assert "330802********1232" in table
    assert IDS[0] not in table


def test_bad_file_exit_1_with_every_row(cli_initialised, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [form_row(身份证号="330802199001011233"), form_row(身份证号=IDS[1], 学历="小学")],
    )
    result = cli_initialised("import", str(path), "--committee", "3", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] == [
        {
            "sheet": "bad.csv",
            "row": 2,
            "column": "身份证号",
            "value": "330802********1233",
            "message": "校验位不符，请核对号码",
        },
        {
            "sheet": "bad.csv",
            "row": 3,
            "column": "学历",
            "value": "小学",
            "message": "应为 研究生 / 本科 / 大专 / 中专 / 高中及以下 之一",
        },
    ]
    assert result.stderr == (
        "错误：bad.csv 有误，共 2 处，未写入任何数据：\n"
        "  bad.csv 第 2 行「身份证号」（330802********1233）：校验位不符，请核对号码\n"
        "  bad.csv 第 3 行「学历」（小学）：应为 研究生 / 本科 / 大专 / 中专 / 高中及以下 之一\n"
    )
    assert "330802199001011233" not in result.stderr + result.stdout
    assert json.loads(cli_initialised("applicants", "list", "--json").stdout) == []


def test_missing_file(cli_initialised, tmp_path):
    result = cli_initialised("import", str(tmp_path / "无.xlsx"), "-c", "3")
    assert (result.exit_code, result.stderr) == (1, f"错误：找不到文件：{tmp_path / '无.xlsx'}\n")


def test_not_a_workbook(cli_initialised, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_text("这不是表格", encoding="utf-8")
    result = cli_initialised("import", str(path), "-c", "3")
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：a.xlsx 不是有效的 Excel 工作簿（文件已损坏或并非表格文件）\n",
    )


def test_gb18030_csv(cli_initialised, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [form_row(姓名="欧阳淼淼")], encoding="gb18030")
    assert cli_initialised("import", str(path), "-c", "3").exit_code == 0
    assert json.loads(cli_initialised("applicants", "list", "--json").stdout)[0]["name"] == "欧阳淼淼"


def test_ignored_columns_are_noted(cli_initialised, tmp_path):
    headers = (*tuple(form_row()), "备注")
    path = write_csv(tmp_path / "a.csv", [form_row(备注="无")], headers=headers)
    result = cli_initialised("import", str(path), "-c", "3")
    assert result.exit_code == 0
    assert result.stderr == "提示：以下列不属于申报表，已忽略：备注\n"


def test_template_reads_back_with_drop_downs(cli_initialised, tmp_path):
    from openpyxl import load_workbook

    from qzzc.core.forms import APPLICANT_FORM

    path = tmp_path / "模板.xlsx"
    result = cli_initialised("template", "applicants", str(path))
    assert (result.exit_code, result.stdout) == (0, f"已生成申报人员表模板：{path}\n")
    parsed = read_sheet(path.read_bytes(), path.name, APPLICANT_FORM)
    assert (len(parsed.rows), parsed.errors, parsed.ignored) == (1, [], [])
    sheet = load_workbook(path)["申报人员"]
    lists = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["J"] == '"研究生,本科,大专,中专,高中及以下"'
    assert sheet["B3"].number_format == "@"
    assert result.stderr == ""
    refused = cli_initialised("import", str(path), "-c", "3")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "错误：模板.xlsx 有误，共 1 处，未写入任何数据：\n"
        "  申报人员 第 2 行「身份证号」（330802********2315）：这是空白模板中的示例行，请删除后再导入\n",
    )


def test_template_needs_xlsx(cli_initialised, tmp_path):
    result = cli_initialised("template", "applicants", str(tmp_path / "a.csv"))
    assert (result.exit_code, result.stderr) == (2, "错误：模板文件应以 .xlsx 结尾：a.csv\n")


def _refusal(message: str) -> dict:
    return {
        "added": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [{"sheet": None, "row": None, "column": None, "value": None, "message": message}],
        "errors_total": 1,
        "ignored_columns": [],
    }


def test_a_file_refused_as_a_whole_still_gives_the_json_object(cli_initialised, tmp_path):
    """SPEC §4: the object whatever the outcome; the store stays as it was."""
    from helpers import run_cli

    good = write_csv(tmp_path / "good.csv", [form_row()])
    assert cli_initialised("import", str(good), "-c", "3").exit_code == 0
    before = cli_initialised("applicants", "list", "--json").stdout
    entries = cli_initialised("audit", "--json").stdout

    missing = cli_initialised("import", str(tmp_path / "无.xlsx"), "-c", "3", "--json")
    assert missing.exit_code == 1
    assert json.loads(missing.stdout) == _refusal(f"找不到文件：{tmp_path / '无.xlsx'}")
    assert missing.stderr == f"错误：找不到文件：{tmp_path / '无.xlsx'}\n"

    garbage = tmp_path / "乱码.xlsx"
    garbage.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    broken = cli_initialised("import", str(garbage), "-c", "3", "--json")
    assert broken.exit_code == 1
    assert json.loads(broken.stdout) == _refusal(broken.stderr.removeprefix("错误：").removesuffix("\n"))

    unknown = cli_initialised("import", str(good), "-c", "26", "--json")
    assert unknown.exit_code == 1
    assert json.loads(unknown.stdout)["errors"][0]["message"].startswith("没有序号为 26 的评委会")

    assert cli_initialised("applicants", "list", "--json").stdout == before
    assert cli_initialised("audit", "--json").stdout == entries
    assert run_cli("--db", str(tmp_path / "新.db"), "import", str(good), "-c", "3", "--json").exit_code == 1


def test_an_expert_pool_refused_as_a_whole_still_gives_the_json_object(cli_initialised, tmp_path):
    result = cli_initialised("experts", "import", str(tmp_path / "无.csv"), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == _refusal(f"找不到文件：{tmp_path / '无.csv'}")
