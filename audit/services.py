"""Write an audit line. The origin (IP address) comes from the request being served."""

from contextvars import ContextVar

from audit.models import AuditLogEntry, AuditResult

current_origin: ContextVar[str] = ContextVar("audit_origin", default="")


def audit_log(*, actor, action: str, obj, municipality=None, result: str = AuditResult.OK, detail: str = ""):
    """Record `actor` did `action` on `obj`. Never put personal data or secrets in `detail`."""
    return AuditLogEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(actor.get_username() if getattr(actor, "pk", None) else str(actor or "system"))[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        municipality=municipality,
        result=result,
        origin=current_origin.get(),
        detail=detail[:300],
    )
