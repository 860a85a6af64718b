"""人事隶属关系, 委托评审函 and 派驻市外: notice 二(一) 申报渠道 (衢市人社专〔2021〕61号,
/work/shared/seed/000_5ec6e9deeeac00a1.txt).
"""

from __future__ import annotations

from qzzc.core.rules.base import (
    INELIGIBLE,
    NONE,
    OUTSIDE,
    ApplicantFacts,
    Found,
    Reason,
    approved_dispatch,
    missing,
    normalise_unit,
    rule,
)
from qzzc.core.rules.context import RuleContext


@rule("affiliation.unit", INELIGIBLE, "人事隶属关系", "二(一)")
def affiliation_unit(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(一): 职称申报评审原则上按人事隶属关系进行申报（社会保险、人事档案、劳动关系三者一致）…
    三者不在一个地区的…原则上由社会保险所在单位申报.

    Read as: the applying unit is the 社保缴纳单位. When the three parts agree that is their one
    unit; when they differ it is the social-insurance one. Only the 社保缴纳单位 is needed to
    decide, so only its absence gives ``data.missing``. One exception, from the same section:
    被派驻市外工作的专业技术人才，由人事关系所在单位提出申请 — a dispatched applicant may apply
    through the 人事档案所在单位 (whether the dispatch was approved is ``affiliation.dispatch``).
    """
    insurance = a.social_insurance_unit
    if insurance is None:
        return (missing("社保缴纳单位", "affiliation.unit"),)
    if a.unit == insurance or normalise_unit(a.unit) == normalise_unit(insurance):
        return NONE
    if a.dispatched is True and a.archive_unit and normalise_unit(a.unit) == normalise_unit(a.archive_unit):
        return NONE
    parts = (insurance, a.archive_unit, a.contract_unit)
    agree = None not in parts and len({normalise_unit(part) for part in parts}) == 1  # type: ignore[arg-type]
    if agree:
        message = f"社保、人事档案、劳动合同均在「{insurance}」，应由该单位申报，申报单位为「{a.unit}」"
    else:
        message = (
            f"人事隶属关系三者不一致（社保「{insurance}」、档案「{a.archive_unit or '空'}」、"
            f"劳动合同「{a.contract_unit or '空'}」），应由社保缴纳单位申报，申报单位为「{a.unit}」"
        )
    return (
        Reason(
            "affiliation.unit",
            message,
            {
                "unit": a.unit,
                "social_insurance_unit": insurance,
                "archive_unit": a.archive_unit,
                "contract_unit": a.contract_unit,
            },
        ),
    )


@rule("affiliation.entrust", INELIGIBLE, "委托评审函", "二(一)")
def affiliation_entrust(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(一): 在衢省部属单位和外市人员需在我市进行职称评审的，需要提供…委托评审函.
    The 单位隶属 values that need it are ``affiliation.entrust_required`` (省部属, 市外). An
    approved dispatched applicant is not 外市人员: 市外 does not need the letter for them."""
    if a.unit_affiliation is None:
        return (missing("单位隶属", "affiliation.entrust"),)
    if a.unit_affiliation not in c.rules.entrust_required or a.entrust_letter is True:
        return NONE
    if a.unit_affiliation == OUTSIDE and approved_dispatch(a):
        return NONE
    if a.entrust_letter is None:
        return (missing("委托评审函", "affiliation.entrust"),)
    return (
        Reason(
            "affiliation.entrust",
            f"单位隶属为{a.unit_affiliation}，无委托评审函",
            {"unit_affiliation": a.unit_affiliation},
        ),
    )


@rule("affiliation.dispatch", INELIGIBLE, "派驻市外核准", "二(一)")
def affiliation_dispatch(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(一): 被派驻市外工作的专业技术人才，由人事关系所在单位提出申请，经人力社保部门核准备案后，
    可在人事关系所在地申报评审. 派驻市外 blank is read as 否."""
    if a.dispatched is not True or a.dispatch_approved is True:
        return NONE
    if a.dispatch_approved is None:
        return (missing("人事关系单位核准", "affiliation.dispatch"),)
    return (Reason("affiliation.dispatch", "派驻市外工作，未经人力社保部门核准备案", {}),)
