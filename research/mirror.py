"""Mirror connected sellers' Whatnot listings and sales into MarketListing.

A seller who turned off include_in_market_research has no market rows: the
mirror skips their listings and deletes rows already there. Mirrored rows go
through the ingestion writer, so the same version rule holds: a listing whose
remote_updated_at is not newer than the stored row's changes nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Max
from django.utils import timezone

from whatnot.models import PLATFORM_WHATNOT, Listing, Sale

from .cohorts import enqueue_summary_refresh
from .ingest import IngestReport, ListingRow, ingest_rows
from .models import MarketListing

logger = logging.getLogger(__name__)

_SOLD_STATUSES = frozenset({Listing.Status.SOLD, Listing.Status.SOLD_OUT})


def mirror_whatnot_listings(listing_ids: Iterable[int]) -> IngestReport:
    """Upsert the market rows of these whatnot.Listing ids; return the counts.

    Drafts without a Whatnot id are skipped. Rows of sellers who opted out of
    market research are deleted instead.
    """
    listings = (
        Listing.objects.filter(pk__in=list(listing_ids), whatnot_id__isnull=False)
        .select_related("seller", "variant__product")
        .order_by("pk")
    )
    by_seller: dict[int, list[Listing]] = defaultdict(list)
    opted_out: list[str] = []
    for listing in listings:
        if listing.seller.include_in_market_research:
            by_seller[listing.seller_id].append(listing)
        else:
            opted_out.append(listing.whatnot_id)
    if opted_out:
        remove_market_rows(opted_out)
    total = IngestReport()
    for seller_id, seller_listings in by_seller.items():
        sales = _latest_sales(seller_listings)
        rows = [
            (listing.pk, listing_row(listing, sales.get(listing.pk)))
            for listing in seller_listings
        ]
        report = ingest_rows(rows, PLATFORM_WHATNOT, seller_id=seller_id)
        _add_counts(total, report)
        if report.created or report.updated:
            _refresh_summaries([listing.whatnot_id for listing in seller_listings])
    return total


def mirror_whatnot_sales(sale_ids: Iterable[int]) -> int:
    """Mark the market rows of these sales' listings sold; return rows changed.

    A sale's price (the order item's unit price) and time are set directly,
    since a sale does not change the listing's remote_updated_at. Listings not
    mirrored yet are mirrored with their sale.
    """
    sales = Sale.objects.filter(pk__in=list(sale_ids)).select_related(
        "seller", "listing"
    )
    changed = 0
    unmirrored: set[int] = set()
    for sale in sales.order_by("sold_at", "pk"):
        if not sale.seller.include_in_market_research:
            continue
        whatnot_id = (
            sale.listing.whatnot_id if sale.listing else sale.listing_whatnot_id
        )
        if not whatnot_id:
            continue
        rows = MarketListing.objects.filter(
            platform=PLATFORM_WHATNOT, external_id=whatnot_id
        )
        updated = rows.update(
            sold=True,
            sold_price=sale.price,
            sold_at=sale.sold_at,
            updated_at=timezone.now(),
        )
        if updated:
            changed += updated
            _refresh_summaries([whatnot_id])
        elif sale.listing_id is not None:
            unmirrored.add(sale.listing_id)
    if unmirrored:
        changed += mirror_whatnot_listings(unmirrored).created
    return changed


def remove_market_rows(whatnot_ids: list[str]) -> int:
    rows = MarketListing.objects.filter(
        platform=PLATFORM_WHATNOT, external_id__in=whatnot_ids
    )
    listing_ids = list(rows.values_list("id", flat=True))
    deleted, _ = rows.delete()
    if listing_ids:
        enqueue_summary_refresh(listing_ids=listing_ids)
    return deleted


def remove_seller_market_rows(seller_id: int) -> int:
    """Delete every Whatnot market row of a seller; return the number deleted."""
    whatnot_ids = list(
        Listing.objects.filter(
            seller_id=seller_id, whatnot_id__isnull=False
        ).values_list("whatnot_id", flat=True)
    )
    rows = MarketListing.objects.filter(platform=PLATFORM_WHATNOT, seller_id=seller_id)
    listing_ids = list(rows.values_list("id", flat=True))
    deleted, _ = rows.delete()
    if listing_ids:
        enqueue_summary_refresh(listing_ids=listing_ids)
    for start in range(0, len(whatnot_ids), 500):
        deleted += remove_market_rows(whatnot_ids[start : start + 500])
    logger.info("removed %s market rows of seller %s", deleted, seller_id)
    return deleted


def listing_row(listing: Listing, sale: Sale | None) -> ListingRow:
    """Map a mirrored Whatnot listing, and its latest sale if any, to a row."""
    product = listing.variant.product if listing.variant else None
    variant = listing.variant
    attributes = (
        product.attributes if product and isinstance(product.attributes, dict) else {}
    )
    return ListingRow(
        external_id=listing.whatnot_id,
        title=(listing.title or (product.title if product else ""))[:1000],
        description=listing.description or (product.description if product else ""),
        url=listing.url,
        listing_kind=listing.kind,
        status=listing.status,
        brand_raw=str(attributes.get("brand") or attributes.get("Brand") or "")[:255],
        size_raw=_size_option(variant)[:64],
        condition_raw=str(
            attributes.get("condition") or attributes.get("Condition") or ""
        )[:64],
        price=listing.price,
        currency=listing.currency,
        sold=sale is not None or listing.status in _SOLD_STATUSES,
        sold_price=sale.price if sale else None,
        listed_at=listing.remote_created_at,
        sold_at=sale.sold_at if sale else None,
        source_updated_at=listing.remote_updated_at or listing.updated_at,
        extra={
            key: value
            for key, value in {
                "product_id": product.whatnot_id if product else "",
                "variant_id": variant.whatnot_id if variant else "",
                "sku": variant.sku if variant else "",
                "quantity": listing.quantity,
                "published": listing.published,
            }.items()
            if value not in ("", None)
        },
    )


def _size_option(variant) -> str:
    for option in (variant.options if variant else None) or ():
        if isinstance(option, dict) and str(option.get("name", "")).lower() in (
            "size",
            "waist",
        ):
            return str(option.get("value") or "")
    return ""


def _latest_sales(listings: list[Listing]) -> dict[int, Sale]:
    listing_ids = [listing.pk for listing in listings]
    latest = (
        Sale.objects.filter(listing_id__in=listing_ids)
        .values("listing_id")
        .annotate(last=Max("sold_at"))
    )
    latest_keys = {(row["listing_id"], row["last"]) for row in latest}
    sales = {}
    for sale in Sale.objects.filter(listing_id__in=listing_ids).order_by(
        "sold_at", "pk"
    ):
        if (sale.listing_id, sale.sold_at) in latest_keys:
            sales[sale.listing_id] = sale
    return sales


def _refresh_summaries(whatnot_ids: list[str]) -> None:
    """Queue a summary refresh for the market rows of these Whatnot ids."""
    listing_ids = list(
        MarketListing.objects.filter(
            platform=PLATFORM_WHATNOT, external_id__in=whatnot_ids
        ).values_list("id", flat=True)
    )
    if listing_ids:
        enqueue_summary_refresh(listing_ids=listing_ids)


def _add_counts(total: IngestReport, report: IngestReport) -> None:
    total.lines_read += report.lines_read
    total.created += report.created
    total.updated += report.updated
    total.unchanged += report.unchanged
    total.older += report.older
    total.rejected += report.rejected
    total.rejected_lines.extend(report.rejected_lines)
