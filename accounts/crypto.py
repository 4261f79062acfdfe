"""Encryption of secrets at rest with MultiFernet.

Keys come from settings.TOKEN_ENCRYPTION_KEYS (the environment), newest first:
values are encrypted with the first key and decrypted with any of them, so a key
can rotate by putting the new one in front and running ``rotate_token_keys``.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS is empty: set it to one or more Fernet keys "
            "(python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')."
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS holds a value that is not a 32-byte url-safe "
            "base64 Fernet key."
        ) from exc


def get_fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return get_fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return get_fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError(
            "stored secret does not decrypt with any TOKEN_ENCRYPTION_KEYS key"
        ) from exc


def rotate(ciphertext: str) -> str:
    """Re-encrypt a value with the newest key."""
    return get_fernet().rotate(ciphertext.encode()).decode()
