"""Development profile: the demo and a developer's laptop."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="insecure-local-only-key-never-use-in-production"
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"]
)
WHATNOT_WEBHOOK_SECRET = env("WHATNOT_WEBHOOK_SECRET", default="sandbox-webhook-secret")
WHATNOT_CLIENT_SECRET = env("WHATNOT_CLIENT_SECRET", default="sandbox-client-secret")
SOCIALACCOUNT_PROVIDERS["whatnot"]["APP"]["secret"] = WHATNOT_CLIENT_SECRET  # noqa: F405
# A fixed development key so the demo can read its own tokens after a restart.
TOKEN_ENCRYPTION_KEYS = env.list(
    "TOKEN_ENCRYPTION_KEYS", default=["c2VsdmVkZ2UtZGV2ZWxvcG1lbnQta2V5LW9ubHkhISE="]
)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
