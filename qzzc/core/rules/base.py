"""What every rule shares: the facts it reads, what it returns, and the declaration that makes it
a rule (``@rule``), from which the tables ``RULE_VERDICT``, ``RULE_TITLE`` and the rules run for
an application (``rules_for``) are made.

Notice: 衢市人社专〔2021〕61号 (/work/shared/seed/000_5ec6e9deeeac00a1.txt); each rule module cites the
section it reads. Yes/no columns left blank: 派驻市外 and 学术造假 blank are read as 否 (the columns
record an exception), and 现职称 blank as "no title yet"; every other field a rule needs that is
blank gives ``data.missing`` (需人工核实).

A code carries one verdict (``RULE_VERDICT``), except where the notice makes one rule decide two
ways: ``post.ratio`` (岗位结构比例内 = 否 is 不合格, blank 需人工核实) and ``title.sequence`` (破格 and
越级 go to the committee: 需人工核实). Such a ``Reason`` says its own ``verdict``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qzzc.core.titles import BAND_OF_LEVEL, LEVEL_OF_TITLE, Level

if TYPE_CHECKING:
    from qzzc.core.rules.context import RuleContext

INELIGIBLE = "ineligible"
REVIEW = "review"
ELIGIBLE = "eligible"

OUTSIDE = "市外"
INITIAL = "初定"  # 申报类型 of a 职称初定
NORMAL = "正常申报"
TRANSFER = "转评"
EXCEPTIONAL = "破格"
LEAP = "越级"
DIRECT = "直通车"
PUBLIC_INSTITUTION = "事业单位"
LEVELS = tuple(Level)
RANK = {level: rank for rank, level in enumerate(LEVELS)}


# -- what the rules read and return ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicantFacts:
    """What the rules know of one application (SPEC §4 fields); None where the cell was blank."""

    id_number: str
    name: str
    committee_seq: int
    title: str
    specialty: str
    education: str
    years_of_work: int
    public_hours: float
    professional_hours: float
    unit: str = ""
    application_type: str = "正常申报"
    degree: str | None = None
    unit_type: str | None = None
    unit_affiliation: str | None = None
    region: str | None = None
    social_insurance_unit: str | None = None
    archive_unit: str | None = None
    contract_unit: str | None = None
    dispatched: bool | None = None
    dispatch_approved: bool | None = None
    entrust_letter: bool | None = None
    post_ratio_confirmed: bool | None = None
    publicity_start: dt.date | None = None
    publicity_end: dt.date | None = None
    assessment: str | None = None
    fraud: bool | None = None
    current_title: str | None = None
    current_title_date: dt.date | None = None
    vocational_qualification: str | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an applicant breaks a rule: the rule's code, a Chinese sentence and the figures in it.
    ``verdict`` is set only where the rule decides otherwise than its code's ``RULE_VERDICT``."""

    rule: str
    message: str
    figures: Mapping[str, Any] = field(default_factory=dict)
    verdict: str | None = None

    @property
    def outcome(self) -> str:
        """The verdict this reason makes."""
        return self.verdict or RULE_VERDICT[self.rule]

    def as_dict(self) -> dict[str, Any]:
        plain = {"rule": self.rule, "message": self.message, "figures": dict(self.figures)}
        if self.verdict is not None:
            plain["verdict"] = self.verdict
        return plain


@dataclass(frozen=True, slots=True)
class Note:
    """A rule that was not applied to an applicant, and why (no threshold set, say)."""

    rule: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "message": self.message}


Found = tuple["Reason | Note", ...]
NONE: Found = ()
Rule = Callable[[ApplicantFacts, "RuleContext"], Found]


# -- declaring a rule -----------------------------------------------------------------------

EVERY = "every"  # every application
NOT_INITIAL = "not initial"  # every application but a 初定 (the cpd.* rules)
ONLY_INITIAL = "only initial"  # a 初定 only (the initial.* rules, in the place of cpd.*)
APPLIES = (EVERY, NOT_INITIAL, ONLY_INITIAL)


@dataclass(frozen=True)
class Declaration:
    """One rule: its stable code (``cpd.public``), the verdict when broken, what it checks (for
    summaries, in Chinese), the section of the notice it reads, which applications it runs for,
    and the function (None for ``data.missing``, which other rules give)."""

    code: str
    verdict: str
    title: str
    section: str
    applies: str = EVERY
    check: Rule | None = None


# Rule code → declaration / verdict when broken / title, in the order the rules run (the notice's).
DECLARED: dict[str, Declaration] = {}
RULE_VERDICT: dict[str, str] = {}
RULE_TITLE: dict[str, str] = {}
_RUN: dict[bool, tuple[Rule, ...]] = {}  # for a 初定 or not: the rules to run, made on first use


def declare(declaration: Declaration) -> Declaration:
    """Adds a rule to the tables. Raises ``ValueError`` for a code declared twice, an unknown
    verdict or ``applies``: a programming error, found when qzzc is imported."""
    code = declaration.code
    if code in DECLARED:
        raise ValueError(f"rule {code} is declared twice")
    if declaration.verdict not in (INELIGIBLE, REVIEW):
        raise ValueError(f"rule {code}: verdict {declaration.verdict!r}")
    if declaration.applies not in APPLIES:
        raise ValueError(f"rule {code}: applies {declaration.applies!r}")
    DECLARED[code] = declaration
    RULE_VERDICT[code] = declaration.verdict
    RULE_TITLE[code] = declaration.title
    _RUN.clear()
    return declaration


def withdraw(code: str) -> None:
    """Removes a declared rule (for tests that declare one of their own)."""
    del DECLARED[code], RULE_VERDICT[code], RULE_TITLE[code]
    _RUN.clear()


def rule(
    code: str, verdict: str, title: str, section: str, *, applies: str = EVERY
) -> Callable[[Rule], Rule]:
    """Declares the decorated function as the rule ``code``: one declaration is all a new rule
    needs (and, if it reads a new threshold, a ``YearRules`` field)."""

    def register(check: Rule) -> Rule:
        declare(Declaration(code, verdict, title, section, applies, check))
        return check

    return register


def rules_for(a: ApplicantFacts) -> tuple[Rule, ...]:
    """The rules run for ``a``, in declaration order: a 初定 runs initial.* in the place of cpd.*."""
    initial = a.application_type == INITIAL
    found = _RUN.get(initial)
    if found is None:
        skip = NOT_INITIAL if initial else ONLY_INITIAL
        found = _RUN[initial] = tuple(
            item.check for item in DECLARED.values() if item.check is not None and item.applies != skip
        )
    return found


# -- helpers ------------------------------------------------------------------------------


def hours(value: float) -> str:
    """53.0 → "53", 53.5 → "53.5"."""
    return f"{value:g}"


def normalise_unit(name: str) -> str:
    """A unit name for comparison: no spaces (half or full width), brackets half width."""
    return "".join(name.split()).replace("（", "(").replace("）", ")")


def missing(column: str, rule: str) -> Reason:
    """``data.missing``: ``column`` is blank, so ``rule`` cannot decide."""
    return Reason(
        "data.missing",
        f"「{column}」为空，无法审查{RULE_TITLE[rule]}（{rule}）",
        {"column": column, "rule": rule},
    )


def band_of(a: ApplicantFacts) -> str | None:
    level = LEVEL_OF_TITLE.get(a.title)
    return None if level is None else BAND_OF_LEVEL[level]


def approved_dispatch(a: ApplicantFacts) -> bool:
    """二(一): 被派驻市外工作的专业技术人才…经人力社保部门核准备案后，可在人事关系所在地申报评审."""
    return a.dispatched is True and a.dispatch_approved is True
