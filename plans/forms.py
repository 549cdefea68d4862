"""Forms own validation: what a coordinator types is checked here and in the models."""

from django import forms
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from handlingskraft import numbers
from handlingskraft.choices import ModelMultipleChoiceField
from handlingskraft.privacy import validate_no_personal_number
from handlingskraft.revisions import RevisionMixin
from organisations.models import Actor

from .models import YEAR_VALIDATORS, Activity, Goal, Indicator, PlanVersion, Term
from .queries import terms_for
from .services import next_code


class TermChoiceField(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.label


class TermSelectField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class PlanCreateForm(forms.Form):
    title = forms.CharField(label=_("Title of the plan"), max_length=250)
    version_label = forms.CharField(
        label=_("First version"),
        max_length=60,
        initial="1.0",
        help_text=_("E.g. 1.0 or 2025–2028."),
    )
    valid_from = numbers.IntegerField(
        label=_("Valid from (year)"), required=False, validators=YEAR_VALIDATORS
    )
    valid_to = numbers.IntegerField(
        label=_("Valid to (year)"), required=False, validators=YEAR_VALIDATORS
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The plan cannot end before it starts."))
        return data


class VersionForm(RevisionMixin, forms.ModelForm):
    class Meta:
        model = PlanVersion
        formfield_callback = numbers.number_formfield
        fields = [
            "label",
            "valid_from",
            "valid_to",
            "change_summary",
            "decided_by",
            "decision_date",
            "decision_paragraph",
            "diary_number",
            "distribution",
        ]
        widgets = {"decision_date": forms.DateInput(attrs={"type": "date"})}


class AdoptForm(RevisionMixin, forms.ModelForm):
    """Adopting records the decision: who decided, when, and under which paragraph."""

    class Meta:
        model = PlanVersion
        fields = [
            "decided_by",
            "decision_date",
            "decision_paragraph",
            "diary_number",
            "distribution",
        ]
        widgets = {"decision_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].required = True
        self.fields["decision_date"].required = True


class DecisionCorrectionForm(RevisionMixin, forms.ModelForm):
    """Correcting the decision of an adopted version: the same details as when it was
    adopted, and why they are corrected."""

    reason = forms.CharField(
        label=_("Why is the decision corrected?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_personal_number],
        help_text=_(
            "E.g. “The date was typed wrong: the minutes say 24 March 2025.” The reason is "
            "shown with the correction in the version's history."
        ),
    )
    revision_exclude = ("reason",)  # not stored on the version, so not part of its revision

    class Meta:
        model = PlanVersion
        fields = list(PlanVersion.DECISION_FIELDS)
        widgets = {"decision_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].required = True
        self.fields["decision_date"].required = True

    def clean(self):
        data = super().clean()
        if not self.errors and not set(PlanVersion.DECISION_FIELDS) & set(self.changed_data):
            raise forms.ValidationError(
                _("Nothing in the decision was changed. Change what was wrong, or cancel.")
            )
        return data


class CopyForm(forms.Form):
    label = forms.CharField(
        label=_("Label of the new version"), max_length=60, help_text=_("E.g. 2.0 or 2027–2030.")
    )


class MoveForm(forms.Form):
    """A move button (plans/move_buttons.html): one step up or down among the siblings."""

    direction = forms.ChoiceField(choices=[("up", _("Move up")), ("down", _("Move down"))])
    # No page of ours sends another direction.
    refused = _("Nothing was moved: use the buttons “Move up” and “Move down”.")

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


class PlanItemForm(RevisionMixin, forms.ModelForm):
    """Shared by goals, indicators and activities: they live in one version and are numbered
    within it; a blank number gets the next free one."""

    code_letter = ""  # e.g. "M" (mått) so indicators read M1.1, not like activity 1.1

    def __init__(self, *args, version: PlanVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.instance.version = version
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty to number automatically.")
        if "goal" in self.fields:
            self.fields["goal"].queryset = Goal.objects.filter(version=version).order_by("code")

    def clean_code(self):
        code = self.cleaned_data.get("code", "").strip()
        if not code:
            return code
        model = type(self.instance)
        clash = model.objects.filter(version=self.version, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("The number %(code)s is already used in this version."), params={"code": code}
            )
        return code

    def _post_clean(self):
        # Number before model validation so the unique check sees the real code.
        if not self.cleaned_data.get("code") and not self.errors.get("code"):
            prefix = ""
            goal = self.cleaned_data.get("goal") or self.cleaned_data.get("parent")
            if goal is not None:
                prefix = f"{self.code_letter}{goal.code}"
            self.cleaned_data["code"] = next_code(
                version=self.version, model=type(self.instance), prefix=prefix
            )
        super()._post_clean()


class GoalForm(PlanItemForm):
    class Meta:
        model = Goal
        fields = ["parent", "code", "title", "description", "conditions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Goal.objects.filter(version=self.version).order_by("code")
        if self.instance.pk:
            below = {self.instance.pk}
            goals = list(parents.values_list("pk", "parent_id"))
            grew = True
            while grew:
                grew = False
                for pk, parent_id in goals:
                    if parent_id in below and pk not in below:
                        below.add(pk)
                        grew = True
            parents = parents.exclude(pk__in=below)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("(top level)")


class IndicatorForm(PlanItemForm):
    code_letter = "M"

    class Meta:
        model = Indicator
        formfield_callback = numbers.number_formfield
        fields = [
            "goal",
            "code",
            "title",
            "definition",
            "unit",
            "direction",
            "baseline_year",
            "baseline_value",
            "target_value",
            "target_year",
            "source",
            "kolada_kpi",
            "by_gender",
            "reported_by",
        ]
        widgets = {"reported_by": forms.CheckboxSelectMultiple}
        field_classes = {"reported_by": ModelMultipleChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_by"].queryset = Actor.objects.filter(
            municipality_id=self.version.plan.municipality_id
        ).order_by("name")


class ActivityForm(PlanItemForm):
    lead = forms.ModelChoiceField(
        label=_("Lead actor"),
        queryset=Actor.objects.none(),
        help_text=_("The one actor that answers for the activity."),
    )
    co_actors = ModelMultipleChoiceField(
        label=_("Co-responsible actors"),
        queryset=Actor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        formfield_callback = numbers.number_formfield
        fields = [
            "goal",
            "code",
            "title",
            "intended_outcome",
            "description",
            "start_year",
            "end_year",
            "continuous",
            "activity_type",
            "prevention_levels",
            "violence_areas",
            "target_groups",
        ]
        field_classes = {
            "activity_type": TermSelectField,
            "prevention_levels": TermChoiceField,
            "violence_areas": TermChoiceField,
            "target_groups": TermChoiceField,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_id = self.version.plan.municipality_id
        for name, kind in [
            ("activity_type", Term.Kind.ACTIVITY_TYPE),
            ("prevention_levels", Term.Kind.PREVENTION_LEVEL),
            ("violence_areas", Term.Kind.VIOLENCE_AREA),
            ("target_groups", Term.Kind.TARGET_GROUP),
        ]:
            self.fields[name].queryset = terms_for(municipality_id, kind)
        actors = Actor.objects.filter(municipality_id=municipality_id).order_by("name")
        self.fields["lead"].queryset = actors
        self.fields["co_actors"].queryset = actors
        if self.instance.pk:
            self.fields["lead"].initial = self.instance.lead
            self.fields["co_actors"].initial = self.instance.co_actors

    def stored_value(self, name: str):
        # Who answers for the activity is held in its Responsibility rows.
        if name == "lead":
            lead = self.instance.lead
            return lead.pk if lead else None
        if name == "co_actors":
            return {actor.pk for actor in self.instance.co_actors}
        return super().stored_value(name)

    def clean(self):
        data = super().clean()
        lead, co_actors = data.get("lead"), data.get("co_actors") or []
        if lead and lead in co_actors:
            self.add_error(
                "co_actors",
                _("%(actor)s is already the lead; an actor cannot also be co-responsible.")
                % {"actor": lead},
            )
        return data


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["kind", "name"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.instance.municipality = municipality
        # The three prevention levels are fixed; every other vocabulary can grow.
        self.fields["kind"].choices = [
            choice for choice in Term.Kind.choices if choice[0] != Term.Kind.PREVENTION_LEVEL
        ]

    def clean(self):
        data = super().clean()
        kind, name = data.get("kind"), (data.get("name") or "").strip()
        if not kind or not name:
            return data
        code = slugify(name)[:60] or "term"
        existing = Term.objects.filter(
            Q(municipality__isnull=True) | Q(municipality=self.municipality), kind=kind
        )
        if any(
            term.code == code
            or str(term.label).casefold() == name.casefold()
            or term.name.casefold() == name.casefold()
            for term in existing
        ):
            self.add_error("name", _("This term already exists in the vocabulary."))
        self.instance.code = code
        return data
