def test_not_initialised_store_says_how_to_fix(cli, db_path):
    result = cli("plan", "list")
    assert result.exit_code == 1
    assert result.stderr == f"错误：数据库 {db_path} 尚未初始化。请先运行：qzzc init\n"
    assert result.stdout == ""
    assert not db_path.exists()


def test_usage_error_exits_2(cli):
    result = cli("plan", "show", "abc")
    assert result.exit_code == 2


def test_usage_errors_are_chinese(cli):
    result = cli("plan", "show", "abc")
    assert result.exit_code == 2
    assert result.stderr == "错误：命令用法有误：序号 的值无效：应为整数\n用 `qzzc plan show -h` 查看帮助。\n"


def test_unknown_command_suggests(cli):
    result = cli("plan", "shw")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "错误：命令用法有误：没有命令「shw」（是否要用 show？）\n用 `qzzc plan -h` 查看帮助。\n"
    )


def test_unknown_root_option(cli):
    result = cli("--bogus")
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：命令用法有误：没有选项 --bogus\n")


def test_internal_error_has_no_traceback(cli, monkeypatch):
    import qzzc.services.plan

    def boom(*_args, **_kwargs):
        raise ZeroDivisionError("身份证 33080219900101123X")

    monkeypatch.setattr(qzzc.services.plan, "list_committees", boom)
    monkeypatch.delenv("QZZC_DEBUG", raising=False)
    cli("init")
    result = cli("plan", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：qzzc 内部错误（ZeroDivisionError），本次操作未写入任何数据。")
    assert "33080219900101123X" not in result.stderr
    assert "Traceback" not in result.stderr


def test_an_option_with_two_names_is_named_plainly(cli_initialised, tmp_path):
    result = cli_initialised("notice", "announcement", "-c", "3", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：命令用法有误：--out / -o 的值无效：是文件夹，不是文件\n")


def test_ctrl_c_exits_130_and_says_what_was_kept(cli_initialised, monkeypatch):
    import qzzc.services.plan

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(qzzc.services.plan, "list_committees", interrupted)
    result = cli_initialised("plan", "list")
    assert result.exit_code == 130
    assert result.stderr == (
        "已中断。未完成的操作不会写入任何数据；中断前已完成的，可用 qzzc audit 查看最后一条记录。\n"
    )
