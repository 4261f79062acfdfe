"""Settings shared by every profile, read from the environment.

Each variable is documented in the README with its default. Production secrets have
no default there; see ``config.settings.production``.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SELVEDGE_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "config",
    "accounts",
    "accounts.providers.whatnot",
    "whatnot",
    "research",
]

MIDDLEWARE = [
    # First, so that webhook deliveries skip the middleware below; see its
    # docstring for why none of it applies to them.
    "whatnot.webhooks.middleware.WebhookFastPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# Database. SQLite by default; PostgreSQL (or anything django-environ parses) through
# DATABASE_URL.
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'selvedge.sqlite3'}"
    )
}


def tune_sqlite(database: dict) -> dict:
    """Let the web process and several workers write to one SQLite file.

    WAL lets readers run beside one writer, IMMEDIATE takes the write lock when a
    transaction starts (so a reader never has to upgrade and fail), and the timeout
    makes a second writer wait for the lock instead of raising "database is locked".
    """
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return database
    options = database.setdefault("OPTIONS", {})
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("timeout", 30)
    options.setdefault(
        "init_command",
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
        "PRAGMA busy_timeout=30000;PRAGMA foreign_keys=ON;",
    )
    # Keep connections open between requests. A new connection runs the PRAGMAs
    # above. And when the last connection to a WAL database closes, SQLite
    # checkpoints the WAL and deletes it, which a server with one busy process
    # would otherwise pay on every request.
    database.setdefault("CONN_MAX_AGE", 600)
    return database


tune_sqlite(DATABASES["default"])
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest listings file the import page accepts, in bytes.
RESEARCH_IMPORT_MAX_UPLOAD_BYTES = env.int(
    "RESEARCH_IMPORT_MAX_UPLOAD_BYTES", default=512 * 1024 * 1024
)
# Worker processes that parse, map and extract while an import writes. Unset
# means one per core, and 0 keeps that work in the importing process.
RESEARCH_INGEST_PROCESSES = env.int("RESEARCH_INGEST_PROCESSES", default=None)
# Files smaller than this are ingested without worker processes.
RESEARCH_INGEST_PARALLEL_MIN_BYTES = env.int(
    "RESEARCH_INGEST_PARALLEL_MIN_BYTES", default=8 * 1024 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Cache: Redis when REDIS_URL is set, otherwise files under var/ so that the web
# process and the workers on one machine see the same keys.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# allauth
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# Tokens live encrypted on accounts.WhatnotConnection, never in allauth's
# plain-text SocialToken table.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# Whatnot Seller API
WHATNOT_BASE_URL = env("WHATNOT_BASE_URL", default="http://127.0.0.1:8765")
WHATNOT_CLIENT_ID = env("WHATNOT_CLIENT_ID", default="selvedge-local")
WHATNOT_CLIENT_SECRET = env("WHATNOT_CLIENT_SECRET", default="")
WHATNOT_WEBHOOK_SECRET = env("WHATNOT_WEBHOOK_SECRET", default="")
WHATNOT_SCOPES = env(
    "WHATNOT_SCOPES", default="read:inventory write:inventory read:orders"
)
WHATNOT_REQUESTS_PER_SECOND = env.int("WHATNOT_REQUESTS_PER_SECOND", default=10)
WHATNOT_CONNECT_TIMEOUT = env.float("WHATNOT_CONNECT_TIMEOUT", default=5.0)
WHATNOT_READ_TIMEOUT = env.float("WHATNOT_READ_TIMEOUT", default=30.0)
WHATNOT_WEBHOOK_MAX_BYTES = env.int("WHATNOT_WEBHOOK_MAX_BYTES", default=256 * 1024)
# Attempts of one Seller API call across 429, 5xx and timeout failures.
WHATNOT_RETRY_ATTEMPTS = env.int("WHATNOT_RETRY_ATTEMPTS", default=6)
WHATNOT_PAGE_SIZE = env.int("WHATNOT_PAGE_SIZE", default=100)
# A sync worker keeps its run claimed this long past its last stored page. When
# the worker dies, another worker resumes the run once the lease lapses.
WHATNOT_SYNC_LEASE_SECONDS = env.int("WHATNOT_SYNC_LEASE_SECONDS", default=300)
# A sync task stops after this long and enqueues its continuation, well inside
# the Celery time limits.
WHATNOT_SYNC_TASK_BUDGET_SECONDS = env.int(
    "WHATNOT_SYNC_TASK_BUDGET_SECONDS", default=300
)
# An incremental sync requests changes since the previous run started, less
# this margin for clock skew between selvedge and Whatnot.
WHATNOT_SYNC_OVERLAP_SECONDS = env.int("WHATNOT_SYNC_OVERLAP_SECONDS", default=60)
# Seconds a received webhook event may wait for a worker before the requeue
# sweep queues it again.
WHATNOT_WEBHOOK_REQUEUE_AFTER = env.int("WHATNOT_WEBHOOK_REQUEUE_AFTER", default=120)
# Bulk exports: the first poll comes WHATNOT_BULK_POLL_SECONDS after the start
# and each later one waits twice as long, up to WHATNOT_BULK_POLL_MAX_SECONDS.
# An export still running after WHATNOT_BULK_MAX_WAIT_SECONDS is given up.
WHATNOT_BULK_POLL_SECONDS = env.float("WHATNOT_BULK_POLL_SECONDS", default=5.0)
WHATNOT_BULK_POLL_MAX_SECONDS = env.float(
    "WHATNOT_BULK_POLL_MAX_SECONDS", default=300.0
)
WHATNOT_BULK_MAX_WAIT_SECONDS = env.int(
    "WHATNOT_BULK_MAX_WAIT_SECONDS", default=6 * 3600
)
WHATNOT_BULK_DOWNLOAD_ATTEMPTS = env.int("WHATNOT_BULK_DOWNLOAD_ATTEMPTS", default=5)
# Folder for result files between download and ingestion. Each file is deleted
# after it is ingested.
WHATNOT_BULK_DOWNLOAD_DIR = env(
    "WHATNOT_BULK_DOWNLOAD_DIR", default=str(VAR_DIR / "bulk-downloads")
)

SOCIALACCOUNT_PROVIDERS = {
    "whatnot": {
        "APP": {
            "client_id": WHATNOT_CLIENT_ID,
            "secret": WHATNOT_CLIENT_SECRET,
        },
        # Scopes and endpoint URLs come from WHATNOT_SCOPES and WHATNOT_BASE_URL,
        # read by accounts.providers.whatnot on each request.
    }
}

# Fernet keys for tokens at rest, comma-separated, newest first. MultiFernet encrypts
# with the first key and decrypts with any, so keys can rotate.
TOKEN_ENCRYPTION_KEYS = env.list("TOKEN_ENCRYPTION_KEYS", default=[])

# OpenAI-compatible summaries
OPENAI_API_KEY = env("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env("OPENAI_BASE_URL", default="")
OPENAI_MODEL = env("OPENAI_MODEL", default="gpt-5")
OPENAI_TIMEOUT = env.float("OPENAI_TIMEOUT", default=60.0)
# Upper bound on the estimated prompt size; the stats bundle is trimmed to fit.
OPENAI_PROMPT_TOKEN_LIMIT = env.int("OPENAI_PROMPT_TOKEN_LIMIT", default=8000)
OPENAI_RATE_LIMIT_RETRIES = env.int("OPENAI_RATE_LIMIT_RETRIES", default=5)
OPENAI_TIMEOUT_RETRIES = env.int("OPENAI_TIMEOUT_RETRIES", default=2)
OPENAI_RETRY_BACKOFF = env.float("OPENAI_RETRY_BACKOFF", default=10.0)

# Celery. CELERY_BROKER_URL selects Redis (or another kombu transport); without it,
# kombu's SQLAlchemy transport keeps the queue in a SQLite file, so a real worker
# process consumes real messages with no server to run.
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=660)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [
    Queue(name) for name in ("default", "sync", "webhooks", "exports", "insights")
]
# Tasks live in per-concern modules (whatnot/tasks/sync.py, ...); a module's tasks
# go to its queue.
CELERY_TASK_ROUTES = {
    "accounts.tasks.*": {"queue": "sync"},
    "whatnot.tasks.sync.*": {"queue": "sync"},
    "whatnot.tasks.push.*": {"queue": "sync"},
    "whatnot.tasks.webhooks.*": {"queue": "webhooks"},
    "whatnot.tasks.bulk.*": {"queue": "exports"},
    "research.tasks.imports.*": {"queue": "exports"},
    "research.tasks.insights.*": {"queue": "insights"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "record-worker-heartbeat": {
        "task": "config.tasks.record_worker_heartbeat_task",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "sync-all-sellers": {
        "task": "whatnot.tasks.sync.sync_all_sellers_task",
        "schedule": 15 * 60.0,
        "options": {"expires": 10 * 60},
    },
    "nightly-bulk-exports": {
        "task": "whatnot.tasks.bulk.start_nightly_bulk_exports_task",
        "schedule": crontab(hour=2, minute=15),
        "options": {"expires": 2 * 60 * 60},
    },
    "reconcile-all-sellers": {
        "task": "whatnot.tasks.sync.reconcile_all_sellers_task",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 2 * 60 * 60},
    },
    "refresh-expiring-whatnot-tokens": {
        "task": "accounts.tasks.refresh_expiring_tokens_task",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
    "summarize-tracked-cohorts": {
        "task": "research.tasks.insights.summarize_tracked_cohorts_task",
        "schedule": crontab(day_of_week="mon", hour=6, minute=0),
        "options": {"expires": 6 * 60 * 60},
    },
    "reextract-outdated-attributes": {
        "task": "research.tasks.imports.reextract_outdated_attributes_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "requeue-overdue-webhook-events": {
        "task": "whatnot.tasks.webhooks.requeue_overdue_webhook_events_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

REST_FRAMEWORK = {
    # Token first, so that a request without credentials gets 401 with a
    # WWW-Authenticate header rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": "600/min",
        "anon": "60/min",
        # Starting a sync queues work against Whatnot's rate limit.
        "sync_start": "30/hour",
    },
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "selvedge API",
    "DESCRIPTION": "Seller-scoped Whatnot inventory, sync runs, sales and comps.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Requests get components of their own: a listing request must carry a
    # category and a positive price that a response may lack.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Error reports (AdminEmailHandler mails, and any handler that uses
# ExceptionReporter) hide frame variables named like credentials and mask
# token-shaped values.
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.logging.SecretSafeExceptionReporterFilter"

LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.logging.RedactSecretsFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s %(processName)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "gql": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}
