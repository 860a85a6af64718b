"""Every command appears in the README with an example."""

from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


def commands():
    from typer.main import get_command

    from qzzc.cli import app

    def walk(group, prefix):
        for name, command in group.commands.items():
            if getattr(command, "hidden", False):
                continue
            if hasattr(command, "commands"):
                yield from walk(command, [*prefix, name])
            else:
                yield " ".join(["qzzc", *prefix, name])

    return sorted(walk(get_command(app), []))


@pytest.mark.parametrize("command", commands())
def test_command_has_a_readme_example(command):
    text = README.read_text(encoding="utf-8")
    assert f"### {command.split()[0]} {command.split()[1]}" in text or f"### {command}" in text
    assert f"\n{command}" in text, f"README has no example line starting with `{command}`"
