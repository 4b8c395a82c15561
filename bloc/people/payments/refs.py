"""The person reference a payment page carries back to us (Stripe's client_reference_id,
ActBlue's refcode): the person's id with a keyed hash, so nobody can forge another person's."""

import re

from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "bloc.people.payments.person-ref"
_REF = re.compile(r"^bloc-(\d{1,18})-([0-9a-f]{16})$")


def _mac(pk: int) -> str:
    return salted_hmac(_SALT, str(pk)).hexdigest()[:16]


def person_ref(person_id: int) -> str:
    """Letters, digits and dashes only (Stripe and ActBlue accept it in a URL parameter)."""
    return f"bloc-{person_id}-{_mac(person_id)}"


def read_person_ref(ref: str) -> int | None:
    """The person id of a genuine reference; None for anything else."""
    match = _REF.match((ref or "").strip())
    if not match:
        return None
    pk = int(match.group(1))
    return pk if constant_time_compare(match.group(2), _mac(pk)) else None
