"""The prompt, the reply's JSON schema and the prompt's view of a bundle.

Change PROMPT_VERSION whenever the instructions, the schema or the payload
shape change; every report stores the version it was written with.
"""

from __future__ import annotations

import json

PROMPT_VERSION = "summary-v1"
SCHEMA_NAME = "selvedge_summary"
MAX_ERRORS_IN_RETRY = 20

CLAIMS_SCHEMA = {
    "type": "object",
    "properties": {
        "claims": {
            "type": "array",
            "description": "3 to 6 short statements about the data.",
            "items": {
                "type": "object",
                "properties": {
                    "text": {
                        "type": "string",
                        "description": "One or two sentences.",
                    },
                    "figure_keys": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Keys of the bundle figures the text uses.",
                    },
                    "listing_ids": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Ids of the bundle examples the text uses.",
                    },
                },
                "required": ["text", "figure_keys", "listing_ids"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["claims"],
    "additionalProperties": False,
}

RESPONSE_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": CLAIMS_SCHEMA},
}

INSTRUCTIONS = """\
You write short, factual market summaries for vintage-denim resellers and the \
analysts who study that market. You are given a statistics bundle computed by \
selvedge. It is the only source you may use.

Rules:
- Write 3 to 6 claims. Each claim is one or two sentences about what the numbers \
show, most important first: what changed in the period, then prices, then \
notable groups or listings.
- Each claim lists in figure_keys every key of "figures", "breakdown" or a \
mover's "figures" whose value it states, and in listing_ids every example id it \
mentions.
- Write every number in digits, exactly as the cited figure gives it or rounded \
from it. Never compute a new number (no sums, differences or ratios of your \
own): the bundle already holds the changes and percentages. Do not write \
dates, and do not spell numbers out in words.
- Keys ending in _price, revenue or .delta of a price are money in the scope's \
currency; keys ending in _pct are percentages; keys ending in _count are counts.
- When a count is small (under 10), say that the sample is small.
- Give no advice and no predictions; describe the data."""


def prompt_payload(bundle: dict) -> dict:
    """Return the part of a bundle the model reads: values without labels."""
    return {
        "scope": {
            key: value
            for key, value in bundle["scope"].items()
            if key in ("kind", "description", "filters", "currency")
        },
        "period": bundle["period"],
        "figures": _values(bundle["figures"]),
        "breakdown": _values(bundle.get("breakdown", {})),
        "movers": [
            {"label": mover["label"], "figures": _values(mover["figures"])}
            for mover in bundle.get("movers", [])
        ],
        "examples": [
            {key: value for key, value in example.items() if key != "url"}
            for example in bundle.get("examples", [])
        ],
    }


def _values(figures: dict) -> dict:
    return {key: figure["value"] for key, figure in figures.items()}


def bundle_json(bundle: dict) -> str:
    return json.dumps(prompt_payload(bundle), separators=(",", ":"), sort_keys=True)


def build_messages(bundle: dict) -> list[dict]:
    what = (
        "this seller's sales"
        if bundle["scope"]["kind"] == "seller"
        else "this market cohort"
    )
    return [
        {"role": "system", "content": INSTRUCTIONS},
        {
            "role": "user",
            "content": f"Summarize {what}. Statistics bundle (JSON):\n"
            f"{bundle_json(bundle)}",
        },
    ]


def build_retry_messages(
    messages: list[dict], reply_text: str, errors: list[str]
) -> list[dict]:
    """Return the conversation for the one retry after a reply failed the check."""
    listed = "\n".join(f"- {error}" for error in errors[:MAX_ERRORS_IN_RETRY])
    if len(errors) > MAX_ERRORS_IN_RETRY:
        listed += f"\n- and {len(errors) - MAX_ERRORS_IN_RETRY} more"
    return [
        *messages,
        {"role": "assistant", "content": reply_text},
        {
            "role": "user",
            "content": "Your reply failed selvedge's checks:\n"
            f"{listed}\n"
            "Reply again in the same JSON format. Cite only keys and ids that "
            "exist in the bundle, and write only numbers that match the figures "
            "you cite.",
        },
    ]
