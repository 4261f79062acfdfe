"""Build Whatnot bulk export lines and listing files for the research tests."""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterable
from pathlib import Path


def global_id(typename: str, number: int) -> str:
    return base64.b64encode(f"{typename}:{number}".encode()).decode()


def product_line(number: int, title: str = "", **fields) -> dict:
    return {
        "__typename": "Product",
        "id": global_id("Product", number),
        "title": title or f"Levi's 501 jeans 32x30 #{number}",
        "description": "",
        **fields,
    }


def variant_line(number: int, product: int, **fields) -> dict:
    return {
        "__typename": "ProductVariant",
        "id": global_id("ProductVariant", number),
        "sku": f"SKU-{number}",
        "options": [{"name": "Size", "value": "32"}],
        "__parentId": global_id("Product", product),
        **fields,
    }


def listing_line(
    number: int,
    variant: int,
    *,
    updated_at: str = "2026-01-01T00:00:00Z",
    cents: int = 4500,
    status: str = "ACTIVE",
    title: str | None = None,
) -> dict:
    return {
        "__typename": "BuyItNowListing",
        "id": global_id("BuyItNowListing", number),
        "title": title,
        "status": status,
        "published": True,
        "url": f"https://www.whatnot.com/listing/{number}",
        "createdAt": "2025-12-01T10:00:00Z",
        "updatedAt": updated_at,
        "inventoryLevel": {"quantity": 1},
        "price": {"amount": cents, "currency": "USD"},
        "__parentId": global_id("ProductVariant", variant),
    }


def export_lines(products: int) -> list[dict]:
    """Product, variant and listing lines, parents first: three per product."""
    lines = []
    for number in range(1, products + 1):
        lines.append(product_line(number))
        lines.append(variant_line(number, number))
        lines.append(listing_line(number, number))
    return lines


def write_jsonl(path: Path, lines: Iterable, *, raw_tail: str = "") -> Path:
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line if isinstance(line, str) else json.dumps(line))
            out.write("\n")
        out.write(raw_tail)
    return path


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


POSHMARK_HEADER = [
    "brand",
    "date",
    "diff",
    "image",
    "length",
    "link",
    "nwt",
    "price",
    "size",
    "sold",
    "status",
    "stock",
    "title",
]


def poshmark_row(
    number: int, *, title: str = "", price: str = "45", sold: str = "False"
):
    listing_id = f"{number:024x}"
    return [
        "levi_s",
        "2020-04-01",
        "3",
        "https://example.invalid/image.jpg",
        "20",
        f"http://www.poshmark.com/listing/Levis-501-{listing_id}",
        "False",
        price,
        "32.0",
        sold,
        "",
        "Sold" if sold == "True" else "",
        title or f"Levi's 501 jeans 32x30 number {number}",
    ]
