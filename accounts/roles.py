"""Staff role groups and their Django model permissions, kept in line by every `migrate`.

`ROLES` is the source of truth: group name -> "app_label.codename" permissions. The data
migration `accounts/0001_roles` and a post_migrate handler (see `AccountsConfig.ready`) call
`roles_sync`, so a new installation gets the groups and a permission added here later is
granted on the next migrate. Permissions are plain strings: accounts imports no higher app.
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

CONTACT_OFFICER = "Contactfunctionaris"
COORDINATOR = "Coordinator"
FACILITATOR = "Procesbegeleider"

VAC = ("view", "add", "change")


def _permissions(spec: dict[str, dict[str, tuple[str, ...]]]) -> frozenset[str]:
    """{app_label: {model: actions}} -> {"app_label.action_model", ...}."""
    return frozenset(
        f"{app_label}.{action}_{model}"
        for app_label, models in spec.items()
        for model, actions in models.items()
        for action in actions
    )


_CONTACT_OFFICER = {
    "initiatives": {
        "initiative": VAC,
        "costline": VAC,
        "message": ("view", "add"),
        "attachment": ("view", "add"),
        "agreement": VAC,
        "decision": ("view",),
        "grant": ("view",),
        "statuschange": ("view",),
        "theme": ("view",),
    },
    "villages": {
        "association": ("view",),
        "village": ("view",),
        "villageorganisation": VAC,
        "villageplan": VAC,
        "planaction": VAC,
    },
    "municipalities": {"municipality": ("view",), "officermembership": ("view",), "fund": ("view",)},
    "budgets": {"budgetround": ("view",), "villagebudget": ("view",)},
}
_COORDINATOR = {
    # Decisions and grants only through the services (initiatives.services.funds): view only,
    # like the contact officer's; the admin leaves editing them to a superuser.
    **_CONTACT_OFFICER,
    "municipalities": {
        "municipality": ("view", "change"),
        "officermembership": VAC,
        "fund": VAC,
        "standardtext": (*VAC, "delete"),
    },
    "audit": {"auditlogentry": ("view",)},
    "notifications": {"outboxmail": ("view",)},
    # Budget rounds are set up in the admin; votes and results only through the services.
    "budgets": {"budgetround": VAC, "villagebudget": (*VAC, "delete")},
    "vision": {"trajectory": ("view",), "trajectorystage": ("view",), "meeting": ("view",), "case": ("view",)},
}
_FACILITATOR = {
    "vision": {
        "facilitator": ("view",),
        "trajectory": VAC,
        "trajectorystage": VAC,
        "stagedeliverable": VAC,
        "progressgroupmember": VAC,
        "meeting": VAC,
        "attendance": VAC,
        "actionitem": VAC,
        "case": VAC,
        "visiondocument": VAC,
        "visionversion": VAC,
        "visionsection": VAC,
        # Scans are opened and closed on the trajectory's scan page (one-time links, audit).
        "scan": ("view",),
        "scaninvitation": ("view",),
        "scanscore": ("view",),
    },
    "villages": {
        "association": ("view",),
        "village": ("view",),
        "villageorganisation": ("view",),
        "villageplan": ("view",),
        "planaction": ("view",),
    },
    "municipalities": {"municipality": ("view",)},
    "initiatives": {"theme": ("view",)},
}

ROLES: dict[str, frozenset[str]] = {
    CONTACT_OFFICER: _permissions(_CONTACT_OFFICER),
    COORDINATOR: _permissions(_COORDINATOR),
    FACILITATOR: _permissions(_FACILITATOR),
}


def roles_sync(apps=global_apps, using=DEFAULT_DB_ALIAS) -> dict:
    """Create or update every group in ROLES to exactly its permissions; returns {name: group}.

    Works with the historical `apps` of a migration too. A named permission that does not exist
    (yet) in `apps` is left out: a model added by a later migration gets its permission on the
    post_migrate run. tests/accounts/test_roles.py checks that every name exists.
    """
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth is not (or no longer) migrated
        return {}
    groups = {}
    for name, names in ROLES.items():
        wanted = Q(pk__in=[])
        for permission in names:
            app_label, codename = permission.split(".", 1)
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(Permission.objects.using(using).filter(wanted))
        groups[name] = group
    return groups


def user_has_role(user) -> bool:
    """Whether the platform gives this account anything to do: admin or staff status, an active
    officer membership (a municipality), an active facilitator, or a place in a progress group.
    An account without any (made at a first sign-in with the municipality's account) waits for a
    coordinator or an admin. One query (none for staff)."""
    if not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(
            Q(officer_membership__is_active=True)
            | Q(facilitator__is_active=True)
            | Q(progress_group_memberships__isnull=False, progress_group_memberships__left_on__isnull=True)
        )
        .exists()
    )
