"""Celery tasks of the research app, one module per concern. Importing the package
registers every task, which is what Celery's autodiscovery does."""

from . import imports, insights, summaries  # noqa: F401
