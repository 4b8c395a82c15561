from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from bloc.core.health import health  # noqa: F401 - /health/ (core:health)
from bloc.core.organization import brand_css as _brand_css
from bloc.core.registry import dashboard_widgets


@login_required
def home(request: HttpRequest) -> HttpResponse:
    widgets = []
    for _, widget in sorted(dashboard_widgets, key=lambda item: item[1].order):
        if widget.visible_to(request.user):
            widgets.append(
                {
                    "title": widget.title,
                    "template": widget.template,
                    "data": widget.context(request.user),
                }
            )
    person = getattr(request.user, "person", None)
    return render(request, "core/home.html", {"widgets": widgets, "person": person})


@require_GET
@cache_control(public=True, max_age=300)
def brand_css(request: HttpRequest) -> HttpResponse:
    """The organization's colour as a stylesheet: the CSP allows no inline styles."""
    return HttpResponse(_brand_css(), content_type="text/css; charset=utf-8")
