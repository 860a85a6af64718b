"""诚信 and 绩效: notice 三(一) 强化评审监督 — 学术造假一票否决, 绩效低下取消推荐资格
(衢市人社专〔2021〕61号, /work/shared/seed/000_5ec6e9deeeac00a1.txt).
"""

from __future__ import annotations

from qzzc.core.rules.base import INELIGIBLE, NONE, ApplicantFacts, Found, Reason, missing, rule
from qzzc.core.rules.context import RuleContext


@rule("integrity.veto", INELIGIBLE, "学术造假一票否决", "三(一)")
def integrity_veto(a: ApplicantFacts, c: RuleContext) -> Found:
    """三(一): 对学术造假等行为实行"一票否决". 学术造假 blank is read as 否."""
    if a.fraud is not True:
        return NONE
    return (Reason("integrity.veto", "有学术造假行为，一票否决", {}),)


@rule("performance.assessment", INELIGIBLE, "年度考核", "三(一)")
def performance_assessment(a: ApplicantFacts, c: RuleContext) -> Found:
    """三(一): 对绩效低下…的，取消职称评审推荐资格 — a 年度考核 in ``assessment.failing``."""
    if a.assessment is None:
        return (missing("年度考核", "performance.assessment"),)
    if a.assessment not in c.rules.failing_assessments:
        return NONE
    return (
        Reason(
            "performance.assessment",
            f"年度考核{a.assessment}，取消职称评审推荐资格",
            {"assessment": a.assessment},
        ),
    )
