"""Private events get an unguessable address: a random link token for every event, existing
ones included (each its own), so a private event's title-based slug need not be one."""

import secrets

from django.db import migrations, models

import bloc.events.models


def fill_tokens(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    for event in Event.objects.filter(link_token__isnull=True).only("pk").iterator():
        Event.objects.filter(pk=event.pk).update(link_token=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [("events", "0003_rsvp_intake")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="link_token",
            field=models.CharField(editable=False, max_length=43, null=True),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="link_token",
            field=models.CharField(
                default=bloc.events.models.new_link_token,
                editable=False,
                max_length=43,
                unique=True,
            ),
        ),
    ]
