"""Every field of our models has a translatable name: Django makes one from the attribute name
otherwise ("initiative"), and the Dutch admin then shows an English label such as "Initiative:"."""

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.utils.functional import Promise

OURS = {
    "accounts",
    "api",
    "audit",
    "budgets",
    "core",
    "initiatives",
    "municipalities",
    "notifications",
    "villages",
    "vision",
}


def test_every_field_of_our_models_has_a_translatable_name():
    untranslated = []
    for model in apps.get_models():
        if model._meta.app_label not in OURS:
            continue
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue  # the other side of a relation: it has no label of its own
            if isinstance(field, GenericForeignKey | GenericRelation) or getattr(field, "primary_key", False):
                continue
            if field.model is not model or field.model._meta.app_label not in OURS:
                continue  # inherited from a third-party model (django-otp's devices)
            if not isinstance(field.verbose_name, Promise):
                untranslated.append(f"{model._meta.label}.{field.name}")
    assert not untranslated, f"Give these fields verbose_name=_(...): {untranslated}"
