"""uvicorn's loggers through our formatter: the same JSON line shape as our own lines, with the logger's name."""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Iterator

import pytest
import structlog

from bosonline.logging import UVICORN_LOGGERS, configure_logging, uvicorn_log_config


@pytest.fixture
def uvicorn_logging() -> Iterator[None]:
    saved = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate) for name in UVICORN_LOGGERS}
    yield
    for name, (handlers, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate = handlers, propagate
    configure_logging("WARNING")


def test_uvicorn_records_are_our_json_lines(uvicorn_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    logging.config.dictConfig(uvicorn_log_config("INFO", "json"))
    logging.getLogger("uvicorn.error").info("Uvicorn running on %s", "http://127.0.0.1:8000")
    # uvicorn.access's own call: client, method, path, HTTP version, status as arguments.
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/health", "1.1", 200)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    structlog.get_logger("bosonline.test").info("ours", answer=42)

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    running, access, failure, ours = lines
    assert running["event"] == "Uvicorn running on http://127.0.0.1:8000"
    assert (running["level"], running["logger"]) == ("info", "uvicorn.error")
    assert access["event"] == '127.0.0.1:5000 - "GET /health HTTP/1.1" 200' and access["logger"] == "uvicorn.access"
    assert failure["level"] == "error" and "ValueError: boom" in failure["exception"]
    assert set(ours) - {"answer"} == set(running) - {"logger"} == {"event", "level", "timestamp"}
    assert running["timestamp"].endswith("Z") and ours["timestamp"].endswith("Z")
