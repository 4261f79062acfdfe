from django.apps import AppConfig


class WhatnotProviderConfig(AppConfig):
    name = "accounts.providers.whatnot"
    label = "whatnot_provider"
    verbose_name = "Whatnot sign-in"
