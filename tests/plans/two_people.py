"""Two people editing the same row (handlingskraft.revisions): helpers for the tests of each
form. Person A and person B both open a page; A saves; B saves from the page opened before."""

from handlingskraft.revisions import canonical
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


def stored(client, url: str) -> dict:
    """What the edit page reads from the database now, field by field, as canonical text."""
    return {name: canonical(v) for name, v in client.get(url).context["form"].stored.items()}


def same(a, b) -> bool:
    """Whether two values mean the same; a ticked checkbox posts "on"."""
    return canonical(True if a == "on" else a) == canonical(True if b == "on" else b)


def refused_then_saved(a, b, url: str, x: tuple, y: tuple, *, author: str | None) -> None:
    """A changes field x, then B changes field y from the page opened before: refused, nothing
    written, the message names A (`author`; None: "someone else"), the page shows A's x and
    B's y; B saves again and both are stored."""
    (x, x_value), (y, y_value) = x, y
    a_page, b_page = form_values(a.get(url)), form_values(b.get(url))
    before = stored(a, url)

    assert a.post(url, a_page | {x: x_value}).status_code == 302
    response = b.post(url, b_page | {y: y_value})

    assert response.status_code == 200
    refused = response.context["form"]
    assert refused.stale and refused.refreshed == [x] and refused.conflicts == {}
    html = response.content.decode()
    if author:
        assert f"{author} sparade ändringar" in html
    else:
        assert "Någon annan sparade ändringar efter att du öppnade sidan." in html
    assert "Ingenting har sparats, och det du skrev finns kvar i formuläret." in html
    now = stored(a, url)
    assert same(now[x], x_value) and now[y] == before[y]  # B's change is not written
    shown = form_values(response)
    assert same(shown[x], x_value) and same(shown[y], y_value)  # A's and B's
    assert shown["revision"] != b_page["revision"]

    assert b.post(url, shown).status_code == 302
    now = stored(a, url)
    assert same(now[x], x_value) and same(now[y], y_value)


def both_changed(a, b, url: str, field: str, a_value, b_value, *, author: str | None):
    """A and B change the same field: B is refused, B's value stays in the field and A's is
    shown beside it, tied to the field; B saves again and B's value is stored. Returns the
    refused form."""
    a_page, b_page = form_values(a.get(url)), form_values(b.get(url))
    assert a.post(url, a_page | {field: a_value}).status_code == 302

    response = b.post(url, b_page | {field: b_value})

    assert response.status_code == 200
    refused = response.context["form"]
    assert list(refused.conflicts) == [field] and refused.refreshed == []
    assert same(form_values(response)[field], b_value)  # B's own value stays in the field
    html = response.content.decode()
    assert (f"Sparat av {author}:" if author else "Sparat av någon annan:") in html
    assert f'id="{refused[field].auto_id}_conflict"' in html
    assert f"{refused[field].auto_id}_conflict" in refused[field].aria_describedby
    assert same(stored(a, url)[field], a_value)

    assert b.post(url, form_values(response)).status_code == 302  # B chose B's own
    assert same(stored(a, url)[field], b_value)
    return refused


def tampered_refused(client, url: str, field: str, value, revision: str | None) -> None:
    """A save with a revision this page never wrote (None: none at all) is refused like a stale
    one, never answered with an error page; saving the page it answers with goes through."""
    data = form_values(client.get(url)) | {field: value}
    before = stored(client, url)
    if revision is None:
        del data["revision"]
    else:
        data["revision"] = revision

    response = client.post(url, data)

    assert response.status_code == 200
    refused = response.context["form"]
    assert refused.stale and refused.base_unknown
    html = response.content.decode()
    assert "Sidan saknade uppgift om vilken sparad version den öppnades från." in html
    assert stored(client, url) == before
    assert client.post(url, form_values(response)).status_code == 302
    assert same(stored(client, url)[field], value)


def delete_asked_again(a, b, delete: str, edit: str, field: str, value: str, exists) -> None:
    """B opens the delete confirmation, A changes the row, B confirms: nothing is deleted and
    the confirmation shows what changed; B confirms again and the row is gone. `exists()`
    says whether the row is still there."""
    confirmation = form_values(b.get(delete))
    assert a.post(edit, form_values(a.get(edit)) | {field: value}).status_code == 302

    response = b.post(delete, confirmation)

    assert response.status_code == 200 and exists()
    assert response.context["form"].conflicts == {field: value}
    html = response.content.decode()
    assert "Ingenting har tagits bort." in html and value in html
    assert b.post(delete, form_values(response)).status_code == 302
    assert not exists()
