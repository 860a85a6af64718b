"""Every committee of the 2021 plan takes every specialty and title it lists, as the attachment writes
them (SPEC §3): imported from a real spreadsheet, then checked, neither ``committee.specialty`` nor
``committee.title`` ever fires.

Each specialty is written as the plan writes it, with its brackets in the other width
(``风景园林(景观设计)``), with spaces a clerk types, and, for a field with areas (rows 2, 5) or a
prefixed specialty (row 18), in each form an applicant may use.
"""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from qzzc.core.ids import check_digit
from qzzc.core.titles import level_of

HEADERS = ("姓名", "身份证号", "工作单位", "申报专业", "申报资格", "学历", "从事专业技术工作年限", "公需科目学时", "专业科目学时")  # fmt: skip
CHECKED = {"committee.specialty", "committee.title"}


def _ids():
    serial = 0
    while True:
        serial += 1
        first17 = f"330802{dt.date(1980, 1, 1) + dt.timedelta(days=serial):%Y%m%d}{serial % 1000:03d}"
        yield first17 + check_digit(first17)


def _spellings(committee) -> list[str]:
    forms: list[str] = []
    for specialty in committee.specialties:
        forms += [specialty, specialty.replace("（", "(").replace("）", ")"), " ".join(specialty)]
        forms += [specialty + area for area in committee.areas.get(specialty, ())]
        if committee.specialty_prefix:
            forms.append(committee.specialty_prefix + specialty)
    if committee.seq == 2:
        forms.append("传统工艺美术 创作")  # the printed cell's own form
    if committee.seq == 5:
        forms.append("水利工程技术开发")
    return list(dict.fromkeys(forms))


def _write(path, rows) -> None:
    with path.open("w", newline="", encoding="gb18030") as handle:  # as Excel saves it on Chinese Windows
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)


@pytest.fixture
def walked(initialised, tmp_path):
    """Imports, for every committee, one applicant per specialty spelling (with its first title) and
    one per title (with its first specialty), then checks them all; returns (committees, results)."""
    from qzzc.services.applicants import import_applicants
    from qzzc.services.eligibility import check_eligibility
    from qzzc.services.plan import list_committees

    committees = list_committees(initialised)
    ids = _ids()
    for committee in committees:
        rows = [
            (f"甲{n}", next(ids), "衢州市某单位", form, committee.titles[0], "本科", 6, 60, 120)
            for n, form in enumerate(_spellings(committee))
        ]
        rows += [
            (f"乙{n}", next(ids), "衢州市某单位", committee.specialties[0], title, "本科", 6, 60, 120)
            for n, title in enumerate(committee.titles)
        ]
        path = tmp_path / f"{committee.seq}.csv"
        _write(path, rows)
        result = import_applicants(initialised, path, committee.seq)
        assert [error.message for error in result.errors] == [], committee.seq
        assert result.added == len(rows)
    return committees, check_eligibility(initialised)


def test_every_specialty_and_title_of_every_committee_is_taken(walked):
    committees, result = walked
    assert len(committees) == 25
    fired = [
        (applicant.committee, applicant.specialty, applicant.title, reason["message"])
        for applicant in result.applicants
        for reason in applicant.reasons
        if reason["rule"] in CHECKED
    ]
    assert fired == []
    expected = sum(len(_spellings(c)) + len(c.titles) for c in committees)
    assert len(result.applicants) == expected


def test_every_title_of_the_plan_has_a_level(walked):
    committees, _ = walked
    assert [title for c in committees for title in c.titles if level_of(title) is None] == []


def test_brackets_are_stored_as_the_plan_writes_them(walked):
    _, result = walked
    stored = {a.specialty for a in result.applicants if a.committee == 3}
    assert "风景园林（景观设计）" in stored
    assert "风景园林(景观设计)" not in stored
    row5 = {a.specialty for a in result.applicants if a.committee == 5}
    assert row5 == {
        "水利工程",
        "水利工程技术开发",
        "水利工程规划设计",
        "水利工程建设管理",
        "水利工程运行管理",
    }
