"""What every importer declares: its name, platform, formats and mapping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..readers import FileFormatError
from ..rows import ListingRow


@dataclass(frozen=True, slots=True)
class ImportContext:
    """Facts about the run that a mapping may need."""

    # When the file's rows were observed. Sources without a per-row time use
    # it as source_updated_at, so a later import of changed rows wins.
    observed_at: datetime


@dataclass(frozen=True, slots=True)
class Importer:
    name: str
    label: str
    # The MarketListing.platform value its rows get.
    platform: str
    formats: tuple[str, ...]
    # CSV header columns without which no row can be mapped.
    required_columns: tuple[str, ...]
    map_record: Callable[[dict, ImportContext], ListingRow]
    # True for Whatnot bulk exports, whose listing lines name their product
    # and variant lines through "__parentId".
    joins_parents: bool = False
    description: str = ""
    # Raises FileFormatError for a header this importer cannot map; the
    # default check is that every required column is present.
    check_header: Callable[[list[str]], None] | None = None

    def validate_header(self, header: list[str]) -> None:
        if self.check_header is not None:
            self.check_header(header)
            return
        missing = [name for name in self.required_columns if name not in header]
        if missing:
            raise FileFormatError(
                f"{self.name} files need the column(s) {', '.join(missing)}; "
                f"the header has: {', '.join(header[:40])}"
            )
