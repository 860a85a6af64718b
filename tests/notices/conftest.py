"""The fixed store of ``fixed_store`` as a fixture."""

from __future__ import annotations

import pytest
from fixed_store import build_store

from qzzc.services.base import Context
from qzzc.store.db import Store


@pytest.fixture
def documents(tmp_path):
    """A service context on the fixed SQLite store, and its meeting id."""
    ctx = Context(store=Store(f"sqlite:///{tmp_path / 'qzzc.db'}"), operator="测试员")
    meeting = build_store(ctx, tmp_path)
    yield ctx, meeting
    ctx.store.dispose()
