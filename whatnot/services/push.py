"""Push: make Whatnot match a listing's local values.

``queue_push`` marks the listing pending and enqueues ``push_listing_task``.
The push creates the listing on Whatnot when it has no Whatnot id yet
(productCreate with its variant and buy-it-now listing, then listingPublish
when the listing is published locally). Otherwise it sends the title and
description (productUpdate), the price and quantity (listingUpdate) and the
published flag (listingPublish or listingUnpublish) that differ from Whatnot.

Before an update the push reads the listing from Whatnot. When Whatnot's
updatedAt is newer than the one stored at the last sync, someone changed the
listing on Whatnot: the push stops, the listing is marked conflict and keeps
Whatnot's version in ``remote_snapshot`` until the seller picks one with
``resolve_conflict``.

NOTE: Whatnot offers no conditional update, so a change made on Whatnot
between the read and the mutations (a window of well under a second) is
overwritten.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.exceptions import ReconnectRequired
from whatnot.client.errors import WhatnotError
from whatnot.client.inputs import ListingDraft
from whatnot.client.types import RemoteListing
from whatnot.models import Listing

from .upsert import conflict_message, snapshot_updated_at, store_remote_catalog

logger = logging.getLogger(__name__)

KEEP_CHOICES = ("local", "remote")


class PushRejected(Exception):
    """The listing cannot be pushed as it is. The message names what to fix."""


class PushBusy(Exception):
    """Another push of the same listing is running."""


class NotInConflict(ValueError):
    """resolve_conflict was called on a listing that is not in conflict."""


def queue_push(listing: Listing) -> None:
    """Mark the listing's local values as waiting for Whatnot and enqueue the
    push when the transaction commits.

    A listing in conflict is not pushed until the seller resolves the
    conflict; its edit is kept.
    """
    if listing.pk is None:
        raise ValueError("save the listing before queuing a push")
    with transaction.atomic():
        current = Listing.objects.select_for_update().get(pk=listing.pk)
        current.local_revision += 1
        if current.sync_state == Listing.SyncState.CONFLICT:
            current.save(update_fields=["local_revision", "updated_at"])
            logger.info(
                "Listing %s is in conflict; its push waits for the seller's choice",
                listing.pk,
            )
        else:
            current.sync_state = Listing.SyncState.PENDING
            current.sync_error = ""
            current.save(
                update_fields=[
                    "local_revision",
                    "sync_state",
                    "sync_error",
                    "updated_at",
                ]
            )
            transaction.on_commit(lambda: enqueue_push(listing.pk))
    listing.local_revision = current.local_revision
    listing.sync_state = current.sync_state
    listing.sync_error = current.sync_error


def resolve_conflict(listing: Listing, keep: str) -> None:
    """Settle a conflict with the local values or with Whatnot's.

    ``keep="remote"`` copies Whatnot's version over the local fields.
    ``keep="local"`` accepts Whatnot's version as seen and pushes the local
    fields over it. If Whatnot changed the listing again since, the push
    finds a new conflict.
    """
    if keep not in KEEP_CHOICES:
        raise ValueError(f"keep must be 'local' or 'remote', not {keep!r}")
    with transaction.atomic():
        current = Listing.objects.select_for_update().get(pk=listing.pk)
        snapshot = current.remote_snapshot
        if current.sync_state != Listing.SyncState.CONFLICT or not snapshot:
            raise NotInConflict(f"listing {listing.pk} has no conflict to resolve")
        current.remote_updated_at = snapshot_updated_at(snapshot)
        current.remote_snapshot = None
        current.sync_error = ""
        if keep == "remote":
            _apply_snapshot(current, snapshot)
            current.sync_state = Listing.SyncState.SYNCED
        else:
            current.sync_state = Listing.SyncState.PENDING
            current.local_revision += 1
            transaction.on_commit(lambda: enqueue_push(listing.pk))
        current.save()
    logger.info(
        "Conflict on listing %s resolved keeping the %s version", listing.pk, keep
    )
    listing.refresh_from_db()


def enqueue_push(listing_id: int) -> None:
    from whatnot.tasks.push import push_listing_task

    push_listing_task.delay(listing_id)


def push_listing(listing_id: int, client) -> str | None:
    """Push one pending listing; return its sync state afterwards, or None
    when there was nothing to push.

    Raises PushBusy when another push of the listing is running. Failures
    that may pass (WhatnotUnavailable, TokenRefreshError) propagate so the
    task can retry; every other failure marks the listing failed.
    """
    listing = _claim(listing_id)
    if listing is None:
        return None
    revision = listing.local_revision
    try:
        if listing.whatnot_id:
            remote = _update(listing, client)
        else:
            remote = _create(listing, client)
    except (PushRejected, ReconnectRequired) as exc:
        mark_push_failed(listing_id, str(exc), revision=revision)
        return Listing.SyncState.FAILED
    except WhatnotError as exc:
        if exc.retryable:
            raise
        mark_push_failed(listing_id, str(exc), revision=revision)
        return Listing.SyncState.FAILED
    finally:
        Listing.objects.filter(pk=listing_id).update(push_lease_until=None)
    if remote is None:
        return Listing.SyncState.CONFLICT
    return _finish(listing, revision, remote)


def mark_push_failed(
    listing_id: int, message: str, *, revision: int | None = None
) -> None:
    """Store a failed push. With ``revision``, a listing edited since keeps
    its pending state, because the push of that edit is already queued."""
    saved = save_outcome(
        listing_id,
        only_if_pending=True,
        revision=revision,
        sync_state=Listing.SyncState.FAILED,
        sync_error=message,
        push_lease_until=None,
    )
    if saved:
        logger.warning("Push of listing %s failed: %s", listing_id, message)


def save_outcome(
    listing_id: int,
    *,
    only_if_pending: bool = False,
    revision: int | None = None,
    **fields,
) -> bool:
    """Write a push outcome through ``Model.save()``, so that the listing's
    history records the state change.

    Returns False, writing nothing, when the listing is gone or no longer
    matches ``only_if_pending`` and ``revision``.
    """
    with transaction.atomic():
        listing = Listing.objects.select_for_update().filter(pk=listing_id).first()
        if listing is None:
            return False
        if only_if_pending and listing.sync_state != Listing.SyncState.PENDING:
            return False
        if revision is not None and listing.local_revision != revision:
            return False
        for name, value in fields.items():
            setattr(listing, name, value)
        listing.save(update_fields=[*fields, "updated_at"])
    return True


def requeue_stalled_pushes(seller, *, older_than: timedelta | None = None) -> int:
    """Enqueue again the seller's pending pushes whose task was lost."""
    older_than = older_than or timedelta(minutes=15)
    now = timezone.now()
    stalled = list(
        Listing.objects.filter(
            seller=seller,
            sync_state=Listing.SyncState.PENDING,
            updated_at__lt=now - older_than,
        )
        .filter(Q(push_lease_until__isnull=True) | Q(push_lease_until__lt=now))
        .values_list("pk", flat=True)
    )
    for listing_id in stalled:
        transaction.on_commit(lambda listing_id=listing_id: enqueue_push(listing_id))
    if stalled:
        logger.info(
            "Enqueued %s stalled pushes of seller %s again", len(stalled), seller.pk
        )
    return len(stalled)


def external_id_for(listing: Listing) -> str:
    """Return the product externalId that ties a Whatnot product to this
    listing."""
    return f"selvedge-listing-{listing.pk}"


def _claim(listing_id: int) -> Listing | None:
    now = timezone.now()
    lease = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        Listing.objects.filter(pk=listing_id)
        .filter(Q(push_lease_until__isnull=True) | Q(push_lease_until__lt=now))
        .update(push_lease_until=now + lease)
    )
    if not claimed:
        if Listing.objects.filter(pk=listing_id).exists():
            raise PushBusy(f"listing {listing_id} is being pushed by another task")
        return None
    listing = Listing.objects.select_related("variant__product").get(pk=listing_id)
    if listing.sync_state != Listing.SyncState.PENDING:
        Listing.objects.filter(pk=listing_id).update(push_lease_until=None)
        return None
    return listing


def _create(listing: Listing, client) -> RemoteListing:
    draft = _draft(listing)
    remote = client.find_listing_by_product_external_id(draft.external_id)
    if remote is None:
        remote = client.create_listing(draft)
        logger.info("Created Whatnot listing %s for listing %s", remote.id, listing.pk)
    else:
        logger.info(
            "Listing %s was already created on Whatnot as %s by an earlier try",
            listing.pk,
            remote.id,
        )
    # Store the id at once, so a crash before the publish cannot create twice.
    Listing.objects.filter(pk=listing.pk).update(
        whatnot_id=remote.id, remote_updated_at=remote.updated_at
    )
    if listing.published and not remote.published:
        remote = client.publish_listing(remote.id)
    return remote


def _update(listing: Listing, client) -> RemoteListing | None:
    """Send the fields that differ from Whatnot; return None after marking a
    conflict."""
    remote = client.listing(listing.whatnot_id)
    if remote is None:
        raise PushRejected(
            f"Whatnot has no listing {listing.whatnot_id} any more; it was "
            "probably deleted on Whatnot"
        )
    changed_on_whatnot = (
        listing.remote_updated_at is None
        or remote.updated_at > listing.remote_updated_at
    )
    if changed_on_whatnot:
        _mark_conflict(listing, remote)
        return None
    return _send_differences(listing, remote, client)


def _send_differences(listing: Listing, remote: RemoteListing, client) -> RemoteListing:
    """Send productUpdate, listingUpdate and listingPublish or
    listingUnpublish as needed; return Whatnot's listing afterwards."""
    if _text_differs(listing, remote):
        _update_product(listing, remote, client)
        # productUpdate returns the product, not the listing's new updatedAt.
        remote = client.listing(remote.id) or remote

    price_differs = listing.price is not None and (
        remote.price is None or listing.price != remote.price.amount
    )
    if price_differs and remote.kind != Listing.Kind.BUY_IT_NOW:
        raise PushRejected(
            "only buy-it-now prices can be changed from selvedge; change the "
            f"{remote.kind.lower()} listing's price on Whatnot"
        )
    if price_differs or listing.quantity != remote.quantity:
        remote = client.update_listing(
            remote.id,
            quantity=listing.quantity,
            price=listing.price if price_differs else None,
            currency=listing.currency,
        )

    if listing.published and not remote.published:
        remote = client.publish_listing(remote.id)
    elif not listing.published and remote.published:
        remote = client.unpublish_listing(remote.id)
    return remote


def _text_differs(listing: Listing, remote: RemoteListing) -> bool:
    product = remote.product
    remote_title = remote.title or (product.title if product else "")
    remote_description = remote.description or (product.description if product else "")
    return (listing.title, listing.description) != (remote_title, remote_description)


def _update_product(listing: Listing, remote: RemoteListing, client) -> None:
    product = remote.product
    if product is None:
        raise PushRejected(
            f"Whatnot listing {remote.id} has no product, so its title and "
            "description cannot be changed"
        )
    taxonomy_node_id = listing.taxonomy_node_id or product.taxonomy_node_id
    if not taxonomy_node_id:
        raise PushRejected("choose a category before changing the title or description")
    client.update_product(
        product.id,
        title=listing.title,
        description=listing.description,
        taxonomy_node_id=taxonomy_node_id,
    )


def _draft(listing: Listing) -> ListingDraft:
    missing = [
        label
        for label, value in (
            ("a title", listing.title.strip()),
            ("a description", listing.description.strip()),
            ("a category", listing.taxonomy_node_id),
            ("a price", listing.price),
        )
        if not value
    ]
    if missing:
        listed = ", ".join(missing[:-1]) + " and " if len(missing) > 1 else ""
        raise PushRejected(f"add {listed}{missing[-1]} before publishing to Whatnot")
    if listing.kind != Listing.Kind.BUY_IT_NOW:
        raise PushRejected("selvedge creates buy-it-now listings only")
    if listing.price <= 0:
        raise PushRejected(f"price {listing.price} must be more than zero")
    return ListingDraft(
        external_id=external_id_for(listing),
        title=listing.title,
        description=listing.description,
        taxonomy_node_id=listing.taxonomy_node_id,
        price=listing.price,
        currency=listing.currency,
        quantity=listing.quantity,
        sku=listing.variant.sku if listing.variant else "",
        offerable=listing.offerable,
    )


def _mark_conflict(listing: Listing, remote: RemoteListing) -> None:
    save_outcome(
        listing.pk,
        sync_state=Listing.SyncState.CONFLICT,
        remote_snapshot=remote.snapshot(),
        sync_error=conflict_message(remote),
        push_lease_until=None,
    )
    logger.info(
        "Push of listing %s stopped: Whatnot changed listing %s at %s, after "
        "the last sync at %s",
        listing.pk,
        remote.id,
        remote.updated_at.isoformat(),
        listing.remote_updated_at.isoformat() if listing.remote_updated_at else None,
    )


def _finish(listing: Listing, revision: int, remote: RemoteListing) -> str:
    """Store what Whatnot now has. The listing is synced only if no edit
    arrived during the push; otherwise the queued push of that edit follows."""
    with transaction.atomic():
        variant = store_remote_catalog(listing.seller, remote)
        remote_owned = {
            "whatnot_id": remote.id,
            "variant": variant or listing.variant,
            "url": remote.url[:500],
            "status": remote.status or listing.status,
            "remote_created_at": remote.created_at,
            "remote_updated_at": remote.updated_at,
            "remote_deleted_at": None,
            "raw": remote.raw,
            "last_synced_at": timezone.now(),
        }
        synced = save_outcome(
            listing.pk,
            revision=revision,
            sync_state=Listing.SyncState.SYNCED,
            sync_error="",
            remote_snapshot=None,
            **remote_owned,
        )
        if not synced:
            save_outcome(listing.pk, **remote_owned)
    state = Listing.SyncState.SYNCED if synced else Listing.SyncState.PENDING
    logger.info(
        "Pushed listing %s to Whatnot listing %s (%s)", listing.pk, remote.id, state
    )
    return state


def _apply_snapshot(listing: Listing, snapshot: dict) -> None:
    listing.title = snapshot.get("title") or listing.title
    listing.description = snapshot.get("description") or ""
    if snapshot.get("price") is not None:
        listing.price = Decimal(snapshot["price"])
        listing.currency = snapshot.get("currency") or listing.currency
    listing.quantity = snapshot.get("quantity", listing.quantity)
    listing.published = bool(snapshot.get("published"))
    listing.offerable = bool(snapshot.get("offerable"))
    listing.status = snapshot.get("status") or listing.status
    listing.url = (snapshot.get("url") or listing.url)[:500]
