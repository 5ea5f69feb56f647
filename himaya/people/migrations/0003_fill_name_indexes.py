"""Fill the exact-name indexes of people recorded before they existed (new rows fill their own)."""

from django.db import migrations


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("people", "Person")
    if not Person.objects.exists():
        return
    from himaya.core.crypto import get_keyring
    from himaya.core.fields import NORMALISERS

    keyring = get_keyring()

    def index(value: str) -> str:
        normalised = NORMALISERS["text"](value) if value else ""
        return keyring.blind_index(normalised, purpose="text") if normalised else ""

    for person in Person.objects.iterator():
        latin = " ".join(p for p in [person.given_name_latin, person.family_name_latin] if p)
        Person.objects.filter(pk=person.pk).update(
            name_latin_index=index(latin), name_arabic_index=index(person.full_name_arabic)
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_address_person_best_interest_note_and_more")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
