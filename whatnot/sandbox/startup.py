"""Build a sandbox from its settings, seed it on first start and serve it."""

from __future__ import annotations

import logging

from . import seed, seed_files
from .config import SandboxConfig
from .runtime import Sandbox

logger = logging.getLogger(__name__)


def seed_store(sandbox: Sandbox) -> None:
    """Fill an empty store; a store that was seeded before is left as it is."""
    config = sandbox.config
    if sandbox.store.get_meta("seeded_at"):
        logger.info("Reusing the sandbox state in %s", config.data_path)
        return
    per_seller = config.listings_per_seller
    if per_seller is None:
        per_seller = 0 if config.seed_file else seed.DEFAULT_LISTINGS_PER_SELLER
    seller_ids = seed.generate(
        sandbox.store,
        sandbox.clock,
        seed=config.seed,
        sellers_count=config.sellers,
        listings_per_seller=per_seller,
    )
    if config.seed_file:
        report = seed_files.load(
            sandbox.store, sandbox.clock, config.seed_file, seller_ids, seed=config.seed
        )
        logger.info(
            "Loaded %d listings (%d sold) from %s; skipped %d rows",
            report.loaded,
            report.sold,
            config.seed_file,
            report.skipped,
        )
    sandbox.store.set_meta("seeded_at", sandbox.clock.now_text())
    logger.info(
        "Seeded %d sellers with %d generated listings each", len(seller_ids), per_seller
    )


def build(config: SandboxConfig) -> Sandbox:
    from .bulk import BulkRunner
    from .simulator import MarketSimulator

    sandbox = Sandbox(config)
    seed_store(sandbox)
    if config.tokens_file:
        seed.write_tokens_file(sandbox.store, config.tokens_file)
    sandbox.bulk = BulkRunner(sandbox)
    if config.simulate_interval > 0:
        sandbox.simulator = MarketSimulator(sandbox, config.simulate_interval)
    return sandbox


def run(config: SandboxConfig) -> None:
    from .server import serve

    serve(build(config))
