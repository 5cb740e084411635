"""What `bosonline serve` hands uvicorn (`bosonline.asgi:create_app`, in every server process): the app, imported and
built with the garbage collector off.

Importing the app makes ~350k objects (modules, ~170 routes, their pydantic schemas and validators, the SQLAlchemy
mappers) that live as long as the process. With the collector on, each burst of allocations triggers a collection
that walks everything made so far again: a fifth of the CPU the import costs, paid again by every worker process
before it can answer. Off while the app is imported and built, the objects are then moved out of the collector's
walks (`gc.freeze`, as the app's lifespan does again for what start-up adds) and the collector is switched back on.
A collection at that point would find ~2k unreachable objects (a few hundred kB) among the 350k: they stay.

`bosonline.app` is imported inside `create_app` on purpose: the collector must be off before the import starts,
and uvicorn imports this module before it calls the factory.

With several workers, each one, its app built, waits for `serve`'s checks before it listens (`start_gate`).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from bosonline.start_gate import wait_for_gate

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app() -> FastAPI:
    app = _build()
    wait_for_gate()
    return app


def _build() -> FastAPI:
    enabled = gc.isenabled()
    gc.disable()
    try:
        from bosonline.app import create_app as build_app  # lazy on purpose: see the module's docstring

        return build_app()
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
