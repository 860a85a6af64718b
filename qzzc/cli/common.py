"""What every command module shares: the service context and the ways to print."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from qzzc.services.base import Context


def context(ctx: typer.Context) -> Context:
    """The service context built from the global options (``--db``, ``--operator``)."""
    from qzzc.services.base import Context

    options = ctx.find_root().obj or {}
    return Context.create(options.get("db"), options.get("operator"))


def emit_json(value: Any) -> None:
    """Writes one JSON document to stdout: UTF-8, Chinese kept as is, and nothing else."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")
    sys.stdout.flush()


@contextmanager
def import_report(json_: bool) -> Iterator[None]:
    """With ``--json``, an import refused as a whole (no such file, not a spreadsheet, no header,
    a store changed behind qzzc's back…) still prints SPEC §4's object, the reason as its one
    error with no sheet, row or column; the message goes to stderr as usual."""
    from qzzc.errors import QzzcError

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


def _console(stderr: bool) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # A terminal's width, or the one COLUMNS gives; piped to a file, tables are drawn wide.
    width = None if stream.isatty() or os.environ.get("COLUMNS", "").isdigit() else 200
    # markup=False: names and units from spreadsheets may hold "[bold]…" and must print as written.
    return Console(file=stream, highlight=False, markup=False, soft_wrap=True, width=width)


def note(message: str) -> None:
    """A short note for the person at the terminal, on stderr."""
    err().print(message)


def date_option(value: str | None, option: str):
    """Parses a date option as clerks type it (``2021-09-28``, ``2021年9月28日``); None stays None.
    Raises ``UsageError`` naming the option."""
    if value is None:
        return None
    from qzzc.core.cells import CellInvalid, parse_date
    from qzzc.errors import UsageError

    try:
        return parse_date(value)
    except CellInvalid as error:
        raise UsageError(f"{option} 的值「{value}」{error.message}") from None
