"""Test profile: the suite runs on SQLite by default and on PostgreSQL when
DATABASE_URL points at it."""

from .local import *  # noqa: F403
from .local import DATABASES, VAR_DIR, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHATNOT_WEBHOOK_SECRET = env("WHATNOT_WEBHOOK_SECRET", default="test-webhook-secret")
TOKEN_ENCRYPTION_KEYS = ["dGVzdC1rZXktZm9yLXRoZS1zZWx2ZWRnZS1zdWl0ZSE="]
ACCOUNT_EMAIL_VERIFICATION = "optional"

# Tests that start worker processes need a file, not an in-memory database, so the
# test database lives under var/ next to the development one.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-selvedge.sqlite3")}

# Processes that tests start (workers, servers) set this to the test database's
# name so that they read and write what the test sees.
if env("SELVEDGE_TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["NAME"] = env("SELVEDGE_TEST_DATABASE_NAME")

# Uploads from tests land apart from the development media; worker processes
# that tests start read the same directory.
MEDIA_ROOT = VAR_DIR / "test-media"

CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'test-broker.sqlite3'}"
)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "test-cache"),
    }
}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
