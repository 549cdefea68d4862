from django import forms
from django.utils.translation import gettext_lazy as _

from handlingskraft.revisions import RevisionMixin
from organisations.models import Actor

from .models import PlanTextSection


class TextSectionForm(RevisionMixin, forms.ModelForm):
    class Meta:
        model = PlanTextSection
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}


class ActorExtractForm(forms.Form):
    """Whose extract of the plan to download, and as what."""

    actor = forms.ModelChoiceField(queryset=Actor.objects.none(), label=_("Actor"))
    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("docx", "Word")], label=_("Format"))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = Actor.objects.filter(municipality=municipality).order_by(
            "name"
        )
