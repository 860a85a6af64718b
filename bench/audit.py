"""Prints how long the protected-state digest, an empty writing job (which takes it twice: the
check before it writes and the entry after) and ``qzzc audit verify`` take on a SQLite store with
100,000 applicants and their verdicts; then the whole ``qzzc audit verify`` command (SPEC §15:
≤ 1 s), run as a user runs it, three times, wall-clock and CPU seconds.

Run: .venv/bin/python bench/audit.py [N] [POSTGRESQL_URL] (with a URL, in a fresh schema there,
dropped afterwards).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import insert

from qzzc.services.audit import protected_state, verify
from qzzc.services.base import Context, job
from qzzc.services.plan import init_store
from qzzc.store.db import Store
from qzzc.store.models import Applicant, VerdictRecord


def main(count: int, url: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder, _schema(url) as server:
        ctx = Context(store=Store(server or f"sqlite:///{Path(folder) / 'bench.db'}"), operator="bench")
        print(f"store: {'PostgreSQL' if server else 'SQLite'}")
        init_store(ctx)
        with job(ctx, "bench-fill") as current:
            connection = current.session.connection()
            applicants = [
                {
                    "year": 2021, "committee_seq": 1 + i % 25, "id_number": f"{330802199001010000 + i}"[:18],
                    "name": "张三", "gender": "男", "birth_date": dt.date(1990, 1, 1), "unit": "衢州市某单位",
                    "unit_type": "企业", "region": "市本级", "specialty": "建筑设计", "title": "工程师",
                    "application_type": "正常申报", "education": "本科", "degree": "学士", "years_of_work": 5,
                    "public_hours": 60.0, "professional_hours": 90.0, "assessment": "合格", "fraud": False,
                    "phone": "13800000000", "data_hash": "0" * 64, "source_file": "a.xlsx", "source_row": i + 2,
                    "imported_at": "2021-09-01T10:00:00+08:00",
                }
                for i in range(count)
            ]  # fmt: skip
            connection.execute(insert(Applicant.__table__), applicants)
            ids = [row[0] for row in connection.exec_driver_sql("SELECT id FROM applicants")]
            verdicts = [
                {
                    "applicant_id": i, "verdict": "ineligible",
                    "reasons": [{"rule": "cpd.public", "message": "公需科目学时 53，少于 54", "figures": {"hours": 53.0}}],
                    "data_hash": "0" * 64, "checked_at": "2021-09-02T10:00:00+08:00", "settled": False,
                }
                for i in ids
            ]  # fmt: skip
            connection.execute(insert(VerdictRecord.__table__), verdicts)
        for label, run in (
            ("protected_state", lambda: _state(ctx)),
            ("empty job (check before + entry after)", lambda: _empty_job(ctx)),
            ("audit verify", lambda: verify(ctx)),
        ):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                run()
                times.append(time.perf_counter() - started)
            print(f"{label}: {count} applicants + verdicts: best {min(times):.3f} s of 3")
        import qzzc.audit.kinds as audit

        every = audit.KINDS
        for kind in every:
            audit.KINDS = (kind,)
            started = time.perf_counter()
            _state(ctx)
            print(f"  digest of {kind.name}: {time.perf_counter() - started:.3f} s")
        audit.KINDS = every
        if not server:
            with ctx.store.reading() as session:
                started = time.perf_counter()
                session.connection().exec_driver_sql("PRAGMA integrity_check").all()
                print(f"  PRAGMA integrity_check: {time.perf_counter() - started:.3f} s")
        ctx.store.dispose()
        for number in (1, 2, 3):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            argv = [sys.executable, "-m", "qzzc", "audit", "verify"]
            subprocess.run(
                argv, check=True, env={**os.environ, "QZZC_DB": ctx.store.url}, stdout=subprocess.DEVNULL
            )
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            print(f"qzzc audit verify (command), run {number}: {wall:.2f} s (CPU {cpu:.2f})")


def _empty_job(ctx: Context) -> None:
    with job(ctx, "bench-empty"):
        pass


def _state(ctx: Context) -> None:
    with ctx.store.reading() as session:
        protected_state(session.connection())


@contextmanager
def _schema(url: str | None) -> Iterator[str | None]:
    if url is None:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_audit_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None)
