"""The clerk's terminal (SPEC §13): Chinese all the way, names not numbers, nothing that needs a
programmer."""

from __future__ import annotations

import json
import re

import pytest
from helpers import add_applicants, add_meeting, add_verdicts, applicant_row, expert_member, run_cli


def _commands(command=None, path=()):
    """Every command path of ``qzzc``, groups included."""
    from typer.main import get_command

    from qzzc.cli import app

    command = command or get_command(app)
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands())


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(path) or "qzzc" for path in COMMANDS])
def test_no_help_page_has_english_placeholders(path):
    result = run_cli(*path, "--help")
    assert result.exit_code == 0
    page = result.stdout
    assert page.lstrip().startswith(f"用法：qzzc {' '.join(path)}".rstrip())
    for english in (
        "Usage:",
        "[OPTIONS]",
        "COMMAND [ARGS]",
        "<str>",
        "<int>",
        "<bool>",
        "<path>",
        "<dir>",
        "<list[",
        "Show this",
        "Install completion",
    ):
        assert english not in page, english


def test_a_missing_argument_is_named_in_chinese():
    result = run_cli("import")
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：命令用法有误：缺少必需的参数 文件\n用 `qzzc import -h` 查看帮助。\n",
    )


def _completion(tmp_path, *args):
    import os
    import subprocess
    import sys

    # Typer's own switch: the shell is named on the command line rather than detected from the
    # parent process, which a test runner does not have.
    environment = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1", "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "qzzc", *args], capture_output=True, text=True, timeout=60, env=environment
    )


def test_shell_completion_is_offered(tmp_path):
    result = _completion(tmp_path, "--show-completion", "bash")
    assert result.returncode == 0, result.stderr
    assert "_QZZC_COMPLETE=complete_bash" in result.stdout


def test_install_completion_speaks_chinese(tmp_path):
    result = _completion(tmp_path, "--install-completion", "bash")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == f"已为 bash 安装命令补全（{tmp_path / '.bash_completions' / 'qzzc.sh'}），重新打开命令行窗口后生效。\n"
    )
    assert "_QZZC_COMPLETE" in (tmp_path / ".bash_completions" / "qzzc.sh").read_text()


@pytest.fixture
def checked(cli_initialised, db_path):
    from qzzc.services.base import Context
    from qzzc.services.eligibility import check_eligibility
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(
        ctx,
        applicant_row(id_number="330802199001011234", name="钱国强", unit_type="事业单位"),
        applicant_row(id_number="330802198502023216", name="李四"),
        applicant_row(id_number="330802198001011237", name="李四", committee_seq=3),
    )
    check_eligibility(ctx)
    ctx.store.dispose()
    return cli_initialised


def test_settle_takes_a_chinese_verdict_and_a_unique_name(checked):
    result = checked("check", "settle", "钱国强", "--verdict", "合格", "--reason", "已核实岗位结构比例")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "已认定：钱国强 330802********1234（第 3 号评委会）需人工核实 → 合格，理由：已核实岗位结构比例\n"
    )


def test_an_ambiguous_name_is_refused_with_the_masked_ids(checked):
    result = checked("check", "settle", "李四", "--verdict", "不合格", "--reason", "重复申报")
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：本年度的申报人中有 2 人名为「李四」（330802********1237、330802********3216），请改用身份证号指定\n",
    )


def test_an_unknown_name_is_refused(checked):
    result = checked("check", "settle", "赵六", "--verdict", "合格", "--reason", "x")
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：本年度的申报人中没有名为「赵六」的人（也可用身份证号指定）\n",
    )


def test_meeting_replace_by_name(cli_initialised, db_path):
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(ctx, applicant_row())
    add_verdicts(ctx)
    add_meeting(ctx, size=9, alternates=2)
    ctx.store.dispose()
    result = cli_initialised("meeting", "replace", "1", "专家3", "--reason", "出差")
    assert result.exit_code == 0, result.stderr
    assert "专家3" in result.stdout
    assert "专家10" in result.stdout
    assert expert_member(3)["id_number"] not in result.stdout


def test_applicants_list_shows_the_verdict_and_the_result(cli, db_path, tmp_path):
    from fixed_store import build_store

    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    build_store(ctx, tmp_path)
    ctx.store.dispose()
    listed = json.loads(cli("applicants", "list", "--json").stdout)
    assert [(item["name"], item["verdict"], item["result"]) for item in listed] == [
        ("张三", "eligible", "通过"),
        ("李四", "eligible", "不推荐"),
        ("<script>alert(1)</script>", "eligible", "通过"),
        ("赵六", "ineligible", None),
    ]
    table = cli("applicants", "list").stdout
    assert "评审结果" in table
    assert "推荐" in table


def test_the_expert_template_reads_back_and_its_example_row_is_refused(cli_initialised, tmp_path):
    out = tmp_path / "专家库.xlsx"
    result = cli_initialised("template", "experts", str(out))
    assert (result.exit_code, result.stdout) == (0, f"已生成专家库表模板：{out}\n")
    imported = cli_initialised("experts", "import", str(out), "--json")
    assert imported.exit_code == 1
    assert [e["message"] for e in json.loads(imported.stdout)["errors"]] == [
        "这是空白模板中的示例行，请删除后再导入"
    ]


def test_restore_checks_the_backup_never_overwrites_without_force_and_keeps_the_replaced(
    cli_initialised, db_path, tmp_path
):
    backed = cli_initialised("backup", str(tmp_path / "备份"))
    assert backed.exit_code == 0
    backup = next((tmp_path / "备份").glob("qzzc-*.db"))
    refused = cli_initialised("restore", str(backup))
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        f"错误：{db_path} 已有数据库，未恢复。确认要用备份替换它时，请加 --force"
    )
    restored = cli_initialised("restore", str(backup), "--force")
    assert restored.exit_code == 0, restored.stderr
    kept = sorted(db_path.parent.glob("qzzc-被替换-*.db"))
    assert len(kept) == 1
    assert restored.stdout.splitlines()[-1] == f"原数据库已另存为：{kept[0]}"
    assert cli_initialised("audit", "verify").exit_code == 0
    entries = json.loads(cli_initialised("audit", "--json").stdout)
    assert [entry["command"] for entry in entries] == ["init", "restore"]


def test_restore_refuses_a_file_that_is_not_a_backup(cli_initialised, db_path, tmp_path):
    fake = tmp_path / "假.db"
    fake.write_bytes(b"not a database")
    result = cli_initialised("restore", str(fake), "--db", str(tmp_path / "new.db"))
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：假.db 不是 qzzc 的备份（不是 SQLite 数据库文件），未恢复。\n",
    )
    assert not (tmp_path / "new.db").exists()


def test_audit_speaks_in_words_and_beijing_time(cli_initialised):
    result = cli_initialised("audit")
    lines = result.stdout.splitlines()
    assert re.fullmatch(
        r"第 1 条  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  \S+  初始化（init）  哈希 [0-9a-f]{12}", lines[0]
    )
    assert lines[1] == "    载入 2021 年度评审计划（25 个评委会，新增 25，变更 0）和规则"
    assert "{" not in result.stdout


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        ("2026-12-01T20:35:23+00:00", "2026-12-02 04:35:23"),
        ("2021-10-20T09:00:00.123456+08:00", "2021-10-20 09:00:00"),
        ("不是时间", "不是时间"),
    ],
)
def test_beijing_time(at, shown):
    from qzzc.core.audit_words import beijing

    assert beijing(at) == shown


def test_tables_at_80_columns_keep_ids_and_names_whole(cli, db_path, tmp_path, monkeypatch):
    from fixed_store import build_store
    from rich.cells import cell_len

    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    build_store(ctx, tmp_path)
    ctx.store.dispose()
    monkeypatch.setenv("COLUMNS", "80")
    for args in (("applicants", "list"), ("check",), ("experts", "list"), ("plan", "list")):
        page = cli(*args).stdout
        # a table's header rule is as wide as the table; plain sentences are the terminal's to wrap
        wide = [line for line in page.splitlines() if "──" in line and cell_len(line) > 80]
        assert wide == [], args
        for masked in re.findall(r"\d{6}\*{8}\d{3}[\dX]", page):
            assert len(masked) == 18
    listed = cli("applicants", "list").stdout
    assert len(re.findall(r"330802\*{8}\d{3}[\dX]|330881\*{8}\d{3}[\dX]", listed)) == 4
    assert "赵六" in listed
    assert "张三" in listed


def test_meeting_show_at_80_columns_keeps_ids_whole_and_speaks_beijing_time(
    cli, db_path, tmp_path, monkeypatch
):
    from fixed_store import build_store

    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    meeting = build_store(ctx, tmp_path)
    ctx.store.dispose()
    monkeypatch.setenv("COLUMNS", "80")
    page = cli("meeting", "show", str(meeting)).stdout
    assert "…" not in page
    assert len(re.findall(r"\d{6}\*{8}\d{3}[\dX]", page)) == 9 + 3  # nine members, three applicants
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", page)  # no ISO times with a T


def test_audit_shows_an_entry_whose_inputs_were_changed_outside_qzzc(cli_initialised, db_path):
    import sqlite3

    connection = sqlite3.connect(db_path)
    connection.execute("UPDATE audit_entries SET inputs = ? WHERE seq = 1", ('{"a": 1}',))
    connection.commit()
    connection.close()
    result = cli_initialised("audit")
    assert result.exit_code == 0, result.stderr
    assert "    输入文件：{'a': 1}" in result.stdout.splitlines()


def test_restore_refuses_a_folder_on_either_side(cli_initialised, db_path, tmp_path):
    assert cli_initialised("backup", str(tmp_path / "备份")).exit_code == 0
    backup = next((tmp_path / "备份").glob("qzzc-*.db"))
    folder = cli_initialised("restore", str(tmp_path / "备份"))
    assert folder.exit_code == 1
    assert folder.stderr.startswith(f"错误：{tmp_path / '备份'} 是文件夹，不是备份文件")
    target = tmp_path / "dd"
    target.mkdir()
    onto = cli_initialised("restore", str(backup), "--db", str(target), "--force")
    assert onto.exit_code == 1
    assert onto.stderr.startswith(f"错误：{target} 是文件夹，不能作为数据库文件")
    assert target.is_dir()
