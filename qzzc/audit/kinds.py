"""The protected records: which tables the audit chain digests, and how their rows are grouped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from qzzc.store.models import (
    Applicant,
    CommitteeRecord,
    Draw,
    DrawApplicant,
    Expert,
    FiledApplicant,
    Meeting,
    Meta,
    Objection,
    Publicity,
    PublicityApplicant,
    Replacement,
    RuleSetRecord,
    Seat,
    Step,
    Tally,
    TallyResult,
    VerdictRecord,
)

HEAD_KEY = "audit_head"  # meta key: "seq:hash" of the last audit entry written


@dataclass(frozen=True)
class Kind:
    """One kind of protected record: its table and how its rows are grouped. Within a group, rows
    are hashed in order of the table's primary key (part of each row), which the database reads
    without sorting. ``via`` is the table joined for the group key, and the condition."""

    name: str
    label: str  # Chinese, for messages
    group_label: str  # how a group is named: "committee", "meeting", "year", "key" or "all"
    table: Table
    group: Callable[[], Sequence[Any]]  # column expressions forming the group key
    via: tuple[Table, Callable[[], Any]] | None = None
    where: Callable[[], Any] | None = None  # the rows protected, when not all of them

    @property
    def tables(self) -> frozenset[str]:
        """The tables whose rows make this kind's digests: a write to any of them changes them."""
        return frozenset([self.table.name, *([self.via[0].name] if self.via else [])])


def _t(model: Any) -> Table:
    return model.__table__


KINDS: tuple[Kind, ...] = (
    Kind("committees", "评审计划", "year", _t(CommitteeRecord), lambda: [CommitteeRecord.year]),
    Kind("rules", "年度规则", "year", _t(RuleSetRecord), lambda: [RuleSetRecord.year]),
    Kind("applicants", "申报人", "committee", _t(Applicant), lambda: [Applicant.year, Applicant.committee_seq]),
    Kind("verdicts", "资格审查结论", "committee", _t(VerdictRecord), lambda: [Applicant.year, Applicant.committee_seq],
         (_t(Applicant), lambda: VerdictRecord.applicant_id == Applicant.id)),
    Kind("experts", "专家库", "all", _t(Expert), lambda: []),
    Kind("meetings", "评审会议", "meeting", _t(Meeting), lambda: [Meeting.id]),
    Kind("draws", "专家抽取", "meeting", _t(Draw), lambda: [Draw.meeting_id]),
    Kind("seats", "专家席位", "meeting", _t(Seat), lambda: [Draw.meeting_id],
         (_t(Draw), lambda: Seat.draw_id == Draw.id)),
    Kind("replacements", "替补记录", "meeting", _t(Replacement), lambda: [Draw.meeting_id],
         (_t(Draw), lambda: Replacement.draw_id == Draw.id)),
    Kind("draw_applicants", "抽取时的评审名单", "meeting", _t(DrawApplicant), lambda: [Draw.meeting_id],
         (_t(Draw), lambda: DrawApplicant.draw_id == Draw.id)),
    Kind("tallies", "计票", "meeting", _t(Tally), lambda: [Tally.meeting_id]),
    Kind("tally_results", "计票结果", "meeting", _t(TallyResult), lambda: [Tally.meeting_id],
         (_t(Tally), lambda: TallyResult.tally_id == Tally.id)),
    Kind("steps", "评审程序记录", "meeting", _t(Step), lambda: [Step.meeting_id]),
    Kind("filed_applicants", "备案的评审名单", "meeting", _t(FiledApplicant), lambda: [FiledApplicant.meeting_id]),
    Kind("publicities", "公示记录", "committee", _t(Publicity), lambda: [Publicity.year, Publicity.committee_seq]),
    Kind("publicity_applicants", "公示名单", "committee", _t(PublicityApplicant),
         lambda: [Publicity.year, Publicity.committee_seq],
         (_t(Publicity), lambda: PublicityApplicant.publicity_id == Publicity.id)),
    Kind("objections", "异议", "committee", _t(Objection), lambda: [Objection.year, Objection.committee_seq]),
    # The store's year and schema version (every meta record but the head marker, which each
    # entry moves and which the chain's own check covers).
    Kind("meta", "记录", "key", _t(Meta), lambda: [Meta.key], where=lambda: Meta.key != HEAD_KEY),
)  # fmt: skip
KIND_LABELS = {kind.name: kind for kind in KINDS}
KIND_OF_VERSION_2 = "draw_applicants"  # came with schema version 2, as did the head marker
# Kinds that every store has records of, protected since a later qzzc: an entry written before
# (which does not know the kind) cannot compare them as empty, so they go unchecked until the next
# job's entry records them. A kind of new records (draw_applicants) is compared as empty instead.
KINDS_RECORDED_LATER = frozenset({"meta"})
META_LABELS = {"year": "年度记录", "schema_version": "结构版本记录"}
