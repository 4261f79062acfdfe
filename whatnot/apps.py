from django.apps import AppConfig


class WhatnotConfig(AppConfig):
    name = "whatnot"
    verbose_name = "Whatnot"
