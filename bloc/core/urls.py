from django.urls import path

from bloc.core import metrics, views

app_name = "core"
urlpatterns = [
    # The dashboard of what apps register; "/" is the public front door (bloc.home), which
    # sends signed-in staff here.
    path("dashboard/", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("metrics", metrics.metrics, name="metrics"),
    path("brand.css", views.brand_css, name="brand-css"),
]
