from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Actor


class ActorForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["name", "short_name", "kind", "parent"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.instance.municipality = municipality
        parents = Actor.objects.filter(municipality=municipality)
        if self.instance.pk:
            parents = parents.exclude(pk__in=self._subtree_ids(self.instance))
        self.fields["parent"].queryset = parents

    @staticmethod
    def _subtree_ids(actor: Actor) -> set[int]:
        """The actor and everything below it: none of them can become its parent."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Actor.objects.filter(municipality=actor.municipality).values_list(
            "pk", "parent_id"
        ):
            children.setdefault(parent_id, []).append(pk)
        found, stack = set(), [actor.pk]
        while stack:
            pk = stack.pop()
            found.add(pk)
            stack.extend(children.get(pk, []))
        return found

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Actor.objects.filter(municipality=self.municipality, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("There is already an actor with this name."))
        return name
