"""Summary URLs, included by research.urls under the "research" namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.summarize, name="summarize"),
    path("my-sales/", views.summarize_sales, name="summarize_sales"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/status/", views.report_status, name="report_status"),
]
