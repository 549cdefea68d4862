"""What a form was read at, field by field, so that a save made from an older copy can tell
what the person changed from what somebody else changed meanwhile.

A form carries, for every field it edits, a short digest of the value the field had when the
page was drawn (`digests_encode`). On saving, three values of a field are compared: the base
(the digest the page carries), the person's (what was posted) and the stored one (what the
database holds now). Where the person's equals the base, the person did not touch the field and
the stored value stays; where the stored one equals the base, nobody else did and the person's
value is written; where all three differ, both changed it and the person chooses.

Digests are taken of a canonical text of the value, so that 68, 68.0 and "68,00" are the same
number, a queryset and a list of the same rows are the same set, and the line breaks a browser
sends are the ones it was given.
"""

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

DIGEST_LENGTH = 10  # hex digits: a chance collision between two edits is one in 10^12


def canonical(value) -> str:
    """A value as text that is the same whenever the value means the same."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | Decimal | float):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            return str(number)
        text = format(number.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, models.QuerySet | set | frozenset):
        return ",".join(sorted(canonical(item) for item in value))
    if isinstance(value, list | tuple):
        return ",".join(canonical(item) for item in value)
    return str(value).replace("\r\n", "\n").strip()


def digest(value) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()[:DIGEST_LENGTH]


def digests_encode(values: Mapping[str, object]) -> str:
    """`name:digest;name:digest…` for the page to carry and send back."""
    return ";".join(f"{name}:{digest(value)}" for name, value in values.items())


def digests_decode(text: str, names: Iterable[str] | None = None) -> dict[str, str] | None:
    """The digests a page sent back, by field name; None when the text is not one this module
    wrote (a tampered or truncated page), which callers treat as an unknown base. With `names`,
    names outside it are refused the same way."""
    known = set(names) if names is not None else None
    result = {}
    for part in (text or "").split(";"):
        if not part:
            continue
        name, separator, value = part.rpartition(":")
        if (
            not separator
            or not name
            or len(value) != DIGEST_LENGTH
            or any(c not in "0123456789abcdef" for c in value)
            or (known is not None and name not in known)
        ):
            return None
        result[name] = value
    return result


# Forms that edit a stored row ------------------------------------------------------------------
#
# A form with `RevisionMixin` carries the hidden field `revision`: the digests of every field it
# edits, as stored when the page was drawn. The view locks the row, builds the form on it and
# saves only when `form.is_current()`:
#
#     with transaction.atomic():
#         form = ActorForm(request.POST, instance=row_locked(actor))
#         if form.is_valid() and form.is_current():
#             form.save()
#
# A stale save writes nothing; the form then shows, field by field, the other person's value
# where only they changed it, and the person's own value with the other's beside it
# (`form.conflicts`) where both did, and carries the stored revision, so saving again is a
# deliberate choice that keeps what the page shows.

REVISION_FIELD = "revision"
HISTORY_DEPTH = 50  # history records looked through to find who made the change


def row_locked(row: models.Model) -> models.Model:
    """The row as stored now, locked until the transaction ends: the check against it and the
    save after it cannot be split by another save. Call inside transaction.atomic()."""
    return get_object_or_404(type(row)._default_manager.select_for_update(), pk=row.pk)


class ConflictBoundField(forms.BoundField):
    """A field that may show another person's value next to it (`form.conflicts`): the note
    describes the field for screen readers, like its help text and errors do."""

    @property
    def aria_describedby(self):
        described = super().aria_describedby
        if described is None or not self.auto_id:
            return described
        if self.name in (getattr(self.form, "conflicts", None) or {}):
            described = f"{described} {self.auto_id}_conflict".strip()
        return described


class RevisionMixin:
    """For a form (usually a ModelForm) editing an existing row; put it before the form class.

    Fields of the form that are not fields of the row (an activity's lead actor) need
    `stored_value` overridden; fields that are not stored at all go in `revision_exclude`.
    A plain Form names its row by overriding `revision_row`."""

    bound_field_class = ConflictBoundField
    revision_exclude: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts: dict[str, str] = {}  # both changed it: field → the other's value, as text
        self.refreshed: list[str] = []  # only the other person changed it: the form shows theirs
        self.stale = False
        self.base_unknown = False  # the page carried no revision this module can read
        self.conflict_author = ""
        self.conflict_time = None
        if self.revision_row() is not None:
            self.fields[REVISION_FIELD] = forms.CharField(
                widget=forms.HiddenInput,
                required=False,
                initial=lambda: digests_encode(self.stored),
            )

    def revision_row(self) -> models.Model | None:
        instance = getattr(self, "instance", None)
        return instance if instance is not None and instance.pk else None

    def revision_names(self) -> list[str]:
        return [
            name
            for name in self.fields
            if name != REVISION_FIELD and name not in self.revision_exclude
        ]

    def stored_value(self, name: str):
        """The field's value as the row holds it: primary keys for relations, a set of them
        for many-to-many."""
        row = self.revision_row()
        field = row._meta.get_field(name)
        if field.many_to_many:
            return set(getattr(row, name).values_list("pk", flat=True))
        if field.is_relation:
            return getattr(row, field.attname)
        return getattr(row, name)

    @cached_property
    def stored(self) -> dict[str, object]:
        return {name: self.stored_value(name) for name in self.revision_names()}

    def full_clean(self):
        if self.revision_row() is not None:
            self.stored  # noqa: B018 -- read before validation writes the posted values on the row
        super().full_clean()

    def _clean_form(self):
        # The revision is for is_current(), not a value to save.
        self.cleaned_data.pop(REVISION_FIELD, None)
        super()._clean_form()

    def is_current(self) -> bool:
        """Call after is_valid(), with the row locked. True when nobody else changed any field
        since the page was drawn (or changed it to what this person wants too): save. False
        otherwise: nothing may be saved, and the form now shows what to save instead."""
        if self.revision_row() is None:
            return True
        names = self.revision_names()
        base = digests_decode(self[REVISION_FIELD].data or "", names)
        self.base_unknown = base is None or any(name not in base for name in names)
        base = base or {}
        for name in names:
            stored, mine = digest(self.stored[name]), digest(self.cleaned_data.get(name))
            if mine == stored or stored == base.get(name):
                continue
            if mine == base.get(name):
                self.refreshed.append(name)
            else:
                self.conflicts[name] = self.display_value(name, self.stored[name])
        if not (self.base_unknown or self.conflicts or self.refreshed):
            return True
        self._note_author([*self.conflicts, *self.refreshed])
        self._show(
            {
                name: self.stored[name] if name in self.refreshed else self.cleaned_data.get(name)
                for name in names
            }
        )
        return False

    def is_unchanged_since(self, revision: str | None) -> bool:
        """For a page that acts on the row as a whole (deleting it), with the row locked and
        the form unbound: whether the row is as the page showed it. If not, `conflicts` holds
        what each changed field says now, and the form carries the new revision."""
        names = self.revision_names()
        base = digests_decode(revision or "", names)
        self.base_unknown = base is None or any(name not in base for name in names)
        base = base or {}
        changed = [name for name in names if base.get(name) != digest(self.stored[name])]
        if not changed:
            return True
        if not self.base_unknown:
            self.conflicts = {name: self.display_value(name, self.stored[name]) for name in changed}
        self._note_author(changed)
        return False

    def display_value(self, name: str, value) -> str:
        """A stored value as people read it: labels of choices, names of related rows."""
        field = self.fields[name]
        if value is None or value == "" or value == set():
            return str(_("(empty)"))
        if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
            keys = value if isinstance(value, set | list | tuple) else [value]
            rows = field.queryset.model._default_manager.filter(pk__in=keys)
            return ", ".join(sorted(str(field.label_from_instance(row)) for row in rows))
        if isinstance(field, forms.BooleanField):
            return str(_("Yes") if value else _("No"))
        if isinstance(field, forms.ChoiceField):
            labels = {}
            for key, label in field.choices:
                labels.update(dict(label) if isinstance(label, list | tuple) else {key: label})
            keys = value if isinstance(value, set | list | tuple) else [value]
            return ", ".join(str(labels.get(key, key)) for key in keys)
        if isinstance(value, str):
            return value
        return str(formats.localize(value))

    def _note_author(self, names: list[str]) -> None:
        self.stale = True
        record = latest_change(self.revision_row(), {name: self.stored[name] for name in names})
        if record is not None:
            user = getattr(record, "history_user", None)
            self.conflict_author = str(user) if user else ""
            self.conflict_time = record.history_date

    def _show(self, values: dict[str, object]) -> None:
        """Draw the form from `values` instead of what was posted, as a fresh page would be
        (every widget then formats its value itself); the hidden revision is the stored one."""
        self.is_bound = False
        self.initial = {**self.initial, **values}
        self._bound_fields_cache = {}


def latest_change(row: models.Model, values: Mapping[str, object]):
    """The history record (django-simple-history) that gave the row the values it holds now
    for `values` (field name → value now): the oldest of the newest records that all hold
    them. Many-to-many fields and fields of other rows are not in the record; for those the
    newest record stands. None when the row has no history."""
    history = getattr(row, "history", None)
    if history is None:
        return None
    concrete = {
        field.name: field.attname
        for field in row._meta.concrete_fields
        if field.name in values and not field.many_to_many
    }
    found = None
    for record in history.order_by("-history_date", "-history_id")[:HISTORY_DEPTH]:
        if found is not None and any(
            digest(getattr(record, attname)) != digest(values[name])
            for name, attname in concrete.items()
        ):
            break
        found = record
        if not concrete:
            break
    return found
