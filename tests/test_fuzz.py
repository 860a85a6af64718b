"""Bad input, everywhere: mutated files fed to every command that reads one.

Each target is one line of ``TARGETS``: a name, the command's arguments for an input file, and
the seed file's grid (header and rows) with its format. A case writes the grid (perhaps with one
cell replaced by an odd value), perhaps mutates the bytes (flipped bytes, a truncation, inserted
junk), runs the command on a fresh copy of an initialised store and asserts: exit 0 or 1, no
traceback and no internal error, and a refusal (exit 1) writes nothing (the audit entries and
``audit verify`` unchanged).

A CSV case may also be mutated as text (a stray quote, another delimiter, another encoding, bare
carriage returns, a row 300 columns wide, a BOM or a control character inside). An ``.xls`` target
starts from a file LibreOffice wrote (``tests/fixtures``; ``soffice --headless --convert-to xls``
of the same grid), whose bytes are mutated, four of them at a time among others: the way
python-calamine was found to abort the process (``tests/sheets/test_hostile.py``).

``QZZC_FUZZ_N`` sets the cases per target (default 24; run a few hundred locally:
``QZZC_FUZZ_N=300 .venv/bin/python -m pytest tests/test_fuzz.py -s``). ``QZZC_FUZZ_SEED`` varies them.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import EXPERT_HEADERS, FORM_HEADERS, many_expert_rows, many_form_rows, run_cli

CASES = int(os.environ.get("QZZC_FUZZ_N", "24"))
SEED = int(os.environ.get("QZZC_FUZZ_SEED", "2021"))

ODD_VALUES: tuple[Any, ...] = (
    "", " ", "　", "x" * 100_000, "衢" * 40_000, "\x00", "a\x00b", 1e308, -1e308, 0, -1, 2**63, 1e-308,
    True, False, "=1+1", "=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "3.30802199001011E+17",
    "330802199001011234", "33080219900101123X", "2021-02-30", "9999年99月99日", "NaN", "inf", "\ufeff",
    "\u202e反转", "🙂", "<script>alert(1)</script>", "{{ 7*7 }}", "${x}", "'; DROP TABLE applicants; --",
    "\r\n", "\"", ",", "54学时", "５４", "-54",
)  # fmt: skip
XLSX_ILLEGAL = ("\x00",)  # openpyxl refuses to write these characters at all


@dataclass(frozen=True)
class Target:
    name: str
    args: Callable[[Path], list[str]]  # the command line for an input file
    seed: Callable[[], tuple[str, list[list[Any]]]]  # (".csv" or ".xlsx", header row + rows)
    store: Callable[[Path], None] = lambda db: None  # readies an initialised store for the command
    fixture: str | None = None  # a committed .xls of the seed's grid, mutated as bytes only


def _plan_seed() -> tuple[str, list[list[Any]]]:
    from qzzc.resources import data_file

    text = data_file("plan2021.csv").read_text(encoding="utf-8-sig")
    return ".csv", [list(row) for row in csv.reader(io.StringIO(text))]


def _applicants_seed(suffix: str) -> Callable[[], tuple[str, list[list[Any]]]]:
    def seed() -> tuple[str, list[list[Any]]]:
        rows = many_form_rows(12)
        return suffix, [list(FORM_HEADERS), *([row[header] for header in FORM_HEADERS] for row in rows)]

    return seed


def _meeting_store(db: Path) -> None:
    """Applicants of committee 3, all eligible, and meeting 1 with 9 members drawn; sealed by a job
    so that ``audit verify`` holds."""
    from helpers import add_meeting, add_verdicts, write_csv

    from qzzc.services.base import Context, job
    from qzzc.store.db import Store

    data = write_csv(db.with_name("applicants.csv"), many_form_rows(12))
    assert run_cli("--db", str(db), "import", str(data), "--committee", "3").exit_code == 0
    ctx = Context(store=Store(f"sqlite:///{db}"), operator="测试员")
    add_verdicts(ctx)
    add_meeting(ctx)
    with job(ctx, "test-seal"):
        pass
    ctx.store.dispose()


def _counts_seed(suffix: str) -> Callable[[], tuple[str, list[list[Any]]]]:
    def seed() -> tuple[str, list[list[Any]]]:
        rows = [[row["身份证号"], row["姓名"], 6, 1, 0] for row in many_form_rows(12)]
        return suffix, [["身份证号", "姓名", "同意", "不同意", "弃权"], *rows]

    return seed


def _experts_seed(suffix: str) -> Callable[[], tuple[str, list[list[Any]]]]:
    def seed() -> tuple[str, list[list[Any]]]:
        rows = many_expert_rows(12)
        return suffix, [list(EXPERT_HEADERS), *([row[header] for header in EXPERT_HEADERS] for row in rows)]

    return seed


def _pool_store(db: Path) -> None:
    """Applicants of committee 3 imported and checked, and 20 experts of committee 3; the meeting
    of 2021-10-15 filed after the pre-review publicity and confirmed (SPEC §11)."""
    from helpers import write_csv

    data = write_csv(db.with_name("applicants.csv"), many_form_rows(12))
    experts = write_csv(db.with_name("experts.csv"), many_expert_rows(20), EXPERT_HEADERS)
    notice = str(db.with_name("评前公示.md"))
    for args in (
        ["import", str(data), "--committee", "3"],
        ["check"],
        ["experts", "import", str(experts)],
        ["notice", "pre-review", "-c", "3", "--start", "2021-09-01", "--on", "2021-09-01", "-o", notice],
        ["meeting", "file", "-c", "3", "--date", "2021-10-15", "--on", "2021-09-10"],
        ["meeting", "confirm", "1", "--by", "衢州市人力资源和社会保障局", "--on", "2021-09-10"],
    ):
        assert run_cli("--db", str(db), *args).exit_code == 0


def _conflicts_seed() -> tuple[str, list[list[Any]]]:
    experts, applicants = many_expert_rows(4), many_form_rows(4)
    rows = [[e["身份证号"], a["身份证号"], "亲属关系"] for e, a in zip(experts, applicants, strict=True)]
    return ".csv", [["专家身份证号", "申报人身份证号", "原因"], *rows]


DRAW = [
    "draw-experts",
    "--committee",
    "3",
    "--date",
    "2021-10-15",
    "--size",
    "9",
    "--alternates",
    "2",
    "--seed",
    "abc",
    "--on",
    "2021-10-15",
]

TALLY = ["tally", "1", "--attending", "9"]  # all present: --absent is not needed

# One line per reading command: name, arguments for the input file, seed file, store set-up.
TARGETS = (
    Target("init --plan", lambda path: ["init", "--plan", str(path)], _plan_seed),
    Target("import csv", lambda path: ["import", str(path), "--committee", "3"], _applicants_seed(".csv")),
    Target("import xlsx", lambda path: ["import", str(path), "--committee", "3"], _applicants_seed(".xlsx")),
    Target("experts import csv", lambda path: ["experts", "import", str(path)], _experts_seed(".csv")),
    Target("experts import xlsx", lambda path: ["experts", "import", str(path)], _experts_seed(".xlsx")),
    Target("draw-experts --conflicts", lambda path: [*DRAW, "--conflicts", str(path)], _conflicts_seed, _pool_store),
    Target("tally --counts csv", lambda path: [*TALLY, "--counts", str(path)], _counts_seed(".csv"), _meeting_store),
    Target("tally --counts xlsx", lambda path: [*TALLY, "--counts", str(path)], _counts_seed(".xlsx"), _meeting_store),
    Target("import xls", lambda path: ["import", str(path), "--committee", "3"], _applicants_seed(".xls"), fixture="applicants.xls"),
    Target("experts import xls", lambda path: ["experts", "import", str(path)], _experts_seed(".xls"), fixture="experts.xls"),
    Target("tally --counts xls", lambda path: [*TALLY, "--counts", str(path)], _counts_seed(".xls"), _meeting_store, "counts.xls"),
)  # fmt: skip
FIXTURES = Path(__file__).parent / "fixtures"


# -- making the cases -------------------------------------------------------------------------


def _write(suffix: str, grid: list[list[Any]]) -> bytes:
    if suffix == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["" if cell is None else str(cell) for cell in row] for row in grid])
        return buffer.getvalue().encode("utf-8")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in grid:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CSV_TEXT = ("quote", "delimiter", "encoding", "carriage", "wide", "bom", "control")


def _mutate(rng: random.Random, target: Target) -> tuple[str, bytes]:
    """Returns how the case was made and its bytes."""
    suffix, grid = target.seed()
    if target.fixture is not None:
        how = rng.choice(("bytes4", "bytes4", "flip", "truncate", "insert"))
        return how, _mutate_bytes(rng, how, bytearray((FIXTURES / target.fixture).read_bytes()))
    if suffix == ".csv" and rng.random() < 0.4:
        how = rng.choice(CSV_TEXT)
        return how, _mutate_csv(rng, how, _write(suffix, grid).decode("utf-8"))
    grid = [list(row) for row in grid]
    how = rng.choice(("cell", "cell", "cells", "flip", "truncate", "insert", "cell+flip"))
    if how.startswith("cell"):
        for _ in range(1 if how != "cells" else rng.randint(2, 12)):
            row = rng.randrange(len(grid))
            column = rng.randrange(len(grid[row]))
            value = rng.choice(ODD_VALUES)
            if suffix == ".xlsx" and isinstance(value, str) and any(c in value for c in XLSX_ILLEGAL):
                value = value.replace("\x00", "")
            grid[row][column] = value
    return how, _mutate_bytes(rng, how, bytearray(_write(suffix, grid)))


def _mutate_bytes(rng: random.Random, how: str, data: bytearray) -> bytes:
    if how in ("flip", "cell+flip"):
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif how == "bytes4":
        for _ in range(4):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif how == "truncate":
        del data[rng.randrange(len(data)) :]
    elif how == "insert":
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.randbytes(rng.randint(1, 64))
    return bytes(data)


def _mutate_csv(rng: random.Random, how: str, text: str) -> bytes:
    """A CSV file mutated as text, the ways files from many units go wrong."""
    at = rng.randrange(len(text) + 1)
    if how == "quote":
        text = text[:at] + '"' + text[at:]
    elif how == "delimiter":
        text = text.replace(",", rng.choice([";", "\t", "，", "|"]))
    elif how == "encoding":
        return text.encode(rng.choice(["gb18030", "utf-16", "big5", "latin-1"]), errors="replace")
    elif how == "carriage":
        text = text.replace("\n", rng.choice(["\r", "\r\r\n", "\n\n"]))
    elif how == "wide":
        text += "x" + "," * rng.choice([199, 200, 300]) + "y\n"
    elif how == "bom":
        text = text[:at] + "\ufeff" + text[at:]
    elif how == "control":
        text = text[:at] + rng.choice(["\x1b[2J", "\u202e", "\u200b", "\x07", "\x85", "\x00"]) + text[at:]
    return text.encode("utf-8")


# -- running them -----------------------------------------------------------------------------


def _template(target: Target, folder: Path) -> Path:
    path = folder / "template.db"
    assert run_cli("--db", str(path), "init").exit_code == 0
    target.store(path)
    assert run_cli("--db", str(path), "audit", "verify").exit_code == 0
    return path


def _entries(db: Path) -> list[tuple]:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return connection.execute("SELECT seq, hash FROM audit_entries ORDER BY seq").fetchall()
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=[target.name for target in TARGETS])
def test_mutated_input_never_breaks_a_command(target, tmp_path):
    template = _template(target, tmp_path)
    unmutated = tmp_path / f"unmutated{target.seed()[0]}"
    if target.fixture is not None:
        unmutated.write_bytes((FIXTURES / target.fixture).read_bytes())
    else:
        unmutated.write_bytes(_write(*target.seed()))
    shutil.copy(template, tmp_path / "unmutated.db")
    accepted = run_cli("--db", str(tmp_path / "unmutated.db"), *target.args(unmutated))
    assert accepted.exit_code == 0, f"the seed file itself is refused: {accepted.stderr}"
    rng = random.Random(f"{SEED}:{target.name}")
    suffix = target.seed()[0]
    before = _entries(template)
    outcomes: Counter[tuple[str, int]] = Counter()
    for number in range(CASES):
        how, data = _mutate(rng, target)
        path = tmp_path / f"case{number}{suffix}"
        path.write_bytes(data)
        db = tmp_path / f"case{number}.db"
        shutil.copy(template, db)
        result = run_cli("--db", str(db), *target.args(path))
        context = f"{target.name} case {number} ({how}), file kept at {path}"
        assert result.exit_code in (0, 1), f"{context}: exit {result.exit_code}\n{result.stderr}"
        assert "内部错误" not in result.stderr, f"{context}: {result.stderr}"
        assert "Traceback" not in result.stdout + result.stderr, context
        if result.exit_code == 1:
            assert result.stderr.startswith("错误："), f"{context}: {result.stderr}"
            assert _entries(db) == before, f"{context}: a refusal wrote an audit entry"
        verified = run_cli("--db", str(db), "audit", "verify")
        assert verified.exit_code == 0, f"{context}: {verified.stderr}"
        db.unlink()
        path.unlink()
        outcomes[(how, result.exit_code)] += 1
    print(f"\n{target.name}: {CASES} cases, (mutation, exit): {dict(sorted(outcomes.items()))}")


# -- office templates (SPEC §14) --------------------------------------------------------------
#
# An office template is hostile input too: each case is a bundled template, randomly mutated
# (cut, doubled, spliced with Jinja syntax or an injection payload, bytes flipped), rendered by
# ``qzzc notice … --template`` on the fixed documents store. Asserted as for the files above, and:
# no payload's command ever runs (a marker file is never made), a refusal leaves no notice, and a
# notice never holds a full ID number.

TEMPLATE_KINDS = {
    "announcement": ["-c", "3"],
    "pre-review": ["-c", "3", "--start", "2021-09-28"],
    "result": ["-m", "{meeting}", "--start", "2021-10-21"],
    "filing-form": ["-m", "{meeting}"],
}
TEMPLATE_SNIPPETS: tuple[str, ...] = (
    "{{", "}}", "{%", "%}", "{#", "{% endfor %}", "{% endif %}", "{% if x %}", "{% for a in applicants %}",
    "{{ office }}", "{{ applicants | length }}", "{{ a.name }}", "| md", "| safe", "|e", "{% raw %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}", "{{ self.__init__.__globals__ }}", "{{ config }}",
    "{{ request }}", "{{ lipsum.__globals__ }}", "{{ range.__init__ }}", "{{ office._x }}",
    "{{ office.__class__ }}", "{{ office | attr('__class__') }}", "{{ '{0.__class__}'.format(office) }}",
    "{% include '/etc/passwd' %}", "{% include '../x' %}", "{% include 'part.j2' %}", "{% include 'own' %}",
    "{% extends '_base.html.j2' %}", "{% import '/etc/hostname' as h %}", "{% set x = applicants %}",
    "{{ 'x' * 99999999 }}", "{{ 2 ** 999999 }}", "{{ 1 / 0 }}", "{{ office.year + 'a' }}", "{% macro m() %}",
    "{{ cycler.__init__.__globals__.os.popen('touch {pwned}').read() }}", "\x00", "\ufeff", "衢", "🙂",
)  # fmt: skip


def _mutate_template(rng: random.Random, text: str, pwned: Path) -> tuple[str, bytes]:
    how = rng.choice(("snippet", "snippet", "snippets", "cut", "double", "flip", "truncate"))
    if how.startswith("snippet"):
        for _ in range(1 if how == "snippet" else rng.randint(2, 6)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(TEMPLATE_SNIPPETS).replace("{pwned}", str(pwned)) + text[at:]
    elif how == "cut":
        start = rng.randrange(len(text))
        text = text[:start] + text[start + rng.randint(1, 200) :]
    elif how == "double":
        start = rng.randrange(len(text))
        text = text[:start] + text[start : start + rng.randint(1, 200)] * 2 + text[start:]
    data = bytearray(text.encode("utf-8"))
    if how == "flip":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif how == "truncate":
        del data[rng.randrange(len(data)) :]
    return how, bytes(data)


@pytest.mark.slow
def test_mutated_office_templates_never_break_a_notice(tmp_path):
    from fixed_store import build_store
    from helpers import IDS

    from qzzc.resources import templates_dir
    from qzzc.services.base import Context
    from qzzc.store.db import Store

    db = tmp_path / "qzzc.db"
    ctx = Context(store=Store(f"sqlite:///{db}"), operator="测试员")
    meeting = build_store(ctx, tmp_path)
    ctx.store.dispose()
    office = tmp_path / "office"
    office.mkdir()
    (office / "part.j2").write_text("{{ office.committee }}\n", encoding="utf-8")
    pwned = tmp_path / "pwned"
    rng = random.Random(f"{SEED}:templates")
    outcomes: Counter[tuple[str, int]] = Counter()
    cases = CASES * 2
    for number in range(cases):
        kind = rng.choice(list(TEMPLATE_KINDS))
        suffix = rng.choice((".md", ".html"))
        source = (templates_dir() / f"{kind}{suffix}.j2").read_text(encoding="utf-8")
        how, data = _mutate_template(rng, source, pwned)
        template = office / f"own{suffix}.j2"
        template.write_bytes(data)
        out = office / f"case{number}{suffix}"
        args = [arg.format(meeting=meeting) for arg in TEMPLATE_KINDS[kind]]
        before = _entries(db)
        result = run_cli("--db", str(db), "notice", kind, *args, "-o", str(out), "--template", str(template))
        context = f"template case {number} ({kind}{suffix}, {how}), kept at {template}"
        assert result.exit_code in (0, 1), f"{context}: exit {result.exit_code}\n{result.stderr}"
        assert "内部错误" not in result.stderr, f"{context}: {result.stderr}"
        assert "Traceback" not in result.stdout + result.stderr, context
        assert not pwned.exists(), f"{context}: the payload ran"
        if result.exit_code == 1:
            assert result.stderr.startswith("错误："), f"{context}: {result.stderr}"
            assert _entries(db) == before, f"{context}: a refusal wrote an audit entry"
            assert not out.exists(), f"{context}: a refusal left its notice"
        else:
            text = out.read_text(encoding="utf-8")
            assert [number for number in IDS if number in text] == [], context
            out.unlink()
        outcomes[(how, result.exit_code)] += 1
    verified = run_cli("--db", str(db), "audit", "verify")
    assert verified.exit_code == 0, verified.stderr
    print(f"\noffice templates: {cases} cases, (mutation, exit): {dict(sorted(outcomes.items()))}")
