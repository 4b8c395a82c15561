"""Questionnaire templates, private answer links, and answers feeding plank stances."""

import secrets
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from bloc.accounts import selectors as roles
from bloc.electoral import audit, permissions
from bloc.electoral.models import (
    Answer,
    Endorsement,
    Question,
    Questionnaire,
    QuestionnaireResponse,
)
from bloc.program import services as program
from bloc.program.models import Position, Stance

TOKEN_SALT = "electoral.questionnaire"
TOKEN_MAX_AGE = 60 * 60 * 24 * 120


def create_questionnaire(
    *, actor: Any, title: str, questions: list[dict[str, Any]], level: str = "federal"
) -> Questionnaire:
    """`questions`: dicts with prompt, kind, and optionally word_limit, choices, plank,
    answer_positions. A title already in use starts a new version of that questionnaire."""
    if actor is not None and not roles.is_national_admin(actor):
        raise PermissionDenied("Only national admins write questionnaires.")
    if not questions:
        raise ValidationError("A questionnaire needs questions.")
    key = slugify(title)[:80]
    with transaction.atomic():
        latest = Questionnaire.objects.filter(key=key).order_by("-version").first()
        questionnaire = Questionnaire.objects.create(
            key=key,
            version=latest.version + 1 if latest else 1,
            title=title,
            level=level,
            published_at=timezone.now(),
        )
        for position, spec in enumerate(questions, start=1):
            question = Question(questionnaire=questionnaire, position=position, **spec)
            _check_question(question)
            question.save()
        audit.event(
            "questionnaire_published",
            actor=actor,
            target=questionnaire,
            version=questionnaire.version,
            questions=len(questions),
        )
    return questionnaire


def _check_question(question: Question) -> None:
    if question.kind == Question.Kind.CHOICE and len(question.choices) < 2:
        raise ValidationError(f"Question {question.position}: a choice needs two options.")
    if question.kind != Question.Kind.TEXT and question.word_limit:
        raise ValidationError(f"Question {question.position}: word limits are for free text.")
    unknown = set(question.answer_positions) - set(question.options())
    bad = set(question.answer_positions.values()) - set(Position.values)
    if unknown or bad:
        raise ValidationError(f"Question {question.position}: answer mapping does not fit.")


def token_for(response: QuestionnaireResponse) -> str:
    return signing.dumps([response.pk, response.nonce], salt=TOKEN_SALT)


def response_for_token(token: str) -> QuestionnaireResponse | None:
    try:
        pk, nonce = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    response = (
        QuestionnaireResponse.objects.select_related(
            "questionnaire", "candidacy__candidate", "candidacy__race__election"
        )
        .filter(pk=pk)
        .first()
    )
    if response is None or not secrets.compare_digest(response.nonce, str(nonce)):
        return None
    return response


def send_questionnaire(
    *, actor: Any, endorsement: Endorsement, questionnaire: Questionnaire
) -> tuple[QuestionnaireResponse, str]:
    """Create (or re-issue, revoking the old link) the private link for this candidacy."""
    if not permissions.can_prepare(actor, endorsement):
        raise PermissionDenied("You may not send this questionnaire.")
    with transaction.atomic():
        response, created = QuestionnaireResponse.objects.get_or_create(
            questionnaire=questionnaire,
            candidacy=endorsement.candidacy,
            defaults={
                "nonce": secrets.token_hex(16),
                "sent_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        if response.submitted_at is not None:
            raise ValidationError("The candidate has already answered this questionnaire.")
        if not created:
            response.nonce = secrets.token_hex(16)
            response.save(update_fields=["nonce"])
        audit.event(
            "questionnaire_sent",
            actor=actor,
            target=response,
            endorsement_id=endorsement.pk,
            reissued=not created,
        )
    return response, token_for(response)


def submit_answers(*, response: QuestionnaireResponse, answers: dict[int, str]) -> None:
    """The candidate's answers, by question id. Called through the private link: the link is the
    credential, so there is no actor. Tied questions record the candidate's stance on the plank."""
    questions = list(response.questionnaire.questions.select_related("plank"))
    problems = []
    for q in questions:
        value = (answers.get(q.pk) or "").strip()
        if not value:
            problems.append(f"Question {q.position} needs an answer.")
        elif q.kind == Question.Kind.TEXT and q.word_limit and len(value.split()) > q.word_limit:
            problems.append(f"Question {q.position}: at most {q.word_limit} words.")
        elif q.kind != Question.Kind.TEXT and value not in q.options():
            problems.append(f"Question {q.position}: choose one of the options.")
    if problems:
        raise ValidationError(problems)
    candidate = response.candidacy.candidate
    with transaction.atomic():
        locked = QuestionnaireResponse.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is not None:
            raise ValidationError("These answers were already submitted.")
        Answer.objects.bulk_create(
            Answer(response=locked, question=q, value=answers[q.pk].strip()) for q in questions
        )
        for q in questions:
            if q.plank is None or q.kind == Question.Kind.TEXT:
                continue
            value = answers[q.pk].strip()
            program.record_stance(
                actor=None,
                plank=q.plank,
                holder_type=Stance.HolderType.CANDIDATE,
                holder_id=candidate.pk,
                holder_name=candidate.full_name,
                position=q.position_for(value),
                source=Stance.Source.QUESTIONNAIRE,
                source_detail=f"{locked.questionnaire} Q{q.position}: {value}",
            )
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["submitted_at"])
        response.submitted_at = locked.submitted_at
        audit.event("questionnaire_answered", actor=None, target=locked, answers=len(questions))
