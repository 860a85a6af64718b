"""Each bundled template uses only the fields of its context (datasette tests its contexts so)."""

import dataclasses

import pytest

from qzzc.core import notices
from qzzc.resources import templates_dir

CONTEXTS = {
    "announcement": notices.AnnouncementContext,
    "pre-review": notices.PreReviewContext,
    "result": notices.ResultContext,
    "filing-form": notices.FilingFormContext,
}


def names_of(context_class) -> set[str]:
    fields = {field.name for field in dataclasses.fields(context_class)}
    return fields | {name for name, value in vars(context_class).items() if isinstance(value, property)}


@pytest.mark.parametrize("kind", CONTEXTS)
@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_template_uses_only_its_context(kind, suffix):
    from jinja2 import meta

    from qzzc.notices.render import environment as bundled

    environment = bundled()
    source = (templates_dir() / f"{kind}{suffix}.j2").read_text(encoding="utf-8")
    used = meta.find_undeclared_variables(environment.parse(source))
    assert used - names_of(CONTEXTS[kind]) == set()
    assert used  # the check sees the template's names at all
