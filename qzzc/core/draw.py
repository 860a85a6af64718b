"""The random draw of a meeting's executive committee (执行委员会, 随机抽取专家; SPEC §6).

The draw is reproducible and verifiable by anyone with a few lines of code, after RFC 3797:

- the seed is a text, chosen outside this module (a public lottery's numbers, or 32 random bytes
  written as hex) and passed in;
- each candidate's key is the hex SHA-256 of ``UTF-8(seed) + b"\\n" + UTF-8(ID number)``;
- candidates sort by key, ascending (the ID number breaks a tie, which SHA-256 never produces);
- quotas (``专业=k``) are filled first, in the order given, each by the lowest keys among the
  unseated candidates of that specialty; then the other seats by lowest key; then the alternates.

The result depends on the seed and the candidate set only, never on the order of the rows. The
candidate digest (hex SHA-256 of the candidates' ID numbers sorted ascending, joined by ``\\n``)
pins down the candidate set, so that a verifier can tell the list was not changed afterwards.

Who is a candidate is decided here too (``screen``): the experts 在库 of the committee, less those
excluded for a reason (``EXCLUSION_REASONS``). Everything is pure: no clock, no randomness.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qzzc.core.privacy import mask_id
from qzzc.core.titles import BANDS, level_of
from qzzc.errors import QzzcError

ALGORITHM = "qzzc-draw-1"
"""The version of the procedure above. A change to it (key, order, quotas) needs a new name, so
that ``--verify`` recomputes old draws by the procedure they were made with."""

# Exclusion reasons, in the order an expert with several is counted (each expert once, under
# the first that applies, so that the counts add up to the experts excluded).
APPLICANT = "applicant"
SAME_UNIT = "same_unit"
CONFLICT = "conflict"
ALREADY_SEATED = "already_seated"
EXCLUSION_REASONS = (APPLICANT, SAME_UNIT, CONFLICT, ALREADY_SEATED)
EXCLUSION_ZH = {
    APPLICANT: "本年度申报人",
    SAME_UNIT: "与申报人同单位（回避）",
    CONFLICT: "利害关系（回避名单）",
    ALREADY_SEATED: "当日已被其他会议抽中",
}


class DrawRefused(QzzcError):
    """The draw cannot be made as asked (too few candidates, a quota that cannot be met, a size
    that is not allowed); nothing was drawn."""


@dataclass(frozen=True)
class Candidate:
    """An expert who may be drawn: what the draw reads (ID number, specialties) and shows."""

    id_number: str
    name: str
    unit: str
    specialties: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "id_number": self.id_number,
            "unit": self.unit,
            "specialties": list(self.specialties),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Candidate:
        return cls(
            id_number=str(data["id_number"]),
            name=str(data["name"]),
            unit=str(data["unit"]),
            specialties=tuple(data.get("specialties") or ()),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Drawn:
    """A candidate drawn, with their key."""

    candidate: Candidate
    key: str

    @property
    def id_number(self) -> str:
        return self.candidate.id_number

    def as_dict(self) -> dict[str, object]:
        return {**self.candidate.as_dict(), "key": self.key}


@dataclass(frozen=True)
class DrawResult:
    """The members (in the order they were seated: quota seats first) and the alternates (候补,
    in the order they step in)."""

    members: tuple[Drawn, ...]
    alternates: tuple[Drawn, ...]


def candidate_key(seed: str, id_number: str) -> str:
    """Returns the hex SHA-256 of ``UTF-8(seed) + b"\\n" + UTF-8(id_number)``."""
    return hashlib.sha256(seed.encode("utf-8") + b"\n" + id_number.encode("utf-8")).hexdigest()


def candidate_digest(id_numbers: Iterable[str]) -> str:
    """Returns the hex SHA-256 of the ID numbers sorted ascending and joined by ``\\n``."""
    return hashlib.sha256("\n".join(sorted(id_numbers)).encode("utf-8")).hexdigest()


def draw(
    seed: str,
    candidates: Iterable[Candidate],
    size: int,
    alternates: int = 0,
    quotas: Sequence[tuple[str, int]] = (),
) -> DrawResult:
    """Draws ``size`` members and ``alternates`` alternates from ``candidates`` with ``seed``.

    Returns the result, or raises ``DrawRefused`` when there are too few candidates for
    ``size + alternates`` or a quota cannot be met (a quota is never relaxed). Raises
    ``ValueError`` for arguments no caller should pass (an ID number twice, an empty seed,
    negative counts, quotas beyond ``size``).
    """
    pool = list(candidates)
    if not seed:
        raise ValueError("the seed is empty")
    if size < 1 or alternates < 0:
        raise ValueError(f"size {size} and alternates {alternates}")
    if len({candidate.id_number for candidate in pool}) != len(pool):
        raise ValueError("an ID number appears twice among the candidates")
    if any(k < 1 for _, k in quotas) or sum(k for _, k in quotas) > size:
        raise ValueError(f"quotas {quotas!r} for size {size}")
    if len(pool) < size + alternates:
        raise DrawRefused(
            f"候选专家不足：需要 {size} 名成员和 {alternates} 名候补，共 {size + alternates} 人，"
            f"但只有 {len(pool)} 名候选专家。"
        )
    ordered = sorted(
        (Drawn(candidate, candidate_key(seed, candidate.id_number)) for candidate in pool),
        key=lambda drawn: (drawn.key, drawn.id_number),
    )
    seated: set[str] = set()
    members: list[Drawn] = []
    for specialty, count in quotas:
        chosen = [
            drawn
            for drawn in ordered
            if specialty in drawn.candidate.specialties and drawn.id_number not in seated
        ][:count]
        if len(chosen) < count:
            have = sum(specialty in drawn.candidate.specialties for drawn in ordered)
            raise DrawRefused(
                f"专业名额无法满足：「{specialty}」要求 {count} 人，候选专家中该专业共 {have} 人"
                f"，除去先前名额已抽中的，只剩 {len(chosen)} 人。名额不会自动放宽，请调整 --quota。"
            )
        members += chosen
        seated.update(drawn.id_number for drawn in chosen)
    rest = [drawn for drawn in ordered if drawn.id_number not in seated]
    free_seats = size - len(members)
    members += rest[:free_seats]
    return DrawResult(tuple(members), tuple(rest[free_seats : free_seats + alternates]))


def check_size(size: int, minimum: int | None) -> None:
    """Returns if ``size`` is odd and at least ``minimum`` (or 3 when the rules set none);
    raises ``DrawRefused`` otherwise."""
    least = minimum if minimum is not None else 3
    if size % 2 == 0:
        raise DrawRefused(f"执行委员会人数须为单数（以免表决时票数相同），--size {size} 不是单数。")
    if size < least:
        source = "规则文件为该级别设定的" if minimum is not None else ""
        raise DrawRefused(f"执行委员会人数不得少于{source}最低人数 {least} 人，--size {size} 不足。")


def parse_quota(text: str) -> tuple[str, int]:
    """Returns (specialty, count) from ``专业=k``; raises ``ValueError`` with a Chinese reason."""
    specialty, sep, count = text.replace("＝", "=").rpartition("=")
    specialty = specialty.strip()
    if not sep or not specialty:
        raise ValueError(f"「{text}」不是“专业=人数”的形式")
    try:
        number = int(count.strip())
    except ValueError:
        raise ValueError(f"「{text}」中的人数「{count.strip()}」不是整数") from None
    if number < 1:
        raise ValueError(f"「{text}」中的人数须至少为 1")
    return specialty, number


def check_quotas(quotas: Sequence[tuple[str, int]], size: int) -> None:
    """Returns if the quotas can be asked for ``size`` seats; raises ``DrawRefused`` for a
    specialty named twice or quotas that add up to more than ``size``."""
    names = [specialty for specialty, _ in quotas]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise DrawRefused(f"专业名额重复：{'、'.join(twice)}。每个专业只写一次 --quota。")
    total = sum(count for _, count in quotas)
    if total > size:
        raise DrawRefused(f"专业名额合计 {total} 人，超过执行委员会人数 {size} 人。")


# -- who is a candidate ---------------------------------------------------------------------


@dataclass(frozen=True)
class PoolExpert:
    """An expert of the committee's pool as the screening sees them."""

    id_number: str
    name: str
    unit: str
    specialties: tuple[str, ...]
    status: str = "在库"

    def candidate(self) -> Candidate:
        return Candidate(self.id_number, self.name, self.unit, self.specialties)


@dataclass(frozen=True)
class Screening:
    """The candidates, and who was left out and why.

    ``excluded`` maps each reason of ``EXCLUSION_REASONS`` (those that occurred) to the excluded
    experts' ``{"id_number", "name", "detail"}``, in order of ID number; ``suspended`` counts the
    pool's experts marked 暂停, who are not candidates at all.
    """

    candidates: tuple[Candidate, ...]
    excluded: Mapping[str, list[dict[str, str]]] = field(default_factory=dict)
    suspended: int = 0

    @property
    def excluded_counts(self) -> dict[str, int]:
        return {reason: len(items) for reason, items in self.excluded.items()}


def screen(
    pool: Iterable[PoolExpert],
    *,
    review_units: Mapping[str, str],
    applicant_ids: Iterable[str],
    seated_ids: Iterable[str],
    conflicts: Mapping[str, str],
    normalise_unit=lambda unit: "".join(unit.split()),
) -> Screening:
    """Returns the candidates among ``pool`` (the experts of one committee).

    ``review_units`` maps each unit of an applicant under review (normalised) to one applicant's
    masked ID, for the record; ``applicant_ids`` are the year's applicants (any committee);
    ``seated_ids`` the experts already seated that date for another meeting; ``conflicts`` maps
    an expert's ID number to the reason of a listed conflict with an applicant under review.
    """
    applicants = set(applicant_ids)
    seated = set(seated_ids)
    candidates: list[Candidate] = []
    excluded: dict[str, list[dict[str, str]]] = {}
    suspended = 0
    for expert in sorted(pool, key=lambda expert: expert.id_number):
        if expert.status != "在库":
            suspended += 1
            continue
        reason, detail = None, ""
        unit = normalise_unit(expert.unit)
        if expert.id_number in applicants:
            reason = APPLICANT
        elif unit in review_units:
            reason, detail = SAME_UNIT, expert.unit
        elif expert.id_number in conflicts:
            reason, detail = CONFLICT, conflicts[expert.id_number]
        elif expert.id_number in seated:
            reason = ALREADY_SEATED
        if reason is None:
            candidates.append(expert.candidate())
        else:
            excluded.setdefault(reason, []).append(
                {"id_number": expert.id_number, "name": expert.name, "detail": detail}
            )
    ordered = {reason: excluded[reason] for reason in EXCLUSION_REASONS if reason in excluded}
    return Screening(tuple(candidates), ordered, suspended)


def describe_exclusions(counts: Mapping[str, int]) -> str:
    """``"与申报人同单位（回避）3 人，本年度申报人 1 人"``, or ``"无"``."""
    parts = [f"{EXCLUSION_ZH.get(reason, reason)} {count} 人" for reason, count in counts.items() if count]
    return "，".join(parts) or "无"


# -- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredDraw:
    """A draw as kept in the store: its inputs and the result recorded then."""

    number: int
    algorithm: str
    seed: str
    candidate_digest: str
    size: int
    alternates: int
    quotas: tuple[tuple[str, int], ...]
    candidates: tuple[Candidate, ...]
    excluded_ids: frozenset[str]
    members: tuple[tuple[str, str], ...]  # (id_number, key) in order
    alternate_ids: tuple[tuple[str, str], ...]


def verify(stored: StoredDraw) -> list[str]:
    """Recomputes ``stored`` from its inputs. Returns the differences found (Chinese, ID numbers
    masked), or an empty list when the record matches."""
    where = f"第 {stored.number} 次抽取"
    if stored.algorithm != ALGORITHM:
        return [f"{where}：算法「{stored.algorithm}」不是本程序所知的 {ALGORITHM}，无法复核"]
    problems: list[str] = []
    ids = [candidate.id_number for candidate in stored.candidates]
    digest = candidate_digest(ids)
    if digest != stored.candidate_digest:
        problems.append(
            f"{where}：候选名单摘要不符（记录 {stored.candidate_digest}，按候选名单重算为 {digest}）"
        )
    both = sorted(stored.excluded_ids & set(ids))
    if both:
        problems.append(f"{where}：既在候选名单又被排除的专家：{'、'.join(mask_id(i) for i in both)}")
    try:
        result = draw(stored.seed, stored.candidates, stored.size, stored.alternates, stored.quotas)
    except (DrawRefused, ValueError) as error:
        return [*problems, f"{where}：按记录的输入无法重新抽取：{error}"]
    for label, recorded, computed in (
        ("成员", stored.members, result.members),
        ("候补", stored.alternate_ids, result.alternates),
    ):
        again = tuple((drawn.id_number, drawn.key) for drawn in computed)
        if again == recorded:
            continue
        if len(again) != len(recorded):
            problems.append(f"{where}：{label}人数不符（记录 {len(recorded)} 人，重算 {len(again)} 人）")
            continue
        for place, (was, now) in enumerate(zip(recorded, again, strict=True), start=1):
            if was[0] != now[0]:
                problems.append(
                    f"{where}：{label}第 {place} 位不符（记录 {mask_id(was[0])}，重算 {mask_id(now[0])}）"
                )
            elif was[1] != now[1]:
                problems.append(f"{where}：{label}第 {place} 位（{mask_id(was[0])}）的排序码不符")
    return problems


# -- the seats after replacements ---------------------------------------------------------------


def current_members(record: Any, replacements: Sequence[Any]) -> tuple[list[dict], list[dict]]:
    """The members (in seat order) and the alternates left of a draw after its replacements (替补).

    A replacement already reflected in ``record.members`` is not applied twice."""
    members = [dict(member) for member in record.members]
    alternates = [dict(alternate) for alternate in record.alternates]
    for replacement in replacements:
        seated = [member["id_number"] for member in members]
        if replacement.out_id_number not in seated or replacement.in_id_number in seated:
            continue
        incoming = next((a for a in alternates if a["id_number"] == replacement.in_id_number), None)
        if incoming is None:
            incoming = {"id_number": replacement.in_id_number, "name": ""}
        else:
            alternates.remove(incoming)
        members[seated.index(replacement.out_id_number)] = incoming
    return members, alternates


def seated_members(record: Any, replacements: Sequence[Any]) -> list[dict[str, Any]]:
    """The members of a draw after its replacements, in seat order."""
    return current_members(record, replacements)[0]


# -- the committee's size ---------------------------------------------------------------------


def size_band(plan: Any, titles: list[str]) -> str | None:
    """The band that sets the least size: the highest among the titles under review that the
    committee evaluates itself; a title it only recommends (推荐) to a higher committee is judged
    there, so a 中级 committee recommending one 高级 applicant still sits at its 中级 size. When
    every title is a recommendation, the highest band among them."""
    evaluated = [title for title in titles if plan.mode_of(title) == "评审"]
    return highest_band(evaluated or titles)


def highest_band(titles) -> str | None:
    """The highest band (初级 < 中级 < 高级) among ``titles`` whose level is known, or None."""
    bands = {level.band for title in titles if (level := level_of(title)) is not None}
    return max(bands, key=BANDS.index) if bands else None
