"""Production settings without the webhook fast path, so that
bench/webhook_load.py can show what the rest of the middleware costs."""

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

MIDDLEWARE = [
    name
    for name in MIDDLEWARE
    if name != "whatnot.webhooks.middleware.WebhookFastPathMiddleware"
]
