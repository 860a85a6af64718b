"""Objections (异议) received during a publicity period (SPEC §11; the notice 一(三), 一(五)).

An objection is taken only in writing under a real name (书面实名: 匿名材料不予受理), about an
applicant listed on a publicity, on a day within that publicity's period; it is then resolved once,
upheld (成立) or dismissed (不成立), with the reason. An objection upheld at the 评前公示 makes the
applicant ineligible; one upheld at the 结果公示 revokes (撤销) the applicant's result. The filing
form states how many were received and upheld.

Pure: the services pass in plain values (``PeriodRef``, ``ObjectionFacts``) and get words back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qzzc.core.display import hidden_characters, printable
from qzzc.core.notices import chinese_date
from qzzc.core.privacy import mask_id, mask_phone
from qzzc.errors import QzzcError, UsageError

STAGES = {"pre_review": "评前公示", "result": "结果公示"}
UPHELD = "upheld"
DISMISSED = "dismissed"
OUTCOME_CHOICES = {"成立": UPHELD, "不成立": DISMISSED, UPHELD: UPHELD, DISMISSED: DISMISSED}
OUTCOME_ZH = {UPHELD: "成立", DISMISSED: "不成立", None: "待核查"}
RULE = "publicity.objection"
"""The rule code of the reason an upheld 评前公示 objection gives the applicant's verdict."""
ANONYMOUS = "匿名材料不予受理"
REVOKED = "撤销"


@dataclass(frozen=True)
class PeriodRef:
    """A publicity period an applicant is listed on: its record's id, stage, first and last day
    (inclusive), and the meeting of a result publicity."""

    publicity_id: int
    stage: str
    start: dt.date
    end: dt.date
    meeting_id: int | None = None

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def text(self) -> str:
        """``评前公示 2021年9月28日至2021年10月9日`` (``结果公示（第 1 号会议）…`` for a result)."""
        meeting = f"（第 {self.meeting_id} 号会议）" if self.stage == "result" and self.meeting_id else ""
        return f"{STAGES.get(self.stage, self.stage)}{meeting} {chinese_date(self.start)}至{chinese_date(self.end)}"


@dataclass(frozen=True)
class ObjectionFacts:
    """What the words about one objection need."""

    number: int
    stage: str
    received: dt.date
    outcome: str | None
    reason: str | None = None
    resolved_on: dt.date | None = None


def require_named(by: str | None, contact: str | None) -> tuple[str, str]:
    """The objector's name and contact, stripped. Raises ``QzzcError`` (匿名材料不予受理) when
    either is missing or blank: an objection is taken only in writing under a real name."""
    name = _visible((by or "").strip(), "--by")
    reach = _visible((contact or "").strip(), "--contact")
    missing = [
        label
        for label, value in (("异议人姓名（--by）", name), ("联系方式（--contact）", reach))
        if not value
    ]
    if missing:
        raise QzzcError(
            f"异议须书面实名提出，{ANONYMOUS}：缺少{'和'.join(missing)}。"
            "请按书面材料填写异议人的真实姓名和联系方式后再登记。"
        )
    return name, reach


def require_text(value: str | None, what: str, option: str) -> str:
    """``value`` stripped; raises ``UsageError`` naming ``option`` when it is blank."""
    text = _visible((value or "").strip(), option)
    if not text:
        raise UsageError(f"请用 {option} 写明{what}")
    return text


def _visible(text: str, option: str) -> str:
    """``text``, or ``UsageError`` when it holds control, bidi or zero-width characters, which
    would hide or reorder what a notice or the record says (SPEC §14)."""
    if hidden_characters(text):
        raise UsageError(
            f"{option} 的内容含有控制字符或不可见字符（{printable(scrub(text))[:60]}），请重新输入"
        )
    return text


def parse_outcome(value: str) -> str:
    """``upheld`` for 成立, ``dismissed`` for 不成立 (the English words too); raises ``UsageError``."""
    outcome = OUTCOME_CHOICES.get(value.strip())
    if outcome is None:
        raise UsageError(f"核查结论（--outcome）应为 成立 或 不成立，现为「{value.strip()}」")
    return outcome


def stage_of(received: dt.date, periods: Sequence[PeriodRef], who: str) -> PeriodRef:
    """The publicity period of ``periods`` (those ``who`` is listed on) containing ``received``;
    of several, the one that began last. Raises ``QzzcError`` naming the periods when none does,
    or saying ``who`` is on no publicity."""
    containing = [period for period in periods if period.contains(received)]
    if containing:
        return max(containing, key=lambda period: (period.start, period.publicity_id))
    if not periods:
        raise QzzcError(
            f"{who}未列入任何评前公示或结果公示，{chinese_date(received)}收到的异议无从受理"
            "（异议须在公示期内提出）。"
        )
    listed = "；".join(period.text for period in sorted(periods, key=lambda p: (p.start, p.publicity_id)))
    raise QzzcError(
        f"{chinese_date(received)}不在{who}的公示期内，不予受理（异议须在公示期内提出）。"
        f"{who}的公示期：{listed}。"
    )


def check_resolution(facts: ObjectionFacts, on: dt.date) -> None:
    """Raises ``QzzcError`` when the objection is resolved already (an objection is resolved
    once) or ``on`` is before the day it was received."""
    if facts.outcome is not None:
        when = f"于{chinese_date(facts.resolved_on)}" if facts.resolved_on else ""
        raise QzzcError(
            f"第 {facts.number} 号异议已{when}核查处理（{OUTCOME_ZH.get(facts.outcome, facts.outcome)}），"
            "每件异议只处理一次，不能再次处理。"
        )
    if on < facts.received:
        raise QzzcError(
            f"处理日期 {on.isoformat()} 早于第 {facts.number} 号异议的收到日期 {facts.received.isoformat()}，"
            "请把 --on 设为收到当天或之后。"
        )


def unresolved(objections: Iterable[ObjectionFacts]) -> list[ObjectionFacts]:
    """The objections not yet resolved, in order of number."""
    return sorted((item for item in objections if item.outcome is None), key=lambda item: item.number)


def unresolved_lines(objections: Iterable[ObjectionFacts]) -> list[str]:
    """One line per unresolved objection, for a step refused until they are resolved:
    ``第 3 号异议（评前公示，2021-10-08 收到）尚未处理：qzzc objection resolve 3 --outcome 成立|不成立 --reason 理由``."""
    return [
        f"第 {item.number} 号异议（{STAGES.get(item.stage, item.stage)}，{item.received.isoformat()} 收到）尚未处理："
        f"qzzc objection resolve {item.number} --outcome 成立|不成立 --reason 理由"
        for item in unresolved(objections)
    ]


def filing_sentence(received: int, upheld: int) -> str:
    """What the filing form says of the objections (SPEC §11): ``公示期间无异议``, or
    ``收到异议 2 件，经核查成立 1 件``."""
    if received == 0:
        return "公示期间无异议"
    return f"收到异议 {received} 件，经核查成立 {upheld} 件"


def upheld_message(facts: ObjectionFacts) -> str:
    """The reason an upheld objection gives: ``评前公示期间异议经核查成立（第 3 号异议）：理由``."""
    return (
        f"{STAGES.get(facts.stage, facts.stage)}期间异议经核查成立（第 {facts.number} 号异议）："
        f"{scrub(facts.reason or '')}"
    )


def upheld_reason(facts: ObjectionFacts) -> dict[str, str]:
    """The verdict reason of an upheld 评前公示 objection, in the form of a rule's reason."""
    return {"rule": RULE, "message": upheld_message(facts)}


def revoked_line(name: str, unit: str, facts: ObjectionFacts) -> str:
    """A line of the result notice and the filing form: ``张三（衢州市建筑设计院）评审结果撤销：…``."""
    stage = STAGES.get(facts.stage, facts.stage)
    return f"{name}（{unit}）的评审结果撤销：{stage}期间异议经核查成立（第 {facts.number} 号异议），{scrub(facts.reason or '')}"


_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_PHONE_IN_TEXT = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")


def scrub(text: str) -> str:
    """``text`` with every ID number and phone number in it masked (``330802********123X``,
    ``********234``): the words of an objection are typed freely and may hold them."""
    text = _ID_IN_TEXT.sub(lambda match: mask_id(match.group(0).upper()), text)
    return _PHONE_IN_TEXT.sub(lambda match: mask_phone(match.group(0)), text)


def mask_contact(contact: str) -> str:
    """A contact as a list shows it: a phone number alone masked as phones are
    (``13812341234`` → ``********234``); any other text with the numbers in it masked."""
    plain = contact.strip()
    if re.fullmatch(r"[0-9+\- ]{7,}", plain):
        return mask_phone(plain.replace(" ", ""))
    return scrub(plain)
