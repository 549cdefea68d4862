"""The table of the "limits" cache (settings: CACHES), where the requests for a new password are
counted: made here, so that every database the service migrates has it (Django leaves it to
`manage.py createcachetable`, which is easy to forget on a new server)."""

from django.core.management import call_command
from django.db import migrations

TABLE = "handlingskraft_limits"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_user_history")]

    operations = [migrations.RunPython(create_table, drop_table)]
