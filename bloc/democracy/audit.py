"""Typed audit helpers for ballots. Identifiers and counts only: never a choice, never who cast
which ballot. Casting itself is not logged per voter (its time would order the box)."""

from typing import Any

from bloc.core.audit import record
from bloc.democracy.models import Apportionment, Ballot


def ballot_step(*, actor: Any, ballot: Ballot, step: str, **data: Any) -> None:
    record(
        f"democracy.ballot_{step}", actor=actor, target=ballot, chapter_id=ballot.chapter_id, **data
    )


def roll_viewed(*, actor: Any, ballot: Ballot, count: int) -> None:
    record(
        "people.list_viewed",
        actor=actor,
        target=ballot,
        chapter_id=ballot.chapter_id,
        what="voter roll",
        count=count,
    )


def delegates_apportioned(*, actor: Any, apportionment: Apportionment) -> None:
    record(
        "democracy.delegates_apportioned",
        actor=actor,
        target=apportionment,
        chapters=len(apportionment.allocations),
        delegates=apportionment.total_delegates,
    )


def proposal_step(*, actor: Any, proposal: Any, step: str, **data: Any) -> None:
    record(
        f"democracy.proposal_{step}",
        actor=actor,
        target=proposal,
        chapter_id=proposal.chapter_id,
        **data,
    )


def comment_hidden(*, actor: Any, comment: Any) -> None:
    record(
        "democracy.comment_hidden",
        actor=actor,
        target=comment,
        chapter_id=comment.proposal.chapter_id,
        proposal_id=comment.proposal_id,
    )
