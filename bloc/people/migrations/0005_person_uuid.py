# A stable public identifier for every person (the API's `bloc:<uuid>`), backfilled.

import uuid

from django.db import migrations, models


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE people_person SET uuid = gen_random_uuid() WHERE uuid IS NULL"
        )
        return
    Person = apps.get_model("people", "Person")
    while True:
        batch = list(Person.objects.filter(uuid__isnull=True).only("pk")[:2000])
        if not batch:
            return
        for person in batch:
            person.uuid = uuid.uuid4()
        Person.objects.bulk_update(batch, ["uuid"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_dues_payments_and_applications"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="person",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
