"""``qzzc meeting``: the group of commands about one meeting. Its commands live with their jobs
(``replace`` in ``cli/draw.py``, ``show`` in ``cli/tally.py``) and are attached in ``_register``."""

from __future__ import annotations

import typer

app = typer.Typer(help="评审会议：会议记录、替补专家。", no_args_is_help=True)
