from django.urls import include, path

from . import import_views, views

app_name = "research"

urlpatterns = [
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/runs/", import_views.import_runs, name="import_runs"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("exports/listings/", import_views.export_listings, name="export_listings"),
    path("", views.overview, name="overview"),
    path("cohorts/", views.cohort, name="cohort"),
    path("listings/", views.listings, name="listings"),
    path("comps/partial/", views.comps_partial, name="comps_partial"),
    path("summaries/", include("research.insights.urls")),
]
