"""Writes to the audit trail: events, and history rows for data written in bulk."""

from collections.abc import Sequence

from django.db import models, router, transaction
from django.db.models import sql
from django.db.models.deletion import Collector
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_manager_for_model

from organisations.models import Municipality

from .models import AuditEvent

# history_change_reason of rows the trail writes itself, so the pages can say what they are.
REASON_BASELINE = "baseline"  # the state of existing data when the trail was switched on
REASON_RESTORE = "restore"  # written by restore_municipality


def audit_event_record(
    *,
    user,
    action: str,
    description: str,
    municipality: Municipality | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Log something that changes no data but must be traceable (a sign-in, an export …).
    The municipality defaults to the user's."""
    action = AuditEvent.Action(action)  # an unknown action is a programming error
    if user is not None and not user.is_authenticated:
        user = None
    municipality_id = municipality.pk if municipality is not None else None
    if municipality_id is None and user is not None:
        municipality_id = user.municipality_id
    return AuditEvent.objects.create(
        municipality_id=municipality_id,
        user=user,
        username=user.get_username() if user is not None else "",
        action=action,
        description=description[: AuditEvent._meta.get_field("description").max_length],
        details=details or {},
    )


def history_records_create(
    *,
    objs: Sequence[models.Model],
    model: type[models.Model],
    update: bool = False,
    deleted: bool = False,
    user=None,
    reason: str = "",
) -> list[models.Model]:
    """History rows for objects written with bulk_create or bulk_update (which send no signals,
    so django-simple-history sees nothing): one row each, "created", with `update` "changed" or
    with `deleted` "deleted" (before deleting them), carrying the many-to-many sets as they
    stand in the database now. Call it after the last write to the objects and their
    many-to-many sets, in the same transaction. Without `user`
    the signed-in user of the current request is recorded. A fixed number of queries: one,
    plus two per many-to-many field the history keeps."""
    if not objs:
        return []
    manager = get_history_manager_for_model(model)
    history = manager.model
    records = manager.bulk_history_create(
        objs, update=update, default_user=user, default_change_reason=reason
    )
    if not records:  # history switched off (SIMPLE_HISTORY_ENABLED = False)
        return []
    if deleted:  # simple-history's bulk writer knows only "created" and "changed"
        history.objects.filter(pk__in=[record.pk for record in records]).update(history_type="-")
        for record in records:
            record.history_type = "-"
    pk_name = model._meta.pk.attname
    by_object = {getattr(record, pk_name): record for record in records}
    for field in history._history_m2m_fields:
        m2m_history = getattr(history, field.name).model
        through = field.remote_field.through
        source = field.m2m_field_name()
        through_fields = [f.attname for f in through._meta.concrete_fields]
        rows = through.objects.filter(**{f"{source}_id__in": list(by_object)})
        m2m_history.objects.bulk_create(
            m2m_history(
                history=by_object[getattr(row, f"{source}_id")],
                **{name: getattr(row, name) for name in through_fields},
            )
            for row in rows
        )
    return records


def delete_with_history(*, obj: models.Model) -> None:
    """Delete `obj` and everything that goes with it as obj.delete() would (the same cascades,
    SET_NULLs and PROTECT refusals: Django's Collector finds them) and with the same "deleted"
    rows in the audit trail, but a table at a time. obj.delete() writes one history row per
    deleted row with its own queries, which for a big plan version takes seconds, all of them
    holding the write lock of an SQLite database. Differences: the "deleted" rows keep their
    many-to-many sets (obj.delete() removes the links first), and no pre_delete or post_delete
    signal is sent, so use it only where the audit trail is all that listens."""
    using = router.db_for_write(type(obj))
    with transaction.atomic(using=using, savepoint=False):  # all or nothing, as obj.delete()
        collector = Collector(using=using, origin=obj)
        collector.collect([obj])
        collector.sort()  # rows that refer to others first, as obj.delete() deletes them
        for model, instances in collector.data.items():
            try:
                get_history_manager_for_model(model)
            except NotHistoricalModelError:
                continue
            history_records_create(objs=list(instances), model=model, deleted=True)
        # The statements Collector.delete() runs, without its signals for each row.
        for queryset in collector.fast_deletes:
            queryset._raw_delete(using=using)
        for (field, value), updates in collector.field_updates.items():
            for instances in updates:
                if isinstance(instances, models.QuerySet):
                    instances.update(**{field.name: value})
                else:
                    pks = [instance.pk for instance in instances]
                    field.model._base_manager.using(using).filter(pk__in=pks).update(
                        **{field.name: value}
                    )
        for model, instances in collector.data.items():
            sql.DeleteQuery(model).delete_batch([instance.pk for instance in instances], using)
