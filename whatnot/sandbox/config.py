"""Settings of one sandbox run, filled from the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .faults import FaultSettings


@dataclass
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    data_path: Path = Path("var/sandbox.sqlite3")
    reset: bool = False
    seed: int = 1
    sellers: int = 3
    listings_per_seller: int | None = None
    seed_file: Path | None = None
    tokens_file: Path | None = None
    client_id: str = "selvedge-local"
    client_secret: str = "sandbox-client-secret"
    # Redirect URIs the OAuth client registered; empty accepts any http URL on
    # 127.0.0.1 or localhost.
    redirect_uris: list[str] = field(default_factory=list)
    access_token_ttl: float = 3600.0
    refresh_token_ttl: float = 365 * 24 * 3600.0
    code_ttl: float = 600.0
    webhook_url: str = ""
    webhook_secret: str = "sandbox-webhook-secret"
    webhook_customer_data: bool = False
    # Retry n (1-5) of a failed webhook waits base * 3 ** (n - 1) seconds: about
    # ten minutes in all with the default base of 5 seconds.
    webhook_retry_base: float = 5.0
    webhook_timeout: float = 10.0
    simulate_interval: float = 0.0
    rate_limit: float = 10.0
    bulk_result_ttl: float = 3600.0
    bulk_min_seconds: float = 0.5
    fault_seed: int = 0
    faults: FaultSettings = field(default_factory=FaultSettings)

    @property
    def public_url(self) -> str:
        return f"http://{self.host}:{self.port}"
