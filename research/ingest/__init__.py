"""The shared ingestion path: importers, the streaming readers and the writer.

Public entry points: `ingest_file` for a file, `ingest_rows` for rows already
mapped, and `get_importer` for a platform's importer.
"""

from .importers import IMPORTERS, Importer, UnknownImporterError, get_importer
from .pipeline import FORMATS, guess_format, ingest_file, ingest_rows, resolve_format
from .readers import FileFormatError
from .report import IngestReport
from .rows import ListingRow

__all__ = [
    "FORMATS",
    "IMPORTERS",
    "FileFormatError",
    "Importer",
    "IngestReport",
    "ListingRow",
    "UnknownImporterError",
    "get_importer",
    "guess_format",
    "ingest_file",
    "ingest_rows",
    "resolve_format",
]
