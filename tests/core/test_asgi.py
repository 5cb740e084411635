"""`bosonline.asgi:create_app`, what `bosonline serve` hands uvicorn: the app, built with the garbage collector off,
then frozen, and the collector on again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHECK = """
import gc, json, sys
from bosonline.asgi import create_app
app = create_app()
print(json.dumps({
    "enabled": gc.isenabled(),
    "frozen": gc.get_freeze_count(),
    "app": type(app).__name__,
    "routes": len(app.routes),
    "imported_app": "bosonline.app" in sys.modules,
    "not_needed": sorted(name for name in ("lokal", "redis", "alembic", "typer") if name in sys.modules),
}))
"""


def test_the_app_is_built_with_the_collector_off_then_frozen(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BOSONLINE_", "PROMETHEUS_"))}
    env.update(BOSONLINE_DATA_DIR=str(tmp_path), BOSONLINE_LOG_LEVEL="WARNING")
    out = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, check=True).stdout
    seen = json.loads(out.splitlines()[-1])
    assert seen["enabled"] is True  # on again once the app is built
    assert seen["frozen"] > 100_000  # the start-up objects are out of the collector's walks
    assert seen["app"] == "FastAPI" and seen["routes"] > 30 and seen["imported_app"]
    # Left for later (each costs every server process CPU before its first answer): lokal until its first use or
    # the region index built after start-up, Redis when configured, migrations when behind, the command line.
    assert seen["not_needed"] == []


def test_importing_the_module_imports_nothing_of_the_app(tmp_path: Path) -> None:
    """uvicorn imports the module before it calls the factory: the collector must be off before the app's import."""
    code = "import sys, bosonline.asgi; print('bosonline.app' in sys.modules, 'fastapi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
