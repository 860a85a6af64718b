"""The eligibility rules (资格审查, SPEC §5) of 衢市人社专〔2021〕61号
(/work/shared/seed/000_5ec6e9deeeac00a1.txt), one small function per rule code, one module per
section of the notice:

- ``committee``: 附件 (the plan row: 所评资格, 所评专业, 申报对象范围)
- ``direct``: 二(五) 评审“直通车”
- ``affiliation``: 二(一) 申报渠道 (人事隶属关系, 委托评审函, 派驻市外)
- ``title``: 资历 (逐级申报, 任现职年限; 三(三) 破格 and 越级)
- ``cpd``: 二(二) 继续教育; ``initial``: 二(三) 职称初定 (in cpd's place for a 初定)
- ``post``: 二(四) 岗位结构比例; ``publicity``: 一(二) 单位公示; ``conduct``: 三(一) 一票否决, 年度考核

Each rule is declared once, by ``@rule(code, verdict, title, section)`` on its function
(``base``): the tables ``RULE_VERDICT`` and ``RULE_TITLE`` and the rules run for an application
(``rules_for``) are made from the declarations, in the order the modules are imported below (the
order the rules run and their reasons are listed). Each rule takes an applicant's facts and the
context of the check (``RuleContext``: the committee, the year's rules ``YearRules``, the calendar)
and returns what it found: ``Reason`` values when the applicant breaks it, ``Note`` values when
the rule could not be applied (no threshold in the rules file), or an empty tuple. A rule never
decides the verdict itself: ``qzzc.core.eligibility.evaluate`` does, from the verdict each code
carries. Every threshold and list comes from the rules file, read once into ``YearRules``
(``year``).
"""

from __future__ import annotations

# The order of these imports is the order the rules run and their reasons are listed.
# isort: off
import qzzc.core.rules.committee
import qzzc.core.rules.direct
import qzzc.core.rules.affiliation
import qzzc.core.rules.title
import qzzc.core.rules.cpd
import qzzc.core.rules.initial
import qzzc.core.rules.post
import qzzc.core.rules.publicity
import qzzc.core.rules.conduct  # noqa: F401

# isort: on
from qzzc.core.rules.affiliation import affiliation_dispatch, affiliation_entrust, affiliation_unit
from qzzc.core.rules.base import (
    APPLIES,
    DECLARED,
    DIRECT,
    ELIGIBLE,
    EVERY,
    EXCEPTIONAL,
    INELIGIBLE,
    INITIAL,
    LEAP,
    LEVELS,
    NONE,
    NORMAL,
    NOT_INITIAL,
    ONLY_INITIAL,
    OUTSIDE,
    PUBLIC_INSTITUTION,
    RANK,
    REVIEW,
    RULE_TITLE,
    RULE_VERDICT,
    TRANSFER,
    ApplicantFacts,
    Declaration,
    Found,
    Note,
    Reason,
    Rule,
    approved_dispatch,
    band_of,
    declare,
    hours,
    missing,
    normalise_unit,
    rule,
    rules_for,
    withdraw,
)
from qzzc.core.rules.committee import (
    NO_SELF_EVALUATING_UNITS,
    SpecialtyPlace,
    committee_scope,
    committee_specialty,
    committee_title,
    place_specialty,
)
from qzzc.core.rules.conduct import integrity_veto, performance_assessment
from qzzc.core.rules.context import RuleContext
from qzzc.core.rules.cpd import cpd_professional, cpd_public
from qzzc.core.rules.direct import direct_track
from qzzc.core.rules.initial import initial_exam_series, initial_hours, initial_level, initial_years
from qzzc.core.rules.post import post_ratio
from qzzc.core.rules.publicity import publicity_unit
from qzzc.core.rules.title import title_sequence, title_years, whole_years
from qzzc.core.rules.year import (
    COMMITTEE_SIZE,
    DEFAULT_OUTSIDE,
    DEFAULT_REGIONS,
    KNOWN_KEYS,
    MAX_HOURS,
    MAX_YEARS,
    WORKING_DAYS,
    EligibilityRules,
    InitialRow,
    ScopeWords,
    SeniorHours,
    TitleYearsRow,
    YearRules,
    check_against_plan,
    describe_qualification,
    draw_min_sizes,
    qualifies,
    setting,
    thresholds_from,
    year_rules,
)

# Given by other rules when a field they need is blank, so it has no function of its own.
declare(Declaration("data.missing", REVIEW, "数据缺失", "SPEC §5 需人工核实"))

RULES_NORMAL: tuple[Rule, ...] = rules_for(
    ApplicantFacts("", "", 0, "", "", "", 0, 0, 0, application_type=NORMAL)
)
RULES_INITIAL: tuple[Rule, ...] = rules_for(
    ApplicantFacts("", "", 0, "", "", "", 0, 0, 0, application_type=INITIAL)
)

__all__ = [
    "APPLIES",
    "COMMITTEE_SIZE",
    "DECLARED",
    "DEFAULT_OUTSIDE",
    "DEFAULT_REGIONS",
    "DIRECT",
    "ELIGIBLE",
    "EVERY",
    "EXCEPTIONAL",
    "INELIGIBLE",
    "INITIAL",
    "KNOWN_KEYS",
    "LEAP",
    "LEVELS",
    "MAX_HOURS",
    "MAX_YEARS",
    "NONE",
    "NORMAL",
    "NOT_INITIAL",
    "NO_SELF_EVALUATING_UNITS",
    "ONLY_INITIAL",
    "OUTSIDE",
    "PUBLIC_INSTITUTION",
    "RANK",
    "REVIEW",
    "RULES_INITIAL",
    "RULES_NORMAL",
    "RULE_TITLE",
    "RULE_VERDICT",
    "TRANSFER",
    "WORKING_DAYS",
    "ApplicantFacts",
    "Declaration",
    "EligibilityRules",
    "Found",
    "InitialRow",
    "Note",
    "Reason",
    "Rule",
    "RuleContext",
    "ScopeWords",
    "SeniorHours",
    "SpecialtyPlace",
    "TitleYearsRow",
    "YearRules",
    "affiliation_dispatch",
    "affiliation_entrust",
    "affiliation_unit",
    "approved_dispatch",
    "band_of",
    "check_against_plan",
    "committee_scope",
    "committee_specialty",
    "committee_title",
    "cpd_professional",
    "cpd_public",
    "declare",
    "describe_qualification",
    "direct_track",
    "draw_min_sizes",
    "hours",
    "initial_exam_series",
    "initial_hours",
    "initial_level",
    "initial_years",
    "integrity_veto",
    "missing",
    "normalise_unit",
    "performance_assessment",
    "place_specialty",
    "post_ratio",
    "publicity_unit",
    "qualifies",
    "rule",
    "rules_for",
    "setting",
    "thresholds_from",
    "title_sequence",
    "title_years",
    "whole_years",
    "withdraw",
    "year_rules",
]
