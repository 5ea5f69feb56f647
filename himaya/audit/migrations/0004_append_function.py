"""One-statement audit append on PostgreSQL (see himaya/audit/db.py, APPEND_FUNCTION)."""

from django.db import migrations


def install(apps, schema_editor):
    from himaya.audit import db

    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(db.POSTGRES_APPEND_INSTALL)


def uninstall(apps, schema_editor):
    from himaya.audit import db

    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(db.POSTGRES_APPEND_DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]
    operations = [migrations.RunPython(install, uninstall)]
