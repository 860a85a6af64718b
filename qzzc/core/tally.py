"""The tally of an anonymous vote (无记名投票, 衢市人社专〔2021〕61号 一(四)).

"评审会议须有2/3以上执行委员会委员出席，同意票数达到出席会议专家总数2/3以上为评审通过。"
In Chinese rules "以上" includes the bound itself, so two thirds exactly passes, and two thirds
exactly is a quorum. Everything here is integer arithmetic (``3·yes ≥ 2·A``): no floats, so no
rounding can ever turn a 6-of-9 into a failure.

Only counts per applicant are kept, never who voted how.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qzzc.core.cells import CellInvalid, parse_int
from qzzc.core.forms import Column
from qzzc.core.ids import LOST_DIGITS
from qzzc.core.people import find_person, looks_like_id
from qzzc.core.privacy import mask_id
from qzzc.core.text import squeeze
from qzzc.errors import MAX_LISTED_ERRORS, CellError, QzzcError

RECOMMEND = "推荐"


def parse_id_text(value: object) -> str:
    """Returns the ID number as written (spaces removed, ``x`` as ``X``), refusing a number cell,
    whose last digits Excel has already lost. Whether it names an applicant is decided later."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise CellInvalid(LOST_DIGITS if isinstance(value, int | float) else "不是身份证号")
    return squeeze(value).upper()


# The counts file (计票表) of SPEC §7, one row per applicant under review.
COUNTS_FORM: tuple[Column, ...] = (
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码"),
        True,
        parse_id_text,
        sensitive=mask_id,
        example="330802199001011234",
        text_format=True,
    ),
    Column("name", "姓名", (), True, example="张三"),
    Column("yes", "同意", ("同意票", "赞成", "赞成票"), True, parse_int, example=5),
    Column("no", "不同意", ("不同意票", "反对", "反对票"), True, parse_int, example=1),
    Column("abstain", "弃权", ("弃权票",), True, parse_int, example=1),
)


class QuorumNotMet(QzzcError):
    """Fewer than two thirds of the executive committee attend (or more than all of it)."""


def needed_attending(members: int) -> int:
    """The least number of members present that makes a quorum: ⌈2N/3⌉."""
    return (2 * members + 2) // 3


def has_quorum(attending: int, members: int) -> bool:
    """True when ``attending`` of ``members`` is a quorum: ``3·A ≥ 2·N`` and ``0 ≤ A ≤ N``, N ≥ 1."""
    return members >= 1 and 0 <= attending <= members and 3 * attending >= 2 * members


def check_quorum(attending: int, members: int) -> None:
    """Returns nothing when ``attending`` of ``members`` is a quorum, else raises ``QuorumNotMet``
    saying why."""
    if attending < 0:
        raise QuorumNotMet(f"出席人数不能为负数（{attending}）。")
    if attending > members:
        raise QuorumNotMet(
            f"出席人数 {attending} 超过执行委员会委员人数 {members}，请核对。未记录任何计票结果。"
        )
    if not has_quorum(attending, members):
        raise QuorumNotMet(
            f"出席委员 {attending} 人，未达到执行委员会 {members} 人的三分之二"
            f"（至少须 {needed_attending(members)} 人出席），会议不能计票。未记录任何计票结果。"
        )


def passes(yes: int, attending: int) -> bool:
    """True when ``yes`` votes reach two thirds of the ``attending`` experts: ``3·yes ≥ 2·A``."""
    return 3 * yes >= 2 * attending


def needed_yes_votes(attending: int) -> int:
    """The least yes count that passes with ``attending`` experts present: ⌈2A/3⌉."""
    return (2 * attending + 2) // 3


def result_text(passed: bool, mode: str | None) -> str:
    """``通过``/``不通过``, or ``推荐``/``不推荐`` for a title the committee only recommends."""
    if mode == RECOMMEND:
        return "推荐" if passed else "不推荐"
    return "通过" if passed else "不通过"


@dataclass(frozen=True)
class Counts:
    """One applicant's votes: 同意, 不同意, 弃权."""

    yes: int
    no: int
    abstain: int

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain


def count_problems(counts: Counts, attending: int) -> list[tuple[str, str]]:
    """Returns what is wrong with one applicant's counts as (column, message) pairs: a negative
    number, or more votes than experts present. Empty when the counts are possible."""
    problems = [
        (column, "票数不能为负数")
        for column, value in (("同意", counts.yes), ("不同意", counts.no), ("弃权", counts.abstain))
        if value < 0
    ]
    if not problems and counts.total > attending:
        problems.append(("", f"同意 + 不同意 + 弃权 = {counts.total}，超过出席专家人数 {attending}"))
    return problems


@dataclass(frozen=True)
class CountRow:
    """One row of a counts file as read: its row number, the applicant named, and the counts, or
    None where a cell could not be read (the reader has already reported that cell)."""

    row: int
    id_number: str
    name: str
    counts: Counts | None


@dataclass(frozen=True)
class Outcome:
    """One applicant's result at a tally."""

    id_number: str
    name: str
    counts: Counts
    attending: int
    mode: str | None

    @property
    def needed(self) -> int:
        return needed_yes_votes(self.attending)

    @property
    def passed(self) -> bool:
        return passes(self.counts.yes, self.attending)

    @property
    def result(self) -> str:
        return result_text(self.passed, self.mode)

    def as_dict(self) -> dict[str, object]:
        return {
            "id_number": self.id_number,
            "name": self.name,
            "yes": self.counts.yes,
            "no": self.counts.no,
            "abstain": self.counts.abstain,
            "attending": self.attending,
            "needed": self.needed,
            "passed": self.passed,
            "result": self.result,
        }


@dataclass(frozen=True)
class Matched:
    """A counts file matched to the applicants under review: the counts by ID number, the bad
    cells, and the ID numbers of applicants under review that have no row."""

    counts: dict[str, Counts]
    errors: list[CellError]
    missing: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing


def match_rows(
    rows: Sequence[CountRow],
    under_review: Mapping[str, str],
    attending: int,
    sheet: str = "",
    left_out: Mapping[str, str] | None = None,
) -> Matched:
    """Matches a counts file's rows to the applicants under review (ID number → name);
    ``left_out`` gives, for applicants known but not under review, the reason to tell the clerk.

    Returns the counts by ID number and every problem found: an ID number not under review, one
    given twice, a name that is not the applicant's, impossible counts, and each applicant under
    review without a row. ID numbers in messages are masked.
    """
    errors: list[CellError] = []
    counts: dict[str, Counts] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        masked = mask_id(row.id_number)
        if not row.id_number:
            errors.append(CellError(sheet, row.row, "身份证号", "", "身份证号为空"))
            continue
        if row.id_number not in under_review:
            why = (left_out or {}).get(row.id_number, "不是本次会议评审的申报人")
            errors.append(CellError(sheet, row.row, "身份证号", masked, why))
            continue
        if row.id_number in first_row:
            errors.append(
                CellError(
                    sheet, row.row, "身份证号", masked, f"重复：该申报人已在第 {first_row[row.id_number]} 行"
                )
            )
            continue
        first_row[row.id_number] = row.row
        if row.name != under_review[row.id_number]:
            errors.append(
                CellError(
                    sheet,
                    row.row,
                    "姓名",
                    row.name,
                    f"与身份证号 {masked} 的申报人姓名「{under_review[row.id_number]}」不符",
                )
            )
        if row.counts is None:
            continue
        problems = count_problems(row.counts, attending)
        errors += [CellError(sheet, row.row, column, "", message) for column, message in problems]
        if not problems:
            counts[row.id_number] = row.counts
    missing = [id_number for id_number in under_review if id_number not in first_row]
    return Matched(counts, errors, missing)


def describe_refusal(
    label: str,
    matched: Matched,
    read_errors: Sequence[CellError],
    names: Mapping[str, str],
    unlisted: int = 0,
) -> list[str]:
    """The lines that tell a clerk everything wrong with one counts file (``label`` names it):
    the first ``MAX_LISTED_ERRORS``, then the count of the rest (``unlisted`` bad cells the
    reader counted without giving them)."""
    errors = sorted([*read_errors, *matched.errors], key=lambda error: error.row)
    lines = [f"  {error.describe()}" for error in errors]
    lines += [
        f"  缺少申报人 {mask_id(id_number)} {names[id_number]} 的计票行" for id_number in matched.missing
    ]
    if not lines:
        return []
    total = len(lines) + unlisted
    head = [f"{label}有误，共 {total} 处：", *lines[:MAX_LISTED_ERRORS]]
    if total > MAX_LISTED_ERRORS:
        head.append(f"  ……另有 {total - MAX_LISTED_ERRORS} 处错误未列出；请先改正以上各处")
    return head


def differences(
    first: Mapping[str, Counts], second: Mapping[str, Counts], names: Mapping[str, str]
) -> list[str]:
    """Returns, one line per applicant (masked ID number and name), where two independent entries
    of the same counts differ; empty when they agree."""
    lines = []
    for id_number in sorted(set(first) | set(second)):
        a, b = first.get(id_number), second.get(id_number)
        if a == b:
            continue
        who = f"{mask_id(id_number)} {names.get(id_number, '')}".strip()
        if a is None or b is None:
            lines.append(f"{who}：只在{'第一' if b is None else '第二'}份录入中有")
            continue
        parts = [
            f"{label} {x} ≠ {y}"
            for label, x, y in (
                ("同意", a.yes, b.yes),
                ("不同意", a.no, b.no),
                ("弃权", a.abstain, b.abstain),
            )
            if x != y
        ]
        lines.append(f"{who}：{'；'.join(parts)}")
    return lines


# -- who is under review ----------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """Who is under review at a meeting (``applicants``, in order of ID number), and why each
    applicant left out is (``left_out``: ID number → reason)."""

    applicants: list[Any]
    left_out: dict[str, str]


LATE = "未列入本次会议备案的评审名单（未经评前公示和备案不得上会），不在本次会议评审之列（如需评审，请对其发布评前公示，期满后另行备案会议）"
DROPPED = "抽取专家后资格审查结论已不是合格，不在本次会议评审之列"


def review(current: Sequence[Any], recorded: Mapping[int, str]) -> Review:
    """The applicants under review: of those eligible now (``current``, each with ``id`` and
    ``id_number``), the ones the active draw recorded (``recorded``: applicant id → ID number), so
    that the recusals were checked against exactly the applicants voted on; every one when the
    draw recorded none (a draw made before qzzc kept the list).

    Where SPEC is silent: a recorded one whose verdict in force is no longer ``eligible`` (an
    integrity veto found after the draw, say) is left out, not voted on; one eligible only since
    the draw is left out too, as their recusals were never checked (a redraw takes them in).
    """
    if not recorded:
        return Review(list(current), {})
    kept = [applicant for applicant in current if applicant.id in recorded]
    left_out = {applicant.id_number: LATE for applicant in current if applicant.id not in recorded}
    eligible_now = {applicant.id for applicant in current}
    left_out |= {
        id_number: DROPPED for applicant_id, id_number in recorded.items() if applicant_id not in eligible_now
    }
    return Review(kept, left_out)


# -- the members absent ------------------------------------------------------------------------


def absent_members(
    absent: Sequence[str], members: list[dict[str, Any]], size: int, attending: int
) -> list[dict[str, Any]]:
    """The members named absent, checked: each a member, none twice, and N − A of them. When fewer
    attend than are seated, ``--absent`` must name exactly the missing members (SPEC §7), so that the
    minutes and the filing form never list an absent expert as present."""
    if not absent:
        if attending < size:
            raise QzzcError(
                f"委员 {size} 人、出席 {attending} 人：请用 --absent 逐一列出未出席的 {size - attending} 名委员"
                "（身份证号，可重复使用 --absent），以免备案表把缺席委员列为出席专家。未记录任何计票结果。"
            )
        return []
    by_id = {member["id_number"]: member for member in members}
    people = [(member["id_number"], member.get("name", "")) for member in members]
    wanted = [
        re.sub(r"\s+", "", value).upper()
        if looks_like_id(value)
        else find_person(value, people, "本次会议的委员")
        for value in absent
    ]
    problems = []
    seen: set[str] = set()
    for value in wanted:
        if value not in by_id:
            problems.append(f"  {mask_id(value)} 不是本次会议执行委员会的委员")
        elif value in seen:
            problems.append(f"  {mask_id(value)} 重复列出")
        seen.add(value)
    if not problems and len(wanted) != size - attending:
        problems.append(
            f"  列出缺席委员 {len(wanted)} 人，而委员 {size} 人、出席 {attending} 人，缺席应为 {size - attending} 人"
        )
    if problems:
        raise QzzcError("\n".join(["缺席委员（--absent）有误：", *problems, "未记录任何计票结果。"]))
    return [by_id[value] for value in wanted]
