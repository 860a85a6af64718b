"""Helpers for tests (on sys.path through ``pythonpath = ["tests"]``)."""

from __future__ import annotations

from typer.testing import CliRunner


def run_cli(*args: str, input: str | None = None):
    """Runs the real ``qzzc`` command in-process with ``args``; stdout and stderr apart."""
    from qzzc.cli import app

    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


# -- applicants made directly in a store (for tests that need no spreadsheet) -----------------

APPLICANT_DEFAULTS: dict = {
    "year": 2021,
    "committee_seq": 3,
    "id_number": "330802199001011234",
    "name": "张三",
    "gender": "男",
    "unit": "衢州市建筑设计院",
    "unit_type": "企业",
    "unit_affiliation": "市属",
    "region": "市本级",
    "specialty": "建筑设计",
    "title": "工程师",
    "education": "本科",
    "degree": "学士",
    "years_of_work": 5,
    "public_hours": 60.0,
    "professional_hours": 90.0,
    "social_insurance_unit": "衢州市建筑设计院",
    "archive_unit": "衢州市建筑设计院",
    "contract_unit": "衢州市建筑设计院",
    "dispatched": False,
    "publicity_start": "2021-06-21",
    "publicity_end": "2021-06-25",
    "assessment": "合格",
    "fraud": False,
}


def applicant_row(**changes) -> dict:
    """The columns of one ``Applicant`` who passes every rule at committee 3, with ``changes``;
    ``data_hash`` follows the data, as the importer's does."""
    import datetime as dt
    import hashlib
    import json

    row = {**APPLICANT_DEFAULTS, **changes}
    for key in ("publicity_start", "publicity_end", "birth_date", "current_title_date"):
        if isinstance(row.get(key), str):
            row[key] = dt.date.fromisoformat(row[key])
    id_number = row["id_number"]
    row.setdefault("birth_date", dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])))
    data = json.dumps({k: v for k, v in row.items() if k != "data_hash"}, sort_keys=True, default=str)
    row.setdefault("data_hash", hashlib.sha256(data.encode()).hexdigest())
    return row


def add_applicants(ctx, *rows: dict) -> None:
    """Stores applicants (``applicant_row`` dicts) in ``ctx``'s store, or updates them by
    (year, committee, ID number) with their data and a new ``data_hash``."""
    from sqlmodel import select

    from qzzc.store.models import Applicant

    with ctx.store.writing() as session:
        for row in rows:
            found = session.exec(
                select(Applicant).where(
                    Applicant.year == row["year"],
                    Applicant.committee_seq == row["committee_seq"],
                    Applicant.id_number == row["id_number"],
                )
            ).first()
            if found is None:
                session.add(Applicant(**row))
            else:
                for key, value in row.items():
                    setattr(found, key, value)
                session.add(found)
