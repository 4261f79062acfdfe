"""What every resolver gets in info.context."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..sellers import CUSTOMER_SCOPE, TokenOwner


@dataclass
class RequestContext:
    sandbox: object
    owner: TokenOwner
    # A read snapshot shared by a whole query, so its pages agree with each
    # other. Mutations leave it unset and read fresh after each write.
    snapshot: sqlite3.Connection | None = None
    # Bulk operations lift the page-size cap and return every row.
    bulk: bool = False

    @property
    def seller_id(self) -> int:
        return self.owner.seller_id

    @property
    def clock(self):
        return self.sandbox.clock

    @property
    def public_url(self) -> str:
        return self.sandbox.config.public_url

    @property
    def sees_customer_data(self) -> bool:
        return self.owner.has_scope(CUSTOMER_SCOPE)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        if self.snapshot is not None:
            yield self.snapshot
        else:
            with self.sandbox.store.read() as db:
                yield db
