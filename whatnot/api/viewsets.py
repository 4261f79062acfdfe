"""Seller-scoped API viewsets. Every queryset is limited to the signed-in
seller, so another seller's id gets 404, and no request calls Whatnot:
writes save locally and queue the work."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import WhatnotConnection

from ..edits import ListingInConflict, save_listing_edit
from ..models import Listing, Sale, SyncRun
from ..services.sync import queue_sync
from .filters import ListingFilter, SaleFilter, SyncRunFilter
from .permissions import IsSeller
from .serializers import (
    ListingSerializer,
    SaleSerializer,
    SyncRunSerializer,
    SyncStartSerializer,
)


class ListingConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The listing changed on Whatnot; resolve the conflict first."


class SellerScopedMixin:
    permission_classes = [IsAuthenticated, IsSeller]

    def get_queryset(self):
        return self.queryset.filter(seller=self.request.user)


@extend_schema(tags=["listings"])
class ListingViewSet(
    SellerScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The seller's listings. Creating or changing one saves it with
    sync_state "pending" and queues a push to Whatnot; poll the listing until
    sync_state is "synced", "failed" or "conflict"."""

    queryset = Listing.objects.select_related("variant__product")
    serializer_class = ListingSerializer
    filterset_class = ListingFilter

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            # The default order; the sort filter replaces it.
            queryset = queryset.order_by("-updated_at", "-id")
        return queryset

    def perform_create(self, serializer):
        listing = Listing(seller=self.request.user, **serializer.validated_data)
        save_listing_edit(listing)
        serializer.instance = listing

    def perform_update(self, serializer):
        listing = serializer.instance
        changed = [
            name
            for name, value in serializer.validated_data.items()
            if getattr(listing, name) != value
        ]
        for name, value in serializer.validated_data.items():
            setattr(listing, name, value)
        try:
            save_listing_edit(listing, changed)
        except ListingInConflict as exc:
            raise ListingConflict(str(exc)) from exc

    @extend_schema(responses={200: ListingSerializer, 409: OpenApiResponse()})
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(responses={200: ListingSerializer, 409: OpenApiResponse()})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)


@extend_schema(tags=["sync"])
class SyncRunViewSet(
    SellerScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The seller's sync runs, newest first. POST starts a sync, or returns
    the one already queued or running."""

    queryset = SyncRun.objects.order_by("-queued_at", "-id")
    serializer_class = SyncRunSerializer
    filterset_class = SyncRunFilter
    throttle_scope = "sync_start"

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(ScopedRateThrottle())
        return throttles

    @extend_schema(
        request=SyncStartSerializer,
        responses={202: SyncRunSerializer},
        summary="Start a sync",
    )
    def create(self, request):
        start = SyncStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        connection = WhatnotConnection.objects.filter(user=request.user).first()
        if connection is None or not connection.is_usable:
            raise ValidationError(
                {
                    "non_field_errors": [
                        "Connect your Whatnot account before syncing: selvedge "
                        "has no working access to your store."
                    ]
                }
            )
        run = queue_sync(request.user, kind=start.validated_data["kind"])
        return Response(SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["sales"])
class SaleViewSet(
    SellerScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The seller's sales, newest first."""

    queryset = Sale.objects.select_related("listing").order_by("-sold_at", "-id")
    serializer_class = SaleSerializer
    filterset_class = SaleFilter
