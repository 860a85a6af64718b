"""``qzzc objection add / resolve / list`` as a clerk runs them (SPEC §11)."""

from __future__ import annotations

import json
import re

import pytest
from helpers import add_applicants, add_meeting, add_verdicts, applicant_row
from publicity_helpers import A, B, add_publicity, add_tally

PHONE = "13812341234"
ADD = ("objection", "add", A, "--committee", "3", "--by", "王五", "--contact", PHONE)
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


@pytest.fixture
def store(cli_initialised, db_path):
    """张三 (A) and 李四 (B) of committee 3 on a 评前公示 (2021-09-28 to 10-09), voted through at
    meeting 1 (2021-10-20), on its 结果公示 (10-21 to 10-27)."""
    import datetime as dt

    from qzzc.services.base import Context
    from qzzc.store.db import Store

    ctx = Context(store=Store(f"sqlite:///{db_path}"), operator="测试员")
    add_applicants(ctx, applicant_row(id_number=A), applicant_row(id_number=B, name="李四"))
    add_verdicts(ctx)
    add_publicity(ctx, "pre_review", dt.date(2021, 9, 28), dt.date(2021, 10, 9), (A, B))
    meeting = add_meeting(ctx, date="2021-10-20")
    add_tally(ctx, meeting)
    add_publicity(ctx, "result", dt.date(2021, 10, 21), dt.date(2021, 10, 27), (A, B), meeting_id=meeting)
    ctx.store.dispose()
    return cli_initialised


def no_full_numbers(*results) -> None:
    for result in results:
        text = result.stdout + result.stderr
        assert FULL_ID.findall(text) == []
        assert PHONE not in text


def test_add_prints_the_number(store):
    result = store(*ADD, "--received", "2021-10-08", "--content", "业绩材料不实")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "已登记第 1 号异议：第 3 号评委会申报人 张三（330802********1234），评前公示 2021年9月28日至2021年10月9日"
        "期间 2021-10-08 收到。核查后请运行：qzzc objection resolve 1 --outcome 成立|不成立 --reason 理由\n"
    )
    no_full_numbers(result)


def test_add_json(store):
    result = store(*ADD, "--received", "2021年10月27日", "--content", "论文抄袭", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "objection": 1,
        "committee": 3,
        "stage": "result",
        "stage_name": "结果公示",
        "publicity": 2,
        "meeting": 1,
        "name": "张三",
        "id_number": "330802********1234",
        "received": "2021-10-27",
        "period": "结果公示（第 1 号会议） 2021年10月21日至2021年10月27日",
        "outcome": None,
        "outcome_name": "待核查",
        "reason": None,
        "resolved_on": None,
    }


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (("objection", "add", A, "--committee", "3", "--contact", PHONE), "异议人姓名（--by）"),
        (
            ("objection", "add", A, "--committee", "3", "--by", "王五", "--contact", " "),
            "联系方式（--contact）",
        ),
    ],
)
def test_anonymous_is_refused(store, args, missing):
    result = store(*args, "--received", "2021-10-08", "--content", "匿名举报")
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：异议须书面实名提出，匿名材料不予受理：缺少{missing}。请按书面材料填写异议人的真实姓名和联系方式后再登记。\n"
    )
    assert store("objection", "list", "--json").stdout == "[]\n"


@pytest.mark.parametrize("received", ["2021-09-27", "2021-10-10"])
def test_outside_the_periods_is_refused_naming_them(store, received):
    result = store(*ADD, "--received", received, "--content", "x")
    assert result.exit_code == 1
    day = "2021年9月27日" if received == "2021-09-27" else "2021年10月10日"
    assert result.stderr == (
        f"错误：{day}不在张三（330802********1234）的公示期内，不予受理（异议须在公示期内提出）。"
        "张三（330802********1234）的公示期：评前公示 2021年9月28日至2021年10月9日；"
        "结果公示（第 1 号会议） 2021年10月21日至2021年10月27日。\n"
    )


def test_bad_date_is_a_usage_error(store):
    result = store(*ADD, "--received", "十月八日", "--content", "x")
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：--received 的值「十月八日」")


def test_resolve_once(store):
    assert store(*ADD, "--received", "2021-10-08", "--content", "x").exit_code == 0
    result = store(
        "objection", "resolve", "1", "--outcome", "不成立", "--reason", "反映不实", "--on", "2021-10-11"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "已记录第 1 号异议的核查结论：不成立（2021-10-11）。\n"
    again = store("objection", "resolve", "1", "--outcome", "成立", "--reason", "复查")
    assert again.exit_code == 1
    assert again.stderr == (
        "错误：第 1 号异议已于2021年10月11日核查处理（不成立），每件异议只处理一次，不能再次处理。\n"
    )


def test_resolve_refusals(store):
    assert store(*ADD, "--received", "2021-10-08", "--content", "x").exit_code == 0
    wrong = store("objection", "resolve", "1", "--outcome", "部分成立", "--reason", "r")
    assert (wrong.exit_code, wrong.stderr) == (
        2,
        "错误：核查结论（--outcome）应为 成立 或 不成立，现为「部分成立」\n",
    )
    blank = store("objection", "resolve", "1", "--outcome", "成立", "--reason", " ")
    assert (blank.exit_code, blank.stderr) == (2, "错误：请用 --reason 写明核查处理的理由\n")
    missing = store("objection", "resolve", "9", "--outcome", "成立", "--reason", "r")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "错误：没有编号为 9 的异议（用 qzzc objection list 查看）\n",
    )


def test_resolve_on_defaults_to_today(store):
    assert store(*ADD, "--received", "2021-10-08", "--content", "x").exit_code == 0
    result = store("objection", "resolve", "1", "--outcome", "成立", "--reason", "属实", "--json")
    assert result.exit_code == 0, result.stderr
    from qzzc.cli.objection import today

    assert json.loads(result.stdout)["resolved_on"] == today().isoformat()


def test_upheld_pre_review_leaves_the_review_list(store):
    assert store(*ADD, "--received", "2021-10-08", "--content", "学历造假").exit_code == 0
    result = store(
        "objection", "resolve", "1", "--outcome", "成立", "--reason", "学历证书系伪造", "--on", "2021-10-11"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "已记录第 1 号异议的核查结论：成立（2021-10-11），该申报人资格审查结论为不合格，不再列入评审名单。\n"
    )
    listed = json.loads(store("applicants", "list", "--json").stdout)
    assert {item["name"]: item["verdict"] for item in listed} == {"张三": "ineligible", "李四": "eligible"}
    check = store("check", "--committee", "3")
    assert check.exit_code == 0, check.stderr
    assert "  publicity.objection 公示异议成立：1" in check.stdout.splitlines()
    row = next(line for line in check.stdout.splitlines() if "330802********1234" in line)
    assert "publicity.objection：评前公示期间异议经核查成立（第 1 号异议）：学历证书系伪造" in row


def test_upheld_result_is_revoked_in_the_minutes_and_lists(store):
    assert store(*ADD, "--received", "2021-10-22", "--content", "论文抄袭").exit_code == 0
    resolved = store(
        "objection", "resolve", "1", "--outcome", "成立", "--reason", "论文抄袭属实", "--on", "2021-10-28"
    )
    assert resolved.stdout == "已记录第 1 号异议的核查结论：成立（2021-10-28），该申报人的评审结果撤销。\n"
    minutes = store("meeting", "show", "1")
    assert minutes.exit_code == 0, minutes.stderr
    lines = minutes.stdout.splitlines()
    assert "张三的评审结果（通过）撤销：结果公示期间异议经核查成立（第 1 号异议）：论文抄袭属实" in lines
    assert "公示异议：收到异议 1 件，经核查成立 1 件。" in lines
    row = next(line for line in lines if "330802********1234" in line)
    assert row.split()[-1] == "撤销"
    table = store("applicants", "list")
    row = next(line for line in table.stdout.splitlines() if "330802********1234" in line)
    assert row.split()[-1] == "撤销"
    no_full_numbers(minutes, table)


def test_list_masks_ids_and_contacts(store):
    assert store(*ADD, "--received", "2021-10-08", "--content", f"身份证{A}，电话{PHONE}").exit_code == 0
    add = (
        "objection",
        "add",
        "李四",
        "--committee",
        "3",
        "--by",
        "赵六",
        "--contact",
        f"衢州市某路1号 {PHONE}",
    )
    assert store(*add, "--received", "2021-10-25", "--content", "x").exit_code == 0
    assert (
        store(
            "objection", "resolve", "2", "--outcome", "成立", "--reason", "属实", "--on", "2021-10-28"
        ).exit_code
        == 0
    )
    table = store("objection", "list")
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].strip() == "第 3 号评委会的异议（共 2 件）"
    assert lines[2].split() == ["编号", "公示", "姓名", "身份证号", "收到日期", "结论", "处理日期"]
    assert lines[4].split() == ["1", "评前", "张三", "330802********1234", "2021-10-08", "待核查"]
    assert lines[5].split() == ["2", "结果", "李四", "330802********3216", "2021-10-25", "成立", "2021-10-28"]
    assert lines[7:] == [
        "第 1 件　异议人：王五（********234）　内容：身份证330802********1234，电话********234",
        "第 2 件　异议人：赵六（衢州市某路1号 ********234）　内容：x",
        "　　　　　理由：属实",
    ]
    listed = store("objection", "list", "--committee", "3", "--json")
    items = json.loads(listed.stdout)
    assert [(item["objection"], item["contact"], item["outcome"]) for item in items] == [
        (1, "********234", None),
        (2, "衢州市某路1号 ********234", "upheld"),
    ]
    audit = store("audit", "--json")
    no_full_numbers(table, listed, audit)


def test_audit_in_words(store):
    assert store(*ADD, "--received", "2021-10-08", "--content", "x").exit_code == 0
    assert (
        store(
            "objection", "resolve", "1", "--outcome", "成立", "--reason", "属实", "--on", "2021-10-11"
        ).exit_code
        == 0
    )
    result = store("audit")
    assert result.exit_code == 0, result.stderr
    assert "第 1 号异议：第 3 号评委会 330802********1234，评前公示期间 2021-10-08 收到" in result.stdout
    assert "第 1 号异议核查成立（2021-10-11），理由：属实" in result.stdout
