#!/usr/bin/env python3
"""Django's command-line utility for selvedge.

Run with any Python 3.11+: when the project's virtual environment (.venv) is
missing or older than requirements.lock, this script creates or updates it and then
re-runs itself inside it, so ``python3 manage.py demo`` works on a fresh clone.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".selvedge-installed"
INPUTS = ("requirements.lock", "pyproject.toml")


def wanted_stamp() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_virtualenv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - runs before the venv exists
        sys.exit(
            f"selvedge needs Python 3.11 or newer; this is {sys.version.split()[0]}"
        )
    if os.environ.get("SELVEDGE_NO_BOOTSTRAP"):
        return
    stamp = wanted_stamp()
    if not VENV_PYTHON.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not STAMP.exists() or STAMP.read_text() != stamp:
        print("Installing selvedge's dependencies into .venv ...", flush=True)
        subprocess.check_call(
            [
                str(VENV_PYTHON),
                "-m",
                "pip",
                "install",
                "--quiet",
                "-c",
                str(ROOT / "requirements.lock"),
                "-e",
                f"{ROOT}[dev]",
            ]
        )
        STAMP.write_text(stamp)
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])


def main() -> None:
    ensure_virtualenv()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
