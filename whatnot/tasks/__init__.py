"""Celery tasks of the whatnot app, one module per concern. Importing the package
registers every task, which is what Celery's autodiscovery does."""

from . import bulk, push, sync, webhooks  # noqa: F401
