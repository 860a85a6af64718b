"""Speed of the draw (SPEC §15: ``qzzc draw-experts`` with 100,000 applicants under review and
10,000 experts ≤ 1 s): 15 members and 5 alternates, with two quotas.

Run: ``.venv/bin/python bench/draw.py [EXPERTS] [APPLICANTS] [DB_URL]``. Prints the time of the
pure core (screening the pool for exclusions, then keying and ordering the candidates and
seating the committee), best of five; the time of the whole ``draw_experts`` service on a fresh
store (load the pool and applicants, draw, write the meeting, the draw with its candidate list,
the seats, the applicants under review and the audit entry); then the whole ``qzzc draw-experts``
command run as a user runs it (a new process, output to /dev/null), three times, each for a
meeting of its own, wall-clock and CPU seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from qzzc.core import draw as core
from qzzc.core.rules import normalise_unit
from qzzc.services import procedure
from qzzc.services.base import Context, job
from qzzc.services.draw import draw_experts, verify_meeting
from qzzc.services.plan import init_store
from qzzc.store.db import Store
from qzzc.store.models import Applicant, Expert, Publicity, PublicityApplicant, VerdictRecord

SPECIALTIES = ["建筑设计", "给排水", "暖通", "电气", "结构", "岩土", "风景园林（景观设计）", "工程造价"]
QUOTAS = [("给排水", 2), ("电气", 2)]


def expert_rows(count: int) -> list[dict]:
    return [
        {
            "id_number": f"3308{n:014d}",
            "name": f"专家{n}",
            "unit": f"衢州市第{n % 1500}单位",
            "specialties": [SPECIALTIES[n % len(SPECIALTIES)], SPECIALTIES[(n * 7) % len(SPECIALTIES)]],
            "title": "高级工程师",
            "title_level": "副高级",
            "phone": "13800000000",
            "status": "暂停" if n % 50 == 0 else "在库",
            "committees": [3],
            "data_hash": "",
            "imported_at": "",
        }
        for n in range(count)
    ]


def applicant_rows(count: int) -> list[dict]:
    rows = []
    for n in range(count):
        row = {
            "year": 2021, "committee_seq": 3, "id_number": f"3309{n:014d}", "name": f"申报人{n}",
            "gender": "男", "birth_date": dt.date(1985, 1, 1), "unit": f"衢州市第{1000 + n % 400}单位",
            "specialty": "建筑设计", "title": "工程师", "application_type": "正常申报", "education": "本科",
            "years_of_work": 6, "public_hours": 60.0, "professional_hours": 90.0,
        }  # fmt: skip
        row["data_hash"] = hashlib.sha256(json.dumps(row, default=str).encode()).hexdigest()
        rows.append(row)
    return rows


def best_of(runs: int, function) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    experts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    applicants = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    url = sys.argv[3] if len(sys.argv) > 3 else None
    pool_rows, applicant_list = expert_rows(experts), applicant_rows(applicants)

    pool = [
        core.PoolExpert(r["id_number"], r["name"], r["unit"], tuple(r["specialties"]), r["status"])
        for r in pool_rows
    ]
    review_units = {normalise_unit(a["unit"]): a["id_number"] for a in applicant_list}
    applicant_ids = [a["id_number"] for a in applicant_list]
    seed = "f" * 64

    def core_draw():
        screening = core.screen(
            pool,
            review_units=review_units,
            applicant_ids=applicant_ids,
            seated_ids=(),
            conflicts={},
            normalise_unit=normalise_unit,
        )
        core.candidate_digest(c.id_number for c in screening.candidates)
        return core.draw(seed, screening.candidates, 15, 5, QUOTAS), screening

    core_draw()
    seconds = best_of(5, core_draw)
    _result, screening = core_draw()
    print(
        f"core draw: {experts:,} experts, {applicants} applicants under review, "
        f"{len(screening.candidates):,} candidates ({screening.excluded_counts}, {screening.suspended} 暂停), "
        f"15 members + 5 alternates, quotas {QUOTAS}: {seconds * 1000:.1f} ms (best of 5)"
    )

    with tempfile.TemporaryDirectory() as folder:
        ctx = Context(Store(url or f"sqlite:///{Path(folder) / 'bench.db'}"), "bench")
        init_store(ctx)
        with job(ctx, "bench-fill") as current:  # as a command writes: sealed by an audit entry
            session = current.session
            session.execute(insert(Expert), pool_rows)
            session.execute(insert(Applicant), applicant_list)
            ids = session.execute(
                Applicant.__table__.select().with_only_columns(Applicant.id, Applicant.data_hash)
            )
            session.execute(
                insert(VerdictRecord),
                [
                    {
                        "applicant_id": i,
                        "verdict": "eligible",
                        "reasons": [],
                        "data_hash": h,
                        "checked_at": "",
                    }
                    for i, h in ids
                ],
            )
            # SPEC §11: every applicant on a pre-review publicity that ended before the filing.
            publicity = Publicity(
                year=2021, committee_seq=3, stage="pre_review", start=dt.date(2021, 9, 24),
                end=dt.date(2021, 9, 30), working_days=5, published_on=dt.date(2021, 9, 23), created_at="",
            )  # fmt: skip
            session.add(publicity)
            session.flush()
            session.execute(
                insert(PublicityApplicant),
                [{"publicity_id": publicity.id, "applicant_id": i} for i, _ in session.execute(
                    Applicant.__table__.select().with_only_columns(Applicant.id, Applicant.data_hash))],
            )  # fmt: skip
        for day in (15, 16, 17, 18):  # filed and confirmed, as SPEC §11 requires before a draw
            filed = procedure.file_meeting(ctx, 3, dt.date(2021, 10, day), on=dt.date(2021, 10, 6))
            procedure.confirm_meeting(
                ctx, filed.meeting, by="衢州市人力资源和社会保障局", on=dt.date(2021, 10, 8)
            )
        start = time.perf_counter()
        outcome = draw_experts(
            ctx, 3, dt.date(2021, 10, 15), 15, 5, seed=seed, quotas=QUOTAS, on=dt.date(2021, 10, 11)
        )
        service = time.perf_counter() - start
        start = time.perf_counter()
        problems = verify_meeting(ctx, outcome.meeting).problems
        verify = time.perf_counter() - start
        print(
            f"service draw_experts on {ctx.store.where if url else 'SQLite'}: {service * 1000:.0f} ms "
            f"(load, draw, write {outcome.candidates:,} candidates and 20 seats, audit); "
            f"--verify: {verify * 1000:.0f} ms, {problems if problems else 'ok'}"
        )
        ctx.store.dispose()
        for day in (16, 17, 18):
            wall, cpu = command(ctx.store.url, day, seed)
            print(f"qzzc draw-experts (command), meeting of 2021-10-{day}: {wall:.2f} s (CPU {cpu:.2f})")


def command(url: str, day: int, seed: str) -> tuple[float, float]:
    """Runs ``qzzc draw-experts`` as a user does; its wall-clock and CPU seconds."""
    argv = [sys.executable, "-m", "qzzc", "draw-experts", "--committee", "3", "--date", f"2021-10-{day}"]
    argv += ["--size", "15", "--alternates", "5", "--seed", seed, "--on", "2021-10-11"]
    for specialty, count in QUOTAS:
        argv += ["--quota", f"{specialty}={count}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, env={**os.environ, "QZZC_DB": url}, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


if __name__ == "__main__":
    os.environ.setdefault("QZZC_OPERATOR", "bench")
    main()
