"""Helpers for tests (on sys.path through ``pythonpath = ["tests"]``)."""

from __future__ import annotations

from typer.testing import CliRunner


def run_cli(*args: str, input: str | None = None):
    """Runs the real ``qzzc`` command in-process with ``args``; stdout and stderr apart."""
    from qzzc.cli import app

    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
