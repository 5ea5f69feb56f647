"""Indexes for browsing the log newest first by actor, agency and exception (see AuditEvent.Meta).

The one-column indexes on actor_id, actor_agency_id and owner_agency_id give way to (column, -seq).
They are dropped by name rather than by AlterField, which on SQLite rebuilds the table and would
drop its append-only triggers with it.
"""

from django.db import migrations, models

COLUMNS = ("actor_id", "actor_agency_id", "owner_agency_id")
TABLE = "audit_auditevent"


def _single_column_indexes(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and len(info["columns"]) == 1
        and info["columns"][0] in COLUMNS
    ]


def drop_single_column_indexes(apps, schema_editor):
    for name in _single_column_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_single_column_indexes(apps, schema_editor):
    model = apps.get_model("audit", "AuditEvent")
    for column in COLUMNS:
        field = model._meta.get_field(column)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_append_function")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent", name=column, field=models.BigIntegerField(blank=True, null=True)
                )
                for column in COLUMNS
            ],
            database_operations=[migrations.RunPython(drop_single_column_indexes, create_single_column_indexes)],
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor_id", "-seq"], name="audit_actor_seq_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor_agency_id", "-seq"], name="audit_actor_agency_seq_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["owner_agency_id", "-seq"], name="audit_owner_agency_seq_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["-seq"], condition=~models.Q(outcome="ok"), name="audit_exception_seq_idx"),
        ),
    ]
