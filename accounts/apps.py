from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_role_groups(sender, **kwargs):
    from .roles import ensure_role_groups

    ensure_role_groups()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Without a sender the handler runs after every app's migrations, so
        # the last run sees the permissions of apps listed after accounts.
        post_migrate.connect(
            _create_role_groups, dispatch_uid="accounts.create_role_groups"
        )
