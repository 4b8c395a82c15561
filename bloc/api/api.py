"""The REST API at /api/v1/: OSDI resources in HAL+JSON and Bloc's own beyond OSDI, with its
OpenAPI schema (/api/v1/openapi.json) and interactive docs (/api/v1/docs).

Views are thin: each endpoint calls the selectors (scoping) and services (writes, audit) that
the web pages call, as the token's user."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from bloc.api import beyond, events, people
from bloc.api.auth import RateLimited, TokenAuth

api = NinjaAPI(
    title="Bloc API",
    version="1",
    description=(
        "OSDI v1.1-compatible people, events and attendances, the person signup helper, and "
        "Bloc's chapters and partners. Authenticate with an API token from the API tokens page: "
        "`Authorization: Bearer bloc_…`. Objects outside your role's scope are 404."
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
)
api.add_router("", people.router)
api.add_router("", events.router)
api.add_router("", beyond.router)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "Too many requests: wait and try again."}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not allowed."}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=400)
