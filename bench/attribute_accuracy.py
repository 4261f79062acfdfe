"""Precision and recall of the attribute extractor against hand labels.

    .venv/bin/python bench/attribute_accuracy.py [--errors] [--labels PATH]

The labels (tests/data/attribute_labels.jsonl) name each title by platform and
row id. The titles are read at run time from the real marketplace files beside
the repository (REAL_DATA) and are never copied. The extractor sees the title
only, as the labeller did. A predicted value counts as correct when it equals
the label; a wrong value counts against both precision and recall.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LABELS = ROOT / "tests" / "data" / "attribute_labels.jsonl"
REAL_DATA = ROOT.parent / "shared" / "data" / "real"
FIELDS = (
    "brand",
    "lot",
    "decade",
    "waist",
    "inseam",
    "made_in",
    "selvedge",
    "big_e",
    "gender",
)
# Each platform's file, the column with the row id and the column with the title.
SOURCES = {
    "poshmark": ("poshmark_mens_jeans_2020.csv", "link", "title"),
    "grailed": ("grailed_sold_listings_2026.csv", "id", "title"),
    "vestiaire": ("vestiaire_collective_sample_5000.csv", "product_id", "product_name"),
}
_POSHMARK_ID = re.compile(r"([0-9a-f]{24})/?$")


def load_labels(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as labels:
        return [json.loads(line) for line in labels if line.strip()]


def load_titles(labels: list[dict], data_dir: Path = REAL_DATA) -> dict[tuple, str]:
    """Return {(platform, id): title} for the labelled rows."""
    labelled_keys = {(label["platform"], label["id"]) for label in labels}
    titles: dict[tuple, str] = {}
    for platform, (name, id_column, title_column) in SOURCES.items():
        with (data_dir / name).open(encoding="utf-8", newline="") as source:
            for row in csv.DictReader(source):
                row_id = row[id_column]
                if platform == "poshmark":
                    match = _POSHMARK_ID.search(row_id)
                    row_id = match.group(1) if match else row_id
                if (platform, row_id) in labelled_keys:
                    titles.setdefault((platform, row_id), row[title_column])
    return titles


@dataclass
class FieldScore:
    labelled: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.labelled if self.labelled else None


def score(labels: list[dict], titles: dict[tuple, str]):
    """Return ({field: FieldScore}, [mismatches]) for the labelled titles."""
    from research.extraction import extract_attributes

    scores = {field: FieldScore() for field in FIELDS}
    mismatches = []
    for label in labels:
        title = titles[(label["platform"], label["id"])]
        predicted = extract_attributes(title).cli_dict()
        for field in FIELDS:
            expected, got = label[field], predicted[field]
            field_score = scores[field]
            field_score.labelled += expected is not None
            field_score.predicted += got is not None
            if got is not None and got == expected:
                field_score.correct += 1
            elif got != expected:
                mismatches.append((field, title, expected, got))
    return scores, mismatches


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def table(scores: dict[str, FieldScore], rows: int) -> str:
    lines = [
        f"Titles: {rows}",
        "",
        "| Field | Labelled | Predicted | Correct | Precision | Recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for field, field_score in scores.items():
        lines.append(
            f"| {field} | {field_score.labelled} | {field_score.predicted} | "
            f"{field_score.correct} | {_percent(field_score.precision)} | "
            f"{_percent(field_score.recall)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument(
        "--errors", action="store_true", help="Also list every mismatch."
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    labels = load_labels(args.labels)
    titles = load_titles(labels)
    missing = [
        label for label in labels if (label["platform"], label["id"]) not in titles
    ]
    if missing:
        raise SystemExit(f"{len(missing)} labelled rows not found, e.g. {missing[0]}")
    scores, mismatches = score(labels, titles)
    print(table(scores, len(labels)))
    if args.errors:
        print()
        for field, title, expected, got in mismatches:
            print(f"{field}: expected {expected!r}, got {got!r}: {title}")


if __name__ == "__main__":
    main()
