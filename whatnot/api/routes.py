"""Register whatnot's viewsets on the project's API router."""

from config.api_urls import router

from .viewsets import ListingViewSet, SaleViewSet, SyncRunViewSet

router.register("listings", ListingViewSet, basename="listing")
router.register("sync-runs", SyncRunViewSet, basename="syncrun")
router.register("sales", SaleViewSet, basename="sale")
