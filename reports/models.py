"""Published follow-up reports (frozen) and the introductory texts of a plan's documents."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from followup.models import FollowUpRound
from handlingskraft.privacy import validate_no_personal_number
from plans.models import PlanVersion


class PublishedReport(models.Model):
    """A follow-up report as it was published: its content is frozen with small counts already
    hidden, so later changes to the answers never alter it. Publishing again makes the next
    number and keeps this one."""

    round = models.ForeignKey(
        FollowUpRound,
        on_delete=models.PROTECT,
        related_name="published_reports",
        verbose_name=_("follow-up round"),
    )
    number = models.PositiveIntegerField(_("number"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    language = models.CharField(_("language"), max_length=10)
    content = models.JSONField(_("content"))
    # Never shown: the exact grid and mask of each protected table as published, by key, so a
    # later publication can be audited together with this one (reports.disclosure).
    disclosure = models.JSONField(default=dict, blank=True)
    # The state of the round the coordinator confirmed publishing (reports.queries.
    # publication_stamp): the same confirmation sent again shows this report instead of
    # making the next number. Empty when published without a confirmation page.
    source_stamp = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["round", "-number"]
        verbose_name = _("published report")
        verbose_name_plural = _("published reports")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"], name="report_number_once_per_round"
            ),
            models.UniqueConstraint(
                fields=["round", "source_stamp"],
                condition=~models.Q(source_stamp=""),
                name="report_once_per_confirmed_state",
            ),
        ]

    def __str__(self) -> str:
        return _("%(round)s, report %(number)s") % {"round": self.round, "number": self.number}

    def save(self, *args, **kwargs):
        if self.pk and "update_fields" not in kwargs:
            raise ValidationError(_("A published report cannot be changed; publish a new one."))
        super().save(*args, **kwargs)


class PublishedReportFile(models.Model):
    """A published report as a file, rendered the first time it is asked for and then kept:
    everyone who downloads it gets the same bytes, and a large report is drawn only once."""

    report = models.ForeignKey(PublishedReport, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=8)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "format"], name="report_file_once_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.format})"


class PlanTextSection(models.Model):
    """An introductory text of the plan document (background, purpose, definitions …),
    written per version and editable while the version is a draft."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="text_sections")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("heading"), max_length=200)
    body = models.TextField(
        _("text"),
        blank=True,
        validators=[validate_no_personal_number],
        help_text=_("Separate paragraphs with an empty line."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("text section")
        verbose_name_plural = _("text sections")

    def __str__(self) -> str:
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [
            part.strip() for part in self.body.replace("\r\n", "\n").split("\n\n") if part.strip()
        ]
