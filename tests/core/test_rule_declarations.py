"""One declaration per rule (``@rule``): the tables, the rules run and the rules file's keys are
made from the declarations, so a new rule needs nothing else (README: How to change qzzc)."""

from __future__ import annotations

import ast
import csv
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

import qzzc.core.rules
from qzzc.core.eligibility import evaluate
from qzzc.core.plan import parse_plan, specialty_owners
from qzzc.core.rules import (
    DECLARED,
    INELIGIBLE,
    KNOWN_KEYS,
    NONE,
    REVIEW,
    RULE_TITLE,
    RULE_VERDICT,
    ApplicantFacts,
    Declaration,
    Reason,
    RuleContext,
    YearRules,
    declare,
    rule,
    rules_for,
    withdraw,
)
from qzzc.core.ruleset import parse_rules
from qzzc.core.workdays import OFFICIAL
from qzzc.errors import ConfigError
from qzzc.resources import data_file

NOTICE = "000_5ec6e9deeeac00a1.txt"
TEXT = data_file("rules2021.toml").read_text(encoding="utf-8")
RULES = parse_rules(TEXT, "rules2021.toml")
with data_file("plan2021.csv").open(encoding="utf-8-sig") as handle:
    _reader = csv.DictReader(handle)
    PLAN = {item.seq: item for item in parse_plan(_reader.fieldnames or [], _reader)}

NORMAL_CODES = [
    "committee.title",
    "committee.specialty",
    "committee.scope",
    "direct.track",
    "affiliation.unit",
    "affiliation.entrust",
    "affiliation.dispatch",
    "title.sequence",
    "title.years",
    "cpd.public",
    "cpd.professional",
    "post.ratio",
    "publicity.unit",
    "integrity.veto",
    "performance.assessment",
]
INITIAL_CODES = [
    *NORMAL_CODES[:9], "initial.exam_series", "initial.level", "initial.years", "initial.hours", *NORMAL_CODES[11:],
]  # fmt: skip

UNIT = "衢州市建筑设计院"
APPLICANT = ApplicantFacts(  # tests/core/test_rules.py's BASE: eligible at committee 3
    id_number="330802199001011234",
    name="张三",
    committee_seq=3,
    title="工程师",
    specialty="建筑设计",
    education="本科",
    degree="学士",
    years_of_work=5,
    public_hours=60,
    professional_hours=90,
    unit=UNIT,
    unit_type="企业",
    unit_affiliation="市属",
    region="市本级",
    social_insurance_unit=UNIT,
    archive_unit=UNIT,
    contract_unit=UNIT,
    dispatched=False,
    publicity_start=dt.date(2021, 6, 21),
    publicity_end=dt.date(2021, 6, 25),
    assessment="合格",
    fraud=False,
    current_title="助理工程师",
    current_title_date=dt.date(2017, 12, 31),
)
INITIAL = dataclasses.replace(
    APPLICANT,
    application_type="初定",
    title="助理工程师",
    years_of_work=1,
    public_hours=30,
    professional_hours=60,
    current_title=None,
    current_title_date=None,
)


def _code_of(check) -> str:
    return next(item.code for item in DECLARED.values() if item.check is check)


def test_every_declared_code_is_in_the_tables_with_its_verdict_and_title():
    assert list(DECLARED) == list(RULE_VERDICT) == list(RULE_TITLE)
    for code, item in DECLARED.items():
        assert (item.code, RULE_VERDICT[code], RULE_TITLE[code]) == (code, item.verdict, item.title)
        assert item.title
        assert item.section
    assert list(DECLARED) == [*NORMAL_CODES[:11], *INITIAL_CODES[9:13], *NORMAL_CODES[11:], "data.missing"]
    assert DECLARED["data.missing"].check is None


def test_the_rules_run_in_the_notices_order_initial_in_the_place_of_cpd():
    assert [_code_of(check) for check in rules_for(APPLICANT)] == NORMAL_CODES
    initial = dataclasses.replace(APPLICANT, application_type="初定")
    assert [_code_of(check) for check in rules_for(initial)] == INITIAL_CODES
    assert rules_for(APPLICANT) == qzzc.core.rules.RULES_NORMAL
    assert rules_for(initial) == qzzc.core.rules.RULES_INITIAL


RULE_MODULES = sorted(
    path
    for path in Path(qzzc.core.rules.__file__).parent.glob("*.py")
    if "\n@rule(" in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("path", RULE_MODULES, ids=lambda path: path.stem)
def test_each_rule_module_cites_the_notice_and_declares_its_rules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert NOTICE in (ast.get_docstring(tree) or "")
    functions = [
        node for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]
    for node in functions:
        takes_facts_and_context = [arg.arg for arg in node.args.args] == ["a", "c"]
        assert takes_facts_and_context == bool(node.decorator_list), node.name  # a rule is declared


def test_rule_modules_cover_every_rule():
    assert len(RULE_MODULES) == 9
    assert {item.check.__module__ for item in DECLARED.values() if item.check} == {
        f"qzzc.core.rules.{path.stem}" for path in RULE_MODULES
    }


@pytest.fixture
def local_rule():
    """A rule declared by the test alone, the way a rule module declares one, and withdrawn after."""

    @rule("test.name", REVIEW, "测试用规则", "测试", applies="only initial")
    def name_is_short(a: ApplicantFacts, c: RuleContext):
        if len(a.name) >= 3:
            return NONE
        return (Reason("test.name", f"姓名「{a.name}」少于三个字", {"name": a.name}),)

    try:
        yield name_is_short
    finally:
        withdraw("test.name")


def test_a_rule_declared_by_its_decorator_alone_is_run_and_decides(local_rule):
    assert (RULE_VERDICT["test.name"], RULE_TITLE["test.name"]) == (REVIEW, "测试用规则")
    context = RuleContext(PLAN[3], RULES, OFFICIAL, specialty_owners(PLAN.values()))
    initial = INITIAL
    verdict = evaluate(initial, context)
    assert [(reason.rule, reason.message, reason.outcome) for reason in verdict.reasons] == [
        ("test.name", "姓名「张三」少于三个字", REVIEW)
    ]
    assert verdict.verdict == REVIEW
    assert rules_for(initial)[-1] is local_rule
    assert local_rule not in rules_for(APPLICANT)  # only initial
    assert evaluate(APPLICANT, context).reasons == ()
    assert evaluate(dataclasses.replace(INITIAL, name="欧阳明"), context).reasons == ()


def test_a_withdrawn_rule_leaves_the_tables_as_they_were():
    before = (dict(RULE_VERDICT), dict(RULE_TITLE), rules_for(APPLICANT))
    declare(Declaration("test.other", INELIGIBLE, "测试", "测试", check=lambda a, c: NONE))
    assert len(rules_for(APPLICANT)) == len(before[2]) + 1
    withdraw("test.other")
    assert (dict(RULE_VERDICT), dict(RULE_TITLE), rules_for(APPLICANT)) == before


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (Declaration("cpd.public", INELIGIBLE, "重复", "二(二)"), "rule cpd.public is declared twice"),
        (Declaration("test.bad", "eligible", "错", "—"), "rule test.bad: verdict 'eligible'"),
        (
            Declaration("test.bad", REVIEW, "错", "—", applies="sometimes"),
            "rule test.bad: applies 'sometimes'",
        ),
    ],
)
def test_a_bad_declaration_is_refused(declaration, message):
    with pytest.raises(ValueError) as caught:
        declare(declaration)
    assert str(caught.value) == message
    assert "test.bad" not in RULE_VERDICT


def test_the_known_keys_are_the_sections_year_rules_reads():
    sections = {item.metadata["key"].split(".")[0] for item in dataclasses.fields(YearRules) if item.metadata}
    assert set(KNOWN_KEYS) == sections
    assert KNOWN_KEYS == (
        "year", "source", "publicity", "education", "cpd", "initial", "series", "scope", "affiliation",
        "assessment", "draw", "title", "direct",
    )  # fmt: skip


def test_year_rules_hold_the_bundled_files_words():
    assert (RULES.year, RULES.source, RULES.publicity_days) == (2021, "衢市人社专〔2021〕61号", 5)
    assert RULES.regions == ("市本级", "柯城区", "衢江区", "江山市", "常山县", "开化县", "龙游县")
    assert RULES.outside == "市外"
    assert dataclasses.astuple(RULES.scope_words) == ("市本级", "全市", "全市（自主评聘单位除外）", "本单位")
    assert RULES.draw_min_sizes == {"初级": 7, "中级": 9, "高级": 11}
    assert RULES.education_order == ("高中及以下", "中专", "大专", "本科", "研究生")


def test_a_file_without_regions_or_source_is_read_as_quzhous():
    text = TEXT.replace('source = "衢市人社专〔2021〕61号"\n', "")
    start, end = text.index("# 所在地区 within the city"), text.index("[scope.own_units]")
    text = text[:start] + text[end:]
    start, end = text.index("# The plan's 申报对象范围 phrases"), text.index("[title]")
    rules = parse_rules(text[:start] + text[end:], "old.toml")
    assert (rules.source, rules.regions, rules.outside, rules.scope_words) == (
        "年度职称评审工作通知",
        RULES.regions,
        "市外",
        RULES.scope_words,
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('outside = "市外"', 'outside = "柯城区"', "键 scope.outside 应为不在 scope.regions 中的地区，现为 '柯城区'"),
        ('regions = ["市本级"', 'regions = [1, "市本级"', "键 scope.regions 应为文字列表（[\"…\", \"…\"]），现为 [1, "),
        ('own_unit = "本单位"', 'own_units = "本单位"', "键 scope.words 的键 应为city_level、own_unit、whole_city、whole_city_except 之一，现为 'own_units'"),
    ],
)  # fmt: skip
def test_a_bad_region_or_scope_word_is_refused(old, new, message):
    assert old in TEXT
    with pytest.raises(ConfigError) as caught:
        parse_rules(TEXT.replace(old, new, 1), "bad.toml")
    assert caught.value.message.startswith(f"bad.toml：{message}")


def test_another_city_is_a_rules_file():
    """Regions and scope words come from the file: a 全市 committee takes the new city's districts
    and refuses Quzhou's."""
    text = TEXT.replace(
        'regions = ["市本级", "柯城区", "衢江区", "江山市", "常山县", "开化县", "龙游县"]',
        'regions = ["市本级", "婺城区", "金东区"]',
    ).replace('outside = "市外"', 'outside = "外地"')
    rules = parse_rules(text, "jinhua.toml")
    context = RuleContext(
        PLAN[17], rules, OFFICIAL, specialty_owners(PLAN.values())
    )  # 全市（自主评聘单位除外）
    teacher = dataclasses.replace(APPLICANT, committee_seq=17, title="一级教师", specialty="语文")

    def scope(region: str) -> list[str]:
        found = qzzc.core.rules.committee_scope(dataclasses.replace(teacher, region=region), context)
        return [item.message for item in found if isinstance(item, Reason)]

    assert scope("婺城区") == []
    assert scope("柯城区") == [
        "所在地区为柯城区，不在第 17 号评委会中级的申报范围（全市（自主评聘单位除外））内"
    ]
    assert scope("外地") == [
        "所在地区为外地，不在第 17 号评委会中级的申报范围（全市（自主评聘单位除外））内，且无委托评审函"
    ]
