"""Startup cost of ``qzzc --help`` against a bare two-command Typer app, measured side by side.

Run: ``.venv/bin/python bench/startup.py [RUNS]``. Prints both medians and their ratio (target ≤ 1.5).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = '''
import typer
app = typer.Typer()
@app.command()
def one(): """One."""
@app.command()
def two(): """Two."""
app()
'''


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(runs: int = 21) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bare = Path(folder) / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        commands = {
            "bare typer --help": [sys.executable, str(bare), "--help"],
            "qzzc --help": [sys.executable, "-m", "qzzc", "--help"],
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for argv in commands.values():  # warm the file cache and .pyc files
            timed(argv)
        for _ in range(runs):  # interleaved, so both see the same machine
            for name, argv in commands.items():
                samples[name].append(timed(argv))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, median in medians.items():
        print(f"{name:>20}: median {median * 1000:7.1f} ms over {runs} runs")
    print(f"{'ratio':>20}: {medians['qzzc --help'] / medians['bare typer --help']:.2f} (target ≤ 1.50)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 21)
