"""``qzzc --help`` stays fast: it loads none of the heavy libraries."""

import json
import os
import subprocess
import sys

HEAVY = ["sqlalchemy", "sqlmodel", "openpyxl", "jinja2", "python_calamine", "psycopg"]


def test_help_loads_no_heavy_library():
    code = (
        "import sys, json\n"
        "from qzzc.cli import app\n"
        "try:\n    app(['--help'], prog_name='qzzc')\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    assert "衢州职称评审办公室工具" in done.stdout


def test_python_m_qzzc_runs():
    done = subprocess.run([sys.executable, "-m", "qzzc", "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "qzzc 0.1.0")


def test_help_pages_are_chinese():
    for args in (
        ["--help"],
        ["import", "-h"],
        ["meeting", "show", "--help"],
        ["meeting"],
        ["--db", "x.db", "plan"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "qzzc", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "120"},
        )
        # A group named alone shows its help and exits 2 (no command was run), with no error line.
        assert (done.returncode, done.stderr) == (2 if args[-1] in ("meeting", "plan") else 0, "")
        assert "显示本帮助后退出。" in done.stdout
        assert "选项" in done.stdout
        assert "Show this message" not in done.stdout
        assert "Options" not in done.stdout
