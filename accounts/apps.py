from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_role_groups(sender, using="default", **kwargs):
    """Create the role groups once every app's permissions exist.

    post_migrate reaches accounts before the apps listed after it, whose
    permissions Django has not created yet, so they are created here first.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .roles import ensure_role_groups

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_role_groups()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        post_migrate.connect(_create_role_groups, sender=self)
        from . import signals  # noqa: F401
