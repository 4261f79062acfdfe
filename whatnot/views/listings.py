"""Inventory pages: list, detail, create, edit and conflict resolution."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ..edits import ListingInConflict, resolve_listing_conflict, save_listing_edit
from ..filters import ListingFilter, seller_brands
from ..forms import ListingForm
from ..models import Listing
from ..services.push import NotInConflict
from ..taxonomy import category_path, listing_taxonomy_id
from ..validation import TEXT_LENGTH_LIMIT
from .access import get_own_listing, seller_required
from .comps import render_comps

LISTINGS_PER_PAGE = 50
EVENTS_ON_DETAIL = 25

# The columns the list page shows; the rest (description, raw payloads) stay
# in the database.
LIST_COLUMNS = (
    "id",
    "whatnot_id",
    "title",
    "brand",
    "price",
    "currency",
    "quantity",
    "status",
    "published",
    "sync_state",
    "updated_at",
)


@require_GET
@seller_required
def listing_list(request):
    listings = Listing.objects.filter(seller=request.user).only(*LIST_COLUMNS)
    filterset = ListingFilter(request.GET, queryset=listings)
    # An invalid filter value shows the form errors and no rows; it is never
    # silently ignored.
    rows = filterset.qs if filterset.is_valid() else listings.none()
    paginator = Paginator(rows, LISTINGS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "brands": seller_brands(request.user.pk),
        "query_string": query.urlencode(),
    }
    template = (
        "whatnot/includes/_listing_table.html"
        if request.htmx
        else "whatnot/listing_list.html"
    )
    return render(request, template, context)


@require_GET
@seller_required
def listing_detail(request, pk: int):
    listing = get_own_listing(request, pk)
    context = {
        "listing": listing,
        "category": category_path(listing_taxonomy_id(listing)),
        "events": listing.events.order_by("-at", "-id")[:EVENTS_ON_DETAIL],
    }
    return render(request, "whatnot/listing_detail.html", context)


@require_GET
@seller_required
def listing_sync_state(request, pk: int):
    """Render one listing's sync state badge, which htmx polls while a push
    runs."""
    listing = get_own_listing(request, pk)
    return render(
        request, "whatnot/includes/_listing_sync_state.html", {"listing": listing}
    )


@require_http_methods(["GET", "POST"])
@seller_required
def listing_create(request):
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        listing = form.save(commit=False)
        listing.seller = request.user
        save_listing_edit(listing)
        messages.success(
            request,
            f"Saved “{listing.title}”. Sending it to Whatnot in the background.",
        )
        return redirect("whatnot:listing_detail", pk=listing.pk)
    return render(
        request,
        "whatnot/listing_form.html",
        {"form": form, "listing": None, "comps": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@seller_required
def listing_update(request, pk: int):
    listing = get_own_listing(request, pk)
    if listing.sync_state == Listing.SyncState.CONFLICT:
        messages.warning(
            request,
            "This listing changed on Whatnot since your last edit. Choose which "
            "version to keep before editing it.",
        )
        return redirect("whatnot:listing_conflict", pk=listing.pk)
    form = ListingForm(request.POST or None, instance=listing)
    if request.method == "POST" and form.is_valid():
        try:
            save_listing_edit(form.save(commit=False), form.changed_data)
        except ListingInConflict as exc:
            messages.warning(request, str(exc))
            return redirect("whatnot:listing_conflict", pk=listing.pk)
        messages.success(
            request, "Saved your changes. Sending them to Whatnot in the background."
        )
        return redirect("whatnot:listing_detail", pk=listing.pk)
    context = {
        "form": form,
        "listing": listing,
        "comps": render_comps(
            request, listing.title, listing.brand, listing.description
        ),
    }
    return render(
        request,
        "whatnot/listing_form.html",
        context,
        status=400 if form.errors else 200,
    )


# Fields the conflict page compares, with the key each has in the snapshot of
# Whatnot's version.
CONFLICT_FIELDS = (
    ("title", "Title"),
    ("description", "Description"),
    ("price", "Price"),
    ("quantity", "Quantity"),
    ("status", "Status"),
    ("published", "Published"),
)


@require_http_methods(["GET", "POST"])
@seller_required
def listing_conflict(request, pk: int):
    listing = get_own_listing(request, pk)
    if listing.sync_state != Listing.SyncState.CONFLICT:
        messages.info(request, "This listing has no conflict to resolve.")
        return redirect("whatnot:listing_detail", pk=listing.pk)
    status = 200
    if request.method == "POST":
        keep = request.POST.get("keep")
        if keep in ("local", "remote"):
            try:
                resolve_listing_conflict(listing, keep=keep)
            except NotInConflict as exc:
                # Whatnot's version was never recorded, so there is nothing to
                # choose between.
                messages.error(request, f"The conflict cannot be resolved: {exc}.")
                return redirect("whatnot:listing_detail", pk=listing.pk)
            messages.success(
                request,
                "Kept your version; it is being sent to Whatnot."
                if keep == "local"
                else "Took the version on Whatnot.",
            )
            return redirect("whatnot:listing_detail", pk=listing.pk)
        messages.error(
            request,
            f"Choose “Keep mine” or “Take Whatnot's”; {keep!r} is not a choice.",
        )
        status = 400
    remote = listing.remote_snapshot or {}
    rows = [
        (label, getattr(listing, field), remote.get(field))
        for field, label in CONFLICT_FIELDS
    ]
    context = {
        "listing": listing,
        "rows": rows,
        "remote": remote,
        "detail_url": reverse("whatnot:listing_detail", args=[listing.pk]),
    }
    return render(request, "whatnot/listing_conflict.html", context, status=status)


@require_GET
@seller_required
def listing_comps(request):
    """Render comparable sales for the title typed so far (an htmx partial)."""
    title = request.GET.get("title", "")[:TEXT_LENGTH_LIMIT]
    brand = request.GET.get("brand", "")[:64]
    description = request.GET.get("description", "")[:TEXT_LENGTH_LIMIT]
    return render(
        request,
        "whatnot/includes/_listing_comps.html",
        {"comps": render_comps(request, title, brand, description)},
    )
