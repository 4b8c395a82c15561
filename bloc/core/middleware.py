"""django-csp's middleware, with the policy from settings built once instead of per response."""

from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

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
