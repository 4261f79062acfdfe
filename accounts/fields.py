from __future__ import annotations

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token and read back as plain text.

    Only equality on None or "" makes sense in queries: the ciphertext of the same
    value differs on every write.
    """

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)
