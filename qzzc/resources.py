"""Finding the bundled ``data/`` and ``templates/`` folders.

In a wheel they are copied into the package as ``qzzc/_data`` and ``qzzc/_templates`` (see
``[tool.hatch.build.targets.wheel.force-include]``); in a source checkout or an editable install
they are the top-level folders beside ``qzzc/``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_PACKAGE = Path(str(files("qzzc")))


def data_dir() -> Path:
    return _bundled("_data", "data")


def templates_dir() -> Path:
    return _bundled("_templates", "templates")


def data_file(name: str) -> Path:
    return data_dir() / name


def _bundled(installed: str, checkout: str) -> Path:
    inside = _PACKAGE / installed
    return inside if inside.is_dir() else _PACKAGE.parent / checkout
