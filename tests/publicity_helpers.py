"""Publicities and tallies made directly in a store, for the tests of objections (SPEC §11): the
``notice pre-review`` / ``notice result`` recording is another job's."""

from __future__ import annotations

from helpers import writing

A = "330802199001011234"
B = "330802198502023216"


def add_publicity(ctx, stage, start, end, applicants, meeting_id=None) -> int:
    """A published publicity listing ``applicants`` (ID numbers), as ``notice … --start`` records it."""
    from sqlmodel import select

    from qzzc.store.models import Applicant, Publicity, PublicityApplicant

    with writing(ctx) as session:
        publicity = Publicity(
            year=2021,
            committee_seq=3,
            stage=stage,
            meeting_id=meeting_id,
            start=start,
            end=end,
            working_days=5,
            published_on=start,
            created_at="2021-09-27T09:00:00+08:00",
        )
        session.add(publicity)
        session.flush()
        for id_number in applicants:
            applicant = session.exec(select(Applicant).where(Applicant.id_number == id_number)).one()
            session.add(PublicityApplicant(publicity_id=publicity.id, applicant_id=applicant.id))
        return publicity.id


def add_tally(ctx, meeting_id, passed=(A, B)) -> None:
    """A tally of nine attending: each of ``passed`` has 7 yes (6 needed), the others 3."""
    from sqlmodel import select

    from qzzc.store.models import Applicant, Tally, TallyResult

    with writing(ctx) as session:
        tally = Tally(
            meeting_id=meeting_id, version=1, members=9, attending=9, created_at="2021-10-20T15:00:00+08:00"
        )
        session.add(tally)
        session.flush()
        for applicant in session.exec(select(Applicant).order_by(Applicant.id_number)):
            yes = 7 if applicant.id_number in passed else 3
            session.add(
                TallyResult(
                    tally_id=tally.id,
                    applicant_id=applicant.id,
                    yes=yes,
                    no=9 - yes,
                    abstain=0,
                    needed=6,
                    passed=yes >= 6,
                    mode="评审",
                )
            )
