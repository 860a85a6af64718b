"""The year's rules (``YearRules``): every threshold, list and word the rules, the import and the
notices use, read once from the year's rules file (``data/rules2021.toml``).

Each field of ``YearRules`` names the key it is read from and how (``setting``); ``year_rules``
reads them all in order, so a bad file is refused by ``qzzc init`` naming the key and the reason,
never half-way through a check. A new threshold is a new field here (and a key in the file); the
file's known top-level keys are those the fields name. Where the notice (衢市人社专〔2021〕61号,
/work/shared/seed/000_5ec6e9deeeac00a1.txt) is silent the file's comments say what was chosen.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from qzzc.core.plan import Committee, term_key
from qzzc.core.regions import OUTSIDE, QUZHOU_REGIONS
from qzzc.core.rules.base import normalise_unit
from qzzc.core.titles import BANDS, Level
from qzzc.errors import ConfigError


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


# Read when a file has no such key (a file written for an older qzzc): Quzhou's.
DEFAULT_REGIONS = QUZHOU_REGIONS
DEFAULT_OUTSIDE = OUTSIDE
DEFAULT_SOURCE = "年度职称评审工作通知"  # what the notices cite when the file names no notice


@dataclass(frozen=True)
class ScopeWords:
    """The 申报对象范围 phrases of the plan that ``committee.scope`` understands (SPEC §3)."""

    city_level: str = "市本级"  # the city's own level only; also the 所在地区 of that level
    whole_city: str = "全市"
    whole_city_except: str = "全市（自主评聘单位除外）"  # 全市 but not the 自主评聘单位
    own_unit: str = "本单位"


Read = Callable[["_Reader", str, dict[str, Any]], Any]


def setting(key: str, read: Read) -> Any:
    """A ``YearRules`` field read from ``key`` of the rules file by ``read(reader, key, fields so
    far)``."""
    return field(metadata={"key": key, "read": read})


def _number(r: _Reader, key: str, got: dict[str, Any]) -> float:
    return r.number(key)


def _text(r: _Reader, key: str, got: dict[str, Any]) -> str:
    return r.text(key)


def _text_set(r: _Reader, key: str, got: dict[str, Any]) -> frozenset[str]:
    return frozenset(r.texts(key))


def _integer(minimum: int, maximum: int) -> Read:
    return lambda r, key, got: r.integer(key, minimum=minimum, maximum=maximum)


def _year(r: _Reader, key: str, got: dict[str, Any]) -> int:
    return int(r.get(key, 2021))  # checked by ``parse_rules`` first


def _source(r: _Reader, key: str, got: dict[str, Any]) -> str:
    return str(r.get(key, DEFAULT_SOURCE))


def _education_order(r: _Reader, key: str, got: dict[str, Any]) -> tuple[str, ...]:
    order = r.texts(key, allow_empty=False)
    if len(set(order)) != len(order):
        raise r.fail(key, "不重复的学历列表", list(order))
    return order


def _bands(r: _Reader, key: str, got: dict[str, Any]) -> frozenset[str]:
    bands = r.texts(key, allow_empty=False)
    for band in bands:
        r.choice(key, band, BANDS)
    return frozenset(bands)


def _in_order(r: _Reader, key: str, got: dict[str, Any]) -> str:
    return r.choice(key, r.get(key), got["education_order"])


def _professional(r: _Reader, key: str, got: dict[str, Any]) -> dict[int, dict[str, float]]:
    bands = r.texts("cpd.bands")  # in the file's order, checked by ``_bands``
    professional: dict[int, dict[str, float]] = {}
    for seq_key, value in r.table(key).items():
        seq = r.seq(key, seq_key)
        path = f"{key}.{seq_key}"
        if isinstance(value, Mapping):
            professional[seq] = {
                r.choice(f"{path} 的键", band, bands): r.number(f"{path}.{band}", hours)
                for band, hours in value.items()
            }
        else:
            professional[seq] = dict.fromkeys(bands, r.number(path, value))
    return professional


def _senior(r: _Reader, key: str, got: dict[str, Any]) -> dict[int, SeniorHours]:
    senior: dict[int, SeniorHours] = {}
    for seq_key, value in r.table(key).items():
        seq = r.seq(key, seq_key)
        path = f"{key}.{seq_key}"
        if not isinstance(value, Mapping) or not value or set(value) - {"public", "professional"}:
            raise r.fail(path, "{ public = 学时, professional = 学时 }", value)
        senior[seq] = SeniorHours(
            public=r.number(f"{path}.public", value["public"]) if "public" in value else None,
            professional=(
                r.number(f"{path}.professional", value["professional"]) if "professional" in value else None
            ),
        )
    return senior


def _initial_table(r: _Reader, key: str, got: dict[str, Any]) -> tuple[InitialRow, ...]:
    order = got["education_order"]
    table = r.get(key)
    if not isinstance(table, list) or not table:
        raise r.fail(key, "非空的表数组（[[initial.table]]）", table)
    rows = []
    for index, row in enumerate(table, start=1):
        path = f"{key} 第 {index} 行"
        if not isinstance(row, Mapping):
            raise r.fail(path, "表", row)
        education = row.get("education")
        if education is not None:
            r.choice(f"{path} 的 education", education, order)
        degrees = frozenset(r.texts(f"{path} 的 degrees", row.get("degrees", [])))
        if education is None and not degrees:
            raise ConfigError(f"{r.source}：键 {path} 须有 education（学历）或 degrees（学位）")
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
    return tuple(rows)


def _by_seq(r: _Reader, key: str, got: dict[str, Any]) -> dict[int, str]:
    return {r.seq(key, seq): r.text(f"{key}.{seq}", value) for seq, value in r.table(key).items()}


def _by_term(r: _Reader, key: str, got: dict[str, Any]) -> dict[str, str]:
    return {term_key(word): r.text(f"{key}.{word}", value) for word, value in r.table(key).items()}


def _keywords(r: _Reader, key: str, got: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(word, series), the longest word first."""
    found = ((term_key(word), r.text(f"{key}.{word}", value)) for word, value in r.table(key).items())
    return tuple(sorted(found, key=lambda item: (-len(item[0]), item[0])))


def _units(r: _Reader, key: str, got: dict[str, Any]) -> frozenset[str]:
    return frozenset(normalise_unit(unit) for unit in r.texts(key))


def _own_units(r: _Reader, key: str, got: dict[str, Any]) -> dict[int, frozenset[str]]:
    return {
        r.seq(key, seq): frozenset(
            normalise_unit(unit) for unit in r.texts(f"{key}.{seq}", value, allow_empty=False)
        )
        for seq, value in r.table(key).items()
    }


def _regions(r: _Reader, key: str, got: dict[str, Any]) -> tuple[str, ...]:
    return r.texts(key, r.get(key, list(DEFAULT_REGIONS)), allow_empty=False)


def _outside(r: _Reader, key: str, got: dict[str, Any]) -> str:
    outside = r.text(key, r.get(key, DEFAULT_OUTSIDE))
    if outside in got["regions"]:
        raise r.fail(key, "不在 scope.regions 中的地区", outside)
    return outside


def _scope_words(r: _Reader, key: str, got: dict[str, Any]) -> ScopeWords:
    table = r.table(key)
    names = {item.name for item in fields(ScopeWords)}
    for name in table:
        r.choice(f"{key} 的键", name, sorted(names))
    # Compared with the plan's text as ``RuleContext.scope_keys`` has it: no spaces, full-width brackets.
    return ScopeWords(
        **{
            name: "".join(r.text(f"{key}.{name}", value).split()).replace("(", "（").replace(")", "）")
            for name, value in table.items()
        }
    )


def _draw_sizes(r: _Reader, key: str, got: dict[str, Any]) -> dict[str, int]:
    table = r.table(key)
    sizes = {}
    for band in BANDS:
        path = f"{key}.{band}"
        if band not in table:
            raise ConfigError(f"{r.source}：缺少键 {path}")
        size = r.integer(path, table[band], minimum=COMMITTEE_SIZE[0], maximum=COMMITTEE_SIZE[1])
        if size % 2 == 0:
            raise r.fail(path, "奇数（执行委员会人数须为单数）", size)
        sizes[band] = size
    for band in table:
        r.choice(f"{key} 的键", band, BANDS)
    return sizes


def _title_years(r: _Reader, key: str, got: dict[str, Any]) -> tuple[TitleYearsRow, ...]:
    """The ``[[title.years]]`` rows (资历), checked: a level, a 学历 in the order or 学位, whole years."""
    order = got["education_order"]
    table = r.get(key, [])
    if not isinstance(table, list):
        raise r.fail(key, "表数组（[[title.years]]）", table)
    rows = []
    for index, row in enumerate(table, start=1):
        path = f"{key} 第 {index} 行"
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


def _years_until(r: _Reader, key: str, got: dict[str, Any]) -> dt.date:
    """A day of the evaluation year (资历 is counted within that year)."""
    year = got["year"]
    until = r.date(key, dt.date(year, 12, 31))
    if until.year != year:
        raise r.fail(key, f" {year} 年内的日期", until.isoformat())
    return until


def _direct_series(r: _Reader, key: str, got: dict[str, Any]) -> frozenset[str]:
    return frozenset(r.texts(key, r.get(key, ["工程"])))


@dataclass(frozen=True)
class YearRules:
    """Every threshold, list and word of one evaluation year, read once from its rules file
    (``year_rules``), in the order the file's sections are checked. ``data`` is the parsed file,
    kept for ``check_against_plan``; everything else reads the fields."""

    year: int = setting("year", _year)
    source: str = setting("source", _source)  # the notice, 衢市人社专〔2021〕61号
    publicity_days: int = setting("publicity.working_days", _integer(*WORKING_DAYS))
    education_order: tuple[str, ...] = setting("education.order", _education_order)  # lowest first
    cpd_bands: frozenset[str] = setting("cpd.bands", _bands)
    cpd_period: str = setting("cpd.period", _text)
    public_hours: float = setting("cpd.public_hours", _number)
    public_hours_degree_junior: float = setting("cpd.public_hours_degree_junior", _number)
    degree_education: str = setting("cpd.degree_education", _in_order)
    professional: Mapping[int, Mapping[str, float]] = setting("cpd.professional", _professional)
    senior: Mapping[int, SeniorHours] = setting("cpd.senior", _senior)
    initial_hours_per_year: float = setting("initial.hours_per_year", _number)
    initial_public_per_year: float = setting("initial.public_per_year", _number)
    initial_professional_per_year: float = setting("initial.professional_per_year", _number)
    exam_series: frozenset[str] = setting("initial.exam_series", _text_set)
    initial_table: tuple[InitialRow, ...] = setting("initial.table", _initial_table)
    series_committees: Mapping[int, str] = setting("series.committees", _by_seq)
    series_specialties: Mapping[str, str] = setting("series.specialties", _by_term)
    series_keywords: tuple[tuple[str, str], ...] = setting("series.keywords", _keywords)
    self_evaluating_units: frozenset[str] = setting("scope.self_evaluating_units", _units)
    own_units: Mapping[int, frozenset[str]] = setting("scope.own_units", _own_units)
    regions: tuple[str, ...] = setting("scope.regions", _regions)  # 所在地区 within the city
    outside: str = setting("scope.outside", _outside)  # the 所在地区 outside it (市外)
    scope_words: ScopeWords = setting("scope.words", _scope_words)  # noqa: RUF009
    entrust_required: frozenset[str] = setting("affiliation.entrust_required", _text_set)
    failing_assessments: frozenset[str] = setting("assessment.failing", _text_set)
    draw_min_sizes: Mapping[str, int] = setting("draw.min_size", _draw_sizes)  # by band
    title_years: tuple[TitleYearsRow, ...] = setting("title.years", _title_years)
    title_years_until: dt.date = setting("title.years_until", _years_until)  # noqa: RUF009
    direct_series: frozenset[str] = setting("direct.series", _direct_series)
    data: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

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


EligibilityRules = YearRules  # the name the rules and their tests have used

KNOWN_KEYS = tuple(
    dict.fromkeys(item.metadata["key"].split(".")[0] for item in fields(YearRules) if item.metadata)
)
"""The top-level keys a rules file may have, the ones ``YearRules`` reads: a misspelt section
(``[cdp]``) would otherwise be ignored and its rule silently not applied."""


def year_rules(data: Mapping[str, Any], source: str = "规则文件") -> YearRules:
    """Returns the year's rules of a parsed rules file.

    Raises ``ConfigError`` naming the first bad key and why: a missing key, a wrong type, a
    negative number, an unknown band, level or 学历, a committee key that is not a 序号.
    """
    r = _Reader(data, source)
    got: dict[str, Any] = {}
    for item in fields(YearRules):
        if item.metadata:
            got[item.name] = item.metadata["read"](r, item.metadata["key"], got)
    return YearRules(**got, data=data)


thresholds_from = year_rules  # the name the rules' tests use


def draw_min_sizes(data: Mapping[str, Any], source: str = "规则文件") -> dict[str, int]:
    """Returns ``[draw.min_size]`` by band (初级, 中级, 高级): odd, at least 3, every band set.

    Raises ``ConfigError`` naming the key and the reason.
    """
    return _draw_sizes(_Reader(data, source), "draw.min_size", {})


def check_against_plan(
    rules: YearRules,
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
