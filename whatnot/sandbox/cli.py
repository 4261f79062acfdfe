"""Command-line options of the sandbox, shared by manage.py whatnot_sandbox and
python -m whatnot.sandbox."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from .config import SandboxConfig
from .faults import FaultSettings, InvalidFault, check_settings


def fault_flag(name: str) -> str:
    return "--fault-" + name.replace("_", "-")


def add_arguments(parser, default_data: Path) -> None:
    """Define the sandbox's command-line options on an argparse parser."""
    defaults = SandboxConfig()
    add = parser.add_argument
    add(
        "--host",
        default=defaults.host,
        help="Address to listen on (default 127.0.0.1).",
    )
    add("--port", type=int, default=defaults.port, help="Port to listen on.")
    add(
        "--data",
        type=Path,
        default=default_data,
        help="SQLite file with the sandbox's state (default var/sandbox.sqlite3).",
    )
    add(
        "--reset",
        action="store_true",
        help="Delete the state file first and seed a fresh one.",
    )
    add(
        "--seed",
        type=int,
        default=defaults.seed,
        help="Random seed of the generated stores.",
    )
    add(
        "--sellers",
        type=int,
        default=defaults.sellers,
        help="Number of sandbox sellers to create.",
    )
    add(
        "--listings-per-seller",
        type=int,
        default=None,
        help="Generated listings per seller (default 40, or 0 with --seed-file).",
    )
    add(
        "--seed-file",
        type=Path,
        default=None,
        help="CSV or JSONL file of real listings to load into the stores.",
    )
    add(
        "--tokens-file",
        type=Path,
        default=None,
        help="Write {seller username: personal token} as JSON to this file.",
    )
    add("--client-id", default=defaults.client_id, help="OAuth client id.")
    add(
        "--client-secret",
        default=defaults.client_secret,
        help="OAuth client secret.",
    )
    add(
        "--redirect-uri",
        action="append",
        default=[],
        dest="redirect_uris",
        help="OAuth redirect URI, repeatable (default: any on loopback).",
    )
    add(
        "--access-token-ttl",
        type=float,
        default=defaults.access_token_ttl,
        help="Lifetime of OAuth access tokens, seconds.",
    )
    add(
        "--refresh-token-ttl",
        type=float,
        default=defaults.refresh_token_ttl,
        help="Lifetime of refresh tokens, seconds (default one year).",
    )
    add(
        "--code-ttl",
        type=float,
        default=defaults.code_ttl,
        help="Lifetime of authorization codes, seconds.",
    )
    add("--webhook-url", default="", help="URL that receives the webhooks.")
    add(
        "--webhook-secret",
        default=defaults.webhook_secret,
        help="Key of the webhooks' HMAC-SHA256 signature.",
    )
    add(
        "--webhook-customer-data",
        action="store_true",
        help="Include shipping addresses and tracking in order webhooks.",
    )
    add(
        "--webhook-retry-base",
        type=float,
        default=defaults.webhook_retry_base,
        help="Delay of the first webhook retry, seconds; each later wait triples.",
    )
    add(
        "--webhook-timeout",
        type=float,
        default=defaults.webhook_timeout,
        help="Timeout of one webhook delivery, seconds.",
    )
    add(
        "--simulate-interval",
        type=float,
        default=defaults.simulate_interval,
        help="Seconds between market ticks (sales and edits); 0 turns it off.",
    )
    add(
        "--rate-limit",
        type=float,
        default=defaults.rate_limit,
        help="GraphQL requests per second per token; 0 turns the limit off.",
    )
    add(
        "--bulk-result-ttl",
        type=float,
        default=defaults.bulk_result_ttl,
        help="Seconds a bulk result URL stays valid.",
    )
    add(
        "--bulk-min-seconds",
        type=float,
        default=defaults.bulk_min_seconds,
        help="Minimum time a bulk operation stays IN_PROGRESS, seconds.",
    )
    add(
        "--fault-seed",
        type=int,
        default=defaults.fault_seed,
        help="Seed of the fault draws, for repeatable runs.",
    )
    for definition in fields(FaultSettings):
        if definition.name == "fail_next":
            continue
        kind = str if definition.type in ("str", str) else float
        add(
            fault_flag(definition.name),
            dest=f"fault_{definition.name}",
            type=kind,
            default=definition.default,
            help=definition.metadata["help"] + ".",
        )


def config_from(options: dict) -> SandboxConfig:
    """Check the parsed options and build the run's settings.

    Raises ValueError with a message that names the bad option.
    """
    faults = FaultSettings(
        **{
            definition.name: options[f"fault_{definition.name}"]
            for definition in fields(FaultSettings)
            if definition.name != "fail_next"
        }
    )
    try:
        check_settings(faults)
    except InvalidFault as exc:
        raise ValueError(str(exc)) from exc
    if options["sellers"] < 1:
        raise ValueError("--sellers must be 1 or more.")
    if options["seed_file"] and not options["seed_file"].exists():
        raise ValueError(f"--seed-file {options['seed_file']} does not exist.")
    return SandboxConfig(
        host=options["host"],
        port=options["port"],
        data_path=options["data"],
        reset=options["reset"],
        seed=options["seed"],
        sellers=options["sellers"],
        listings_per_seller=options["listings_per_seller"],
        seed_file=options["seed_file"],
        tokens_file=options["tokens_file"],
        client_id=options["client_id"],
        client_secret=options["client_secret"],
        redirect_uris=options["redirect_uris"],
        access_token_ttl=options["access_token_ttl"],
        refresh_token_ttl=options["refresh_token_ttl"],
        code_ttl=options["code_ttl"],
        webhook_url=options["webhook_url"],
        webhook_secret=options["webhook_secret"],
        webhook_customer_data=options["webhook_customer_data"],
        webhook_retry_base=options["webhook_retry_base"],
        webhook_timeout=options["webhook_timeout"],
        simulate_interval=options["simulate_interval"],
        rate_limit=options["rate_limit"],
        bulk_result_ttl=options["bulk_result_ttl"],
        bulk_min_seconds=options["bulk_min_seconds"],
        fault_seed=options["fault_seed"],
        faults=faults,
    )
