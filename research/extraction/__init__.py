"""Denim attributes read from listing text: brand, lot, decade, size and more.

The readers are pure functions of the text, so they run the same in an
ingestion batch, on a model save and from the command line.
"""

from .extractor import (
    CLI_FIELDS,
    EXTRACTOR_VERSION,
    NO_HINTS,
    Attributes,
    Hints,
    extract_attributes,
)

__all__ = [
    "CLI_FIELDS",
    "EXTRACTOR_VERSION",
    "NO_HINTS",
    "Attributes",
    "Hints",
    "extract_attributes",
]
