"""Structured logs for every process: events and numbers only.

Message text, pseudonyms' owners, chat ids and names never go into a log line; log calls
name what happened (`send_retry`, `session_store_unavailable`) and carry counts and types.
"""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(level: str = "INFO") -> None:
    # Libraries log at WARNING and above only: aiogram logs every update at INFO, and library
    # debug lines may echo request data. Our own events follow `level`.
    logging.basicConfig(format="%(name)s %(levelname)s %(message)s", stream=sys.stderr, level=logging.WARNING)
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
