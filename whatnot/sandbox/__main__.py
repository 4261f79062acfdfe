"""Run the sandbox without Django: python -m whatnot.sandbox --port 8765 ...

It takes the options of manage.py whatnot_sandbox and starts faster, because it
does not load selvedge's settings and apps.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from . import cli
from .seed_files import SeedFileError
from .startup import run


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m whatnot.sandbox", description=__doc__.splitlines()[0]
    )
    cli.add_arguments(parser, default_data=Path("var") / "sandbox.sqlite3")
    parser.add_argument(
        "--verbosity",
        type=int,
        default=1,
        choices=[0, 1, 2, 3],
        help="0 logs warnings only; 1 and more log each request.",
    )
    options = vars(parser.parse_args())
    logging.basicConfig(
        level=logging.INFO if options["verbosity"] >= 1 else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    try:
        config = cli.config_from(options)
        run(config)
    except (ValueError, SeedFileError, OSError) as exc:
        parser.exit(2, f"error: {exc}\n")


if __name__ == "__main__":
    main()
