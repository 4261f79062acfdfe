"""The Seller API client that sync and push code is given.

One client talks to Whatnot for one seller's connection. Every call is
validated against the schema, waits for the seller's shared rate limit, carries
a fresh access token and goes through the failure handling described in
``errors``. Only Celery workers and management commands build clients; a web
request never does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from gql import GraphQLRequest
from gql.transport.exceptions import (
    TransportConnectionFailed,
    TransportProtocolError,
    TransportQueryError,
    TransportServerError,
)

from accounts.exceptions import ReconnectRequired
from accounts.services import tokens

from . import inputs, parsing
from .documents import load_document, operation_name
from .errors import (
    RateLimited,
    ResponseFormatError,
    Unauthorized,
    WhatnotError,
    WhatnotUnavailable,
    error_for_graphql_errors,
    raise_for_user_errors,
)
from .ratelimit import RateLimiter, get_rate_limiter
from .retry import RetryPolicy
from .transport import build_gql_client
from .types import ListingPage, OrderPage, RemoteListing, RemoteUser

logger = logging.getLogger(__name__)

# A 5xx or a timeout on these may come after Whatnot acted, so repeating them
# could act twice. The caller retries them with its own duplicate check.
NOT_REPEATABLE = frozenset({"product_create"})


class WhatnotClient:
    """Seller API calls for one WhatnotConnection.

    ``request_count`` counts HTTP requests sent, retries included.
    """

    def __init__(
        self,
        connection_id: int,
        *,
        base_url: str | None = None,
        rate_limiter: RateLimiter | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.connection_id = connection_id
        self.rate_limiter = rate_limiter or get_rate_limiter()
        self.retry_policy = retry_policy or RetryPolicy(
            max_attempts=settings.WHATNOT_RETRY_ATTEMPTS
        )
        self.sleep = sleep
        self.request_count = 0
        self._gql = build_gql_client(base_url)
        self._session = None

    def __enter__(self) -> WhatnotClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._session is not None:
            self._gql.close_sync()
            self._session = None

    # Typed operations

    def me(self) -> RemoteUser:
        return parsing.parse_user(self.execute("me"))

    def listings_page(
        self,
        *,
        first: int,
        after: str | None = None,
        updated_since: datetime | None = None,
    ) -> ListingPage:
        """Return one page of listings, oldest first: by creation time, or by
        update time when ``updated_since`` limits the page to changes."""
        variables: dict = {"first": first, "after": after, "sortKey": "CREATED_AT"}
        if updated_since is not None:
            variables["sortKey"] = "UPDATED_AT"
            variables["filter"] = {"updatedAt": {"gte": updated_since.isoformat()}}
        return parsing.parse_listing_page(self.execute("listings_page", variables))

    def listing(self, listing_id: str) -> RemoteListing | None:
        """Return the listing, or None when Whatnot has no listing by that id."""
        data = self.execute("listing", {"id": listing_id})
        node = data.get("listing")
        return parsing.parse_listing(node) if node is not None else None

    def find_listing_by_product_external_id(
        self, external_id: str
    ) -> RemoteListing | None:
        """Return the listing of the product with ``externalId``, if any."""
        data = self.execute("product_by_external_id", {"externalId": external_id})
        for edge in (data.get("products") or {}).get("edges") or []:
            variants = (edge.get("node") or {}).get("variants") or {}
            for variant_edge in variants.get("edges") or []:
                listings = (variant_edge.get("node") or {}).get("listings") or {}
                for listing_edge in listings.get("edges") or []:
                    return parsing.parse_listing(listing_edge.get("node"))
        return None

    def create_listing(self, draft: inputs.ListingDraft) -> RemoteListing:
        """Create the product, its variant and the unpublished listing."""
        data = self.execute("product_create", inputs.product_create_variables(draft))
        payload = data.get("productCreate") or {}
        raise_for_user_errors("productCreate", payload)
        listing = self._first_created_listing(payload)
        if listing is None:
            raise ResponseFormatError(
                "productCreate returned no listing for the new product"
            )
        return listing

    def publish_listing(self, listing_id: str) -> RemoteListing:
        return self._listing_mutation(
            "listing_publish", "listingPublish", {"id": listing_id}
        )

    def unpublish_listing(self, listing_id: str) -> RemoteListing:
        return self._listing_mutation(
            "listing_unpublish", "listingUnpublish", {"id": listing_id}
        )

    def update_listing(
        self,
        listing_id: str,
        *,
        quantity: int,
        price: Decimal | None = None,
        currency: str = "USD",
    ) -> RemoteListing:
        variables = inputs.listing_update_variables(
            listing_id, quantity=quantity, price=price, currency=currency
        )
        return self._listing_mutation("listing_update", "listingUpdate", variables)

    def update_product(
        self, product_id: str, *, title: str, description: str, taxonomy_node_id: str
    ) -> None:
        variables = inputs.product_update_variables(
            product_id,
            title=title,
            description=description,
            taxonomy_node_id=taxonomy_node_id,
        )
        data = self.execute("product_update", variables)
        raise_for_user_errors("productUpdate", data.get("productUpdate") or {})

    def orders_page(
        self,
        *,
        first: int,
        after: str | None = None,
        created_since: datetime | None = None,
    ) -> OrderPage:
        variables: dict = {"first": first, "after": after}
        if created_since is not None:
            variables["filter"] = {"createdAt": {"gte": created_since.isoformat()}}
        return parsing.parse_order_page(self.execute("orders_page", variables))

    # Execution

    def execute(self, operation: str, variables: dict | None = None) -> dict:
        """Send operation ``operation`` and return its ``data``.

        A 429, a 5xx, a timeout or a connection error repeats the call, up to
        ``retry_policy.max_attempts`` tries. A 401 refreshes the access token
        once and repeats the call.
        """
        request = GraphQLRequest(
            load_document(operation),
            variable_values=variables,
            operation_name=operation_name(operation),
        )
        token = tokens.get_valid_access_token(self.connection_id)
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send(request, token)
            except Unauthorized as exc:
                if refreshed:
                    self._give_up_on_token(operation, exc)
                logger.info(
                    "Whatnot answered 401 to %s for connection %s; refreshing "
                    "the access token",
                    operation,
                    self.connection_id,
                )
                token = tokens.refresh_access_token(
                    self.connection_id, stale_token=token
                )
                refreshed = True
                attempt -= 1
            except RateLimited as exc:
                wait = self.retry_policy.rate_limit_wait(attempt, exc.retry_after)
                if wait is None or attempt >= self.retry_policy.max_attempts:
                    raise
                self._log_retry(operation, attempt, exc, wait)
                self.sleep(wait)
            except WhatnotUnavailable as exc:
                if (
                    operation in NOT_REPEATABLE
                    or attempt >= self.retry_policy.max_attempts
                ):
                    raise
                wait = self.retry_policy.backoff(attempt)
                self._log_retry(operation, attempt, exc, wait)
                self.sleep(wait)

    def _send(self, request: GraphQLRequest, token: str) -> dict:
        if self._session is None:
            self._session = self._gql.connect_sync()
        self.rate_limiter.acquire(str(self.connection_id))
        self.request_count += 1
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        try:
            return self._session.execute(request, extra_args={"headers": headers})
        except TransportQueryError as exc:
            raise error_for_graphql_errors(exc.errors or [str(exc)]) from exc
        except TransportConnectionFailed as exc:
            cause = exc.__cause__ or exc
            raise WhatnotUnavailable(
                f"Whatnot could not be reached: {type(cause).__name__}: {cause}"
            ) from exc
        except TransportProtocolError as exc:
            raise ResponseFormatError(str(exc)[:300]) from exc
        except TransportServerError as exc:
            raise WhatnotUnavailable(str(exc), status=exc.code) from exc

    def _give_up_on_token(self, operation: str, exc: WhatnotError) -> None:
        reason = (
            f"Whatnot rejected a freshly refreshed access token on {operation}; "
            "the seller has to connect Whatnot again"
        )
        tokens.mark_needs_reconnect(self.connection_id, reason)
        raise ReconnectRequired(reason, connection_id=self.connection_id) from exc

    def _listing_mutation(
        self, operation: str, field: str, variables: dict
    ) -> RemoteListing:
        data = self.execute(operation, variables)
        payload = data.get(field) or {}
        raise_for_user_errors(field, payload)
        return parsing.listing_from_payload(data, operation, (field, "listing"))

    @staticmethod
    def _first_created_listing(payload: dict) -> RemoteListing | None:
        product = payload.get("product") or {}
        for variant_edge in (product.get("variants") or {}).get("edges") or []:
            listings = (variant_edge.get("node") or {}).get("listings") or {}
            for listing_edge in listings.get("edges") or []:
                return parsing.parse_listing(listing_edge.get("node"))
        return None

    def _log_retry(
        self, operation: str, attempt: int, exc: WhatnotError, wait: float
    ) -> None:
        logger.warning(
            "Whatnot call %s for connection %s failed (try %s of %s): %s; "
            "retrying in %.1fs",
            operation,
            self.connection_id,
            attempt,
            self.retry_policy.max_attempts,
            exc,
            wait,
        )
