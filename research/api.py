"""REST endpoint for comparable sales: GET /api/comps/?brand=...&lot=...

Sellers, analysts and staff may call it; errors are field-keyed 400s.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from .views.access import COMPS_ROLES, has_any_role
from .views.comps import CompsQueryForm, comps_for_query


class CompSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    platform = serializers.CharField()
    sold_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    sold_at = serializers.DateTimeField(allow_null=True)
    lot = serializers.CharField()
    decade = serializers.CharField()
    waist = serializers.IntegerField(allow_null=True)


class CompsResultSerializer(serializers.Serializer):
    brand = serializers.CharField()
    lot = serializers.CharField(allow_null=True)
    decade = serializers.CharField(allow_null=True)
    waist = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField()
    enough = serializers.BooleanField()
    price_low = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True
    )
    price_median = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True
    )
    price_high = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True
    )
    steps = serializers.ListField(child=serializers.CharField())
    comps = CompSerializer(many=True)


class CompsViewSet(viewsets.ViewSet):
    """Comparable sales and a suggested price range for brand, lot, decade, waist."""

    serializer_class = CompsResultSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("brand", str, required=True, description="e.g. levis"),
            OpenApiParameter("lot", str, description="e.g. 501"),
            OpenApiParameter("decade", str, description="e.g. 1980s"),
            OpenApiParameter("waist", int, description="inches, 20 to 60"),
            OpenApiParameter(
                "min_comps", int, description="widen until this many (default 5)"
            ),
        ],
        responses=CompsResultSerializer,
    )
    def list(self, request):
        if not has_any_role(request.user, COMPS_ROLES):
            raise PermissionDenied("Comps need the seller, analyst or staff role.")
        form = CompsQueryForm(request.query_params)
        if not form.is_valid():
            errors = {
                name: [
                    f"{message} Got {form.data.get(name, '')!r}." for message in msgs
                ]
                for name, msgs in form.errors.items()
            }
            return Response(errors, status=400)
        result = comps_for_query(form, request.user)
        return Response(CompsResultSerializer(result.as_dict()).data)
