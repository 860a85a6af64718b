"""The year's rules file (``data/rules2021.toml``), parsed and checked into one ``YearRules``.

``parse_rules`` is the one reader of a rules file: it checks the shape every year's file shares
(the year, the known top-level keys) and then reads every field of ``YearRules``, so a bad file is
refused by ``qzzc init`` with the key and the reason, never half-way through a check.
"""

from __future__ import annotations

import tomllib

from qzzc.core.rules.year import KNOWN_KEYS, YearRules, year_rules
from qzzc.errors import ConfigError

RuleSet = YearRules  # the name services used for the parsed file
__all__ = ["KNOWN_KEYS", "RuleSet", "YearRules", "parse_rules"]


def parse_rules(text: str, source: str = "规则文件") -> YearRules:
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
    return year_rules(data, source)
