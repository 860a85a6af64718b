"""资历: 逐级申报 and 任现职年限. The notice (衢市人社专〔2021〕61号,
/work/shared/seed/000_5ec6e9deeeac00a1.txt) defers the figures to the province and the industries
(二); 破格 and 越级 are 三(三) 建立特别优秀人才的破格和越级晋升制度. The years are the rules file's
``[[title.years]]`` table.
"""

from __future__ import annotations

import datetime as dt

from qzzc.core.plan import term_key
from qzzc.core.rules.base import (
    DIRECT,
    EXCEPTIONAL,
    INELIGIBLE,
    INITIAL,
    LEAP,
    LEVELS,
    NONE,
    NORMAL,
    RANK,
    REVIEW,
    RULE_TITLE,
    TRANSFER,
    ApplicantFacts,
    Found,
    Note,
    Reason,
    missing,
    rule,
)
from qzzc.core.rules.context import RuleContext
from qzzc.core.titles import LEVEL_OF_TITLE, Level, level_of


def _takes_title(a: ApplicantFacts, c: RuleContext) -> bool:
    """Whether the committee takes the title at all: otherwise only ``committee.title`` speaks."""
    return a.title in c.titles or c.committee.title_of(a.title) is not None


_LEVEL_BY_KEY = {term_key(title): level for title, level in LEVEL_OF_TITLE.items()}


def _level_of_text(title: str) -> Level | None:
    level = level_of(title)
    return level if level is not None else _LEVEL_BY_KEY.get(term_key(title))


@rule("title.sequence", INELIGIBLE, "逐级申报（资历）", "二；三(三)")
def title_sequence(a: ApplicantFacts, c: RuleContext) -> Found:
    """资历, 逐级申报: a 正常申报 needs a 现职称 exactly one level below the title applied for (员级 →
    助理级 → 中级 → 副高级 → 正高级); a 转评 a 现职称 of the same level; 初定 and 直通车 none. 破格, and
    越级 (a 现职称 two or more levels below), go to the committee's own approval (三(三) 建立特别优秀
    人才的破格和越级晋升制度): 需人工核实. 现职称 blank is read as "no title yet"; one whose level
    the title table does not know gives ``data.missing``."""
    kind = a.application_type
    target = level_of(a.title)
    if kind in (INITIAL, DIRECT) or target is None or not _takes_title(a, c):
        return NONE
    if kind in (EXCEPTIONAL, LEAP):
        return (
            Reason(
                "title.sequence",
                f"{kind}申报，须经评委会按{kind}条件审核同意",
                {"type": kind},
                verdict=REVIEW,
            ),
        )
    if a.current_title is None:
        if kind == TRANSFER:
            return (
                Reason(
                    "title.sequence",
                    f"转评须具有与{a.title}同级（{target.value}）的现职称，现职称为空",
                    {"level": target.value},
                ),
            )
        if target == Level.YUAN:
            return NONE
        below = LEVELS[LEVELS.index(target) - 1]
        return (
            Reason(
                "title.sequence",
                f"正常申报{a.title}（{target.value}）须具有{below.value}职称，现职称为空；尚无职称的请按初定申报",
                {"level": target.value, "needed": below.value},
            ),
        )
    current = _level_of_text(a.current_title)
    if current is None:
        return (
            Reason(
                "data.missing",
                f"现职称「{a.current_title}」不在职称级别表中，无法审查{RULE_TITLE['title.sequence']}（title.sequence）",
                {"column": "现职称", "rule": "title.sequence"},
            ),
        )
    step = RANK[target] - RANK[current]
    if step == (0 if kind == TRANSFER else 1):  # the common case, first
        return NONE
    figures = {"current": a.current_title, "current_level": current.value, "level": target.value}
    now = f"现职称{a.current_title}为{current.value}，申报{a.title}为{target.value}"
    if kind == TRANSFER:
        return (Reason("title.sequence", f"转评应申报与现职称同级的职称：{now}", figures),)
    if step >= 2:
        return (Reason("title.sequence", f"越级申报：{now}，须经评委会审核同意", figures, verdict=REVIEW),)
    return (
        Reason(
            "title.sequence",
            f"正常申报应申报高一级职称：{now}；同级转系列请按转评申报",
            figures,
        ),
    )


def whole_years(first: dt.date, until: dt.date) -> int:
    """Whole years from ``first`` to ``until`` (an anniversary on ``until`` counts)."""
    return until.year - first.year - ((until.month, until.day) < (first.month, first.day))


@rule("title.years", INELIGIBLE, "任现职年限（资历）", "二")
def title_years(a: ApplicantFacts, c: RuleContext) -> Found:
    """资历, 任现职年限: a 正常申报 needs the years since its 现职称 that the rules file's
    ``[[title.years]]`` table asks for the level applied for, by 学历 or 学位 and title series,
    counted up to ``title.years_until`` (the year's end). The notice gives no figures: where the
    table has no row for the application, the rule is noted as not applied."""
    if a.application_type != NORMAL:
        return NONE
    target = level_of(a.title)
    if target is None or a.current_title is None or _level_of_text(a.current_title) is None:
        return NONE
    if not _takes_title(a, c):
        return NONE
    rules = c.rules
    series = c.series(a.specialty)
    key = (target, a.education, a.degree, series)
    if key not in c._title_rows:
        rank = rules.education_rank(a.education)
        rows = [
            row
            for row in rules.title_years
            if row.level == target and row.applies(rank, a.degree, series, rules.education_order)
        ]
        c._title_rows[key] = min(rows, key=lambda item: item.years) if rows else None
    row = c._title_rows[key]
    if row is None:
        return c.once(
            ("title.years", target, series),
            lambda: (
                Note(
                    "title.years",
                    f"规则文件未设定{series or '本'}系列申报{target.value}的任现职年限（title.years），未审查",
                ),
            ),
        )
    if a.current_title_date is None:
        return (missing("现职称取得时间", "title.years"),)
    until = rules.title_years_until
    years = whole_years(a.current_title_date, until)
    if years >= row.years:
        return NONE
    return (
        Reason(
            "title.years",
            f"{a.current_title_date.isoformat()} 取得现职称{a.current_title}，至 {until.isoformat()} 满 {years} 年；"
            f"{row.describe()}申报{target.value}须满 {row.years} 年",
            {"years": years, "needed": row.years, "since": a.current_title_date.isoformat()},
        ),
    )
