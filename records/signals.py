"""Receivers: sign-ins into the event log, and one history row per object per request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from .models import AuditEvent
from .services import audit_event_record


@receiver(user_logged_in, dispatch_uid="records_sign_in")
def sign_in_recorded(sender, request, user, **kwargs):
    audit_event_record(user=user, action=AuditEvent.Action.SIGN_IN, description=str(user))


@receiver(user_login_failed, dispatch_uid="records_sign_in_failed")
def sign_in_failure_recorded(sender, credentials, request=None, **kwargs):
    """A failed sign-in with a known user name counts against that user's municipality. What
    was typed as a user name is not kept when it matches nobody: it may be a password typed in
    the wrong field."""
    User = get_user_model()
    username = credentials.get(User.USERNAME_FIELD) or credentials.get("username") or ""
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    audit_event_record(
        user=None,
        action=AuditEvent.Action.SIGN_IN_FAILED,
        description=str(user) if user else "",
        municipality=user.municipality if user else None,
        details={"username": user.get_username()} if user else {},
    )


@receiver(post_create_historical_record, dispatch_uid="records_one_row_per_request")
def history_squashed(sender, instance, history_instance, **kwargs):
    """One request, one row per object. Saving a form writes an object and then each of its
    many-to-many fields, and simple-history records every step; the steps are one change by one
    person, so the row just written replaces the row this request wrote before for the same
    object (a "created" stays "created"). The previous row, from an earlier request, stays and
    is what the change is compared with."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None or history_instance.history_type == "-":
        return
    written = request.__dict__.setdefault("_records_history_rows", {})
    key = (sender, getattr(history_instance, instance._meta.pk.attname))
    earlier = written.get(key)
    written[key] = history_instance
    if earlier is None or history_instance.history_type != "~" or earlier.history_type == "-":
        return
    for field in sender._history_m2m_fields:
        getattr(sender, field.name).model.objects.filter(history=earlier.pk).delete()
    sender.objects.filter(pk=earlier.pk).delete()
    if earlier.history_type == "+":
        sender.objects.filter(pk=history_instance.pk).update(history_type="+")
        history_instance.history_type = "+"
