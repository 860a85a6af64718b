"""The year's evaluation plan (评审计划, the attachment of 衢市人社专〔2021〕61号), parsed.

Each row of the plan names a committee and, in free text, what it evaluates (评审…) and recommends
to the province (推荐…), its specialties, the scope of applicants by level, its dates and where
materials go. ``parse_plan`` turns the rows into ``Committee`` values; SPEC §3 fixes the reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from qzzc.core.text import split_top_level, squeeze
from qzzc.core.titles import BAND_OF_LEVEL, BANDS, Level, level_of
from qzzc.errors import ConfigError

HEADER = (
    "序号",
    "中评委名称",
    "所评职务任职资格名称",
    "所评专业",
    "申报对象范围",
    "中评委预计评审时间",
    "中评委预计接收材料截止时间",
    "材料接收单位及电话",
)

# Row 1: "…轻纺等专业，以及暂不具备设置中级评审委员会条件的专业" — the committee also takes
# specialties that have no committee of their own.
_OTHER_CLAUSE = "暂不具备设置"
# Row 13: "三级和四级编剧（文学编辑、导演…）" names the base title and its siblings at two levels.
_TWO_GRADES = re.compile(
    r"^(?P<a>[一二三四]级)和(?P<b>[一二三四]级)(?P<base>[^（(]+)[（(](?P<others>.+)[）)]$"
)
# Row 20: "副主任（中）医（药、护、技）师": 医师, 中医师, 药师, 中药师, 护师, 技师. The health series has
# 中医师 and 中药师 but no 中护师 or 中技师, so the (中) variant applies to 医 and 药 only.
_HEALTH = re.compile(r"^(?P<prefix>.*)[（(]中[）)]医[（(](?P<others>.+)[）)]师$")
_SCOPE_PART = re.compile(r"(?P<band>初级|中级|高级)[：:]\s*(?P<scope>\S+)")
# Cells that name one field and then its sub-areas (SPEC §3): row 2 "传统工艺美术 创作、设计、研究、
# 生产制作" and row 5 "水利工程技术开发、规划设计、建设管理、运行管理" are one specialty each, the field,
# with four areas. The attachment marks the form only by meaning, so the fields are named here.
FIELDS_WITH_AREAS = ("传统工艺美术", "水利工程")
# Row 18 "中等职业学校文化课、专业课、实习指导课": three specialties of the teachers of one kind of school,
# which an applicant may write with or without the school.
SPECIALTY_PREFIXES = ("中等职业学校",)


def term_key(text: str) -> str:
    """The one form in which titles and specialties are compared, on both sides (SPEC §3): Unicode
    NFKC (full-width brackets and letters folded) with every space removed, so that
    ``风景园林（景观设计）`` and ``风景园林(景观设计)`` are the same specialty."""
    return squeeze(text)


@dataclass(frozen=True)
class Committee:
    """One evaluation committee (评委会) of the year's plan."""

    seq: int
    name: str
    evaluates: tuple[str, ...]
    recommends: tuple[str, ...]
    specialties: tuple[str, ...]
    other_specialties: bool
    scope: Mapping[str, str]
    review_time: str
    deadline: str
    contact_unit: str
    contact_phone: str
    areas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    specialty_prefix: str = ""
    raw: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def titles(self) -> tuple[str, ...]:
        return self.evaluates + self.recommends

    @property
    def display_name(self) -> str:
        """The name notices call the committee by. Rows 22–24 are named by one word in the
        attachment (会计, 档案, 统计); they are called ``衢州市会计系列高级职称推荐`` and so on, from
        the bands of their titles and whether they evaluate or only recommend."""
        if self.name.endswith(("委员会", "评委会")):
            return self.name
        bands = [band for band in BANDS if band in {_band(title) for title in self.titles}]
        mode = "评审" if self.evaluates else "推荐"
        return f"衢州市{self.name}系列{'、'.join(bands)}职称{mode}"

    @property
    def bands(self) -> tuple[str, ...]:
        """The scope bands (初级, 中级, 高级) of the titles the committee evaluates or recommends."""
        found = {_band(title) for title in self.titles}
        return tuple(band for band in BANDS if band in found)

    @cached_property
    def title_keys(self) -> Mapping[str, str]:
        """``term_key`` of each title → the title as the plan writes it."""
        return {term_key(title): title for title in self.titles}

    @cached_property
    def specialty_keys(self) -> Mapping[str, str]:
        """Every ``term_key`` an applicant's specialty may have → the specialty as the plan writes
        it: the specialty; the specialty without its bracketed part (``风景园林``); a field with each
        of its areas (rows 2, 5, ``水利工程规划设计``); a specialty with its prefix (row 18,
        ``中等职业学校文化课``)."""
        keys: dict[str, str] = {}
        for specialty in self.specialties:
            keys[term_key(specialty)] = specialty
            # 风景园林（景观设计） is also written 风景园林: the form before the brackets names it too.
            base = re.sub(r"[（(][^（）()]*[）)]", "", specialty)
            if base and base != specialty:
                keys.setdefault(term_key(base), specialty)
            for area in self.areas.get(specialty, ()):
                keys[term_key(specialty + area)] = specialty
            if self.specialty_prefix:
                keys[term_key(self.specialty_prefix + specialty)] = specialty
        return keys

    def title_of(self, text: str) -> str | None:
        """Returns the committee's title that ``text`` names (compared by ``term_key``), or None."""
        return self.title_keys.get(term_key(text))

    def specialty_of(self, text: str) -> str | None:
        """Returns the committee's specialty that ``text`` names (see ``specialty_keys``), or None."""
        return self.specialty_keys.get(term_key(text))

    def mode_of(self, title: str) -> str | None:
        """Returns ``"评审"`` if the committee evaluates ``title``, ``"推荐"`` if it only recommends
        it to the province, or None if it does neither (compared by ``term_key``)."""
        found = self.title_of(title)
        if found is None:
            return None
        return "评审" if found in self.evaluates else "推荐"

    def scope_for(self, title: str) -> str | None:
        """Returns the scope (``市本级``, ``全市``, …) for the band of ``title``, or None when the
        title's level is unknown."""
        level = level_of(title)
        return None if level is None else self.scope.get(level.band)

    def as_dict(self) -> dict[str, object]:
        """The committee as SPEC §3's JSON object."""
        return {
            "seq": self.seq,
            "name": self.name,
            "evaluates": list(self.evaluates),
            "recommends": list(self.recommends),
            "specialties": list(self.specialties),
            "other_specialties": self.other_specialties,
            "scope": dict(self.scope),
            "review_time": self.review_time,
            "deadline": self.deadline,
            "contact_unit": self.contact_unit,
            "contact_phone": self.contact_phone,
            "areas": {specialty: list(areas) for specialty, areas in self.areas.items()},
            "specialty_prefix": self.specialty_prefix,
            "display_name": self.display_name,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Committee:
        """Inverse of ``as_dict`` (the store keeps committees in this form)."""
        return cls(
            seq=int(data["seq"]),  # type: ignore[arg-type]
            name=str(data["name"]),
            evaluates=tuple(data["evaluates"]),  # type: ignore[arg-type]
            recommends=tuple(data["recommends"]),  # type: ignore[arg-type]
            specialties=tuple(data["specialties"]),  # type: ignore[arg-type]
            other_specialties=bool(data["other_specialties"]),
            scope=dict(data["scope"]),  # type: ignore[arg-type]
            review_time=str(data["review_time"]),
            deadline=str(data["deadline"]),
            contact_unit=str(data["contact_unit"]),
            contact_phone=str(data["contact_phone"]),
            areas={k: tuple(v) for k, v in dict(data.get("areas") or {}).items()},  # type: ignore[union-attr]
            specialty_prefix=str(data.get("specialty_prefix") or ""),
        )


def _band(title: str) -> str | None:
    level = level_of(title)
    return None if level is None else BAND_OF_LEVEL[level]


def expand_titles(text: str) -> list[str]:
    """Returns the titles one clause names, with the plan's compact forms expanded.

    ``"工程师、助理工程师"`` → two titles; row 13's ``"三级和四级编剧（文学编辑、导演）"`` → 三级编剧,
    三级文学编辑, 三级导演, 四级编剧, …; row 20's ``"主任（中）医（药、护、技）师"`` → the six 主任 titles.
    """
    titles: list[str] = []
    for part in split_top_level(text, "、"):
        if match := _TWO_GRADES.match(part):
            names = [match["base"], *split_top_level(match["others"], "、，,")]
            titles += [grade + name for grade in (match["a"], match["b"]) for name in names]
        elif match := _HEALTH.match(part):
            prefix = match["prefix"]
            titles += [prefix + "医师", prefix + "中医师"]
            for kind in split_top_level(match["others"], "、，,"):
                titles.append(prefix + kind + "师")
                if kind == "药":
                    titles.append(prefix + "中药师")
        else:
            titles.append(part)
    return titles


def parse_titles(text: str) -> tuple[list[str], list[str]]:
    """Returns (evaluated, recommended) titles from the 所评职务任职资格名称 column.

    The text is clauses separated by ``，``, each starting with 评审 or 推荐
    (``"评审工程师、助理工程师，推荐高级工程师、正高级工程师"``). Raises ``ValueError`` for a clause
    that starts with neither.
    """
    evaluates: list[str] = []
    recommends: list[str] = []
    for clause in split_top_level(text, "，,"):
        if clause.startswith("评审"):
            evaluates += expand_titles(clause.removeprefix("评审"))
        elif clause.startswith("推荐"):
            recommends += expand_titles(clause.removeprefix("推荐"))
        else:
            raise ValueError(f"「{clause}」既不以“评审”也不以“推荐”开头")
    return evaluates, recommends


def parse_specialties(text: str) -> tuple[list[str], bool]:
    """Returns (specialties, takes_other_specialties) from the 所评专业 column (split on 、).

    Row 1's closing clause ``以及暂不具备设置中级评审委员会条件的专业`` sets the flag, and its
    ``…轻纺等专业`` ends in ``轻纺``. A cell naming a field and its areas gives the field alone
    (``parse_specialty_cell`` gives the areas too).
    """
    specialties, other, _, _ = parse_specialty_cell(text)
    return specialties, other


def parse_specialty_cell(text: str) -> tuple[list[str], bool, dict[str, tuple[str, ...]], str]:
    """Returns (specialties, takes_other_specialties, areas by specialty, prefix) of a 所评专业 cell.

    ``"水利工程技术开发、规划设计、建设管理、运行管理"`` → ``["水利工程"]`` with the areas 技术开发,
    规划设计, 建设管理, 运行管理; ``"中等职业学校文化课、专业课、实习指导课"`` → ``["文化课", "专业课",
    "实习指导课"]`` with the prefix 中等职业学校 (SPEC §3).
    """
    other = False
    specialties: list[str] = []
    areas: dict[str, tuple[str, ...]] = {}
    prefix = ""
    for clause in split_top_level(text, "，,"):
        if _OTHER_CLAUSE in clause:
            other = True
            continue
        items = [item.removesuffix("等专业") for item in split_top_level(clause, "、")]
        # Row 2's "传统工艺美术 创作" carries a line break of the printed table as a space.
        items = [re.sub(r"\s+", "", item) for item in items]
        head = items[0] if items else ""
        field_name = next((f for f in FIELDS_WITH_AREAS if head.startswith(f) and head != f), None)
        school = next((p for p in SPECIALTY_PREFIXES if head.startswith(p) and head != p), None)
        if field_name is not None:
            specialties.append(field_name)
            areas[field_name] = (head.removeprefix(field_name), *items[1:])
        elif school is not None:
            prefix = school
            specialties += [head.removeprefix(school), *items[1:]]
        else:
            specialties += items
    return specialties, other, areas, prefix


def parse_scope(text: str) -> dict[str, str]:
    """Returns the scope by band (初级, 中级, 高级) from the 申报对象范围 column.

    ``"初级：市本级 中级：全市 高级：全市"`` gives each band its own; a single phrase such as ``全市``
    or ``本单位`` applies to every band. Raises ``ValueError`` on an empty text.
    """
    text = text.strip()
    if not text:
        raise ValueError("申报对象范围为空")
    parts = {m["band"]: m["scope"] for m in _SCOPE_PART.finditer(text)}
    if not parts:
        return dict.fromkeys(BANDS, text)
    return parts


def parse_contact(text: str) -> tuple[str, str]:
    """Returns (unit, phone) from ``"市经信局 8758639"``; the phone is the last word of digits."""
    match = re.match(r"^(?P<unit>.*?)\s*(?P<phone>[\d\-、]+)$", text.strip())
    if not match or not match["unit"]:
        raise ValueError(f"「{text}」不是“单位 电话”的形式")
    return match["unit"], match["phone"]


def parse_committee(row: Mapping[str, str]) -> Committee:
    """Returns one committee from a plan row (header → cell). Raises ``ValueError`` naming the column."""

    def cell(column: str) -> str:
        return (row.get(column) or "").strip()

    try:
        seq = int(cell("序号"))
    except ValueError:
        raise ValueError(f"序号「{cell('序号')}」不是整数") from None
    if not cell("中评委名称"):
        raise ValueError("中评委名称为空")
    try:
        evaluates, recommends = parse_titles(cell("所评职务任职资格名称"))
    except ValueError as error:
        raise ValueError(f"所评职务任职资格名称：{error}") from None
    if not evaluates and not recommends:
        raise ValueError("所评职务任职资格名称为空")
    specialties, other, areas, prefix = parse_specialty_cell(cell("所评专业"))
    if not specialties:
        raise ValueError("所评专业为空")
    try:
        scope = parse_scope(cell("申报对象范围"))
        unit, phone = parse_contact(cell("材料接收单位及电话"))
    except ValueError as error:
        raise ValueError(str(error)) from None
    return Committee(
        seq=seq,
        name=cell("中评委名称"),
        evaluates=tuple(evaluates),
        recommends=tuple(recommends),
        specialties=tuple(specialties),
        other_specialties=other,
        scope=scope,
        review_time=cell("中评委预计评审时间"),
        deadline=cell("中评委预计接收材料截止时间"),
        contact_unit=unit,
        contact_phone=phone,
        areas=areas,
        specialty_prefix=prefix,
        raw={column: cell(column) for column in HEADER},
    )


def parse_plan(
    header: Iterable[str], rows: Iterable[Mapping[str, str]], source: str = "计划表"
) -> list[Committee]:
    """Returns the committees of a plan, in order of 序号.

    Raises ``ConfigError`` listing every bad row (by its line in the file, the header being line 1),
    a header that is not the attachment's own, duplicate 序号, or a title whose level is unknown.
    """
    header = [column.strip().lstrip("\ufeff") for column in header]
    missing = [column for column in HEADER if column not in header]
    if missing:
        raise ConfigError(f"{source} 缺少列：{'、'.join(missing)}（应为附件原表头：{','.join(HEADER)}）")
    problems: list[str] = []
    committees: list[Committee] = []
    seen: set[int] = set()
    for line, row in enumerate(rows, start=2):
        if not any((value or "").strip() for value in row.values()):
            continue
        try:
            committee = parse_committee(row)
        except ValueError as error:
            problems.append(f"第 {line} 行：{error}")
            continue
        if committee.seq in seen:
            problems.append(f"第 {line} 行：序号 {committee.seq} 重复")
        seen.add(committee.seq)
        unknown = [title for title in committee.titles if level_of(title) is None]
        if unknown:
            problems.append(f"第 {line} 行：不认识的职称（无法确定级别）：{'、'.join(unknown)}")
        committees.append(committee)
    if not committees and not problems:
        problems.append("没有任何评委会")
    if problems:
        raise ConfigError(f"{source} 有误：\n  " + "\n  ".join(problems))
    return sorted(committees, key=lambda committee: committee.seq)


__all__ = [
    "HEADER",
    "Committee",
    "Level",
    "expand_titles",
    "parse_committee",
    "parse_plan",
    "parse_titles",
    "specialty_owners",
    "term_key",
]


def specialty_owners(committees: Iterable[Committee]) -> dict[str, tuple[int, ...]]:
    """Every ``term_key`` a specialty may be written in → the committees (序号) that take it."""
    owners: dict[str, tuple[int, ...]] = {}
    for committee in committees:
        for key in committee.specialty_keys:
            owners[key] = (*owners.get(key, ()), committee.seq)
    return owners
