"""Helpers for tests of two people editing the same row (handlingskraft.revisions)."""

from organisations.models import User
from tests.builders import make_user


def form_values(response, name: str = "form") -> dict:
    """What a browser sends back from the page's form as it stands: every field, hidden ones
    included; a ticked checkbox as "on", an unticked one not at all, an empty field as ""."""
    data = {}
    for field in response.context[name]:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple | set):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = "" if value is None else str(value)
    return data


def person(municipality, role: str, username: str, first: str, last: str) -> User:
    user = make_user(municipality, role, username=username)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def revision_of(client, url: str) -> str:
    """The revision the page at `url` carries, as a browser that just opened it would send."""
    return client.get(url).context["form"]["revision"].value()
