from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _roles_sync_after_migrate(sender, using, apps=global_apps, **kwargs):  # flush sends no apps
    from accounts.roles import roles_sync

    roles_sync(apps=apps, using=using)


class AccountsConfig(AppConfig):
    default = True  # this module also holds AxesConfig
    name = "accounts"
    verbose_name = _("Two-step login")

    def ready(self):
        from accounts import (
            audit_details,  # noqa: F401 - registers the audit log's words for sign-ins with the municipality's account
            mails,  # noqa: F401 - registers the mail context builder (enrolment links, password resets)
            receivers,
        )

        # Once per migrate (after auth's post_migrate, so the permissions exist): the role groups
        # get a permission added to accounts/roles.py on the next migrate.
        post_migrate.connect(
            _roles_sync_after_migrate, sender=self.apps.get_app_config("auth"), dispatch_uid="accounts.roles_sync"
        )
        receivers.connect()


class AxesConfig(AxesAppConfig):
    """django-axes (the login lockout) under a Dutch name in the admin; its model names are
    translated in our catalogue (core/third_party_names.py)."""

    verbose_name = _("Login lockout")
