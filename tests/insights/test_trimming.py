"""Trimming a stats bundle to the prompt budget."""

from __future__ import annotations

import pytest

from research.insights.bundle import build_market_bundle
from research.insights.client import PromptTooLarge
from research.insights.prompt import build_messages
from research.insights.trimming import estimate_tokens, first_prompt_budget, trim_bundle
from tests.insights.conftest import AS_OF


@pytest.fixture
def bundle(market):
    return build_market_bundle({"brand": "levis", "days": 7}, AS_OF)


def limit_for(bundle: dict) -> int:
    """Return the smallest limit whose first-prompt budget fits the bundle."""
    size = estimate_tokens(build_messages(bundle))
    limit = size
    while first_prompt_budget(limit) < size:
        limit += 1
    return limit


def test_bundle_within_budget_is_unchanged(bundle):
    trimmed = trim_bundle(bundle, limit_for(bundle))

    assert trimmed == bundle


def test_examples_go_last_first(bundle):
    fewer = {**bundle, "examples": bundle["examples"][:4]}

    trimmed = trim_bundle(bundle, limit_for(fewer))

    assert trimmed["examples"] == bundle["examples"][:4]
    assert trimmed["movers"] == bundle["movers"]
    assert trimmed["trimmed"] == ["2 examples"]


def test_breakdown_goes_after_movers(bundle):
    core = {**bundle, "examples": [], "movers": [], "breakdown": {}}

    trimmed = trim_bundle(bundle, limit_for(core))

    assert trimmed["examples"] == []
    assert trimmed["movers"] == []
    assert trimmed["breakdown"] == {}
    assert trimmed["figures"] == bundle["figures"]
    assert trimmed["trimmed"] == ["6 examples", "2 movers", "breakdown (3 figures)"]


def test_second_trim_keeps_the_first_record(bundle):
    fewer = {**bundle, "examples": bundle["examples"][:4]}
    first = trim_bundle(bundle, limit_for(fewer))

    second = trim_bundle(first, limit_for(fewer))

    assert second["trimmed"] == ["2 examples"]


def test_core_over_budget_raises(bundle):
    with pytest.raises(PromptTooLarge) as error:
        trim_bundle(bundle, 300)

    assert "OPENAI_PROMPT_TOKEN_LIMIT=300" in str(error.value)
    assert bundle["examples"]
    assert bundle["trimmed"] == []
