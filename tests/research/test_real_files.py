"""The three real marketplace files import with every row stored or rejected."""

from __future__ import annotations

import csv
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from research.models import Dataset, ImportRun, MarketListing

REAL_DATA = settings.BASE_DIR.parent / "shared" / "data" / "real"
FILES = {
    "poshmark": "poshmark_mens_jeans_2020.csv",
    "grailed": "grailed_sold_listings_2026.csv",
    "vestiaire": "vestiaire_collective_sample_5000.csv",
}

pytestmark = pytest.mark.django_db


def data_rows(name: str) -> int:
    with (REAL_DATA / name).open(encoding="utf-8", newline="") as source:
        return sum(1 for _ in csv.DictReader(source))


def import_real(platform: str) -> ImportRun:
    out = StringIO()
    call_command(
        "import_listings",
        str(REAL_DATA / FILES[platform]),
        platform=platform,
        stdout=out,
    )
    return ImportRun.objects.latest("id")


@pytest.mark.parametrize("platform", sorted(FILES))
def test_real_file_every_row_accounted(platform):
    rows = data_rows(FILES[platform])

    run = import_real(platform)

    accounted = (
        run.created_count
        + run.updated_count
        + run.unchanged_count
        + run.older_count
        + run.rejected_count
    )
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.processed_lines == rows
    assert accounted == rows
    assert all(item["reason"] for item in run.rejected_lines)
    assert run.rejected_count == 0
    assert MarketListing.objects.filter(platform=platform).count() == run.created_count
    assert run.dataset == Dataset.objects.get(name=FILES[platform], platform=platform)


@pytest.mark.parametrize("platform", sorted(FILES))
def test_real_file_reimport_unchanged(platform):
    first = import_real(platform)

    second = import_real(platform)

    assert second.unchanged_count == first.processed_lines - first.rejected_count
    assert (second.created_count, second.updated_count) == (0, 0)


def test_poshmark_duplicates_and_sold_flags():
    run = import_real("poshmark")

    levis = MarketListing.objects.filter(platform="poshmark", brand_raw="levi_s")
    assert run.created_count == 3838
    assert run.unchanged_count == 2
    assert MarketListing.objects.filter(platform="poshmark", sold=True).count() == 985
    assert levis.filter(sold=True).count() == 22
    assert levis.count() == 480 - 1
    sold = levis.filter(sold=True).first()
    assert sold.sold_price == sold.price
    assert sold.listed_at.tzinfo is not None


def test_grailed_prices_exact():
    import_real("grailed")

    levis = MarketListing.objects.get(platform="grailed", title__startswith="LEVIS 501")
    assert levis.price == Decimal("44.00")
    assert levis.sold_price == Decimal("34.00")
    assert levis.sold is True
    assert (levis.brand, levis.lot, levis.waist, levis.inseam) == (
        "Levi's",
        "501",
        32,
        32,
    )
    assert levis.sold_at.tzinfo is not None
    vintage = MarketListing.objects.get(
        platform="grailed", title__startswith="VINTAGE Levi's 501"
    )
    assert vintage.sold_price == Decimal("158.00")
    assert vintage.decade == "1990s"


def test_vestiaire_sold_flags_and_brands():
    import_real("vestiaire")

    listings = MarketListing.objects.filter(platform="vestiaire")
    assert listings.filter(sold=True).count() == 85
    assert listings.filter(brand="Levi's").count() == 27
    assert listings.get(brand_raw="jordan x levi's").brand == "Jordan"
    assert listings.filter(sold=True, sold_price__isnull=False).count() == 0
    chanel = listings.get(external_id="15374877")
    assert chanel.price == Decimal("255.60")
    assert chanel.condition == "very good"
    assert chanel.gender == "women"
