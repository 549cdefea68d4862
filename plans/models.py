"""The plan: versions with their decision trail, goals, indicators, activities and who answers."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from handlingskraft.privacy import validate_no_personal_number
from organisations.models import Actor, Municipality

from .vocabularies import DEFAULT_LABELS

YEAR_VALIDATORS = [
    MinValueValidator(1990, _("Enter a year between 1990 and 2100.")),
    MaxValueValidator(2100, _("Enter a year between 1990 and 2100.")),
]
CODE_VALIDATOR = RegexValidator(
    r"^[\w.\-]+$", _("Use letters, digits, dots and dashes only, e.g. 1.2 or A3.")
)


class Term(models.Model):
    """One word of a vocabulary: national defaults have no municipality; others are local."""

    class Kind(models.TextChoices):
        PREVENTION_LEVEL = "prevention_level", _("Prevention level")
        VIOLENCE_AREA = "violence_area", _("Violence area")
        TARGET_GROUP = "target_group", _("Target group")
        ACTIVITY_TYPE = "activity_type", _("Activity type")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="terms"
    )
    kind = models.CharField(_("vocabulary"), max_length=20, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=150)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "municipality_id", "position", "name"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "code"], name="term_code_unique_in_municipality"
            ),
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=Q(municipality__isnull=True),
                name="term_code_unique_nationally",
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        """National terms are translated; a municipality's own terms read as written."""
        if self.municipality_id is None:
            return DEFAULT_LABELS.get((self.kind, self.code), self.name)
        return self.name


class Plan(models.Model):
    """A steering document that lives through versions."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="plans", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=250)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title


class PlanVersion(models.Model):
    """One version of a plan with its decision trail and validity period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")
        SUPERSEDED = "superseded", _("Superseded")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    label = models.CharField(_("version"), max_length=60, help_text=_("E.g. 1.0 or 2025–2028."))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    valid_from = models.PositiveSmallIntegerField(
        _("valid from (year)"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    valid_to = models.PositiveSmallIntegerField(
        _("valid to (year)"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    decided_by = models.CharField(
        _("adopted by"), max_length=200, blank=True, help_text=_("The deciding body.")
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_paragraph = models.CharField(
        _("paragraph (§)"), max_length=40, blank=True, help_text=_("E.g. § 177.")
    )
    diary_number = models.CharField(
        _("diary number (Dnr)"), max_length=60, blank=True, help_text=_("E.g. SON 2022-604.")
    )
    distribution = models.TextField(
        _("decision sent to"),
        validators=[validate_no_personal_number],
        blank=True,
        help_text=_("One recipient per line."),
    )
    change_summary = models.TextField(
        _("what changed"), validators=[validate_no_personal_number], blank=True
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("based on"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    # A correction of an adopted version's decision is saved with the reason the coordinator
    # gave (correct_decision); a reason may be longer than simple-history's default 100 chars.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    DECISION_FIELDS = (
        "decided_by",
        "decision_date",
        "decision_paragraph",
        "diary_number",
        "distribution",
    )

    class Meta:
        ordering = ["plan", "-created_at"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")

    def __str__(self) -> str:
        return f"{self.plan.title} – {self.label}"

    def clean(self):
        errors = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The plan cannot end before it starts.")
        # A decision is recorded after it was made: a date ahead is a typing error, and one
        # that would stand in the adopted version's trail.
        if self.decision_date and self.decision_date > timezone.localdate():
            errors["decision_date"] = _(
                "The decision date cannot be in the future. Give the date the decision was made."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def has_decision(self) -> bool:
        return any(getattr(self, name) for name in self.DECISION_FIELDS)

    def correct_decision(self, *, user, reason: str, **decision) -> None:
        """Correct the decision record of an adopted (or superseded) version: the body, date,
        paragraph, diary number and recipients. Everything else stays read-only. The history
        row of the save carries who and the reason, so the trail shows it as a correction."""
        if self.is_editable:
            raise ValidationError(
                _("A draft has no decision to correct. Record the decision when it is adopted.")
            )
        reason = reason.strip()
        if not reason:
            raise ValidationError(_("Say why the decision is corrected."))
        unknown = decision.keys() - set(self.DECISION_FIELDS)
        if unknown:
            raise TypeError(f"Not a decision field: {sorted(unknown)}")
        for name, value in decision.items():
            setattr(self, name, value)
        self.full_clean(exclude=["plan", "based_on"])
        missing = {
            name: _("An adopted version keeps who decided and when.")
            for name in ("decided_by", "decision_date")
            if not getattr(self, name)
        }
        if missing:
            raise ValidationError(missing)
        self._change_reason = reason
        self._history_user = user  # also outside a request
        try:
            self.save()
        finally:
            del self._change_reason, self._history_user

    @property
    def distribution_list(self) -> list[str]:
        return [line.strip() for line in self.distribution.splitlines() if line.strip()]

    def years(self) -> range | None:
        if self.valid_from and self.valid_to:
            return range(self.valid_from, self.valid_to + 1)
        return None


class Goal(models.Model):
    """Vision, goal image, goal or sub-goal: a tree of any depth."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of goal"),
    )
    code = models.CharField(_("number"), max_length=20, validators=[CODE_VALIDATOR])
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(
        _("description"), validators=[validate_no_personal_number], blank=True
    )
    conditions = models.TextField(
        _("conditions"),
        validators=[validate_no_personal_number],
        blank=True,
        help_text=_("What must be in place to get there. One condition per line."),
    )
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="goal_code_unique_in_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def condition_list(self) -> list[str]:
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]


class Indicator(models.Model):
    """How attainment of a goal is measured."""

    class Unit(models.TextChoices):
        SHARE = "share", _("Share (%)")
        COUNT = "count", _("Count")
        RATE = "rate", _("Rate")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Should increase")
        DECREASE = "decrease", _("Should decrease")
        MAINTAIN = "maintain", _("Should stay the same")

    class Source(models.TextChoices):
        FOLLOW_UP = "follow_up", _("The yearly follow-up")
        STAFF_SURVEY = "staff_survey", _("Staff survey")
        KOLADA = "kolada", _("Kolada key figure")
        MANUAL = "manual", _("Entered manually")

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("goal")
    )
    code = models.CharField(_("number"), max_length=20, validators=[CODE_VALIDATOR])
    title = models.CharField(_("measure"), max_length=300)
    definition = models.TextField(
        _("definition"), validators=[validate_no_personal_number], blank=True
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    direction = models.CharField(_("desired direction"), max_length=10, choices=Direction.choices)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    source = models.CharField(_("data source"), max_length=20, choices=Source.choices)
    kolada_kpi = models.CharField(
        _("Kolada KPI id"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]\d{5}$", _("A Kolada id looks like U30750."))],
    )
    by_gender = models.BooleanField(_("split by gender"), default=False)
    reported_by = models.ManyToManyField(
        Actor,
        blank=True,
        related_name="reported_indicators",
        verbose_name=_("reported by"),
        help_text=_("The actors that give a value for this indicator in the yearly follow-up."),
    )
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=["reported_by"])

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="indicator_code_unique_in_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self):
        errors = {}
        if self.source == self.Source.KOLADA and not self.kolada_kpi:
            errors["kolada_kpi"] = _("Give the Kolada id when the source is Kolada.")
        if self.unit == self.Unit.SHARE:
            for field in ("baseline_value", "target_value"):
                value = getattr(self, field)
                if value is not None and not 0 <= value <= 100:
                    errors[field] = _("A share is between 0 and 100 %.")
        if errors:
            raise ValidationError(errors)


class Activity(models.Model):
    """What is to be done, by whom, when, at which prevention level."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="activities")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="activities", verbose_name=_("goal")
    )
    code = models.CharField(_("number"), max_length=20, validators=[CODE_VALIDATOR])
    title = models.CharField(_("activity"), max_length=300)
    intended_outcome = models.TextField(
        _("intended outcome"), validators=[validate_no_personal_number], blank=True
    )
    description = models.TextField(
        _("description"), validators=[validate_no_personal_number], blank=True
    )
    start_year = models.PositiveSmallIntegerField(
        _("from year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("to year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    continuous = models.BooleanField(_("continuously while the plan is valid"), default=False)
    activity_type = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.ACTIVITY_TYPE},
        verbose_name=_("activity type"),
    )
    prevention_levels = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.PREVENTION_LEVEL},
        verbose_name=_("prevention levels"),
    )
    violence_areas = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.VIOLENCE_AREA},
        verbose_name=_("violence areas"),
    )
    target_groups = models.ManyToManyField(
        Term,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Term.Kind.TARGET_GROUP},
        verbose_name=_("target groups"),
    )
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=["prevention_levels", "violence_areas", "target_groups"])

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="activity_code_unique_in_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self):
        errors = {}
        if self.continuous and (self.start_year or self.end_year):
            errors["continuous"] = _(
                "Either give years or mark the activity as continuous, not both."
            )
        if not self.continuous and not self.start_year:
            errors["start_year"] = _("Give a start year or mark the activity as continuous.")
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The activity cannot end before it starts.")
        years = self.version.years() if self.version_id else None
        if years:
            for field in ("start_year", "end_year"):
                value = getattr(self, field)
                if value and value not in years:
                    errors.setdefault(
                        field,
                        _("The year must lie within the plan's validity, %(start)s–%(end)s.")
                        % {"start": years.start, "end": years.stop - 1},
                    )
        if errors:
            raise ValidationError(errors)

    @property
    def lead(self) -> Actor | None:
        """Read through the prefetched responsibilities, so lists cost no extra query."""
        return next(
            (r.actor for r in self.responsibilities.all() if r.role == Responsibility.Role.LEAD),
            None,
        )

    @property
    def co_actors(self) -> list[Actor]:
        return [r.actor for r in self.responsibilities.all() if r.role == Responsibility.Role.CO]

    @property
    def timeframe(self) -> str:
        if self.continuous:
            return str(_("Continuously"))
        if self.start_year and self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year or "")


class Responsibility(models.Model):
    """An actor answering for an activity: exactly one leads, others take part."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CO = "co", _("Co-responsible")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="responsibilities"
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="responsibilities", verbose_name=_("actor")
    )
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-role", "actor__name"]  # "lead" sorts after "co"; lead first.
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "actor"], name="responsibility_actor_once_per_activity"
            ),
            models.UniqueConstraint(
                fields=["activity"],
                condition=Q(role="lead"),
                name="responsibility_one_lead_per_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"
