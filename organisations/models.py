"""Who can carry responsibility in a plan, and who uses the system."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Municipality(models.Model):
    """The tenant: every plan, actor and user belongs to exactly one."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("municipality code"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("A municipality code has four digits."))],
        help_text=_("Four digits, e.g. 0580."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Actor(models.Model):
    """Anyone who can carry responsibility: a board, an administration, a partner …"""

    class Kind(models.TextChoices):
        BOARD = "board", _("Board")
        ADMINISTRATION = "administration", _("Administration")
        UNIT = "unit", _("Unit")
        COMPANY = "company", _("Municipal company")
        EXTERNAL = "external", _("External partner")
        WORKING_GROUP = "working_group", _("Working group")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="actors",
        verbose_name=_("municipality"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=40, blank=True, help_text=_("Abbreviation, e.g. SOC.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="actor_name_unique_in_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_external(self) -> bool:
        return self.kind == self.Kind.EXTERNAL


class UserHistory(HistoricalRecords):
    """The trail of accounts: who changed whose role, actors or access. Signing in saves the
    time of the last sign-in and nothing else; that is in the event log, not a change."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= {"last_login"}:
            return
        super().post_save(instance, created, using=using, **kwargs)


class User(AbstractUser):
    """A person signing in. Belongs to one municipality and has one role there."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        REPORTER = "reporter", _("Reporter")
        READER = "reader", _("Reader")
        ADMINISTRATOR = "administrator", _("Administrator")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READER)
    actors = models.ManyToManyField(
        Actor,
        blank=True,
        related_name="reporters",
        verbose_name=_("reports for"),
        help_text=_("The actors this person answers follow-ups for (reporters)."),
    )

    # Passwords (even hashed) stay out of the trail; that a password was set shows as a save.
    history = UserHistory(excluded_fields=["password", "last_login"], m2m_fields=["actors"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
