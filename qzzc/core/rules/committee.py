"""The committee's plan row (附件 2021年度衢州市中级职称评审委员会评审计划): whether the committee
evaluates the title (所评职务任职资格名称), takes the specialty (所评专业) and the applicant
(申报对象范围). Notice: 衢市人社专〔2021〕61号, 附件 (/work/shared/seed/000_5ec6e9deeeac00a1.txt).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from qzzc.core.plan import Committee, term_key
from qzzc.core.rules.base import (
    INELIGIBLE,
    NONE,
    ApplicantFacts,
    Found,
    Note,
    Reason,
    approved_dispatch,
    band_of,
    missing,
    normalise_unit,
    rule,
)
from qzzc.core.rules.context import RuleContext
from qzzc.core.rules.year import YearRules

NO_SELF_EVALUATING_UNITS = Note(
    "committee.scope", "规则文件未列出自主评聘单位（scope.self_evaluating_units），未核对"
)


@rule("committee.title", INELIGIBLE, "评委会所评资格", "附件 所评职务任职资格名称")
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
    rules: YearRules,
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


@rule("committee.specialty", INELIGIBLE, "评委会所评专业", "附件 所评专业")
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


@rule("committee.scope", INELIGIBLE, "申报对象范围", "附件 申报对象范围；二(一)")
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
    words = c.rules.scope_words
    if scope_key == words.own_unit:
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
    if scope_key not in (words.city_level, words.whole_city, words.whole_city_except):
        return c.once(
            ("scope text", scope),
            lambda: (Note("committee.scope", f"申报对象范围「{scope}」无法识别，未审查"),),
        )
    if a.region is None:
        return (missing("所在地区", "committee.scope"),)
    region, outside = a.region, c.rules.outside
    if region == outside and approved_dispatch(a):
        if a.unit_affiliation is None:
            return (missing("单位隶属", "committee.scope"),)
        # Judged where the 人事关系 is: the city's own level for a 市属 unit, else within the city.
        region = words.city_level if a.unit_affiliation == "市属" else "市内（派驻市外）"
    if scope_key == words.city_level:
        if region == words.city_level:
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
    within = region in c.regions or region != a.region
    if not within and not (region == outside and a.entrust_letter is True):
        found.append(
            Reason(
                "committee.scope",
                f"所在地区为{a.region}，不在第 {c.seq} 号评委会{band}的申报范围（{scope}）内"
                + ("，且无委托评审函" if a.region == outside else ""),
                {"scope": scope, "region": a.region, "band": band},
            )
        )
    if scope_key == words.whole_city_except:
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
