"""Quzhou's 所在地区 values (SPEC §4): what a rules file without ``scope.regions`` is read as, and
the choices of the blank forms. A year's rules file may name others (``YearRules.regions``); the
import form then takes those (``qzzc.core.forms.applicant_form``)."""

from __future__ import annotations

QUZHOU_REGIONS = ("市本级", "柯城区", "衢江区", "江山市", "常山县", "开化县", "龙游县")
OUTSIDE = "市外"  # 所在地区 of an applicant outside the city
