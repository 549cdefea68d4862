"""A confirmation step for what cannot easily be undone: closing a round, publishing a report,
deactivating an account, sending reminders.

The page states the consequence concretely ("12 of 14 actors have answered; …") and carries a
digest of the facts it stated (`handlingskraft.revisions.digest`). The action is taken only
when the digest posted back equals the one of the facts as they are now: a click on an old
button, a form without the digest, or a page drawn before somebody else changed those facts
is shown the confirmation again, with what is true now.

    facts = ...  # anything canonical() can read: the figures and names the page states
    form = ConfirmationForm(request.POST or None, facts=facts)
    if form.is_confirmed():
        do_it()
    # else: render the page with the form (form.stale: the facts changed since it was drawn)
"""

from django import forms

from .revisions import REVISION_FIELD, digest


class CurrentDigestField(forms.CharField):
    """Drawn with the digest of the facts now, also on a page asked again after a post."""

    widget = forms.HiddenInput

    def bound_data(self, data, initial):
        return initial


class ConfirmationForm(forms.Form):
    """The hidden digest of what a confirmation page stated, and nothing else."""

    def __init__(self, data=None, *, facts=None, token: str | None = None, **kwargs):
        """`facts` are digested; a `token` that already stands for them is carried as it is."""
        super().__init__(data, **kwargs)
        self.expected = token if token is not None else digest(facts)
        self.fields[REVISION_FIELD] = CurrentDigestField(required=False, initial=self.expected)

    def is_confirmed(self) -> bool:
        """True when the page posted back was drawn from the facts as they are now."""
        return self.is_bound and self.data.get(REVISION_FIELD) == self.expected

    @property
    def stale(self) -> bool:
        """Posted from a page that stated other facts than those true now: the page says so
        and asks again (a post without any digest is simply asked)."""
        posted = self.data.get(REVISION_FIELD) if self.is_bound else None
        return bool(posted) and posted != self.expected
