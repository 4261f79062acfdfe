"""Dashboard pages: roles, empty cohorts, bad filters, the listing CSV, comps."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.research.factories import MarketListingFactory

PAGES = ["research:overview", "research:cohort", "research:listings"]


class TableParser(HTMLParser):
    """Collect the text of each row of the table with a given id."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id = table_id
        self.inside = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    parser = TableParser(table_id)
    parser.feed(html)
    return parser.rows


@pytest.fixture
def market(db, rebuilt):
    start = datetime(2024, 2, 1, tzinfo=UTC)
    for index in range(60):
        MarketListingFactory(
            platform=("ebay", "grailed")[index % 2],
            listing_kind=("auction", "buy_it_now")[index % 2],
            waist=28 + index % 8,
            title=f'Levi\'s 501 & co, "{index}"',
            price=Decimal(80 + index),
            listed_at=start + timedelta(days=index),
            sold=index % 3 == 0,
            sold_price=Decimal(70 + index) if index % 3 == 0 else None,
            sold_at=start + timedelta(days=index + 4) if index % 3 == 0 else None,
        )
    rebuilt()


@pytest.mark.parametrize("name", PAGES)
def test_analyst_and_staff_see_pages(client, analyst, staff_user, market, name):
    for user in (analyst, staff_user):
        client.force_login(user)

        response = client.get(reverse(name))

        assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_seller_gets_403(client, seller, name):
    client.force_login(seller)

    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_user_without_role_gets_403(client, db):
    client.force_login(UserFactory(username="nobody"))

    assert client.get(reverse("research:overview")).status_code == 403
    assert (
        client.get(reverse("research:comps_partial"), {"brand": "x"}).status_code == 403
    )


def test_nav_links_for_analysts_only(client, analyst, seller, market):
    client.force_login(analyst)
    analyst_page = client.get(reverse("research:overview")).content.decode()
    client.force_login(seller)
    seller_page = client.get(reverse("research:comps_partial"), {"brand": "levis"})

    assert 'href="/research/cohorts/"' in analyst_page
    assert 'href="/research/cohorts/"' not in seller_page.content.decode()


def test_overview_shows_market_numbers(client, analyst, market):
    client.force_login(analyst)

    html = client.get(reverse("research:overview")).content.decode()

    assert 'data-stat="listing_count">60<' in html
    assert 'data-stat="sale_count">20<' in html
    assert 'id="price-trend"' in html
    assert 'id="platform-table"' in html
    assert "Auction and buy it now" in html


def test_empty_cohort_says_so(client, analyst, market):
    client.force_login(analyst)

    response = client.get(reverse("research:cohort"), {"brand": "wrangler"})

    assert response.status_code == 200
    assert b"No listings match these filters" in response.content
    assert b"<canvas" not in response.content


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("research:cohort", {}),
        ("research:listings", {}),
        ("research:listings", {"format": "csv"}),
    ],
)
@pytest.mark.parametrize(
    ("field", "value"), [("date_to", "9999-12-31"), ("date_from", "0001-01-01")]
)
def test_out_of_range_date_is_400(client, analyst, name, extra, field, value):
    client.force_login(analyst)

    response = client.get(reverse(name), {field: value, **extra})

    assert response.status_code == 400
    text = response.content.decode()
    assert field in text
    assert value in text
    assert "1900 to 9998" in text


def test_empty_overview_says_so(client, analyst):
    client.force_login(analyst)

    response = client.get(reverse("research:overview"))

    assert b"No market listings have been summarized yet" in response.content


@pytest.mark.parametrize("name", ["research:cohort", "research:listings"])
def test_bad_filter_is_400_with_fix(client, analyst, name):
    client.force_login(analyst)

    response = client.get(reverse(name), {"waist_min": "thirty"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "waist_min" in html
    assert "thirty" in html
    assert "a whole number of inches" in html


def test_cohort_filters_change_numbers(client, analyst, market):
    client.force_login(analyst)

    html = client.get(
        reverse("research:cohort"), {"platform": "ebay", "waist_min": 30}
    ).content.decode()

    stat = re.search(r'data-stat="listing_count">(\d+)<', html)
    assert stat is not None
    assert int(stat.group(1)) == 22


def test_listing_csv_equals_table(client, analyst, market):
    client.force_login(analyst)
    query = {"platform": "grailed", "page": "1"}

    html = client.get(reverse("research:listings"), query).content.decode()
    response = client.get(reverse("research:listings"), {**query, "format": "csv"})

    table = table_rows(html, "listing-table")
    download = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert len(table) == 31
    assert download == table


def test_listing_csv_quotes_formula_cells(client, analyst, db):
    MarketListingFactory(title='=HYPERLINK("https://example.test","x")')
    MarketListingFactory(title="Levi's 501 =1+2")
    client.force_login(analyst)

    response = client.get(reverse("research:listings"), {"format": "csv"})

    titles = {row[1] for row in csv.reader(io.StringIO(response.content.decode()))}
    assert '\'=HYPERLINK("https://example.test","x")' in titles
    assert "Levi's 501 =1+2" in titles


def test_listing_pages_split_at_fifty(client, analyst, market):
    client.force_login(analyst)

    first = client.get(reverse("research:listings")).content.decode()
    second = client.get(reverse("research:listings"), {"page": 2}).content.decode()

    assert len(table_rows(first, "listing-table")) == 51
    assert len(table_rows(second, "listing-table")) == 11


def test_listing_table_hides_seller(client, analyst, db):
    seller = UserFactory(username="whatnot-seller-name")
    MarketListingFactory(seller=seller, platform="whatnot", extra={"buyer": "b@x.test"})
    client.force_login(analyst)

    html = client.get(reverse("research:listings")).content.decode()

    assert "whatnot-seller-name" not in html
    assert "b@x.test" not in html


def test_comps_partial_for_seller(client, seller, market):
    client.force_login(seller)

    response = client.get(
        reverse("research:comps_partial"),
        {"brand": "levis", "lot": "501", "decade": "1980s", "waist": "32"},
    )

    assert response.status_code == 200
    assert b'data-comps="price_low"' in response.content


def test_comps_partial_rejects_bad_waist(client, seller, db):
    client.force_login(seller)

    response = client.get(
        reverse("research:comps_partial"), {"brand": "levis", "waist": "xl"}
    )

    assert response.status_code == 400
    assert b"waist" in response.content
    assert b"xl" in response.content


def test_comps_api_returns_range(client, seller, market):
    client.force_login(seller)

    response = client.get(
        "/api/comps/", {"brand": "levis", "waist": "32", "min_comps": 3}
    )

    body = response.json()
    assert response.status_code == 200
    assert body["count"] >= 3
    assert Decimal(body["price_low"]) <= Decimal(body["price_high"])
    assert {"id", "title", "url", "sold_price"} <= set(body["comps"][0])


def test_comps_api_errors_are_field_keyed(client, seller, db):
    client.force_login(seller)

    response = client.get("/api/comps/", {"waist": "99"})

    assert response.status_code == 400
    assert set(response.json()) == {"brand", "waist"}


def test_comps_api_needs_role(client, db):
    client.force_login(UserFactory(username="plain"))

    assert client.get("/api/comps/", {"brand": "levis"}).status_code == 403
