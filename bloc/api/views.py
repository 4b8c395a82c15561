"""The API tokens page: make a token (its secret shown once), see when each was last used,
revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bloc.accounts import selectors as roles
from bloc.api import selectors, services
from bloc.api.forms import TokenForm, WebhookForm


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.issue_token(
                actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.tokens_of(request.user),
            "roles": roles.role_assignments(request.user),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_for(request.user, pk)
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("api:token-list")


@never_cache
@login_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    subscriptions = selectors.subscriptions_for(request.user)
    form = WebhookForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _subscription, secret = services.create_subscription(
                actor=request.user,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = WebhookForm()
            subscriptions = selectors.subscriptions_for(request.user)
    return render(
        request,
        "api/webhook_list.html",
        {"form": form, "secret": secret, "subscriptions": subscriptions},
    )


@login_required
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, pk)
    return render(
        request,
        "api/webhook_detail.html",
        {"subscription": subscription, "deliveries": selectors.delivery_log(subscription)},
    )


@login_required
@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, pk)
    if services.send_test_event(actor=request.user, subscription=subscription):
        messages.success(request, "Test event queued: it appears in the log below.")
    else:
        messages.error(request, "This webhook is turned off.")
    return redirect("api:webhook-detail", pk=subscription.pk)


@login_required
@require_POST
def webhook_disable(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, pk)
    services.disable_subscription(actor=request.user, subscription=subscription)
    messages.success(request, "Webhook turned off: nothing more is sent to it.")
    return redirect("api:webhook-detail", pk=subscription.pk)
