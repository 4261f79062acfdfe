"""Tokens at rest: the stored column is ciphertext, it cannot be read without
a key, and rotate_token_keys moves every row to the newest key."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection as db_connection

from accounts.crypto import DecryptionError
from accounts.models import WhatnotConnection
from tests.factories import WhatnotConnectionFactory

OLD_KEY = "dGVzdC1rZXktZm9yLXRoZS1zZWx2ZWRnZS1zdWl0ZSE="
NEW_KEY = Fernet.generate_key().decode()
UNRELATED_KEY = Fernet.generate_key().decode()
ACCESS_TOKEN = "wn_access_tk_test_Pz7Yq1Rk5Hs3Dm9Xc2Vw"
REFRESH_TOKEN = "wn_refresh_tk_test_Bn4Tg8Lw2Jf6Qa0Ue5Ko"


def raw_tokens(pk: int) -> tuple[str, str]:
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM accounts_whatnotconnection "
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


@pytest.fixture
def stored(db, settings):
    settings.TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    return WhatnotConnectionFactory(
        access_token=ACCESS_TOKEN, refresh_token=REFRESH_TOKEN
    )


def test_raw_column_is_ciphertext(stored):
    raw_access, raw_refresh = raw_tokens(stored.pk)

    assert ACCESS_TOKEN not in raw_access
    assert REFRESH_TOKEN not in raw_refresh
    assert Fernet(OLD_KEY).decrypt(raw_access.encode()).decode() == ACCESS_TOKEN
    assert WhatnotConnection.objects.get(pk=stored.pk).access_token == ACCESS_TOKEN


def test_same_token_encrypts_differently(stored):
    other = WhatnotConnectionFactory(access_token=ACCESS_TOKEN)

    assert raw_tokens(stored.pk)[0] != raw_tokens(other.pk)[0]


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_database_file_holds_no_token(settings):
    connection = WhatnotConnectionFactory(
        whatnot_username="plaintext_marker_username",
        access_token=ACCESS_TOKEN,
        refresh_token=REFRESH_TOKEN,
    )
    path = Path(db_connection.settings_dict["NAME"])
    files = [str(file) for file in (path, Path(f"{path}-wal")) if file.exists()]

    # Another process reads the files: closing a descriptor of the database
    # file in this process would drop SQLite's POSIX locks on it.
    contents = subprocess.run(
        ["cat", *files], capture_output=True, check=True, timeout=60
    ).stdout

    assert connection.pk
    assert b"plaintext_marker_username" in contents
    assert ACCESS_TOKEN.encode() not in contents
    assert REFRESH_TOKEN.encode() not in contents


def test_unreadable_without_key(stored, settings):
    settings.TOKEN_ENCRYPTION_KEYS = [UNRELATED_KEY]

    with pytest.raises(DecryptionError, match="TOKEN_ENCRYPTION_KEYS"):
        WhatnotConnection.objects.get(pk=stored.pk)


def test_rotation_moves_rows_to_new_key(stored, settings, capsys):
    before = raw_tokens(stored.pk)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    call_command("rotate_token_keys")

    after = raw_tokens(stored.pk)
    assert after != before
    assert Fernet(NEW_KEY).decrypt(after[0].encode()).decode() == ACCESS_TOKEN
    assert Fernet(NEW_KEY).decrypt(after[1].encode()).decode() == REFRESH_TOKEN
    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY]
    reloaded = WhatnotConnection.objects.get(pk=stored.pk)
    assert reloaded.access_token == ACCESS_TOKEN
    assert reloaded.refresh_token == REFRESH_TOKEN
    assert "re-encrypted 1 connections" in capsys.readouterr().out


def test_rotation_dry_run_writes_nothing(stored, settings, capsys):
    before = raw_tokens(stored.pk)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    call_command("rotate_token_keys", "--dry-run")

    assert raw_tokens(stored.pk) == before
    assert "would re-encrypt 1 connections" in capsys.readouterr().out


def test_rotation_names_undecryptable_rows(stored, settings):
    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(CommandError, match=rf"ids: {stored.pk}\)"):
        call_command("rotate_token_keys")


def test_empty_tokens_stay_empty(db):
    connection = WhatnotConnectionFactory(access_token="", refresh_token="")

    assert raw_tokens(connection.pk) == ("", "")
    assert WhatnotConnection.objects.get(pk=connection.pk).refresh_token == ""
