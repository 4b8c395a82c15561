"""One plain INSERT for a new model instance, for write paths hit thousands of times a minute."""

import functools
from typing import NamedTuple, TypeVar

from django.db import connections, models
from django.db.models import signals

M = TypeVar("M", bound=models.Model)


class _Statement(NamedTuple):
    sql: str
    fields: list[models.Field]
    generated: bool  # the key comes from the database
    returning: bool  # ... and the INSERT reads it back


@functools.cache
def _statement(model: type[models.Model], using: str) -> _Statement:
    meta = model._meta
    # What insert() skips must not matter for this model: checked once per model and process
    # (receivers connect when the apps load, before any request).
    if meta.parents or model.save is not models.Model.save:
        raise TypeError(f"{meta.label} has parent tables or its own save(): use save()")
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        raise TypeError(f"{meta.label} has save signal receivers: use save()")
    for field in meta.concrete_fields:
        if getattr(field, "generated", False):
            raise TypeError(f"{meta.label}.{field.name} is a generated column: use save()")
        if field.has_db_default():
            raise TypeError(f"{meta.label}.{field.name} has a db_default: use save()")
    connection = connections[using]
    quote = connection.ops.quote_name
    pk = meta.pk
    assert pk is not None
    generated = isinstance(pk, models.AutoField)  # also BigAutoField, SmallAutoField
    fields = [f for f in meta.concrete_fields if not (generated and f.primary_key)]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    returning = generated and connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {quote(str(pk.column))}"
    return _Statement(sql, fields, generated, returning)


def insert(obj: M, *, using: str = "default") -> M:
    """Write ``obj`` as a new row, as ``obj.save()`` would for a plain model: defaults and
    ``auto_now_add`` applied (each field's ``pre_save``), values prepared by the fields, a
    generated key read back. It skips what such a model does not need and what costs the
    most CPU on a hot path: the pre/post-save signals, parent tables, the SQL compiler. So
    only for models without parents, without their own save(), and with nothing listening
    to their saves."""
    connection = connections[using]
    statement = _statement(type(obj), using)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in statement.fields]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        if statement.returning:
            obj.pk = cursor.fetchone()[0]
        elif statement.generated:
            obj.pk = cursor.lastrowid
    obj._state.adding = False
    obj._state.db = using
    return obj
