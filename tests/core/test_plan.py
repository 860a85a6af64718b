import csv

import pytest

from qzzc.core.plan import HEADER, parse_contact, parse_plan, parse_scope, parse_specialties, parse_titles
from qzzc.errors import ConfigError
from qzzc.resources import data_file


@pytest.fixture(scope="module")
def plan():
    with data_file("plan2021.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return {committee.seq: committee for committee in parse_plan(reader.fieldnames, reader)}


def test_the_2021_plan_has_25_committees_in_order(plan):
    assert list(plan) == list(range(1, 26))


def test_row_3_reads_as_spec_example(plan):
    row = plan[3].as_dict()
    assert row["evaluates"] == ["工程师", "助理工程师"]
    assert row["recommends"] == ["高级工程师", "正高级工程师"]
    assert len(row["specialties"]) == 18
    assert row["specialties"][:2] == ["建筑设计", "风景园林（景观设计）"]
    assert row["scope"] == {"初级": "市本级", "中级": "全市", "高级": "全市"}
    assert (row["review_time"], row["deadline"]) == ("10 月", "9 月")
    assert (row["contact_unit"], row["contact_phone"]) == ("市住建局", "8766613")


def test_row_13_compact_titles_expand_to_20_and_20(plan):
    committee = plan[13]
    assert len(committee.evaluates) == 20
    assert len(committee.recommends) == 20
    assert committee.evaluates[:3] == ("三级编剧", "三级文学编辑", "三级导演")
    assert committee.evaluates[10] == "四级编剧"
    assert "一级演奏员" in committee.recommends
    assert "二级舞美设计师" in committee.recommends


def test_row_20_health_titles_expand_to_the_six_of_each_grade(plan):
    assert plan[20].evaluates == (
        "主任医师", "主任中医师", "主任药师", "主任中药师", "主任护师", "主任技师",
        "副主任医师", "副主任中医师", "副主任药师", "副主任中药师", "副主任护师", "副主任技师",
    )  # fmt: skip


@pytest.mark.parametrize("seq", [21, 22, 23, 24, 25])
def test_rows_21_to_25_only_recommend(plan, seq):
    assert plan[seq].evaluates == ()
    assert plan[seq].recommends != ()
    assert plan[seq].review_time == "按省高评委评审计划另定"


def test_row_1_takes_other_specialties(plan):
    assert plan[1].specialties == ("机电制造", "信息技术", "石化", "能源", "材料", "轻纺")
    assert plan[1].other_specialties is True
    assert plan[3].other_specialties is False


@pytest.mark.parametrize("seq", [11, 12, 13])
def test_rows_11_to_13_filled_from_row_10(plan, seq):
    assert (plan[seq].contact_unit, plan[seq].contact_phone) == ("市文旅局", "8089958")
    assert plan[seq].scope == plan[10].scope


def test_one_word_scope_applies_to_every_level(plan):
    assert plan[9].scope == {"初级": "本单位", "中级": "本单位", "高级": "本单位"}
    assert plan[17].scope["初级"] == "全市（自主评聘单位除外）"


def test_mode_and_scope_of_a_title(plan):
    assert plan[1].mode_of("工程师") == "评审"
    assert plan[1].mode_of("高级工程师") == "推荐"
    assert plan[1].mode_of("馆员") is None
    assert plan[1].scope_for("助理工程师") == "市本级"
    assert plan[1].scope_for("正高级工程师") == "全市"


@pytest.mark.parametrize(
    ("text", "evaluates", "recommends"),
    [
        ("评审讲师、助教，推荐高级讲师", ["讲师", "助教"], ["高级讲师"]),
        ("推荐高级审计师", [], ["高级审计师"]),
        ("评审三级和四级编剧（导演）", ["三级编剧", "三级导演", "四级编剧", "四级导演"], []),
    ],
)
def test_parse_titles(text, evaluates, recommends):
    assert parse_titles(text) == (evaluates, recommends)


def test_parse_titles_refuses_a_clause_without_verb():
    with pytest.raises(ValueError, match="既不以“评审”也不以“推荐”开头"):
        parse_titles("工程师")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全市", {"初级": "全市", "中级": "全市", "高级": "全市"}),
        ("初级：市本级 中级：全市 高级：全市", {"初级": "市本级", "中级": "全市", "高级": "全市"}),
        ("初级:市本级 中级:全市", {"初级": "市本级", "中级": "全市"}),
    ],
)
def test_parse_scope(text, expected):
    assert parse_scope(text) == expected


def test_parse_specialties_keeps_brackets_whole():
    assert parse_specialties("建筑电气（建筑智能化）、市政道路（桥梁）") == (
        ["建筑电气（建筑智能化）", "市政道路（桥梁）"],
        False,
    )


def test_parse_contact():
    assert parse_contact("市自然资源和规划局 3862198") == ("市自然资源和规划局", "3862198")
    with pytest.raises(ValueError):
        parse_contact("市经信局")


def _row(**cells):
    row = dict.fromkeys(HEADER, "")
    row.update({"序号": "1", "中评委名称": "某评委会", "所评职务任职资格名称": "评审工程师",
                "所评专业": "甲", "申报对象范围": "全市", "材料接收单位及电话": "市某局 1234567"})  # fmt: skip
    row.update(cells)
    return row


def test_parse_plan_reports_every_bad_row_at_once():
    rows = [_row(), _row(序号="x"), _row(序号="1"), _row(序号="4", 所评职务任职资格名称="评审神仙")]
    with pytest.raises(ConfigError) as caught:
        parse_plan(HEADER, rows, source="plan.csv")
    assert caught.value.message == (
        "plan.csv 有误：\n"
        "  第 3 行：序号「x」不是整数\n"
        "  第 4 行：序号 1 重复\n"
        "  第 5 行：不认识的职称（无法确定级别）：神仙"
    )


def test_parse_plan_refuses_another_header():
    with pytest.raises(ConfigError, match="缺少列：材料接收单位及电话"):
        parse_plan(HEADER[:-1], [], source="plan.csv")
