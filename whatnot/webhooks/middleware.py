"""Route webhook deliveries past the rest of the middleware stack."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from .views import receive_whatnot_webhook

WEBHOOK_URL_NAMES = ("whatnot:webhook", "whatnot:webhook-no-slash")


class WebhookFastPathMiddleware:
    """Hand requests for the webhook URLs straight to the webhook view.

    Listed first in MIDDLEWARE. None of the later middleware has work to do on
    a server-to-server POST that carries no cookies and renders no page:
    sessions, authentication, messages, CSRF (the view is exempt),
    clickjacking headers, htmx and allauth all stay idle. Skipping them and
    the URL resolver cut the server CPU time per delivery by a quarter to a
    third in bench/webhook_load.py (see docs/benchmarks.md). The paths come
    from whatnot.urls, so the URLconf stays the one place that names them.

    Two checks are skipped on this path as well. SecurityMiddleware's HTTPS
    redirect does not matter, because a redirected POST is a failed delivery
    anyway. The ALLOWED_HOSTS check guards URLs built from the Host header,
    and the webhook view builds none.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths: frozenset[str] | None = None

    def __call__(self, request):
        if self.paths is None:
            try:
                self.paths = frozenset(reverse(name) for name in WEBHOOK_URL_NAMES)
            except NoReverseMatch:
                # The URLconf does not route webhooks: nothing to shortcut.
                self.paths = frozenset()
        if request.path in self.paths:
            response = receive_whatnot_webhook(request)
            # CommonMiddleware would add it; without it gunicorn falls back to
            # chunked transfer encoding.
            response.headers.setdefault("Content-Length", str(len(response.content)))
            return response
        return self.get_response(request)
