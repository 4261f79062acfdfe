"""Listing events follow every sync-state change saved through the ORM."""

from __future__ import annotations

from tests.pages.factories import ListingFactory
from whatnot.history import record_state_change
from whatnot.models import Listing, ListingEvent


def test_state_change_records_event_with_error(seller):
    listing = ListingFactory(seller=seller, sync_state=Listing.SyncState.PENDING)
    ListingEvent.objects.all().delete()

    listing.sync_state = Listing.SyncState.FAILED
    listing.sync_error = "userErrors: price amount must be > 0"
    listing.save()

    event = ListingEvent.objects.get()
    assert event.kind == ListingEvent.Kind.STATE_CHANGED
    assert event.from_state == "pending"
    assert event.to_state == "failed"
    assert event.message == "userErrors: price amount must be > 0"


def test_unchanged_state_records_nothing(seller):
    listing = ListingFactory(seller=seller)

    listing.title = "New title"
    listing.save()

    assert not ListingEvent.objects.exists()


def test_listing_synced_from_whatnot_records_nothing(seller):
    ListingFactory(seller=seller, sync_state=Listing.SyncState.SYNCED)

    assert not ListingEvent.objects.exists()


def test_local_draft_records_its_first_state(seller):
    listing = ListingFactory(seller=seller, sync_state=Listing.SyncState.PENDING)

    event = ListingEvent.objects.get()
    assert event.listing == listing
    assert event.from_state == ""
    assert event.to_state == "pending"


def test_save_with_other_update_fields_is_skipped(seller):
    listing = ListingFactory(seller=seller)
    listing.sync_state = Listing.SyncState.CONFLICT

    listing.save(update_fields=["title"])

    assert not ListingEvent.objects.exists()


def test_reloaded_row_compares_with_its_database_state(seller):
    ListingFactory(seller=seller, sync_state=Listing.SyncState.PENDING)
    ListingEvent.objects.all().delete()
    listing = Listing.objects.get()

    listing.sync_state = Listing.SyncState.SYNCED
    listing.save(update_fields=["sync_state"])

    event = ListingEvent.objects.get()
    assert (event.from_state, event.to_state) == ("pending", "synced")


def test_deferred_load_then_save_records_nothing(seller):
    ListingFactory(seller=seller, sync_state=Listing.SyncState.FAILED)
    ListingEvent.objects.all().delete()
    listing = Listing.objects.only("id", "title").get()

    listing.title = "Renamed"
    listing.save()

    assert not ListingEvent.objects.exists()


def test_record_state_change_for_bulk_writers(seller):
    listing = ListingFactory(seller=seller)

    record_state_change(listing.pk, "pending", "synced", "ignored when synced")
    record_state_change(listing.pk, "synced", "failed", "Whatnot returned 500")

    events = list(
        listing.events.order_by("id").values_list("from_state", "to_state", "message")
    )
    assert events == [
        ("pending", "synced", ""),
        ("synced", "failed", "Whatnot returned 500"),
    ]
