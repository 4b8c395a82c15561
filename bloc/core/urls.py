from django.urls import path

from bloc.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("brand.css", views.brand_css, name="brand-css"),
]
