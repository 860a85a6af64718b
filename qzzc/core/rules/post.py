"""岗位结构比例: notice 二(四) (衢市人社专〔2021〕61号, /work/shared/seed/000_5ec6e9deeeac00a1.txt)."""

from __future__ import annotations

from qzzc.core.rules.base import (
    INELIGIBLE,
    NONE,
    PUBLIC_INSTITUTION,
    REVIEW,
    ApplicantFacts,
    Found,
    Reason,
    missing,
    rule,
)
from qzzc.core.rules.context import RuleContext


@rule("post.ratio", REVIEW, "岗位结构比例", "二(四)")  # 岗位结构比例内 = 否: INELIGIBLE, on the reason
def post_ratio(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(四): 事业单位专业技术人员职称评审（含初定）应在核定的专业技术岗位结构比例范围内进行.
    岗位结构比例内 = 否 is outside the ratio: 不合格. Blank: qzzc cannot know the ratio, so a clerk
    must (需人工核实)."""
    if a.unit_type is None:
        return (missing("单位性质", "post.ratio"),)
    if a.unit_type != PUBLIC_INSTITUTION or a.post_ratio_confirmed is True:
        return NONE
    if a.post_ratio_confirmed is False:
        return (
            Reason(
                "post.ratio", "事业单位人员，不在核定的专业技术岗位结构比例范围内", {}, verdict=INELIGIBLE
            ),
        )
    return (Reason("post.ratio", "事业单位人员，未确认在核定的专业技术岗位结构比例范围内", {}),)
