import pytest

from bloc.core.audit import record
from bloc.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def test_the_audit_log_is_append_only(personas):
    event = record("test.happened", actor=personas.admin, target=personas.chapter_a, count=3)
    event.action = "test.rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.happened"


def test_viewing_and_searching_member_lists_is_audited(client, personas):
    client.force_login(personas.organizer_a)
    client.get("/people/?q=Cast")
    event = AuditEvent.objects.filter(action="people.list_viewed").first()
    assert event.actor == personas.organizer_a
    assert event.data["searched"] is True and event.data["count"] >= 1
    assert "Cast" not in str(event.data)  # the search text itself is personal data: not kept


def test_viewing_a_person_and_exporting_are_audited(client, personas):
    client.force_login(personas.admin)
    client.get(f"/people/{personas.person_member_b.pk}/")
    b"".join(client.get("/people/export.csv").streaming_content)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"people.person_viewed", "people.exported"} <= actions
