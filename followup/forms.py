"""The questionnaire as forms: one small form per activity, indicator, statistic and the
standard questions. Each validates what was typed; `missing` says what a submission lacks.
`QuestionnaireForms` holds them all and speaks of their fields as followup.answers does."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from handlingskraft import numbers
from handlingskraft.confirmations import ConfirmationForm
from handlingskraft.privacy import validate_no_personal_number
from handlingskraft.revisions import RevisionMixin, canonical
from plans.models import Indicator
from stats.models import AgeBand, Gender

from .answers import ACTIVITY_TERMS, STANDARD, Field, indicator_fields, statistic_cells
from .models import (
    ActivityAnswer,
    FollowUpRound,
    Questionnaire,
    RoundQuestion,
    share_of,
)


def text_field(label, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_personal_number],
        **kwargs,
    )


def count_field(label) -> forms.IntegerField:
    return numbers.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10**9,
        error_messages={
            "invalid": _("Write a whole number, e.g. 12."),
            "min_value": _("A count cannot be negative."),
            "max_value": _("Write a count of at most a billion."),
        },
    )


def value_field(label) -> forms.DecimalField:
    return numbers.DecimalField(
        label=label,
        required=False,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": _("Write a number, e.g. 12 or 45,5."),
            "max_digits": _("Write a number of at most ten digits before the decimal sign."),
            "max_whole_digits": _("Write a number of at most ten digits before the decimal sign."),
            "max_decimal_places": _("Write at most two decimals."),
        },
    )


class ActivityAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Choose"))] + ActivityAnswer.Status.choices,
    )
    what_was_done = text_field(_("What was done?"))
    levels_reached = forms.MultipleChoiceField(
        label=_("Prevention levels reached"), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups_reached = forms.MultipleChoiceField(
        label=_("Target groups reached"), required=False, widget=forms.CheckboxSelectMultiple
    )
    obstacles = text_field(_("What hindered the work?"))
    next_step = text_field(_("Next step"))

    def __init__(self, *args, answer: ActivityAnswer, levels, groups, **kwargs):
        # `levels` and `groups` are (pk, label) lists built once for the whole page.
        self.answer = answer
        super().__init__(*args, **kwargs)
        self.fields["levels_reached"].choices = levels
        self.fields["groups_reached"].choices = groups
        for gender, label in Gender.choices:
            self.fields[f"participants_{gender}"] = count_field(label)

    @property
    def item(self) -> str:
        return f"{self.answer.activity.code} {self.answer.activity.title}"

    @property
    def participant_fields(self):
        return [self[f"participants_{gender}"] for gender in Gender.values]

    @property
    def main_fields(self):
        return [
            field for field in self.visible_fields() if not field.name.startswith("participants_")
        ]

    def missing(self) -> list[str]:
        data, missing = self.cleaned_data, []
        status = data.get("status")
        if not status:
            missing.append(_("status"))
        elif status in ("done", "ongoing") and not data.get("what_was_done"):
            missing.append(_("what was done"))
        elif status in ("not_started", "cancelled") and not data.get("obstacles"):
            missing.append(_("what hindered the work"))
        return missing


class IndicatorAnswerForm(forms.Form):
    year = numbers.IntegerField(
        label=_("The value refers to the year"),
        required=False,
        error_messages={"invalid": _("Write a year with four digits, e.g. 2025.")},
    )
    value = value_field(_("Value"))
    numerator = count_field(_("Numerator (how many)"))
    denominator = count_field(_("Denominator (out of how many)"))
    value_women = value_field(_("Value, women and girls"))
    value_men = value_field(_("Value, men and boys"))
    comment = text_field(_("Comment"))

    def __init__(self, *args, answer, round_year: int, **kwargs):
        self.answer = answer
        self.indicator = answer.indicator
        self.round_year = round_year
        super().__init__(*args, **kwargs)
        asked = indicator_fields(self.indicator)
        for name in list(self.fields):
            if name not in asked:
                del self.fields[name]
        if "numerator" in self.fields:
            self.fields["value"].help_text = _(
                "Computed from the numerator and denominator when both are given."
            )

    @property
    def item(self) -> str:
        return f"{self.indicator.code} {self.indicator.title}"

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and year not in (self.round_year - 1, self.round_year):
            raise forms.ValidationError(
                _("The value must refer to %(year)s, the year followed up, or %(previous)s."),
                params={"year": self.round_year, "previous": self.round_year - 1},
            )
        return year

    def clean(self):
        data = super().clean()
        share = self.indicator.unit == Indicator.Unit.SHARE
        for field in ("value", "value_women", "value_men"):
            value = data.get(field)
            if value is None:
                continue
            if value < 0:
                self.add_error(field, _("The value cannot be negative."))
            elif share and value > 100:
                self.add_error(field, _("A share cannot be more than 100 %."))
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if numerator is not None and denominator is not None:
            if denominator == 0:
                self.add_error("denominator", _("The denominator must be more than 0."))
            elif numerator > denominator:
                self.add_error(
                    "numerator", _("The numerator cannot be larger than the denominator.")
                )
        return data

    def missing(self) -> list[str]:
        data = self.cleaned_data
        if data.get("value") is not None:
            return []
        if share_of(data.get("numerator"), data.get("denominator")) is not None:
            return []
        return [_("value")]


class StatisticForm(forms.Form):
    """Counts by gender category and age band; a cell may be 0 but not empty on submit."""

    def __init__(self, *args, statistic, **kwargs):
        self.statistic = statistic
        super().__init__(*args, **kwargs)
        gender_labels, age_labels = dict(Gender.choices), dict(AgeBand.choices)
        self.columns = [age_labels.get(age, _("Count")) for age in statistic.age_bands()]
        rows: dict[str, list[str]] = {}
        for name, gender, age in statistic_cells(statistic):
            label = " ".join(
                str(part)
                for part in (gender_labels.get(gender, ""), age_labels.get(age, ""))
                if part
            ) or _("Count")
            self.fields[name] = count_field(label)
            rows.setdefault(gender, []).append(name)
        self.rows = [(gender_labels.get(g, _("Total")), names) for g, names in rows.items()]

    @property
    def item(self) -> str:
        return str(self.statistic.label)

    def table(self):
        return [(label, [self[name] for name in names]) for label, names in self.rows]

    def missing(self) -> list[str]:
        empty = [name for name in self.fields if self.cleaned_data.get(name) is None]
        return [_("%(count)s empty cells") % {"count": len(empty)}] if empty else []


class StandardQuestionsForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = list(STANDARD)
        widgets = {
            "plan_followed_up": forms.RadioSelect,
            "plan_followed_up_comment": forms.Textarea(attrs={"rows": 2}),
            "coordination_needs": forms.Textarea(attrs={"rows": 3}),
            "other_comments": forms.Textarea(attrs={"rows": 3}),
        }

    item = _("Questions to every actor")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_followed_up"].choices = Questionnaire.PlanFollowUp.choices

    def missing(self) -> list[str]:
        if not self.cleaned_data.get("plan_followed_up"):
            return [_("whether the plan has been followed up in your own plans")]
        return []


class OwnQuestionsForm(forms.Form):
    """The coordinator's own questions for the round."""

    item = _("More questions from the coordinator")

    def __init__(self, *args, questions: list[RoundQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        yes_no = [("yes", _("Yes")), ("no", _("No"))]
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == RoundQuestion.Kind.NUMBER:
                field = numbers.DecimalField(
                    label=question.text, required=False, max_digits=15, decimal_places=4
                )
            elif question.kind == RoundQuestion.Kind.YES_NO:
                field = forms.ChoiceField(
                    label=question.text, required=False, choices=yes_no, widget=forms.RadioSelect
                )
            elif question.kind == RoundQuestion.Kind.CHOICE:
                field = forms.ChoiceField(
                    label=question.text,
                    required=False,
                    choices=[(c, c) for c in question.choice_list],
                    widget=forms.RadioSelect,
                )
            else:
                field = text_field(question.text)
            self.fields[name] = field

    def missing(self) -> list[str]:
        return [
            question.text
            for question in self.questions
            if question.required and self.cleaned_data.get(f"q{question.pk}") in (None, "")
        ]


class RoundForm(forms.ModelForm):
    class Meta:
        model = FollowUpRound
        formfield_callback = numbers.number_formfield
        fields = [
            "year",
            "opens_on",
            "deadline",
            "message",
            "reminder_days_before",
            "reminder_days_after",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.version = version
        years = version.years()
        if years:
            self.fields["year"].help_text = _(
                "A year within the plan's validity, %(start)s–%(end)s."
            ) % {
                "start": years.start,
                "end": years.stop - 1,
            }

    def clean_year(self):
        year = self.cleaned_data["year"]
        years = self.instance.version.years()
        if years and year not in years:
            raise forms.ValidationError(
                _("The plan is valid %(start)s–%(end)s; choose a year within it."),
                params={"start": years.start, "end": years.stop - 1},
            )
        if FollowUpRound.objects.filter(version=self.instance.version, year=year).exists():
            raise forms.ValidationError(_("There is already a follow-up of this year."))
        return year


class RoundQuestionForm(RevisionMixin, forms.ModelForm):
    """A question of the coordinator's own: added to an open round, or changed while nobody
    has answered it."""

    class Meta:
        model = RoundQuestion
        fields = ["text", "kind", "choices", "required"]


class QuestionRemoveForm(forms.Form):
    """Which question of the round a removal button names: a question of another round, or
    one already removed, is None."""

    delete = forms.IntegerField(min_value=1)

    def __init__(self, *args, round_: FollowUpRound, **kwargs):
        self.round = round_
        super().__init__(*args, **kwargs)

    def clean_delete(self) -> RoundQuestion | None:
        return self.round.questions.filter(pk=self.cleaned_data["delete"]).first()


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the reporter complete or change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_personal_number],
    )


class DeadlineForm(RevisionMixin, forms.Form):
    """One questionnaire's deadline, checked against the one it was read at."""

    deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        self.questionnaire = questionnaire
        kwargs.setdefault("initial", {"deadline": questionnaire.deadline})
        super().__init__(*args, **kwargs)

    def revision_row(self) -> Questionnaire:
        return self.questionnaire


class QuestionnaireForms:
    """Every form of one questionnaire page, built from its answers in memory (no queries per
    item), validated together, and read back as fields (followup.answers.Field)."""

    def __init__(
        self, content, values: dict[Field, object], data=None, *, levels, groups, editable=True
    ):
        self.content = content
        questionnaire = content.questionnaire
        initial: dict[str, dict] = {}
        for field, value in values.items():
            if field.name in ACTIVITY_TERMS:
                value = [str(pk) for pk in sorted(value)]
            initial.setdefault(field.prefix, {})[field.name] = value
        self.activities = []
        for answer in content.activity_answers:
            prefix = f"a{answer.pk}"
            form = ActivityAnswerForm(
                data,
                answer=answer,
                levels=levels,
                groups=groups,
                initial=initial.get(prefix, {}),
                prefix=prefix,
            )
            form.others = content.other_accounts.get(answer.activity_id, [])
            self.activities.append(form)
        self.indicators = [
            IndicatorAnswerForm(
                data,
                answer=answer,
                round_year=questionnaire.round.year,
                prefix=f"i{answer.pk}",
                initial=initial.get(f"i{answer.pk}", {}),
            )
            for answer in content.indicator_answers
        ]
        self.statistics = [
            StatisticForm(
                data,
                statistic=statistic,
                initial=initial.get(f"s{statistic.pk}", {}),
                prefix=f"s{statistic.pk}",
            )
            for statistic in content.statistics
        ]
        # Not bound to the questionnaire row: a save writes fields one by one (the service).
        self.standard = StandardQuestionsForm(data, initial=initial.get("std", {}), prefix="std")
        self.own = OwnQuestionsForm(
            data, questions=content.questions, prefix="own", initial=initial.get("own", {})
        )
        self.fields = {field.html_name: field for field in values}
        self._forms = {form.prefix: form for form in self.all()}
        if not editable:
            # Locked questionnaires are shown, not changed: every field reads as disabled.
            for form in self.all():
                for form_field in form.fields.values():
                    form_field.disabled = True

    def all(self):
        return [*self.activities, *self.indicators, *self.statistics, self.standard, self.own]

    def form_of(self, field: Field):
        return self._forms[field.prefix]

    def bound_field(self, field: Field):
        return self.form_of(field)[field.name]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all()])  # validate every form

    def errors(self) -> dict[Field, list[str]]:
        """Every field that was refused, with its messages."""
        return {
            field: list(self.form_of(field).errors[field.name])
            for field in self.fields.values()
            if field.name in self.form_of(field).errors
        }

    def cleaned(self, fields) -> dict[Field, object]:
        """The values of `fields` as the answers hold them; refused fields are left out."""
        result = {}
        for field in fields:
            form = self.form_of(field)
            if field.name in form.errors or field.name not in form.cleaned_data:
                continue
            value = form.cleaned_data[field.name]
            if field.name in ACTIVITY_TERMS:
                value = frozenset(int(pk) for pk in value)
            result[field] = value
        return result

    def display(self, field: Field, value) -> str:
        """A value as a person reads it on the page: labels for choices, numbers in the
        language's own writing."""
        form_field = self.form_of(field).fields[field.name]
        if value in (None, "") or value == frozenset():
            return ""
        choices = dict(getattr(form_field, "choices", None) or [])
        if isinstance(value, frozenset):
            return ", ".join(str(choices.get(str(pk), pk)) for pk in sorted(value))
        if choices:
            return str(choices.get(str(value), value))
        if isinstance(value, int | Decimal):
            return numbers.number_display(value)
        return str(value)

    def input_values(self, field: Field, value) -> list[str]:
        """A value as the page's inputs hold it: the checked choices of a group, a number as
        the language writes it, a text as it is."""
        if isinstance(value, frozenset):
            return [str(pk) for pk in sorted(value)]
        if isinstance(value, int | Decimal):
            return [numbers.number_display(value)]
        return ["" if value is None else str(value)]

    def missing(self) -> list[str]:
        """What a submission lacks, in words, item by item. Call after is_valid()."""
        missing = []
        for form in [*self.activities, *self.indicators, *self.statistics]:
            for what in form.missing():
                missing.append(f"{form.item}: {what}")
        missing += [str(what) for what in self.standard.missing()]
        missing += [f"{question}" for question in self.own.missing()]
        return missing


def form_data(values: dict[Field, object], posted: QueryDict | None = None, names=()) -> QueryDict:
    """Form data holding the stored `values`, with the fields in `names` as `posted` has
    them: what a page that sends only its changed fields means by the rest."""
    data = QueryDict(mutable=True)
    for field, value in values.items():
        if isinstance(value, frozenset):
            data.setlist(field.html_name, [str(pk) for pk in sorted(value)])
        elif value is not None:
            data[field.html_name] = canonical(value) if not isinstance(value, str) else value
    for name in names:
        data.setlist(name, posted.getlist(name) if posted is not None else [])
    return data


class RoundEditForm(RevisionMixin, forms.ModelForm):
    """What a coordinator may correct in an open round: the deadline, the message to the
    reporters and the reminder days. The year and who answers were settled at opening."""

    class Meta:
        model = FollowUpRound
        fields = ["deadline", "message", "reminder_days_before", "reminder_days_after"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "deadline": _(
                "Questionnaires that still have the round's deadline get the new one; a "
                "deadline extended for one actor stays as it is."
            )
        }


class ReopenForm(ConfirmationForm):
    """Reopening a closed round: until when, confirmed against the round as the page showed
    it (followup.services.round_reopen)."""

    deadline = forms.DateField(
        label=_("New deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Every actor whose deadline is earlier gets this one, and its reminders start over."
        ),
    )

    def __init__(self, data=None, *, round_: FollowUpRound, today, **kwargs):
        self.today = today
        # The round's own deadline if it is still ahead, else two weeks from today.
        initial = round_.deadline if round_.deadline >= today else today + timedelta(days=14)
        super().__init__(
            data,
            facts=["reopen", round_.status, round_.closed_at],
            initial={"deadline": initial},
            **kwargs,
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < self.today:
            raise forms.ValidationError(_("The new deadline cannot be in the past."))
        return deadline
