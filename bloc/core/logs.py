"""Request logs without personal data, and the request id in an `X-Request-ID` header.

django-structlog's middleware gives every log line of a request the same `request_id` and logs
`request_started` / `request_finished`. Here it logs no client address
(`DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False`), no user agent and no query string (search
terms, addresses); the user is their numeric id only. Tokens in paths and email addresses are
masked in every line by the log formatter (`config.logs.scrub`). The id goes back to the
client in `X-Request-ID`, so a person reporting a problem can quote it.
"""

from typing import Any

import structlog
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_structlog import signals
from django_structlog.middlewares import RequestMiddleware


class RequestLogMiddleware(RequestMiddleware):
    @staticmethod
    def format_request(request: HttpRequest) -> str:
        return f"{request.method} {request.path}"  # no query string

    def prepare(self, request: HttpRequest) -> None:
        super().prepare(request)
        request.bloc_request_id = structlog.contextvars.get_contextvars().get("request_id")  # type: ignore[attr-defined]

    def handle_response(self, request: HttpRequest, response: HttpResponse) -> None:
        request_id = getattr(request, "bloc_request_id", None)
        if request_id:
            response["X-Request-ID"] = request_id
        super().handle_response(request, response)


@receiver(signals.bind_extra_request_metadata, sender=RequestLogMiddleware)
def _drop_user_agent(log_kwargs: dict[str, Any], **kwargs: Any) -> None:
    log_kwargs.pop("user_agent", None)
