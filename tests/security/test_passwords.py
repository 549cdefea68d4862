"""Passwords: at least ten characters, not common, not only digits, not like the user's name."""

import pytest
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.urls import reverse

from organisations.models import User
from tests.builders import PASSWORD, make_user
from tests.conftest import signed_in


@pytest.fixture
def karin(municipality):
    user = make_user(municipality, User.Role.COORDINATOR, username="karin.lindqvist")
    user.first_name, user.last_name, user.email = "Karin", "Lindqvist", "karin@testby.se"
    user.save()
    return user


def test_the_minimum_length_is_ten_characters():
    lengths = [
        validator.min_length
        for validator in get_default_password_validators()
        if isinstance(validator, MinimumLengthValidator)
    ]
    assert lengths == [10]


WEAK = {
    "too short": "Tg7#kp2",
    "common": "password123",
    "only digits": "4815162342",
    "like the user name": "karin.lindqvist1",
}


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_a_weak_password_is_refused(karin, password):
    with pytest.raises(ValidationError):
        validate_password(password, karin)


def test_a_long_unusual_password_is_accepted(karin):
    assert validate_password("Lingon-tåg-i-Haparanda-47", karin) is None


def test_changing_to_a_weak_password_is_refused_and_the_old_one_kept(karin):
    client = signed_in(karin)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    karin.refresh_from_db()
    assert karin.check_password(PASSWORD)
