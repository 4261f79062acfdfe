"""Prompt size: a conservative token estimate and the bundle trimming that keeps
every request under OPENAI_PROMPT_TOKEN_LIMIT.

The estimate counts one token per 2.5 bytes of UTF-8 text plus a fixed cost per
message, and includes the JSON schema sent as response_format. OpenAI's
tokenizers average about 4 characters per token on English text and about 3 on
compact JSON with numbers, so the estimate errs high.

NOTE: this is an estimate, not a tokenizer; a server whose tokenizer splits
text much finer than that could still count more tokens than estimated.
"""

from __future__ import annotations

import copy
import json
import math

from django.conf import settings

from .client import PromptTooLarge
from .prompt import RESPONSE_FORMAT, build_messages

BYTES_PER_TOKEN = 2.5
TOKENS_PER_MESSAGE = 8
# Room kept for the retry turn (the rejected reply and the check's errors).
MAX_RETRY_RESERVE = 1000


def estimate_tokens(messages: list[dict]) -> int:
    schema_bytes = len(json.dumps(RESPONSE_FORMAT).encode())
    total = math.ceil(schema_bytes / BYTES_PER_TOKEN)
    for message in messages:
        size = len(message["content"].encode())
        total += math.ceil(size / BYTES_PER_TOKEN) + TOKENS_PER_MESSAGE
    return total


def prompt_token_limit() -> int:
    return settings.OPENAI_PROMPT_TOKEN_LIMIT


def first_prompt_budget(limit: int) -> int:
    return limit - min(MAX_RETRY_RESERVE, limit // 4)


def trim_bundle(bundle: dict, limit: int | None = None) -> dict:
    """Return a copy of the bundle whose prompt fits the budget, with what was
    dropped listed under "trimmed".

    Examples go first (last example first), then movers (least moved first),
    then the per-platform or per-kind breakdown. The totals, the period figures
    and the trend are never dropped: when they alone exceed the budget,
    PromptTooLarge is raised and nothing is sent.
    """
    limit = prompt_token_limit() if limit is None else limit
    budget = first_prompt_budget(limit)
    trimmed = copy.deepcopy(bundle)
    dropped = {"examples": 0, "movers": 0, "breakdown": 0}
    while (size := estimate_tokens(build_messages(trimmed))) > budget:
        if trimmed["examples"]:
            trimmed["examples"].pop()
            dropped["examples"] += 1
        elif trimmed["movers"]:
            trimmed["movers"].pop()
            dropped["movers"] += 1
        elif trimmed["breakdown"]:
            dropped["breakdown"] = len(trimmed["breakdown"])
            trimmed["breakdown"] = {}
        else:
            raise PromptTooLarge(
                f"The stats bundle needs about {size} prompt tokens even without "
                f"examples, movers and breakdown, over the budget of {budget} "
                f"(OPENAI_PROMPT_TOKEN_LIMIT={limit}, less room for one retry). "
                "Raise OPENAI_PROMPT_TOKEN_LIMIT or narrow the cohort."
            )
    # A bundle trimmed on an earlier try keeps the record of what went then.
    trimmed["trimmed"] = [
        *bundle.get("trimmed", []),
        *(
            f"{count} {part}" if part != "breakdown" else f"breakdown ({count} figures)"
            for part, count in dropped.items()
            if count
        ),
    ]
    return trimmed
