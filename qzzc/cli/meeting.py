"""``qzzc meeting``: the group of commands about one meeting. Its commands live with their jobs
(``replace`` in ``cli/draw.py``, ``show`` in ``cli/tally.py``, ``file``, ``confirm``, ``approve`` in
``cli/procedure.py``) and are attached in ``_register``."""

from __future__ import annotations

import typer

app = typer.Typer(help="评审会议：备案、备案确认、核准公布、会议记录、替补专家。", no_args_is_help=True)
