"""The importers for other marketplaces' files, by name."""

from __future__ import annotations

from .base import ImportContext, Importer
from .ebay import EBAY
from .grailed import GRAILED
from .poshmark import POSHMARK
from .vestiaire import VESTIAIRE
from .whatnot_export import WHATNOT_EXPORT

IMPORTERS: dict[str, Importer] = {
    importer.name: importer
    for importer in (POSHMARK, GRAILED, VESTIAIRE, EBAY, WHATNOT_EXPORT)
}


class UnknownImporterError(ValueError):
    pass


def get_importer(name: str) -> Importer:
    """Return the importer called `name` or raise with the known names."""
    try:
        return IMPORTERS[name]
    except KeyError:
        raise UnknownImporterError(
            f"unknown platform {name!r}; choose one of {', '.join(IMPORTERS)}"
        ) from None


__all__ = [
    "IMPORTERS",
    "ImportContext",
    "Importer",
    "UnknownImporterError",
    "get_importer",
]
