"""Personal data (SPEC §10): no full ID number or mobile number from the sample data in any
command's human output (stdout and stderr, refusals included) or in any public notice.

``COMMANDS`` runs the flow in order on a sample store of generated applicants and experts (each
with an ID number and a mobile): import, check, experts, draw, replace, tally, notices, audit,
backup, demo, refusals included. One line per command line: its arguments (``{tmp}`` is the
test's folder, ``{id0}`` the first applicant's ID number, ``{m0}``… the members drawn) and the files
it writes that are public. ``--json`` output is left out: SPEC §4–§7 has it carry full ID numbers
for the office's own scripts; so are internal forms (the counts form, the check export), and the
experts' phones of ``meeting show --contacts``, shown on purpose. The demo's notices are scanned
for any valid ID number or mobile at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import EXPERT_HEADERS, form_row, many_expert_rows, many_form_rows, run_cli, write_csv

APPLICANTS = many_form_rows(12)
EXPERTS = many_expert_rows(20)
IDS = {row["身份证号"] for row in APPLICANTS + EXPERTS}
PHONES = {row["联系电话"] for row in APPLICANTS + EXPERTS}
ID0 = APPLICANTS[0]["身份证号"]
DRAW = ("draw-experts", "--committee", "3", "--date", "2021-10-20", "--size", "9", "--alternates", "2", "--on", "2021-10-18")  # fmt: skip

# (arguments, public files it writes). One line per command line to scan.
COMMANDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("plan", "list"), ()),
    (("plan", "show", "3"), ()),
    (("import", "{tmp}/applicants.csv", "--committee", "3", "--dry-run"), ()),
    (("import", "{tmp}/bad.csv", "--committee", "3"), ()),
    (("import", "{tmp}/twice.csv", "--committee", "3"), ()),
    (("import", "{tmp}/bad.csv", "--committee", "3", "--dry-run"), ()),
    (("applicants", "list"), ()),
    (("applicants", "list", "--committee", "3"), ()),
    (("check",), ()),
    (("check", "--committee", "3"), ()),
    (("check", "settle", "{id0}", "--verdict", "eligible", "--reason", "已核实"), ()),
    (("check", "settle", "330802199912319999", "--verdict", "eligible", "--reason", "x"), ()),
    (("experts", "import", "{tmp}/experts.csv", "--dry-run"), ()),
    (("experts", "import", "{tmp}/bad_experts.csv"), ()),
    (("experts", "import", "{tmp}/experts.csv"), ()),
    (("experts", "list"), ()),
    (("experts", "list", "--committee", "3"), ()),
    (("notice", "pre-review", "--committee", "3", "--start", "2021-09-28", "--on", "2021-09-27", "--out", "{tmp}/p.html"), ("p.html",)),
    (("notice", "pre-review", "--committee", "3", "--start", "2021-09-28", "--on", "2021-09-27", "--out", "{tmp}/p.md"), ("p.md",)),
    (("meeting", "file", "--committee", "3", "--date", "2021-10-20", "--on", "2021-10-09"), ()),  # refused: too early
    (("meeting", "file", "--committee", "3", "--date", "2021-10-20", "--on", "2021-10-11"), ()),
    (("meeting", "confirm", "1", "--by", "衢州市人力资源和社会保障局", "--on", "2021-10-12"), ()),
    (("status",), ()),
    ((*DRAW, "--seed", "abc", "--conflicts", "{tmp}/bad_conflicts.csv"), ()),
    ((*DRAW, "--seed", "abc", "--conflicts", "{tmp}/conflicts.csv"), ()),
    ((*DRAW, "--seed", "abc"), ()),  # refused: drawn once
    (("draw-experts", "--verify", "1"), ()),
    (("meeting", "replace", "1", "{m0}", "--reason", "因病"), ()),
    (("meeting", "replace", "1", "330802199912319999"), ()),
    (("tally", "1", "--attending", "7", "--counts", "{tmp}/bad_counts.csv", "--on", "2021-10-20"), ()),
    (("tally", "1", "--attending", "7", "--counts", "{tmp}/counts.csv", "--absent", "{m1}", "--absent", "{m2}", "--on", "2021-10-20"), ()),
    (("tally", "1", "--attending", "7", "--counts", "{tmp}/counts.csv"), ()),  # refused: a tally is final
    (("meeting", "show", "1"), ()),
    (("meeting", "show", "1", "--contacts"), ()),
    (("template", "applicants", "{tmp}/blank.xlsx"), ()),
    (("notice", "announcement", "--committee", "3", "--out", "{tmp}/a.html"), ("a.html",)),
    (("notice", "result", "--meeting", "1", "--start", "2021-10-21", "--on", "2021-10-21", "--out", "{tmp}/r.html"), ("r.html",)),
    (("notice", "result", "--meeting", "1", "--start", "2021-10-21", "--on", "2021-10-21", "--out", "{tmp}/r.xlsx"), ("r.xlsx",)),
    (("notice", "filing-form", "--meeting", "1", "--on", "2021-10-28", "--out", "{tmp}/f.html"), ("f.html",)),
    (("meeting", "approve", "1", "--by", "衢州市人力资源和社会保障局", "--on", "2021-11-01"), ()),
    (("status", "--committee", "3", "--json"), ()),
    (("objection", "list"), ()),
    (("objection", "list", "--json"), ()),
    (("audit",), ()),
    (("audit", "--json"), ()),  # the log itself: options and summaries mask ID numbers
    (("audit", "verify"), ()),
    (("audit", "accept", "--reason", "核对"), ()),  # refused: nothing changed
    (("backup", "{tmp}/backups"), ()),
    (("demo", "--out", "{tmp}/demo"), ()),
)  # fmt: skip

# Internal lists that show experts' phones in full on purpose, for the office to call them
# (``--contacts``); their ID numbers are still scanned.
PHONES_SHOWN = {"meeting show 1 --contacts"}

FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def leaks(text: str, phones: bool = True) -> list[str]:
    """The full ID numbers (and mobiles) of the sample data found in ``text``."""
    found = [match for match in FULL_ID.findall(text) if match in IDS]
    return found + [match for match in MOBILE.findall(text) if phones and match in PHONES]


def _text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        cells = [str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]
        book.close()
        return "\n".join(cells)
    if path.suffix == ".docx":  # every XML part: the text, the footers, the properties
        import zipfile

        with zipfile.ZipFile(path) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")
            )
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, Path]:
    """An initialised store with the sample applicants imported and checked, and the input files."""
    folder = tmp_path_factory.mktemp("privacy")
    db = folder / "sample.db"
    write_csv(folder / "applicants.csv", APPLICANTS)
    bad = [dict(row) for row in APPLICANTS[:4]]
    bad[0]["学历"], bad[1]["联系电话"], bad[2]["工作单位"] = "小学", "电话" + APPLICANTS[1]["联系电话"], ""
    bad[3]["身份证号"] = bad[3]["身份证号"][:17] + ("0" if bad[3]["身份证号"][17] != "0" else "1")
    write_csv(folder / "bad.csv", bad)
    write_csv(folder / "twice.csv", [APPLICANTS[0], form_row(**{**APPLICANTS[0], "姓名": "重复"})])
    write_csv(folder / "experts.csv", EXPERTS, EXPERT_HEADERS)
    bad_experts = [dict(row) for row in EXPERTS[:3]]
    bad_experts[0]["职称级别"], bad_experts[1]["联系电话"] = "高级", "x" + EXPERTS[1]["联系电话"]
    bad_experts[2]["身份证号"] = EXPERTS[2]["身份证号"][:-1] + (
        "0" if EXPERTS[2]["身份证号"][-1] != "0" else "1"
    )
    write_csv(folder / "bad_experts.csv", bad_experts, EXPERT_HEADERS)
    conflicts = [["专家身份证号", "申报人身份证号", "原因"], [EXPERTS[0]["身份证号"], ID0, "亲属"]]
    _write_rows(folder / "conflicts.csv", conflicts)
    _write_rows(
        folder / "bad_conflicts.csv", [*conflicts, [EXPERTS[1]["身份证号"], "330802199912319999", "x"]]
    )
    counts = [[row["身份证号"], row["姓名"], 6, 1, 0] for row in APPLICANTS]
    _write_counts(folder / "counts.csv", counts)
    _write_counts(
        folder / "bad_counts.csv",
        [[ID0, "错名", 9, 0, 0], *counts[2:], ["330802199912319999", "无名", 1, 0, 0]],
    )
    assert run_cli("--db", str(db), "init").exit_code == 0
    assert (
        run_cli("--db", str(db), "import", str(folder / "applicants.csv"), "--committee", "3").exit_code == 0
    )
    return folder, db


def _members(db: Path) -> list[str]:
    """The ID numbers of meeting 1's members as drawn, in order."""
    import json

    result = run_cli("--db", str(db), "meeting", "show", "1", "--json")
    assert result.exit_code == 0, result.stderr
    return [member["id_number"] for member in json.loads(result.stdout)["draws"][0]["members"]]


def _write_rows(path: Path, rows: list[list]) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _write_counts(path: Path, rows: list[list]) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["身份证号", "姓名", "同意", "不同意", "弃权"])
        writer.writerows(rows)


def test_no_full_personal_number_reaches_the_output(sample):
    """Runs ``COMMANDS`` in order on the sample store (the flow: import, check, tally, notices)."""
    folder, db = sample
    values = {"tmp": str(folder), "id0": ID0}
    found, exits = {}, {}
    for args, public in COMMANDS:
        line = " ".join(args)
        if "{m0}" in line and "m0" not in values:
            values.update({f"m{number}": member for number, member in enumerate(_members(db))})
        result = run_cli("--db", str(db), *(arg.format(**values) for arg in args))
        exits[line] = result.exit_code
        assert result.exit_code in (0, 1), f"{line}: {result.stderr}"
        assert "内部错误" not in result.stderr, f"{line}: {result.stderr}"
        leaked = leaks(result.stdout + result.stderr, phones=line not in PHONES_SHOWN)
        for name in public:
            assert result.exit_code == 0, f"{line}: {result.stderr}"
            leaked += leaks(_text_of(folder / name))
        if leaked:
            found[line] = leaked
    assert found == {}
    # The refusals must have been refusals, so that their messages were scanned.
    refusals = [line for line, code in exits.items() if code == 1]
    assert refusals == [
        "import {tmp}/bad.csv --committee 3",
        "import {tmp}/twice.csv --committee 3",
        "import {tmp}/bad.csv --committee 3 --dry-run",
        "check settle 330802199912319999 --verdict eligible --reason x",
        "experts import {tmp}/bad_experts.csv",
        "meeting file --committee 3 --date 2021-10-20 --on 2021-10-09",
        " ".join((*DRAW, "--seed", "abc", "--conflicts", "{tmp}/bad_conflicts.csv")),
        " ".join((*DRAW, "--seed", "abc")),
        "meeting replace 1 330802199912319999",
        "tally 1 --attending 7 --counts {tmp}/bad_counts.csv --on 2021-10-20",
        "tally 1 --attending 7 --counts {tmp}/counts.csv",
        "audit accept --reason 核对",
    ]


def test_the_demos_notices_carry_no_personal_number(sample):
    from qzzc.core.ids import check_digit

    folder, _ = sample
    notices = folder / "demo" / "公告"
    if not notices.exists():
        assert run_cli("demo", "--out", str(folder / "demo")).exit_code == 0
    found = {}
    for path in sorted(notices.iterdir()):
        text = _text_of(path)
        ids = [match for match in FULL_ID.findall(text) if check_digit(match[:17]) == match[17]]
        if ids or MOBILE.findall(text):
            found[path.name] = ids + MOBILE.findall(text)
    assert sorted(path.suffix for path in notices.iterdir()) != []
    assert found == {}


def test_the_scan_finds_a_full_number():
    assert leaks(f"申报人 {ID0}，电话 {APPLICANTS[0]['联系电话']}") == [ID0, APPLICANTS[0]["联系电话"]]
    assert leaks(f"{ID0[:6]}********{ID0[-4:]} 139****0000") == []
