"""继续教育 (公需科目, 专业科目 学时): notice 二(二) (衢市人社专〔2021〕61号,
/work/shared/seed/000_5ec6e9deeeac00a1.txt). Not run for a 初定, whose hours are ``initial.hours``.
"""

from __future__ import annotations

from qzzc.core.rules.base import (
    INELIGIBLE,
    NONE,
    NOT_INITIAL,
    ApplicantFacts,
    Found,
    Note,
    Reason,
    band_of,
    hours,
    missing,
    rule,
)
from qzzc.core.rules.context import RuleContext


@rule("cpd.public", INELIGIBLE, "公需科目学时", "二(二)", applies=NOT_INITIAL)
def cpd_public(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(二): 申报中、初级职称的一般公需科目和行业公需科目近三年（2019-2021年）累计不少于54学时
    （本科及以上学历申报初级职称不少于18学时）. 申报高级职称按省人社厅及省行业主管部门要求执行:
    the committee's ``cpd.senior`` threshold, else the rule is noted as not applied."""
    band = band_of(a)
    if band is None:
        return NONE
    rules = c.rules
    if band in rules.cpd_bands:
        rank = rules.education_rank(a.education)
        if rank < 0:
            return (missing(f"学历（「{a.education}」不在规则文件的学历列表中）", "cpd.public"),)
        degree_junior = band == "初级" and rank >= rules.education_order.index(rules.degree_education)
        needed = rules.public_hours_degree_junior if degree_junior else rules.public_hours
        basis = f"{rules.degree_education}及以上学历申报初级" if degree_junior else f"申报{band}"
    else:
        senior = rules.senior.get(c.seq)
        if senior is None or senior.public is None:
            return c.once("senior.public", lambda: (_senior_note("cpd.public", "公需科目", c.seq),))
        needed, basis = senior.public, f"申报{band}（省定标准）"
    if a.public_hours >= needed:
        return NONE
    return (
        Reason(
            "cpd.public",
            f"公需科目学时 {hours(a.public_hours)}，少于 {hours(needed)}（{basis}，{rules.cpd_period}年累计）",
            {"hours": a.public_hours, "needed": needed},
        ),
    )


@rule("cpd.professional", INELIGIBLE, "专业科目学时", "二(二)", applies=NOT_INITIAL)
def cpd_professional(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(二): 专业科目学时按照各行业《评审通知》要求执行 — the committee's ``cpd.professional``
    threshold for the band; 高级 by ``cpd.senior``. Without one the rule is noted as not applied."""
    band = band_of(a)
    if band is None:
        return NONE
    rules = c.rules
    if band in rules.cpd_bands:
        needed = rules.professional.get(c.seq, {}).get(band)
        if needed is None:
            return c.once(
                ("professional", band),
                lambda: (
                    Note(
                        "cpd.professional",
                        f"规则文件未设定第 {c.seq} 号评委会{band}的专业科目学时要求（cpd.professional），未审查",
                    ),
                ),
            )
    else:
        senior = rules.senior.get(c.seq)
        if senior is None or senior.professional is None:
            return c.once(
                "senior.professional", lambda: (_senior_note("cpd.professional", "专业科目", c.seq),)
            )
        needed = senior.professional
    if a.professional_hours >= needed:
        return NONE
    return (
        Reason(
            "cpd.professional",
            f"专业科目学时 {hours(a.professional_hours)}，少于 {hours(needed)}（第 {c.seq} 号评委会{band}要求）",
            {"hours": a.professional_hours, "needed": needed},
        ),
    )


def _senior_note(rule: str, kind: str, seq: int) -> Note:
    return Note(
        rule,
        f"申报高级职称的{kind}学时按省人社厅及省行业主管部门要求执行，"
        f"规则文件未设定第 {seq} 号评委会的标准（cpd.senior），未审查",
    )
