"""What a stolen database dump reveals: who voted, never how."""

import io
import json

from django.apps import apps
from django.db import connection, models

from bloc.democracy import crypto
from bloc.democracy.models import Participation, SealedBallot
from bloc.democracy.tests.helpers import in_box, opened, vote


def _dump() -> str:
    """Every row of every table in the database, as text (binary columns as hex)."""
    out = io.StringIO()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                cells = [
                    bytes(v).hex() if isinstance(v, bytes | memoryview) else str(v) for v in row
                ]
                out.write(f"{table}: {' | '.join(cells)}\n")
    return out.getvalue()


def test_the_box_has_no_voter_no_time_and_random_keys():
    for model in (SealedBallot, Participation):
        fields = model._meta.get_fields()
        assert isinstance(model._meta.pk, models.UUIDField)
        assert not [f for f in fields if isinstance(f, models.DateField | models.DateTimeField)]
    related = {f.related_model for f in SealedBallot._meta.get_fields() if f.is_relation}
    assert related == {apps.get_model("democracy", "Ballot")}


def test_every_ciphertext_has_the_same_length(personas):
    ballot, _ = opened(method="stv", seats=2)
    vote(ballot, personas.person_member_a, [0])
    vote(ballot, personas.person_member_b, [3, 2, 1, 0])
    in_box(ballot)
    sizes = {len(bytes(c)) for c in SealedBallot.objects.values_list("ciphertext", flat=True)}
    assert sizes == {crypto.CIPHERTEXT_SIZE}


def test_a_dump_of_every_table_holds_no_choice_and_no_private_key(personas):
    ballot, shares = opened(method="irv")
    ranking = [3, 1, 0, 2]
    vote(ballot, personas.person_member_a, ranking)
    in_box(ballot)
    dump = _dump()
    private = crypto.combine_shares(
        shares[:2], threshold=ballot.trustee_threshold, public_hex=ballot.public_key
    )
    raw = bytes(private)
    for secret in (raw.hex(), raw[:16].hex(), raw[16:].hex(), *shares):
        assert secret not in dump
    assert "democracy_sealedballot" in dump and "democracy_voterrollentry" in dump
    assert json.dumps(ranking, separators=(",", ":")) not in dump
    assert crypto.encode_choice(ranking).hex() not in dump
    # The box only opens with the key rebuilt from trustee shares.
    (ciphertext,) = SealedBallot.objects.filter(ballot=ballot).values_list("ciphertext", flat=True)
    assert crypto.encode_choice(ranking) not in bytes(ciphertext)
    assert crypto.unseal(bytes(ciphertext), private=private) == ranking


def test_closing_rewrites_the_box_so_row_order_is_not_casting_order(personas):
    from bloc.democracy.tests.helpers import counted

    ballot, shares = opened()
    trackers = [
        vote(ballot, personas.person_member_a, [0]),
        vote(ballot, personas.person_member_b, [1]),
    ]
    ids_before = set(SealedBallot.objects.values_list("id", flat=True))
    ballot = counted(ballot, shares, certify=False)
    assert set(SealedBallot.objects.values_list("tracker", flat=True)) == set(trackers)
    assert not ids_before & set(SealedBallot.objects.values_list("id", flat=True))
    assert len(ballot.board_fingerprint) == 64
