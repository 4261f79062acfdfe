"""The hand labels resolve to real titles and the extractor keeps its scores."""

from __future__ import annotations

import pytest

from bench.attribute_accuracy import (
    DEFAULT_LABELS,
    FIELDS,
    REAL_DATA,
    load_labels,
    load_titles,
    score,
)

# Floors a change to the extractor must not fall below; the measured figures
# are in docs/attributes.md.
PRECISION_FLOOR = {"brand": 0.95, "lot": 0.95, "waist": 0.95, "inseam": 0.95}
RECALL_FLOOR = {"brand": 0.85, "lot": 0.9, "waist": 0.95, "inseam": 0.95}


@pytest.fixture(scope="module")
def labelled():
    labels = load_labels(DEFAULT_LABELS)
    return labels, load_titles(labels, REAL_DATA)


def test_every_label_names_a_real_title(labelled):
    labels, titles = labelled

    missing = [
        label for label in labels if (label["platform"], label["id"]) not in titles
    ]

    assert len(labels) == 240
    assert missing == []


def test_every_label_has_all_fields(labelled):
    labels, _ = labelled

    for label in labels:
        assert set(label) == {"platform", "id", *FIELDS}, label


def test_labels_are_unique_rows(labelled):
    labels, _ = labelled

    keys = [(label["platform"], label["id"]) for label in labels]

    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("field", sorted(PRECISION_FLOOR))
def test_extractor_scores_hold(labelled, field):
    scores, _ = score(*labelled)

    assert scores[field].precision >= PRECISION_FLOOR[field]
    assert scores[field].recall >= RECALL_FLOOR[field]
