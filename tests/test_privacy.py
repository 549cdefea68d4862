import pytest

from handlingskraft.privacy import looks_like_personal_number


@pytest.mark.parametrize(
    "text",
    [
        "19850312-1234",
        "850312-1234",
        "8503121234",
        "198503121234",
        "850372-1234",
        "Hon, 20010101+1234",
    ],
)
def test_personal_identity_numbers_are_recognised(text):
    assert looks_like_personal_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "Dnr SON 2022-604",
        "2025-2028",
        "tel 070-123 45 67",
        "851340-1234",
        "Antal: 1234567",
        "§ 177",
    ],
)
def test_ordinary_numbers_are_not_mistaken_for_personal_numbers(text):
    assert not looks_like_personal_number(text)
