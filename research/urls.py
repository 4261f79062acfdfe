from django.urls import include, path

app_name = "research"

urlpatterns: list = [
    path("summaries/", include("research.insights.urls")),
]
