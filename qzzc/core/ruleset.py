"""The year's rules file (``data/rules2021.toml``), parsed and checked.

Only the shape every year's file shares is checked here; each rule reads its own table and the
rule modules check their keys when the file is loaded (``parse_rules`` calls them all), so a bad
file is refused by ``qzzc init`` with the key and the reason, never half-way through a check.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qzzc.errors import ConfigError


@dataclass(frozen=True)
class RuleSet:
    """A year's thresholds and lists. ``data`` is the parsed TOML document."""

    year: int
    data: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, Mapping) else {}


KNOWN_KEYS = (
    "year", "source", "publicity", "education", "cpd", "initial", "series", "scope", "affiliation",
    "assessment", "draw", "title", "direct",
)  # fmt: skip
"""The top-level keys a rules file may have: a misspelt section (``[cdp]``) would otherwise be
ignored and its rule silently not applied."""


def parse_rules(text: str, source: str = "规则文件") -> RuleSet:
    """Returns the rules of ``text`` (TOML). Raises ``ConfigError`` naming the key and the reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source} 不是有效的 TOML：{error}") from None
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise ConfigError(f"{source}：键 year 应为年份整数（如 2021），现为 {year!r}")
    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise ConfigError(
            f"{source}：不认识的键 {'、'.join(unknown)}（可用的键：{'、'.join(KNOWN_KEYS)}）；请检查拼写"
        )
    # Each part's reader checks its keys now, so a bad file never gets as far as a check or draw.
    from qzzc.core.rules import draw_min_sizes, thresholds_from

    thresholds_from(data, source)
    draw_min_sizes(data, source)
    return RuleSet(year=year, data=data)
