from django.urls import path

from bloc.accounts import audit_views, views

app_name = "accounts"
urlpatterns = [
    path("security/", views.security, name="security"),
    path("roles/", views.role_list, name="role-list"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
    path("audit/", audit_views.audit_log, name="audit-log"),
]
