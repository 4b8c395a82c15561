# A trigram index on people's names and emails, for search (bloc/people/search.py), on
# PostgreSQL only: SQLite keeps its scan. pg_trgm is a trusted extension (PostgreSQL 13+), so the
# database owner may create it. The expression must stay identical to search.SearchText.

from django.db import migrations

INDEX = "people_person_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person USING gin "
        "((lower(first_name || ' ' || last_name || ' ' || email)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_import_job_heartbeats"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
