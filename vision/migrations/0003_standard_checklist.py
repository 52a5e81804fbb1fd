"""The DKK standard checklist per VO stage (data: facilitators can change it in the admin)."""

from django.db import migrations

STANDARD = [
    ('intake', 1, 'Kennismakingsgesprek met wethouder en gemeentesecretaris', True),
    ('intake', 2, 'Overzicht van lopende ontwikkelingen (Wmo, Omgevingswet, nieuwe manier van werken)', True),
    ('intake', 3, 'Plan van aanpak besproken in het college', True),
    ('intake', 4, 'Afspraken over inzet en kosten op papier', False),
    ('cases', 1, 'Eerste voorbeelden van initiatieven van onderop verzameld', True),
    ('cases', 2, 'Minstens vijf voorbeelden beschreven: de rol van de gemeente en die van de initiatiefnemers', True),
    ('cases', 3, 'Voorbeelden gedeeld met de voortgangsgroep', False),
    ('progress_group', 1, 'Alle groepen vertegenwoordigd in de voortgangsgroep', True),
    ('progress_group', 2, 'Taakomschrijving en vergaderschema van de voortgangsgroep', True),
    ('progress_group', 3, 'Nulmeting (scan) uitgezet bij de leden', False),
    ('meetings', 1, 'Eerste Vliegwielbijeenkomst met actieve bewoners, college, raad en ambtenaren', True),
    ('meetings', 2, 'Tweede Vliegwielbijeenkomst', True),
    ('meetings', 3, 'Verslag van beide bijeenkomsten gedeeld met de deelnemers', True),
    ('meetings', 4, 'Terugkoppeling in de raadscommissie', False),
    ('vision', 1, 'Conceptvisie besproken in de voortgangsgroep', True),
    ('vision', 2, 'Reacties van dorps- en wijkraden verwerkt', True),
    ('vision', 3, 'Visie vastgesteld door de gemeenteraad', True),
    ('implementation', 1, 'Intervisiegroep voor contactfunctionarissen gestart', True),
    ('implementation', 2, 'Eenmeting (scan) afgenomen', True),
    ('implementation', 3, 'Evaluatie met de voortgangsgroep na een jaar', False),
]


def add_standard(apps, schema_editor):
    StandardDeliverable = apps.get_model("vision", "StandardDeliverable")
    StandardDeliverable.objects.bulk_create(
        StandardDeliverable(stage=stage, order=order, title=title, required=required)
        for stage, order, title, required in STANDARD
    )


def remove_standard(apps, schema_editor):
    apps.get_model("vision", "StandardDeliverable").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("vision", "0002_standard_deliverables")]

    operations = [migrations.RunPython(add_standard, remove_standard)]
