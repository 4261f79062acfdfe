"""The REST API: one router for every app's viewsets, plus the OpenAPI schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from research.api import CompsViewSet

router = DefaultRouter()
router.register("comps", CompsViewSet, basename="comps")

# Each app registers its viewsets on the router in its api.routes module; they
# are imported here, before router.urls is read below.
import whatnot.api.routes  # noqa: E402, F401

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"
    ),
]
