from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Project-wide commands (demo, test) and platform tasks."""

    name = "config"
    verbose_name = "selvedge platform"
