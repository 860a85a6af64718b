"""One definition per field (issue 15, item 2): the import form's columns (``qzzc.core.forms``)
are the applicant table's columns (``qzzc.store.models.Applicant``) and the rules' facts
(``qzzc.core.rules.ApplicantFacts``), with the same blanks and types. The schema is written by
migrations, so this test holds them together rather than one generating the others."""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing

from qzzc.core.cells import parse_date, parse_int, parse_number, parse_yes_no
from qzzc.core.forms import APPLICANT_FORM, EDUCATIONS, REGIONS, applicant_form
from qzzc.core.rules import ApplicantFacts
from qzzc.core.ruleset import parse_rules
from qzzc.resources import data_file
from qzzc.store.models import Applicant

FORM = {column.key: column for column in APPLICANT_FORM}
TABLE = Applicant.__table__.columns
# The table's own columns: bookkeeping, and what the ID number gives (gender, birth date).
NOT_FROM_THE_FORM = {
    "id", "year", "committee_seq", "gender", "birth_date", "data_hash", "source_file", "source_row", "imported_at",
}  # fmt: skip
PARSED_AS = {parse_date: dt.date, parse_int: int, parse_number: float, parse_yes_no: bool}


def test_the_forms_columns_are_the_tables_columns():
    assert set(TABLE.keys()) - NOT_FROM_THE_FORM == set(FORM)


def test_the_rules_facts_are_the_forms_columns_but_the_phone():
    facts = {item.name for item in dataclasses.fields(ApplicantFacts)}
    assert facts - set(FORM) == {"committee_seq"}  # the committee imported to, not a column
    assert set(FORM) - facts == {"phone"}  # no rule reads it


def test_a_column_a_form_may_leave_blank_is_nullable_and_none_in_the_facts():
    hints = typing.get_type_hints(ApplicantFacts)
    for key, column in FORM.items():
        # 申报类型 blank is stored as 正常申报 (``qzzc.services.applicants._record``).
        blank_allowed = not column.required and key != "application_type"
        assert TABLE[key].nullable == blank_allowed, key
        if key in hints:
            assert (type(None) in typing.get_args(hints[key])) == blank_allowed, key


def test_each_column_has_one_type_in_the_form_table_and_facts():
    hints = typing.get_type_hints(ApplicantFacts)
    for key, column in FORM.items():
        expected = PARSED_AS.get(column.parse, str)
        if key == "id_number":
            expected = str  # parsed to an IdNumber, stored as its number
        assert _types(Applicant.model_fields[key].annotation) - {type(None)} == {expected}, key
        if key in hints:
            assert _types(hints[key]) - {type(None)} == {expected}, key


def _types(annotation) -> set:
    """``str | None`` → {str, NoneType}; ``int`` → {int}."""
    return set(typing.get_args(annotation)) or {annotation}


def test_the_bundled_rules_file_gives_the_blank_forms_choices():
    rules = parse_rules(data_file("rules2021.toml").read_text(encoding="utf-8"))
    assert (*rules.regions, rules.outside) == REGIONS
    assert tuple(reversed(rules.education_order)) == EDUCATIONS
    assert applicant_form(rules.regions, rules.outside, rules.education_order) is APPLICANT_FORM


def test_another_citys_rules_file_gives_its_regions_and_educations():
    form = applicant_form(("市本级", "婺城区"), "外地", ("大专", "本科", "研究生"))
    columns = {column.key: column for column in form}
    assert [column.key for column in form] == list(FORM)
    assert columns["region"].choices == ("市本级", "婺城区", "外地")
    assert columns["education"].choices == ("研究生", "本科", "大专")
    assert columns["education"].parse("大学本科") == "本科"
    assert columns["unit"] is FORM["unit"]
