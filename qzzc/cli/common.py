"""What every command module shares: the service context and the ways to print."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from qzzc.services.base import Context


def context(ctx: typer.Context) -> Context:
    """The service context built from the global options (``--db``, ``--operator``)."""
    from qzzc.services.base import Context  # loaded when the command runs: qzzc --help stays fast

    options = ctx.find_root().obj or {}
    return Context.create(options.get("db"), options.get("operator"))


def emit_json(value: Any) -> None:
    """Writes one JSON document to stdout: Chinese kept as is, and nothing else. A character the
    stream's encoding cannot carry (𠮷 on a GBK console) or that would act on a terminal is
    written as a JSON escape (``\\ud842\\udfb7``, ``\\u202e``): the same value, in any encoding."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    stream = SafeStream(sys.stdout)
    stream.write(_json_safe(text, stream.encoding) + "\n")
    stream.flush()


def write(text: str, stderr: bool = False) -> None:
    """Writes plain ``text`` as it is to stdout (or stderr) through the one console's rules:
    what would act on the terminal is shown as an escape (``qzzc.core.display.printable``), what
    the stream's encoding cannot show becomes ``?``; displaying never fails a command."""
    from qzzc.core.display import printable  # loaded when the command runs: qzzc --help stays fast

    stream = SafeStream(sys.stderr if stderr else sys.stdout)
    stream.write(printable(text))
    stream.flush()


@contextmanager
def import_report(json_: bool) -> Iterator[None]:
    """With ``--json``, an import refused as a whole (no such file, not a spreadsheet, no header,
    a store changed behind qzzc's back…) still prints SPEC §4's object, the reason as its one
    error with no sheet, row or column; the message goes to stderr as usual."""
    from qzzc.errors import QzzcError  # loaded when the command runs: qzzc --help stays fast

    try:
        yield
    except QzzcError as error:
        if json_:
            emit_json(
                {
                    "added": 0,
                    "updated": 0,
                    "unchanged": 0,
                    "errors": [
                        {"sheet": None, "row": None, "column": None, "value": None, "message": error.message}
                    ],
                    "errors_total": 1,
                    "ignored_columns": [],
                }
            )
        raise


def out() -> Console:
    """The console for results (stdout). Lines are not wrapped; tables piped to a file are drawn
    wide rather than folded at 80 columns."""
    return _console(stderr=False)


def err() -> Console:
    """The console for notes and progress (stderr)."""
    return _console(stderr=True)


def note(message: str) -> None:
    """A short note for the person at the terminal, on stderr."""
    err().print(message)


class SafeStream:
    """A text stream that never fails on a character its encoding cannot carry: a GBK console
    (Chinese Windows, output redirected) shows 𠮷 (not in GBK) as ``?``. Everything else is the
    wrapped stream's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.encoding = _encoding(stream)

    def write(self, text: str) -> int:
        try:
            # A text stream encodes the whole text before it writes any of it.
            return self._stream.write(text)
        except UnicodeEncodeError:
            return self._stream.write(text.encode(self.encoding, "replace").decode(self.encoding))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _encoding(stream: Any) -> str:
    import codecs  # loaded when the command runs: qzzc --help stays fast

    name = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def _json_safe(text: str, encoding: str) -> str:
    """JSON text with each character that would act on a terminal, or that ``encoding`` cannot
    carry, written as its ``\\u`` escape (a pair of them above U+FFFF), which JSON reads back
    as the same character."""
    import codecs  # loaded when the command runs: qzzc --help stays fast

    from qzzc.core.display import replace_hidden  # loaded when the command runs: qzzc --help stays fast

    text = replace_hidden(text, _json_escape)
    if text.isascii() or encoding == "utf-8":
        return text
    try:
        codecs.lookup_error(_JSON_ERRORS)
    except LookupError:
        codecs.register_error(_JSON_ERRORS, _json_errors)
    return text.encode(encoding, _JSON_ERRORS).decode(encoding)


_JSON_ERRORS = "qzzc.json"


def _json_errors(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(map(_json_escape, error.object[error.start : error.end])), error.end


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _console(stderr: bool) -> Console:
    """One console for all output: what would act on the terminal is shown as an escape (names,
    units, file names and audit entries come from outside), and what the terminal's encoding
    cannot show becomes ``?``. ``markup=False`` and ``emoji=False``: a name holding ``[bold]`` or
    ``:smile:`` prints as written."""
    stream = sys.stderr if stderr else sys.stdout
    # A terminal's width, or the one COLUMNS gives; piped to a file, tables are drawn wide.
    width = None if stream.isatty() or os.environ.get("COLUMNS", "").isdigit() else 200
    return _console_class()(
        file=SafeStream(stream), highlight=False, markup=False, emoji=False, soft_wrap=True, width=width
    )


@cache
def _console_class() -> type[Console]:
    from rich.console import Console  # loaded when the command runs: qzzc --help stays fast

    from qzzc.core.display import printable  # loaded when the command runs: qzzc --help stays fast

    class SafeConsole(Console):
        def render_str(self, text: str, **options: Any) -> Any:
            return super().render_str(self.shown(text), **options)

        def print(self, *objects: Any, **options: Any) -> None:
            super().print(*(_printable(item, self.shown) for item in objects), **options)

        def shown(self, text: str) -> str:
            """``text`` as this console shows it, before tables measure it: escapes for what
            would act on the terminal, ``?`` for what the encoding cannot carry."""
            text = printable(text)
            encoding = self.file.encoding
            if text.isascii() or encoding == "utf-8":  # UTF-8 carries all printable text
                return text
            return text.encode(encoding, "replace").decode(encoding)

    return SafeConsole


def _printable(item: Any, shown: Callable[[str], str]) -> Any:
    """``item`` for printing with its text as ``shown`` makes it: a rich ``Text`` is rebuilt, a
    ``Table``'s title, headers and cells are made so in place; ``str`` is, when rendered
    (``SafeConsole.render_str``), and so are a table's ``str`` cells."""
    from rich.table import Table  # loaded when the command runs: qzzc --help stays fast
    from rich.text import Text  # loaded when the command runs: qzzc --help stays fast

    if isinstance(item, Text):
        if shown(item.plain) == item.plain:
            return item
        if not item.spans:
            return Text(
                shown(item.plain),
                style=item.style,
                justify=item.justify,
                overflow=item.overflow,
                no_wrap=item.no_wrap,
                end=item.end,
            )
        cuts = sorted({i for i, c in enumerate(item.plain) if shown(c) != c for i in (i, i + 1)})
        pieces = item.divide(cuts)
        for piece in pieces:
            piece.plain = shown(piece.plain)
        return Text("").join(pieces)
    if isinstance(item, Table):
        for column in item.columns:
            column.header = _printable(column.header, shown)
            column.footer = _printable(column.footer, shown)
            column._cells[:] = [_printable(cell, shown) for cell in column._cells]
        item.title = _printable(item.title, shown)
        item.caption = _printable(item.caption, shown)
    return item


def date_option(value: str | None, option: str):
    """Parses a date option as clerks type it (``2021-09-28``, ``2021年9月28日``); None stays None.
    Raises ``UsageError`` naming the option."""
    if value is None:
        return None
    # loaded when the command runs: qzzc --help stays fast
    from qzzc.core.cells import CellInvalid, parse_date
    from qzzc.errors import UsageError  # loaded when the command runs: qzzc --help stays fast

    try:
        return parse_date(value)
    except CellInvalid as error:
        raise UsageError(f"{option} 的值「{value}」{error.message}") from None


def on_date(value: str | None):
    """The day a step is taken (``--on``): as given, or today in Beijing time (UTC+8). The one place
    qzzc reads the clock for a step's date (SPEC §11)."""
    if value is not None:
        return date_option(value, "--on")
    import datetime as dt  # loaded when the command runs: qzzc --help stays fast

    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
