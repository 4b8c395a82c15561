import random

import pytest

from bloc.democracy.models import Ballot
from bloc.electoral import selectors
from bloc.electoral.models import Endorsement, Stage
from bloc.electoral.seeds import seed_electoral
from bloc.program.seeds import seed_program

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_2026_slate_and_an_open_2028_referendum(personas):
    seed_program(10, random.Random(1))
    counts = seed_electoral(10, random.Random(1))
    assert counts["referendums"] == 1
    slate = selectors.slate(2026)
    assert len(slate) == 5
    assert len({row["race"].state for row in slate}) == 5
    assert all(row["alignment"].percent is not None for row in slate)
    national = Endorsement.objects.get(scope="national")
    assert national.stage == Stage.MEMBER_VOTE
    assert national.ballot.status == Ballot.Status.OPEN
    assert national.ballot.subject_id == str(national.pk)
