"""A member submits a motion, others co-sponsor and debate, a moderator hides a comment."""

from django.urls import reverse

from bloc.core.models import AuditEvent
from bloc.democracy.models import Comment, Proposal


def test_submit_cosponsor_debate_and_moderate(client, personas):
    client.force_login(personas.member_a)
    response = client.post(
        reverse("democracy:proposal-create"),
        {"title": "Fictional childcare at meetings", "text": "Resolved: …", "scope": "chapter"},
    )
    motion = Proposal.objects.get(title="Fictional childcare at meetings")
    assert response.status_code == 302
    assert motion.chapter == personas.chapter_a and motion.cosponsors_needed == 3

    client.force_login(personas.organizer_a)
    client.post(reverse("democracy:proposal-cosponsor", args=[motion.pk]))
    client.post(
        reverse("democracy:proposal-comment", args=[motion.pk]),
        {"stance": "against", "body": "A fictional insult."},
    )
    assert motion.cosponsors.count() == 1
    comment = Comment.objects.get(proposal=motion)

    client.force_login(personas.member_b)  # chapter B: cannot see chapter A's motion
    assert client.get(reverse("democracy:proposal-detail", args=[motion.pk])).status_code == 404

    client.force_login(personas.admin)
    client.post(reverse("democracy:comment-hide", args=[comment.pk]), {"reason": "Insult"})
    assert AuditEvent.objects.filter(action="democracy.comment_hidden").count() == 1

    client.force_login(personas.member_a)
    page = client.get(reverse("democracy:proposal-detail", args=[motion.pk])).content.decode()
    assert "Hidden by moderators: Insult" in page
    assert "A fictional insult." not in page


def test_the_author_accepts_an_amendment_from_the_page(client, personas):
    client.force_login(personas.member_a)
    client.post(
        reverse("democracy:proposal-create"),
        {"title": "Fictional national motion", "text": "Resolved: …", "scope": "national"},
    )
    motion = Proposal.objects.get(title="Fictional national motion")
    client.force_login(personas.member_b)
    client.post(
        reverse("democracy:proposal-amend", args=[motion.pk]),
        {"title": "Fictional change", "text": "Replace X with Y."},
    )
    amendment = Proposal.objects.get(amends=motion)
    client.post(reverse("democracy:amendment-accept", args=[amendment.pk]))
    amendment.refresh_from_db()
    assert amendment.status == Proposal.Status.GATHERING  # only the author may accept
    client.force_login(personas.member_a)
    client.post(reverse("democracy:amendment-accept", args=[amendment.pk]))
    amendment.refresh_from_db()
    assert amendment.status == Proposal.Status.ACCEPTED
