"""Per-seller health of webhook delivery, for the seller's sync page and the
admin.

Terms, per seller:

- received: every delivery that named the seller, verified or not;
- verified: deliveries whose signature matched, stored or duplicate;
- rejected_signatures: deliveries whose signature did not match, counted
  under the seller id in their X-Whatnot-Seller-Id header;
- duplicates_skipped: verified redeliveries of a stored event;
- processed, pending, ignored, invalid, failed: stored events by status;
- replayed: replays that staff started;
- reconcile_repairs: rows the reconciliation sweep had to repair
  (SyncRun.repaired_count of reconcile runs), i.e. changes that webhooks
  missed or got wrong.
"""

from __future__ import annotations

from django.db.models import Count, Max, Sum

from accounts.models import WhatnotConnection
from whatnot.models import SyncRun, WebhookDeliveryCounter, WebhookEvent

STATUS_KEYS = {
    WebhookEvent.Status.PROCESSED: "processed",
    WebhookEvent.Status.RECEIVED: "pending",
    WebhookEvent.Status.IGNORED: "ignored",
    WebhookEvent.Status.INVALID: "invalid",
    WebhookEvent.Status.FAILED: "failed",
}


def _empty(seller_whatnot_id: str) -> dict:
    health = {
        "seller_whatnot_id": seller_whatnot_id,
        "received": 0,
        "verified": 0,
        "rejected_signatures": 0,
        "duplicates_skipped": 0,
        "replayed": 0,
        "reconcile_repairs": 0,
        "last_received_at": None,
    }
    health.update(dict.fromkeys(STATUS_KEYS.values(), 0))
    return health


def _add_totals(health: dict) -> dict:
    stored = sum(health[key] for key in STATUS_KEYS.values())
    health["verified"] = stored + health["duplicates_skipped"]
    health["received"] = health["verified"] + health["rejected_signatures"]
    return health


def health_by_whatnot_id(seller_whatnot_ids=None) -> dict[str, dict]:
    """Return the webhook health of each seller id, keyed by it.

    Without ``seller_whatnot_ids`` every seller id seen in events or counters
    is included. ``reconcile_repairs`` is left at 0 here because it belongs to
    a selvedge user, not to a Whatnot id.
    """
    events = WebhookEvent.objects.all()
    counters = WebhookDeliveryCounter.objects.all()
    if seller_whatnot_ids is not None:
        events = events.filter(seller_whatnot_id__in=seller_whatnot_ids)
        counters = counters.filter(seller_whatnot_id__in=seller_whatnot_ids)
    result: dict[str, dict] = {}
    rows = events.values("seller_whatnot_id", "status").annotate(
        count=Count("pk"), replayed=Sum("replay_count"), last=Max("received_at")
    )
    for row in rows:
        health = result.setdefault(
            row["seller_whatnot_id"], _empty(row["seller_whatnot_id"])
        )
        health[STATUS_KEYS[row["status"]]] += row["count"]
        health["replayed"] += row["replayed"] or 0
        if (
            health["last_received_at"] is None
            or row["last"] > health["last_received_at"]
        ):
            health["last_received_at"] = row["last"]
    for counter in counters:
        health = result.setdefault(
            counter.seller_whatnot_id, _empty(counter.seller_whatnot_id)
        )
        health["rejected_signatures"] = counter.rejected_signatures
        health["duplicates_skipped"] = counter.duplicates
    return {key: _add_totals(health) for key, health in result.items()}


def reconcile_repairs(user) -> int:
    total = SyncRun.objects.filter(seller=user, kind=SyncRun.Kind.RECONCILE).aggregate(
        total=Sum("repaired_count")
    )["total"]
    return total or 0


def health_for_seller(user) -> dict:
    """Return one seller's webhook health (see the module docstring).

    A seller without a Whatnot user id on their connection gets zeros for
    every webhook figure, since no delivery can name them yet.
    """
    whatnot_user_id = (
        WhatnotConnection.objects.filter(user=user)
        .values_list("whatnot_user_id", flat=True)
        .first()
    )
    if whatnot_user_id:
        health = health_by_whatnot_id([whatnot_user_id]).get(
            whatnot_user_id, _add_totals(_empty(whatnot_user_id))
        )
    else:
        health = _add_totals(_empty(""))
    health["reconcile_repairs"] = reconcile_repairs(user)
    return health


def health_for_all_sellers() -> list[dict]:
    """Return the health of every seller id seen, with its selvedge user when
    a connection has that id, for staff. Sorted by failed events, then id."""
    healths = health_by_whatnot_id()
    connections = WhatnotConnection.objects.filter(
        whatnot_user_id__in=list(healths)
    ).select_related("user")
    users = {connection.whatnot_user_id: connection.user for connection in connections}
    repairs = dict(
        SyncRun.objects.filter(kind=SyncRun.Kind.RECONCILE, seller__in=users.values())
        .values_list("seller")
        .annotate(total=Sum("repaired_count"))
    )
    rows = []
    for seller_whatnot_id, health in healths.items():
        user = users.get(seller_whatnot_id)
        health["user"] = user
        health["reconcile_repairs"] = repairs.get(user.pk, 0) if user else 0
        rows.append(health)
    rows.sort(key=lambda health: (-health["failed"], health["seller_whatnot_id"]))
    return rows
