"""Every form of the service, sent with what it must refuse, comes back with a summary of the
problems at the top of the form: a list where each item links to its field under the field's
label, problems with the form as a whole included, focusable so that static/js/app.js can move
the focus there (templates/error_summary.html).

Which pages have forms is found, not listed: every URL of the permission matrix (which is itself
checked against the URL resolver) is opened by the first role allowed to, and a page with a form
that has fields to fill in must have a case below. A new form fails the suite until it has one."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from organisations.models import User
from organisations.services import password_link
from tests import test_permission_matrix

MATRIX = test_permission_matrix.MATRIX
# The matrix's world (the demo municipality and another), loaded once for this module too.
world = test_permission_matrix.world

# The roles in the order a page is tried with: the first that opens it decides what it shows.
ROLES = ("coordinator", "administrator", "reporter_a", "reader", "anonymous")


@dataclass(frozen=True)
class FormCase:
    """How to send a page's form with what it must refuse."""

    role: str
    data: dict = field(default_factory=dict)
    target: str | None = None  # a key of the world, the URL's pk
    kwargs: dict = field(default_factory=dict)
    send_to: str | None = None  # the form's own address, when not the page's
    method: str = "POST"
    linked: tuple[str, ...] = ()  # ids the summary must link to


# fmt: off
FORMS: dict[str, FormCase] = {
    "login": FormCase("anonymous", linked=("id_username", "id_password")),
    "password_reset": FormCase("anonymous", {"email": "inte-en-adress"}, linked=("id_email",)),
    "password_change": FormCase("reader", linked=("id_old_password", "id_new_password1", "id_new_password2")),
    "organisations:actor_create": FormCase("coordinator", linked=("id_name", "id_kind")),
    "organisations:actor_edit": FormCase("coordinator", target="actor", linked=("id_name", "id_kind")),
    "organisations:user_create": FormCase("administrator", linked=("id_username", "id_role_0")),
    "organisations:user_edit": FormCase("administrator", target="reader_account", linked=("id_username", "id_role_0")),
    "plans:plan_create": FormCase("coordinator", linked=("id_title",)),
    "plans:version_edit": FormCase("coordinator", target="draft", linked=("id_label",)),
    "plans:version_adopt": FormCase("coordinator", target="draft", linked=("id_decided_by", "id_decision_date")),
    "plans:version_decision_correct": FormCase("coordinator", target="adopted", linked=("id_decided_by", "id_decision_date", "id_reason")),
    "plans:version_copy": FormCase("coordinator", target="adopted", linked=("id_label",)),
    "plans:goal_create": FormCase("coordinator", target="draft", linked=("id_title",)),
    "plans:goal_edit": FormCase("coordinator", target="goal_in_draft", linked=("id_title",)),
    "plans:indicator_create": FormCase("coordinator", target="draft", linked=("id_title",)),
    "plans:indicator_edit": FormCase("coordinator", target="indicator_in_draft", linked=("id_title",)),
    "plans:activity_create": FormCase("coordinator", target="draft", linked=("id_title", "id_lead")),
    "plans:activity_edit": FormCase("coordinator", target="activity_in_draft", linked=("id_title", "id_lead")),
    "plans:term_create": FormCase("coordinator", linked=("id_name",)),
    "stats:statistic_create": FormCase("coordinator", linked=("id_name",)),
    "stats:statistic_edit": FormCase("coordinator", target="own_statistic", linked=("id_name",)),
    "stats:version_statistics": FormCase("coordinator", target="draft", data={"statistic_{own_statistic}": "0"}, linked=("id_statistic_{own_statistic}_0",)),
    "exchange:plan_import_new": FormCase("coordinator", linked=("id_file",)),
    "exchange:plan_import": FormCase("coordinator", target="plan", linked=("id_file",)),
    "followup:round_create": FormCase("coordinator", target="adopted", linked=("id_deadline",)),
    "followup:round_edit": FormCase("coordinator", target="round", linked=("id_deadline",)),
    # Reopening asks for a new deadline along with the confirmation.
    "followup:round_reopen": FormCase("coordinator", target="closed_round", linked=("id_deadline",)),
    "followup:round_questions": FormCase("coordinator", target="round", linked=("id_text",)),
    "followup:round_question_edit": FormCase("coordinator", target="question", linked=("id_text",)),
    "followup:questionnaire_deadline": FormCase("coordinator", target="questionnaire_a_draft", linked=("id_deadline",)),
    # The questionnaire lists its own problems (followup/questionnaire_problems.html): here a
    # number that is not one (questionnaire_data). Returning it is tested below.
    "followup:questionnaire": FormCase("reporter_a", target="questionnaire_a_draft"),
    "reports:text_section_create": FormCase("coordinator", target="draft", linked=("id_title",)),
    "reports:text_section_edit": FormCase("coordinator", target="text_in_draft", linked=("id_title",)),
    # The documents page's extract: a GET form that downloads, or comes back with its problems.
    "reports:version_documents": FormCase("coordinator", target="adopted", send_to="reports:actor_extract", method="GET", data={"format": "pdf"}, linked=("id_actor",)),
}
# Pages with a form that nothing can be refused from: say why.
NOTHING_TO_REFUSE = {
    # A filter: an unknown kind of event shows every event.
    "records:events",
}
# fmt: on


class Page(HTMLParser):
    """The parts of a page these tests read: elements by id, the forms in <main> and the
    fields they have, and the error summaries with their links and items."""

    CONTROLS = {"input", "select", "textarea"}

    def __init__(self, html: str):
        super().__init__()
        self.ids: dict[str, tuple[str, dict]] = {}
        self.forms: list[dict] = []  # {"method", "action", "fields": [names]}
        self.summaries: list[dict] = []  # {"attrs", "links": [(href, text)], "items": [text]}
        self.first_field_line = None
        self._in_main = False
        self._summary_depth = 0
        self._depth = 0
        self._link = None
        self._item = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids[attributes["id"]] = (tag, attributes)
        if tag == "main":
            self._in_main = True
        if not self._in_main:
            return
        if tag == "div":
            self._depth += 1
            if "data-error-summary" in attributes and not self._summary_depth:
                self._summary_depth = self._depth
                self.summaries.append({"attrs": attributes, "links": [], "items": []})
        if tag == "form":
            self.forms.append(
                {
                    "method": attributes.get("method", "get").lower(),
                    "action": attributes.get("action"),
                    "fields": [],
                    "hidden": {},
                }
            )
        if tag in self.CONTROLS and self.forms:
            if attributes.get("type") == "hidden":
                self.forms[-1]["hidden"][attributes.get("name")] = attributes.get("value", "")
            elif attributes.get("type") not in ("submit", "button"):
                self.forms[-1]["fields"].append(attributes.get("name"))
                if self.first_field_line is None:
                    self.first_field_line = self.getpos()
        if self._summary_depth and tag == "li":
            self._item = []
        if self._summary_depth and tag == "a":
            self._link = [attributes.get("href", ""), []]

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main = False
        if not self._in_main:
            return
        if tag == "div":
            if self._summary_depth == self._depth:
                self._summary_depth = 0
            self._depth -= 1
        if tag == "a" and self._link:
            href, text = self._link
            self.summaries[-1]["links"].append((href, "".join(text).strip()))
            self._link = None
        if tag == "li" and self._item is not None:
            self.summaries[-1]["items"].append(" ".join("".join(self._item).split()))
            self._item = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[1].append(data)
        if self._item is not None:
            self._item.append(data)


def client_as(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: world["sessions"][role]})
    return client


def url_of(world, name: str, case) -> str:
    kwargs = {"pk": world[case.target], **case.kwargs} if case.target else case.kwargs
    return reverse(name, kwargs=kwargs) + getattr(case, "query", "").format(**world)


def forms_to_fill(page: Page) -> list[dict]:
    """The page's own forms with something to fill in (the header's and footer's are outside
    <main>; a button with hidden fields is a click, not a form)."""
    return [form for form in page.forms if form["fields"]]


def test_every_page_with_a_form_has_a_case_here(world, db):
    found = {}
    for name, cases in MATRIX.items():
        for case in cases:
            url = url_of(world, name, case)
            response = next(
                (r for role in ROLES if (r := client_as(world, role).get(url)).status_code == 200),
                None,
            )
            # Every case: a draft's page may have a form an adopted version's lacks.
            if response is not None and response["Content-Type"].startswith("text/html"):
                if forms_to_fill(Page(response.content.decode())):
                    found[name] = True
    missing = sorted(set(found) - FORMS.keys() - NOTHING_TO_REFUSE)
    stale = sorted((FORMS.keys() | NOTHING_TO_REFUSE) - set(found))
    assert not missing, f"Pages with a form but no case in tests/test_error_summaries.py: {missing}"
    assert not stale, f"Cases for pages without a form: {stale}"


def assert_summary(response, case: FormCase, world) -> list[str]:
    """The page has one summary at the top of the form, every link leading to a field of the
    page under its label; returns the problems found."""
    html = response.content.decode()
    page = Page(html)
    problems = []
    if response.status_code != 200:
        return [f"answered {response.status_code}"]
    if not page.summaries:
        return ["no error summary"]
    summary = page.summaries[0]
    if summary["attrs"].get("tabindex") != "-1":
        problems.append("the summary cannot take the focus (tabindex=-1)")
    if not summary["items"]:
        problems.append("the summary lists nothing")
    for href, text in summary["links"]:
        target = href.removeprefix("#")
        tag, attributes = page.ids.get(target, (None, {}))
        if tag not in Page.CONTROLS:
            problems.append(f"{href} leads to {tag or 'nothing'}, not a field")
            continue
        if ":" not in text or not text.split(":")[0].strip():
            problems.append(f"{href}: the link says {text!r}, not the field's label and problem")
    for wanted in case.linked:
        wanted = wanted.format(**world)
        if f"#{wanted}" not in [href for href, _text in summary["links"]]:
            problems.append(f"no link to #{wanted}; links: {summary['links']}")
    summary_at = html.index("data-error-summary")
    first_error = html.find('class="error"')
    if first_error != -1 and first_error < summary_at:
        problems.append("a field's error comes before the summary")
    return problems


def blank_form(client: Client, page_url: str, url: str) -> dict:
    """What a browser sends from the page's form to `url` when nothing is filled in: every
    field empty, the hidden ones as drawn (a form sent with no fields at all is not what a
    browser sends, and views rightly take it for no form)."""
    page = Page(client.get(page_url).content.decode())
    (form,) = [
        form for form in forms_to_fill(page) if (form["action"] or page_url) == url.split("?")[0]
    ]
    return {
        **{name: "" for name in form["fields"]},
        **{name: value for name, value in form["hidden"].items() if name != "csrfmiddlewaretoken"},
    }


def send(world, name: str, case: FormCase):
    client = client_as(world, case.role)
    page_url = url_of(world, name, case)
    url = url_of(world, case.send_to, case) if case.send_to else page_url
    data = blank_form(client, page_url, url) | {
        key.format(**world): value for key, value in case.data.items()
    }
    with transaction.atomic():
        if case.method == "GET":
            response = client.get(url, data)
        else:
            response = client.post(url, data)
        transaction.set_rollback(True)
    return response


def questionnaire_data(world, client: Client, url: str) -> dict:
    """The questionnaire as sent by its buttons, with a number field given a word."""
    page = Page(client.get(url).content.decode())
    number = next(
        attributes["name"]
        for _id, (tag, attributes) in page.ids.items()
        if tag == "input" and attributes.get("inputmode") in ("numeric", "decimal")
    )
    return {"action": "save", "changed": number, number: "sju"}, number


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_refused_form_comes_back_with_a_linked_summary(world, db, name):
    case = FORMS[name]
    if name == "followup:questionnaire":
        client = client_as(world, case.role)
        url = url_of(world, name, case)
        data, number = questionnaire_data(world, client, url)
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        problems = assert_summary(response, case, world)
        links = [href for href, _ in Page(response.content.decode()).summaries[0]["links"]]
        assert any(href.startswith("#id_" + number) for href in links), links
    else:
        problems = assert_summary(send(world, name, case), case, world)
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def test_choosing_a_password_from_a_working_link_comes_back_with_a_linked_summary(world, db):
    client = Client()
    link = urlsplit(password_link(User.objects.get(pk=world["reader_account"]))).path
    form_page = client.get(link, follow=True).redirect_chain[-1][0]
    with transaction.atomic():
        response = client.post(form_page, {"new_password1": "abc", "new_password2": "abd"})
        transaction.set_rollback(True)
    case = FormCase("anonymous", linked=("id_new_password2",))
    problems = assert_summary(response, case, world)
    assert not problems, problems


def test_returning_a_questionnaire_without_a_comment_comes_back_with_a_linked_summary(world, db):
    client = client_as(world, "coordinator")
    url = reverse("followup:questionnaire_return", args=[world["questionnaire_b_submitted"]])
    with transaction.atomic():
        response = client.post(url, {"comment": ""})
        transaction.set_rollback(True)
    problems = assert_summary(response, FormCase("coordinator", linked=("id_comment",)), world)
    assert not problems, problems
    # The questionnaire's own form still posts to the questionnaire, not to the return address.
    questionnaire = reverse("followup:questionnaire", args=[world["questionnaire_b_submitted"]])
    assert f'action="{questionnaire}" id="questionnaire-form"' in response.content.decode()


def test_a_sign_in_refused_lists_the_problem_with_the_form_as_a_whole(world, db):
    client = Client()
    response = client.post(reverse("login"), {"username": "lasare", "password": "fel-lösenord"})
    page = Page(response.content.decode())
    (summary,) = page.summaries
    assert summary["links"] == []
    assert any("användarnamn och lösenord" in item for item in summary["items"]), summary
    assert "Du kunde inte loggas in" in response.content.decode()
