"""Structured logs: one JSON object per line (or readable console lines), with the request id bound.

Our own lines go through structlog; the standard library's records (uvicorn's `uvicorn`, `uvicorn.error` and
`uvicorn.access` loggers under `bosonline serve`) through `StdlibFormatter`, into the same shape with their logger's
name added: {"event", "level", "timestamp", "logger", …}.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def _stderr_logger(*_: object) -> structlog.PrintLogger:
    # sys.stderr as it is when a logger is made, not when logging was configured: a replaced stream (a test's
    # capture, a daemon's redirect) must not leave loggers writing to a closed file.
    return structlog.PrintLogger(sys.stderr)


def _shared() -> list[structlog.types.Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _renderer(fmt: str) -> structlog.types.Processor:
    return structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    structlog.configure(
        processors=[*_shared(), structlog.processors.format_exc_info, _renderer(fmt)],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )


class StdlibFormatter(structlog.stdlib.ProcessorFormatter):
    """A standard-library `logging` record as one of our lines (`log_format`: json or console)."""

    def __init__(self, log_format: str = "json", **_: Any) -> None:
        super().__init__(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                _renderer(log_format),
            ],
            foreign_pre_chain=[*_shared(), structlog.stdlib.add_logger_name],
        )


def uvicorn_log_config(level: str = "INFO", fmt: str = "json") -> dict[str, Any]:
    """uvicorn's `log_config`: its loggers write our lines to stderr. A plain dict naming the formatter by its import
    path, so that `serve --workers N` can hand it to each worker process, which applies it at start."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"bosonline": {"()": f"{__name__}.StdlibFormatter", "log_format": fmt}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "bosonline", "stream": "ext://sys.stderr"}
        },
        "loggers": {name: {"handlers": ["stderr"], "level": level, "propagate": False} for name in UVICORN_LOGGERS},
    }
