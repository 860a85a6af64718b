"""Every eligibility rule at both sides of its boundary, one row per case (SPEC §5).

Each case starts from an applicant who passes everything (``BASE``: 工程师 at committee 3, 市本级,
本科, 60 public and 90 professional hours, a five-working-day unit publicity) and changes the
fields the case is about.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import pytest

from qzzc.core.eligibility import Verdict, decide, evaluate, verdict_digest
from qzzc.core.plan import parse_plan, specialty_owners
from qzzc.core.rules import (
    RULE_TITLE,
    RULE_VERDICT,
    ApplicantFacts,
    Note,
    Reason,
    RuleContext,
    thresholds_from,
)
from qzzc.core.ruleset import parse_rules
from qzzc.core.workdays import OFFICIAL, parse_override
from qzzc.errors import CalendarUnknown
from qzzc.resources import data_file

D = dt.date


def _plan():
    with data_file("plan2021.csv").open(encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return {committee.seq: committee for committee in parse_plan(reader.fieldnames or [], reader)}


PLAN = _plan()
RULES_DATA = dict(parse_rules(data_file("rules2021.toml").read_text(encoding="utf-8")).data)
RULES = thresholds_from(RULES_DATA)
OWNERS = specialty_owners(PLAN.values())

UNIT = "衢州市建筑设计院"
BASE = ApplicantFacts(
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
    publicity_start=D(2021, 6, 21),
    publicity_end=D(2021, 6, 25),
    assessment="合格",
    fraud=False,
    current_title="助理工程师",
    current_title_date=D(2017, 12, 31),
)
# 本科 初定 助理工程师 after one year: the notice's own example. (No 现职称: none is needed.)
INITIAL = dataclasses.replace(
    BASE,
    application_type="初定",
    title="助理工程师",
    years_of_work=1,
    public_hours=30,
    professional_hours=60,
    current_title=None,
    current_title_date=None,
)


def context(seq: int = 3, rules=RULES, calendar=OFFICIAL) -> RuleContext:
    return RuleContext(PLAN[seq], rules, calendar, OWNERS)


def check(applicant: ApplicantFacts, **kwargs) -> Verdict:
    return evaluate(applicant, context(applicant.committee_seq, **kwargs))


def found(verdict: Verdict) -> list[tuple[str, str]]:
    return [(reason.rule, reason.message) for reason in verdict.reasons]


def test_base_passes_with_notes_for_what_is_not_set():
    verdict = check(BASE)
    assert verdict.verdict == "eligible"
    assert verdict.reasons == ()
    assert verdict.notes == (
        Note(
            "cpd.professional",
            "规则文件未设定第 3 号评委会中级的专业科目学时要求（cpd.professional），未审查",
        ),
    )


CASES = [
    # -- committee.title / specialty / scope: the plan's attachment
    (
        "title not evaluated",
        {"title": "高级讲师"},
        [("committee.title", "第 3 号评委会不评审也不推荐「高级讲师」")],
    ),
    (
        "title recommended",
        {"title": "高级工程师", "current_title": "工程师", "current_title_date": D(2016, 12, 31)},
        [],
    ),
    (
        "specialty of another committee",
        {"specialty": "交通运输工程"},
        [
            (
                "committee.specialty",
                "申报专业「交通运输工程」不在第 3 号评委会的所评专业之列，应向第 4 号评委会申报",
            )
        ],
    ),
    (
        "specialty nobody has, not at row 1",
        {"specialty": "核工程"},
        [("committee.specialty", "申报专业「核工程」不在第 3 号评委会的所评专业之列")],
    ),
    (
        "row 1 takes a specialty nobody has",
        {"committee_seq": 1, "specialty": "核工程", "title": "工程师"},
        [],
    ),
    (
        "row 1 refuses a specialty of another committee",
        {"committee_seq": 1, "specialty": "建筑设计"},
        [
            (
                "committee.specialty",
                "申报专业「建筑设计」不在第 1 号评委会的所评专业之列，应向第 3 号评委会申报",
            )
        ],
    ),
    (
        "初级 is 市本级 only: a county applicant",
        {"title": "助理工程师", "current_title": "技术员", "region": "衢江区"},
        [("committee.scope", "所在地区为衢江区，第 3 号评委会初级只受理市本级人员")],
    ),
    ("初级 市本级 applicant", {"title": "助理工程师", "current_title": "技术员", "region": "市本级"}, []),
    ("中级 is 全市: a county applicant", {"region": "江山市"}, []),
    (
        "全市 without the entrust letter for 市外",
        {"region": "市外", "unit_affiliation": "市属"},
        [("committee.scope", "所在地区为市外，不在第 3 号评委会中级的申报范围（全市）内，且无委托评审函")],
    ),
    (
        "市外 with the letter",
        {"region": "市外", "unit_affiliation": "市外", "entrust_letter": True},
        [],
    ),
    (
        "本单位: a unit that is not the party school",
        {"committee_seq": 9, "title": "讲师", "specialty": "哲学"},
        [("committee.scope", "第 9 号评委会只受理本单位人员，工作单位「衢州市建筑设计院」不是本单位")],
    ),
    (
        "本单位: the party school",
        {
            "committee_seq": 9,
            "title": "讲师",
            "specialty": "哲学",
            "unit": "中共衢州市委党校",
            "social_insurance_unit": "中共衢州市委党校",
        },
        [],
    ),
    (
        "region blank",
        {"region": None},
        [("data.missing", "「所在地区」为空，无法审查申报对象范围（committee.scope）")],
    ),
    # -- affiliation.unit: 二(一) 人事隶属关系
    ("three parts agree", {}, []),
    (
        "three differ, the applicant's unit is the social-insurance one",
        {"archive_unit": "衢州市人才市场", "contract_unit": "某劳务公司"},
        [],
    ),
    (
        "three differ, the applicant's unit is not the social-insurance one",
        {"social_insurance_unit": "衢州某建设集团", "archive_unit": "衢州市人才市场"},
        [
            (
                "affiliation.unit",
                "人事隶属关系三者不一致（社保「衢州某建设集团」、档案「衢州市人才市场」、劳动合同「衢州市建筑设计院」），"
                "应由社保缴纳单位申报，申报单位为「衢州市建筑设计院」",
            )
        ],
    ),
    (
        "three agree on another unit",
        {"social_insurance_unit": "甲单位", "archive_unit": "甲单位", "contract_unit": "甲单位"},
        [
            (
                "affiliation.unit",
                "社保、人事档案、劳动合同均在「甲单位」，应由该单位申报，申报单位为「衢州市建筑设计院」",
            )
        ],
    ),
    (
        "dispatched, applying through the personnel-relation (archive) unit",
        {"dispatched": True, "dispatch_approved": True, "social_insurance_unit": "杭州某公司"},
        [],
    ),
    (
        "not dispatched, the same units",
        {"social_insurance_unit": "杭州某公司"},
        [
            (
                "affiliation.unit",
                "人事隶属关系三者不一致（社保「杭州某公司」、档案「衢州市建筑设计院」、劳动合同「衢州市建筑设计院」），"
                "应由社保缴纳单位申报，申报单位为「衢州市建筑设计院」",
            )
        ],
    ),
    ("names differ only by spaces", {"social_insurance_unit": " 衢州市 建筑设计院 "}, []),
    (
        "social-insurance unit blank",
        {"social_insurance_unit": None},
        [("data.missing", "「社保缴纳单位」为空，无法审查人事隶属关系（affiliation.unit）")],
    ),
    # -- affiliation.entrust: 二(一) 委托评审函
    ("省部属 with the letter", {"unit_affiliation": "省部属", "entrust_letter": True}, []),
    (
        "省部属 without the letter",
        {"unit_affiliation": "省部属", "entrust_letter": False},
        [("affiliation.entrust", "单位隶属为省部属，无委托评审函")],
    ),
    (
        "省部属, letter blank",
        {"unit_affiliation": "省部属"},
        [("data.missing", "「委托评审函」为空，无法审查委托评审函（affiliation.entrust）")],
    ),
    ("县属 needs no letter", {"unit_affiliation": "县（市、区）属", "entrust_letter": False}, []),
    # -- affiliation.dispatch: 二(一) 派驻市外
    ("dispatched and approved", {"dispatched": True, "dispatch_approved": True}, []),
    (
        "dispatched, not approved",
        {"dispatched": True, "dispatch_approved": False},
        [("affiliation.dispatch", "派驻市外工作，未经人力社保部门核准备案")],
    ),
    ("not dispatched (blank)", {"dispatched": None}, []),
    # -- cpd.public: 二(二) 54 / 18
    ("中级 54 hours", {"public_hours": 54}, []),
    (
        "中级 53 hours",
        {"public_hours": 53},
        [("cpd.public", "公需科目学时 53，少于 54（申报中级，2019-2021年累计）")],
    ),
    ("本科 初级 18 hours", {"title": "助理工程师", "current_title": "技术员", "public_hours": 18}, []),
    (
        "本科 初级 17.5 hours",
        {"title": "助理工程师", "current_title": "技术员", "public_hours": 17.5},
        [("cpd.public", "公需科目学时 17.5，少于 18（本科及以上学历申报初级，2019-2021年累计）")],
    ),
    (
        "研究生 初级 18 hours",
        {"title": "助理工程师", "current_title": "技术员", "public_hours": 18, "education": "研究生"},
        [],
    ),
    (
        "大专 初级 18 hours",
        {"title": "助理工程师", "current_title": "技术员", "public_hours": 18, "education": "大专"},
        [("cpd.public", "公需科目学时 18，少于 54（申报初级，2019-2021年累计）")],
    ),
    (
        "大专 初级 54 hours",
        {"title": "助理工程师", "current_title": "技术员", "public_hours": 54, "education": "大专"},
        [],
    ),
    # -- initial.*: 二(三) 职称初定
    (
        "本科 初定 助理级 90 = 30 + 60",
        {
            "application_type": "初定",
            "title": "助理工程师",
            "years_of_work": 1,
            "public_hours": 30,
            "professional_hours": 60,
        },
        [],
    ),
    (
        "本科 初定 助理级 78 = 18 + 60",
        {
            "application_type": "初定",
            "title": "助理工程师",
            "years_of_work": 1,
            "public_hours": 18,
            "professional_hours": 60,
        },
        [
            (
                "initial.hours",
                "初定助理级需继续教育 90 学时（公需不少于 18、专业不少于 60），现为 78 学时（公需 18、专业 60）",
            )
        ],
    ),
    (
        "本科 初定 助理级 90 = 35 + 55: professional short",
        {
            "application_type": "初定",
            "title": "助理工程师",
            "years_of_work": 1,
            "public_hours": 35,
            "professional_hours": 55,
        },
        [
            (
                "initial.hours",
                "初定助理级需继续教育 90 学时（公需不少于 18、专业不少于 60），现为 90 学时（公需 35、专业 55）",
            )
        ],
    ),
    (
        "本科 初定 助理级 with 0 years",
        {
            "application_type": "初定",
            "title": "助理工程师",
            "years_of_work": 0,
            "public_hours": 30,
            "professional_hours": 60,
        },
        [("initial.years", "从事专业技术工作 0 年，本科及以上学历初定助理级需满 1 年")],
    ),
    (
        "本科 初定 中级",
        {"application_type": "初定", "title": "工程师", "years_of_work": 3},
        [("initial.level", "学历本科、学位学士初定最高为助理级，不能初定中级")],
    ),
    (
        "硕士 初定 中级 with 3 years, 270 = 90 + 180",
        {
            "application_type": "初定",
            "education": "研究生",
            "degree": "硕士",
            "years_of_work": 3,
            "public_hours": 90,
            "professional_hours": 180,
        },
        [],
    ),
    (
        "硕士 初定 中级 with 2 years",
        {
            "application_type": "初定",
            "education": "研究生",
            "degree": "硕士",
            "years_of_work": 2,
            "public_hours": 90,
            "professional_hours": 180,
        },
        [("initial.years", "从事专业技术工作 2 年，研究生及以上学历或博士、硕士学位初定中级需满 3 年")],
    ),
    (
        "硕士学位 with 本科学历 初定 中级: 53 public hours of 54",
        {
            "application_type": "初定",
            "education": "本科",
            "degree": "硕士",
            "years_of_work": 3,
            "public_hours": 53,
            "professional_hours": 217,
        },
        [
            (
                "initial.hours",
                "初定中级需继续教育 270 学时（公需不少于 54、专业不少于 180），现为 270 学时（公需 53、专业 217）",
            )
        ],
    ),
    (
        "博士 初定 中级 at once",
        {
            "application_type": "初定",
            "education": "研究生",
            "degree": "博士",
            "years_of_work": 0,
            "public_hours": 0,
            "professional_hours": 0,
        },
        [],
    ),
    (
        "大专 初定 助理级 with 2 years",
        {
            "application_type": "初定",
            "education": "大专",
            "degree": "无",
            "title": "助理工程师",
            "years_of_work": 2,
            "public_hours": 60,
            "professional_hours": 210,
        },
        [("initial.years", "从事专业技术工作 2 年，大专及以上学历初定助理级需满 3 年")],
    ),
    (
        "高中 初定 助理级",
        {"application_type": "初定", "education": "高中及以下", "degree": None, "title": "助理工程师"},
        [("initial.level", "学历高中及以下不符合职称初定条件")],
    ),
    (
        "初定 in an exam series (卫生技术)",
        {"application_type": "初定", "committee_seq": 20, "title": "副主任医师", "specialty": "卫生技术"},
        [
            ("initial.exam_series", "卫生技术系列设有全国或全省统一考试，须通过考试取得职称，不进行职称初定"),
            ("initial.level", "学历本科、学位学士初定最高为助理级，不能初定副高级"),
        ],
    ),
    (
        "初定 skips cpd.public",
        {
            "application_type": "初定",
            "title": "助理工程师",
            "years_of_work": 1,
            "public_hours": 20,
            "professional_hours": 70,
        },
        [],
    ),
    # -- post.ratio: 二(四)
    ("事业单位 confirmed", {"unit_type": "事业单位", "post_ratio_confirmed": True}, []),
    (
        "事业单位 not confirmed",
        {"unit_type": "事业单位"},
        [("post.ratio", "事业单位人员，未确认在核定的专业技术岗位结构比例范围内")],
    ),
    (
        "事业单位 over the ratio",
        {"unit_type": "事业单位", "post_ratio_confirmed": False},
        [("post.ratio", "事业单位人员，不在核定的专业技术岗位结构比例范围内")],
    ),
    (
        "unit type blank",
        {"unit_type": None},
        [("data.missing", "「单位性质」为空，无法审查岗位结构比例（post.ratio）")],
    ),
    # -- publicity.unit: 一(二) 5 working days
    (
        "2021-09-28 → 10-08: 4 working days",
        {"publicity_start": D(2021, 9, 28), "publicity_end": D(2021, 10, 8)},
        [("publicity.unit", "单位公示 2021-09-28 至 2021-10-08 仅 4 个工作日，少于 5 个工作日")],
    ),
    (
        "2021-09-28 → 10-09: the make-up Saturday makes 5",
        {"publicity_start": D(2021, 9, 28), "publicity_end": D(2021, 10, 9)},
        [],
    ),
    (
        "2021-06-10 → 06-16 across the Dragon Boat holiday: 4",
        {"publicity_start": D(2021, 6, 10), "publicity_end": D(2021, 6, 16)},
        [("publicity.unit", "单位公示 2021-06-10 至 2021-06-16 仅 4 个工作日，少于 5 个工作日")],
    ),
    ("2021-06-10 → 06-17: 5", {"publicity_start": D(2021, 6, 10), "publicity_end": D(2021, 6, 17)}, []),
    (
        "end before start",
        {"publicity_start": D(2021, 6, 25), "publicity_end": D(2021, 6, 21)},
        [("publicity.unit", "单位公示 2021-06-25 至 2021-06-21 仅 0 个工作日，少于 5 个工作日")],
    ),
    (
        "publicity end blank",
        {"publicity_end": None},
        [("data.missing", "「单位公示结束日期」为空，无法审查单位公示（publicity.unit）")],
    ),
    # -- integrity.veto, performance.assessment: 三(一)
    ("fraud", {"fraud": True}, [("integrity.veto", "有学术造假行为，一票否决")]),
    ("fraud blank", {"fraud": None}, []),
    (
        "assessment 不合格",
        {"assessment": "不合格"},
        [("performance.assessment", "年度考核不合格，取消职称评审推荐资格")],
    ),
    ("assessment 基本合格", {"assessment": "基本合格"}, []),
    (
        "assessment blank",
        {"assessment": None},
        [("data.missing", "「年度考核」为空，无法审查年度考核（performance.assessment）")],
    ),
]


@pytest.mark.parametrize(
    ("changes", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_rule(changes, expected):
    verdict = check(dataclasses.replace(BASE, **changes))
    assert found(verdict) == expected
    assert verdict.verdict == decide(verdict.reasons)


def test_verdict_order():
    ineligible = Reason("cpd.public", "x")
    review = Reason("post.ratio", "y")
    missing = Reason("data.missing", "z")
    assert (decide([]), decide([review]), decide([missing, review]), decide([review, ineligible])) == (
        "eligible",
        "review",
        "review",
        "ineligible",
    )


def test_every_code_has_a_verdict_and_a_title():
    assert set(RULE_VERDICT) == set(RULE_TITLE)
    assert {code for code, verdict in RULE_VERDICT.items() if verdict == "review"} == {
        "post.ratio",
        "data.missing",
    }


def test_professional_hours_per_committee_from_the_rules_file():
    data = dict(RULES_DATA, cpd=dict(RULES_DATA["cpd"], professional={"3": {"中级": 90, "初级": 60}}))
    rules = thresholds_from(data)
    assert found(check(dataclasses.replace(BASE, professional_hours=90), rules=rules)) == []
    assert found(check(dataclasses.replace(BASE, professional_hours=89), rules=rules)) == [
        ("cpd.professional", "专业科目学时 89，少于 90（第 3 号评委会中级要求）")
    ]
    assert check(BASE, rules=rules).notes == ()


def test_senior_without_thresholds_is_noted_not_refused():
    verdict = check(
        dataclasses.replace(
            BASE,
            title="高级工程师",
            current_title="工程师",
            current_title_date=D(2016, 12, 31),
            public_hours=0,
            professional_hours=0,
        )
    )
    assert verdict.verdict == "eligible"
    assert [note.rule for note in verdict.notes] == ["cpd.public", "cpd.professional"]
    assert verdict.notes[0].message == (
        "申报高级职称的公需科目学时按省人社厅及省行业主管部门要求执行，"
        "规则文件未设定第 3 号评委会的标准（cpd.senior），未审查"
    )


def test_senior_thresholds_when_set():
    data = dict(RULES_DATA, cpd=dict(RULES_DATA["cpd"], senior={"3": {"public": 90, "professional": 90}}))
    senior = dataclasses.replace(
        BASE,
        title="高级工程师",
        current_title="工程师",
        current_title_date=D(2015, 6, 30),
        public_hours=89,
        professional_hours=90,
    )
    assert found(check(senior, rules=thresholds_from(data))) == [
        ("cpd.public", "公需科目学时 89，少于 90（申报高级（省定标准），2019-2021年累计）")
    ]


def test_self_evaluating_units_when_listed():
    data = dict(RULES_DATA, scope=dict(RULES_DATA["scope"], self_evaluating_units=["衢州第一中学"]))
    teacher = dataclasses.replace(
        BASE,
        committee_seq=17,
        title="高级教师",
        current_title="一级教师",
        specialty="中小学（幼儿园）专任教师",
        unit="衢州第一中学",
        social_insurance_unit="衢州第一中学",
    )
    assert found(check(teacher, rules=thresholds_from(data))) == [
        ("committee.scope", "工作单位「衢州第一中学」是自主评聘单位，不在第 17 号评委会的申报范围内")
    ]
    assert [note.message for note in check(teacher).notes if note.rule == "committee.scope"] == [
        "规则文件未列出自主评聘单位（scope.self_evaluating_units），未核对"
    ]


def test_a_date_outside_the_calendar_is_a_clear_error():
    applicant = dataclasses.replace(BASE, publicity_start=D(2031, 6, 2), publicity_end=D(2031, 6, 9))
    with pytest.raises(CalendarUnknown) as caught:
        check(applicant)
    assert caught.value.message.startswith("工作日历中没有 2031 年的法定节假日和调休安排")
    assert "--calendar" in caught.value.message


def test_an_override_calendar_supplies_the_year():
    calendar = parse_override("year = 2031\nholidays = [2031-06-04]\nworkdays = []\n")
    applicant = dataclasses.replace(BASE, publicity_start=D(2031, 6, 2), publicity_end=D(2031, 6, 6))
    assert found(check(applicant, calendar=calendar)) == [
        ("publicity.unit", "单位公示 2031-06-02 至 2031-06-06 仅 4 个工作日，少于 5 个工作日")
    ]


def test_verdict_digest_ignores_row_order():
    rows = [(3, "330802199001011234", "eligible"), (1, "330802199001015678", "review")]
    assert verdict_digest(rows) == verdict_digest(reversed(rows))
    assert verdict_digest(rows) != verdict_digest([(3, "330802199001011234", "ineligible"), rows[1]])


# -- the arithmetic, for any hours ---------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

HOURS = st.integers(min_value=0, max_value=400).map(float) | st.floats(min_value=0, max_value=400)


@given(
    hours=HOURS,
    education=st.sampled_from(["高中及以下", "中专", "大专", "本科", "研究生"]),
    junior=st.booleans(),
)
def test_public_hours_fail_exactly_below_the_threshold(hours, education, junior):
    applicant = dataclasses.replace(
        BASE, public_hours=hours, education=education, title="助理工程师" if junior else "工程师"
    )
    needed = 18 if junior and education in ("本科", "研究生") else 54
    rules = [reason.rule for reason in check(applicant).reasons]
    assert ("cpd.public" in rules) is (hours < needed)


@given(public=HOURS, professional=HOURS, years=st.integers(min_value=3, max_value=10))
def test_initial_hours_for_a_master(public, professional, years):
    applicant = dataclasses.replace(
        BASE,
        application_type="初定",
        education="研究生",
        degree="硕士",
        years_of_work=years,
        public_hours=public,
        professional_hours=professional,
    )
    passes = public >= 54 and professional >= 180 and public + professional >= 270
    assert check(applicant).verdict == ("eligible" if passes else "ineligible")


# -- the amendments of SPEC §5 (issue 13), each at its boundary ----------------------------------

AMENDED = [
    # title.sequence (资历, 逐级申报)
    ("正常申报 one level up", {}, []),
    (
        "正常申报 without a 现职称",
        {"current_title": None, "current_title_date": None},
        [("title.sequence", "正常申报工程师（中级）须具有助理级职称，现职称为空；尚无职称的请按初定申报")],
    ),
    (
        "正常申报 at the same level",
        {"current_title": "工程师"},
        [
            (
                "title.sequence",
                "正常申报应申报高一级职称：现职称工程师为中级，申报工程师为中级；同级转系列请按转评申报",
            )
        ],
    ),
    (
        "正常申报 from above",
        {"current_title": "高级工程师"},
        [
            (
                "title.sequence",
                "正常申报应申报高一级职称：现职称高级工程师为副高级，申报工程师为中级；同级转系列请按转评申报",
            )
        ],
    ),
    (
        "越级: two levels up goes to the committee",
        {"current_title": "技术员"},
        [("title.sequence", "越级申报：现职称技术员为员级，申报工程师为中级，须经评委会审核同意")],
    ),
    (
        "破格 goes to the committee",
        {"application_type": "破格", "current_title": None},
        [("title.sequence", "破格申报，须经评委会按破格条件审核同意")],
    ),
    ("转评 at the same level", {"application_type": "转评", "current_title": "农艺师"}, []),
    (
        "转评 from another level",
        {"application_type": "转评", "current_title": "助理农艺师"},
        [("title.sequence", "转评应申报与现职称同级的职称：现职称助理农艺师为助理级，申报工程师为中级")],
    ),
    (
        "转评 without a 现职称",
        {"application_type": "转评", "current_title": None},
        [("title.sequence", "转评须具有与工程师同级（中级）的现职称，现职称为空")],
    ),
    (
        "现职称 of no known level",
        {"current_title": "高级技师"},
        [("data.missing", "现职称「高级技师」不在职称级别表中，无法审查逐级申报（资历）（title.sequence）")],
    ),
    ("现职称 in full-width brackets", {"current_title": "助理工程师 "}, []),
    # title.years (资历, 任现职年限 to 2021-12-31; 工程 series, 本科: 4 years for 中级)
    ("本科 4 years exactly", {"current_title_date": D(2017, 12, 31)}, []),
    (
        "本科 one day short of 4 years",
        {"current_title_date": D(2018, 1, 1)},
        [
            (
                "title.years",
                "2018-01-01 取得现职称助理工程师，至 2021-12-31 满 3 年；各学历申报中级须满 4 年",
            )
        ],
    ),
    ("硕士 2 years", {"degree": "硕士", "education": "研究生", "current_title_date": D(2019, 12, 31)}, []),
    (
        "现职称取得时间 blank",
        {"current_title_date": None},
        [("data.missing", "「现职称取得时间」为空，无法审查任现职年限（资历）（title.years）")],
    ),
    # direct.track (二(五))
    (
        "直通车 with a 技能等级 in the engineering series",
        {"application_type": "直通车", "vocational_qualification": "高级技师", "current_title": None},
        [],
    ),
    (
        "直通车 without a 职业资格或技能等级",
        {"application_type": "直通车", "current_title": None},
        [("direct.track", "评审“直通车”须取得国家职业资格或技能等级，「职业资格或技能等级」为空")],
    ),
    (
        "直通车 outside the engineering series",
        {
            "application_type": "直通车",
            "vocational_qualification": "高级技师",
            "committee_seq": 7,
            "title": "记者",
            "specialty": "新闻",
            "current_title": None,
        },
        [("direct.track", "评审“直通车”只适用于工程技术领域，新闻系列不受理直通车申报")],
    ),
    # post.ratio: 否 is 不合格 (二(四)); blank stays 需人工核实
    (
        "事业单位 岗位结构比例内 否",
        {"unit_type": "事业单位", "post_ratio_confirmed": False},
        [("post.ratio", "事业单位人员，不在核定的专业技术岗位结构比例范围内")],
    ),
    # approved dispatch (二(一)): judged where the 人事关系 is
    (
        "approved dispatch, 市外, 全市 band",
        {"dispatched": True, "dispatch_approved": True, "region": "市外"},
        [],
    ),
    (
        "approved dispatch, 市外, 初级 市本级 band, 市属 unit",
        {
            "dispatched": True,
            "dispatch_approved": True,
            "region": "市外",
            "title": "助理工程师",
            "current_title": "技术员",
        },
        [],
    ),
    (
        "approved dispatch, 市外, 初级 市本级 band, county unit",
        {
            "dispatched": True,
            "dispatch_approved": True,
            "region": "市外",
            "unit_affiliation": "县（市、区）属",
            "title": "助理工程师",
            "current_title": "技术员",
        },
        [
            (
                "committee.scope",
                "派驻市外人员按人事关系所在地审查，单位隶属为县（市、区）属，第 3 号评委会初级只受理市本级人员",
            )
        ],
    ),
    (
        "approved dispatch, unit 市外: no 委托评审函 needed",
        {"dispatched": True, "dispatch_approved": True, "region": "市外", "unit_affiliation": "市外"},
        [],
    ),
    (
        "dispatch not approved, 市外",
        {"dispatched": True, "dispatch_approved": False, "region": "市外"},
        [
            ("committee.scope", "所在地区为市外，不在第 3 号评委会中级的申报范围（全市）内，且无委托评审函"),
            ("affiliation.dispatch", "派驻市外工作，未经人力社保部门核准备案"),
        ],
    ),
    # committee.specialty: one normalisation on both sides; fields and areas (SPEC §3)
    ("specialty with half-width brackets", {"specialty": "风景园林(景观设计)"}, []),
    ("specialty with spaces", {"specialty": "建筑 电气（建筑智能化）"}, []),
    (
        "水利工程 as field and area",
        {"committee_seq": 5, "specialty": "水利工程规划设计"},
        [],
    ),
    ("水利工程 as the field", {"committee_seq": 5, "specialty": "水利工程"}, []),
    (
        "水利工程 area alone is not the field",
        {"committee_seq": 5, "specialty": "规划设计"},
        [("committee.specialty", "申报专业「规划设计」不在第 5 号评委会的所评专业之列")],
    ),
    (
        "row 1 catch-all refuses another series",
        {"committee_seq": 1, "specialty": "翻译"},
        [
            (
                "committee.specialty",
                "申报专业「翻译」属于翻译系列，第 1 号评委会只受理工程系列暂无评委会的专业",
            )
        ],
    ),
    ("row 1 catch-all takes an engineering specialty", {"committee_seq": 1, "specialty": "核工程"}, []),
]


@pytest.mark.parametrize(
    ("changes", "expected"), [case[1:] for case in AMENDED], ids=[case[0] for case in AMENDED]
)
def test_amended_rule(changes, expected):
    verdict = check(dataclasses.replace(BASE, **changes))
    assert found(verdict) == expected
    assert verdict.verdict == decide(verdict.reasons)


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"current_title": "技术员"}, "review"),  # 越级
        ({"application_type": "破格"}, "review"),
        ({"current_title": "工程师"}, "ineligible"),
        ({"unit_type": "事业单位", "post_ratio_confirmed": False}, "ineligible"),
        ({"unit_type": "事业单位", "post_ratio_confirmed": None}, "review"),
    ],
)
def test_a_reason_may_carry_its_own_verdict(changes, verdict):
    assert check(dataclasses.replace(BASE, **changes)).verdict == verdict


def test_title_years_not_set_for_a_series_is_noted():
    verdict = check(
        dataclasses.replace(
            BASE,
            committee_seq=7,
            title="记者",
            specialty="新闻",
            current_title="助理记者",
            current_title_date=None,
        )
    )
    assert verdict.verdict == "eligible"
    assert [note.message for note in verdict.notes if note.rule == "title.years"] == [
        "规则文件未设定新闻系列申报中级的任现职年限（title.years），未审查"
    ]


@pytest.mark.parametrize(
    ("first", "until", "years"),
    [
        (D(2017, 12, 31), D(2021, 12, 31), 4),
        (D(2018, 1, 1), D(2021, 12, 31), 3),
        (D(2020, 2, 29), D(2021, 2, 28), 0),
        (D(2020, 2, 29), D(2021, 3, 1), 1),
    ],
)
def test_whole_years(first, until, years):
    from qzzc.core.rules import whole_years

    assert whole_years(first, until) == years


@pytest.mark.parametrize(
    ("specialty", "series"),
    [
        ("会计学", "会计"),
        ("护理学", "卫生技术"),
        ("中医学", "卫生技术"),
        ("档案管理", "档案"),
        ("英语", "翻译"),
        ("中药", "药学"),
        ("审计学", "审计"),
        ("经济管理", "经济"),
        ("统计学", "统计"),
        ("医学", "卫生技术"),
        ("中小学教师", "中小学教师"),
    ],
)
def test_the_catch_all_refuses_other_series_by_their_words(specialty, series):
    verdict = check(dataclasses.replace(BASE, committee_seq=1, specialty=specialty))
    assert found(verdict) == [
        (
            "committee.specialty",
            f"申报专业「{specialty}」属于{series}系列，第 1 号评委会只受理工程系列暂无评委会的专业",
        )
    ]


@pytest.mark.parametrize("specialty", ["核工程", "计算机软件", "机械设计", "电子信息"])
def test_the_catch_all_takes_engineering_specialties(specialty):
    assert found(check(dataclasses.replace(BASE, committee_seq=1, specialty=specialty))) == []


@pytest.mark.parametrize(("text", "owner"), [("风景园林", 3), ("建筑电气", 3), ("市政道路", 3)])
def test_a_specialty_without_its_brackets_belongs_to_its_committee(text, owner):
    assert found(check(dataclasses.replace(BASE, specialty=text))) == []
    assert found(check(dataclasses.replace(BASE, committee_seq=1, specialty=text))) == [
        (
            "committee.specialty",
            f"申报专业「{text}」不在第 1 号评委会的所评专业之列，应向第 {owner} 号评委会申报",
        )
    ]


def test_a_committees_own_specialty_keeps_its_series_for_the_initial_rules():
    party_school = dataclasses.replace(
        INITIAL,
        committee_seq=9,
        title="助教",
        specialty="经济学",
        unit="中共衢州市委党校",
        social_insurance_unit="中共衢州市委党校",
    )
    assert [rule for rule, _ in found(check(party_school))] == []


def test_leap_is_an_application_type_for_the_committee():
    verdict = check(dataclasses.replace(BASE, application_type="越级", current_title="技术员"))
    assert found(verdict) == [("title.sequence", "越级申报，须经评委会按越级条件审核同意")]
    assert verdict.verdict == "review"
