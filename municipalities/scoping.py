"""Who may see which municipality's data: the one place that answers it.

Every tenant-scoped QuerySet has `visible_to(user)`, built on these functions. Each returns
a subquery (not a list), so scoping adds no query of its own to a page.

Audiences:
- ``OFFICERS``: contact officers and coordinators of the municipality (initiatives, funds:
  residents' personal data stays with the municipality that handles it).
- ``STAFF``: officers, plus whoever a higher app registers with `register_staff_scope`: DKK
  facilitators of the supporting association (or its parent) and members of one of the
  municipality's progress groups (villages, trajectories).
"""

from collections.abc import Callable

from django.apps import apps
from django.db.models import BigIntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast

OFFICERS = "officers"
STAFF = "staff"


def _model(label):
    return apps.get_model(label)


# Set on the user object of one request by `remember_officer_municipalities`.
_KNOWN_IDS = "_officer_municipality_ids"


def remember_officer_municipalities(user, memberships) -> None:
    """Remember, for this request's user object, the active memberships a page loaded anyway.

    Queries built afterwards name the municipality ids instead of a subquery; with one id,
    PostgreSQL can read the officers' list straight from an index in its order and stop after
    one page (bench/results/triage_list.md). The user object lives for one request only.
    """
    setattr(user, _KNOWN_IDS, sorted({membership.municipality_id for membership in memberships}))


def officer_scope_key(user) -> tuple | None:
    """What `visible_to(user, OFFICERS)` limits a queryset to, as a key, when that is known
    without a query: every municipality, none, or the remembered ids; None otherwise. The same
    key means the same scope (a statement kept per scope need not compile the scope's SQL)."""
    if not user.is_authenticated or not user.is_active:
        return ("none",)
    if user.is_superuser:
        return ("all",)
    known = getattr(user, _KNOWN_IDS, None)
    return None if known is None else ("municipalities", *known)


def officer_municipality_ids(user) -> QuerySet | list[int]:
    known = getattr(user, _KNOWN_IDS, None)
    if known is not None:
        return known
    return (
        _model("municipalities.OfficerMembership").objects.filter(user=user, is_active=True).values("municipality_id")
    )


def in_municipalities(path, ids) -> Q:
    """`path` in `ids`. Known ids are written as bigints, the type of the municipality keys:
    PostgreSQL compares `municipality_id = 1` (an integer) with an operator that a GIN index
    on (municipality, words) cannot use, so the officer's text search would read its words'
    hits in every municipality (initiatives migration 0023). A subquery has the keys' type."""
    if isinstance(ids, QuerySet):
        return Q(**{f"{path}__in": ids})
    # Through the key itself (`…__pk`): a foreign key's `__in` takes plain values only. Django
    # reads the key from the foreign key's column, without a join.
    lookup = "pk__in" if path == "pk" else f"{path}__pk__in"
    return Q(**{lookup: [Cast(Value(pk), BigIntegerField()) for pk in ids]})


# Who else sees a municipality's STAFF data besides its officers: each function takes a user and
# returns a subquery of municipality ids. The apps that know those people register them in their
# AppConfig.ready() (vision: the DKK facilitators and the progress-group members), so this
# module knows no app above it.
_staff_scopes: list[Callable[[object], QuerySet]] = []


def register_staff_scope(municipality_ids: Callable[[object], QuerySet]) -> None:
    if municipality_ids not in _staff_scopes:
        _staff_scopes.append(municipality_ids)


def visible_municipality_q(user, audience, path="municipality") -> Q | None:
    """A Q over `path` (a lookup that ends at a Municipality), or None for "everything"."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    q = in_municipalities(path, officer_municipality_ids(user))
    if audience == STAFF:
        for municipality_ids in _staff_scopes:
            q |= Q(**{f"{path}__in": municipality_ids(user)})
    return q


class MunicipalityScopedQuerySet(QuerySet):
    """Base for tenant data. Subclasses name the path to the municipality and the audience."""

    municipality_path = "municipality"
    audience = STAFF

    def visible_to(self, user, audience=None):
        """What `user` may see; `audience=OFFICERS` narrows STAFF data to the user's own
        municipalities as an officer (the dashboard's filters)."""
        q = visible_municipality_q(user, audience or self.audience, self.municipality_path)
        return self if q is None else self.filter(q)
