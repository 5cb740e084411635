"""`serve --workers N`'s start gate: a worker listens only once the parent's checks passed, and stops when they
failed or the parent is gone (the whole command: tests/core/test_cli.py)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from bosonline.start_gate import ENV, OPEN, SHUT, STARTUP_FAILURE, start_gate, state, wait_for_gate


def test_without_a_gate_a_worker_does_not_wait() -> None:
    assert ENV not in os.environ
    wait_for_gate()


def test_a_worker_waits_until_the_gate_opens() -> None:
    with start_gate() as gate:
        assert state(gate.path) is None  # pending
        opened_at: list[float] = []

        def open_later() -> None:
            time.sleep(0.2)
            opened_at.append(time.monotonic())
            gate.open()

        opener = threading.Thread(target=open_later)
        opener.start()
        wait_for_gate()
        passed_at = time.monotonic()
        opener.join()
        assert opened_at and passed_at >= opened_at[0]
        assert state(gate.path) == OPEN
        wait_for_gate()  # a worker started later (a restart) passes at once
    assert ENV not in os.environ and not gate.path.exists()


def test_a_shut_gate_stops_the_worker_with_uvicorns_startup_failure() -> None:
    with start_gate() as gate:
        gate.shut()
        assert state(gate.path) == SHUT
        with pytest.raises(SystemExit) as stopped:
            wait_for_gate()
        assert stopped.value.code == STARTUP_FAILURE  # uvicorn's parent then stops instead of restarting it


def test_a_worker_whose_parent_is_gone_stops() -> None:
    with start_gate() as gate:
        gate.path.unlink()  # the parent removed the gate (it ended) before it said anything
        with pytest.raises(SystemExit) as stopped:
            wait_for_gate()
        assert stopped.value.code == STARTUP_FAILURE
