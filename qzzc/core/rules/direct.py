"""评审“直通车”: notice 二(五) (衢市人社专〔2021〕61号, /work/shared/seed/000_5ec6e9deeeac00a1.txt)."""

from __future__ import annotations

from qzzc.core.rules.base import DIRECT, INELIGIBLE, NONE, ApplicantFacts, Found, Reason, rule
from qzzc.core.rules.context import RuleContext


@rule("direct.track", INELIGIBLE, "评审直通车", "二(五)")
def direct_track(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(五) 评审"直通车": 在我省工程技术领域，取得国家职业资格或技能等级的技能人员，可按有关规定
    申报相应职称评审. So a 直通车 application is taken only by a committee of a series in
    ``direct.series`` (工程) and needs a 职业资格或技能等级; blank is read as "none"."""
    if a.application_type != DIRECT:
        return NONE
    series = c.series(a.specialty)
    if series not in c.rules.direct_series:
        return (
            Reason(
                "direct.track",
                f"评审“直通车”只适用于工程技术领域，{series or '本评委会'}系列不受理直通车申报",
                {"series": series},
            ),
        )
    if a.vocational_qualification is None:
        return (
            Reason(
                "direct.track", "评审“直通车”须取得国家职业资格或技能等级，「职业资格或技能等级」为空", {}
            ),
        )
    return NONE
