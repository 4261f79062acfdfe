"""Drive the Whatnot OAuth round trip with Django's test client."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import requests
from django.urls import reverse


def start_oauth(client, process: str = "connect", next_url: str = "/settings/"):
    """POST to the provider's login view; return the authorize URL's query."""
    response = client.post(
        reverse("whatnot_login") + f"?process={process}&next={next_url}"
    )
    assert response.status_code == 302, response.content
    location = response["Location"]
    return location, {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


def consent(authorize_url: str) -> str:
    """Open the authorize URL on the fake Whatnot and return the callback
    path and query that the browser would be sent to."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    callback = urlparse(response.headers["Location"])
    return f"{callback.path}?{callback.query}"


def connect(client, fake):
    """Run the whole connect flow and return the callback's response."""
    authorize_url, _ = start_oauth(client)
    return client.get(consent(authorize_url))
