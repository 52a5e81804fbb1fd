"""The days the Royal Decrees for 2026-2028 make equal to general holidays for the Algemene
termijnenwet (data: a platform admin adds the next decree's days in the admin)."""

import datetime

from django.db import migrations

DECREED = [
    (datetime.date(2026, 1, 2), "Vrijdag na Nieuwjaarsdag (Koninklijk Besluit 2026)"),
    (datetime.date(2026, 5, 15), "Vrijdag na Hemelvaartsdag (Koninklijk Besluit 2026)"),
    (datetime.date(2027, 5, 7), "Vrijdag na Hemelvaartsdag (Koninklijk Besluit 2027)"),
    (datetime.date(2028, 4, 28), "Vrijdag na Koningsdag (Koninklijk Besluit 2028)"),
    (datetime.date(2028, 5, 26), "Vrijdag na Hemelvaartsdag (Koninklijk Besluit 2028)"),
]


def add_decreed(apps, schema_editor):
    ExtraHoliday = apps.get_model("core", "ExtraHoliday")
    for day, description in DECREED:
        ExtraHoliday.objects.using(schema_editor.connection.alias).get_or_create(
            date=day, defaults={"description": description}
        )


def remove_decreed(apps, schema_editor):
    ExtraHoliday = apps.get_model("core", "ExtraHoliday")
    ExtraHoliday.objects.using(schema_editor.connection.alias).filter(date__in=[day for day, _ in DECREED]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(add_decreed, remove_decreed)]
