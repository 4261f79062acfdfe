"""Vintage-denim lines the seed generator draws from, with realistic price bands.

Price bands are US dollars for a used pair in good condition, in the range that
resale listings of these lines commonly ask; the generator spreads prices
around them by condition and era.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    brand: str
    model: str
    eras: tuple[str, ...]
    countries: tuple[str, ...]
    low: int
    high: int
    markers: tuple[str, ...] = ()
    fit: str = ""
    quantity_max: int = 1


LINES = (
    Line(
        "Levi's",
        "501",
        ("1960s",),
        ("USA",),
        700,
        2500,
        ("Big E", "Selvedge"),
        "Button Fly",
    ),
    Line(
        "Levi's",
        "501",
        ("1970s", "1980s"),
        ("USA",),
        180,
        650,
        ("Redline Selvedge", "Single Stitch"),
        "Button Fly",
    ),
    Line("Levi's", "501", ("1980s", "1990s"), ("USA",), 60, 160, (), "Button Fly"),
    Line(
        "Levi's",
        "501",
        ("2000s", "2010s"),
        ("Mexico", "Other"),
        30,
        60,
        (),
        "Button Fly",
        3,
    ),
    Line(
        "Levi's",
        "505",
        ("1970s",),
        ("USA",),
        90,
        260,
        ("Orange Tab", "Big E"),
        "Zip Fly",
    ),
    Line(
        "Levi's", "505", ("1980s", "1990s"), ("USA", "Mexico"), 45, 110, (), "Zip Fly"
    ),
    Line(
        "Levi's",
        "517",
        ("1970s", "1980s"),
        ("USA",),
        70,
        180,
        ("Orange Tab",),
        "Bootcut",
    ),
    Line("Levi's", "517", ("1990s", "2000s"), ("USA", "Mexico"), 35, 90, (), "Bootcut"),
    Line(
        "Levi's",
        "550",
        ("1990s", "2000s"),
        ("USA", "Mexico"),
        35,
        85,
        (),
        "Relaxed Fit",
        2,
    ),
    Line("Levi's", "560", ("1990s",), ("USA", "Mexico"), 35, 80, (), "Loose Tapered"),
    Line(
        "Levi's",
        "569",
        ("1990s", "2000s"),
        ("USA", "Mexico"),
        30,
        70,
        (),
        "Loose Straight",
    ),
    Line(
        "Levi's", "646", ("1970s",), ("USA",), 90, 240, ("Orange Tab",), "Bell Bottom"
    ),
    Line(
        "Levi's Vintage Clothing",
        "1947 501",
        ("2000s", "2010s"),
        ("USA", "Japan"),
        130,
        320,
        ("Selvedge", "Cone Mills"),
        "Button Fly",
    ),
    Line(
        "Levi's Vintage Clothing",
        "1955 501",
        ("2010s",),
        ("Turkey", "Japan"),
        110,
        260,
        ("Selvedge",),
        "Button Fly",
    ),
    Line(
        "Levi's Vintage Clothing",
        "1966 501",
        ("2010s", "2020s"),
        ("Japan", "USA"),
        120,
        280,
        ("Selvedge", "Big E"),
        "Button Fly",
    ),
    Line(
        "Lee",
        "101 Riders",
        ("1960s", "1970s"),
        ("USA",),
        150,
        450,
        ("Selvedge", "Union Made"),
        "Zip Fly",
    ),
    Line("Lee", "Riders", ("1980s", "1990s"), ("USA",), 35, 90, (), "Straight Leg"),
    Line(
        "Wrangler",
        "13MWZ",
        ("1970s", "1980s"),
        ("USA",),
        60,
        160,
        ("Blue Bell",),
        "Cowboy Cut",
    ),
    Line(
        "Wrangler",
        "13MWZ",
        ("1990s", "2000s", "2010s"),
        ("USA", "Mexico"),
        25,
        60,
        (),
        "Cowboy Cut",
        4,
    ),
    Line(
        "Wrangler",
        "936",
        ("1990s", "2000s"),
        ("USA", "Mexico"),
        25,
        55,
        (),
        "Slim Fit",
        2,
    ),
    Line(
        "Evisu",
        "Lot 2000",
        ("1990s", "2000s"),
        ("Japan",),
        110,
        320,
        ("Selvedge", "Painted Gull"),
        "Button Fly",
    ),
    Line(
        "Evisu", "No. 1", ("1990s",), ("Japan",), 140, 380, ("Selvedge",), "Button Fly"
    ),
    Line(
        "Big Yank",
        "Work Jeans",
        ("1950s",),
        ("USA",),
        250,
        700,
        ("Selvedge",),
        "Button Fly",
    ),
    Line(
        "Carhartt",
        "B01 Double Knee",
        ("1990s", "2000s"),
        ("USA", "Mexico"),
        45,
        140,
        (),
        "Work Pant",
        2,
    ),
)

CONDITION_FACTORS = {
    "New with tags": 1.6,
    "New without tags": 1.35,
    "Excellent": 1.15,
    "Very good": 1.0,
    "Good": 0.85,
    "Fair": 0.6,
}
CONDITION_WEIGHTS = (3, 4, 18, 35, 28, 12)
WEAR_NOTES = (
    "even fading",
    "honeycombs behind the knees",
    "whiskering at the hips",
    "light paint splatter",
    "small repair at the crotch",
    "frayed hems",
    "chain-stitched hem intact",
    "leather patch cracked",
    "original hem",
    "pocket bag replaced",
)
WASHES = ("Dark Wash", "Medium Wash", "Light Wash", "Rigid", "Black", "Stonewash")
