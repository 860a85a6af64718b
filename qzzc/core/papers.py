"""The meeting papers (会议材料, SPEC §12): internal documents for the evaluation meeting.

One context dataclass per paper, as plain values; the services build them from the store. What
each paper may show of people, decided here once:

- 专家抽取记录 (draw record): experts by name and unit, with their ID numbers masked
  (``330802********123X``) — the record must say who was drawn, and the mask lets the office match
  a line to its pool without printing the number; the full numbers are only in the JSON export
  (internal, like ``draw-experts --verify --json``), which the recompute program reads.
- 签到表 (sign-in): the experts' names and units, no ID numbers.
- 表决票 (ballot): the applicants' names, units, titles and specialties; no expert at all (无记名)
  and no copy number, so that no ballot can be traced to the expert who was handed it.
- 计票表 (tally sheet): the applicants as on the ballot; no expert.

Nothing here reads the clock, the store or files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qzzc.core.draw import Candidate, StoredDraw
from qzzc.core.notices import Office, chinese_date
from qzzc.core.tally import needed_attending, needed_yes_votes
from qzzc.errors import QzzcError

# The program printed in the draw record, run by anyone who has the record's JSON export. It
# restates core.draw.draw in a dozen lines of the standard library; a test runs it as printed.
PROGRAM_FIRST = "# 专家抽取复核程序（算法 qzzc-draw-1）。用法：python3 复核.py 抽取记录.json"
PROGRAM_LAST = "# 程序结束"
PROGRAM = f"""{PROGRAM_FIRST}
import hashlib, json, sys

record = json.load(open(sys.argv[1], encoding="utf-8"))
seed = record["seed"]


def key(id_number):
    return hashlib.sha256(seed.encode("utf-8") + b"\\n" + id_number.encode("utf-8")).hexdigest()


ids = sorted(c["id_number"] for c in record["candidates"])
print("候选名单摘要", hashlib.sha256("\\n".join(ids).encode("utf-8")).hexdigest())
order = sorted(record["candidates"], key=lambda c: (key(c["id_number"]), c["id_number"]))
members = []
for specialty, count in record["quotas"]:
    members += [c for c in order if specialty in c["specialties"] and c not in members][:count]
rest = [c for c in order if c not in members]
free = record["size"] - len(members)
members += rest[:free]
for place, c in enumerate(members, 1):
    print("成员", place, key(c["id_number"]))
for place, c in enumerate(rest[free : free + record["alternates_count"]], 1):
    print("候补", place, key(c["id_number"]))
{PROGRAM_LAST}
"""

ALGORITHM_STEPS = (
    "候选专家：本评委会专家库中状态为“在库”的专家，除去下列“排除情况”所列人员。",
    "候选名单摘要：将全部候选专家的身份证号按升序排列，以换行符连接，计算其 SHA-256 值（十六进制）。"
    "摘要在抽取前即已确定，候选名单事后有任何改动，摘要都会不同。",
    "排序码：对每位候选专家，计算“随机种子（UTF-8）+ 换行符 + 身份证号（UTF-8）”的 SHA-256 值（十六进制），"
    "即该专家的排序码。",
    "排序：全部候选专家按排序码从小到大排列。",
    "专业名额：如有专业名额，按给出的顺序，依次从尚未入选的该专业候选专家中取排序码最小者补足名额。",
    "其余席位：从尚未入选的候选专家中按排序码从小到大补足执行委员会人数；其后的专家依次为候补专家。",
    "抽取结果只取决于随机种子和候选名单，与名单的行序无关；任何人用下面的程序和本次抽取的 JSON 导出"
    "（抽取记录.json）都可以重新算出同样的结果。",
)


@dataclass(frozen=True)
class PaperExpert:
    """An expert on a paper: place in order, name, unit, masked ID number and key."""

    number: int
    name: str
    unit: str
    masked_id: str = ""
    key: str = ""
    specialties: str = ""

    @property
    def short_key(self) -> str:
        """The first 16 hex digits of the key, as the tables print it."""
        return self.key[:16]


@dataclass(frozen=True)
class DrawEvent:
    """One draw of the meeting as the record tells it (first draw, redraws)."""

    number: int
    at: str
    operator: str
    active: bool
    seed: str
    seed_source: str
    candidate_digest: str
    candidates: int
    reason: str


@dataclass(frozen=True)
class ReplacementEvent:
    """A member who could not attend and the alternate who took the seat (替补)."""

    number: int
    at: str
    out_name: str
    in_name: str
    reason: str


@dataclass(frozen=True)
class DrawRecordContext:
    """专家抽取记录: every input of the draw in force, its result, its history, and how to recompute it."""

    office: Office
    meeting_id: int
    meeting_date: dt.date
    place: str
    draw_number: int
    drawn_at: str
    operator: str
    algorithm: str
    seed: str
    seed_source: str
    candidate_digest: str
    candidates: int
    size: int
    alternates_count: int
    quotas: tuple[str, ...]
    exclusions: tuple[tuple[str, int], ...]
    members: tuple[PaperExpert, ...]
    alternates: tuple[PaperExpert, ...]
    draws: tuple[DrawEvent, ...]
    replacements: tuple[ReplacementEvent, ...]
    steps: tuple[str, ...] = ALGORITHM_STEPS
    program: str = PROGRAM

    @property
    def meeting_date_text(self) -> str:
        return chinese_date(self.meeting_date)

    @property
    def excluded_total(self) -> int:
        return sum(count for _, count in self.exclusions)

    @property
    def program_lines(self) -> tuple[str, ...]:
        return tuple(self.program.rstrip("\n").split("\n"))


@dataclass(frozen=True)
class SignInContext:
    """签到表: the members in seat order, then the alternates left in the order they step in."""

    office: Office
    meeting_id: int
    meeting_date: dt.date
    place: str
    members: tuple[PaperExpert, ...]
    alternates: tuple[PaperExpert, ...]

    @property
    def meeting_date_text(self) -> str:
        return chinese_date(self.meeting_date)


@dataclass(frozen=True)
class PaperApplicant:
    """An applicant under review as the ballot and the tally sheet show them (no ID number)."""

    number: int
    name: str
    unit: str
    title: str
    specialty: str
    mode: str  # 评审 or 推荐


@dataclass(frozen=True)
class BallotContext:
    """表决票: one ballot per member (``copies``), each listing every applicant under review."""

    office: Office
    meeting_id: int
    meeting_date: dt.date
    applicants: tuple[PaperApplicant, ...]
    copies: int

    @property
    def meeting_date_text(self) -> str:
        return chinese_date(self.meeting_date)

    @property
    def sheets(self) -> tuple[int, ...]:
        """The copies to print, numbered from 1 (at least one): templates run sandboxed, without
        Jinja's ``range``."""
        return tuple(range(1, max(self.copies, 1) + 1))


@dataclass(frozen=True)
class Threshold:
    """With ``attending`` experts present, ``needed`` yes votes pass (⌈2A/3⌉)."""

    attending: int
    needed: int


@dataclass(frozen=True)
class TallySheetContext:
    """计票表: room to count each applicant's votes, and the yes votes needed for each attendance."""

    office: Office
    meeting_id: int
    meeting_date: dt.date
    members: int
    applicants: tuple[PaperApplicant, ...]
    thresholds: tuple[Threshold, ...] = field(default_factory=tuple)

    @property
    def meeting_date_text(self) -> str:
        return chinese_date(self.meeting_date)

    @property
    def quorum(self) -> int:
        return needed_attending(self.members)


def thresholds(members: int) -> tuple[Threshold, ...]:
    """The needed yes votes for every attendance from the quorum (⌈2N/3⌉) to all ``members``."""
    return tuple(Threshold(a, needed_yes_votes(a)) for a in range(needed_attending(members), members + 1))


def beijing_time(text: str) -> str:
    """An ISO 8601 time as a clerk reads it, in Beijing time without seconds: ``2021年9月20日 09:00``;
    a text that is no ISO time is returned as it is."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone(dt.timedelta(hours=8)))
    return f"{chinese_date(moment.date())} {moment:%H:%M}"


def seed_source(given: bool | None) -> str:
    """Where the seed came from, in words."""
    if given is None:
        return "未记录"
    return "由经办人给出（--seed）" if given else "由系统随机生成（32 字节随机数，十六进制）"


def export(
    *,
    meeting_id: int,
    committee: int,
    meeting_date: dt.date,
    draw_number: int,
    algorithm: str,
    seed: str,
    candidate_digest: str,
    size: int,
    alternates: int,
    quotas: list[list[object]],
    candidates: list[dict[str, object]],
    members: list[dict[str, object]],
    alternate_list: list[dict[str, object]],
) -> dict[str, object]:
    """The draw record's JSON export (internal: full ID numbers), which ``draw-experts --verify
    --from`` and the printed program read. Members and alternates are those drawn, in order
    (before any replacement: a replacement changes who sits, not what was drawn)."""

    def person(item: dict[str, object]) -> dict[str, object]:
        return {
            "id_number": item.get("id_number"),
            "name": item.get("name"),
            "unit": item.get("unit"),
            "key": item.get("key"),
        }

    return {
        "format": "qzzc-draw-record-1",
        "meeting": meeting_id,
        "committee": committee,
        "date": meeting_date.isoformat(),
        "draw": draw_number,
        "algorithm": algorithm,
        "seed": seed,
        "candidate_digest": candidate_digest,
        "size": size,
        "alternates_count": alternates,
        "quotas": [[str(s), int(k)] for s, k in quotas],  # type: ignore[call-overload]
        "candidates": sorted(
            (
                {"id_number": str(c.get("id_number")), "specialties": list(c.get("specialties") or ())}  # type: ignore[call-overload]
                for c in candidates
            ),
            key=lambda c: c["id_number"],
        ),
        "members": [person(m) for m in members],
        "alternates": [person(a) for a in alternate_list],
    }


def stored_from_export(data: object) -> StoredDraw:
    """The exported draw record as the core's ``StoredDraw``, for ``verify``. Raises ``QzzcError``
    (Chinese, naming the key) for a file that is not a draw record's export."""
    if not isinstance(data, dict) or data.get("format") != "qzzc-draw-record-1":
        raise QzzcError(
            "该文件不是 qzzc 导出的专家抽取记录（应为 qzzc notice draw-record --out 抽取记录.json 生成的文件）"
        )

    def need(name: str, kind: type | tuple[type, ...]):
        value = data.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise QzzcError(f"抽取记录文件中「{name}」缺失或格式不对")
        return value

    try:
        people = {
            name: tuple((str(p["id_number"]), str(p["key"])) for p in need(name, list))
            for name in ("members", "alternates")
        }
        candidates = tuple(
            Candidate(str(c["id_number"]), "", "", tuple(str(s) for s in c.get("specialties") or ()))
            for c in need("candidates", list)
        )
        quotas = tuple((str(s), int(k)) for s, k in need("quotas", list))
    except (KeyError, TypeError, ValueError):
        raise QzzcError("抽取记录文件中的名单格式不对（members、alternates、candidates、quotas）") from None
    return StoredDraw(
        number=need("draw", int),
        algorithm=need("algorithm", str),
        seed=need("seed", str),
        candidate_digest=need("candidate_digest", str),
        size=need("size", int),
        alternates=need("alternates_count", int),
        quotas=quotas,
        candidates=candidates,
        excluded_ids=frozenset(),
        members=people["members"],
        alternate_ids=people["alternates"],
    )
