from csp.constants import NONCE
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from bloc.core.middleware import CSPMiddleware


def _header(middleware_class, *, nonce: bool = False, **attrs) -> str:
    middleware = middleware_class(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    middleware.process_request(request)
    if nonce:
        str(request.csp_nonce)
    response = HttpResponse()
    for name, value in attrs.items():
        setattr(response, name, value)
    return middleware.process_response(request, response).get("Content-Security-Policy", "")


def test_the_remembered_policy_is_django_csps():
    assert _header(CSPMiddleware) == _header(DjangoCSPMiddleware)
    assert "default-src 'self'" in _header(CSPMiddleware)


def test_a_views_change_or_a_nonce_still_goes_through_django_csp():
    update = {"_csp_update": {"img-src": ["https://*.tiles.example.org"]}}
    assert "https://*.tiles.example.org" in _header(CSPMiddleware, **update)
    assert _header(CSPMiddleware, **update) == _header(DjangoCSPMiddleware, **update)
    assert _header(CSPMiddleware, _csp_exempt=True) == ""
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [NONCE]}}):
        assert "'nonce-" in _header(CSPMiddleware, nonce=True)
        assert "'nonce-" not in _header(CSPMiddleware)


def test_new_settings_give_a_new_header():
    middleware = CSPMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    first = middleware.process_response(request, HttpResponse())["Content-Security-Policy"]
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        second = middleware.process_response(request, HttpResponse())["Content-Security-Policy"]
    assert "default-src 'self'" in first and second == "default-src 'none'"
