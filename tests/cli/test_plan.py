import json


def test_plan_list_shows_25(cli_initialised):
    result = cli_initialised("plan", "list", "--json")
    assert result.exit_code == 0
    assert [row["seq"] for row in json.loads(result.stdout)] == list(range(1, 26))


def test_plan_list_table(cli_initialised):
    result = cli_initialised("plan", "list")
    assert result.exit_code == 0
    assert "评审计划（共 25 个评委会）" in result.stdout


def test_plan_show_13_json(cli_initialised):
    data = json.loads(cli_initialised("plan", "show", "13", "--json").stdout)
    assert (len(data["evaluates"]), len(data["recommends"])) == (20, 20)


def test_plan_show_11_contact(cli_initialised):
    data = json.loads(cli_initialised("plan", "show", "11", "--json").stdout)
    assert (data["contact_unit"], data["contact_phone"]) == ("市文旅局", "8089958")


def test_plan_show_unknown(cli_initialised):
    result = cli_initialised("plan", "show", "99")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "错误：没有序号为 99 的评委会（本年度计划共 25 个评委会，序号 1–25）。\n"


def test_plan_show_table(cli_initialised):
    result = cli_initialised("plan", "show", "1")
    assert result.exit_code == 0
    assert "以及暂不具备设置中级评审委员会条件的专业" in result.stdout
