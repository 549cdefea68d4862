"""The yearly follow-up: a round per plan version and year, one questionnaire per responsible
actor, and the answers it gives."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from handlingskraft.privacy import validate_no_personal_number
from organisations.models import Actor
from plans.models import YEAR_VALIDATORS, Activity, Indicator, PlanVersion, Term
from stats.models import AgeBand, Gender, Statistic

FREE_TEXT = [validate_no_personal_number]
COUNT_VALIDATORS = [MinValueValidator(0, _("A count cannot be negative."))]


class FollowUpRound(models.Model):
    """The follow-up of one adopted plan version for one year."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("plan version")
    )
    year = models.PositiveSmallIntegerField(_("year followed up"), validators=YEAR_VALIDATORS)
    opens_on = models.DateField(_("opens"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    message = models.TextField(_("message to the reporters"), blank=True, validators=FREE_TEXT)
    reminder_days_before = models.CharField(
        _("reminders before the deadline (days)"),
        max_length=60,
        default="7,1",
        help_text=_("Days before the deadline, separated by commas, e.g. 7,1."),
    )
    reminder_days_after = models.CharField(
        _("reminders after the deadline (days)"),
        max_length=60,
        default="1,7",
        help_text=_("Days after the deadline, separated by commas, e.g. 1,7."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("follow-up round")
        verbose_name_plural = _("follow-up rounds")
        constraints = [
            models.UniqueConstraint(fields=["version", "year"], name="one_round_per_version_year")
        ]

    def __str__(self) -> str:
        return _("Follow-up %(year)s of %(plan)s") % {"year": self.year, "plan": self.version}

    def clean(self):
        if self.deadline and self.opens_on and self.deadline < self.opens_on:
            raise ValidationError({"deadline": _("The deadline cannot be before the round opens.")})
        for field in ("reminder_days_before", "reminder_days_after"):
            try:
                parse_days(getattr(self, field))
            except ValueError:
                raise ValidationError(
                    {field: _("Write whole numbers of days separated by commas, e.g. 7,1.")}
                ) from None

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def close(self) -> None:
        self.status = self.Status.CLOSED
        self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_at"])

    def reopen(self, deadline) -> None:
        """Open a closed round again until `deadline`: actors who have not submitted can
        answer again (followup.services.round_reopen moves their deadlines)."""
        if self.is_open:
            raise ValidationError(_("The round is already open."))
        if deadline < self.opens_on:
            raise ValidationError(_("The deadline cannot be before the round opens."))
        self.status = self.Status.OPEN
        self.closed_at = None
        self.deadline = deadline
        self.save(update_fields=["status", "closed_at", "deadline"])


def parse_days(text: str) -> list[int]:
    days = sorted({int(part) for part in text.replace(" ", "").split(",") if part})
    if any(day < 0 or day > 365 for day in days):
        raise ValueError(text)
    return days


class RoundQuestion(models.Model):
    """A question of the coordinator's own, asked of every actor in the round."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One of several choices")
        NUMBER = "number", _("Number")

    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=8, choices=Kind.choices)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For one of several choices: one choice per line.")
    )
    required = models.BooleanField(_("answer required"), default=False)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.choice_list) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one per line.")})


class Questionnaire(models.Model):
    """One actor's part of a round: exactly its own activities, indicators and statistics."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    class PlanFollowUp(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    round = models.ForeignKey(
        FollowUpRound, on_delete=models.CASCADE, related_name="questionnaires"
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="questionnaires", verbose_name=_("actor")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    deadline = models.DateField(_("deadline"))
    # Every save raises the revision; a save based on an older one is refused.
    revision = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    return_comment = models.TextField(_("comment when returned"), blank=True, validators=FREE_TEXT)

    # The standard questions to every actor.
    plan_followed_up = models.CharField(
        _("Has the plan been followed up in your own operational plan and annual report?"),
        max_length=8,
        choices=PlanFollowUp.choices,
        blank=True,
    )
    plan_followed_up_comment = models.TextField(_("comment"), blank=True, validators=FREE_TEXT)
    coordination_needs = models.TextField(
        _("What do you need from the coordination of this work in the future?"),
        blank=True,
        validators=FREE_TEXT,
    )
    other_comments = models.TextField(
        _("Anything else you want to tell us?"), blank=True, validators=FREE_TEXT
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor__name"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["round", "actor"], name="one_questionnaire_per_actor")
        ]

    def __str__(self) -> str:
        return f"{self.actor} – {self.round.year}"

    @property
    def is_editable(self) -> bool:
        return self.round.is_open and self.status in (
            self.Status.NOT_STARTED,
            self.Status.DRAFT,
            self.Status.RETURNED,
        )

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_editable and today > self.deadline

    # One-instance transitions -----------------------------------------------------------

    def touch(self, user) -> None:
        """Record a save: a newer revision, who and when; a first save makes it a draft."""
        self.revision += 1
        self.changed_at = timezone.now()
        self.changed_by = user
        if self.status == self.Status.NOT_STARTED:
            self.status = self.Status.DRAFT

    def submit(self, user) -> None:
        if not self.is_editable:
            raise ValidationError(_("This questionnaire can no longer be submitted."))
        self.touch(user)
        self.status = self.Status.SUBMITTED
        self.submitted_at = timezone.now()
        self.save()

    def send_back(self, user, comment: str) -> None:
        if (
            self.status not in (self.Status.SUBMITTED, self.Status.APPROVED)
            or not self.round.is_open
        ):
            raise ValidationError(
                _("Only a submitted questionnaire in an open round can be returned.")
            )
        self.touch(user)
        self.status = self.Status.RETURNED
        self.return_comment = comment
        self.approved_at = None
        self.save()

    def approve(self, user) -> None:
        if self.status != self.Status.SUBMITTED or not self.round.is_open:
            raise ValidationError(
                _("Only a submitted questionnaire in an open round can be approved.")
            )
        self.touch(user)
        self.status = self.Status.APPROVED
        self.approved_at = timezone.now()
        self.save()


class ActivityAnswer(models.Model):
    """An actor's account of one activity. Each responsible actor gives its own."""

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        ONGOING = "ongoing", _("Ongoing")
        NOT_STARTED = "not_started", _("Not started")
        CANCELLED = "cancelled", _("Cancelled")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="activity_answers"
    )
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="answers")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, blank=True)
    what_was_done = models.TextField(_("what was done"), blank=True, validators=FREE_TEXT)
    levels_reached = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.PREVENTION_LEVEL},
        verbose_name=_("prevention levels reached"),
    )
    groups_reached = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.TARGET_GROUP},
        verbose_name=_("target groups reached"),
    )
    obstacles = models.TextField(_("what hindered the work"), blank=True, validators=FREE_TEXT)
    next_step = models.TextField(_("next step"), blank=True, validators=FREE_TEXT)

    history = HistoricalRecords(m2m_fields=["levels_reached", "groups_reached"])

    class Meta:
        ordering = ["activity__position", "activity_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "activity"], name="one_answer_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.actor}: {self.activity.code}"


class Participants(models.Model):
    """How many took part in an activity, by gender (aggregate only)."""

    answer = models.ForeignKey(
        ActivityAnswer, on_delete=models.CASCADE, related_name="participants"
    )
    gender = models.CharField(max_length=8, choices=Gender.choices)
    count = models.PositiveIntegerField(validators=COUNT_VALIDATORS)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "gender"], name="participants_once_per_gender"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gender}: {self.count}"


class IndicatorAnswer(models.Model):
    """The value an actor reports for an indicator in the round's year."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="indicator_answers"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    year = models.PositiveSmallIntegerField(
        _("the value refers to the year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    numerator = models.PositiveIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("denominator"), null=True, blank=True)
    value_women = models.DecimalField(
        _("value, women and girls"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    value_men = models.DecimalField(
        _("value, men and boys"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True, validators=FREE_TEXT)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "indicator"], name="one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.actor}: {self.indicator.code}"

    def derive_share(self) -> None:
        """A share given as a numerator and a denominator is their quotient: nobody should
        have to work it out, and the value can never disagree with its counts."""
        if self.indicator.unit == Indicator.Unit.SHARE:
            if (share := share_of(self.numerator, self.denominator)) is not None:
                self.value = share


def share_of(numerator: int | None, denominator: int | None) -> Decimal | None:
    """numerator / denominator in per cent with two decimals; None unless both are given and
    the denominator is more than 0 and at least the numerator."""
    if numerator is None or not denominator or numerator > denominator:
        return None
    return (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.01"))


class StatisticCount(models.Model):
    """One cell of a statistic: a count for a gender category and age band."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="statistic_counts"
    )
    statistic = models.ForeignKey(Statistic, on_delete=models.PROTECT, related_name="counts")
    gender = models.CharField(max_length=8, choices=Gender.choices, blank=True)
    age_band = models.CharField(max_length=6, choices=AgeBand.choices, blank=True)
    count = models.PositiveIntegerField(validators=COUNT_VALIDATORS)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "statistic", "gender", "age_band"],
                name="one_count_per_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.statistic_id} {self.gender} {self.age_band}: {self.count}"


class QuestionAnswer(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="question_answers"
    )
    question = models.ForeignKey(RoundQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(blank=True, validators=FREE_TEXT)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return self.value


class Reminder(models.Model):
    """A reminder for a questionnaire; the key makes each one go out once. One that could not
    be sent keeps why (`problem`) and is tried again under the same key."""

    class Problem(models.TextChoices):
        NO_REPORTER = "no_reporter", _("no active reporter answers for the actor")
        NO_ADDRESS = "no_address", _("no active reporter of the actor has an e-mail address")
        NOT_SENT = "not_sent", _("the e-mail could not be sent")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="reminders"
    )
    # "before-7" or "after-1" on the round's schedule; "now-2026-03-24" sent from the dashboard.
    key = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)  # or last tried, with a problem
    recipients = models.TextField(blank=True)
    problem = models.CharField(max_length=12, choices=Problem.choices, blank=True)
    error = models.TextField(blank=True)  # what the mail system said, when it refused
    # Who sent it from the dashboard; empty for the scheduled ones.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="reminder_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.sent_at:%Y-%m-%d}"
