"""Writes of the api app: creating and revoking staff API keys (audited)."""

import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from api.models import ApiKey
from audit.constants import AuditAction
from audit.services import audit_log

KEY_PREFIX_BYTES = 4  # 8 hex characters: finds the row, says nothing about the secret


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, name: str, municipality, actor) -> tuple[ApiKey, str]:
    """A new key for `municipality`; returns the key row and the key itself, which is shown once
    and stored only as its SHA-256 hash."""
    prefix = secrets.token_hex(KEY_PREFIX_BYTES)
    raw_key = f"{prefix}.{secrets.token_urlsafe(32)}"
    user = get_user_model()(
        username=f"api-{prefix}-{slugify(name)}"[:150],
        first_name=name[:150],
        last_name="(API)",
        is_active=True,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    key = ApiKey(
        name=name,
        municipality=municipality,
        prefix=prefix,
        key_hash=key_hash(raw_key),
        user=user,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    key.full_clean(exclude=["user"])
    key.save()
    audit_log(actor=actor, action=AuditAction.API_KEY_CREATE, obj=key, municipality=municipality)
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor) -> ApiKey:
    """From now on the key is refused; its account can do nothing any more. Idempotent."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        return key
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    key.user.is_active = False
    key.user.save(update_fields=["is_active"])
    audit_log(actor=actor, action=AuditAction.API_KEY_REVOKE, obj=key, municipality=key.municipality)
    return key


def api_key_find(raw_key: str) -> ApiKey | None:
    """The active key for `raw_key`, or None: looked up by its prefix, compared by hash in constant time."""
    prefix, sep, _secret = raw_key.partition(".")
    if not sep or not prefix:
        return None
    key = ApiKey.objects.active().select_related("user", "municipality").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.key_hash, key_hash(raw_key)):
        return None
    return key


def api_key_touch(key: ApiKey) -> None:
    """Remember when the key was last used (at most once a minute: no write per request)."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
