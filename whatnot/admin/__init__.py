"""whatnot's admin, one module per concern; importing a module registers it."""

from . import bulk, inventory, sync, webhooks  # noqa: F401
