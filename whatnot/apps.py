from django.apps import AppConfig


class WhatnotConfig(AppConfig):
    name = "whatnot"
    verbose_name = "Whatnot"

    def ready(self) -> None:
        from . import history  # noqa: F401  (connects the signal handlers)
