"""The Jinja2 environment and the text renderings (HTML, Markdown) of the documents.

Templates are ``templates/<kind>.<html|md>.j2``; an office's own file (``--template``) is tried
first and may extend the bundled ``_base.html.j2``. Undefined names are errors (StrictUndefined)
and HTML is autoescaped: applicant text is never markup.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path
from typing import Any

from qzzc.errors import QzzcError
from qzzc.resources import templates_dir

_MD_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "<": "&lt;",
        ">": "&gt;",
        "\n": " ",
        "\r": " ",
        "*": "\\*",
        "_": "\\_",
        "`": "\\`",
    }
)


def markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipes, markup or line breaks of its own."""
    return str(value).translate(_MD_ESCAPES)


def template_name(kind: str, suffix: str) -> str:
    return f"{kind}{suffix}.j2"


@cache
def _environment(extra: str | None, html: bool):
    """The environment for one output format: for HTML every template is autoescaped, whatever
    an office named its own file (``公告.j2``, ``notice.htm``)."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

    loaders = [FileSystemLoader(extra)] if extra else []
    environment = Environment(
        loader=ChoiceLoader([*loaders, FileSystemLoader(str(templates_dir()))]),
        undefined=StrictUndefined,
        autoescape=html,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = markdown_cell
    return environment


def context_vars(context: Any) -> dict[str, Any]:
    """The template's top-level names: the context dataclass's fields and properties."""
    names = {field.name for field in dataclasses.fields(context)}
    names |= {name for name, value in vars(type(context)).items() if isinstance(value, property)}
    return {name: getattr(context, name) for name in names}


def render_text(kind: str, suffix: str, context: Any, template: Path | None = None) -> str:
    """Renders ``context`` with the office's ``template`` if given, else the bundled one.

    Raises ``QzzcError`` for a template that is missing, malformed or uses a name the context
    does not have.
    """
    from jinja2 import TemplateError, TemplateNotFound, UndefinedError

    if template is not None:
        if not template.is_file():
            raise QzzcError(f"找不到模板文件：{template}")
        environment = _environment(str(template.resolve().parent), suffix == ".html")
        name = template.name
    else:
        environment = _environment(None, suffix == ".html")
        name = template_name(kind, suffix)
    try:
        return environment.get_template(name).render(**context_vars(context))
    except TemplateNotFound as error:
        raise QzzcError(f"找不到模板：{error.name}") from None
    except UndefinedError as error:
        raise QzzcError(f"模板 {name} 使用了不存在的字段：{error.message}") from None
    except TemplateError as error:
        raise QzzcError(f"模板 {name} 有误：{error.message}") from None


def environment(html: bool = True):
    """The environment of the bundled templates (for tests and tools)."""
    return _environment(None, html)
