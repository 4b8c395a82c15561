from django.urls import include, path

urlpatterns = [
    path("", include("bloc.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("events/", include("bloc.events.urls")),
]
