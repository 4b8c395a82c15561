"""The API tokens page (namespace "api") and the REST API (namespace "api-v1", at the top level
because django-ninja reverses its own names from there)."""

from django.urls import include, path

from bloc.api import views
from bloc.api.api import api

token_patterns = [
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]

urlpatterns = [
    path("", include((token_patterns, "api"))),
    path("v1/", api.urls),
]
