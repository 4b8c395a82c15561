"""Optional error tracking with sentry-sdk: Sentry, or a self-hosted GlitchTip (same protocol).

On only when `SENTRY_DSN` is set. Events never carry personal data: `send_default_pii=False`,
no request bodies or local variables, and `scrub_event` drops the request's cookies, headers,
query string and body and any log call's `extra`, keeps only the user's numeric id, and masks
email addresses and long tokens in paths in every string left (exception messages, log
breadcrumbs). The request's id (see config/logs.py) becomes the tag `request_id`.
"""

from typing import Any

from config.logs import scrub_text

_REQUEST_KEPT = ("method", "url")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """sentry-sdk's `before_send`: the event without personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: request[key] for key in _REQUEST_KEPT if key in request}
        if "url" in kept:
            kept["url"] = str(kept["url"]).split("?", 1)[0]
        event["request"] = kept
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("extra", None)  # a log call's `extra` (Django's holds the whole request)
    scrubbed: dict[str, Any] = _scrub(event)
    request_id = _request_id()
    if request_id:
        scrubbed.setdefault("tags", {})["request_id"] = request_id
    return scrubbed


def _request_id() -> str | None:
    import structlog

    return structlog.contextvars.get_contextvars().get("request_id")


def init_error_tracking(*, dsn: str, environment: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,  # type: ignore[arg-type]
        traces_sample_rate=0.0,
    )
