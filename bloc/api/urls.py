"""The API tokens page (namespace "api") and the REST API (namespace "api-v1", at the top level
because django-ninja reverses its own names from there)."""

from django.urls import include, path

from bloc.api import views
from bloc.api.api import api

token_patterns = [
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("webhooks/", views.webhook_list, name="webhook-list"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:pk>/test/", views.webhook_test, name="webhook-test"),
    path("webhooks/<int:pk>/disable/", views.webhook_disable, name="webhook-disable"),
]

urlpatterns = [
    path("", include((token_patterns, "api"))),
    path("v1/", api.urls),
]
