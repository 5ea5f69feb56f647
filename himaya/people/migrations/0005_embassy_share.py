"""Person.embassy_share_country: the embassy rule's indexed pre-filter on the people list (see
himaya.consent.sharing), filled from the consents already recorded."""

from django.db import migrations, models
from django.db.models import Exists, F, OuterRef


def fill(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Consent = apps.get_model("consent", "Consent")
    active = Consent.objects.filter(
        person_id=OuterRef("pk"), purpose="share_embassy", given=True, withdrawn_at__isnull=True
    )
    Person.objects.filter(Exists(active)).update(embassy_share_country=F("nationality"))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_list_indexes"),
        ("consent", "0002_embassy_share_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="embassy_share_country",
            field=models.CharField(blank=True, default="", editable=False, max_length=2),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("embassy_share_country", ""), _negated=True),
                fields=["embassy_share_country", "-created_at", "-id"],
                name="person_embassy_newest_idx",
            ),
        ),
    ]
