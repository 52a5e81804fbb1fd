"""Writes for initiatives (STYLE.md §2). The journeys' services build on these."""

from django.db import transaction

from .models import ReferenceSequence


@transaction.atomic
def reference_next(*, year: int) -> str:
    """The next human-readable reference for `year`, e.g. ``2026-0042``; safe under concurrency.

    The year's row is created if missing (a no-op when another transaction just did) and then
    locked, so two submissions can never take the same number.
    """
    ReferenceSequence.objects.bulk_create([ReferenceSequence(year=year)], ignore_conflicts=True)
    sequence = ReferenceSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{year}-{sequence.last_number:04d}"
