"""The attribute extractor on a table of titles, tricky ones included."""

# Sellers type curly quotes and the multiplication sign; the cases keep them.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from django.db.models import CharField

from research.attributes import ATTRIBUTE_COLUMNS, attribute_values
from research.extraction import CLI_FIELDS, Attributes, Hints, extract_attributes
from research.models import MarketListing


def fields(**values) -> dict:
    """The nine command-line fields: None unless given."""
    unknown = set(values) - set(CLI_FIELDS)
    assert not unknown, unknown
    return {field: values.get(field) for field in CLI_FIELDS}


CASES = [
    (
        "levis_lot_and_size",
        "Levi's 501 Button Fly 33x30 Blue Jeans",
        fields(brand="Levi's", lot="501", waist=33, inseam=30),
    ),
    (
        "levi_strauss_alias",
        "33x30 Levi Strauss & Co. Straight Jeans",
        fields(brand="Levi's", waist=33, inseam=30),
    ),
    (
        "lvc_is_levis",
        "LVC 1947 501XX selvedge W32 L34 made in USA",
        fields(
            brand="Levi's",
            lot="501xx",
            waist=32,
            inseam=34,
            made_in="USA",
            selvedge=True,
        ),
    ),
    (
        "levis_without_apostrophe",
        "VINTAGE MENS LEVIS 505 MINT CONDITION",
        fields(brand="Levi's", lot="505", gender="men"),
    ),
    (
        "lot_glued_to_word",
        "Men’s levis569 32x30",
        fields(brand="Levi's", lot="569", waist=32, inseam=30, gender="men"),
    ),
    (
        "lot_with_finish_code",
        "Levi’s vintage jeans 505-0217",
        fields(brand="Levi's", lot="505"),
    ),
    (
        "plural_lot",
        "Levi’s blue denim jeans 501’s Size 32 30",
        fields(brand="Levi's", lot="501", waist=32, inseam=30),
    ),
    (
        "well_known_lot_without_brand",
        "Vintage 517 bootcut jeans 40/34",
        fields(lot="517", waist=40, inseam=34),
    ),
    (
        "wrangler_model",
        "Wrangler 13MWZ Cowboy Cut 34x30 Made in Mexico",
        fields(brand="Wrangler", lot="13MWZ", waist=34, inseam=30, made_in="Mexico"),
    ),
    (
        "named_model",
        "Naked & Famous Weird Guy Selvedge Jeans 32x32",
        fields(
            brand="Naked & Famous Denim",
            lot="Weird Guy",
            waist=32,
            inseam=32,
            selvedge=True,
        ),
    ),
    (
        "short_decade",
        "Vintage LEVI’s Orange Tab 550 Jeans 90s Relaxed",
        fields(brand="Levi's", lot="550", decade="1990s"),
    ),
    (
        "apostrophe_decade",
        "Wrangler jeans '80s W30",
        fields(brand="Wrangler", decade="1980s", waist=30),
    ),
    (
        "full_decade_with_apostrophe",
        "Vintage GOA Bootcut Jeans 1990's",
        fields(decade="1990s"),
    ),
    ("y2k", "Y2K low rise flare jeans", fields(decade="2000s")),
    ("style_is_not_a_decade", "70s style flare jeans W30", fields(waist=30)),
    (
        "throwback_is_not_a_decade",
        "Levi's Silvertab Throwback 1990's Overalls",
        fields(brand="Levi's"),
    ),
    (
        "bare_waist_mid_title",
        "Naked & Famous 36 Indigo Selvedge Jeans",
        fields(brand="Naked & Famous Denim", waist=36, selvedge=True),
    ),
    (
        "lot_number_is_not_a_waist",
        "Mister Freedom Lot 64 jeans",
        fields(brand="Mister Freedom", lot="64"),
    ),
    (
        "first_decade_wins",
        "Vintage 90s 80s Levis 501 Grey Acid Wash Jeans 34",
        fields(brand="Levi's", lot="501", decade="1990s", waist=34),
    ),
    (
        "big_e_means_before_1971",
        "Levi's 501 Big E redline selvedge",
        fields(brand="Levi's", lot="501", decade="1960s", selvedge=True, big_e=True),
    ),
    (
        "small_e_is_not_big_e",
        "Levi's 505 small e orange tab",
        fields(brand="Levi's", lot="505", big_e=False),
    ),
    (
        "single_stitch",
        "Levis 501 66 single stitch redline W31",
        fields(brand="Levi's", lot="501", decade="1970s", waist=31, selvedge=True),
    ),
    (
        "care_tag_date",
        "Levi's 501 care tag dated 84 made in USA 30x32",
        fields(
            brand="Levi's",
            lot="501",
            decade="1980s",
            waist=30,
            inseam=32,
            made_in="USA",
        ),
    ),
    (
        "year_of_making",
        "2016 Levi’s 501 Custom Acid Wash Denim Jeans",
        fields(brand="Levi's", lot="501", decade="2010s"),
    ),
    (
        "model_year_is_not_a_date",
        "Madewell 1991 Loose Straight Jeans 33x32",
        fields(brand="Madewell", waist=33, inseam=32),
    ),
    (
        "year_is_not_a_size",
        "Levi's 1984 jeans 32x34",
        fields(brand="Levi's", decade="1980s", waist=32, inseam=34),
    ),
    (
        "season_code",
        "Dior Homme Hedi Slimane SS04 Strip Denim",
        fields(brand="Dior", decade="2000s"),
    ),
    (
        "w_and_l",
        "Levi's 541 Athletic Cut Denim W 34 L 36",
        fields(brand="Levi's", lot="541", waist=34, inseam=36),
    ),
    (
        "waist_first_with_letters",
        "Levi's 505 Straight Jeans 31Wx30L actual 31Wx26L",
        fields(brand="Levi's", lot="505", waist=31, inseam=30),
    ),
    (
        "waist_and_length_words",
        "Men’s tan Levi’s waist 33” length 30” like new",
        fields(brand="Levi's", waist=33, inseam=30, gender="men"),
    ),
    (
        "inch_marks_and_spaces",
        "Levi’s Red jeans 36” x 32” grey",
        fields(brand="Levi's", waist=36, inseam=32),
    ),
    (
        "multiplication_sign",
        "Levi 541. Black 38×32",
        fields(brand="Levi's", lot="541", waist=38, inseam=32),
    ),
    (
        "fit_note_in_parentheses",
        "Levi's 517 bootcut Jean's 36 (35 fit) X 30",
        fields(brand="Levi's", lot="517", waist=36, inseam=30),
    ),
    (
        "fractional_inseam",
        "Men’s Levi 514 30 x 28.5",
        fields(brand="Levi's", lot="514", waist=30, inseam=28, gender="men"),
    ),
    (
        "waist_only",
        "Naked & Famous Jeans size 31",
        fields(brand="Naked & Famous Denim", waist=31),
    ),
    (
        "w_only",
        "Bundle of 2 pairs of LEVI’S jeans W32",
        fields(brand="Levi's", waist=32),
    ),
    (
        "womens_size_is_not_a_waist",
        "Women's Levi's 501 size 8",
        fields(brand="Levi's", lot="501", gender="women"),
    ),
    (
        "european_size_is_not_a_waist",
        "Velvet straight pants Levi's Black size 38 FR in Velvet",
        fields(brand="Levi's"),
    ),
    (
        "jacket_size_is_not_a_waist",
        "Jacket Levi's Blue size 40 UK",
        fields(brand="Levi's"),
    ),
    (
        "made_in_japan_short",
        "Evisu jeans MIJ selvage size 34",
        fields(brand="Evisu", made_in="Japan", selvedge=True, waist=34),
    ),
    (
        "usa_made",
        "Levi's 505 Jeans Mens 36x32 Orange Tab USA Made",
        fields(
            brand="Levi's",
            lot="505",
            waist=36,
            inseam=32,
            made_in="USA",
            gender="men",
        ),
    ),
    (
        "japanese_denim_is_fabric",
        "J.Crew Raw Indigo Japanese Denim Jeans 30/30",
        fields(brand="J.Crew", waist=30, inseam=30),
    ),
    (
        "not_selvedge",
        "Levi's 501 non-selvedge 32x32",
        fields(brand="Levi's", lot="501", selvedge=False, waist=32, inseam=32),
    ),
    (
        "women_contains_men",
        "Womens Levi's 501 jeans W27",
        fields(brand="Levi's", lot="501", gender="women", waist=27),
    ),
    (
        "both_genders",
        "Unisex Levi's 550 men's women's",
        fields(brand="Levi's", lot="550", gender="unisex"),
    ),
    (
        "kids",
        "LEVI’S 550 Relaxed Fit Jeans Size 29x29 Big Kid",
        fields(brand="Levi's", lot="550", waist=29, inseam=29, gender="kids"),
    ),
    (
        "collaboration_takes_first",
        "Denim Tears x Levi's 501",
        fields(brand="Denim Tears"),
    ),
    ("empty_title", "", fields()),
    ("no_attributes", "Bundle, buy all for only 50 bucks.", fields()),
]


@pytest.mark.parametrize(
    ("title", "expected"),
    [pytest.param(title, expected, id=label) for label, title, expected in CASES],
)
def test_extraction_cases(title, expected):
    assert extract_attributes(title).cli_dict() == expected


@pytest.mark.parametrize(
    ("title", "field", "value"),
    [
        pytest.param("Levi's 550 Jeans", "fit", "relaxed", id="fit_from_lot"),
        pytest.param("Levi's 550 slim", "fit", "slim", id="stated_fit_wins"),
        pytest.param("Levi's 501 light wash", "wash", "light", id="light_wash"),
        pytest.param(
            "Levi's 501 Mint Green", "condition", None, id="mint_green_colour"
        ),
        pytest.param("NWT Levi's 541", "condition", "new", id="nwt"),
        pytest.param("Levi's 505 EUC", "condition", "excellent", id="euc"),
        pytest.param("LVC 501xx", "brand_line", "LVC", id="lvc_line"),
        pytest.param(
            "Levi's Vintage Clothing 1955 501",
            "brand_line",
            "LVC",
            id="lvc_spelled_out",
        ),
        pytest.param("Levi's Vintage 550", "brand_line", None, id="vintage_is_not_lvc"),
        pytest.param(
            "Levi's Silvertab baggy", "brand_line", "Silver Tab", id="silver_tab"
        ),
    ],
)
def test_extraction_other_fields(title, field, value):
    assert getattr(extract_attributes(title), field) == value


def test_description_fills_gaps_only():
    attributes = extract_attributes(
        "Levi's 501 jeans 32x30",
        "Great pair, made in USA in the 80s. Fits like a 34x32.",
    )

    assert attributes.waist == 32
    assert attributes.inseam == 30
    assert attributes.made_in == "USA"
    assert attributes.decade == "1980s"


@pytest.mark.parametrize(
    ("hints", "field", "value"),
    [
        pytest.param(Hints(brand="levi_s"), "brand", "Levi's", id="brand_slug"),
        pytest.param(
            Hints(brand="dolce & gabbana"), "brand", "Dolce & Gabbana", id="known"
        ),
        pytest.param(
            Hints(brand="acme denim co"), "brand", "Acme Denim Co", id="unknown"
        ),
        pytest.param(Hints(size="32.0"), "waist", 32, id="size_field"),
        pytest.param(Hints(size="32.0", bottoms=False), "waist", None, id="top_size"),
        pytest.param(Hints(gender="womenswear"), "gender", "women", id="department"),
        pytest.param(
            Hints(condition="is_gently_used"), "condition", "very good", id="enum"
        ),
        pytest.param(Hints(made_in="MX"), "made_in", "Mexico", id="country_code"),
    ],
)
def test_hints_from_source_fields(hints, field, value):
    assert getattr(extract_attributes("Jeans", hints=hints), field) == value


def test_title_size_wins_over_size_field():
    attributes = extract_attributes("Levi's 501 33x30", hints=Hints(size="34"))

    assert attributes.waist == 33


def test_attribute_values_fit_their_columns():
    long_text = "x" * 300
    attributes = Attributes(
        **{
            column: long_text
            for column in ATTRIBUTE_COLUMNS
            if isinstance(MarketListing._meta.get_field(column), CharField)
        }
    )

    values = dict(zip(ATTRIBUTE_COLUMNS, attribute_values(attributes), strict=True))

    for column in ATTRIBUTE_COLUMNS:
        field = MarketListing._meta.get_field(column)
        if isinstance(field, CharField):
            assert len(values[column]) == field.max_length, column
        else:
            assert values[column] is None, column
    assert attribute_values(Attributes())[:4] == ("", "", "", "")
