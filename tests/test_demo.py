"""The README's first command: `manage.py demo` starts every process, connects
the demo seller to the sandbox on the ports it is given, and stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.fixtures.processes import free_port

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

WELCOME = "selvedge is running at"


def demo_environment(workdir: Path) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"WHATNOT_BASE_URL", "DATABASE_URL", "CELERY_BROKER_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        SELVEDGE_NO_BOOTSTRAP="1",
        DATABASE_URL=f"sqlite:///{workdir / 'demo.sqlite3'}",
        CELERY_BROKER_URL=f"sqla+sqlite:///{workdir / 'broker.sqlite3'}",
    )
    return environment


def test_demo_follows_sandbox_port(tmp_path):
    port, sandbox_port = free_port(), free_port()
    log_path = tmp_path / "demo.log"
    with log_path.open("w") as log:
        demo = subprocess.Popen(
            [
                sys.executable,
                str(Path(settings.BASE_DIR, "manage.py")),
                "demo",
                "--port",
                str(port),
                "--sandbox-port",
                str(sandbox_port),
            ],
            cwd=settings.BASE_DIR,
            env=demo_environment(tmp_path),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and demo.poll() is None:
                if WELCOME in log_path.read_text():
                    break
                time.sleep(1)
        finally:
            demo.send_signal(signal.SIGINT)
            demo.wait(timeout=60)

    output = log_path.read_text()
    assert WELCOME in output, output
    assert "demo-seller is connected to the sandbox store" in output, output
    assert f"Whatnot sandbox at http://127.0.0.1:{sandbox_port}" in output
    assert "WHATNOT_BASE_URL is" not in output
    assert "All processes stopped." in output, output
