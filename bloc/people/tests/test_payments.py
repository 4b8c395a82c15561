"""Dues from the processors' webhooks, with signed fixture payloads: stored once, in any order,
refunds take back their period, refused requests change nothing."""

import logging
from datetime import date

import pytest
from django.test import override_settings

from bloc.people.models import LadderEvent, Membership, Payment
from bloc.people.payments.refs import person_ref, read_person_ref
from bloc.people.services import create_person
from bloc.people.tests import payments_fixtures as fx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_processors")]


@pytest.fixture
def _processors():
    with override_settings(**fx.PAYMENT_SETTINGS):
        yield


@pytest.fixture
def applicant(db):
    person = create_person(actor=None, email="rowan.applicant@example.org", first_name="Rowan")
    Membership.objects.create(
        person=person, joined_on=date(2026, 1, 2), status=Membership.Status.PENDING
    )
    return person


def _membership(person):
    return Membership.objects.get(person=person)


def _snapshot():
    return {
        "payments": sorted(
            Payment.objects.values_list(
                "processor_event_id", "person_id", "covered_from", "covered_through", "refunded"
            )
        ),
        "memberships": sorted(
            Membership.objects.values_list(
                "person_id", "paid_through_on", "status", "joined_on", "dues_plan"
            )
        ),
    }


def test_a_person_reference_cannot_be_forged():
    ref = person_ref(42)
    assert read_person_ref(ref) == 42
    assert read_person_ref(ref.replace("bloc-42-", "bloc-43-")) is None
    assert read_person_ref("bloc-42-0000000000000000") is None
    assert read_person_ref("") is None


def test_a_paid_checkout_activates_the_application_and_pays_a_month(client, applicant):
    payload = fx.stripe_event(
        "checkout.session.completed",
        fx.checkout_payment(person_ref=person_ref(applicant.pk), day=date(2026, 1, 5)),
    )
    response = fx.post_stripe(client, payload)
    assert response.status_code == 200
    membership = _membership(applicant)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.paid_through_on == date(2026, 2, 4)
    assert membership.is_in_good_standing(as_of=date(2026, 2, 1))
    assert LadderEvent.objects.filter(person=applicant, stage="joined").count() == 1
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount_cents, payment.currency) == ("payment", 1500, "usd")
    assert (payment.covered_from, payment.covered_through) == (date(2026, 1, 5), date(2026, 2, 4))


def test_the_same_event_delivered_twice_is_stored_once_and_changes_nothing(client, applicant):
    payload = fx.stripe_event(
        "checkout.session.completed",
        fx.checkout_payment(person_ref=person_ref(applicant.pk), day=date(2026, 1, 5)),
    )
    assert fx.post_stripe(client, payload).json()["stored"] == 1
    before = _snapshot()
    again = fx.post_stripe(client, payload)
    assert again.status_code == 200 and again.json() == {
        "received": 1,
        "stored": 0,
        "repeated": 1,
    }
    assert _snapshot() == before
    assert Payment.objects.count() == 1


def test_an_annual_payment_made_early_pays_the_year_after_what_was_paid(client, personas):
    member = personas.person_member_a
    base = _membership(member).paid_through_on
    payload = fx.stripe_event(
        "checkout.session.completed",
        fx.checkout_payment(person_ref=person_ref(member.pk), day=date(2026, 1, 5), plan="annual"),
    )
    fx.post_stripe(client, payload)
    membership = _membership(member)
    assert membership.paid_through_before_processor == base
    assert membership.paid_through_on.year == base.year + 1


def test_subscription_events_in_any_order_give_the_same_dues(client, applicant, django_db_blocker):
    ref = person_ref(applicant.pk)
    events = [
        fx.stripe_event(
            "checkout.session.completed",
            fx.checkout_subscription(
                person_ref=ref, customer="cus_A", subscription="sub_A", day=date(2026, 1, 5)
            ),
        ),
        fx.stripe_event(
            "invoice.paid",
            fx.invoice_paid(
                customer="cus_A", subscription="sub_A", start=date(2026, 1, 5), end=date(2026, 2, 5)
            ),
        ),
        fx.stripe_event(
            "invoice.paid",
            fx.invoice_paid(
                customer="cus_A", subscription="sub_A", start=date(2026, 2, 5), end=date(2026, 3, 5)
            ),
        ),
        fx.stripe_event(
            "customer.subscription.deleted",
            fx.subscription_deleted(customer="cus_A", subscription="sub_A", day=date(2026, 3, 1)),
        ),
    ]
    for payload in events:
        assert fx.post_stripe(client, payload).status_code == 200
    in_order = _snapshot()
    assert _membership(applicant).paid_through_on == date(2026, 3, 4)
    # The invoices name no person: they belong to the person of the checkout, by customer.
    assert set(Payment.objects.values_list("person_id", flat=True)) == {applicant.pk}
    # Again from the start, newest first and each twice.
    Payment.objects.all().delete()
    Membership.objects.filter(person=applicant).update(
        status="pending", paid_through_on=None, dues_from_processor=False
    )
    for payload in [*reversed(events), *events]:
        assert fx.post_stripe(client, payload).status_code == 200
    assert _snapshot() == in_order


def test_a_full_refund_takes_back_the_period_it_paid_for(client, applicant):
    ref = person_ref(applicant.pk)
    first = fx.checkout_payment(person_ref=ref, day=date(2026, 1, 5), payment_intent="pi_first")
    second = fx.checkout_payment(person_ref=ref, day=date(2026, 2, 5), payment_intent="pi_second")
    for obj in (first, second):
        fx.post_stripe(client, fx.stripe_event("checkout.session.completed", obj))
    assert _membership(applicant).paid_through_on == date(2026, 3, 4)
    partial = fx.charge_refunded(
        payment_intent="pi_second", amount=1500, refunded=500, day=date(2026, 2, 10)
    )
    fx.post_stripe(client, fx.stripe_event("charge.refunded", partial))
    assert _membership(applicant).paid_through_on == date(2026, 3, 4)  # a partial refund
    full = dict(partial, amount_refunded=1500, refunded=True)
    fx.post_stripe(client, fx.stripe_event("charge.refunded", full))
    assert _membership(applicant).paid_through_on == date(2026, 2, 4)
    refunded = Payment.objects.get(payment_ref="pi_second", kind="payment")
    assert refunded.refunded and refunded.covered_through is None
    assert refunded.person_id == applicant.pk
    assert Payment.objects.filter(kind="refund", person=applicant).count() == 2


def test_a_refund_that_arrives_before_its_payment_still_takes_it_back(client, applicant):
    ref = person_ref(applicant.pk)
    payment = fx.checkout_payment(person_ref=ref, day=date(2026, 1, 5), payment_intent="pi_early")
    refund = fx.charge_refunded(
        payment_intent="pi_early", amount=1500, refunded=1500, day=date(2026, 1, 6)
    )
    fx.post_stripe(client, fx.stripe_event("charge.refunded", refund))
    assert Payment.objects.get().person_id is None  # nobody yet: nothing ties it to a person
    fx.post_stripe(client, fx.stripe_event("checkout.session.completed", payment))
    membership = _membership(applicant)
    assert membership.paid_through_on is None
    assert not membership.is_in_good_standing(as_of=date(2026, 1, 10))
    assert set(Payment.objects.values_list("person_id", flat=True)) == {applicant.pk}


def test_a_bad_signature_is_refused_logged_without_personal_data_and_changes_nothing(
    client, applicant, caplog
):
    payload = fx.stripe_event(
        "checkout.session.completed",
        fx.checkout_payment(
            person_ref=person_ref(applicant.pk), email=applicant.email, day=date(2026, 1, 5)
        ),
    )
    before = _snapshot()
    with caplog.at_level(logging.WARNING):
        wrong_secret = fx.post_stripe(client, payload, secret="whsec_someone_else")
        unsigned = client.post(
            "/people/payments/stripe/webhook/", data=payload, content_type="application/json"
        )
        tampered = client.post(
            "/people/payments/stripe/webhook/",
            data=payload.replace("1500", "150000"),
            content_type="application/json",
            **fx.stripe_headers(payload),
        )
    assert wrong_secret.status_code == unsigned.status_code == tampered.status_code == 400
    assert _snapshot() == before and not Payment.objects.exists()
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 3
    assert all(applicant.email not in line and "bloc-" not in line for line in refused)


def test_an_unconfigured_or_unknown_processor_is_a_404(client):
    with override_settings(BLOC_STRIPE_WEBHOOK_SECRET=""):
        hook = client.post("/people/payments/stripe/webhook/", {})
        assert hook.status_code == 404
    assert client.post("/people/payments/paypal/webhook/", {}).status_code == 404
    assert client.get("/people/payments/stripe/webhook/").status_code == 405


def test_an_unmatched_payment_is_kept_for_staff_and_matched_by_email_otherwise(client):
    person = create_person(actor=None, email="ash.payer@example.org")
    by_email = fx.checkout_payment(email="ASH.payer@example.org", day=date(2026, 1, 5))
    nobody = fx.checkout_payment(email="stranger@example.org", day=date(2026, 1, 5))
    forged = fx.checkout_payment(
        person_ref=f"bloc-{person.pk}-ffffffffffffffff",
        email="other@example.org",
        day=date(2026, 1, 5),
    )
    for obj in (by_email, nobody, forged):
        fx.post_stripe(client, fx.stripe_event("checkout.session.completed", obj))
    assert Payment.objects.filter(person=person).count() == 1
    assert Payment.objects.filter(person__isnull=True).count() == 2
    # A payment from someone with no membership makes one: dues are joining.
    membership = _membership(person)
    assert membership.status == "active" and membership.joined_on == date(2026, 1, 5)


def test_a_payment_to_a_merged_record_counts_for_the_survivor(client, personas):
    from bloc.people.services import merge_people

    survivor = create_person(actor=None, email="kit.survivor@example.org")
    twin = create_person(actor=None, email="kit.twin@example.org")
    merge_people(actor=None, survivor=survivor, merged=twin)
    obj = fx.checkout_payment(person_ref=person_ref(twin.pk), day=date(2026, 1, 5))
    fx.post_stripe(client, fx.stripe_event("checkout.session.completed", obj))
    assert Payment.objects.get().person_id == survivor.pk
    assert _membership(survivor).paid_through_on == date(2026, 2, 4)


# --- ActBlue ----------------------------------------------------------------------------------


def test_actblue_contributions_and_refunds_with_basic_auth(client, applicant):
    ref = person_ref(applicant.pk)
    january = fx.actblue_body(order="AB1", item=11, refcode=ref, paid="2026-01-05T10:00:00-05:00")
    february = fx.actblue_body(order="AB2", item=12, refcode=ref, paid="2026-02-05T10:00:00-05:00")
    assert fx.post_actblue(client, january).status_code == 200
    assert fx.post_actblue(client, february).status_code == 200
    assert fx.post_actblue(client, february).json()["repeated"] == 1
    membership = _membership(applicant)
    assert (membership.status, membership.paid_through_on) == ("active", date(2026, 3, 4))
    refund = fx.actblue_body(
        order="AB2", item=12, refcode=ref, refunded="2026-02-07T10:00:00-05:00"
    )
    assert fx.post_actblue(client, refund).status_code == 200
    assert _membership(applicant).paid_through_on == date(2026, 2, 4)


def test_actblue_matches_the_donor_email_and_a_one_time_gift_pays_a_year(client):
    person = create_person(actor=None, email="sage.donor@example.org")
    body = fx.actblue_body(
        order="AB9",
        item=90,
        email="sage.donor@example.org",
        period="once",
        paid="2026-04-01T09:00:00-04:00",
    )
    fx.post_actblue(client, body)
    assert _membership(person).paid_through_on == date(2027, 3, 31)


def test_actblue_without_the_right_credentials_is_refused_and_changes_nothing(
    client, applicant, caplog
):
    body = fx.actblue_body(order="AB3", item=13, refcode=person_ref(applicant.pk))
    with caplog.at_level(logging.WARNING):
        wrong = fx.post_actblue(client, body, **fx.actblue_auth(password="guess"))
        none = client.post(
            "/people/payments/actblue/webhook/", data=body, content_type="application/json"
        )
        garbage = fx.post_actblue(client, body, HTTP_AUTHORIZATION="Basic !!!")
    assert wrong.status_code == none.status_code == garbage.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Basic")
    assert not Payment.objects.exists()
    assert _membership(applicant).status == "pending"
    assert len([r for r in caplog.records if "refused" in r.getMessage()]) == 3
    malformed = fx.post_actblue(client, '{"contribution": {}}')
    assert malformed.status_code == 400 and not Payment.objects.exists()


def test_person_records_never_hold_card_data():
    fields = {f.name for f in Payment._meta.get_fields()}
    assert not {"card", "card_number", "last4", "cvc", "exp_month"} & fields
