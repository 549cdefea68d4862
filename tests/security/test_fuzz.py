"""Hostile form data never makes the service fail (issue 11, item 2).

For every URL of the service that accepts POST — found by walking the resolver, so that a new
page is covered the day it is added — Hypothesis posts, as each role allowed to post there,
the forms the service's own pages draw with their values replaced, repeated, left out or mixed
with hostile ones: random text, numbers, huge numbers, NUL and other control characters, lone
surrogates, very long strings, another municipality's ids, tampered digests, unknown names;
urlencoded or multipart as browsers send them, now and then as JSON, as the autosave
(HX-Request), or from a page whose session has ended. It checks that

- the answer is never a server error;
- a refused post (an error status, a form drawn again, a redirect with a warning, a
  background save that saved nothing) tells the person something and left every table
  exactly as it was, history included;
- whatever the person is told is in Swedish (not an English source text of the catalogue);
- where the questionnaire saves some fields and refuses others, the refused ones keep their
  stored value.

Every page is also opened with hostile query strings, which must not fail the server either.

The seed is fixed (derandomize) and the number of examples bounded; FUZZ_EXAMPLES=300 looks
deeper. `make test` prints how many posts were tried (tests/conftest.py), and
`pytest tests/security/test_fuzz.py -p no:xdist -s` prints one line per URL. Uploads
(exchange) get the same non-file garbage; their files are tested in tests/exchange.
"""

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from itertools import product

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from followup.answers import answers_read
from followup.models import Questionnaire, RoundQuestion
from followup.queries import questionnaire_content
from followup.services import round_open
from handlingskraft.middleware import OWNER_COOKIE, owner_tag
from organisations.models import Actor, User
from plans.services import plan_version_adopt, plan_version_copy
from reports.services import report_publish, text_section_save
from stats.models import StatisticAssignment
from stats.services import statistic_create
from tests.builders import make_actor, make_municipality, make_plan, make_user

from .fuzzing import (
    BODIES,
    DrawnForm,
    Outcome,
    Route,
    drawn_forms,
    outcome,
    routes,
    snapshot,
    snapshot_difference,
    untranslated,
    watched_tables,
)

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "administrator", "reporter", "reader", "anonymous")

# Which object of the world a URL's `pk` names, by the first segment of its route; each example
# picks one of them. A POST URL under a new first segment fails the test until it has a line.
PK_OBJECTS = {
    "actors": ["actor_free", "actor_lead"],
    "users": ["reader_account"],
    "plans": ["plan"],
    "versions": ["draft", "adopted"],
    "goals": ["goal_in_draft"],
    "indicators": ["indicator_in_draft"],
    "activities": ["activity_in_draft"],
    "statistics": ["own_statistic"],
    "rounds": ["round"],
    "questions": ["question"],
    "questionnaires": ["questionnaire_draft", "questionnaire_submitted"],
    "reports": ["published_report"],
    "texts": ["text_in_draft"],
}
# Other URL parameters, by name (the password reset link is the reader's, opened once).
OTHER_PARAMETERS = {
    "fmt": lambda world: ["xlsx"],
    "kind": lambda world: ["activities"],
    "uidb64": lambda world: [world.reset_uid],
    "token": lambda world: ["set-password"],
}
DUMMY = {"int": 999999, "str": "x", "slug": "x", "path": "x", "uuid": "0" * 32}

# Names the views read from the posted data whether or not the page's form carries them (the
# forms of URLs that only take POST are drawn on other pages).
READ_NAMES = (
    "revision",
    "base",
    "changed",
    "action",
    "delete",
    "direction",
    "comment",
    "next",
    "language",
)
# Tables a refused post may still change: the session (messages, sign-out) and the record of
# failed sign-ins (django-axes), which is the point of refusing them.
UNWATCHED = {"sessions", "axes"}
WATCHED = watched_tables(UNWATCHED)
# What a refusal writes on purpose, by URL: a failed sign-in goes to the event log.
RECORDED_REFUSALS = {"login": {"records_auditevent"}}

HOSTILE = [
    "abc",
    "",
    " ",
    "\x00",
    "1\x00",
    "a\x00b",
    "\x01\x08\x0b\x1b\x7f",
    "\t\r\n",
    "-1",
    "0",
    "1.5",
    "1,5",
    "-0",
    "+7",
    "1e3",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "²",
    "١٢٣",
    "𝟗",
    "99999999999999999999999999999999",
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "9" * 5000,
    "1" + "0" * 400 + ",5",
    "x" * 20_000,
    "å" * 5000,
    "\ud800",
    "a\udfffb",
    "\ufeff",
    "\u202e",
    "2025-02-30",
    "0000-00-00",
    "99999-12-31",
    "0001-01-01",
    "null",
    "true",
    "[]",
    "{}",
    '{"status": "done"}',
    '["1", "2"]',
    "a1-status:0123456789",
    "x:zzzzzzzzzz;",
    ";;;:",
    "up",
    "down",
    "save",
    "submit",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "../../../etc/passwd",
    "%00",
    "//evil.example/",
    "https://evil.example/",
    "19121212-1212",
]


# The world -----------------------------------------------------------------------------------


@dataclass
class World:
    objects: dict[str, int]  # key → pk
    sessions: dict[str, str]  # role → session key
    owners: dict[str, str]  # role → the cookie that says who was signed in (kept forms)
    ids: list[int]  # every pk of both municipalities, for hostile values
    reset_uid: str
    answers: dict[int, dict[str, object]] = field(default_factory=dict)  # questionnaire → values
    before: dict = field(default_factory=dict)  # the snapshot every example starts from

    def client(self, role: str) -> Client:
        client = Client()
        client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: self.sessions[role]})
        return client


def _build() -> tuple[dict, dict[str, User], list[int]]:
    """A small municipality with one of everything a URL can name, and another municipality
    whose ids are posted as hostile values."""
    town = make_municipality("Fuzzby", "9990")
    board = make_actor(town, "Socialnämnden")
    school = make_actor(town, "Utbildningsförvaltningen", kind=Actor.Kind.ADMINISTRATION)
    free = make_actor(town, "Elevhälsan", kind=Actor.Kind.UNIT, parent=school)
    users = {
        "coordinator": make_user(town, User.Role.COORDINATOR, "fuzz.samordnare"),
        "administrator": make_user(town, User.Role.ADMINISTRATOR, "fuzz.admin"),
        "reporter": make_user(town, User.Role.REPORTER, "fuzz.rapportor", actors=[board]),
        "reader": make_user(town, User.Role.READER, "fuzz.lasare"),
    }
    users["reader"].email = "lasare@example.se"
    users["reader"].save()
    adopted = make_plan(town, goals=2, actors=[board, school])
    statistic = statistic_create(municipality=town, name="Antal samtal", by_age=False)
    StatisticAssignment.objects.create(version=adopted, statistic=statistic, actor=board)
    plan_version_adopt(version=adopted, decided_by="Socialnämnden", decision_date=date(2025, 1, 1))
    draft = plan_version_copy(version=adopted, label="2.0")
    round_ = round_open(
        version=adopted, year=2025, deadline=timezone.localdate() + timedelta(days=60)
    )
    for position, (kind, choices) in enumerate(
        [("text", ""), ("number", ""), ("yes_no", ""), ("choice", "Ja\nNej\nVet inte")]
    ):
        RoundQuestion.objects.create(
            round=round_, text=f"Fråga {kind}", kind=kind, choices=choices, position=position
        )
    questionnaires = {q.actor_id: q for q in round_.questionnaires.all()}
    submitted = questionnaires[school.pk]
    submitted.submit(users["coordinator"])
    objects = {
        "plan": adopted.plan,
        "adopted": adopted,
        "draft": draft,
        "goal_in_draft": draft.goals.order_by("code").last(),
        "indicator_in_draft": draft.indicators.first(),
        "activity_in_draft": draft.activities.first(),
        "actor_lead": board,
        "actor_free": free,
        "own_statistic": statistic,
        "round": round_,
        "question": round_.questions.first(),
        "questionnaire_draft": questionnaires[board.pk],
        "questionnaire_submitted": submitted,
        "published_report": report_publish(round_=round_, user=users["coordinator"]),
        "text_in_draft": text_section_save(version=draft, title="Bakgrund", body="Text."),
        "reader_account": users["reader"],
    }
    other = make_municipality("Annanstad", "9989")
    other_actor = make_actor(other, "Annanstads socialnämnd")
    other_version = make_plan(other, actors=[other_actor])
    other_objects = [
        other_actor,
        other_version,
        other_version.plan,
        *other_version.goals.all(),
        *other_version.indicators.all(),
        *other_version.activities.all(),
        make_user(other, User.Role.COORDINATOR, "annanstad.samordnare"),
    ]
    ids = sorted({obj.pk for obj in [*objects.values(), *other_objects]})
    return {key: obj.pk for key, obj in objects.items()}, users, ids


def _in_savepoint(send):
    """What one request answers, with everything it wrote undone."""
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    return response


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        objects, users, ids = _build()
        sessions = {}
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        owners = {role: owner_tag(user) for role, user in users.items()}
        # Signed out, with the reader's password reset link opened (the form is behind it).
        reader = users["reader"]
        uid = urlsafe_base64_encode(force_bytes(reader.pk))
        anonymous = Client()
        token = default_token_generator.make_token(reader)
        anonymous.get(reverse("password_reset_confirm", args=[uid, token]))
        sessions["anonymous"] = anonymous.cookies[settings.SESSION_COOKIE_NAME].value
        world = World(
            objects=objects, sessions=sessions, owners=owners, ids=ids, reset_uid=uid
        )
        for key in ("questionnaire_draft", "questionnaire_submitted"):
            questionnaire = Questionnaire.objects.get(pk=objects[key])
            world.answers[questionnaire.pk] = _answers(questionnaire)
        world.before = snapshot(WATCHED)
        yield world
        transaction.set_rollback(True)


def _answers(questionnaire: Questionnaire) -> dict[str, object]:
    return {f.html_name: v for f, v in answers_read(questionnaire_content(questionnaire)).items()}


def url_kwargs(world: World, route: Route) -> list[dict]:
    """Every way the world fills the route's parameters; LookupError when it has none."""
    options = []
    for name, _converter in route.parameters:
        if name == "pk" and route.first_segment in PK_OBJECTS:
            options.append([world.objects[key] for key in PK_OBJECTS[route.first_segment]])
        elif name in OTHER_PARAMETERS:
            options.append(OTHER_PARAMETERS[name](world))
        else:
            raise LookupError(name)
    names = [name for name, _converter in route.parameters]
    return [dict(zip(names, values, strict=True)) for values in product(*options)]


ALL_ROUTES = routes()


# Who may post where ----------------------------------------------------------------------------


def _accepts_post(world: World, route: Route) -> bool:
    """Whether the URL takes POST at all: a page for reading answers 405 before it looks at
    its parameters, so made-up ones tell."""
    kwargs = {name: DUMMY.get(converter, "x") for name, converter in route.parameters}
    path = reverse(route.name, kwargs=kwargs)
    response = _in_savepoint(lambda: world.client("coordinator").post(path))
    return response.status_code != 405


@dataclass
class Target:
    """A URL that takes POST: who gets past its door, and the forms its page draws for them."""

    route: Route
    posters: list[tuple[str, dict]]  # (role, URL arguments)
    forms: dict[tuple[str, str], list[DrawnForm]]  # (role, path) → forms posting to the path


def _target(world: World, route: Route) -> Target:
    """Who an empty post gets past the door for (not 403, 404, 405 or the sign-in page), and
    what the page draws for each of them, as a browser would send it back. A URL that only
    takes POST (a move button) is drawn on another page: its posts are made of the names the
    views read and of hostile ones."""
    try:
        choices = url_kwargs(world, route)
    except LookupError as missing:
        pytest.fail(
            f"{route.name} ({route.route}) accepts POST, but the fuzz test cannot fill its "
            f"parameter {missing}: add its first path segment to PK_OBJECTS or the parameter to "
            "OTHER_PARAMETERS in tests/security/test_fuzz.py, with an object of the world."
        )
    target = Target(route, [], {})
    login = reverse(settings.LOGIN_URL)
    for kwargs, role in product(choices, ROLES):
        path = reverse(route.name, kwargs=kwargs)
        client = world.client(role)
        response = _in_savepoint(lambda: client.post(path))  # noqa: B023 -- called at once
        if response.status_code in (403, 404, 405) or (
            response.status_code == 302
            and response["Location"].startswith(login)
            and route.name != "logout"
        ):
            continue
        target.posters.append((role, kwargs))
        page = _in_savepoint(lambda: client.get(path))  # noqa: B023 -- called at once
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            forms = [f for f in drawn_forms(path, page.content.decode()) if f.action == path]
            if forms:
                target.forms[(role, path)] = forms
    return target


# Hostile posts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    route: str  # the URL's name
    role: str
    path: str
    pairs: list[tuple[str, str]]
    body: str  # a key of BODIES
    background: bool  # sent as the questionnaire's autosave sends it (HX-Request)
    # Sent from the role's page after its session ended: the form is kept for signing in
    # again (handlingskraft.middleware.kept_form_store).
    signed_out: bool = False

    def send(self, world: World):
        content_type, encode = BODIES[self.body]
        headers = {"HX-Request": "true"} if self.background else {}
        if self.signed_out:
            client = Client()
            client.cookies = SimpleCookie({OWNER_COOKIE: world.owners[self.role]})
            headers["Referer"] = f"http://testserver{self.path}"
        else:
            client = world.client(self.role)
        return client.generic(
            "POST", self.path, encode(self.pairs), content_type=content_type, headers=headers
        )


def hostile_values(world: World, names: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.sampled_from(world.ids).map(str),  # this municipality's rows, and another's
        st.integers().map(str),
        st.text(max_size=30),
        # Control characters, lone surrogates, spaces, digits of other scripts, private use.
        st.text(st.characters(codec=None, categories=("Cc", "Cs", "Zs", "Nd", "Co")), max_size=8),
        # A list of field names, as the autosave's `changed` carries.
        st.lists(st.sampled_from(names or ["x"]), max_size=4).map(",".join),
    )


@st.composite
def hostile_posts(draw, world: World, target: Target) -> Post:
    role, kwargs = draw(st.sampled_from(target.posters))
    path = reverse(target.route.name, kwargs=kwargs)
    forms = target.forms.get((role, path)) or [DrawnForm(action=path)]
    form = draw(st.sampled_from(forms))
    names = sorted({name for name, _value in form.fields} | set(form.offered))
    value = hostile_values(world, names)
    pairs = []
    for name, original in form.fields:
        if name == "csrfmiddlewaretoken":
            continue
        offered = sorted(form.offered.get(name, ())) or [original]
        how = draw(st.sampled_from(("keep", "keep", "keep", "hostile", "offered", "drop", "many")))
        if how == "keep":
            pairs.append((name, original))
        elif how == "hostile":
            pairs.append((name, draw(value)))
        elif how == "offered":
            pairs.append((name, draw(st.sampled_from(offered))))
        elif how == "many":
            pairs += [(name, draw(st.one_of(value, st.sampled_from(offered)))) for _ in range(2)]
    known = sorted(set(READ_NAMES) | set(names))
    extra = st.tuples(st.one_of(st.sampled_from(known), st.text(max_size=12)), value)
    pairs += draw(st.lists(extra, max_size=3))
    return Post(
        route=target.route.name,
        role=role,
        path=path,
        pairs=pairs,
        # Mostly as browsers send forms; sometimes as JSON, which no page sends.
        body=draw(st.sampled_from(("urlencoded", "multipart") * 2 + ("json",))),
        background=draw(st.booleans()),
        signed_out=role != "anonymous" and draw(st.integers(0, 7)) == 0,
    )


def check(world: World, post: Post) -> Outcome:
    """Send the post in a savepoint of its own and check what must hold; returns what the
    answer was, for the summary."""
    with transaction.atomic():
        try:
            response = post.send(world)
        except Exception as error:  # the test client raises what the server would answer 500
            raise AssertionError(f"server error {error!r} for {post}") from error
        result = outcome(response)
        assert result.status < 500, f"{result.status} for {post}"
        if result.refused:
            recorded = RECORDED_REFUSALS.get(post.route, set())
            changed = snapshot_difference(
                world.before, snapshot([t for t in WATCHED if t not in recorded])
            )
            assert not changed, f"refused ({result.kind}) but changed {changed} for {post}"
            told = any(text.strip() for text in result.texts)
            assert told, f"refused ({result.kind}) without a word to the person for {post}"
        if result.fields_refused:
            pk = int(post.path.strip("/").split("/")[1])
            now, before = _answers(Questionnaire.objects.get(pk=pk)), world.answers[pk]
            spoilt = [name for name in result.fields_refused if now[name] != before[name]]
            assert not spoilt, f"refused fields {spoilt} were written for {post}"
        english = untranslated(result.texts)
        assert not english, f"told in English: {english} for {post}"
        transaction.set_rollback(True)
    return result


# The tests -----------------------------------------------------------------------------------

# Per URL that draws a form; a URL that reads nothing posted gets fewer. FUZZ_EXAMPLES=500
# looks deeper, for a while.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
EXAMPLES_WITHOUT_FORM = max(1, EXAMPLES // 4)


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda route: route.name)
def test_hostile_posts_never_fail_the_server_and_change_nothing_when_refused(
    world, route, record_property
):
    if not _accepts_post(world, route):
        return  # a page for reading: answers 405 to any post (tests/test_permission_matrix.py)
    target = _target(world, route)
    assert target.posters, f"{route.name}: no role of the world gets past the door with a post"
    answers, refused = Counter(), Counter()

    @hypothesis_settings(
        max_examples=EXAMPLES if target.forms else EXAMPLES_WITHOUT_FORM,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(post=hostile_posts(world, target))
    def run(post):
        result = check(world, post)
        event(result.kind)
        answers[result.kind] += 1
        refused[result.refused] += 1

    run()
    tried = sum(answers.values())
    roles = sorted({role for role, _kwargs in target.posters})
    print(f"fuzz {route.name}: {tried} posts as {', '.join(roles)}: {dict(answers)}")
    assert tried >= EXAMPLES_WITHOUT_FORM
    # Summed up at the end of the run (tests/conftest.py).
    record_property("fuzz_posts", tried)
    record_property("fuzz_refused", refused[True])
    record_property("fuzz_urls", 1)


def test_a_post_url_the_world_cannot_fill_fails_saying_where_to_add_it(world):
    new = Route("widgets:widget_edit", "/widgets/<int:pk>/edit/", (("pk", "int"),))
    with pytest.raises(pytest.fail.Exception, match="add its first path segment to PK_OBJECTS"):
        _target(world, new)


def test_the_walk_finds_the_pages_of_every_app_and_leaves_out_the_admin():
    names = {route.name for route in ALL_ROUTES}
    assert {"followup:questionnaire", "plans:goal_move", "login", "set_language"} <= names
    assert not [route for route in ALL_ROUTES if route.name.startswith("admin:")]


# Query strings -------------------------------------------------------------------------------

# The names the views read from the query string (request.GET).
QUERY_NAMES = ("page", "action", "actor", "goal", "parent", "format", "next")
QUERY_EXAMPLES = max(10, EXAMPLES * 3)


def _pages(world: World) -> list[str]:
    """Every page of the world that is not a download, as a path."""
    paths = []
    for route in ALL_ROUTES:
        if route.is_file:
            continue
        try:
            paths += [reverse(route.name, kwargs=kwargs) for kwargs in url_kwargs(world, route)]
        except LookupError:
            continue
    return paths


def test_hostile_query_strings_never_fail_the_server(world, record_property):
    answers = Counter()

    @hypothesis_settings(
        max_examples=QUERY_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        path=st.sampled_from(_pages(world)),
        role=st.sampled_from(ROLES),
        pairs=st.lists(
            st.tuples(
                st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=8)),
                hostile_values(world, list(QUERY_NAMES)),
            ),
            min_size=1,
            max_size=4,
        ),
    )
    def run(path, role, pairs):
        query = BODIES["urlencoded"][1](pairs).decode()
        client = world.client(role)
        try:
            response = _in_savepoint(lambda: client.get(f"{path}?{query}"))
        except Exception as error:
            raise AssertionError(f"server error {error!r} for {path}?{query} as {role}") from error
        assert response.status_code < 500
        if "html" in response.get("Content-Type", ""):
            result = outcome(response)
            english = untranslated(result.texts)
            assert not english, f"told in English: {english} for {path}?{query}"
        answers[response.status_code] += 1

    run()
    print(f"fuzz query strings: {sum(answers.values())} pages opened: {dict(answers)}")
    record_property("fuzz_pages", sum(answers.values()))
