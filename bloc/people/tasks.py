"""People's background work: messages to a person check consent when they are *sent*."""

from django_tasks import task

from bloc.core.tasks import retrying, send_email
from bloc.people import selectors
from bloc.people.models import Channel, Person


@task()
@retrying(max_attempts=5)
def send_person_email(person_id: int, subject: str, body: str, transactional: bool = False) -> str:
    """Email one person. Non-transactional mail goes only to people whose latest email consent
    is an opt-in, checked now — not when the message was queued."""
    person = Person.objects.live().filter(pk=person_id).first()
    if person is None or not person.email:
        return "skipped: no address"
    if not transactional and not selectors.can_contact(person, Channel.EMAIL):
        return "skipped: no consent"
    send_email.call(to=[person.email], subject=subject, body=body)
    return "sent"
