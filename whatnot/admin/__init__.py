"""Django admin of the whatnot app, one module per concern."""

from . import webhooks  # noqa: F401
