"""A choice of several stored rows refuses an id no row can have, as it refuses any other id
that is not among the choices (handlingskraft.choices)."""

import pytest
from django.core.exceptions import ValidationError

from handlingskraft.choices import ModelMultipleChoiceField
from organisations.models import Actor
from tests.builders import make_actor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("posted", [str(2**63), "9" * 40, str(-(2**63) - 1)])
def test_an_id_beyond_the_databases_integers_is_not_a_choice(municipality, posted):
    actor = make_actor(municipality, "Socialnämnden")
    field = ModelMultipleChoiceField(queryset=Actor.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([str(actor.pk), posted])
    assert refused.value.code == "invalid_choice"


def test_the_rows_chosen_are_read_as_before(municipality):
    first, second = make_actor(municipality, "Ett"), make_actor(municipality, "Två")
    field = ModelMultipleChoiceField(queryset=Actor.objects.all())
    assert set(field.clean([str(first.pk), str(second.pk)])) == {first, second}
    with pytest.raises(ValidationError):
        field.clean(["²"])  # a digit Python's int() does not read: not a choice either
