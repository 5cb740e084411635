"""The `bosonline` command's entry point (`[project.scripts]`), kept to nothing on purpose.

`bosonline serve --workers N` starts its worker processes the way multiprocessing's "spawn" does: each one first runs
the command's script again (as `__mp_main__`, so that what the parent defined there exists in the child), and the
script imports its entry point's module. Were that `bosonline.cli` (Typer, Click, Rich: ~0.2 s of CPU), every worker
would pay it before it imports the app; this module imports the command line only when the command runs.
"""

from __future__ import annotations


def main() -> None:
    from bosonline.cli import main as run  # lazy on purpose: see the module's docstring

    run()
