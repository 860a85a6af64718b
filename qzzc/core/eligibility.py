"""The verdict of the eligibility check (资格审查, SPEC §5) from the rules of ``qzzc.core.rules``.

``ineligible`` (不合格) if any rule says so, else ``review`` (需人工核实) if any says so, else
``eligible`` (合格). A clerk's settlement (``qzzc check settle``) overrides the computed verdict
while the applicant's data stay as they were when it was settled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from qzzc.core.rules import (
    ELIGIBLE,
    INELIGIBLE,
    REVIEW,
    ApplicantFacts,
    Note,
    Reason,
    RuleContext,
    rules_for,
)

VERDICTS = (ELIGIBLE, INELIGIBLE, REVIEW)
VERDICT_ZH = {ELIGIBLE: "合格", INELIGIBLE: "不合格", REVIEW: "需人工核实"}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome for one applicant: the verdict, the reasons for it, and the rules not applied."""

    verdict: str
    reasons: tuple[Reason, ...] = ()
    notes: tuple[Note, ...] = ()


def decide(reasons: Iterable[Reason]) -> str:
    """Returns the verdict the reasons make: the worst of the verdicts their rules carry."""
    verdict = ELIGIBLE
    for reason in reasons:
        if reason.outcome == INELIGIBLE:
            return INELIGIBLE
        verdict = REVIEW
    return verdict


def evaluate(applicant: ApplicantFacts, context: RuleContext) -> Verdict:
    """Runs every rule that applies to ``applicant`` and returns the verdict.

    Raises ``CalendarUnknown`` when a date lies in a year the calendar does not know.
    """
    reasons: list[Reason] = []
    notes: list[Note] = []
    for rule in rules_for(applicant):
        found = rule(applicant, context)
        if found:  # most rules pass: an empty tuple
            for item in found:
                if type(item) is Reason:
                    reasons.append(item)
                else:
                    notes.append(item)  # type: ignore[arg-type]
    return Verdict(decide(reasons) if reasons else ELIGIBLE, tuple(reasons), tuple(notes))


def verdict_digest(rows: Iterable[tuple[int, str, str]]) -> str:
    """The hex SHA-256 of (committee 序号, ID number, effective verdict) rows, sorted, one line
    each as ``seq<TAB>id<TAB>verdict`` joined by newlines: what ``qzzc check`` records in its
    audit entry, so that a verdict changed behind qzzc's back can be found."""
    lines = sorted(f"{seq}\t{id_number}\t{verdict}" for seq, id_number, verdict in rows)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
