"""Authorization rows for coalition URLs.

`world(p)` builds the liaison's own organization (relationship owned by chapter A) and another one
owned by chapter B, which the liaison and organizer A must not reach.
"""

from django.urls import reverse

from bloc.coalition.tests.world import MATRIX_KIND, shared_world, signed_world, world
from bloc.core.authz import Row, expect

STAFF = {"admin": 200, "organizer_a": 200, "organizer_b": 200}
STAFF_AND_LIAISON = {**STAFF, "liaison": 200}


def _u(name, *args):
    return reverse(f"coalition:{name}", args=args)


ROWS = [
    Row("coalition:partner-list", lambda p: _u("partner-list"), expect(**STAFF_AND_LIAISON)),
    Row(
        "coalition:partner-export",
        lambda p: _u("partner-export"),
        expect(**STAFF_AND_LIAISON),
        note="the liaison's file holds only their organization",
    ),
    Row(
        "coalition:contract-export",
        lambda p: _u("contract-export"),
        expect(**STAFF_AND_LIAISON),
    ),
    Row("coalition:partner-create", lambda p: _u("partner-create"), expect(**STAFF)),
    Row(
        "coalition:partner-detail",
        lambda p: _u("partner-detail", world(p).other.pk),
        expect(**STAFF),
        note="another organization: the liaison gets 404",
    ),
    Row(
        "coalition:partner-detail",
        lambda p: _u("partner-detail", world(p).own.pk),
        expect(**STAFF_AND_LIAISON),
        note="the liaison's own organization",
    ),
    Row(
        "coalition:partner-edit",
        lambda p: _u("partner-edit", world(p).other.pk),
        expect(admin=200, organizer_b=200),
        note="chapter B owns the relationship",
    ),
    Row(
        "coalition:partner-edit",
        lambda p: _u("partner-edit", world(p).own.pk),
        expect(admin=200, organizer_a=200, liaison=200),
        note="the liaison edits their own record",
    ),
    Row(
        "coalition:contact-add",
        lambda p: _u("contact-add", world(p).other.pk),
        expect(admin=302, organizer_b=302),
        method="post",
        note="invalid form: a message, nothing written",
    ),
    Row(
        "coalition:contact-remove",
        lambda p: _u("contact-remove", world(p).other.pk, world(p).other_contact.pk),
        expect(admin=302),
        method="post",
        note="admin removes it; after that nobody finds it",
    ),
    Row(
        "coalition:commitment-create",
        lambda p: _u("commitment-create", world(p).other.pk),
        expect(admin=200, organizer_b=200),
    ),
    Row(
        "coalition:statement-public",
        lambda p: reverse("coalition:statement-public", args=[signed_world(p)[0].slug]),
        expect(anon=200, default=200),
        note="the public sign-on wall",
    ),
    Row("coalition:statement-list", lambda p: _u("statement-list"), expect(**STAFF)),
    Row(
        "coalition:sign-on-create",
        lambda p: _u("sign-on-create", world(p).other.pk),
        expect(admin=302, organizer_b=302),
        method="post",
        note="invalid form: a message, nothing written",
    ),
    Row(
        "coalition:sign-on-confirm",
        lambda p: _u("sign-on-confirm", signed_world(p)[1].pk),
        expect(admin=302, organizer_a=302, organizer_b=302),
        method="post",
        note="any organizer confirms authority; after the first, a message",
    ),
    Row(
        "coalition:sign-on-withdraw",
        lambda p: _u("sign-on-withdraw", signed_world(p)[1].pk),
        expect(admin=302, organizer_b=302),
        method="post",
        note="chapter B owns the relationship",
    ),
    Row("coalition:relationship-board", lambda p: _u("relationship-board"), expect(**STAFF)),
    Row(
        "coalition:relationship-detail",
        lambda p: _u("relationship-detail", world(p).other.relationship.pk),
        expect(admin=200, organizer_b=200),
    ),
    Row(
        "coalition:relationship-move",
        lambda p: _u("relationship-move", world(p).other.relationship.pk),
        expect(admin=302, organizer_b=302),
        method="post",
        data={"stage": "researched"},
        note="the second move to the same stage is refused with a message",
    ),
    Row(
        "coalition:relationship-owner",
        lambda p: _u("relationship-owner", world(p).other.relationship.pk),
        expect(admin=302, organizer_b=302),
        method="post",
        note="invalid form: a message, nothing written",
    ),
    Row(
        "coalition:interaction-create",
        lambda p: _u("interaction-create", world(p).other.relationship.pk),
        expect(admin=400, organizer_b=400),
        method="post",
        note="empty form is shown again with errors",
    ),
    Row(
        "coalition:interaction-done",
        lambda p: _u("interaction-done", world(p).other_interaction.pk),
        expect(admin=302, organizer_b=302),
        method="post",
    ),
    Row("coalition:next-step-list", lambda p: _u("next-step-list"), expect(**STAFF)),
    Row("coalition:contract-list", lambda p: _u("contract-list"), expect(**STAFF_AND_LIAISON)),
    Row(
        "coalition:contract-calendar",
        lambda p: _u("contract-calendar"),
        expect(**STAFF_AND_LIAISON),
    ),
    Row("coalition:contract-create", lambda p: _u("contract-create"), expect(**STAFF)),
    Row(
        "coalition:contract-detail",
        lambda p: _u("contract-detail", world(p).other_contract.pk),
        expect(**STAFF),
    ),
    Row(
        "coalition:contract-detail",
        lambda p: _u("contract-detail", world(p).own_contract.pk),
        expect(**STAFF_AND_LIAISON),
        note="the liaison's own contract",
    ),
    Row(
        "coalition:contract-edit",
        lambda p: _u("contract-edit", world(p).own_contract.pk),
        expect(**STAFF),
    ),
    Row("coalition:f7-import", lambda p: _u("f7-import"), expect(admin=200)),
    Row(
        "coalition:f7-import-detail",
        lambda p: _u("f7-import-detail", world(p).f7_run.pk),
        expect(admin=200),
    ),
    Row("coalition:commitment-list", lambda p: _u("commitment-list"), expect(**STAFF_AND_LIAISON)),
    Row(
        "coalition:commitment-detail",
        lambda p: _u("commitment-detail", world(p).other_commitment.pk),
        expect(admin=200, organizer_b=200),
    ),
    Row(
        "coalition:commitment-move",
        lambda p: _u("commitment-move", world(p).other_commitment.pk),
        expect(admin=302, organizer_b=302),
        method="post",
        note="invalid form: a message, nothing written",
    ),
    Row(
        "coalition:agreement-list",
        lambda p: _u("agreement-list", shared_world(p).partner_id),
        expect(admin=200),
        note="agreements bind the organization: national admins only",
    ),
    Row(
        "coalition:agreement-revoke",
        lambda p: _u("agreement-revoke", shared_world(p).pk),
        expect(admin=302),
        method="post",
        data={"reason": "The partner asked to end it."},
        note="after the admin revokes it, a second revocation is refused with a message",
    ),
    Row(
        "coalition:shared-data-list",
        lambda p: _u("shared-data-list", shared_world(p).partner_id),
        expect(admin=200, liaison=200),
        note="organizers see the partner but not what is shared with it",
    ),
    Row(
        "coalition:shared-data-list",
        lambda p: (shared_world(p), _u("shared-data-list", world(p).other.pk))[1],
        expect(admin=200),
        note="another organization: the liaison gets 404",
    ),
    Row(
        "coalition:shared-data-detail",
        lambda p: _u("shared-data-detail", shared_world(p).partner_id, MATRIX_KIND),
        expect(admin=200, liaison=200),
        note="under an agreement in force",
    ),
    Row(
        "coalition:shared-data-detail",
        lambda p: (shared_world(p), _u("shared-data-detail", world(p).other.pk, MATRIX_KIND))[1],
        expect(),
        note="no agreement with the other organization: 404 even for the admin",
    ),
    Row(
        "coalition:shared-data-export",
        lambda p: _u("shared-data-export", shared_world(p).partner_id, MATRIX_KIND),
        expect(admin=200, liaison=200),
    ),
]
