"""Validation of what a coordinator types about statistics and who reports them."""

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from organisations.models import Actor, Municipality

from .models import Statistic
from .queries import StatisticReporters, statistics_for


def _names_of(statistic: Statistic) -> set[str]:
    """Every name a statistic is known by: national ones in each language of the interface
    too, so a municipality cannot add a copy of one under its translated label."""
    names = {statistic.name.casefold()}
    if statistic.municipality_id is None:
        for code, _language in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(statistic.label).casefold())
    return names


class StatisticForm(forms.ModelForm):
    """A municipality's own statistic. The code is set when it is created and then kept,
    since follow-ups and exports refer to it."""

    class Meta:
        model = Statistic
        fields = ["name", "definition", "by_gender", "by_age"]
        help_texts = {
            "definition": _("What is counted, and during which period. Only counts, never names."),
        }

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.instance.municipality = municipality

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = statistics_for(self.municipality.pk)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if any(name.casefold() in _names_of(statistic) for statistic in others):
            raise forms.ValidationError(
                _("There is already a statistic called “%(name)s”. Choose another name."),
                params={"name": name},
            )
        return name


class StatisticAssignmentForm(forms.Form):
    """One group of actor checkboxes per statistic. The choices are built once from lists
    the view already holds, so the form costs no query per statistic."""

    def __init__(self, *args, rows: list[StatisticReporters], actors: list[Actor], **kwargs):
        super().__init__(*args, **kwargs)
        self.actors = {actor.pk: actor for actor in actors}
        self.statistics: dict[str, Statistic] = {}
        choices = [(actor.pk, actor.name) for actor in actors]
        for row in rows:
            name = f"statistic_{row.statistic.pk}"
            self.statistics[name] = row.statistic
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=row.statistic.label,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[actor.pk for actor in row.actors],
            )

    def assignments(self) -> dict[Statistic, list[Actor]]:
        return {
            statistic: [self.actors[pk] for pk in self.cleaned_data[name]]
            for name, statistic in self.statistics.items()
        }
