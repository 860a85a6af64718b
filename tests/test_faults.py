"""Faults: an import killed with SIGKILL at any moment leaves the store sound and the import all
or nothing (SPEC §2, §10).

The harness runs one whole import of a large file and times its phases: reading (until SQLite's
rollback journal appears, i.e. the write transaction has started) and writing (until the process
ends). It then runs the import again on fresh copies of an initialised store and kills it at
fractions of the reading phase, and at fractions of the writing phase counted from the moment the
journal appears, so that kills land while the file is read, while rows are written, and around the
commit, whatever the machine's speed or load. Each time: ``PRAGMA integrity_check`` is ok, the
applicants are 0 or all of them, the audit entries match (one more exactly when the applicants
are there), and ``qzzc audit verify`` passes.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from helpers import many_form_rows, run_cli, write_csv

ROWS = int(os.environ.get("QZZC_FAULT_ROWS", "10000"))
READING = (0.3, 0.8)  # fractions of the reading phase
WRITING = (0.0, 0.05, 0.15, 0.3, 0.5, 0.7, 0.9, 1.0, 1.2)  # fractions of the writing phase

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only"),
]


def _start(db, data) -> subprocess.Popen:
    command = [sys.executable, "-m", "qzzc", "--db", str(db), "import", str(data), "--committee", "3"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _journal(db):
    return db.with_name(db.name + "-journal")


def _wait_for_journal(process: subprocess.Popen, db) -> bool:
    """Waits until the write transaction has started (True), or the process has ended (False)."""
    while process.poll() is None:
        if _journal(db).exists():
            return True
        time.sleep(0.001)
    return False


def _state(db) -> tuple[str, int, int]:
    connection = sqlite3.connect(db)  # opening rolls back a hot journal left by the kill
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        applicants = connection.execute("SELECT count(*) FROM applicants").fetchone()[0]
        entries = connection.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
    finally:
        connection.close()
    return integrity, applicants, entries


def test_an_import_killed_at_any_moment_is_all_or_nothing(tmp_path):
    data = write_csv(tmp_path / "applicants.csv", many_form_rows(ROWS))
    template = tmp_path / "template.db"
    assert run_cli("--db", str(template), "init").exit_code == 0

    timed = tmp_path / "timed.db"
    shutil.copy(template, timed)
    started = time.perf_counter()
    process = _start(timed, data)
    assert _wait_for_journal(process, timed)
    reading = time.perf_counter() - started
    _, stderr = process.communicate(timeout=300)
    writing = time.perf_counter() - started - reading
    assert process.returncode == 0, stderr.decode()
    assert _state(timed) == ("ok", ROWS, 2)

    plans = [("reading", fraction) for fraction in READING] + [("writing", fraction) for fraction in WRITING]
    outcomes = []
    for number, (phase, fraction) in enumerate(plans):
        db = tmp_path / f"killed{number}.db"
        shutil.copy(template, db)
        process = _start(db, data)
        if phase == "reading":
            time.sleep(reading * fraction)
        elif _wait_for_journal(process, db):
            time.sleep(writing * fraction)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        hot = _journal(db).exists() and _journal(db).stat().st_size > 0
        integrity, applicants, entries = _state(db)
        assert integrity == "ok", (phase, fraction, integrity)
        assert (applicants, entries) in {(0, 1), (ROWS, 2)}, (phase, fraction, applicants, entries)
        verified = run_cli("--db", str(db), "audit", "verify")
        assert verified.exit_code == 0, (phase, fraction, verified.stderr)
        outcomes.append((phase, fraction, process.returncode, applicants, hot))
    print(f"\nimport of {ROWS} rows: reading {reading:.2f} s, writing {writing:.2f} s")
    for outcome in outcomes:
        phase, fraction, code, applicants, hot = outcome
        print(f"  {phase} {fraction:.2f}: exit {code}, applicants {applicants}, hot journal {hot}")
    # The kills must have hit inside the write transaction for the test to mean anything.
    assert any(hot and code == -signal.SIGKILL for _, _, code, _, hot in outcomes)
