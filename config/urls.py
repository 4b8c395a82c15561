from django.contrib import admin
from django.urls import include, path

urlpatterns = [
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
    path("admin/", admin.site.urls),
]
