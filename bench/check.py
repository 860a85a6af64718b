"""Speed of ``qzzc check`` on 100,000 applicants (SPEC §5; target: the rules ≤ 1 s per 100,000,
the whole command bound by the store).

Run: ``.venv/bin/python bench/check.py [N] [DB_URL]``. Builds a fresh store (a SQLite file in a
temporary folder unless a URL is given), inserts N applicants with Core ``executemany``, then
prints the time of the service (load, rules, write) with the rules' share, and the time of the
whole ``qzzc check`` command run as a user runs it (a new process, output to /dev/null), once on
fresh verdicts and once replacing them.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
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


def main(count: int = 100_000, url: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite:///{Path(folder) / 'bench.db'}"
        ctx = Context(store=Store(url), operator="bench")
        init_store(ctx)
        rows = applicants(count, list_committees(ctx))
        started = time.perf_counter()
        with job(ctx, "bench-fill") as current:  # as a command writes: sealed by an audit entry
            current.session.execute(insert(Applicant.__table__), rows)  # type: ignore[attr-defined]
        print(f"{'insert applicants':>28}: {time.perf_counter() - started:6.2f} s ({count:,} rows)")

        for label in ("service, first check", "service, check again"):
            started = time.perf_counter()
            result = check_eligibility(ctx)
            total = time.perf_counter() - started
            print(
                f"{label:>28}: {total:6.2f} s, of which rules {result.rules_seconds:5.2f} s "
                f"({result.rules_seconds / total:.0%}); {result.counts}"
            )
            phases = ", ".join(f"{name} {seconds:.2f}" for name, seconds in result.timings.items())
            print(
                f"{'':>28}  phases (s): {phases}; commit and audit: {total - sum(result.timings.values()):.2f}"
            )
        per_100k = result.rules_seconds * 100_000 / count
        print(f"{'rules per 100,000':>28}: {per_100k:6.2f} s (target ≤ 1.00)")

        env = {**os.environ, "QZZC_DB": url}
        for label in ("qzzc check (command)", "qzzc check --json"):
            argv = [sys.executable, "-m", "qzzc", "check"] + (["--json"] if "json" in label else [])
            started = time.perf_counter()
            subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL)
            print(f"{label:>28}: {time.perf_counter() - started:6.2f} s")
        ctx.store.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None)
