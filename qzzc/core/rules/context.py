"""The context of one check: a committee, the year's rules, the calendar, and what is worked out
once per check rather than once per applicant (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qzzc.core.plan import Committee
from qzzc.core.rules.base import Found
from qzzc.core.rules.year import TitleYearsRow, YearRules
from qzzc.core.workdays import Calendar


@dataclass
class RuleContext:
    """Everything a rule needs besides the applicant: one committee's check with the year's rules.

    ``specialty_owners`` maps each ``term_key`` of a specialty to the committees that take it
    (``qzzc.core.plan.specialty_owners``; for row 1, which also takes specialties no other committee
    has). Working-day counts are cached per period.
    """

    committee: Committee
    rules: YearRules
    calendar: Calendar
    specialty_owners: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    titles: frozenset[str] = field(init=False)
    specialties: frozenset[str] = field(init=False)
    scope_keys: dict[str, str] = field(init=False)  # scope by band, spaces and brackets normalised
    regions: frozenset[str] = field(init=False)  # 所在地区 within the city
    _workdays: dict[tuple[dt.date, dt.date], int] = field(init=False, default_factory=dict)
    _memo: dict[Any, Found] = field(init=False, default_factory=dict)
    _series: dict[str, str | None] = field(init=False, default_factory=dict)
    _title_rows: dict[Any, TitleYearsRow | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.titles = frozenset(self.committee.titles)
        self.specialties = frozenset(self.committee.specialties)
        self.regions = frozenset(self.rules.regions)
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
        """The title series of an application with ``specialty`` here (``YearRules.series_of``),
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
