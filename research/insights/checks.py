"""The check every reply passes before it is stored.

A claim passes when it cites at least one figure key or listing id and every
cited key and id is in the bundle that was sent. Every number written in digits
in its text must also equal a cited value, rounded to the decimal places the
text shows. Numbers
that are part of a name the bundle holds (a lot number, a decade, a cited
listing's title) count as names, not as figures. Spelled-out numbers are
rejected, because the check reads digits only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

MAX_CLAIMS = 10
MAX_CLAIM_LENGTH = 600
NUMBER = re.compile(
    r"(?<![\d.])(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
    r"(?P<thousands>[kK](?![A-Za-z]))?"
)
NUMBER_WORDS = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|"
    r"billion|dozen|doubled|tripled|halved)\b",
    re.IGNORECASE,
)
# Example fields that hold numbers a claim citing the example may state.
EXAMPLE_NUMBER_FIELDS = ("price", "sold_price", "quantity")


@dataclass
class CheckResult:
    claims: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.errors


def figure_values(bundle: dict) -> dict[str, object]:
    """Return every citable figure of a bundle as {key: value}."""
    values = {key: figure["value"] for key, figure in bundle["figures"].items()}
    values.update(
        (key, figure["value"]) for key, figure in bundle.get("breakdown", {}).items()
    )
    for mover in bundle.get("movers", []):
        values.update(
            (key, figure["value"]) for key, figure in mover["figures"].items()
        )
    return values


def check_reply(reply: object, bundle: dict) -> CheckResult:
    """Check a parsed reply against the bundle it was written from."""
    result = CheckResult()
    if not isinstance(reply, dict) or not isinstance(reply.get("claims"), list):
        result.errors.append('The reply is not a JSON object with a "claims" list.')
        return result
    claims = reply["claims"]
    if not claims:
        result.errors.append("The reply has no claims.")
    if len(claims) > MAX_CLAIMS:
        result.errors.append(
            f"The reply has {len(claims)} claims; write at most {MAX_CLAIMS}."
        )
    figures = figure_values(bundle)
    examples = {example["id"]: example for example in bundle.get("examples", [])}
    for number, claim in enumerate(claims, start=1):
        checked = _check_claim(f"Claim {number}", claim, figures, examples, bundle)
        if isinstance(checked, list):
            result.errors.extend(checked)
        else:
            result.claims.append(checked)
    return result


def _check_claim(
    name: str, claim: object, figures: dict, examples: dict, bundle: dict
) -> dict | list[str]:
    shape_error = _shape_error(name, claim)
    if shape_error:
        return [shape_error]
    text = claim["text"].strip()
    keys = list(dict.fromkeys(claim["figure_keys"]))
    ids = list(dict.fromkeys(claim["listing_ids"]))

    errors = []
    if not keys and not ids:
        errors.append(f"{name} cites no figure key and no listing id.")
    errors.extend(
        f"{name} cites figure key {key!r}, which is not in the bundle."
        for key in keys
        if key not in figures
    )
    errors.extend(
        f"{name} cites listing id {listing_id!r}, which is not in the bundle."
        for listing_id in ids
        if listing_id not in examples
    )

    words = sorted({match.lower() for match in NUMBER_WORDS.findall(text)})
    if words:
        errors.append(
            f"{name} writes a number in words ({', '.join(words)}); use digits "
            "copied from a cited figure."
        )

    cited = _cited_values(keys, ids, figures, examples)
    names = _name_terms(bundle, [examples[i] for i in ids if i in examples])
    errors.extend(_number_errors(name, text, cited, names))

    if errors:
        return errors
    return {"text": text, "figure_keys": keys, "listing_ids": ids}


def _shape_error(name: str, claim: object) -> str | None:
    if not isinstance(claim, dict):
        return f"{name} is not a JSON object."
    text = claim.get("text")
    if not isinstance(text, str) or not text.strip():
        return f"{name} has no text."
    if len(text) > MAX_CLAIM_LENGTH:
        return f"{name} is longer than {MAX_CLAIM_LENGTH} characters."
    for list_name in ("figure_keys", "listing_ids"):
        items = claim.get(list_name)
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            return f"{name} has no {list_name} list of strings."
    return None


def _cited_values(
    keys: list[str], ids: list[str], figures: dict, examples: dict
) -> list[tuple[str, Decimal]]:
    cited = []
    for key in keys:
        if key in figures:
            cited.append((key, _decimal(figures[key])))
    for listing_id in ids:
        example = examples.get(listing_id, {})
        for field_name in EXAMPLE_NUMBER_FIELDS:
            if example.get(field_name) is not None:
                cited.append(
                    (f"{listing_id}.{field_name}", _decimal(example[field_name]))
                )
    return [(label, value) for label, value in cited if value is not None]


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _name_terms(bundle: dict, cited_examples: list[dict]) -> list[str]:
    terms = [str(term) for term in bundle.get("terms", [])]
    for example in cited_examples:
        terms.extend(match.group(0) for match in NUMBER.finditer(example["title"]))
    # Longest first, so that "1990s" goes before "90s" and "1990".
    return sorted({term for term in terms if term.strip()}, key=len, reverse=True)


def _strip_names(text: str, names: list[str]) -> str:
    for term in names:
        pattern = re.compile(
            rf"(?<![\d.]){re.escape(term)}(?!\d|[.,]\d)", re.IGNORECASE
        )
        text = pattern.sub(" ", text)
    return text


def _number_errors(
    name: str, text: str, cited: list[tuple[str, Decimal]], names: list[str]
) -> list[str]:
    errors = []
    for match in NUMBER.finditer(_strip_names(text, names)):
        written, scale, places = _parse_number(match)
        if any(_matches(written, scale, places, value) for _, value in cited):
            continue
        cited_text = ", ".join(f"{label}={value}" for label, value in cited)
        errors.append(
            f"{name} writes {match.group(0)}, which matches none of its cited "
            f"figures ({cited_text or 'none'})."
        )
    return errors


def _parse_number(match: re.Match) -> tuple[Decimal, Decimal, int]:
    """Return the written value, its scale (1000 for a "k" suffix) and the number
    of decimal places it shows."""
    fraction = match["fraction"] or ""
    value = Decimal(match["whole"].replace(",", "") + fraction)
    scale = Decimal(1000) if match["thousands"] else Decimal(1)
    return value, scale, len(fraction) - 1 if fraction else 0


def _matches(written: Decimal, scale: Decimal, places: int, value: Decimal) -> bool:
    """Return whether value, rounded half up or half to even to the places the
    text shows, is the written number. The text carries the sign in words ("fell
    12%"), so the magnitude is compared."""
    step = Decimal(1).scaleb(-places)
    magnitude = abs(value) / scale
    return written in {
        magnitude.quantize(step, rounding=ROUND_HALF_UP),
        magnitude.quantize(step, rounding=ROUND_HALF_EVEN),
    }
