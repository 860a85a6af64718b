"""``qzzc tally`` and ``qzzc meeting show`` as a clerk runs them."""

from __future__ import annotations

import csv
import json

import pytest
from helpers import add_applicants, add_meeting, add_verdicts, applicant_row, expert_member

A = "330802199001011234"
B = "330802198502023216"
HEADER = ["身份证号", "姓名", "同意", "不同意", "弃权"]
# Members 8 and 9 of the nine-member draw, absent when seven attend (SPEC §7).
TWO_ABSENT = ("--absent", expert_member(8)["id_number"], "--absent", expert_member(9)["id_number"])


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return str(path)


@pytest.fixture
def store(cli_initialised, db_path):
    """An initialised store with meeting 1 of committee 3 (9 members) and two applicants under review."""
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(
        ctx, applicant_row(id_number=A), applicant_row(id_number=B, name="李四", title="高级工程师")
    )
    add_verdicts(ctx)
    assert add_meeting(ctx, size=9) == 1
    ctx.store.dispose()
    return cli_initialised


def test_tally_json(store, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", [[A, "张三", 4, 2, 0], [B, "李四", 3, 2, 1]])
    absent = [arg for n in (7, 8, 9) for arg in ("--absent", expert_member(n)["id_number"])]
    result = store("tally", "1", "--attending", "6", *absent, "--counts", counts, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "id_number": B,
            "name": "李四",
            "yes": 3,
            "no": 2,
            "abstain": 1,
            "attending": 6,
            "needed": 4,
            "passed": False,
            "result": "不推荐",
        },
        {
            "id_number": A,
            "name": "张三",
            "yes": 4,
            "no": 2,
            "abstain": 0,
            "attending": 6,
            "needed": 4,
            "passed": True,
            "result": "通过",
        },
    ]


def test_tally_table_masks_id_numbers(store, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", [[A, "张三", 5, 2, 0], [B, "李四", 5, 1, 1]])
    absent = expert_member(9)["id_number"]
    result = store("tally", "1", "--attending", "8", "--counts", counts, "--absent", absent)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "已记录第 1 号会议（第 3 号评委会 衢州市建筑工程技术人员中级职务评审委员会，2021-09-28）的计票"
        "（第 1 版）：委员 9 人，出席 8 人，同意票须达 6 票。"
    )
    assert lines[1] == "缺席委员：专家9（330802********009X）"
    assert lines[-1] == "共 2 人，通过（推荐）0 人。"
    assert A not in result.stdout
    assert "330802********1234" in result.stdout


def test_no_quorum_exits_1(store, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", [[A, "张三", 5, 0, 0], [B, "李四", 5, 0, 0]])
    result = store("tally", "1", "--attending", "5", "--counts", counts)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "错误：出席委员 5 人，未达到执行委员会 9 人的三分之二（至少须 6 人出席），会议不能计票。"
        "未记录任何计票结果。\n"
    )
    show = store("meeting", "show", "1", "--json")
    assert json.loads(show.stdout)["tallies"] == []


def test_bad_counts_exit_1_with_every_row(store, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", [[A, "张三", 5, 2, 1], [A, "张三", 1, 1, 1]])
    result = store("tally", "1", "--attending", "7", *TWO_ABSENT, "--counts", counts)
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：计票文件 计票.csv 有误，共 3 处：\n"
        "  第 2 行：同意 + 不同意 + 弃权 = 8，超过出席专家人数 7\n"
        "  第 3 行「身份证号」（330802********1234）：重复：该申报人已在第 2 行\n"
        "  缺少申报人 330802********3216 李四 的计票行\n"
        "未记录任何计票结果。\n"
    )


def test_second_tally_needs_amend_and_reason(store, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", [[A, "张三", 5, 2, 0], [B, "李四", 4, 3, 0]])
    assert store("tally", "1", "--attending", "7", *TWO_ABSENT, "--counts", counts).exit_code == 0
    again = store("tally", "1", "--attending", "7", *TWO_ABSENT, "--counts", counts)
    assert again.exit_code == 1
    assert again.stderr.startswith("错误：第 1 号会议的计票已于 ")
    assert again.stderr.endswith("计票结果一经记录不得重复录入。如确需更正，请用 --amend --reason 理由。\n")
    no_reason = store("tally", "1", "--attending", "7", *TWO_ABSENT, "--counts", counts, "--amend")
    assert no_reason.exit_code == 2
    assert no_reason.stderr == "错误：更正计票（--amend）须用 --reason 写明理由。\n"
    write_csv(tmp_path / "计票.csv", [[A, "张三", 5, 2, 0], [B, "李四", 5, 2, 0]])
    amended = store(
        "tally", "1", "--attending", "7", *TWO_ABSENT, "--counts", counts, "--amend", "--reason", "李四录错"
    )
    assert amended.exit_code == 0, amended.stderr
    assert amended.stdout.splitlines()[1:3] == [
        "缺席委员：专家8（330802********008X）、专家9（330802********009X）",
        "更正理由：李四录错",
    ]
    show = store("meeting", "show", "1")
    assert show.exit_code == 0, show.stderr
    assert "计票记录（含更正）：" in show.stdout
    assert "，出席 7 人，更正理由：李四录错" in show.stdout


def test_confirm_difference_exits_1(store, tmp_path):
    counts = write_csv(tmp_path / "a.csv", [[A, "张三", 5, 2, 0], [B, "李四", 4, 3, 0]])
    confirm = write_csv(tmp_path / "b.csv", [[A, "张三", 5, 2, 0], [B, "李四", 3, 4, 0]])
    result = store("tally", "1", "--attending", "7", *TWO_ABSENT, "--counts", counts, "--confirm", confirm)
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：两次录入不一致，共 1 人：\n"
        "  330802********3216 李四：同意 4 ≠ 3；不同意 3 ≠ 4\n"
        "请核对原始选票统计表后重新录入。\n"
        "未记录任何计票结果。\n"
    )


def test_unknown_meeting_and_bad_usage(store, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", [])
    result = store("tally", "7", "--attending", "7", *TWO_ABSENT, "--counts", counts)
    assert (result.exit_code, result.stderr) == (
        1,
        "错误：没有编号为 7 的评审会议（会议编号由 qzzc meeting file 备案时给出；qzzc status 可查看）。\n",
    )
    missing = store("tally", "1", "--counts", counts)
    assert missing.exit_code == 2
    assert missing.stderr == "错误：命令用法有误：缺少必需的选项 --attending\n用 `qzzc tally -h` 查看帮助。\n"
    show = store("meeting", "show", "7")
    assert (show.exit_code, show.stderr) == (
        1,
        "错误：没有编号为 7 的评审会议（会议编号由 qzzc meeting file 备案时给出；qzzc status 可查看）。\n",
    )


def test_meeting_show_minutes(store, tmp_path):
    counts = write_csv(tmp_path / "计票.csv", [[A, "张三", 6, 0, 0], [B, "李四", 6, 0, 0]])
    absent = [expert_member(8)["id_number"], expert_member(9)["id_number"]]
    result = store(
        "tally", "1", "--attending", "7", "--counts", counts, "--absent", absent[0], "--absent", absent[1]
    )
    assert result.exit_code == 0, result.stderr
    show = store("meeting", "show", "1")
    assert show.exit_code == 0, show.stderr
    lines = show.stdout.splitlines()
    assert lines[:9] == [
        "评审会议记录 · 第 1 号会议",
        "评委会：第 3 号 衢州市建筑工程技术人员中级职务评审委员会（2021 年度）",
        "会议日期：2021-09-28",
        "第 1 次抽取（有效）：2021-09-20 09:00:00，委员 9 人，候补 2 人",  # Beijing time
        "  种子：" + "a" * 64,
        "  候选专家 0 人；排除：无",
        "  候选名单摘要：" + "b" * 64,
        "  抽中委员：" + "、".join(f"专家{i}" for i in range(1, 10)),
        "  候补（依次）：专家10、专家11",
    ]
    assert "计票（第 1 版，" in show.stdout
    assert "委员 9 人，出席 7 人，缺席 2 人，同意票须达 5 票。" in show.stdout
    assert "330802********009X" in show.stdout
    assert expert_member(9)["id_number"] not in show.stdout
    assert A not in show.stdout
    assert "联系电话" not in show.stdout
    data = json.loads(store("meeting", "show", "1", "--json").stdout)
    assert [m["present"] for m in data["members"]] == [True] * 7 + [False] * 2
    assert [(a["name"], a["result"]) for a in data["tallies"][0]["applicants"]] == [
        ("李四", "推荐"),
        ("张三", "通过"),
    ]
    contacts = store("meeting", "show", "1", "--contacts")
    assert "联系电话" in contacts.stdout


def test_counts_template_is_read_back(store, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "计票表.xlsx"
    result = store("template", "counts", "1", str(path))
    assert (result.exit_code, result.stdout) == (0, f"已生成第 1 号会议的计票表（2 人）：{path}\n")
    book = load_workbook(path)
    sheet = book["计票表"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["身份证号", "姓名", "申报资格", "同意", "不同意", "弃权"],
        [B, "李四", "高级工程师", None, None, None],
        [A, "张三", "工程师", None, None, None],
    ]
    blank = store("tally", "1", "--attending", "7", *TWO_ABSENT, "--counts", str(path))
    assert blank.exit_code == 1
    assert blank.stderr.splitlines()[:2] == [
        "错误：计票文件 计票表.xlsx 有误，共 6 处：",
        "  计票表 第 2 行「同意」：必填项为空（没有票请填 0）",
    ]
    for row, votes in ((2, (5, 1, 1)), (3, (4, 3, 0))):
        for column, value in zip("DEF", votes, strict=True):
            sheet[f"{column}{row}"] = value
    book.save(path)
    filled = store("tally", "1", "--attending", "7", *TWO_ABSENT, "--counts", str(path), "--json")
    assert filled.exit_code == 0, filled.stderr
    assert [(a["name"], a["result"]) for a in json.loads(filled.stdout)] == [
        ("李四", "推荐"),
        ("张三", "不通过"),
    ]
    wrong = store("template", "counts", "1", str(tmp_path / "a.csv"))
    assert (wrong.exit_code, wrong.stderr) == (2, "错误：计票表应以 .xlsx 结尾：a.csv\n")
