def test_not_initialised_store_says_how_to_fix(cli, db_path):
    result = cli("plan", "list")
    assert result.exit_code == 1
    assert result.stderr == f"错误：数据库 {db_path} 尚未初始化。请先运行：qzzc init\n"
    assert result.stdout == ""
    assert not db_path.exists()


def test_usage_error_exits_2(cli):
    result = cli("plan", "show", "abc")
    assert result.exit_code == 2
