"""Store Whatnot listings in the mirror, keyed by Whatnot id.

A sync never overwrites a listing whose local edits are not on Whatnot yet
(sync state pending or failed). If Whatnot changed that listing too, it
becomes a conflict that keeps both versions. Otherwise it waits for its push.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from whatnot.client.types import RemoteListing, RemoteProduct, RemoteVariant
from whatnot.models import Listing, ListingEvent, Product, ProductVariant

logger = logging.getLogger(__name__)

LISTING_FIELDS = (
    "variant",
    "kind",
    "title",
    "description",
    "taxonomy_node_id",
    "price",
    "currency",
    "quantity",
    "status",
    "published",
    "offerable",
    "url",
    "remote_created_at",
    "remote_updated_at",
    "remote_deleted_at",
)
PRODUCT_FIELDS = (
    "title",
    "description",
    "external_id",
    "taxonomy_node_id",
    "remote_created_at",
    "remote_updated_at",
)
VARIANT_FIELDS = ("product", "sku", "options")
LOCAL_EDIT_STATES = (Listing.SyncState.PENDING, Listing.SyncState.FAILED)
MAX_URL_LENGTH = 500
MAX_TITLE_LENGTH = 1000


@dataclass
class UpsertOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    conflicts: int = 0
    # Primary keys of listings created or updated, for follow-up work.
    changed_ids: list[int] = field(default_factory=list)
    # History entries of the listings this page turned into conflicts.
    conflict_events: list[ListingEvent] = field(default_factory=list)

    def add(self, other: UpsertOutcome) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed += other.failed
        self.conflicts += other.conflicts
        self.changed_ids.extend(other.changed_ids)
        self.conflict_events.extend(other.conflict_events)


def listing_values(remote: RemoteListing, variant: ProductVariant | None) -> dict:
    """Map a Whatnot listing to Listing field values."""
    product = remote.product
    url = remote.url if len(remote.url) <= MAX_URL_LENGTH else ""
    return {
        "variant": variant,
        "kind": remote.kind,
        "title": (remote.title or (product.title if product else ""))[
            :MAX_TITLE_LENGTH
        ],
        "description": remote.description or (product.description if product else ""),
        "taxonomy_node_id": product.taxonomy_node_id if product else "",
        "price": remote.price.amount if remote.price else None,
        "currency": remote.price.currency if remote.price else "USD",
        "quantity": remote.quantity,
        "status": remote.status or Listing.Status.ACTIVE,
        "published": remote.published,
        "offerable": remote.offerable,
        "url": url,
        "remote_created_at": remote.created_at,
        "remote_updated_at": remote.updated_at,
        "remote_deleted_at": None,
    }


def upsert_listings(
    seller, remotes: list[RemoteListing], *, seen_at: datetime
) -> UpsertOutcome:
    """Create or update the seller's listings from one page of Whatnot
    listings and stamp each seen one with ``seen_at``.

    Runs in the caller's transaction. A listing created at the same moment by
    another process (a webhook) makes the bulk insert fail; the page is then
    stored row by row.
    """
    remotes = _latest_per_id(remotes)
    try:
        with transaction.atomic():
            outcome = _upsert_page(seller, remotes)
    except IntegrityError:
        logger.info(
            "Listings of seller %s were inserted concurrently; storing the page "
            "row by row",
            seller.pk,
        )
        outcome = UpsertOutcome()
        for remote in remotes:
            with transaction.atomic():
                outcome.add(_upsert_page(seller, [remote]))
    Listing.objects.filter(
        seller=seller, whatnot_id__in=[remote.id for remote in remotes]
    ).update(last_synced_at=seen_at)
    return outcome


def mark_missing_listings(seller, *, swept_since: datetime) -> int:
    """Mark the seller's listings that a complete sweep did not see.

    A sweep stamps every listing it fetches with a time at or after
    ``swept_since`` (the run's start), so an older stamp means Whatnot no
    longer returns it. Rows created after the sweep began (a push or a webhook)
    are left alone.
    """
    now = timezone.now()
    return (
        Listing.objects.filter(
            seller=seller,
            whatnot_id__isnull=False,
            remote_deleted_at__isnull=True,
            created_at__lt=swept_since,
        )
        .filter(Q(last_synced_at__lt=swept_since) | Q(last_synced_at__isnull=True))
        .update(
            remote_deleted_at=now,
            published=False,
            status=Listing.Status.INACTIVE,
            updated_at=now,
        )
    )


def apply_remote(listing: Listing, remote: RemoteListing) -> list[str]:
    """Copy Whatnot's values onto ``listing`` (unsaved); return the names of
    the fields that changed."""
    # The variant is matched by the caller; reading listing.variant here
    # would cost a query per listing.
    values = listing_values(remote, None)
    values.pop("variant")
    changed = [
        name for name, value in values.items() if getattr(listing, name) != value
    ]
    for name in changed:
        setattr(listing, name, values[name])
    listing.raw = remote.raw
    return changed


def store_remote_catalog(seller, remote: RemoteListing) -> ProductVariant | None:
    """Create or update the product and variant of one Whatnot listing;
    return the variant."""
    if remote.variant is None or remote.product is None:
        return None
    products = _upsert_products(seller, [remote.product])
    variants = _upsert_variants([remote.variant], products)
    return variants.get(remote.variant.id)


def conflict_message(remote: RemoteListing) -> str:
    """Explain a conflict to the seller."""
    changed_at = remote.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Whatnot changed this listing at {changed_at}, after selvedge last "
        "synced it. Choose which version to keep."
    )


def snapshot_updated_at(snapshot: dict | None) -> datetime | None:
    """Return the remote updatedAt stored in a conflict snapshot."""
    if not snapshot or not snapshot.get("updated_at"):
        return None
    return datetime.fromisoformat(snapshot["updated_at"])


def _upsert_page(seller, remotes: list[RemoteListing]) -> UpsertOutcome:
    outcome = UpsertOutcome()
    products = _upsert_products(seller, [r.product for r in remotes if r.product])
    variants = _upsert_variants(
        [r.variant for r in remotes if r.variant and r.product], products
    )

    # ``raw`` is replaced, never read, so it is not loaded.
    existing = Listing.objects.defer("raw").in_bulk(
        [remote.id for remote in remotes], field_name="whatnot_id"
    )
    new, changed = [], []
    for remote in remotes:
        variant = variants.get(remote.variant.id) if remote.variant else None
        local = existing.get(remote.id)
        if local is None:
            new.append(_new_listing(seller, remote, variant))
            outcome.created += 1
        elif local.seller_id != seller.pk:
            logger.error(
                "Whatnot listing %s belongs to seller %s in selvedge, not to "
                "seller %s; skipped",
                remote.id,
                local.seller_id,
                seller.pk,
            )
            outcome.failed += 1
        else:
            _merge_existing(local, remote, variant, outcome, changed)

    Listing.objects.bulk_create(new)
    if changed:
        Listing.objects.bulk_update(
            changed,
            [
                *LISTING_FIELDS,
                "raw",
                "sync_state",
                "sync_error",
                "remote_snapshot",
                "updated_at",
            ],
        )
        # Bulk writes send no post_save signal, so the listing history gets
        # the new conflicts here.
        ListingEvent.objects.bulk_create(outcome.conflict_events)

    if any(listing.pk is None for listing in new):
        new = Listing.objects.filter(
            whatnot_id__in=[listing.whatnot_id for listing in new]
        ).only("pk")
    outcome.changed_ids.extend(listing.pk for listing in [*new, *changed])
    return outcome


def _merge_existing(
    local: Listing,
    remote: RemoteListing,
    variant: ProductVariant | None,
    outcome: UpsertOutcome,
    changed: list[Listing],
) -> None:
    now = timezone.now()
    if local.sync_state in LOCAL_EDIT_STATES:
        if (
            local.remote_updated_at is None
            or remote.updated_at > local.remote_updated_at
        ):
            message = conflict_message(remote)
            outcome.conflict_events.append(
                ListingEvent(
                    listing=local,
                    kind=ListingEvent.Kind.STATE_CHANGED,
                    from_state=local.sync_state,
                    to_state=Listing.SyncState.CONFLICT,
                    message=message,
                )
            )
            local.sync_state = Listing.SyncState.CONFLICT
            local.sync_error = message
            local.remote_snapshot = remote.snapshot()
            local.updated_at = now
            changed.append(local)
            outcome.conflicts += 1
            logger.info(
                "Listing %s has unpushed edits and Whatnot changed it too; "
                "marked as a conflict",
                local.pk,
            )
        else:
            outcome.unchanged += 1
        return
    if local.sync_state == Listing.SyncState.CONFLICT:
        snapshot_time = snapshot_updated_at(local.remote_snapshot)
        if snapshot_time is None or remote.updated_at > snapshot_time:
            local.remote_snapshot = remote.snapshot()
            local.updated_at = now
            changed.append(local)
        outcome.unchanged += 1
        return
    if local.variant_id != (variant.pk if variant else None):
        local.variant = variant
        fields = ["variant"]
    else:
        fields = []
    fields += apply_remote(local, remote)
    if fields:
        local.updated_at = now
        changed.append(local)
        outcome.updated += 1
    else:
        outcome.unchanged += 1


def _new_listing(
    seller, remote: RemoteListing, variant: ProductVariant | None
) -> Listing:
    return Listing(
        seller=seller,
        whatnot_id=remote.id,
        raw=remote.raw,
        sync_state=Listing.SyncState.SYNCED,
        **listing_values(remote, variant),
    )


def _upsert_products(seller, remotes: list[RemoteProduct]) -> dict[str, Product]:
    latest = {remote.id: remote for remote in remotes}
    existing = Product.objects.in_bulk(list(latest), field_name="whatnot_id")
    new, changed = [], []
    for remote_id, remote in latest.items():
        values = {
            "title": remote.title[:MAX_TITLE_LENGTH],
            "description": remote.description,
            "external_id": remote.external_id[:255],
            "taxonomy_node_id": remote.taxonomy_node_id,
            "remote_created_at": remote.created_at,
            "remote_updated_at": remote.updated_at,
        }
        product = existing.get(remote_id)
        if product is None:
            new.append(Product(seller=seller, whatnot_id=remote_id, **values))
        elif product.seller_id == seller.pk and _assign(product, values):
            changed.append(product)
    Product.objects.bulk_create(new)
    if changed:
        Product.objects.bulk_update(changed, [*PRODUCT_FIELDS, "updated_at"])
    if any(product.pk is None for product in new):
        # The database returned no primary keys (an old SQLite); read them.
        return {
            product.whatnot_id: product
            for product in Product.objects.filter(
                whatnot_id__in=list(latest), seller=seller
            )
        }
    mine = {
        whatnot_id: product
        for whatnot_id, product in existing.items()
        if product.seller_id == seller.pk
    }
    return {**mine, **{product.whatnot_id: product for product in new}}


def _upsert_variants(
    remotes: list[RemoteVariant], products: dict[str, Product]
) -> dict[str, ProductVariant]:
    latest = {remote.id: remote for remote in remotes}
    existing = ProductVariant.objects.in_bulk(list(latest), field_name="whatnot_id")
    new, changed = [], []
    for remote_id, remote in latest.items():
        product = products.get(remote.product.id)
        if product is None:
            continue
        values = {
            "product_id": product.pk,
            "sku": remote.sku[:255],
            "options": [
                {"name": name, "value": value} for name, value in remote.options
            ],
        }
        variant = existing.get(remote_id)
        if variant is None:
            new.append(ProductVariant(whatnot_id=remote_id, **values))
        elif _assign(variant, values):
            changed.append(variant)
    ProductVariant.objects.bulk_create(new)
    if changed:
        ProductVariant.objects.bulk_update(changed, [*VARIANT_FIELDS, "updated_at"])
    if any(variant.pk is None for variant in new):
        return ProductVariant.objects.in_bulk(list(latest), field_name="whatnot_id")
    return {**existing, **{variant.whatnot_id: variant for variant in new}}


def _assign(instance, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.updated_at = timezone.now()
    return changed


def _latest_per_id(remotes: list[RemoteListing]) -> list[RemoteListing]:
    """Drop repeats of a listing within one page, keeping the newest."""
    latest: dict[str, RemoteListing] = {}
    for remote in remotes:
        seen = latest.get(remote.id)
        if seen is None or remote.updated_at >= seen.updated_at:
            latest[remote.id] = remote
    return list(latest.values())
