"""Speed of ``qzzc check`` on 100,000 applicants (SPEC §15: the whole command ≤ 3 s on SQLite,
≤ 5 s on PostgreSQL).

Run: ``.venv/bin/python bench/check.py [N] [POSTGRESQL_URL]``. Three times, on a fresh store (a
SQLite file in a temporary folder, or a new schema of the PostgreSQL database at the URL, dropped
afterwards) holding N applicants inserted with Core ``executemany``: the time of the whole
``qzzc check`` command run as a user runs it (a new process, output to /dev/null), wall-clock and
CPU, first on no verdicts, then again on the unchanged store, then again with ``--json``. Then,
once, the service's phases (load, rules, write) of a first check and a second.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import insert

from qzzc.core.titles import LEVEL_OF_TITLE, Level, level_of
from qzzc.services.base import Context, job
from qzzc.services.eligibility import check_eligibility
from qzzc.services.plan import init_store, list_committees
from qzzc.store.db import Store
from qzzc.store.models import Applicant

REGIONS = ["市本级"] * 4 + ["柯城区", "衢江区", "江山市", "常山县", "开化县", "龙游县", "市外"]
EDUCATIONS = ["中专", "大专", "本科", "本科", "本科", "研究生"]
STARTS = [dt.date(2021, 6, 21), dt.date(2021, 9, 28), dt.date(2021, 6, 10), dt.date(2021, 7, 5)]


# A title of each level, to hold as 现职称 one level below the title applied for.
_LEVELS = list(Level)
ONE_BELOW = {
    level: next(
        title for title, found in LEVEL_OF_TITLE.items() if found == _LEVELS[_LEVELS.index(level) - 1]
    )
    for level in _LEVELS[1:]
}


def applicants(count: int, committees, seed: int = 2021) -> list[dict]:
    """``count`` applicants spread over the committees, most passing, some breaking each rule."""
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        committee = committees[number % len(committees)]
        unit = f"衢州市第{number % 997}单位"
        start = rng.choice(STARTS)
        rows.append(
            {
                "year": 2021,
                "committee_seq": committee.seq,
                "id_number": f"3308{number:014d}",
                "name": f"申报人{number}",
                "gender": "男" if number % 2 else "女",
                "birth_date": dt.date(1985, 1, 1),
                "unit": unit,
                "unit_type": rng.choice(["企业", "事业单位", "机关"]),
                "unit_affiliation": rng.choice(["市属", "县（市、区）属", "省部属"]),
                "region": rng.choice(REGIONS),
                "specialty": rng.choice(committee.specialties),
                "title": (title := rng.choice(committee.titles)),
                # one level below the title applied for (title.sequence), held since 2015
                "current_title": ONE_BELOW.get(level_of(title)),
                "current_title_date": dt.date(2015, 6, 30),
                "application_type": "初定" if number % 10 == 0 else "正常申报",
                "education": rng.choice(EDUCATIONS),
                "degree": rng.choice(["学士", "硕士", None]),
                "years_of_work": rng.randint(0, 12),
                "public_hours": float(rng.randint(45, 120)),
                "professional_hours": float(rng.randint(30, 200)),
                "social_insurance_unit": unit if rng.random() < 0.95 else "其他单位",
                "archive_unit": unit,
                "contract_unit": unit,
                "dispatched": rng.random() < 0.02,
                "dispatch_approved": rng.random() < 0.5,
                "entrust_letter": rng.random() < 0.8,
                "post_ratio_confirmed": rng.random() < 0.9,
                "publicity_start": start,
                "publicity_end": start + dt.timedelta(days=rng.randint(4, 10)),
                "assessment": rng.choice(
                    ["优秀", "合格", "合格", "合格", "基本合格", "不合格"] + ["合格"] * 14
                ),
                "fraud": rng.random() < 0.001,
                "data_hash": f"{number:064x}",
            }
        )
    return rows


def main(count: int = 100_000, url: str | None = None, rounds: int = 3) -> None:
    with tempfile.TemporaryDirectory() as folder:
        pristine = Path(folder) / "pristine.db"
        if url is None:
            fill(f"sqlite:///{pristine}", count)
        print(
            f"qzzc check over {count:,} applicants on {'PostgreSQL' if url else 'SQLite'} (target ≤ {5 if url else 3} s)"
        )
        for number in range(1, rounds + 1):
            with _store(url, pristine, Path(folder) / f"round{number}.db", count) as where:
                figures = [
                    f"{label} {wall:5.2f} s (CPU {cpu:4.2f})"
                    for label, wall, cpu in (
                        ("first", *command(where, [])),
                        ("again", *command(where, [])),
                        ("again --json", *command(where, ["--json"])),
                    )
                ]
                print(f"  run {number}: " + "; ".join(figures))
        with _store(url, pristine, Path(folder) / "phases.db", count) as where:
            ctx = Context(store=Store(where), operator="bench")
            for label in ("service, first check", "service, check again"):
                started = time.perf_counter()
                result = check_eligibility(ctx)
                total = time.perf_counter() - started
                phases = ", ".join(f"{name} {seconds:.2f}" for name, seconds in result.timings.items())
                print(
                    f"{label:>22}: {total:5.2f} s, {result.written:,} verdicts written; phases (s): {phases}; "
                    f"audit check, entry and commit: {total - sum(result.timings.values()):.2f}"
                )
            ctx.store.dispose()


def fill(url: str, count: int) -> None:
    """A store at ``url`` with the plan and ``count`` applicants, as a command writes them."""
    ctx = Context(store=Store(url), operator="bench")
    init_store(ctx)
    rows = applicants(count, list_committees(ctx))
    with job(ctx, "bench-fill") as current:  # as a command writes: sealed by an audit entry
        current.session.execute(insert(Applicant.__table__), rows)  # type: ignore[attr-defined]
    ctx.store.dispose()


def command(url: str, options: list[str]) -> tuple[float, float]:
    """Runs ``qzzc check`` as a user does (a new process, output to /dev/null); its wall-clock and
    CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    argv = [sys.executable, "-m", "qzzc", "check", *options]
    subprocess.run(argv, check=True, env={**os.environ, "QZZC_DB": url}, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


@contextmanager
def _store(url: str | None, pristine: Path, path: Path, count: int) -> Iterator[str]:
    """A fresh store with the applicants and no verdict: a copy of ``pristine``, or a new schema
    of the PostgreSQL database at ``url``, filled (and dropped afterwards)."""
    if url is None:
        shutil.copyfile(pristine, path)
        yield f"sqlite:///{path}"
        path.unlink()
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_check_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        where = (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
        fill(where, count)
        yield where
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None)
