"""django-csp's middleware, with the policy from settings built once instead of per response;
and the Cache-Control of personal responses (PrivateCacheMiddleware)."""

from collections.abc import Callable
from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

#: What a view or decorator sets on a response to change or drop its policy (django-csp).
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class CSPMiddleware(BaseCSPMiddleware):
    """Most responses carry exactly the policy in settings: no view changed it, no page used a
    nonce, and there is no report-only policy. django-csp builds that same header string again
    for every response (it showed on the public forms' CPU profile); here it is built once per
    settings object and reused. Every other response goes through django-csp unchanged."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._source: Any = None
        self._header = ""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if (
            not policy
            or getattr(request, "_csp_nonce", None) is not None
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or any(hasattr(response, name) for name in _PER_RESPONSE)
            or HEADER in response
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        if policy is not self._source:  # first response, or the settings were replaced
            self._header, self._source = build_policy(), policy
        prefixes = tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())
        if self._header and not request.path_info.startswith(prefixes):
            response[HEADER] = self._header
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


#: URL parameters that make the address itself a credential (an RSVP's, a host's, an
#: unsubscribe link's token): whoever holds the address sees a person's data.
_CREDENTIAL_KWARGS = frozenset({"token"})


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response that is someone's own: any
    response to a signed-in person (pages, CSV and file exports), any response that sets a
    cookie (a session or CSRF cookie: every page with a form or the HTMX CSRF header, so the
    vote, voting-code and sign-in pages too), any answer to a POST, and any page whose address
    carries a token. No browser, proxy or CDN keeps a copy, and the back button does not show
    it after signing out.

    A view that chose public caching itself (``Cache-Control: public``, e.g. Leaflet's files)
    keeps it unless the response sets a cookie; a view that already said ``no-store``
    (``never_cache``) is left as it is; other directives a view set are kept beside these.
    Everything else (a visitor's public files and feeds) is left as it is. It sits above the
    session and CSRF middleware, so it sees the cookies they set.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        directives = _directives(response)
        if "no-store" in directives:
            return response  # the view already keeps every cache away (never_cache, no-store)
        if response.cookies or (self._personal(request) and "public" not in directives):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _personal(request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD"):
            return True  # the answer to what someone sent (an RSVP's page names them)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        match = getattr(request, "resolver_match", None)
        return bool(match and _CREDENTIAL_KWARGS.intersection(match.kwargs))


def _directives(response: HttpResponseBase) -> set[str]:
    header = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in header.split(",") if part.strip()}
