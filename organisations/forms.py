from django import forms
from django.utils.translation import gettext_lazy as _

from handlingskraft.choices import ModelMultipleChoiceField
from handlingskraft.revisions import RevisionMixin

from .models import Actor, User


class ActorForm(RevisionMixin, forms.ModelForm):
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


class UserForm(RevisionMixin, forms.ModelForm):
    """An account in the administrator's own municipality. Only reporters answer for actors:
    a reporter needs at least one, other roles none."""

    send_password_link = forms.BooleanField(
        label=_("Send a link to choose a password to the e-mail address"),
        required=False,
        initial=True,
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "username", "email", "role", "actors"]
        widgets = {"role": forms.RadioSelect, "actors": forms.CheckboxSelectMultiple}
        field_classes = {"actors": ModelMultipleChoiceField}
        help_texts = {
            "username": _("What the person types to sign in, e.g. anna.andersson."),
            "email": _(
                "Where the link to choose a password is sent. Signing in with the "
                "municipality's account finds the person by this address."
            ),
            "actors": _("Reporters only: the actors whose follow-ups this person answers."),
        }

    def __init__(self, *args, municipality, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.editor = editor
        self.instance.municipality = municipality
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["email"].required = True
        self.fields["actors"].queryset = Actor.objects.filter(municipality=municipality)
        if self.instance.pk:  # an existing account has its own button for the link
            del self.fields["send_password_link"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        # Single sign-on finds the account by its address, in any municipality: it must be unique.
        clash = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another account already has this e-mail address."))
        return email

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.instance.pk == self.editor.pk and role != User.Role.ADMINISTRATOR:
            raise forms.ValidationError(
                _(
                    "You cannot take away your own administrator role. Ask another "
                    "administrator to do it."
                )
            )
        return role

    def clean(self):
        cleaned = super().clean()
        role, actors = cleaned.get("role"), cleaned.get("actors")
        if role is None or actors is None:
            return cleaned
        if role == User.Role.REPORTER and not actors:
            self.add_error(
                "actors", _("Choose at least one actor: a reporter answers for its actors.")
            )
        elif role != User.Role.REPORTER and actors:
            self.add_error(
                "actors",
                _(
                    "Only reporters answer for actors. Clear the actors or choose the role Reporter."
                ),
            )
        return cleaned
