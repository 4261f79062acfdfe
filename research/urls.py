from django.urls import include, path

from . import views

app_name = "research"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("cohorts/", views.cohort, name="cohort"),
    path("listings/", views.listings, name="listings"),
    path("comps/partial/", views.comps_partial, name="comps_partial"),
    path("summaries/", include("research.insights.urls")),
]
