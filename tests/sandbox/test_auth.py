"""Bearer tokens, scopes and the OAuth authorization-code flow."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

ME = "query { me { id username } }"
LISTINGS = "query { listings(first: 1) { edges { node { id } } } }"
ORDERS = "query { orders(first: 1) { edges { node { id shippingAddress { city } } } } }"
PUBLISH = """
mutation Publish($id: ID!) {
  listingPublish(input: {id: $id}) { listing { id } userErrors { field message } }
}
"""
REDIRECT_URI = "http://127.0.0.1:8000/accounts/whatnot/login/callback/"
CLIENT = {"client_id": "selvedge-local", "client_secret": "sandbox-client-secret"}


def authorize(server, decision="approve", seller=None, **overrides):
    """Load the approval page, then submit it; return the redirect response."""
    params = {
        "client_id": "selvedge-local",
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "read:inventory write:inventory read:orders",
        "state": "state-123",
        **overrides,
    }
    page = requests.get(server.authorize_url, params=params, timeout=10)
    assert page.status_code == 200, page.text
    assert 'name="decision"' in page.text
    form = {**params, "decision": decision, "seller": seller or server.sellers[0]}
    return requests.post(
        server.authorize_url, data=form, allow_redirects=False, timeout=10
    )


def redirect_params(response) -> dict:
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    return {
        key: values[0] for key, values in parse_qs(urlsplit(location).query).items()
    }


def exchange(server, authorization_code, **overrides):
    form = {
        **CLIENT,
        "grant_type": "authorization_code",
        "code": authorization_code,
        "redirect_uri": REDIRECT_URI,
        **overrides,
    }
    return requests.post(server.token_url, data=form, timeout=10)


def refresh(server, refresh_token, **overrides):
    form = {
        **CLIENT,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        **overrides,
    }
    return requests.post(server.token_url, data=form, timeout=10)


def test_missing_token_is_401(sandbox):
    response = requests.post(sandbox.graphql_url, json={"query": ME}, timeout=10)

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["wn_access_tk_test_unknown", "garbage"])
def test_unknown_token_is_401(sandbox, token):
    response = sandbox.graphql(ME, token=token)

    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The access token is unknown."


def test_expired_and_revoked_tokens_are_401(sandbox):
    first, second = sandbox.sellers
    sandbox.expire_token(sandbox.token(first))
    sandbox.revoke_token(sandbox.token(second))

    expired = sandbox.graphql(ME, seller=first)
    revoked = sandbox.graphql(ME, seller=second)

    assert expired.status_code == 401
    assert "expired" in expired.json()["errors"][0]["message"]
    assert revoked.status_code == 401
    assert "revoked" in revoked.json()["errors"][0]["message"]


def test_me_is_the_token_owner(sandbox):
    for seller in sandbox.sellers:
        me = sandbox.graphql(ME, seller=seller).json()["data"]["me"]

        assert me["username"] == seller


def test_missing_read_scope_is_403(sandbox):
    tokens = sandbox.issue_oauth_tokens(sandbox.sellers[0], scope="read:orders")

    response = sandbox.graphql(LISTINGS, token=tokens["access_token"])

    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["extensions"] == {
        "code": "FORBIDDEN",
        "requiredScopes": ["read:inventory"],
    }
    assert sandbox.graphql(ORDERS, token=tokens["access_token"]).status_code == 200


def test_missing_write_scope_is_403(sandbox):
    tokens = sandbox.issue_oauth_tokens(sandbox.sellers[0], scope="read:inventory")
    listing_id = sandbox.store()["listings"][0]["id"]

    response = sandbox.graphql(
        PUBLISH, {"id": listing_id}, token=tokens["access_token"]
    )

    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["requiredScopes"] == [
        "write:inventory"
    ]


def test_customer_data_needs_its_scope(sandbox):
    without = sandbox.issue_oauth_tokens(sandbox.sellers[0], scope="read:orders")
    with_scope = sandbox.issue_oauth_tokens(
        sandbox.sellers[0], scope="read:orders read:customers"
    )

    hidden = sandbox.graphql(ORDERS, token=without["access_token"]).json()
    shown = sandbox.graphql(ORDERS, token=with_scope["access_token"]).json()

    assert hidden["data"]["orders"]["edges"][0]["node"]["shippingAddress"] is None
    assert shown["data"]["orders"]["edges"][0]["node"]["shippingAddress"]["city"]


def test_code_flow_issues_rotating_tokens(sandbox):
    params = redirect_params(authorize(sandbox))
    assert params["state"] == "state-123"

    issued = exchange(sandbox, params["code"])

    assert issued.status_code == 200
    body = issued.json()
    assert body["access_token"].startswith("wn_access_tk_test_")
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "read:inventory write:inventory read:orders"
    assert issued.headers["Cache-Control"] == "no-store"
    me = sandbox.graphql(ME, token=body["access_token"]).json()["data"]["me"]
    assert me["username"] == sandbox.sellers[0]

    rotated = refresh(sandbox, body["refresh_token"])

    assert rotated.status_code == 200
    assert rotated.json()["refresh_token"] != body["refresh_token"]
    assert sandbox.graphql(ME, token=rotated.json()["access_token"]).status_code == 200


def test_reused_refresh_token_is_invalid_grant(sandbox):
    body = exchange(sandbox, redirect_params(authorize(sandbox))["code"]).json()
    assert refresh(sandbox, body["refresh_token"]).status_code == 200

    reused = refresh(sandbox, body["refresh_token"])

    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert "single-use" in reused.json()["error_description"]


def test_reused_code_is_invalid_grant(sandbox):
    code = redirect_params(authorize(sandbox))["code"]
    assert exchange(sandbox, code).status_code == 200

    again = exchange(sandbox, code)

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "overrides",
    [{"code": "wn_code_test_unknown"}, {"redirect_uri": "http://127.0.0.1:9/other"}],
    ids=["unknown-code", "other-redirect-uri"],
)
def test_bad_code_exchange_is_invalid_grant(sandbox, overrides):
    code = redirect_params(authorize(sandbox))["code"]

    response = exchange(sandbox, code, **overrides)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_expired_code_is_invalid_grant(sandbox_factory):
    server = sandbox_factory(extra_args=["--code-ttl", "0.5"])
    code = redirect_params(authorize(server))["code"]
    time.sleep(0.8)

    response = exchange(server, code)

    assert response.status_code == 400
    assert "expired" in response.json()["error_description"]


def test_bad_client_secret_is_invalid_client(sandbox):
    code = redirect_params(authorize(sandbox))["code"]

    response = exchange(sandbox, code, client_secret="wrong")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    # The code stays usable after a rejected client.
    assert exchange(sandbox, code).status_code == 200


def test_client_credentials_in_basic_auth(sandbox):
    code = redirect_params(authorize(sandbox))["code"]

    response = requests.post(
        sandbox.token_url,
        data={"grant_type": "authorization_code", "code": code},
        auth=("selvedge-local", "sandbox-client-secret"),
        timeout=10,
    )

    assert response.status_code == 200


def test_json_token_request_is_invalid_request(sandbox):
    response = requests.post(
        sandbox.token_url, json={**CLIENT, "grant_type": "refresh_token"}, timeout=10
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_unsupported_grant_type(sandbox):
    response = requests.post(
        sandbox.token_url, data={**CLIENT, "grant_type": "password"}, timeout=10
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_deny_redirects_with_access_denied(sandbox):
    params = redirect_params(authorize(sandbox, decision="deny"))

    assert params == {"error": "access_denied", "state": "state-123"}


def test_unknown_scope_redirects_with_invalid_scope(sandbox):
    response = requests.get(
        sandbox.authorize_url,
        params={
            "client_id": "selvedge-local",
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": "read:everything",
            "state": "s",
        },
        allow_redirects=False,
        timeout=10,
    )

    assert redirect_params(response)["error"] == "invalid_scope"


@pytest.mark.parametrize(
    ("client_id", "redirect_uri"),
    [("someone-else", REDIRECT_URI), ("selvedge-local", "https://evil.example/cb")],
    ids=["unknown-client", "foreign-redirect"],
)
def test_bad_client_or_redirect_gets_error_page(sandbox, client_id, redirect_uri):
    response = requests.get(
        sandbox.authorize_url,
        params={
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
        },
        allow_redirects=False,
        timeout=10,
    )

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Authorization failed" in response.text


def test_new_username_creates_an_empty_store(sandbox):
    response = authorize(sandbox, seller="", username="fresh_denim_seller")
    body = exchange(sandbox, redirect_params(response)["code"]).json()

    listings = sandbox.graphql(LISTINGS, token=body["access_token"]).json()

    assert listings["data"]["listings"]["edges"] == []
    assert "fresh_denim_seller" in [
        s["username"] for s in sandbox.admin("GET", "sellers")
    ]


def test_revoked_refresh_tokens_are_invalid_grant(sandbox):
    body = exchange(sandbox, redirect_params(authorize(sandbox))["code"]).json()
    assert sandbox.revoke_refresh_tokens(sandbox.sellers[0]) >= 1

    response = refresh(sandbox, body["refresh_token"])

    assert response.status_code == 400
    assert "revoked" in response.json()["error_description"]


def test_access_token_expires_after_its_lifetime(sandbox_factory):
    server = sandbox_factory(extra_args=["--access-token-ttl", "1"])
    body = server.issue_oauth_tokens(server.sellers[0])
    assert server.graphql(ME, token=body["access_token"]).status_code == 200
    time.sleep(1.2)

    expired = server.graphql(ME, token=body["access_token"])
    renewed = refresh(server, body["refresh_token"])

    assert expired.status_code == 401
    assert renewed.status_code == 200
    assert server.graphql(ME, token=renewed.json()["access_token"]).status_code == 200


def test_admin_expiry_of_access_tokens(sandbox):
    body = sandbox.issue_oauth_tokens(sandbox.sellers[0])

    assert sandbox.expire_access_tokens(sandbox.sellers[0]) == 1

    assert sandbox.graphql(ME, token=body["access_token"]).status_code == 401
    # Personal tokens are not access tokens from OAuth and keep working.
    assert sandbox.graphql(ME).status_code == 200
