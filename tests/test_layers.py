"""The layers' import rules, read from the source (issue 15): cli → services → the rest.

- ``qzzc.cli`` may import anything; nothing imports ``qzzc.cli`` but ``qzzc.cli`` and ``__main__``.
- A service (a module of ``qzzc/services``, or a package there) imports no other service but
  ``qzzc.services.base`` (the context and ``job``): what several services read is a query of ``qzzc.store.queries``, what they decide is
  ``qzzc.core``'s. ``qzzc.demo`` drives the services as the CLI does.
- ``qzzc.store``, ``qzzc.audit``, ``qzzc.sheets`` and ``qzzc.notices`` never import the services or
  the CLI; ``qzzc.core`` imports only ``qzzc.core`` and ``qzzc.errors`` (``tests/core`` checks the
  rest of its purity).
- An import inside a function says why on its line or the line above (a slow or optional library,
  kept out of ``qzzc --help``): never to hide an import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "qzzc"

# What each layer may import of qzzc (prefixes); a module's layer is its first package below qzzc.
ALLOWED: dict[str, tuple[str, ...]] = {
    "core": ("qzzc.core", "qzzc.errors"),
    "store": ("qzzc.store", "qzzc.core", "qzzc.errors", "qzzc.files"),
    "audit": ("qzzc.audit", "qzzc.store", "qzzc.core", "qzzc.errors", "qzzc.files"),
    "sheets": ("qzzc.sheets", "qzzc.core", "qzzc.errors", "qzzc.files"),
    "notices": ("qzzc.notices", "qzzc.core", "qzzc.errors", "qzzc.files", "qzzc.sheets", "qzzc.resources"),
    "services": (
        "qzzc.services.base",
        "qzzc.core",
        "qzzc.store",
        "qzzc.audit",
        "qzzc.sheets",
        "qzzc.notices",
        "qzzc.errors",
        "qzzc.files",
        "qzzc.commits",
        "qzzc.resources",
    ),
    "demo": (
        "qzzc.services",
        "qzzc.core",
        "qzzc.store",
        "qzzc.sheets",
        "qzzc.notices",
        "qzzc.errors",
        "qzzc.files",
        "qzzc.resources",
        "qzzc.demo",
    ),
}


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found.append((".".join(part for part in parts if part != "__init__"), path))
    return found


def imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, module, inside a function) of every import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str, bool]] = []

    def visit(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((child.lineno, alias.name, inside) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.lineno, child.module, inside))
            visit(child, inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(tree, False)
    return found


def _service(module: str) -> str:
    return ".".join(module.split(".")[:3])


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "top"


@pytest.mark.parametrize(("module", "path"), modules(), ids=[module for module, _ in modules()])
def test_a_module_imports_only_what_its_layer_may(module, path):
    allowed = ALLOWED.get(layer(module))
    wrong = []
    for line, name, _inside in imports(path):
        if not name.startswith("qzzc"):
            continue
        if name.startswith("qzzc.cli") and layer(module) != "cli" and module != "qzzc.__main__":
            wrong.append((line, name))
        elif layer(module) == "services" and name.startswith("qzzc.services"):
            if name != "qzzc.services.base" and _service(name) != _service(
                module
            ):  # a package is one service
                wrong.append((line, name))
        elif allowed is not None and not name.startswith(allowed) and name != "qzzc":
            wrong.append((line, name))
    assert wrong == []


@pytest.mark.parametrize(("module", "path"), modules(), ids=[module for module, _ in modules()])
def test_an_import_inside_a_function_says_why(module, path):
    lines = path.read_text(encoding="utf-8").splitlines()
    silent = []
    for line, name, inside in imports(path):
        if not inside:
            continue
        text, above = lines[line - 1], lines[line - 2].strip() if line > 1 else ""
        if "#" not in text and not above.startswith("#"):
            silent.append((line, name))
    assert silent == []
