"""The eligibility rules (资格审查, SPEC §5), one small function per rule code.

Each rule takes an applicant's facts and the context of the check (the committee, the year's
thresholds, the calendar) and returns what it found: ``Reason`` values when the applicant breaks
it, ``Note`` values when the rule could not be applied (no threshold in the rules file), or an
empty tuple. A rule never decides the verdict itself: ``qzzc.core.eligibility.evaluate`` does, from
the verdict each code carries (``RULE_VERDICT``).

Every threshold and list comes from the rules file (``data/rules2021.toml``); ``thresholds_from``
reads and checks it, naming the key and the reason of anything wrong. Where the notice is silent
the docstring of the rule says what was chosen.

Yes/no columns left blank: 派驻市外 and 学术造假 blank are read as 否 (the columns record an
exception), and 现职称 blank as "no title yet"; every other field a rule needs that is blank gives
``data.missing`` (需人工核实).

A code carries one verdict (``RULE_VERDICT``), except where the notice makes one rule decide two
ways: ``post.ratio`` (岗位结构比例内 = 否 is 不合格, blank 需人工核实) and ``title.sequence`` (破格 and
越级 go to the committee: 需人工核实). Such a ``Reason`` says its own ``verdict``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qzzc.core.plan import Committee, term_key
from qzzc.core.titles import BAND_OF_LEVEL, BANDS, LEVEL_OF_TITLE, Level, level_of
from qzzc.core.workdays import Calendar
from qzzc.errors import ConfigError

INELIGIBLE = "ineligible"
REVIEW = "review"
ELIGIBLE = "eligible"

# Rule code → the verdict when it is broken (SPEC §5), in the order the notice gives them.
RULE_VERDICT: dict[str, str] = {
    "committee.title": INELIGIBLE,
    "committee.specialty": INELIGIBLE,
    "committee.scope": INELIGIBLE,
    "direct.track": INELIGIBLE,
    "affiliation.unit": INELIGIBLE,
    "affiliation.entrust": INELIGIBLE,
    "affiliation.dispatch": INELIGIBLE,
    "title.sequence": INELIGIBLE,
    "title.years": INELIGIBLE,
    "cpd.public": INELIGIBLE,
    "cpd.professional": INELIGIBLE,
    "initial.exam_series": INELIGIBLE,
    "initial.level": INELIGIBLE,
    "initial.years": INELIGIBLE,
    "initial.hours": INELIGIBLE,
    "post.ratio": REVIEW,  # 岗位结构比例内 = 否: INELIGIBLE, on the reason
    "publicity.unit": INELIGIBLE,
    "integrity.veto": INELIGIBLE,
    "performance.assessment": INELIGIBLE,
    "data.missing": REVIEW,
}

# What each rule checks, for summaries.
RULE_TITLE: dict[str, str] = {
    "committee.title": "评委会所评资格",
    "committee.specialty": "评委会所评专业",
    "committee.scope": "申报对象范围",
    "direct.track": "评审直通车",
    "affiliation.unit": "人事隶属关系",
    "affiliation.entrust": "委托评审函",
    "affiliation.dispatch": "派驻市外核准",
    "title.sequence": "逐级申报（资历）",
    "title.years": "任现职年限（资历）",
    "cpd.public": "公需科目学时",
    "cpd.professional": "专业科目学时",
    "initial.exam_series": "考试系列不初定",
    "initial.level": "初定级别",
    "initial.years": "初定工作年限",
    "initial.hours": "初定继续教育学时",
    "post.ratio": "岗位结构比例",
    "publicity.unit": "单位公示",
    "integrity.veto": "学术造假一票否决",
    "performance.assessment": "年度考核",
    "data.missing": "数据缺失",
}

# 所在地区 values within Quzhou (SPEC §4); 市外 is outside.
QUZHOU_REGIONS = frozenset({"市本级", "柯城区", "衢江区", "江山市", "常山县", "开化县", "龙游县"})
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


# -- the rules file --------------------------------------------------------------------------


def qualifies(
    education: str | None, degrees: frozenset[str], rank: int, degree: str | None, order: tuple[str, ...]
) -> bool:
    """Whether an applicant of 学历 ``rank`` (in ``order``) and 学位 ``degree`` meets a row asking
    for ``education`` or higher, or one of ``degrees``; a row asking neither is met by all."""
    if education is None and not degrees:
        return True
    if education is not None and rank >= order.index(education):
        return True
    return degree is not None and degree in degrees


def describe_qualification(education: str | None, degrees: frozenset[str]) -> str:
    """``本科及以上学历或硕士学位``; ``各学历`` for a row that asks neither."""
    parts = []
    if education is not None:
        parts.append(f"{education}及以上学历")
    if degrees:
        parts.append("、".join(sorted(degrees)) + "学位")
    return "或".join(parts) or "各学历"


@dataclass(frozen=True)
class InitialRow:
    """One row of the 初定 table: who it applies to, the years of work needed, the level given."""

    level: Level
    years: int
    hours_years: int
    education: str | None
    degrees: frozenset[str]
    source: str

    def applies(self, education_rank: int, degree: str | None, order: tuple[str, ...]) -> bool:
        return qualifies(self.education, self.degrees, education_rank, degree, order)

    def describe(self) -> str:
        return describe_qualification(self.education, self.degrees)


@dataclass(frozen=True)
class TitleYearsRow:
    """One row of the 资历 table: years since the 现职称 needed to apply for ``level``, for a 学历
    of ``education`` or higher or a 学位 in ``degrees``, in the title series ``series`` (all when
    empty)."""

    level: Level
    years: int
    education: str | None
    degrees: frozenset[str]
    series: frozenset[str]
    source: str

    def applies(
        self, education_rank: int, degree: str | None, series: str | None, order: tuple[str, ...]
    ) -> bool:
        if self.series and series not in self.series:
            return False
        return qualifies(self.education, self.degrees, education_rank, degree, order)

    def describe(self) -> str:
        return describe_qualification(self.education, self.degrees)


@dataclass(frozen=True)
class SeniorHours:
    """高级 continuing-education thresholds of one committee (the province's requirement)."""

    public: float | None
    professional: float | None


@dataclass(frozen=True)
class EligibilityRules:
    """Every threshold and list the rules use, read from the year's rules file."""

    publicity_days: int
    education_order: tuple[str, ...]
    cpd_bands: frozenset[str]
    cpd_period: str
    public_hours: float
    public_hours_degree_junior: float
    degree_education: str
    professional: Mapping[int, Mapping[str, float]]
    senior: Mapping[int, SeniorHours]
    initial_hours_per_year: float
    initial_public_per_year: float
    initial_professional_per_year: float
    exam_series: frozenset[str]
    initial_table: tuple[InitialRow, ...]
    series_committees: Mapping[int, str]
    series_specialties: Mapping[str, str]
    own_units: Mapping[int, frozenset[str]]
    self_evaluating_units: frozenset[str]
    entrust_required: frozenset[str]
    failing_assessments: frozenset[str]
    series_keywords: tuple[tuple[str, str], ...] = ()  # (word, series), longest word first
    title_years: tuple[TitleYearsRow, ...] = ()
    title_years_until: dt.date = dt.date(2021, 12, 31)
    direct_series: frozenset[str] = frozenset({"工程"})

    def series_of_specialty(self, specialty: str) -> str | None:
        """The title series of a specialty: ``series.specialties`` for the specialty itself
        (compared by ``term_key``), else ``series.keywords`` for a word it contains, the longest
        first (``会计学`` and ``财务会计`` contain 会计; ``护理学`` contains 护理)."""
        key = term_key(specialty)
        found = self.series_specialties.get(key)
        if found is not None:
            return found
        return next((series for word, series in self.series_keywords if word in key), None)

    def series_of(self, seq: int, specialty: str, own: bool = False) -> str | None:
        """The title series of an application: ``series.specialties`` for its specialty; else, for
        one of the committee's own specialties (``own``), the committee's series (committee 9's
        经济学 is 党校教师, not 经济); else a keyword's series; else the committee's."""
        listed = self.series_specialties.get(term_key(specialty))
        if listed is not None:
            return listed
        if not own:
            found = self.series_of_specialty(specialty)
            if found is not None:
                return found
        return self.series_committees.get(seq)

    def education_rank(self, education: str) -> int:
        """Returns the rank of a 学历 in the file's order, or -1 when it is not listed."""
        try:
            return self.education_order.index(education)
        except ValueError:
            return -1


# Bounds of the rules file's figures (SPEC §5): a file outside them is refused by ``qzzc init``.
MAX_HOURS = 10_000
MAX_YEARS = 50
WORKING_DAYS = (1, 30)
COMMITTEE_SIZE = (3, 51)


class _Reader:
    """Reads typed values out of the parsed TOML, raising ``ConfigError`` with the key's path."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self.data = data
        self.source = source

    def fail(self, path: str, expected: str, value: Any) -> ConfigError:
        return ConfigError(f"{self.source}：键 {path} 应为{expected}，现为 {value!r}")

    def get(self, path: str, default: Any = ...) -> Any:
        node: Any = self.data
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                if default is ...:
                    raise ConfigError(f"{self.source}：缺少键 {path}")
                return default
            node = node[part]
        return node

    def table(self, path: str) -> Mapping[str, Any]:
        value = self.get(path, {})
        if not isinstance(value, Mapping):
            raise self.fail(path, "表（[…]）", value)
        return value

    def number(self, path: str, value: Any = ..., *, minimum: float = 0, maximum: float = MAX_HOURS) -> float:
        """A finite number within [minimum, maximum]: ``nan``, ``inf`` and absurd figures are refused."""
        value = self.get(path) if value is ... else value
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not minimum <= value <= maximum
        ):
            raise self.fail(path, f" {minimum:g} 至 {maximum:g} 之间的数", value)
        return float(value)

    def integer(self, path: str, value: Any = ..., *, minimum: int = 0, maximum: int = MAX_YEARS) -> int:
        value = self.get(path) if value is ... else value
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise self.fail(path, f" {minimum} 至 {maximum} 之间的整数", value)
        return value

    def date(self, path: str, default: dt.date) -> dt.date:
        value = self.get(path, default)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise self.fail(path, "日期（如 2021-12-31，不加引号）", value)
        return value

    def text(self, path: str, value: Any = ...) -> str:
        value = self.get(path) if value is ... else value
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "非空文字", value)
        return value.strip()

    def texts(self, path: str, value: Any = ..., *, allow_empty: bool = True) -> tuple[str, ...]:
        value = self.get(path, []) if value is ... else value
        if not isinstance(value, list) or any(
            not isinstance(item, str) or not item.strip() for item in value
        ):
            raise self.fail(path, '文字列表（["…", "…"]）', value)
        if not value and not allow_empty:
            raise self.fail(path, "非空的文字列表", value)
        return tuple(item.strip() for item in value)

    def seq(self, path: str, key: str) -> int:
        if not key.isdigit() or int(key) < 1:
            raise ConfigError(f'{self.source}：键 {path}.{key} 应以评委会序号为键（如 "3"）')
        return int(key)

    def choice(self, path: str, value: Any, choices: Iterable[str]) -> str:
        choices = tuple(choices)
        if value not in choices:
            raise self.fail(path, "、".join(choices) + " 之一", value)
        return value


def thresholds_from(data: Mapping[str, Any], source: str = "规则文件") -> EligibilityRules:
    """Returns the eligibility thresholds of a parsed rules file.

    Raises ``ConfigError`` naming the first bad key and why: a missing key, a wrong type, a
    negative number, an unknown band, level or 学历, a committee key that is not a 序号.
    """
    r = _Reader(data, source)
    order = r.texts("education.order", allow_empty=False)
    if len(set(order)) != len(order):
        raise r.fail("education.order", "不重复的学历列表", list(order))
    bands = r.texts("cpd.bands", allow_empty=False)
    for band in bands:
        r.choice("cpd.bands", band, BANDS)

    professional: dict[int, dict[str, float]] = {}
    for key, value in r.table("cpd.professional").items():
        seq = r.seq("cpd.professional", key)
        path = f"cpd.professional.{key}"
        if isinstance(value, Mapping):
            professional[seq] = {
                r.choice(f"{path} 的键", band, bands): r.number(f"{path}.{band}", hours)
                for band, hours in value.items()
            }
        else:
            professional[seq] = dict.fromkeys(bands, r.number(path, value))

    senior: dict[int, SeniorHours] = {}
    for key, value in r.table("cpd.senior").items():
        seq = r.seq("cpd.senior", key)
        path = f"cpd.senior.{key}"
        if not isinstance(value, Mapping) or not value or set(value) - {"public", "professional"}:
            raise r.fail(path, "{ public = 学时, professional = 学时 }", value)
        senior[seq] = SeniorHours(
            public=r.number(f"{path}.public", value["public"]) if "public" in value else None,
            professional=(
                r.number(f"{path}.professional", value["professional"]) if "professional" in value else None
            ),
        )

    table = r.get("initial.table")
    if not isinstance(table, list) or not table:
        raise r.fail("initial.table", "非空的表数组（[[initial.table]]）", table)
    rows = []
    for index, row in enumerate(table, start=1):
        path = f"initial.table 第 {index} 行"
        if not isinstance(row, Mapping):
            raise r.fail(path, "表", row)
        education = row.get("education")
        if education is not None:
            r.choice(f"{path} 的 education", education, order)
        degrees = frozenset(r.texts(f"{path} 的 degrees", row.get("degrees", [])))
        if education is None and not degrees:
            raise ConfigError(f"{source}：键 {path} 须有 education（学历）或 degrees（学位）")
        level = r.choice(f"{path} 的 level", row.get("level"), (level.value for level in Level))
        years = r.integer(f"{path} 的 years", row.get("years"))
        rows.append(
            InitialRow(
                level=Level(level),
                years=years,
                hours_years=r.integer(f"{path} 的 hours_years", row.get("hours_years", years)),
                education=education,
                degrees=degrees,
                source=r.text(f"{path} 的 source", row.get("source")),
            )
        )

    own_units = {
        r.seq("scope.own_units", key): frozenset(
            normalise_unit(unit) for unit in r.texts(f"scope.own_units.{key}", value, allow_empty=False)
        )
        for key, value in r.table("scope.own_units").items()
    }
    return EligibilityRules(
        publicity_days=r.integer("publicity.working_days", minimum=WORKING_DAYS[0], maximum=WORKING_DAYS[1]),
        education_order=order,
        cpd_bands=frozenset(bands),
        cpd_period=r.text("cpd.period"),
        public_hours=r.number("cpd.public_hours"),
        public_hours_degree_junior=r.number("cpd.public_hours_degree_junior"),
        degree_education=r.choice("cpd.degree_education", r.get("cpd.degree_education"), order),
        professional=professional,
        senior=senior,
        initial_hours_per_year=r.number("initial.hours_per_year"),
        initial_public_per_year=r.number("initial.public_per_year"),
        initial_professional_per_year=r.number("initial.professional_per_year"),
        exam_series=frozenset(r.texts("initial.exam_series")),
        initial_table=tuple(rows),
        series_committees={
            r.seq("series.committees", key): r.text(f"series.committees.{key}", value)
            for key, value in r.table("series.committees").items()
        },
        series_specialties={
            term_key(key): r.text(f"series.specialties.{key}", value)
            for key, value in r.table("series.specialties").items()
        },
        series_keywords=tuple(
            sorted(
                (
                    (term_key(word), r.text(f"series.keywords.{word}", value))
                    for word, value in r.table("series.keywords").items()
                ),
                key=lambda item: (-len(item[0]), item[0]),
            )
        ),
        own_units=own_units,
        self_evaluating_units=frozenset(
            normalise_unit(unit) for unit in r.texts("scope.self_evaluating_units")
        ),
        entrust_required=frozenset(r.texts("affiliation.entrust_required")),
        failing_assessments=frozenset(r.texts("assessment.failing")),
        title_years=_title_years(r, order),
        title_years_until=_years_until(r),
        direct_series=frozenset(r.texts("direct.series", r.get("direct.series", ["工程"]))),
    )


def _years_until(r: _Reader) -> dt.date:
    """``title.years_until``: a day of the evaluation year (资历 is counted within that year)."""
    year = int(r.get("year", 2021))
    until = r.date("title.years_until", dt.date(year, 12, 31))
    if until.year != year:
        raise r.fail("title.years_until", f" {year} 年内的日期", until.isoformat())
    return until


def _title_years(r: _Reader, order: tuple[str, ...]) -> tuple[TitleYearsRow, ...]:
    """The ``[[title.years]]`` rows (资历), checked: a level, a 学历 in the order or 学位, whole years."""
    table = r.get("title.years", [])
    if not isinstance(table, list):
        raise r.fail("title.years", "表数组（[[title.years]]）", table)
    rows = []
    for index, row in enumerate(table, start=1):
        path = f"title.years 第 {index} 行"
        if not isinstance(row, Mapping):
            raise r.fail(path, "表", row)
        education = row.get("education")
        if education is not None:
            r.choice(f"{path} 的 education", education, order)
        degrees = frozenset(r.texts(f"{path} 的 degrees", row.get("degrees", [])))
        level = r.choice(f"{path} 的 level", row.get("level"), (level.value for level in Level))
        rows.append(
            TitleYearsRow(
                level=Level(level),
                years=r.integer(f"{path} 的 years", row.get("years")),
                education=education,
                degrees=degrees,
                series=frozenset(r.texts(f"{path} 的 series", row.get("series", []))),
                source=r.text(f"{path} 的 source", row.get("source")),
            )
        )
    return tuple(rows)


def draw_min_sizes(data: Mapping[str, Any], source: str = "规则文件") -> dict[str, int]:
    """Returns ``[draw.min_size]`` by band (初级, 中级, 高级): odd, at least 3, every band set.

    Raises ``ConfigError`` naming the key and the reason.
    """
    r = _Reader(data, source)
    table = r.table("draw.min_size")
    sizes = {}
    for band in BANDS:
        path = f"draw.min_size.{band}"
        if band not in table:
            raise ConfigError(f"{source}：缺少键 {path}")
        size = r.integer(path, table[band], minimum=COMMITTEE_SIZE[0], maximum=COMMITTEE_SIZE[1])
        if size % 2 == 0:
            raise r.fail(path, "奇数（执行委员会人数须为单数）", size)
        sizes[band] = size
    for band in table:
        r.choice("draw.min_size 的键", band, BANDS)
    return sizes


# -- the context of one check --------------------------------------------------------------


@dataclass
class RuleContext:
    """Everything a rule needs besides the applicant: one committee's check with the year's rules.

    ``specialty_owners`` maps each ``term_key`` of a specialty to the committees that take it
    (``qzzc.core.plan.specialty_owners``; for row 1, which also takes specialties no other committee
    has). Working-day counts are cached per period.
    """

    committee: Committee
    rules: EligibilityRules
    calendar: Calendar
    specialty_owners: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    titles: frozenset[str] = field(init=False)
    specialties: frozenset[str] = field(init=False)
    scope_keys: dict[str, str] = field(init=False)  # scope by band, spaces and brackets normalised
    _workdays: dict[tuple[dt.date, dt.date], int] = field(init=False, default_factory=dict)
    _memo: dict[Any, Found] = field(init=False, default_factory=dict)
    _series: dict[str, str | None] = field(init=False, default_factory=dict)
    _title_rows: dict[Any, TitleYearsRow | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.titles = frozenset(self.committee.titles)
        self.specialties = frozenset(self.committee.specialties)
        self.scope_keys = {
            band: "".join(scope.split()).replace("(", "（").replace(")", "）")
            for band, scope in self.committee.scope.items()
        }

    def once(self, key: Any, make: Callable[[], Found]) -> Found:
        """``make()``, made once per key: a note is the same for every applicant it concerns."""
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = make()
        return found

    @property
    def seq(self) -> int:
        return self.committee.seq

    def owns(self, specialty: str) -> bool:
        """Whether ``specialty`` is one of the committee's own (not row 1's other specialties)."""
        return specialty in self.specialties or self.committee.specialty_of(specialty) is not None

    def series(self, specialty: str) -> str | None:
        """The title series of an application with ``specialty`` here (``EligibilityRules.series_of``),
        worked out once per specialty: 100,000 applicants write a few hundred specialties."""
        found = self._series.get(specialty, ...)
        if found is ...:
            found = self._series[specialty] = self.rules.series_of(self.seq, specialty, self.owns(specialty))
        return found  # type: ignore[return-value]

    def count_workdays(self, first: dt.date, last: dt.date) -> int:
        """Working days from ``first`` to ``last`` inclusive; raises ``CalendarUnknown``."""
        key = (first, last)
        count = self._workdays.get(key)
        if count is None:
            count = self._workdays[key] = self.calendar.count_workdays(first, last)
        return count


# -- helpers ------------------------------------------------------------------------------

Found = tuple["Reason | Note", ...]
NONE: Found = ()


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


# -- the rules ----------------------------------------------------------------------------

NO_SELF_EVALUATING_UNITS = Note(
    "committee.scope", "规则文件未列出自主评聘单位（scope.self_evaluating_units），未核对"
)


def committee_title(a: ApplicantFacts, c: RuleContext) -> Found:
    """The title applied for is one the committee evaluates (评审) or recommends (推荐) in the
    plan (附件 所评职务任职资格名称), compared by ``term_key``."""
    if a.title in c.titles or c.committee.title_of(a.title) is not None:
        return NONE
    return (
        Reason(
            "committee.title",
            f"第 {c.seq} 号评委会不评审也不推荐「{a.title}」",
            {"title": a.title, "committee": c.seq},
        ),
    )


@dataclass(frozen=True, slots=True)
class SpecialtyPlace:
    """Where a specialty belongs for one committee (``place_specialty``): ``specialty`` is the
    committee's own as the plan writes it (or the text as written, for row 1's other
    specialties); else ``owners`` are the committees that take it, or ``series`` the title series
    of another kind that row 1's catch-all does not take."""

    specialty: str | None
    owners: tuple[int, ...] = ()
    series: str | None = None
    committee_series: str | None = None


def place_specialty(
    text: str,
    committee: Committee,
    owners: Mapping[str, tuple[int, ...]],
    rules: EligibilityRules,
) -> SpecialtyPlace:
    """Decides whether ``committee`` takes the specialty ``text`` (附件 所评专业, SPEC §3), for both
    ``qzzc import`` and the rule ``committee.specialty``.

    Compared by ``term_key``; a field and its areas and row 18's prefix count (``Committee.
    specialty_keys``). Row 1 (暂不具备设置中级评审委员会条件的专业) also takes a specialty that no
    other committee lists, unless ``series.specialties`` puts it in a title series other than the
    committee's own (翻译, 出版, 药学 …: 二(三) 国家统一考试的职称系列不再初定, so such a specialty must
    not come in through the catch-all).
    """
    own = committee.specialty_of(text)
    if own is not None:
        return SpecialtyPlace(own)
    others = tuple(seq for seq in owners.get(term_key(text), ()) if seq != committee.seq)
    if others or not committee.other_specialties:
        return SpecialtyPlace(None, owners=others)
    series = rules.series_of_specialty(text)
    mine = rules.series_committees.get(committee.seq)
    if series is not None and series != mine:
        return SpecialtyPlace(None, series=series, committee_series=mine)
    return SpecialtyPlace(text)


def committee_specialty(a: ApplicantFacts, c: RuleContext) -> Found:
    """The specialty is among the committee's (附件 所评专业), as ``place_specialty`` decides."""
    if a.specialty in c.specialties:
        return NONE
    place = place_specialty(a.specialty, c.committee, c.specialty_owners, c.rules)
    if place.specialty is not None:
        return NONE
    if place.series is not None:
        message = (
            f"申报专业「{a.specialty}」属于{place.series}系列，第 {c.seq} 号评委会只受理"
            f"{place.committee_series or '本'}系列暂无评委会的专业"
        )
    else:
        where = f"，应向第 {'、'.join(map(str, place.owners))} 号评委会申报" if place.owners else ""
        message = f"申报专业「{a.specialty}」不在第 {c.seq} 号评委会的所评专业之列{where}"
    return (
        Reason(
            "committee.specialty",
            message,
            {
                "specialty": a.specialty,
                "committee": c.seq,
                "owners": list(place.owners),
                "series": place.series,
            },
        ),
    )


def committee_scope(a: ApplicantFacts, c: RuleContext) -> Found:
    """The applicant is within the committee's 申报对象范围 for the band of the title (附件).

    - 市本级: only applicants whose 所在地区 is 市本级 (county staff apply to their county).
    - 全市: any region of Quzhou; 市外 only with a 委托评审函 (二(一) 外市人员).
    - 全市（自主评聘单位除外）: as 全市, but not the staff of a unit on the rules file's list of
      自主评聘单位 (``scope.self_evaluating_units``); while that list is empty the exclusion is
      noted as not applied.
    - 本单位: only the committee's own unit, by the names in ``scope.own_units``; without names
      for the committee the rule is noted as not applied.
    An unknown title is left to ``committee.title``. An approved dispatched applicant (派驻市外,
    人事关系单位核准 是; 二(一) 可在人事关系所在地申报评审) is judged where the 人事关系 is: 所在地区 市外
    counts as within the city, and as 市本级 when the unit is 市属.
    """
    band = band_of(a)
    if band is None:
        return NONE
    scope = c.committee.scope.get(band)
    if scope is None:
        return c.once(
            ("scope", band),
            lambda: (Note("committee.scope", f"第 {c.seq} 号评委会未写明{band}的申报对象范围，未审查"),),
        )
    scope_key = c.scope_keys[band]
    if scope_key == "本单位":
        names = c.rules.own_units.get(c.seq)
        if names is None:
            return c.once(
                "own_units",
                lambda: (
                    Note(
                        "committee.scope",
                        f"第 {c.seq} 号评委会申报对象范围为本单位，规则文件未设定本单位名称（scope.own_units），未审查",
                    ),
                ),
            )
        if normalise_unit(a.unit) in names:
            return NONE
        return (
            Reason(
                "committee.scope",
                f"第 {c.seq} 号评委会只受理本单位人员，工作单位「{a.unit}」不是本单位",
                {"scope": scope, "unit": a.unit},
            ),
        )
    if scope_key not in ("市本级", "全市", "全市（自主评聘单位除外）"):
        return c.once(
            ("scope text", scope),
            lambda: (Note("committee.scope", f"申报对象范围「{scope}」无法识别，未审查"),),
        )
    if a.region is None:
        return (missing("所在地区", "committee.scope"),)
    region = a.region
    if region == OUTSIDE and approved_dispatch(a):
        if a.unit_affiliation is None:
            return (missing("单位隶属", "committee.scope"),)
        region = "市本级" if a.unit_affiliation == "市属" else "衢州市内（派驻市外）"
    if scope_key == "市本级":
        if region == "市本级":
            return NONE
        where = (
            f"所在地区为{a.region}"
            if region == a.region
            else f"派驻市外人员按人事关系所在地审查，单位隶属为{a.unit_affiliation}"
        )
        return (
            Reason(
                "committee.scope",
                f"{where}，第 {c.seq} 号评委会{band}只受理市本级人员",
                {"scope": scope, "region": a.region, "band": band},
            ),
        )
    found: list[Reason | Note] = []
    within = region in QUZHOU_REGIONS or region != a.region
    if not within and not (region == OUTSIDE and a.entrust_letter is True):
        found.append(
            Reason(
                "committee.scope",
                f"所在地区为{a.region}，不在第 {c.seq} 号评委会{band}的申报范围（{scope}）内"
                + ("，且无委托评审函" if a.region == OUTSIDE else ""),
                {"scope": scope, "region": a.region, "band": band},
            )
        )
    if scope_key == "全市（自主评聘单位除外）":
        if not c.rules.self_evaluating_units:
            found.append(NO_SELF_EVALUATING_UNITS)
        elif normalise_unit(a.unit) in c.rules.self_evaluating_units:
            found.append(
                Reason(
                    "committee.scope",
                    f"工作单位「{a.unit}」是自主评聘单位，不在第 {c.seq} 号评委会的申报范围内",
                    {"scope": scope, "unit": a.unit},
                )
            )
    return tuple(found)


def affiliation_unit(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(一): 职称申报评审原则上按人事隶属关系进行申报（社会保险、人事档案、劳动关系三者一致）…
    三者不在一个地区的…原则上由社会保险所在单位申报.

    Read as: the applying unit is the 社保缴纳单位. When the three parts agree that is their one
    unit; when they differ it is the social-insurance one. Only the 社保缴纳单位 is needed to
    decide, so only its absence gives ``data.missing``. One exception, from the same section:
    被派驻市外工作的专业技术人才，由人事关系所在单位提出申请 — a dispatched applicant may apply
    through the 人事档案所在单位 (whether the dispatch was approved is ``affiliation.dispatch``).
    """
    insurance = a.social_insurance_unit
    if insurance is None:
        return (missing("社保缴纳单位", "affiliation.unit"),)
    if a.unit == insurance or normalise_unit(a.unit) == normalise_unit(insurance):
        return NONE
    if a.dispatched is True and a.archive_unit and normalise_unit(a.unit) == normalise_unit(a.archive_unit):
        return NONE
    parts = (insurance, a.archive_unit, a.contract_unit)
    agree = None not in parts and len({normalise_unit(part) for part in parts}) == 1  # type: ignore[arg-type]
    if agree:
        message = f"社保、人事档案、劳动合同均在「{insurance}」，应由该单位申报，申报单位为「{a.unit}」"
    else:
        message = (
            f"人事隶属关系三者不一致（社保「{insurance}」、档案「{a.archive_unit or '空'}」、"
            f"劳动合同「{a.contract_unit or '空'}」），应由社保缴纳单位申报，申报单位为「{a.unit}」"
        )
    return (
        Reason(
            "affiliation.unit",
            message,
            {
                "unit": a.unit,
                "social_insurance_unit": insurance,
                "archive_unit": a.archive_unit,
                "contract_unit": a.contract_unit,
            },
        ),
    )


def approved_dispatch(a: ApplicantFacts) -> bool:
    """二(一): 被派驻市外工作的专业技术人才…经人力社保部门核准备案后，可在人事关系所在地申报评审."""
    return a.dispatched is True and a.dispatch_approved is True


def affiliation_entrust(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(一): 在衢省部属单位和外市人员需在我市进行职称评审的，需要提供…委托评审函.
    The 单位隶属 values that need it are ``affiliation.entrust_required`` (省部属, 市外). An
    approved dispatched applicant is not 外市人员: 市外 does not need the letter for them."""
    if a.unit_affiliation is None:
        return (missing("单位隶属", "affiliation.entrust"),)
    if a.unit_affiliation not in c.rules.entrust_required or a.entrust_letter is True:
        return NONE
    if a.unit_affiliation == OUTSIDE and approved_dispatch(a):
        return NONE
    if a.entrust_letter is None:
        return (missing("委托评审函", "affiliation.entrust"),)
    return (
        Reason(
            "affiliation.entrust",
            f"单位隶属为{a.unit_affiliation}，无委托评审函",
            {"unit_affiliation": a.unit_affiliation},
        ),
    )


def affiliation_dispatch(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(一): 被派驻市外工作的专业技术人才，由人事关系所在单位提出申请，经人力社保部门核准备案后，
    可在人事关系所在地申报评审. 派驻市外 blank is read as 否."""
    if a.dispatched is not True or a.dispatch_approved is True:
        return NONE
    if a.dispatch_approved is None:
        return (missing("人事关系单位核准", "affiliation.dispatch"),)
    return (Reason("affiliation.dispatch", "派驻市外工作，未经人力社保部门核准备案", {}),)


def cpd_public(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(二): 申报中、初级职称的一般公需科目和行业公需科目近三年（2019-2021年）累计不少于54学时
    （本科及以上学历申报初级职称不少于18学时）. 申报高级职称按省人社厅及省行业主管部门要求执行:
    the committee's ``cpd.senior`` threshold, else the rule is noted as not applied."""
    band = band_of(a)
    if band is None:
        return NONE
    rules = c.rules
    if band in rules.cpd_bands:
        rank = rules.education_rank(a.education)
        if rank < 0:
            return (missing(f"学历（「{a.education}」不在规则文件的学历列表中）", "cpd.public"),)
        degree_junior = band == "初级" and rank >= rules.education_order.index(rules.degree_education)
        needed = rules.public_hours_degree_junior if degree_junior else rules.public_hours
        basis = f"{rules.degree_education}及以上学历申报初级" if degree_junior else f"申报{band}"
    else:
        senior = rules.senior.get(c.seq)
        if senior is None or senior.public is None:
            return c.once("senior.public", lambda: (_senior_note("cpd.public", "公需科目", c.seq),))
        needed, basis = senior.public, f"申报{band}（省定标准）"
    if a.public_hours >= needed:
        return NONE
    return (
        Reason(
            "cpd.public",
            f"公需科目学时 {hours(a.public_hours)}，少于 {hours(needed)}（{basis}，{rules.cpd_period}年累计）",
            {"hours": a.public_hours, "needed": needed},
        ),
    )


def cpd_professional(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(二): 专业科目学时按照各行业《评审通知》要求执行 — the committee's ``cpd.professional``
    threshold for the band; 高级 by ``cpd.senior``. Without one the rule is noted as not applied."""
    band = band_of(a)
    if band is None:
        return NONE
    rules = c.rules
    if band in rules.cpd_bands:
        needed = rules.professional.get(c.seq, {}).get(band)
        if needed is None:
            return c.once(
                ("professional", band),
                lambda: (
                    Note(
                        "cpd.professional",
                        f"规则文件未设定第 {c.seq} 号评委会{band}的专业科目学时要求（cpd.professional），未审查",
                    ),
                ),
            )
    else:
        senior = rules.senior.get(c.seq)
        if senior is None or senior.professional is None:
            return c.once(
                "senior.professional", lambda: (_senior_note("cpd.professional", "专业科目", c.seq),)
            )
        needed = senior.professional
    if a.professional_hours >= needed:
        return NONE
    return (
        Reason(
            "cpd.professional",
            f"专业科目学时 {hours(a.professional_hours)}，少于 {hours(needed)}（第 {c.seq} 号评委会{band}要求）",
            {"hours": a.professional_hours, "needed": needed},
        ),
    )


def _senior_note(rule: str, kind: str, seq: int) -> Note:
    return Note(
        rule,
        f"申报高级职称的{kind}学时按省人社厅及省行业主管部门要求执行，"
        f"规则文件未设定第 {seq} 号评委会的标准（cpd.senior），未审查",
    )


def initial_exam_series(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(三): 对国家、省设立统一考试的职称系列，如经济、会计…全国计算机软考等，相应专业技术人员需
    通过参加考试取得职称，不再进行职称初定. The series is ``series.specialties`` for the
    specialty, else ``series.committees`` for the committee."""
    rules = c.rules
    series = c.series(a.specialty)
    if series is None:
        return (
            Note(
                "initial.exam_series",
                f"规则文件未设定第 {c.seq} 号评委会所属职称系列（series.committees），未审查",
            ),
        )
    if series not in rules.exam_series:
        return NONE
    return (
        Reason(
            "initial.exam_series",
            f"{series}系列设有全国或全省统一考试，须通过考试取得职称，不进行职称初定",
            {"series": series},
        ),
    )


def _initial_row(a: ApplicantFacts, c: RuleContext) -> tuple[InitialRow | None, Found]:
    """The most favourable 初定 row for the level asked (fewest years), or why there is none."""
    level = level_of(a.title)
    if level is None:
        return None, NONE
    rules = c.rules
    rank = rules.education_rank(a.education)
    if rank < 0 and a.degree is None:
        return None, (missing(f"学历（「{a.education}」不在规则文件的学历列表中）", "initial.level"),)
    rows = [row for row in rules.initial_table if row.applies(rank, a.degree, rules.education_order)]
    at_level = [row for row in rows if row.level == level]
    if at_level:
        return min(at_level, key=lambda row: row.years), NONE
    who = f"学历{a.education}" + (f"、学位{a.degree}" if a.degree else "")
    if rows:
        top = max((row.level for row in rows), key=LEVELS.index)
        message = f"{who}初定最高为{top.value}，不能初定{level.value}"
    else:
        message = f"{who}不符合职称初定条件"
    return None, (
        Reason(
            "initial.level", message, {"level": level.value, "education": a.education, "degree": a.degree}
        ),
    )


def initial_level(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(三): 职称初定条件根据浙人社发〔2020〕47号执行: the level asked is one the 初定 table gives
    for the applicant's 学历 or 学位 (``initial.table``)."""
    return _initial_row(a, c)[1]


def initial_years(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(三) and 浙人社发〔2020〕47号: at least the years of professional work the 初定 row needs."""
    row, _ = _initial_row(a, c)
    if row is None or a.years_of_work >= row.years:
        return NONE
    return (
        Reason(
            "initial.years",
            f"从事专业技术工作 {a.years_of_work} 年，{row.describe()}初定{row.level.value}需满 {row.years} 年",
            {"years": a.years_of_work, "needed": row.years},
        ),
    )


def initial_hours(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(三): 继续教育学时要求按申报人员学历对应的从事专业工作年限计算: per required year at least
    90 学时, of which 公需 ≥ 18 and 专业 ≥ 60 (本科初定助理级 90/18/60; 硕士初定中级 270/54/180)."""
    row, _ = _initial_row(a, c)
    if row is None:
        return NONE
    rules, years = c.rules, row.hours_years
    total_needed = rules.initial_hours_per_year * years
    public_needed = rules.initial_public_per_year * years
    professional_needed = rules.initial_professional_per_year * years
    total = a.public_hours + a.professional_hours
    if (
        total >= total_needed
        and a.public_hours >= public_needed
        and a.professional_hours >= professional_needed
    ):
        return NONE
    return (
        Reason(
            "initial.hours",
            f"初定{row.level.value}需继续教育 {hours(total_needed)} 学时（公需不少于 {hours(public_needed)}、"
            f"专业不少于 {hours(professional_needed)}），现为 {hours(total)} 学时"
            f"（公需 {hours(a.public_hours)}、专业 {hours(a.professional_hours)}）",
            {
                "total": total,
                "public": a.public_hours,
                "professional": a.professional_hours,
                "total_needed": total_needed,
                "public_needed": public_needed,
                "professional_needed": professional_needed,
            },
        ),
    )


def post_ratio(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(四): 事业单位专业技术人员职称评审（含初定）应在核定的专业技术岗位结构比例范围内进行.
    岗位结构比例内 = 否 is outside the ratio: 不合格. Blank: qzzc cannot know the ratio, so a clerk
    must (需人工核实)."""
    if a.unit_type is None:
        return (missing("单位性质", "post.ratio"),)
    if a.unit_type != PUBLIC_INSTITUTION or a.post_ratio_confirmed is True:
        return NONE
    if a.post_ratio_confirmed is False:
        return (
            Reason(
                "post.ratio", "事业单位人员，不在核定的专业技术岗位结构比例范围内", {}, verdict=INELIGIBLE
            ),
        )
    return (Reason("post.ratio", "事业单位人员，未确认在核定的专业技术岗位结构比例范围内", {}),)


def direct_track(a: ApplicantFacts, c: RuleContext) -> Found:
    """二(五) 评审"直通车": 在我省工程技术领域，取得国家职业资格或技能等级的技能人员，可按有关规定
    申报相应职称评审. So a 直通车 application is taken only by a committee of a series in
    ``direct.series`` (工程) and needs a 职业资格或技能等级; blank is read as "none"."""
    if a.application_type != DIRECT:
        return NONE
    series = c.series(a.specialty)
    if series not in c.rules.direct_series:
        return (
            Reason(
                "direct.track",
                f"评审“直通车”只适用于工程技术领域，{series or '本评委会'}系列不受理直通车申报",
                {"series": series},
            ),
        )
    if a.vocational_qualification is None:
        return (
            Reason(
                "direct.track", "评审“直通车”须取得国家职业资格或技能等级，「职业资格或技能等级」为空", {}
            ),
        )
    return NONE


def _takes_title(a: ApplicantFacts, c: RuleContext) -> bool:
    """Whether the committee takes the title at all: otherwise only ``committee.title`` speaks."""
    return a.title in c.titles or c.committee.title_of(a.title) is not None


_LEVEL_BY_KEY = {term_key(title): level for title, level in LEVEL_OF_TITLE.items()}


def _level_of_text(title: str) -> Level | None:
    level = level_of(title)
    return level if level is not None else _LEVEL_BY_KEY.get(term_key(title))


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


def publicity_unit(a: ApplicantFacts, c: RuleContext) -> Found:
    """一(二): 申报人员所在单位…进行不少于5个工作日的公示 (``publicity.working_days``), counted
    on China's official calendar, both dates included. Raises ``CalendarUnknown`` for a year the
    calendar does not know."""
    if a.publicity_start is None:
        return (missing("单位公示开始日期", "publicity.unit"),)
    if a.publicity_end is None:
        return (missing("单位公示结束日期", "publicity.unit"),)
    needed = c.rules.publicity_days
    days = c.count_workdays(a.publicity_start, a.publicity_end)
    if days >= needed:
        return NONE
    period = f"{a.publicity_start.isoformat()} 至 {a.publicity_end.isoformat()}"
    return (
        Reason(
            "publicity.unit",
            f"单位公示 {period} 仅 {days} 个工作日，少于 {needed} 个工作日",
            {
                "start": a.publicity_start.isoformat(),
                "end": a.publicity_end.isoformat(),
                "days": days,
                "needed": needed,
            },
        ),
    )


def integrity_veto(a: ApplicantFacts, c: RuleContext) -> Found:
    """三(一): 对学术造假等行为实行"一票否决". 学术造假 blank is read as 否."""
    if a.fraud is not True:
        return NONE
    return (Reason("integrity.veto", "有学术造假行为，一票否决", {}),)


def performance_assessment(a: ApplicantFacts, c: RuleContext) -> Found:
    """三(一): 对绩效低下…的，取消职称评审推荐资格 — a 年度考核 in ``assessment.failing``."""
    if a.assessment is None:
        return (missing("年度考核", "performance.assessment"),)
    if a.assessment not in c.rules.failing_assessments:
        return NONE
    return (
        Reason(
            "performance.assessment",
            f"年度考核{a.assessment}，取消职称评审推荐资格",
            {"assessment": a.assessment},
        ),
    )


Rule = Callable[[ApplicantFacts, RuleContext], Found]

COMMON_RULES: tuple[Rule, ...] = (
    committee_title,
    committee_specialty,
    committee_scope,
    direct_track,
    affiliation_unit,
    affiliation_entrust,
    affiliation_dispatch,
    title_sequence,
    title_years,
)
CPD_RULES: tuple[Rule, ...] = (cpd_public, cpd_professional)
INITIAL_RULES: tuple[Rule, ...] = (initial_exam_series, initial_level, initial_years, initial_hours)
LATER_RULES: tuple[Rule, ...] = (post_ratio, publicity_unit, integrity_veto, performance_assessment)

# For a 初定 application the initial.* rules take the place of cpd.* (SPEC §5).
RULES_NORMAL: tuple[Rule, ...] = COMMON_RULES + CPD_RULES + LATER_RULES
RULES_INITIAL: tuple[Rule, ...] = COMMON_RULES + INITIAL_RULES + LATER_RULES


def rules_for(a: ApplicantFacts) -> tuple[Rule, ...]:
    return RULES_INITIAL if a.application_type == INITIAL else RULES_NORMAL


def check_against_plan(
    rules: EligibilityRules,
    data: Mapping[str, Any],
    committees: Iterable[Committee],
    source: str = "规则文件",
) -> None:
    """Refuses (``ConfigError``, naming the key) a rules file that does not fit the year's plan: a
    committee key that is no committee of the plan (the rule would silently never apply), a
    ``[[title.years]]`` series no committee or specialty has, or a specialty of a committee put in
    another title series than its committee's by ``series.specialties``."""
    plan = {committee.seq: committee for committee in committees}
    r = _Reader(data, source)
    for section in ("cpd.professional", "cpd.senior", "series.committees", "scope.own_units"):
        for key in r.table(section):
            if key.isdigit() and int(key) not in plan:
                raise ConfigError(
                    f"{source}：键 {section}.{key} 不是本年度计划中的评委会（序号 1–{max(plan, default=0)}）"
                )
    known = set(rules.series_committees.values()) | set(rules.series_specialties.values())
    for index, row in enumerate(rules.title_years, start=1):
        unknown = sorted(row.series - known)
        if unknown:
            raise ConfigError(
                f"{source}：键 title.years 第 {index} 行 的 series 中「{'、'.join(unknown)}」不是任何评委会或专业的职称系列"
                "（见 [series.committees]）"
            )
    for key, series in rules.series_specialties.items():
        for committee in plan.values():
            own = rules.series_committees.get(committee.seq)
            if key in committee.specialty_keys and own is not None and series != own:
                raise ConfigError(
                    f"{source}：键 series.specialties 把第 {committee.seq} 号评委会的专业"
                    f"「{committee.specialty_keys[key]}」归入{series}系列，而该评委会为{own}系列"
                )
