"""The fixes that bench/results/server.md recommends, applied as monkeypatches when a gunicorn
worker starts, so `bench/server.py --what-if` can show the submission before and after them
without touching the product's code. Only `bench.bare.settings_whatif` installs this; the
product never imports it. Each patch stands for one change the product's owners would make (a
patch for a change the product already has is harmless: it changes nothing):

1. `initiative_submit` validates the new initiative in Python only: `full_clean` without the
   foreign-key, unique and CHECK-constraint queries (the form has checked the input, the
   reference comes from the locked sequence, and the database enforces all of them on INSERT).
2. `GroupedVillageField` does not load every public village to check the posted value against
   the choices: its `clean()` looks the village up anyway.
3. The submission's mails are stored with one plain INSERT each instead of `get_or_create`
   (SELECT, SAVEPOINT, INSERT, RELEASE): the dedup keys of a brand-new initiative cannot exist
   yet. (The product would use `mail_enqueue_many`, which also stores them in one INSERT.)
4. The reference number is taken in its own short transaction before the submission's, so the
   sequence row is locked for one UPDATE instead of the whole submission (a failed submission
   then leaves a gap in the numbers).
"""

import contextvars

from django.apps import AppConfig

_reference = contextvars.ContextVar("bench_whatif_reference", default=None)


class WhatIfConfig(AppConfig):
    name = "bench.bare"
    label = "bench_whatif"
    verbose_name = "bench what-if patches"

    def ready(self):
        apply()


def apply() -> None:
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from initiatives import forms
    from initiatives.models import Initiative
    from initiatives.services import submission as services
    from initiatives.views import public as views
    from notifications import services as outbox
    from notifications.constants import OutboxStatus
    from notifications.models import OutboxMail

    # 1. full_clean in Python only.
    original_full_clean = Initiative.full_clean

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        foreign_keys = [f.name for f in self._meta.concrete_fields if f.is_relation]
        return original_full_clean(
            self, exclude=[*(exclude or []), *foreign_keys], validate_unique=False, validate_constraints=False
        )

    Initiative.full_clean = full_clean

    # 2. The village field trusts its own lookup in clean().
    forms.GroupedVillageField.valid_value = lambda self, value: True

    # 3. One INSERT per mail of a new initiative.
    def mail_enqueue(*, to, template, dedup_key, language="nl", subject=None, context=None, recipient=None, link=""):
        held = recipient is not None and recipient.pk in outbox._digest_user_ids([recipient.pk])
        context = {**(context or {}), **({"link": link} if link else {})}
        mail = OutboxMail.objects.create(
            to=to,
            template=template,
            dedup_key=dedup_key,
            language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
            subject=subject,
            municipality_id=getattr(subject, "municipality_id", None),
            recipient=recipient,
            context=context,
            status=OutboxStatus.HELD if held else OutboxStatus.PENDING,
        )
        if not held:
            transaction.on_commit(lambda: outbox._dispatch(mail.pk))
        return mail

    services.mail_enqueue = mail_enqueue

    # 4. The reference number first, in its own transaction.
    original_reference_next = services.reference_next
    original_submit = services.initiative_submit

    def reference_next(*, year):
        taken = _reference.get()
        return taken if taken is not None else original_reference_next(year=year)

    def initiative_submit(**kwargs):
        year = timezone.localtime(kwargs.get("submitted_at") or timezone.now()).year
        token = _reference.set(original_reference_next(year=year))  # commits at once: the lock is short
        try:
            return original_submit(**kwargs)
        finally:
            _reference.reset(token)

    services.reference_next = reference_next
    services.initiative_submit = initiative_submit
    views.initiative_submit = initiative_submit
