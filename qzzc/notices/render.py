"""The Jinja2 environment and the text renderings (HTML, Markdown) of the documents.

Templates are ``templates/<kind>.<html|md>.j2``; an office's own file (``--template``) is tried
first and may extend the bundled ``_base.html.j2``. Undefined names are errors (StrictUndefined).

An office template comes from outside (another office, a download), so it is treated as hostile
(SPEC §14): it runs in Jinja2's ``ImmutableSandboxedEnvironment`` (no attribute starting with
``_``, no ``str.format`` tricks, no changing its data), sees only its context (Jinja's globals
``range``, ``lipsum``, ``cycler``, ``joiner``, ``namespace`` and ``dict`` are removed), may include,
import or extend only files beside it (a plain file name: no folder, no absolute path, no ``..``)
or the bundled templates, and every file it reads is handed back for the audit entry's hashes.

Applicant text is never markup: HTML is autoescaped, and in Markdown every ``{{ … }}`` output is
escaped (``markdown_cell``), whatever the template does with it.
"""

from __future__ import annotations

import dataclasses
import operator
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
        "[": "\\[",
        "]": "\\]",
        "(": "\\(",
        ")": "\\)",
        "!": "\\!",
        "#": "\\#",
        "~": "\\~",  # GitHub's strikethrough
    }
)

BUNDLED_PREFIX = "qzzc/templates/"  # how a bundled file an office template reads is named in the entry
MAX_SIZE = 10_000_000  # items of a string or list a template may make with * or +
MAX_POWER_BITS = 100_000


def markdown_cell(value: object) -> str:
    """Text safe in Markdown, in a table cell too: no pipes, links, images, markup or line breaks
    of its own (SPEC §14 escapes ``\\ [ ] ( ) ! * _ ` # < > |``)."""
    return str(value).translate(_MD_ESCAPES)


def template_name(kind: str, suffix: str) -> str:
    return f"{kind}{suffix}.j2"


class TemplateRefused(QzzcError):
    """An office template asked for something a template may not have."""


def _loader(folder: Path | None, read: dict[str, bytes]):
    """A loader of plain file names: from ``folder`` (an office template's own), else from the
    bundled templates. Records each file's bytes in ``read``, under its name (a bundled one under
    ``qzzc/templates/NAME``)."""
    # Jinja: slow to import, only where a template is rendered
    from jinja2 import BaseLoader, TemplateNotFound

    bundled = templates_dir()

    class Beside(BaseLoader):
        def get_source(self, environment, name):
            if not _plain(name):
                raise TemplateRefused(
                    f"模板不能引用「{str(name)[:80]}」：只能引用与模板在同一文件夹中的文件"
                    "（写文件名，不能写绝对路径、子文件夹或 ..）。"
                )
            for base, label in ((folder, name), (bundled, BUNDLED_PREFIX + name)):
                if base is None:
                    continue
                path = base / name
                if not path.is_file():
                    continue
                if base is folder and path.resolve().parent != folder.resolve():
                    raise TemplateRefused(f"模板不能引用「{name}」：它链接到模板所在文件夹之外的文件。")
                try:
                    data = path.read_bytes()
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise QzzcError(f"模板文件 {name} 不是 UTF-8 编码的文本文件") from None
                except OSError as error:
                    raise QzzcError(f"无法读取模板文件 {name}：{error.strerror or error}") from None
                if folder is not None:  # the bundled templates' own reads are qzzc's, not the office's
                    read[label] = data
                return text, str(path), lambda: False
            raise TemplateNotFound(name)

    return Beside()


def _plain(name: object) -> bool:
    """A file name alone: no folder, drive, parent, hidden path or NUL."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= 255
        and not any(c in name for c in "/\\:\0")
        and name not in (".", "..")
    )


def _environment(folder: Path | None, html: bool, read: dict[str, bytes]):
    """A sandboxed environment for one rendering: for HTML every template is autoescaped,
    whatever an office named its own file (``公告.j2``, ``notice.htm``); for Markdown every output
    is escaped, so the ``md`` filter of the bundled templates changes nothing more."""
    from jinja2 import StrictUndefined  # Jinja: slow to import, only where a template is rendered
    from jinja2.exceptions import SecurityError  # Jinja: slow to import, only where a template is rendered

    # Jinja: slow to import, only where a template is rendered
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset(["*", "**", "+"])

        def call_binop(self, context, op, left, right):
            return _bounded(op, left, right)

        def unsafe_undefined(self, obj, attribute):
            # at once, not when the value is used: the message then names what was reached for
            raise SecurityError(
                f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe."
            )

    environment = Sandbox(
        loader=_loader(folder, read),
        undefined=StrictUndefined,
        autoescape=html,
        finalize=None if html else markdown_cell,
        trim_blocks=False,
        keep_trailing_newline=True,
        cache_size=0,  # each rendering reads (and hashes) its files afresh
    )
    environment.globals.clear()  # a template sees only its context
    environment.filters["md"] = markdown_cell if html else str
    return environment


def _bounded(op: str, left: Any, right: Any) -> Any:
    """``*``, ``**`` and ``+`` of a template, refused when the result would eat the memory."""
    if op == "**":
        whole = isinstance(left, int) and isinstance(right, int) and right > 0
        if whole and right * max(abs(left), 1).bit_length() > MAX_POWER_BITS:
            raise TemplateRefused("模板中的乘方结果过大。")
        return operator.pow(left, right)
    if op == "*":
        for sequence, times in ((left, right), (right, left)):
            repeated = isinstance(sequence, (str, list, tuple)) and isinstance(times, int)
            if repeated and len(sequence) * times > MAX_SIZE:
                raise TemplateRefused("模板中重复生成的文字或列表过长。")
        return operator.mul(left, right)
    if (
        isinstance(left, (str, list, tuple))
        and hasattr(right, "__len__")
        and len(left) + len(right) > MAX_SIZE
    ):
        raise TemplateRefused("模板中拼接生成的文字或列表过长。")
    return operator.add(left, right)


def context_vars(context: Any) -> dict[str, Any]:
    """The template's top-level names: the context dataclass's fields and properties."""
    names = {field.name for field in dataclasses.fields(context)}
    names |= {name for name, value in vars(type(context)).items() if isinstance(value, property)}
    return {name: getattr(context, name) for name in names}


def render_text(
    kind: str, suffix: str, context: Any, template: Path | None = None, read: dict[str, bytes] | None = None
) -> str:
    """Renders ``context`` with the office's ``template`` if given, else the bundled one. ``read``,
    if given, receives the bytes of every file the office template read (itself, what it
    includes, imports or extends), by name, for the audit entry.

    Raises ``QzzcError`` for a template that is missing, malformed, uses a name the context does
    not have, reaches for anything beyond its context (``TemplateRefused``) or fails as it runs.
    """
    # Jinja: slow to import, only where a template is rendered
    from jinja2 import TemplateError, TemplateNotFound, UndefinedError, meta
    from jinja2.exceptions import SecurityError  # Jinja: slow to import, only where a template is rendered

    files: dict[str, bytes] = {}
    if template is not None:
        if not template.is_file():
            raise QzzcError(f"找不到模板文件：{template}")
        environment = _environment(template.absolute().parent, suffix == ".html", files)
        name = template.name
    else:
        environment = _environment(None, suffix == ".html", files)
        name = template_name(kind, suffix)
    names = context_vars(context)
    try:
        compiled = environment.get_template(name)
        if name in files:  # an office's own: names beyond its context are refused before it runs
            unknown = meta.find_undeclared_variables(environment.parse(files[name].decode("utf-8-sig")))
            if unknown - set(names):
                listed = "、".join(sorted(unknown - set(names)))
                raise QzzcError(f"模板 {name} 使用了不存在的字段：{listed}（模板只能使用公告提供的字段）")
        text = compiled.render(**names)
    except TemplateRefused as error:
        raise TemplateRefused(f"模板 {name} 被拒绝：{error.message}") from None
    except QzzcError:
        raise
    except TemplateNotFound as error:
        raise QzzcError(f"找不到模板：{error.name}") from None
    except SecurityError as error:
        raise TemplateRefused(
            f"模板 {name} 被拒绝：它试图访问公告字段以外的内容（{error.message}）。模板只能使用公告提供的字段。"
        ) from None
    except UndefinedError as error:
        raise QzzcError(f"模板 {name} 使用了不存在的字段：{error.message}") from None
    except TemplateError as error:
        raise QzzcError(f"模板 {name} 有误：{error.message}") from None
    except RecursionError:
        raise QzzcError(f"模板 {name} 有误：引用嵌套过深（是否引用了自身？）") from None
    except Exception as error:  # the template's own arithmetic or calls on its data (1/0, 'a' + 1)
        raise QzzcError(f"模板 {name} 运行出错：{type(error).__name__}: {str(error)[:200]}") from None
    if read is not None:
        read.update(files)
    return text


def environment(html: bool = True):
    """An environment of the bundled templates (for tests and tools)."""
    return _environment(None, html, {})
