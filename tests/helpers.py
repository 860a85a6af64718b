"""Helpers for tests (on sys.path through ``pythonpath = ["tests"]``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from typer.testing import CliRunner


@contextmanager
def writing(ctx, command: str = "test-setup") -> Iterator:
    """A session that writes as qzzc's commands do: in one job, sealed by an audit entry, so that
    later jobs and ``audit verify`` accept the store."""
    from qzzc.services.base import job

    with job(ctx, command) as current:
        yield current.session


def run_cli(*args: str, input: str | None = None, charset: str = "utf-8"):
    """Runs the real ``qzzc`` command in-process with ``args``; stdout and stderr apart, written
    in ``charset`` (``"gbk"``: a Chinese Windows console with output redirected)."""
    from qzzc.cli import app

    return CliRunner(charset=charset).invoke(app, list(args), input=input, catch_exceptions=False)


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
    "current_title": "助理工程师",
    "current_title_date": "2016-12-30",
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

    with writing(ctx) as session:
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


# -- meetings and draws made directly in a store (for tests of the tally) ----------------------


def expert_member(number: int, **changes) -> dict:
    """A drawn member as a draw stores it: ``{"name", "id_number", "unit", "key", "specialties"}``."""
    member = {
        "name": f"专家{number}",
        "id_number": f"33080219700101{number:03d}X",
        "unit": f"衢州市第{number}设计院",
        "key": f"{number:064x}",
        "specialties": ["建筑设计"],
    }
    return {**member, **changes}


def add_meeting(
    ctx,
    *,
    committee_seq: int = 3,
    date: str = "2021-09-28",
    size: int = 9,
    alternates: int = 2,
    year: int = 2021,
) -> int:
    """Stores a meeting with one active draw of ``size`` members and ``alternates`` alternates
    (members ``expert_member(1…size)``, alternates the next numbers); returns the meeting's id.
    The meeting is filed 10 days before its date and confirmed the day after (SPEC §11), drawn the
    day before."""
    import datetime as dt

    from qzzc.store.models import Draw, Meeting, Step

    with writing(ctx) as session:
        meeting = Meeting(
            year=year,
            committee_seq=committee_seq,
            date=dt.date.fromisoformat(date),
            created_at="2021-09-20T09:00:00+08:00",
        )
        session.add(meeting)
        session.flush()
        session.add(
            Draw(
                meeting_id=meeting.id,
                number=1,
                active=True,
                algorithm="qzzc-draw-1",
                seed="a" * 64,
                candidate_digest="b" * 64,
                size=size,
                alternates_count=alternates,
                members=[expert_member(i) for i in range(1, size + 1)],
                alternates=[expert_member(i) for i in range(size + 1, size + alternates + 1)],
                operator="测试员",
                created_at="2021-09-20T09:00:00+08:00",
                taken_on=meeting.date - dt.timedelta(days=1),
            )
        )
        for step, before in (("filing", 10), ("confirmation", 9)):
            session.add(
                Step(
                    meeting_id=meeting.id,
                    step=step,
                    on=meeting.date - dt.timedelta(days=before),
                    by="衢州市人力资源和社会保障局" if step == "confirmation" else None,
                    operator="测试员",
                    created_at="2021-09-20T09:00:00+08:00",
                )
            )
        return meeting.id


def file_and_confirm(ctx, committee: int = 3, date="2021-10-20", start=None, tmp=None) -> int:
    """Takes the steps before a draw as the commands do (SPEC §11): publishes the pre-review
    publicity from ``start`` (default: 40 days before ``date``; unless the committee has one), files
    the meeting on ``date`` a week before it, and records the HR bureau's confirmation the same
    day. Returns the meeting's id (an already filed meeting's too)."""
    import datetime as dt
    import tempfile
    from pathlib import Path

    from qzzc.services import procedure
    from qzzc.services.notices import render_notice
    from qzzc.store import queries

    day = dt.date.fromisoformat(date) if isinstance(date, str) else date
    with ctx.store.reading() as session:
        year = ctx.store.current_year(session)
        existing = queries.meeting_on(session, year, committee, day)
        published = queries.pre_reviews(session, year, committee)
    if existing is not None:
        return existing.id
    if not published:
        start = (
            dt.date.fromisoformat(start) if isinstance(start, str) else (start or day - dt.timedelta(days=40))
        )
        folder = Path(tmp or tempfile.mkdtemp())
        render_notice(
            ctx,
            "pre-review",
            folder / f"pre-review-{committee}.md",
            committee=committee,
            start=start,
            on=start,
        )
        with ctx.store.reading() as session:
            published = queries.pre_reviews(session, year, committee)
    on = day - dt.timedelta(days=7)
    filed = procedure.file_meeting(ctx, committee, day, on=on)
    procedure.confirm_meeting(ctx, filed.meeting, by="衢州市人力资源和社会保障局", on=on)
    return filed.meeting


def drawing(draw_experts):
    """``draw_experts`` with the steps before it taken first (``file_and_confirm``), drawn on the
    meeting's day unless ``on`` is given: for tests of the draw itself."""

    import contextlib

    from qzzc.errors import QzzcError

    def draw(ctx, committee, date, *args, **kwargs):
        with contextlib.suppress(QzzcError):  # the draw itself then says why (nothing filed, …)
            file_and_confirm(ctx, committee, date)
        kwargs.setdefault("on", date)
        return draw_experts(ctx, committee, date, *args, **kwargs)

    return draw


def add_verdicts(ctx, verdict: str = "eligible", **where) -> None:
    """Gives every stored applicant (matching ``where`` columns) a current verdict ``verdict``."""
    from sqlmodel import select

    from qzzc.store.models import Applicant, VerdictRecord

    with writing(ctx) as session:
        for applicant in session.exec(select(Applicant)):
            if any(getattr(applicant, key) != value for key, value in where.items()):
                continue
            session.add(
                VerdictRecord(
                    applicant_id=applicant.id,
                    verdict=verdict,
                    reasons=[],
                    data_hash=applicant.data_hash,
                    checked_at="2021-09-01T09:00:00+08:00",
                )
            )


def row_counts(ctx) -> dict[str, int]:
    """The number of rows of every table in ``ctx``'s store, to show a refusal wrote nothing."""
    from sqlalchemy import func
    from sqlmodel import SQLModel, select

    counts = {}
    with ctx.store.reading() as session:
        for name, table in SQLModel.metadata.tables.items():
            counts[name] = session.exec(select(func.count()).select_from(table)).one()
    return counts


# -- spreadsheets as units send them ---------------------------------------------------------

FORM_HEADERS = (
    "姓名", "身份证号", "工作单位", "单位性质", "单位隶属", "所在地区", "申报专业", "申报资格", "申报类型",
    "学历", "学位", "从事专业技术工作年限", "现职称", "现职称取得时间", "公需科目学时", "专业科目学时",
    "社保缴纳单位", "人事档案所在单位", "劳动合同单位", "单位公示开始日期", "单位公示结束日期", "年度考核", "学术造假", "联系电话",
)  # fmt: skip

IDS = ("330802199001011232", "330802198512030027", "330881199206151015", "33080219800101018X")


def form_row(**changes) -> dict:
    """One row of the applicant form, as text a clerk types, good for committee 3."""
    row = {
        "姓名": "张三", "身份证号": IDS[0], "工作单位": "衢州市建筑设计院", "单位性质": "企业",
        "单位隶属": "市属", "所在地区": "市本级", "申报专业": "建筑设计", "申报资格": "工程师",
        "申报类型": "正常申报", "学历": "本科", "学位": "学士", "从事专业技术工作年限": "6",
        "现职称": "助理工程师", "现职称取得时间": "2016-12-30",
        "公需科目学时": "60", "专业科目学时": "90", "社保缴纳单位": "衢州市建筑设计院",
        "人事档案所在单位": "衢州市建筑设计院", "劳动合同单位": "衢州市建筑设计院",
        "单位公示开始日期": "2021-06-21", "单位公示结束日期": "2021-06-25", "年度考核": "合格",
        "学术造假": "否", "联系电话": "13800001234",
    }  # fmt: skip
    row.update(changes)
    return row


def write_xlsx(path, rows, headers=FORM_HEADERS, titles=(), sheet="申报人员"):
    """Writes ``rows`` (dicts by header) under ``titles`` rows (merged across the header) with openpyxl."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for title in titles:
        ws.append([title])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(headers))
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(header) for header in headers])
    book.save(path)
    return path


def write_csv(path, rows, headers=FORM_HEADERS, encoding="utf-8"):
    import csv

    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(header, "") for header in headers])
    return path


def count_rows(ctx, model) -> int:
    from sqlmodel import func, select

    with ctx.store.reading() as session:
        return session.exec(select(func.count()).select_from(model)).one()


# -- experts and ID numbers made directly (for draw tests) ------------------------------------


def make_id(n: int, region: str = "330802") -> str:
    """A valid 18-character ID number, different for every ``n`` (birth dates from 1960 on)."""
    import datetime as dt

    born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def expert_row(n: int, **changes) -> dict:
    """The columns of one ``Expert`` of committee 3, numbered ``n``, with ``changes``."""
    row = {
        "id_number": make_id(n, "330881"),
        "name": f"专家{n}",
        "unit": f"单位{n}",
        "specialties": ["建筑设计"],
        "title": "高级工程师",
        "title_level": "副高级",
        "phone": f"1380000{n:04d}",
        "status": "在库",
        "committees": [3],
    }
    row.update(changes)
    return row


def add_experts(ctx, *rows: dict) -> None:
    """Stores experts (``expert_row`` dicts) in ``ctx``'s store."""
    from qzzc.store.models import Expert

    with writing(ctx) as session:
        for row in rows:
            session.add(Expert(**row))


def add_missing_verdicts(ctx, verdict: str = "eligible") -> None:
    """Gives every applicant without a verdict the verdict ``verdict`` on their current data."""
    from sqlmodel import select

    from qzzc.store.models import Applicant, VerdictRecord

    with writing(ctx) as session:
        done = set(session.exec(select(VerdictRecord.applicant_id)))
        for applicant in session.exec(select(Applicant)):
            if applicant.id not in done:
                session.add(
                    VerdictRecord(
                        applicant_id=applicant.id,
                        verdict=verdict,
                        data_hash=applicant.data_hash,
                        checked_at="2021-09-01T00:00:00+08:00",
                    )
                )


# -- many applicants (fault, fuzz and privacy harnesses) ---------------------------------------


def many_form_rows(count: int, start: int = 0) -> list[dict]:
    """``count`` good form rows for committee 3, each with its own valid ID number and mobile."""
    from qzzc.core.ids import check_digit

    rows = []
    for index in range(start, start + count):
        first17 = f"330802{1960 + index % 40}{1 + index % 12:02d}{1 + index % 28:02d}{index % 1000:03d}"
        if index >= 1000:
            first17 = f"3308{index // 1000 % 100:02d}" + first17[6:]
        rows.append(
            form_row(
                姓名=f"申报人{index}",
                身份证号=first17 + check_digit(first17),
                联系电话=f"139{index:08d}",
            )
        )
    return rows


EXPERT_HEADERS = (
    "姓名",
    "身份证号",
    "工作单位",
    "所在地区",
    "专业",
    "职称",
    "职称级别",
    "联系电话",
    "状态",
    "所属评委会",
)


def many_expert_rows(count: int) -> list[dict]:
    """``count`` good expert-pool rows of committee 3 (建筑设计), each with its own ID and mobile."""
    from qzzc.core.ids import check_digit

    rows = []
    for index in range(count):
        first17 = f"330881{1950 + index % 20}0{1 + index % 9}{10 + index % 18:02d}{index % 1000:03d}"
        rows.append(
            {
                "姓名": f"专家{index}", "身份证号": first17 + check_digit(first17), "工作单位": f"衢州市第{index}设计院",
                "所在地区": "市本级", "专业": "建筑设计", "职称": "高级工程师", "职称级别": "副高级",
                "联系电话": f"137{index:08d}", "状态": "在库", "所属评委会": "3",
            }
        )  # fmt: skip
    return rows
