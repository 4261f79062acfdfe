"""whatnot's admin, one module per concern; importing a module registers it."""

from . import inventory, sync, webhooks  # noqa: F401
