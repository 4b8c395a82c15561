from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The public front door at "/", public chapter pages, the member home and preferences.
    path("", include("bloc.home.urls")),
    path("", include("bloc.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("bloc.accounts.urls")),
    path("people/", include("bloc.people.urls")),
    path("democracy/", include("bloc.democracy.urls")),
    path("coalition/", include("bloc.coalition.urls")),
    path("comms/", include("bloc.comms.urls")),
    path("program/", include("bloc.program.urls")),
    path("electoral/", include("bloc.electoral.urls")),
    path("events/", include("bloc.events.urls")),
    path("contact/", include("bloc.contact.urls")),
    # The REST API (/api/v1/, its OpenAPI schema and docs) and the API tokens page.
    path("api/", include("bloc.api.urls")),
    path("admin/", admin.site.urls),
]

# The ESP's delivery and inbound webhooks (bounces, complaints, opens: comms.delivery listens),
# at /anymail/<esp>/tracking/ and /anymail/<esp>/inbound/. Mounted only for the configured ESP
# and only with ANYMAIL_WEBHOOK_SECRET set ("user:password", given to the ESP as basic auth in
# the webhook URL), so nobody can post forged bounces that would suppress real addresses.
if settings.ANYMAIL.get("WEBHOOK_SECRET") and settings.BLOC_EMAIL_WEBHOOK_ESP:
    from anymail.urls import urlpatterns as anymail_patterns

    esp = settings.BLOC_EMAIL_WEBHOOK_ESP + "_"
    mine = [p for p in anymail_patterns if p.name and p.name.startswith(esp)]
    urlpatterns.append(path("anymail/", include((mine, "anymail"))))
