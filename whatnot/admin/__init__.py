"""whatnot's admin, one module per concern; importing a module registers it."""

from . import inventory, sync  # noqa: F401
