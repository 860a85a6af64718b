def test_init_twice(cli, db_path):
    first = cli("init")
    assert first.exit_code == 0
    assert first.stdout == f"已创建数据库：{db_path}\n2021 年度：新增评委会 25 个，更新 0 个，规则已载入。\n"
    second = cli("init")
    assert second.exit_code == 0
    assert second.stdout == f"数据库已是最新，未作改动（2021 年度，{db_path}）。\n"


def test_init_with_missing_plan_file(cli, tmp_path):
    result = cli("init", "--plan", str(tmp_path / "无.csv"))
    assert result.exit_code == 1
    assert result.stderr == f"错误：找不到文件：{tmp_path / '无.csv'}\n"


def test_init_with_plan_that_is_not_text(cli, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_bytes(b"\x00\x01\x02\xff\xfe")
    result = cli("init", "--plan", str(plan))
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：plan.csv ")
    assert "Traceback" not in result.stderr
