"""``qzzc draw-experts`` and ``qzzc meeting replace`` from the command line."""

import hashlib
import json

import pytest
from helpers import (
    add_applicants,
    add_experts,
    add_missing_verdicts,
    applicant_row,
    expert_row,
    file_and_confirm,
    make_id,
    write_csv,
)
from sqlmodel import select

from qzzc.core.privacy import mask_id
from qzzc.services.base import Context
from qzzc.store.db import Store
from qzzc.store.models import Draw

APPLICANT = make_id(900001)


@pytest.fixture
def store(cli_initialised, db_path):
    ctx = Context(Store(f"sqlite:///{db_path}"), "测试员")
    add_applicants(ctx, applicant_row(id_number=APPLICANT, unit="衢州市建筑设计院"))
    add_missing_verdicts(ctx)
    add_experts(ctx, *[expert_row(i) for i in range(20)])
    add_experts(ctx, expert_row(50, unit="衢州市建筑设计院"))
    assert file_and_confirm(ctx, 3, "2021-10-15") == 1  # filed and confirmed (SPEC §11)
    yield ctx
    ctx.store.dispose()


@pytest.fixture
def cli(cli):
    """``qzzc``, drawing on the meeting's day unless ``--on`` is given."""

    def run(*args, **kwargs):
        if args[:1] == ("draw-experts",) and "--verify" not in args and "--on" not in args:
            args = (*args, "--on", "2021-10-15")
        return cli(*args, **kwargs)

    return run


def draw_json(cli, *extra):
    result = cli("draw-experts", "--committee", "3", "--date", "2021-10-15", "--size", "9", *extra, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_json_is_the_specs_document_and_an_outsider_can_recompute_it(cli, store):
    document = draw_json(cli, "--alternates", "3", "--seed", "2021118 03 11 17 22 28 31+07")
    assert sorted(document) == sorted(
        ["meeting", "committee", "date", "draw", "algorithm", "seed", "candidate_digest", "candidates",
         "members", "alternates", "excluded"]
    )  # fmt: skip
    assert document["excluded"] == {"same_unit": 1}
    assert (document["meeting"], document["candidates"], document["algorithm"]) == (1, 20, "qzzc-draw-1")
    assert sorted(document["members"][0]) == ["id_number", "key", "name", "unit"]
    # An outsider with the printed seed and the candidates' ID numbers, and hashlib:
    seed = document["seed"]
    ids = [expert_row(i)["id_number"] for i in range(20)]
    assert hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest() == document["candidate_digest"]
    ordered = sorted(ids, key=lambda i: hashlib.sha256(seed.encode() + b"\n" + i.encode()).hexdigest())
    assert [m["id_number"] for m in document["members"]] == ordered[:9]
    assert [a["id_number"] for a in document["alternates"]] == ordered[9:12]


def test_table_shows_seed_digest_names_units_and_never_phones(cli, store):
    result = cli(
        "draw-experts", "--committee", "3", "--date", "2021年10月15日", "--size", "9", "--seed", "abc"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "3. 衢州市建筑工程技术人员中级职务评审委员会  2021-10-15 评审会议（会议编号 1，第 1 次抽取）"
    )
    assert lines[1] == "随机种子：abc"
    digest = hashlib.sha256(
        "\n".join(sorted(expert_row(i)["id_number"] for i in range(20))).encode()
    ).hexdigest()
    assert lines[2] == f"候选名单摘要（SHA-256）：{digest}"
    assert lines[3] == "算法：qzzc-draw-1"
    assert lines[4] == (
        "待评审申报人 1 人；候选专家 20 人；排除：与申报人同单位（回避） 1 人，最低人数 9（中级）。"
    )
    assert "专家" in result.stdout
    assert "单位" in result.stdout
    assert "1380000" not in result.stdout
    assert not any(expert_row(i)["id_number"] in result.stdout for i in range(20))
    assert lines[-1] == "复核：qzzc draw-experts --verify 1"


def test_a_random_seed_is_printed(cli, store):
    result = cli("draw-experts", "--committee", "3", "--date", "2021-10-15", "--size", "9")
    assert result.exit_code == 0, result.stderr
    seed_line = result.stdout.splitlines()[1]
    assert seed_line.startswith("随机种子：")
    assert seed_line.endswith("（系统随机生成）")
    assert len(seed_line.removeprefix("随机种子：").removesuffix("（系统随机生成）")) == 64


def test_second_draw_without_redraw_exits_1(cli, store):
    draw_json(cli, "--seed", "a")
    result = cli("draw-experts", "--committee", "3", "--date", "2021-10-15", "--size", "9")
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：第 3 号评委会 2021-10-15 的会议（会议编号 1）已抽取过专家。"
        "每次会议只抽取一次；确需重新抽取，请加 --redraw --reason 理由（两次抽取都将记录在案）。\n"
    )
    again = draw_json(cli, "--seed", "b", "--redraw", "--reason", "会议室变更")
    assert (again["meeting"], again["draw"]) == (1, 2)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--size", "8"], 1, "错误：执行委员会人数须为单数（以免表决时票数相同），--size 8 不是单数。\n"),
        (
            ["--size", "7"],
            1,
            "错误：执行委员会人数不得少于规则文件为该级别设定的最低人数 9 人，--size 7 不足。\n",
        ),
        (
            ["--size", "15", "--alternates", "6"],
            1,
            "错误：候选专家不足：需要 15 名成员和 6 名候补，共 21 人；第 3 号评委会专家库 21 人，其中暂停 0 人，"
            "排除 1 人（与申报人同单位（回避） 1 人），候选专家只有 20 人。\n",
        ),
        (["--size", "9", "--quota", "建筑设计"], 2, "错误：--quota 「建筑设计」不是“专业=人数”的形式。\n"),
        (
            ["--size", "9", "--quota", "给排水=1"],
            1,
            "错误：专业名额无法满足：「给排水」要求 1 人，候选专家中该专业共 0 人，除去先前名额已抽中的，只剩 0 人。"
            "名额不会自动放宽，请调整 --quota。\n",
        ),
        (["--size", "9", "--redraw"], 2, "错误：重新抽取须用 --reason 说明理由，理由将记录在案。\n"),
        (["--size", "9", "--seed", " "], 2, "错误：--seed 不能为空。\n"),
    ],
)
def test_refusals(cli, store, args, code, message):
    result = cli("draw-experts", "--committee", "3", "--date", "2021-10-15", *args)
    assert (result.exit_code, result.stderr) == (code, message)


def test_missing_options_and_a_bad_date_are_usage_errors(cli, store):
    result = cli("draw-experts", "--committee", "3")
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：缺少选项 --date、--size。用法见 qzzc draw-experts --help。\n",
    )
    result = cli("draw-experts", "--committee", "3", "--date", "十月", "--size", "9")
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：日期「十月」无法识别，请写成 2021-10-15 的形式。\n",
    )


def test_verify_passes_then_fails_after_an_edit(cli, store):
    document = draw_json(cli, "--alternates", "2", "--seed", "s")
    result = cli("draw-experts", "--verify", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "会议 1 的全部 1 次抽取复核一致。"
    with store.store.writing() as session:
        record = session.exec(select(Draw)).one()
        members = list(record.members)
        members[0], members[1] = members[1], members[0]
        record.members = members
        session.add(record)
    result = cli("draw-experts", "--verify", "1")
    first, second = document["members"][0]["id_number"], document["members"][1]["id_number"]
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：会议 1 的抽取记录复核不符：\n"
        f"  第 1 次抽取：成员第 1 位不符（记录 {mask_id(second)}，重算 {mask_id(first)}）\n"
        f"  第 1 次抽取：成员第 2 位不符（记录 {mask_id(first)}，重算 {mask_id(second)}）\n"
    )
    assert (
        cli("draw-experts", "--verify", "7").stderr
        == "错误：没有编号为 7 的评审会议（会议编号由 qzzc meeting file 备案时给出；qzzc status 可查看）。\n"
    )


def test_replace_from_the_command_line(cli, store):
    document = draw_json(cli, "--alternates", "1", "--seed", "s")
    leaving, coming = document["members"][2], document["alternates"][0]
    result = cli("meeting", "replace", "1", leaving["id_number"], "--reason", "生病", "--json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["out"]["id_number"], answer["in"]["id_number"], answer["alternates_left"]) == (
        leaving["id_number"],
        coming["id_number"],
        0,
    )
    again = cli("meeting", "replace", "1", document["members"][0]["id_number"])
    assert (again.exit_code, again.stderr) == (
        1,
        "错误：会议 1 已没有候补专家可以替补，请按规定重新抽取（--redraw）。\n",
    )


def test_conflicts_file_excludes_the_listed_expert(cli, store, tmp_path):
    headers = ("专家身份证号", "申报人身份证号", "原因")
    target = expert_row(4)["id_number"]
    path = write_csv(
        tmp_path / "回避.csv",
        [{"专家身份证号": target, "申报人身份证号": APPLICANT, "原因": "近亲属"}],
        headers,
    )
    document = draw_json(cli, "--seed", "s", "--conflicts", str(path))
    assert document["excluded"] == {"same_unit": 1, "conflict": 1}
    assert target not in {m["id_number"] for m in document["members"]}
    with store.store.reading() as session:
        record = session.exec(select(Draw)).one()
    assert record.exclusions["conflict"] == [{"id_number": target, "name": "专家4", "detail": "近亲属"}]


def test_conflicts_file_with_unknown_people_is_refused(cli, store, tmp_path):
    headers = ("专家身份证号", "申报人身份证号", "原因")
    stranger = make_id(777)
    path = write_csv(
        tmp_path / "回避.csv",
        [{"专家身份证号": stranger, "申报人身份证号": stranger, "原因": ""}, {"专家身份证号": "123"}],
        headers,
    )
    result = cli(
        "draw-experts", "--committee", "3", "--date", "2021-10-15", "--size", "9", "--conflicts", str(path)
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：回避名单 回避.csv 有误，共 2 处，未写入任何数据：\n"
        "  回避.csv 第 3 行「专家身份证号」（**3）：应为 18 位，实为 3 位\n"
        "  回避.csv 第 3 行「申报人身份证号」：必填项为空\n"
    )
    path = write_csv(
        tmp_path / "回避2.csv", [{"专家身份证号": stranger, "申报人身份证号": stranger}], headers
    )
    result = cli(
        "draw-experts", "--committee", "3", "--date", "2021-10-15", "--size", "9", "--conflicts", str(path)
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "错误：回避名单 回避2.csv 有误，共 2 处，未写入任何数据：\n"
        f"  回避2.csv 第 2 行「专家身份证号」（{mask_id(stranger)}）：专家库中没有此人\n"
        f"  回避2.csv 第 2 行「申报人身份证号」（{mask_id(stranger)}）：不是第 3 号评委会本年度的申报人\n"
    )


def test_verify_takes_no_draw_options(cli, store):
    result = cli("draw-experts", "--verify", "1", "--committee", "3", "--seed", "x")
    assert (result.exit_code, result.stderr) == (
        2,
        "错误：--verify 只复核已有记录，不能与 --committee、--seed 同用。\n",
    )


def test_preview_then_draw_from_the_command_line(cli, store):
    result = cli("draw-experts", "--committee", "3", "--date", "2021-10-15", "--size", "9", "--preview")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "3. 衢州市建筑工程技术人员中级职务评审委员会  2021-10-15 候选名单预览（未抽取，未记录）"
    )
    digest = lines[1].removeprefix("候选名单摘要（SHA-256）：")
    assert draw_json(cli, "--seed", "x")["candidate_digest"] == digest
    verified = json.loads(cli("draw-experts", "--verify", "1", "--json").stdout)
    ids = verified["draws"][0]["candidates"]
    assert hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest() == digest


def test_meeting_show_has_what_an_outsider_needs_to_redo_a_draw_with_quotas(cli, store):
    document = draw_json(cli, "--seed", "s", "--quota", "建筑设计=2")
    shown = cli("meeting", "show", str(document["meeting"]))
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "  候选专家 20 人；排除：与申报人同单位（回避） 1 人" in lines
    assert "  专业名额：建筑设计 2 人" in lines
    [draw] = json.loads(cli("meeting", "show", str(document["meeting"]), "--json").stdout)["draws"]
    assert (draw["quotas"], draw["candidates"], draw["excluded"], draw["alternates_count"]) == (
        {"建筑设计": 2},
        20,
        {"same_unit": 1},
        0,
    )
