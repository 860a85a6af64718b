"""单位公示: notice 一(二) 单位推荐 (衢市人社专〔2021〕61号, /work/shared/seed/000_5ec6e9deeeac00a1.txt)."""

from __future__ import annotations

from qzzc.core.rules.base import INELIGIBLE, NONE, ApplicantFacts, Found, Reason, missing, rule
from qzzc.core.rules.context import RuleContext


@rule("publicity.unit", INELIGIBLE, "单位公示", "一(二)")
def publicity_unit(a: ApplicantFacts, c: RuleContext) -> Found:
    """一(二): 申报人员所在单位…进行不少于5个工作日的公示 (``publicity.working_days``), counted
    on China's official calendar, both dates included. Raises ``CalendarUnknown`` for a year the
    calendar does not know."""
    if a.publicity_start is None:
        return (missing("单位公示开始日期", "publicity.unit"),)
    if a.publicity_end is None:
        return (missing("单位公示结束日期", "publicity.unit"),)
    needed = c.rules.publicity_days
    days = c.count_workdays(a.publicity_start, a.publicity_end)
    if days >= needed:
        return NONE
    period = f"{a.publicity_start.isoformat()} 至 {a.publicity_end.isoformat()}"
    return (
        Reason(
            "publicity.unit",
            f"单位公示 {period} 仅 {days} 个工作日，少于 {needed} 个工作日",
            {
                "start": a.publicity_start.isoformat(),
                "end": a.publicity_end.isoformat(),
                "days": days,
                "needed": needed,
            },
        ),
    )
