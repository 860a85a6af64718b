"""``qzzc status``, ``meeting file``, ``meeting confirm``, ``meeting approve`` and the steps' ``--on``
from the command line (SPEC §11)."""

from __future__ import annotations

import json

import pytest
from helpers import add_applicants, add_experts, add_missing_verdicts, applicant_row, expert_row, make_id

from qzzc.services.base import Context
from qzzc.store.db import Store

A, B = make_id(900001), make_id(900002)
BUREAU = "衢州市人力资源和社会保障局"


@pytest.fixture
def year(cli_initialised, db_path, tmp_path):
    ctx = Context(Store(f"sqlite:///{db_path}"), "测试员")
    add_applicants(ctx, applicant_row(id_number=A, unit="甲院"), applicant_row(id_number=B, unit="乙院"))
    add_missing_verdicts(ctx)
    add_experts(ctx, *[expert_row(i) for i in range(20)])
    ctx.store.dispose()
    (tmp_path / "计票.csv").write_text(
        f"身份证号,姓名,同意,不同意,弃权\n{A},张三,9,0,0\n{B},张三,2,7,0\n", encoding="utf-8"
    )
    return cli_initialised


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def test_the_whole_procedure_from_the_command_line(year, tmp_path):
    cli = year
    first = ok(cli("status", "--committee", "3")).stdout
    assert "评前公示（最早 2021年6月26日 开始），不少于 5 个工作日" in first
    draft = ok(
        cli(
            "notice",
            "pre-review",
            "-c",
            "3",
            "--start",
            "2021-09-28",
            "-o",
            str(tmp_path / "d.md"),
            "--draft",
        )
    )
    assert draft.stdout.startswith("已生成评前公示（草稿，未发布，未记录）：")
    ok(
        cli(
            "notice",
            "pre-review",
            "-c",
            "3",
            "--start",
            "2021-09-28",
            "--on",
            "2021-09-27",
            "-o",
            str(tmp_path / "p.md"),
        )
    )
    shown = json.loads(ok(cli("status", "-c", "3", "--json")).stdout)
    assert shown == [
        {
            "committee": 3,
            "name": "衢州市建筑工程技术人员中级职务评审委员会",
            "steps": [{"step": "pre_review", "date": "2021-09-28", "end": "2021-10-09", "applicants": 2}],
            "next": {
                "step": "filing",
                "earliest": "2021-10-10",
                "text": "评前公示 2021年9月28日至10月9日；期满后可备案（最早10月10日），会议不早于备案后7天",
            },
        }
    ]
    early = cli("meeting", "file", "-c", "3", "--date", "2021-10-20", "--on", "2021-10-09")
    assert early.exit_code == 1
    assert early.stderr == (
        "错误：评前备案：评前公示 2021年9月28日至10月9日 在 2021年10月9日 尚未期满；"
        "期满后可备案（最早 2021年10月10日），会议不早于备案后 7 天。\n"
    )
    filed = json.loads(
        ok(cli("meeting", "file", "-c", "3", "--date", "2021-10-20", "--on", "2021-10-10", "--json")).stdout
    )
    assert filed == {
        "meeting": 1, "committee": 3, "date": "2021-10-20", "on": "2021-10-10", "place": None,
        "applicants": [
            {"name": "张三", "id_number": x, "unit": unit, "title": "工程师"}
            for x, unit in sorted([(A, "甲院"), (B, "乙院")])
        ],
        "left_out": 0,
    }  # fmt: skip
    refused = cli("draw-experts", "--meeting", "1", "--size", "9", "--on", "2021-10-12")
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "错误：抽取专家：第 1 号会议（2021年10月20日）已于 2021年10月10日 备案，尚未经人力社保部门确认。"
    )
    assert ok(cli("meeting", "confirm", "1", "--by", BUREAU, "--on", "2021-10-11")).stdout.startswith(
        f"已记录：第 1 号会议（2021-10-20）经 {BUREAU} 于 2021-10-11 备案确认。"
    )
    ok(cli("draw-experts", "--meeting", "1", "--size", "9", "--seed", "公开", "--on", "2021-10-12"))
    counts = str(tmp_path / "计票.csv")
    assert cli("tally", "1", "--attending", "9", "--counts", counts, "--on", "2021-10-19").exit_code == 1
    ok(cli("tally", "1", "--attending", "9", "--counts", counts, "--on", "2021-10-20"))
    ok(
        cli(
            "notice",
            "result",
            "-m",
            "1",
            "--start",
            "2021-10-21",
            "--on",
            "2021-10-21",
            "-o",
            str(tmp_path / "r.md"),
        )
    )
    form = cli("notice", "filing-form", "-m", "1", "--on", "2021-10-27", "-o", str(tmp_path / "f.md"))
    assert form.exit_code == 1
    assert "备案表：结果公示 2021年10月21日至10月27日 在 2021年10月27日 尚未期满" in form.stderr
    ok(cli("notice", "filing-form", "-m", "1", "--on", "2021-10-28", "-o", str(tmp_path / "f.md")))
    ok(cli("meeting", "approve", "1", "--by", BUREAU, "--on", "2021-11-01"))
    amend = cli(
        "tally",
        "1",
        "--attending",
        "9",
        "--counts",
        counts,
        "--amend",
        "--reason",
        "笔误",
        "--on",
        "2021-11-02",
    )
    assert amend.exit_code == 1
    assert "不能再更正（--amend）" in amend.stderr
    table = ok(cli("status")).stdout
    for text in ("评前公示 9月28日–10月9日", "备案 10月10日（会议 1，10月20日开会）", "备案确认 10月11日",
                 "抽取专家 10月12日", "计票 10月20日", "结果公示 10月21日–10月27日", "备案表 10月28日",
                 "核准公布 11月1日", "另有 24 个评委会尚未开始"):  # fmt: skip
        assert text in table, table
    assert ok(cli("audit", "verify")).exit_code == 0


def test_status_marks_a_backfilled_meeting(cli, tmp_path):
    import shutil
    from pathlib import Path

    path = tmp_path / "v3.db"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "stores" / "v3.db", path)
    result = ok(cli("status", db=str(path)))
    assert "（补录）" in result.stdout


def test_confirm_needs_the_bureau(year):
    result = year("meeting", "confirm", "1", "--by", " ")
    assert result.exit_code == 1
    assert result.stderr == "错误：请用 --by 写明办理的人力社保部门（如：衢州市人力资源和社会保障局）。\n"
