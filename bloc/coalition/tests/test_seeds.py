import random
from datetime import date

import pytest

from bloc.coalition import selectors, services
from bloc.coalition.models import Contract, DataSharingAgreement, Partner, Relationship
from bloc.coalition.seeds import seed_agreements, seed_coalition
from bloc.coalition.tests.world import FakeSource, make_liaison_of, registered_source
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


@pytest.mark.django_db
def test_the_demo_shares_every_offered_kind_with_a_seeded_partner_that_has_a_liaison(personas):
    with registered_source("coalition_tests.sign_ups", FakeSource()):
        partners = [
            services.create_partner(actor=None, name=name, kind="community")
            for name in ("Tenants United", "Riders Alliance")
        ]
        make_liaison_of(personas, partners[1])
        assert seed_agreements(partners, today=date(2026, 11, 27)) == 1
        agreement = DataSharingAgreement.objects.get()
        assert agreement.partner == partners[1] and agreement.signed_by_user == personas.liaison
        assert "coalition_tests.sign_ups" in agreement.kinds
        assert (
            selectors.active_agreement_kinds(partners[1], on=date(2026, 11, 27)) == agreement.kinds
        )
