"""The upload form of the import page."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .ingest import IMPORTERS, FileFormatError, get_importer, guess_format

# Bytes read from the start of an upload to check that it is text and, for
# CSV, that its header has the columns the platform needs.
_SNIFF_BYTES = 64 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        help_text="A .csv or .jsonl file exported from the marketplace."
    )
    platform = forms.ChoiceField(
        choices=[(name, importer.label) for name, importer in IMPORTERS.items()],
        help_text="Whose export the file is; it selects the column mapping.",
    )
    file_format = forms.ChoiceField(
        label="Format",
        required=False,
        choices=[("", "From the file name"), ("csv", "CSV"), ("jsonl", "JSONL")],
    )
    dataset = forms.CharField(
        label="Dataset name",
        required=False,
        max_length=200,
        help_text="Rows are grouped under this name (default: the file name).",
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        platform = cleaned.get("platform")
        if upload is None or platform is None:
            return cleaned
        importer = get_importer(platform)
        chosen = cleaned.get("file_format") or guess_format(upload.name)
        if chosen is None:
            self.add_error(
                "file",
                f"{upload.name!r} is neither a .csv nor a .jsonl file. Upload one of "
                "those, or pick the format explicitly.",
            )
            return cleaned
        if chosen not in importer.formats:
            self.add_error(
                "platform",
                f"{importer.label} files are {' or '.join(importer.formats)}, but "
                f"{upload.name!r} is {chosen}. Pick the right platform or file.",
            )
            return cleaned
        cleaned["file_format"] = chosen
        self._check_size(upload)
        self._check_content(upload, importer, chosen)
        return cleaned

    def _check_size(self, upload) -> None:
        limit = settings.RESEARCH_IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            self.add_error(
                "file",
                f"{upload.name!r} is {filesizeformat(upload.size)}; the limit is "
                f"{filesizeformat(limit)}. Split the file and upload the parts.",
            )

    def _check_content(self, upload, importer, chosen: str) -> None:
        upload.seek(0)
        head = upload.read(_SNIFF_BYTES)
        upload.seek(0)
        if not head.strip():
            self.add_error("file", f"{upload.name!r} is empty.")
            return
        if b"\x00" in head:
            self.add_error(
                "file",
                f"{upload.name!r} is not a text file. Upload a CSV or JSONL file.",
            )
            return
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        except UnicodeDecodeError:
            self.add_error(
                "file",
                f"{upload.name!r} is not UTF-8 text. Save it as UTF-8 and retry.",
            )
            return
        if chosen == "csv":
            header = next(csv.reader(io.StringIO(text)), [])
            try:
                importer.validate_header([name.strip() for name in header])
            except FileFormatError as exc:
                self.add_error("file", str(exc))

    @property
    def dataset_name(self) -> str:
        name = (
            self.cleaned_data.get("dataset")
            or Path(self.cleaned_data["file"].name).name
        )
        return name[:200]
