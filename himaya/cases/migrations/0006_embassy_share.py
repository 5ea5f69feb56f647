"""Case.embassy_share_country: the embassy rule's indexed pre-filter (see himaya.consent.sharing),
filled from the consents already recorded."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Consent = apps.get_model("consent", "Consent")
    Person = apps.get_model("people", "Person")
    active = Consent.objects.filter(
        person_id=OuterRef("person_id"), purpose="share_embassy", given=True, withdrawn_at__isnull=True
    )
    nationality = Person.objects.filter(pk=OuterRef("person_id")).values("nationality")[:1]
    Case.objects.filter(Exists(active)).update(embassy_share_country=Subquery(nationality))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_assignee_index"),
        ("consent", "0002_embassy_share_index"),
        ("people", "0004_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="embassy_share_country",
            field=models.CharField(blank=True, default="", editable=False, max_length=2),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("embassy_share_country", ""), _negated=True),
                fields=["embassy_share_country", "-created_at", "-id"],
                name="case_embassy_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("embassy_share_country", ""), _negated=True),
                fields=["embassy_share_country", "stage"],
                name="case_embassy_stage_idx",
            ),
        ),
    ]
