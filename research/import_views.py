"""The import and export page for analysts and staff."""

from __future__ import annotations

import logging
import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .access import analyst_or_staff_required
from .exports import EXPORT_FORMATS, SCHEMA_VERSION, export_lines, listings_for_export
from .import_forms import ImportUploadForm
from .ingest import IMPORTERS
from .ingest.runs import dataset_for_file
from .models import Dataset, ImportRun, Platform
from .tasks.imports import import_listings_task

logger = logging.getLogger(__name__)

RUNS_PER_PAGE = 25
# A dataset id: up to 18 ASCII digits, which fits a 64-bit primary key.
DATASET_ID = re.compile(r"[0-9]{1,18}")


@analyst_or_staff_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    """List import and export runs; a POST uploads a file to import."""
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            run = _queue_upload(form, request.user)
            messages.success(request, f"Import #{run.pk} is queued.")
            return redirect("research:import_list")
        status = 400
    else:
        form = ImportUploadForm()
        status = 200
    context = {
        "form": form,
        "importers": IMPORTERS.values(),
        "platforms": Platform.choices,
        "datasets": Dataset.objects.order_by("name"),
        "export_formats": EXPORT_FORMATS,
        "schema_version": SCHEMA_VERSION,
        **_runs_context(request),
    }
    return render(request, "research/import_list.html", context, status=status)


@analyst_or_staff_required
@require_GET
def import_runs(request):
    """Render the runs table alone; the page polls it while a run is active."""
    return render(
        request, "research/includes/_import_runs.html", _runs_context(request)
    )


@analyst_or_staff_required
@require_GET
def import_detail(request, pk: int):
    run = get_object_or_404(
        ImportRun.objects.select_related("dataset", "created_by"), pk=pk
    )
    return render(request, "research/importrun_detail.html", {"run": run})


@analyst_or_staff_required
@require_GET
def export_listings(request):
    """Stream the market listings as CSV or JSONL, optionally filtered."""
    file_format = request.GET.get("format", "csv")
    platform = request.GET.get("platform", "")
    dataset = request.GET.get("dataset", "")
    error = _export_parameter_error(file_format, platform, dataset)
    if error:
        return HttpResponseBadRequest(error)
    dataset_id = int(dataset) if dataset else None
    if dataset_id is not None:
        get_object_or_404(Dataset, pk=dataset_id)

    exported_at = timezone.now()
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.EXPORT,
        platform=platform,
        file_format=file_format,
        dataset_id=dataset_id,
        status=ImportRun.Status.RUNNING,
        started_at=exported_at,
        created_by=request.user,
    )
    listings = listings_for_export(platform, dataset_id)
    counter = [0]
    chunks = export_lines(listings, file_format, exported_at, counter)
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/x-ndjson; charset=utf-8"
    )
    response = StreamingHttpResponse(
        _recorded(run, chunks, counter), content_type=content_type
    )
    stamp = exported_at.strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = (
        f'attachment; filename="market-listings-{stamp}.{file_format}"'
    )
    response["X-Schema-Version"] = str(SCHEMA_VERSION)
    return response


def _export_parameter_error(file_format: str, platform: str, dataset: str) -> str:
    """Return the message for an invalid export parameter, or ""."""
    if file_format not in EXPORT_FORMATS:
        return (
            f"Unknown format {file_format!r}; use one of {', '.join(EXPORT_FORMATS)}."
        )
    if platform and platform not in Platform.values:
        return (
            f"Unknown platform {platform!r}; use one of {', '.join(Platform.values)}."
        )
    # str.isdigit also accepts digits such as "²" that int() rejects. Match only
    # ASCII digits, and few enough of them to fit a database integer.
    if dataset and not DATASET_ID.fullmatch(dataset):
        return (
            f"Dataset {dataset!r} is not a dataset id; use the number of a "
            "dataset listed on the import page, or leave it empty."
        )
    return ""


def _recorded(run: ImportRun, chunks, counter: list[int]):
    """Pass the chunks through and record the export's outcome at the end."""
    finished = False
    try:
        yield from chunks
        finished = True
    finally:
        run.processed_lines = counter[0]
        run.finished_at = timezone.now()
        if finished:
            run.status = ImportRun.Status.SUCCEEDED
            run.progress = 100
        else:
            run.status = ImportRun.Status.FAILED
            run.error = "The download stopped before the last row."
        run.save()


def _queue_upload(form: ImportUploadForm, user) -> ImportRun:
    upload = form.cleaned_data["file"]
    importer = IMPORTERS[form.cleaned_data["platform"]]
    with transaction.atomic():
        dataset = dataset_for_file(
            form.dataset_name, importer.platform, created_by=user
        )
        run = ImportRun.objects.create(
            kind=ImportRun.Kind.IMPORT,
            platform=importer.name,
            file_format=form.cleaned_data["file_format"],
            dataset=dataset,
            source_file=upload,
            source_name=upload.name[:500],
            total_bytes=upload.size,
            created_by=user,
        )
        transaction.on_commit(lambda: import_listings_task.delay(run.pk))
    logger.info("import run %s queued by user %s", run.pk, user.pk)
    return run


def _runs_context(request) -> dict:
    runs = ImportRun.objects.select_related("dataset", "created_by")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "runs_page": page,
        "any_active": any(run.is_active for run in page.object_list),
    }
