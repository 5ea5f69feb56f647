"""Make the audit trail append-only in the database itself (see himaya/audit/db.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from himaya.audit import db

    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        db.install_triggers(schema_editor.connection)


def uninstall(apps, schema_editor):
    from himaya.audit import db

    if schema_editor.connection.vendor in ("sqlite", "postgresql"):
        db.drop_triggers(schema_editor.connection, functions=True)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_genesis")]
    operations = [migrations.RunPython(install, uninstall)]
