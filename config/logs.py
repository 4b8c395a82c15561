"""Logging: one JSON object a line (structlog), every line of a request carrying its request id.

No personal data, ever: request lines carry the method, the path (no query string: it can hold
search terms or addresses), the status and the user's numeric id; never a client address, a
user agent or an email (`bloc.core.logs.RequestLogMiddleware`). Every line, whoever logs it, has
email addresses and long tokens in paths masked (`scrub`).
"""

import re
from typing import Any

import structlog

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A path segment this long is a token (private event links, status links), not a slug or an id.
_PATH_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=/|\s|$|\?|\")")
_KEEP = {"request_id", "correlation_id", "timestamp"}


def scrub_text(text: str) -> str:
    """Anything shaped like an email address, and long tokens in paths, masked."""
    return _PATH_TOKEN.sub("[token]", _EMAIL.sub("[email]", text))


def scrub(logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    """Mask emails and tokens in paths in every line's text, tracebacks included (a database
    error can quote the value that broke a constraint)."""
    for key, value in event.items():
        if isinstance(value, str) and key not in _KEEP:
            event[key] = scrub_text(value)
    return event


_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def logging_config(*, level: str, fmt: str) -> dict[str, Any]:
    """Configure structlog and return Django's LOGGING: `fmt` is "json" or "console"."""
    structlog.configure(
        processors=[
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer = (
        structlog.dev.ConsoleRenderer(colors=False)
        if fmt == "console"
        else structlog.processors.JSONRenderer()
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    scrub,
                    renderer,
                ],
                # Lines from logging.getLogger(...) (Django's, libraries', ours) get the same
                # fields, the request id among them (not their `extra`: Django's holds the
                # whole request).
                "foreign_pre_chain": _SHARED,
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        # The request lines come from django_structlog; Django's own request and server
        # loggers would repeat them (with the full path), so they log only what goes wrong.
        "loggers": {
            "django.request": {"level": "ERROR"},
            "django.server": {"level": "ERROR"},
        },
    }
