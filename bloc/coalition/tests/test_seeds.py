import random

import pytest

from bloc.coalition.models import Contract, Partner, Relationship
from bloc.coalition.seeds import seed_coalition
from bloc.core.registry import seeds


@pytest.mark.django_db
def test_the_demo_seed_builds_a_nested_coalition_with_aligned_and_other_contracts(personas):
    assert "coalition.partners" in seeds
    counts = seed_coalition(100, random.Random(2028))
    assert counts["partners"] == Partner.objects.count() == 4 + 12 + 7
    assert (
        Partner.objects.filter(kind="union_local", parent__kind="international_union").count() == 12
    )
    assert Contract.objects.filter(is_aligned=True).exists()
    assert Contract.objects.filter(is_aligned=False).exists()
    assert Relationship.objects.exclude(stage="identified").exists()
