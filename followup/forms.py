"""The questionnaire as forms: one small form per activity, indicator, statistic and the
standard questions. Each validates what was typed; `missing` says what a submission lacks."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from handlingskraft.privacy import validate_no_personal_number
from handlingskraft.revisions import RevisionMixin
from plans.models import Indicator
from stats.models import AgeBand, Gender

from .models import (
    ActivityAnswer,
    FollowUpRound,
    IndicatorAnswer,
    Questionnaire,
    RoundQuestion,
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
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        error_messages={
            "invalid": _("Write a whole number, e.g. 12."),
            "min_value": _("A count cannot be negative."),
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
    year = forms.IntegerField(
        label=_("The value refers to the year"),
        required=False,
        error_messages={"invalid": _("Write a year with four digits, e.g. 2025.")},
    )
    value = forms.DecimalField(
        label=_("Value"),
        required=False,
        max_digits=12,
        decimal_places=2,
        error_messages={"invalid": _("Write a number, e.g. 12 or 45,5.")},
    )
    numerator = count_field(_("Numerator (how many)"))
    denominator = count_field(_("Denominator (out of how many)"))
    value_women = forms.DecimalField(
        label=_("Value, women and girls"), required=False, max_digits=12, decimal_places=2
    )
    value_men = forms.DecimalField(
        label=_("Value, men and boys"), required=False, max_digits=12, decimal_places=2
    )
    comment = text_field(_("Comment"))

    def __init__(self, *args, answer: IndicatorAnswer, round_year: int, **kwargs):
        self.answer = answer
        self.indicator = answer.indicator
        self.round_year = round_year
        super().__init__(*args, **kwargs)
        self.fields["value"].localize = True
        self.fields["value_women"].localize = True
        self.fields["value_men"].localize = True
        if not self.indicator.by_gender:
            del self.fields["value_women"], self.fields["value_men"]
        if self.indicator.unit != Indicator.Unit.SHARE:
            del self.fields["numerator"], self.fields["denominator"]

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
            elif data.get("value") is None:
                # The share follows from the counts; nobody should have to work it out.
                data["value"] = (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.01"))
        return data

    def missing(self) -> list[str]:
        return [] if self.cleaned_data.get("value") is not None else [_("value")]


class StatisticForm(forms.Form):
    """Counts by gender category and age band; a cell may be 0 but not empty on submit."""

    def __init__(self, *args, statistic, **kwargs):
        self.statistic = statistic
        super().__init__(*args, **kwargs)
        gender_labels, age_labels = dict(Gender.choices), dict(AgeBand.choices)
        self.columns = [age_labels.get(age, _("Count")) for age in statistic.age_bands()]
        self.rows = []
        for gender in statistic.genders():
            row = []
            for age in statistic.age_bands():
                name = f"n_{gender or 'all'}_{age or 'all'}"
                label = " ".join(
                    str(part)
                    for part in (gender_labels.get(gender, ""), age_labels.get(age, ""))
                    if part
                ) or _("Count")
                self.fields[name] = count_field(label)
                row.append(name)
            self.rows.append((gender_labels.get(gender, _("Total")), row))

    def cells(self):
        """(gender, age band, count) for every filled cell."""
        for gender in self.statistic.genders():
            for age in self.statistic.age_bands():
                value = self.cleaned_data.get(f"n_{gender or 'all'}_{age or 'all'}")
                if value is not None:
                    yield gender, age, value

    def table(self):
        return [(label, [self[name] for name in names]) for label, names in self.rows]

    def missing(self) -> list[str]:
        empty = [name for name in self.fields if self.cleaned_data.get(name) is None]
        return [_("%(count)s empty cells") % {"count": len(empty)}] if empty else []


class StandardQuestionsForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = [
            "plan_followed_up",
            "plan_followed_up_comment",
            "coordination_needs",
            "other_comments",
        ]
        widgets = {
            "plan_followed_up": forms.RadioSelect,
            "plan_followed_up_comment": forms.Textarea(attrs={"rows": 2}),
            "coordination_needs": forms.Textarea(attrs={"rows": 3}),
            "other_comments": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_followed_up"].choices = Questionnaire.PlanFollowUp.choices

    def missing(self) -> list[str]:
        if not self.cleaned_data.get("plan_followed_up"):
            return [_("whether the plan has been followed up in your own plans")]
        return []


class OwnQuestionsForm(forms.Form):
    """The coordinator's own questions for the round."""

    def __init__(self, *args, questions: list[RoundQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        yes_no = [("yes", _("Yes")), ("no", _("No"))]
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == RoundQuestion.Kind.NUMBER:
                field = forms.DecimalField(
                    label=question.text,
                    required=False,
                    error_messages={"invalid": _("Write a number, e.g. 12 or 45,5.")},
                )
                field.localize = True
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

    def values(self) -> dict[int, str]:
        return {
            question.pk: ""
            if (value := self.cleaned_data.get(f"q{question.pk}")) is None
            else str(value)
            for question in self.questions
        }

    def missing(self) -> list[str]:
        return [
            question.text
            for question in self.questions
            if question.required and self.cleaned_data.get(f"q{question.pk}") in (None, "")
        ]


class RoundForm(forms.ModelForm):
    class Meta:
        model = FollowUpRound
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
    """Every form of one questionnaire page, built from its content in memory (no queries
    per item), validated together and turned into plain answers for the save."""

    def __init__(self, content, data=None, *, levels, groups, editable: bool = True):
        self.content = content
        questionnaire = content.questionnaire
        self.activities = []
        for answer in content.activity_answers:
            initial = {
                "status": answer.status,
                "what_was_done": answer.what_was_done,
                "levels_reached": [str(t.pk) for t in answer.levels_reached.all()],
                "groups_reached": [str(t.pk) for t in answer.groups_reached.all()],
                "obstacles": answer.obstacles,
                "next_step": answer.next_step,
            }
            initial |= {f"participants_{p.gender}": p.count for p in answer.participants.all()}
            form = ActivityAnswerForm(
                data,
                answer=answer,
                levels=levels,
                groups=groups,
                initial=initial,
                prefix=f"a{answer.pk}",
            )
            form.others = content.other_accounts.get(answer.activity_id, [])
            self.activities.append(form)
        self.indicators = [
            IndicatorAnswerForm(
                data,
                answer=answer,
                round_year=questionnaire.round.year,
                prefix=f"i{answer.pk}",
                initial={
                    "year": answer.year or questionnaire.round.year,
                    "value": answer.value,
                    "numerator": answer.numerator,
                    "denominator": answer.denominator,
                    "value_women": answer.value_women,
                    "value_men": answer.value_men,
                    "comment": answer.comment,
                },
            )
            for answer in content.indicator_answers
        ]
        self.statistics = []
        for statistic in content.statistics:
            initial = {
                f"n_{gender or 'all'}_{age or 'all'}": content.counts[statistic.pk, gender, age]
                for gender in statistic.genders()
                for age in statistic.age_bands()
                if (statistic.pk, gender, age) in content.counts
            }
            self.statistics.append(
                StatisticForm(data, statistic=statistic, initial=initial, prefix=f"s{statistic.pk}")
            )
        self.standard = StandardQuestionsForm(data, instance=questionnaire, prefix="std")
        self.own = OwnQuestionsForm(
            data,
            questions=content.questions,
            prefix="own",
            initial={f"q{pk}": value for pk, value in content.question_values.items()},
        )
        if not editable:
            # Locked questionnaires are shown, not changed: every field reads as disabled.
            for form in self.all():
                for form_field in form.fields.values():
                    form_field.disabled = True

    def all(self):
        return [*self.activities, *self.indicators, *self.statistics, self.standard, self.own]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all()])  # validate every form

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every error on the page, for the summary."""
        return [
            (
                form[name].auto_id if name in form.fields else "",
                form[name].label if name in form.fields else "",
                message,
            )
            for form in self.all()
            for name, messages in form.errors.items()
            for message in messages
        ]

    def missing(self) -> list[str]:
        """What a submission lacks, in words, item by item. Call after is_valid()."""
        missing = []
        for form in self.activities:
            for what in form.missing():
                missing.append(f"{form.answer.activity.code} {form.answer.activity.title}: {what}")
        for form in self.indicators:
            for what in form.missing():
                missing.append(f"{form.indicator.code} {form.indicator.title}: {what}")
        for form in self.statistics:
            for what in form.missing():
                missing.append(f"{form.statistic.label}: {what}")
        missing += [str(what) for what in self.standard.missing()]
        missing += [f"{question}" for question in self.own.missing()]
        return missing

    def answers(self) -> dict:
        """The page's answers as plain data, keyed by the answer rows they belong to."""
        return {
            "activities": {
                form.answer.pk: {
                    "status": form.cleaned_data["status"],
                    "what_was_done": form.cleaned_data["what_was_done"],
                    "levels_reached": sorted(int(pk) for pk in form.cleaned_data["levels_reached"]),
                    "groups_reached": sorted(int(pk) for pk in form.cleaned_data["groups_reached"]),
                    "participants": {
                        gender: form.cleaned_data[f"participants_{gender}"]
                        for gender in Gender.values
                        if form.cleaned_data.get(f"participants_{gender}") is not None
                    },
                    "obstacles": form.cleaned_data["obstacles"],
                    "next_step": form.cleaned_data["next_step"],
                }
                for form in self.activities
            },
            "indicators": {
                form.answer.pk: {
                    name: form.cleaned_data.get(name)
                    for name in (
                        "year",
                        "value",
                        "numerator",
                        "denominator",
                        "value_women",
                        "value_men",
                    )
                }
                | {"comment": form.cleaned_data.get("comment", "")}
                for form in self.indicators
            },
            "statistics": {form.statistic.pk: sorted(form.cells()) for form in self.statistics},
            "standard": {
                name: self.standard.cleaned_data[name] for name in StandardQuestionsForm.Meta.fields
            },
            "questions": self.own.values(),
        }


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
