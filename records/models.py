"""What the audit trail holds besides the change history of the data itself (which
django-simple-history keeps next to each tracked model): events that change nothing but must be
traceable — sign-ins, exports, publications, backups."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Municipality


class AuditEvent(models.Model):
    """Someone did something that leaves no change behind: signed in, took data out, …"""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        EXPORT = "export", _("Export")
        PUBLISH = "publish", _("Publication")
        BACKUP = "backup", _("Backup")
        RESTORE = "restore", _("Restore from backup")

    # Events outlive what they refer to: a deleted user or municipality leaves them in place.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Who, as they were called then: still readable after the account is gone.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    description = models.CharField(_("concerns"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="audit_event_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.username}"

    def detail_items(self) -> list[tuple[str, str]]:
        """The details worth showing, with their names in words."""
        return [
            (str(label), str(self.details[key]))
            for key, label in DETAIL_LABELS.items()
            if self.details.get(key) not in (None, "")
        ]


DETAIL_LABELS = {
    "format": _("format"),
    "file": _("file"),
    "username": _("user name"),
}
