"""The claim check: cited keys and ids exist, and every number matches."""

from __future__ import annotations

import pytest

from research.insights.checks import check_reply

BUNDLE = {
    "scope": {"kind": "market", "currency": "USD"},
    "figures": {
        "sold_count": {"value": 1234, "label": "Sold"},
        "median_sold_price": {"value": "119.50", "label": "Median sold price"},
        "trend.median_sold_price.delta_pct": {"value": "-12.3", "label": "Change"},
    },
    "breakdown": {"platform.ebay.sold_count": {"value": 7, "label": "Sold on ebay"}},
    "movers": [
        {
            "id": "501-1980s",
            "label": "501 1980s",
            "figures": {
                "mover.501-1980s.period.median_sold_price": {
                    "value": "210.00",
                    "label": "501 1980s: median",
                }
            },
        }
    ],
    "examples": [
        {
            "id": "ebay:42",
            "title": "Levi's 505 W32 L30 orange tab",
            "sold_price": "140.00",
            "price": "150.00",
        }
    ],
    "terms": ["levis", "505", "1990s", "90s", "501 1980s", "501", "1980s"],
}


def claim(text, keys=(), ids=()):
    return {"text": text, "figure_keys": list(keys), "listing_ids": list(ids)}


@pytest.mark.parametrize(
    ("text", "keys", "ids"),
    [
        pytest.param("1,234 pairs sold.", ["sold_count"], [], id="thousands-comma"),
        pytest.param("About 1.2k pairs sold.", ["sold_count"], [], id="k-suffix"),
        pytest.param("The median was $120.", ["median_sold_price"], [], id="rounded"),
        pytest.param("The median was $119.5.", ["median_sold_price"], [], id="one-dp"),
        pytest.param(
            "Prices fell 12% for 1990s 505s.",
            ["trend.median_sold_price.delta_pct"],
            [],
            id="sign-in-words-and-names",
        ),
        pytest.param("eBay had 7 sales.", ["platform.ebay.sold_count"], [], id="bd"),
        pytest.param(
            "501 1980s pairs sold at a $210 median.",
            ["mover.501-1980s.period.median_sold_price"],
            [],
            id="mover",
        ),
        pytest.param(
            "A W32 L30 pair sold for $140, under its $150 asking price.",
            [],
            ["ebay:42"],
            id="example-title-and-prices",
        ),
    ],
)
def test_check_accepts_grounded_claim(text, keys, ids):
    result = check_reply({"claims": [claim(text, keys, ids)]}, BUNDLE)

    assert result.errors == []
    assert result.claims == [{"text": text, "figure_keys": keys, "listing_ids": ids}]


@pytest.mark.parametrize(
    ("text", "keys", "ids", "error"),
    [
        pytest.param(
            "1,234 pairs sold.",
            ["sold_total"],
            [],
            "Claim 1 cites figure key 'sold_total', which is not in the bundle.",
            id="missing-key",
        ),
        pytest.param(
            "A pair sold for $140.",
            [],
            ["ebay:43"],
            "Claim 1 cites listing id 'ebay:43', which is not in the bundle.",
            id="missing-id",
        ),
        pytest.param(
            "The median was $125.",
            ["median_sold_price"],
            [],
            "Claim 1 writes 125, which matches none of its cited figures "
            "(median_sold_price=119.50).",
            id="wrong-number",
        ),
        pytest.param(
            "The median was $119.",
            ["median_sold_price"],
            [],
            "Claim 1 writes 119, which matches none of its cited figures "
            "(median_sold_price=119.50).",
            id="rounded-wrong-way",
        ),
        pytest.param(
            "1,234 pairs sold at $119.50.",
            ["sold_count"],
            [],
            "Claim 1 writes 119.50, which matches none of its cited figures "
            "(sold_count=1234).",
            id="number-from-an-uncited-figure",
        ),
        pytest.param(
            "Sales doubled.",
            [],
            [],
            "Claim 1 cites no figure key and no listing id.",
            id="no-citation",
        ),
        pytest.param(
            "Twelve pairs sold; 1,234 overall.",
            ["sold_count"],
            [],
            "Claim 1 writes a number in words (twelve); use digits copied from a "
            "cited figure.",
            id="number-in-words",
        ),
    ],
)
def test_check_rejects_ungrounded_claim(text, keys, ids, error):
    result = check_reply({"claims": [claim(text, keys, ids)]}, BUNDLE)

    assert error in result.errors
    assert result.claims == []


def test_check_reports_every_bad_claim_by_number():
    reply = {
        "claims": [
            claim("1,234 pairs sold.", ["sold_count"]),
            claim("$99 median.", ["median_sold_price"]),
            "not an object",
        ]
    }

    result = check_reply(reply, BUNDLE)

    assert len(result.claims) == 1
    assert result.errors == [
        "Claim 2 writes 99, which matches none of its cited figures "
        "(median_sold_price=119.50).",
        "Claim 3 is not a JSON object.",
    ]


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        pytest.param(
            [], 'The reply is not a JSON object with a "claims" list.', id="list"
        ),
        pytest.param({"claims": []}, "The reply has no claims.", id="empty"),
        pytest.param(
            {"claims": [{"text": "x", "figure_keys": "sold_count", "listing_ids": []}]},
            "Claim 1 has no figure_keys list of strings.",
            id="keys-not-list",
        ),
    ],
)
def test_check_rejects_malformed_reply(reply, error):
    assert check_reply(reply, BUNDLE).errors == [error]
