"""The registry of notice kinds (``qzzc.notices.kinds``) and the template context of each kind.

As datasette's ``PAGES`` and its template-context tests: the keys each kind's template gets are
written down here, and the context of a real rendering must have exactly those keys — a key
gone would break an office's own template, a key added is a new promise to them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import types

import pytest
from typer.main import get_command

from qzzc.cli.notice import OPTIONS
from qzzc.cli.notice import app as notice_app
from qzzc.errors import QzzcError
from qzzc.notices import render
from qzzc.notices.kinds import KINDS, PAPERS
from qzzc.resources import templates_dir
from qzzc.services.audit import count_entries
from qzzc.services.notices import render_notice

STEP = "qzzc.services.procedure:after_notice"

OFFICE_ETC = {"office", "meeting_date", "meeting_date_text", "meeting_id"}
TEMPLATE_KEYS = {
    "announcement": {
        "office", "evaluates", "recommends", "specialties", "other_specialties", "scope", "review_time",
        "deadline", "public_hours", "public_hours_degree_junior", "publicity_days", "source", "cpd_bands",
        "senior",
    },
    "pre-review": {"office", "applicants", "period", "source"},
    "result": {
        "office", "meeting_date", "meeting_date_text", "applicants", "evaluated_count", "recommended_count",
        "period", "source", "revoked",
    },
    "filing-form": OFFICE_ETC | {
        "place", "members_drawn", "members_present", "members", "absent", "applicants", "passed",
        "pass_rate", "period", "amended", "notes", "objections",
    },
    "draw-record": OFFICE_ETC | {
        "place", "draw_number", "drawn_at", "operator", "algorithm", "seed", "seed_source",
        "candidate_digest", "candidates", "size", "alternates_count", "quotas", "exclusions",
        "excluded_total", "members", "alternates", "draws", "replacements", "steps", "program",
        "program_lines",
    },
    "sign-in": OFFICE_ETC | {"place", "members", "alternates"},
    "ballot": OFFICE_ETC | {"applicants", "copies", "sheets"},
    "tally-sheet": OFFICE_ETC | {"members", "applicants", "thresholds", "quorum"},
}  # fmt: skip


def options(kind: str, meeting: int) -> dict:
    return {
        "announcement": {"committee": 3},
        "pre-review": {"committee": 3, "start": dt.date(2021, 9, 28)},
        "result": {"meeting": meeting, "start": dt.date(2021, 10, 21)},
    }.get(kind, {"meeting": meeting})


def test_every_kind_has_its_template_keys_written_down():
    assert list(KINDS) == [
        "announcement", "pre-review", "result", "filing-form", "draw-record", "sign-in", "ballot", "tally-sheet",
    ]  # fmt: skip
    assert set(TEMPLATE_KEYS) == set(KINDS)
    assert PAPERS == ("draw-record", "sign-in", "ballot", "tally-sheet")


@pytest.mark.parametrize("kind", KINDS)
def test_template_context_matches_the_written_keys(documents, tmp_path, monkeypatch, kind):
    ctx, meeting = documents
    seen: list[tuple[type, set[str]]] = []
    plain = render.context_vars

    def recorded(context):
        names = plain(context)
        seen.append((type(context), set(names)))
        return names

    monkeypatch.setattr(render, "context_vars", recorded)
    render_notice(ctx, kind, tmp_path / f"{kind}.html", **options(kind, meeting))
    assert seen == [(KINDS[kind].named("context"), TEMPLATE_KEYS[kind])]


@pytest.mark.parametrize("kind", KINDS)
def test_declaration_names_what_each_format_needs(kind):
    declared = KINDS[kind]
    assert dataclasses.is_dataclass(declared.named("context"))
    assert declared.title in declared.help
    assert callable(declared.named("build"))
    for suffix, role in ((".docx", "layout"), (".xlsx", "table"), (".json", "export")):
        assert (declared.named(role) is not None) == (suffix in declared.formats), (suffix, role)
    for suffix in (".html", ".md"):
        template = templates_dir() / f"{kind}{suffix}.j2"
        assert template.is_file() == (suffix in declared.formats), template
    # The publicities and the filing form are steps of the year's procedure (SPEC §11).
    steps = ("pre-review", "result", "filing-form")
    assert (declared.check, declared.after) == (None, STEP if kind in steps else None)
    assert ({"on", "draft"} <= {option.name for option in declared.options}) == (kind in steps)
    assert {option.name for option in declared.options} <= set(OPTIONS)


@pytest.mark.parametrize("kind", KINDS)
def test_the_template_uses_only_its_context(kind):
    from jinja2 import meta

    environment = render.environment()
    for suffix in KINDS[kind].formats:
        if suffix not in (".html", ".md"):
            continue
        source = (templates_dir() / f"{kind}{suffix}.j2").read_text(encoding="utf-8")
        used = meta.find_undeclared_variables(environment.parse(source))
        assert used
        assert used <= TEMPLATE_KEYS[kind], (suffix, used - TEMPLATE_KEYS[kind])


def test_the_cli_has_one_command_per_kind_with_its_options():
    group = get_command(notice_app)
    assert list(group.commands) == list(KINDS)
    for name, command in group.commands.items():
        declared = KINDS[name]
        required = [option.name for option in declared.options if option.required]
        rest = [option.name for option in declared.options if not option.required]
        assert [param.name for param in command.params] == [*required, "output", *rest]
        assert [param.required for param in command.params] == [True] * (len(required) + 1) + [False] * len(
            rest
        )
        assert command.help == declared.help


@pytest.fixture
def hooks(monkeypatch):
    """A module of hooks, and the calls they saw."""
    calls: list[tuple] = []
    module = types.ModuleType("qzzc_test_hooks")

    def check(request):
        calls.append(("check", request.kind.name, request.days))

    def after(request, context):
        calls.append(("after", type(context).__name__, len(context.applicants)))

    def refuse(request, context):
        raise QzzcError("公示期尚未结束")

    module.check, module.after, module.refuse = check, after, refuse
    monkeypatch.setitem(sys.modules, "qzzc_test_hooks", module)
    return calls


def test_a_kind_may_declare_hooks(documents, tmp_path, monkeypatch, hooks):
    ctx, _ = documents
    declared = dataclasses.replace(
        KINDS["pre-review"], check="qzzc_test_hooks:check", after="qzzc_test_hooks:after"
    )
    monkeypatch.setitem(KINDS, "pre-review", declared)
    out = tmp_path / "评前公示.md"
    result = render_notice(ctx, "pre-review", out, committee=3, start=dt.date(2021, 9, 28))
    assert hooks == [("check", "pre-review", 5), ("after", "PreReviewContext", 3)]
    assert (result.rows, out.is_file()) == (3, True)


def test_a_hook_that_refuses_leaves_no_entry_and_no_file(documents, tmp_path, monkeypatch, hooks):
    ctx, _ = documents
    monkeypatch.setitem(
        KINDS, "pre-review", dataclasses.replace(KINDS["pre-review"], after="qzzc_test_hooks:refuse")
    )
    before = count_entries(ctx)
    out = tmp_path / "评前公示.md"
    with pytest.raises(QzzcError, match=r"^公示期尚未结束$"):
        render_notice(ctx, "pre-review", out, committee=3, start=dt.date(2021, 9, 28))
    assert (count_entries(ctx), out.exists(), list(tmp_path.glob("评前公示*"))) == (before, False, [])
