"""职称初定: notice 二(三) (衢市人社专〔2021〕61号, /work/shared/seed/000_5ec6e9deeeac00a1.txt) and
浙人社发〔2020〕47号 (the 初定 table in the rules file). Run for a 初定 only, in the place of cpd.*.
"""

from __future__ import annotations

from qzzc.core.rules.base import (
    INELIGIBLE,
    LEVELS,
    NONE,
    ONLY_INITIAL,
    ApplicantFacts,
    Found,
    Note,
    Reason,
    hours,
    missing,
    rule,
)
from qzzc.core.rules.context import RuleContext
from qzzc.core.rules.year import InitialRow
from qzzc.core.titles import level_of


@rule("initial.exam_series", INELIGIBLE, "考试系列不初定", "二(三)", applies=ONLY_INITIAL)
def initial_exam_series(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(三): 对国家、省设立统一考试的职称系列，如经济、会计…全国计算机软考等，相应专业技术人员需
    通过参加考试取得职称，不再进行职称初定. The series is ``series.specialties`` for the
    specialty, else ``series.committees`` for the committee."""
    rules = c.rules
    series = c.series(a.specialty)
    if series is None:
        return (
            Note(
                "initial.exam_series",
                f"规则文件未设定第 {c.seq} 号评委会所属职称系列（series.committees），未审查",
            ),
        )
    if series not in rules.exam_series:
        return NONE
    return (
        Reason(
            "initial.exam_series",
            f"{series}系列设有全国或全省统一考试，须通过考试取得职称，不进行职称初定",
            {"series": series},
        ),
    )


def _initial_row(a: ApplicantFacts, c: RuleContext) -> tuple[InitialRow | None, Found]:
    """The most favourable 初定 row for the level asked (fewest years), or why there is none."""
    level = level_of(a.title)
    if level is None:
        return None, NONE
    rules = c.rules
    rank = rules.education_rank(a.education)
    if rank < 0 and a.degree is None:
        return None, (missing(f"学历（「{a.education}」不在规则文件的学历列表中）", "initial.level"),)
    rows = [row for row in rules.initial_table if row.applies(rank, a.degree, rules.education_order)]
    at_level = [row for row in rows if row.level == level]
    if at_level:
        return min(at_level, key=lambda row: row.years), NONE
    who = f"学历{a.education}" + (f"、学位{a.degree}" if a.degree else "")
    if rows:
        top = max((row.level for row in rows), key=LEVELS.index)
        message = f"{who}初定最高为{top.value}，不能初定{level.value}"
    else:
        message = f"{who}不符合职称初定条件"
    return None, (
        Reason(
            "initial.level", message, {"level": level.value, "education": a.education, "degree": a.degree}
        ),
    )


@rule("initial.level", INELIGIBLE, "初定级别", "二(三)", applies=ONLY_INITIAL)
def initial_level(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(三): 职称初定条件根据浙人社发〔2020〕47号执行: the level asked is one the 初定 table gives
    for the applicant's 学历 or 学位 (``initial.table``)."""
    return _initial_row(a, c)[1]


@rule("initial.years", INELIGIBLE, "初定工作年限", "二(三)", applies=ONLY_INITIAL)
def initial_years(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(三) and 浙人社发〔2020〕47号: at least the years of professional work the 初定 row needs."""
    row, _ = _initial_row(a, c)
    if row is None or a.years_of_work >= row.years:
        return NONE
    return (
        Reason(
            "initial.years",
            f"从事专业技术工作 {a.years_of_work} 年，{row.describe()}初定{row.level.value}需满 {row.years} 年",
            {"years": a.years_of_work, "needed": row.years},
        ),
    )


@rule("initial.hours", INELIGIBLE, "初定继续教育学时", "二(三)", applies=ONLY_INITIAL)
def initial_hours(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(三): 继续教育学时要求按申报人员学历对应的从事专业工作年限计算: per required year at least
    90 学时, of which 公需 ≥ 18 and 专业 ≥ 60 (本科初定助理级 90/18/60; 硕士初定中级 270/54/180)."""
    row, _ = _initial_row(a, c)
    if row is None:
        return NONE
    rules, years = c.rules, row.hours_years
    total_needed = rules.initial_hours_per_year * years
    public_needed = rules.initial_public_per_year * years
    professional_needed = rules.initial_professional_per_year * years
    total = a.public_hours + a.professional_hours
    if (
        total >= total_needed
        and a.public_hours >= public_needed
        and a.professional_hours >= professional_needed
    ):
        return NONE
    return (
        Reason(
            "initial.hours",
            f"初定{row.level.value}需继续教育 {hours(total_needed)} 学时（公需不少于 {hours(public_needed)}、"
            f"专业不少于 {hours(professional_needed)}），现为 {hours(total)} 学时"
            f"（公需 {hours(a.public_hours)}、专业 {hours(a.professional_hours)}）",
            {
                "total": total,
                "public": a.public_hours,
                "professional": a.professional_hours,
                "total_needed": total_needed,
                "public_needed": public_needed,
                "professional_needed": professional_needed,
            },
        ),
    )
