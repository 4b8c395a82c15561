import pytest
from django.db import IntegrityError, transaction
from django.test.utils import isolate_apps
from django.utils import timezone

from bloc.core import db
from bloc.core.models import PeriodicJobRun


@pytest.mark.django_db
def test_insert_writes_the_row_save_would_write():
    started = timezone.now()
    run = db.insert(PeriodicJobRun(name="events.rsvp_intake", last_started_at=started))
    assert run.pk is not None and not run._state.adding
    stored = PeriodicJobRun.objects.get(pk=run.pk)
    assert (stored.name, stored.last_started_at) == ("events.rsvp_intake", started)
    assert stored.last_finished_at is None and stored.last_error == ""  # the fields' defaults
    assert db.insert(PeriodicJobRun(name="comms.sends")).pk != run.pk


@pytest.mark.django_db
def test_insert_keeps_the_database_constraints():
    db.insert(PeriodicJobRun(name="once"))
    with pytest.raises(IntegrityError), transaction.atomic():
        db.insert(PeriodicJobRun(name="once"))
    assert PeriodicJobRun.objects.filter(name="once").count() == 1


def test_insert_refuses_a_model_whose_saves_are_listened_to():
    from django.db.models.signals import post_save

    from bloc.core.models import PeriodicJobRun

    def receiver(**kwargs):  # pragma: no cover - never called
        pass

    db._statement.cache_clear()
    post_save.connect(receiver, sender=PeriodicJobRun)
    try:
        with pytest.raises(TypeError, match="signal receivers"):
            db.insert(PeriodicJobRun(name="never"))
    finally:
        post_save.disconnect(receiver, sender=PeriodicJobRun)
        db._statement.cache_clear()


@isolate_apps("bloc.core")
def test_insert_refuses_database_defaults_and_generated_fields():
    """Issue 23: insert() would write NULL over a db_default, or a value into a generated
    column; both belong to save()."""
    from django.db import models
    from django.db.models.functions import Lower

    class WithDbDefault(models.Model):  # noqa: DJ008 - never shown
        name = models.CharField(max_length=10, db_default="x")

    class WithGenerated(models.Model):  # noqa: DJ008 - never shown
        name = models.CharField(max_length=10)
        lowered = models.GeneratedField(
            expression=Lower("name"), output_field=models.CharField(max_length=10), db_persist=True
        )

    for model, why in ((WithDbDefault, "db_default"), (WithGenerated, "generated")):
        with pytest.raises(TypeError, match=why):
            db._statement(model, "default")
