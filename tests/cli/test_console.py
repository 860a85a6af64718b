"""The one console (SPEC §13, §14): a GBK console never fails a command, nothing printed acts on
the terminal, and a failure after a commit never says that nothing was written."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from helpers import add_applicants, add_meeting, add_verdicts, applicant_row, expert_member
from rich.cells import cell_len

GOOD = "330802199001011234"
ROGUE = "\x1b[2J\u202e张[bold]三:smile:"  # clears the screen, reverses the line, looks like markup
ROGUE_SHOWN = "\\x1b[2J\\u202e张[bold]三:smile:"
RARE = "𠮷"  # U+20BB7: not in GBK
UNIT = "衢州\u200b市\x9b31m设计院"  # a zero-width space, and C1's CSI of "colour red"
UNITS = ("unit", "social_insurance_unit", "archive_unit", "contract_unit")


@pytest.fixture
def store(cli_initialised, db_path):
    """An initialised store with two applicants at committee 3: 𠮷 (short of public hours, so
    ``check`` names him) and one whose name holds an escape sequence; returns the CLI runner."""
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(
        ctx,
        applicant_row(id_number=GOOD, name=RARE, public_hours=53.0),
        applicant_row(id_number="330802199202021238", name=ROGUE, **dict.fromkeys(UNITS, UNIT)),
    )
    ctx.store.dispose()
    cli_initialised.ctx = ctx
    return cli_initialised


def cells(line: str) -> list[str]:
    """The cells of a table row, whatever its borders (ASCII on a GBK console, none on UTF-8)."""
    return [cell for cell in re.split(r"\s*[|│]\s*|\s{2,}", line.strip()) if cell]


def rows(output: str) -> list[list[str]]:
    """The rows of the last table in ``output``, as cells, without rules and blank lines."""
    return [
        cells(line) for line in output.splitlines() if cells(line) and not set(line.strip()) <= set("+-|─ ")
    ]


def entries(ctx) -> int:
    from qzzc.services.audit import count_entries

    return count_entries(ctx)


def test_a_gbk_console_shows_what_it_cannot_encode_as_a_question_mark(store):
    before = entries(store.ctx)
    result = store("check", charset="gbk")
    assert result.stderr == ""
    assert result.exit_code == 0
    assert entries(store.ctx) == before + 1
    assert result.stdout.splitlines()[:4] == [
        "资格审查完成（本年度）：共 2 人，合格 1 人，不合格 1 人，需人工核实 0 人（其中人工认定 0 人）。",
        "未通过的原因（人数）：",
        "  cpd.public 公需科目学时：1",
        "未适用的规则（人数）：",
    ]
    assert rows(result.stdout)[-2:] == [
        ["评委会", "姓名", "身份证号", "申报资格", "审查结果", "原因"],
        [
            "3",
            "?",
            "330802********1234",
            "工程师",
            "不合格",
            "cpd.public：公需科目学时 53，少于 54（申报中级，2019-2021年累计）",
        ],
    ]
    table = result.stdout.splitlines()[6:]
    assert len({cell_len(line) for line in table}) == 1  # aligned: every line of the table as wide


def test_a_gbk_console_lists_applicants_aligned(store):
    result = store("applicants", "list", charset="gbk")
    assert result.exit_code == 0, result.stderr
    assert rows(result.stdout) == [
        ["申报人员（共 2 人）"],
        ["评委会", "姓名", "身份证号", "工作单位", "申报资格", "申报专业", "资格审查", "评审结果"],
        ["3", "?", "330802********1234", "衢州市建筑设计院", "工程师", "建筑设计", "未审查", "—"],
        [
            "3",
            "\\x1b[2J\\u202e张[bold]三:smile:",
            "330802********1238",
            "衢州\\u200b市\\x9b31m设计院",
            "工程师",
            "建筑设计",
            "未审查",
            "—",
        ],
    ]
    table = result.stdout.splitlines()[1:]
    assert len({cell_len(line) for line in table}) == 1


def test_json_on_a_gbk_console_escapes_what_it_cannot_encode(store):
    import json

    result = store("applicants", "list", "--json", charset="gbk")
    assert result.exit_code == 0, result.stderr
    assert '"name": "\\ud842\\udfb7"' in result.stdout
    assert '"name": "\\u001b[2J\\u202e张[bold]三:smile:"' in result.stdout
    assert [item["name"] for item in json.loads(result.stdout)] == [RARE, ROGUE]


def test_a_gbk_console_in_a_real_process(store, db_path):
    """Chinese Windows with output redirected: Python writes GBK, strictly."""
    environment = {**os.environ, "PYTHONIOENCODING": "gbk"}
    environment.pop("QZZC_DB", None)
    result = subprocess.run(
        [sys.executable, "-m", "qzzc", "--db", str(db_path), "check"],
        capture_output=True,
        env=environment,
        timeout=120,
    )
    assert result.stderr.decode("gbk") == ""
    assert result.returncode == 0
    stdout = result.stdout.decode("gbk")
    assert ["3", "?", "330802********1234", "工程师", "不合格"] in [row[:5] for row in rows(stdout)]
    assert "\x1b" not in stdout
    assert "\u202e" not in stdout


def test_an_error_message_on_a_gbk_console(cli_initialised, tmp_path):
    missing = tmp_path / f"{RARE}\x1b[2J.csv"
    result = cli_initialised("import", str(missing), "-c", "3", charset="gbk")
    assert result.exit_code == 1
    assert result.stderr == f"错误：找不到文件：{tmp_path}/?\\x1b[2J.csv\n"


def test_a_usage_error_on_a_gbk_console(cli):
    result = cli("plan", RARE + "\x1b[2J", charset="gbk")
    assert result.exit_code == 2
    assert result.stderr == "错误：命令用法有误：没有命令「?\\x1b[2J」\n用 `qzzc plan -h` 查看帮助。\n"


def test_nothing_printed_acts_on_the_terminal(store):
    listed = store("applicants", "list")
    assert listed.exit_code == 0, listed.stderr
    assert rows(listed.stdout)[-1] == [
        "3", "\\x1b[2J\\u202e张[bold]三:smile:", "330802********1238", "衢州\\u200b市\\x9b31m设计院", "工程师", "建筑设计", "未审查", "—",
    ]  # fmt: skip
    checked = store("check")
    assert checked.exit_code == 0, checked.stderr
    for output in (listed.stdout, checked.stdout):
        assert not {"\x1b", "\u202e", "\u200b", "\x9b"} & set(output)


def test_the_audit_log_shows_an_operator_as_text(cli, tmp_path):
    assert cli("--operator", "王\x1b]0;标题\x07五", "init").exit_code == 0
    result = cli("audit")
    assert result.exit_code == 0, result.stderr
    assert "  王\\x1b]0;标题\\x07五  初始化（init）" in result.stdout
    assert "\x1b" not in result.stdout


def test_meeting_show_names_as_text(cli_initialised, db_path):
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(ctx, applicant_row(id_number=GOOD))
    add_verdicts(ctx)
    assert add_meeting(ctx, size=9) == 1
    from helpers import writing
    from sqlmodel import select

    from qzzc.store.models import Draw

    with writing(ctx) as session:
        draw = session.exec(select(Draw)).one()
        draw.members = [expert_member(1, name=ROGUE), *draw.members[1:]]
        session.add(draw)
    ctx.store.dispose()
    result = cli_initialised("meeting", "show", "1")
    assert result.exit_code == 0, result.stderr
    members = "、".join(f"专家{i}" for i in range(2, 10))
    assert result.stdout.splitlines()[7] == f"  抽中委员：{ROGUE_SHOWN}、{members}"


def test_an_import_error_listing_shows_cells_as_text(cli_initialised, tmp_path):
    from helpers import form_row, write_csv

    path = write_csv(tmp_path / "bad.csv", [form_row(学历="\x1b[2J小学\u202e")])
    result = cli_initialised("import", str(path), "-c", "3")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "\u202e" not in result.stderr
    assert (
        "（□[2J小学□）：含有控制字符（U+001B），请删除后重新导入" in result.stderr
    )  # refused at import (SPEC §14)


def test_a_failure_after_the_commit_says_the_data_was_saved(store, monkeypatch):
    import qzzc.cli.check

    def broken(*_args, **_kwargs):
        raise RuntimeError("display")

    monkeypatch.setattr(qzzc.cli.check, "_print", broken)
    before = entries(store.ctx)
    result = store("check")
    assert result.exit_code == 1
    assert entries(store.ctx) == before + 1
    assert result.stderr == (
        "错误：qzzc 内部错误（RuntimeError），发生在保存之后：本次操作的数据已保存"
        f"（审计日志第 {before + 1} 条，可用 qzzc audit 查看）。"
        "这是程序缺陷，请把所用命令告知开发人员；设置环境变量 QZZC_DEBUG=1 可显示详细信息。\n"
    )


def test_ctrl_c_after_the_commit_says_the_data_was_saved(store, monkeypatch):
    import qzzc.cli.check

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(qzzc.cli.check, "_print", interrupted)
    before = entries(store.ctx)
    result = store("check")
    assert result.exit_code == 130
    assert result.stderr == (
        f"已中断。本次操作的数据已保存（审计日志第 {before + 1} 条，可用 qzzc audit 查看），中断发生在保存之后。\n"
    )


def test_a_failure_before_the_commit_still_says_nothing_was_written(store, monkeypatch):
    import qzzc.services.eligibility

    def broken(*_args, **_kwargs):
        raise RuntimeError("rules")

    monkeypatch.setattr(qzzc.services.eligibility, "_evaluate_all", broken)
    before = entries(store.ctx)
    result = store("check")
    assert result.exit_code == 1
    assert entries(store.ctx) == before
    assert result.stderr.startswith("错误：qzzc 内部错误（RuntimeError），本次操作未写入任何数据。")


def test_the_expert_list_shows_names_as_text(cli_initialised, db_path):
    from helpers import add_experts, expert_row

    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_experts(ctx, expert_row(1, name=ROGUE, unit=UNIT, phone="13800001111"))
    ctx.store.dispose()
    result = cli_initialised("experts", "list")
    assert result.exit_code == 0, result.stderr
    [row] = [line for line in result.stdout.splitlines() if "张" in line]
    assert cells(row)[0] == "\\x1b[2J\\u202e张[bold]三:smile:"
    assert "衢州\\u200b市\\x9b31m设计院" in cells(row)
    assert "********111" in row
    assert not {"\x1b", "\u202e", "\u200b", "\x9b"} & set(result.stdout)
