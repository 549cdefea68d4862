"""Aggregate statistics: what is counted, and which actor reports it under a plan version.
Only counts; never anything about an individual."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from handlingskraft.privacy import validate_no_personal_number
from organisations.models import Actor, Municipality
from plans.models import PlanVersion

from .catalogue import NATIONAL_STATISTICS


class Gender(models.TextChoices):
    GIRLS = "girls", _("Girls")
    BOYS = "boys", _("Boys")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    OTHER = "other", _("Other or non-binary")
    UNKNOWN = "unknown", _("Unknown")


class AgeBand(models.TextChoices):
    AGE_0_12 = "0-12", "0–12"
    AGE_13_17 = "13-17", "13–17"
    AGE_18_25 = "18-25", "18–25"
    AGE_26_64 = "26-64", "26–64"
    AGE_65 = "65+", "65+"


class Statistic(models.Model):
    """Something counted every year: national ones have no municipality."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="statistics"
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=250)
    definition = models.TextField(
        _("definition"), blank=True, validators=[validate_no_personal_number]
    )
    by_gender = models.BooleanField(_("split by gender"), default=True)
    by_age = models.BooleanField(_("split by age band"), default=True)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality_id", "position", "name"]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="statistic_code_unique_in_municipality"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(municipality__isnull=True),
                name="statistic_code_unique_nationally",
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        """National statistics are translated; a municipality's own read as written."""
        if self.municipality_id is None and self.code in NATIONAL_STATISTICS:
            return NATIONAL_STATISTICS[self.code][0]
        return self.name

    def genders(self) -> list[str]:
        return list(Gender.values) if self.by_gender else [""]

    def age_bands(self) -> list[str]:
        return list(AgeBand.values) if self.by_age else [""]


class StatisticAssignment(models.Model):
    """The plan version says which actor reports which statistic."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="statistic_assignments"
    )
    statistic = models.ForeignKey(
        Statistic, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("statistic")
    )
    actor = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="statistic_assignments",
        verbose_name=_("actor"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["statistic__position", "statistic__name", "actor__name"]
        verbose_name = _("statistic to report")
        verbose_name_plural = _("statistics to report")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "statistic", "actor"], name="statistic_assigned_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statistic} – {self.actor}"
