"""Refresh one connection's token from a separate OS process.

Usage: python -m tests.accounts.refresh_in_process CONNECTION_ID STALE_TOKEN
START_AT. The process sets Django up, sleeps until START_AT (a Unix time) so
that several copies start together, refreshes, and prints the token it got
as JSON. Tests start it with tests.fixtures.processes.child_process_env().
"""

from __future__ import annotations

import json
import sys
import time

import django


def main() -> None:
    connection_id, stale_token, start_at = sys.argv[1:4]
    django.setup()
    from accounts.services.tokens import refresh_access_token

    time.sleep(max(0.0, float(start_at) - time.time()))
    token = refresh_access_token(int(connection_id), stale_token=stale_token)
    print(json.dumps({"token": token}))


if __name__ == "__main__":
    main()
