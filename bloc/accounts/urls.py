from django.urls import path

from bloc.accounts import views

app_name = "accounts"
urlpatterns = [
    path("security/", views.security, name="security"),
    path("roles/", views.role_list, name="role-list"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
]
