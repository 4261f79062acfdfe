"""The HTTP layer under the client: gql's requests transport with timeouts and
typed errors for every HTTP status of 400 or more."""

from __future__ import annotations

from django.conf import settings
from gql import Client
from gql.transport.requests import RequestsHTTPTransport

from .documents import load_schema
from .errors import error_for_status

GRAPHQL_PATH = "/seller-api/graphql"


class SellerApiTransport(RequestsHTTPTransport):
    """gql's RequestsHTTPTransport that raises the error of ``errors`` for any
    status of 400 or more, before gql reads the body as a GraphQL result.

    NOTE: this overrides ``_prepare_result``, a private method of gql 4.x.
    """

    def _prepare_result(self, response):
        self.response_headers = response.headers
        if response.status_code >= 400:
            raise error_for_status(
                response.status_code, response.headers, response.text
            )
        return super()._prepare_result(response)


def graphql_url(base_url: str | None = None) -> str:
    return (base_url or settings.WHATNOT_BASE_URL).rstrip("/") + GRAPHQL_PATH


def build_gql_client(base_url: str | None = None) -> Client:
    """Return a gql Client that validates every document against the schema
    before sending it."""
    transport = SellerApiTransport(
        url=graphql_url(base_url),
        timeout=(settings.WHATNOT_CONNECT_TIMEOUT, settings.WHATNOT_READ_TIMEOUT),
        headers={"Accept": "application/json"},
    )
    return Client(schema=load_schema(), transport=transport)
