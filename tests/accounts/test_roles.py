"""Staff role groups come from accounts/roles.py: the data migration makes them, every migrate
(post_migrate) and `roles_sync` set them to exactly the listed permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.roles import COORDINATOR, FACILITATOR, ROLES, roles_sync
from tests.municipalities.factories import UserFactory

pytestmark = pytest.mark.django_db


def granted(group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_every_listed_permission_exists():
    for name, permissions in ROLES.items():
        for permission in permissions:
            app_label, codename = permission.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), (
                f"{name}: {permission} does not exist"
            )


def test_groups_exist_after_migrations_with_exactly_their_permissions():
    for name, permissions in ROLES.items():
        assert granted(Group.objects.get(name=name)) == permissions


def test_roles_sync_is_idempotent():
    first = {name: group.pk for name, group in roles_sync().items()}
    second = {name: group.pk for name, group in roles_sync().items()}

    assert first == second
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)
    for name, permissions in ROLES.items():
        assert granted(Group.objects.get(name=name)) == permissions


def test_roles_sync_restores_a_removed_permission_and_drops_an_extra_one():
    coordinator = Group.objects.get(name=COORDINATOR)
    change_fund = Permission.objects.get(content_type__app_label="municipalities", codename="change_fund")
    coordinator.permissions.remove(change_fund)
    coordinator.permissions.add(Permission.objects.get(content_type__app_label="auth", codename="delete_user"))

    roles_sync()

    assert granted(coordinator) == ROLES[COORDINATOR]


def test_roles_sync_recreates_a_deleted_group():
    Group.objects.filter(name=FACILITATOR).delete()

    roles_sync()

    assert granted(Group.objects.get(name=FACILITATOR)) == ROLES[FACILITATOR]


def test_every_migrate_brings_the_groups_in_line():
    facilitator = Group.objects.get(name=FACILITATOR)
    facilitator.permissions.clear()

    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    assert granted(facilitator) == ROLES[FACILITATOR]


def test_roles_sync_works_with_the_historical_models_of_the_migration():
    Group.objects.filter(name__in=ROLES).delete()
    state = MigrationExecutor(connection).loader.project_state(("accounts", "0001_roles"))

    roles_sync(apps=state.apps)

    for name, permissions in ROLES.items():
        assert granted(Group.objects.get(name=name)) == permissions


def test_money_and_decisions_are_view_only_for_every_role():
    """Grants and decisions change through initiatives.services.funds only; the admin leaves
    editing them to a superuser."""
    for name, permissions in ROLES.items():
        for model in ("grant", "decision"):
            for action in ("add", "change", "delete"):
                assert f"initiatives.{action}_{model}" not in permissions, name
    assert {"initiatives.view_grant", "initiatives.view_decision"} <= ROLES[COORDINATOR]


@pytest.mark.django_db
def test_the_admin_index_names_every_app_and_model_in_dutch(client):
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    body = client.get("/admin/").content.decode()
    for english in ("Otp_", "TOTP device", "Static device", "Axes", "Access attempt", "Access log", "Access failure"):
        assert english not in body
    for dutch in ("Authenticator-apps", "Herstelcodes", "Inlogpogingen", "Blokkeren na mislukte inlogpogingen"):
        assert dutch in body
