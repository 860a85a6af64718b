"""The core stays pure: no database, templates, spreadsheets or terminal (STYLE.md)."""

import ast
from pathlib import Path

import pytest

import qzzc.core

FORBIDDEN = {"sqlmodel", "sqlalchemy", "openpyxl", "jinja2", "rich", "typer", "python_calamine", "psycopg"}
CORE_FILES = sorted(Path(qzzc.core.__file__).parent.rglob("*.py"))


def imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda path: path.name)
def test_core_module_imports_no_io_library(path):
    assert imported_roots(path.read_text(encoding="utf-8")) & FORBIDDEN == set()


def test_the_check_sees_a_forbidden_import():
    assert imported_roots("import os\nfrom sqlalchemy import select\n") & FORBIDDEN == {"sqlalchemy"}


def test_there_are_core_modules_to_check():
    assert {path.name for path in CORE_FILES} >= {"plan.py", "titles.py", "audit.py"}
