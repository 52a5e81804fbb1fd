"""Write an audit line. The origin (IP address) comes from the request being served."""

from contextvars import ContextVar

from audit.constants import AuditAction
from audit.models import AuditLogEntry, AuditResult
from core.admin import ADMIN_ADD, ADMIN_DELETE

current_origin: ContextVar[str] = ContextVar("audit_origin", default="")


def audit_entry(
    *,
    actor,
    action: str,
    obj,
    municipality=None,
    municipality_id=None,
    result: str = AuditResult.OK,
    detail: str = "",
) -> AuditLogEntry:
    """The audit line `audit_log` writes, unsaved: `audit_log_many` writes many at once.

    `municipality_id` instead of `municipality` when the caller has the id only (no query).
    """
    where = {"municipality": municipality} if municipality is not None else {"municipality_id": municipality_id}
    return AuditLogEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(actor.get_username() if getattr(actor, "pk", None) else str(actor or "system"))[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        **where,
        result=result,
        origin=current_origin.get(),
        detail=detail[:300],
    )


def audit_log(*, actor, action: str, obj, municipality=None, result: str = AuditResult.OK, detail: str = ""):
    """Record `actor` did `action` on `obj`. Never put personal data or secrets in `detail`.

    `actor` is a user, or a name when there is no account (a username typed at the login page);
    `obj` is None when the action is about nothing stored (a sign-in of an unknown username).
    """
    entry = audit_entry(actor=actor, action=action, obj=obj, municipality=municipality, result=result, detail=detail)
    entry.save(force_insert=True)
    return entry


def audit_log_many(entries: list[AuditLogEntry]) -> list[AuditLogEntry]:
    """Write many lines made by `audit_entry` in one INSERT (per batch the database allows)."""
    return AuditLogEntry.objects.bulk_create(entries)


def _municipality_of(obj):
    """The municipality a row belongs to, along its queryset's `municipality_path`; None when
    the model is not tenant data."""
    path = getattr(type(obj)._default_manager.get_queryset(), "municipality_path", None)
    if path is None:
        return None
    if path == "pk":
        return obj
    target = obj
    for name in path.split("__"):
        target = getattr(target, name, None)
        if target is None:
            return None
    return target


def audit_admin_change(*, request, obj, action: str, fields=()):
    """The admin's change hook (registered in AuditConfig.ready): one line per object added,
    changed or deleted in the admin, with the names of the changed fields."""
    municipality = _municipality_of(obj)
    if action == ADMIN_DELETE and municipality is obj:
        municipality = None  # a line that pointed at the municipality would keep it from going
    audit_log(
        actor=request.user,
        action=(
            AuditAction.ADMIN_ADD
            if action == ADMIN_ADD
            else AuditAction.ADMIN_DELETE
            if action == ADMIN_DELETE
            else AuditAction.ADMIN_CHANGE
        ),
        obj=obj,
        municipality=municipality,
        detail="; ".join(fields),
    )
