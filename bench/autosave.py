"""People answering their questionnaires at the same time, through HTTP: what bench_autosave
runs and checks.

Each person signs in on the sign-in page and then, step by step, reads the questionnaire page,
changes one text field and one number field to new values, and sends those two fields back as
the page's autosave does (with `HX-Request: true`, the names of the changed fields and the
digests the page was drawn with), pausing a little between requests. A save is acknowledged
when the server answers 200 and says "saved". Afterwards the database must hold what each
person was last told was saved, and the audit trail every value that was acknowledged on the
way."""

import http.client
import json
import random
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.urls import reverse

from bench.generate import PASSWORD, person_username
from followup.models import ActivityAnswer, Participants, Questionnaire
from stats.models import Gender

FORM_ID = "questionnaire-form"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION_INPUT = re.compile(r'name="revision" value="([^"]*)"')
VERSION_PATH = re.compile(r"/versions/(\d+)/")
LONG_WRITES = ("copy", "delete")
NUMBER_GENDER = Gender.WOMEN  # the number each person changes: participants, women


@dataclass
class Person:
    username: str
    questionnaire: int
    answer: int  # the activity answer whose fields this person changes

    @property
    def text_name(self) -> str:
        return f"a{self.answer}-what_was_done"

    @property
    def number_name(self) -> str:
        return f"a{self.answer}-participants_{NUMBER_GENDER}"


@dataclass
class Request:
    person: str
    kind: str  # "sign-in", "page", "save"; the coordinator's "copy" and "delete"
    status: int  # 0: no answer (refused, reset or timed out)
    started: float  # time.perf_counter() when sent
    seconds: float
    problem: str = ""

    def overlaps(self, other: "Request") -> bool:
        return self.started < other.started + other.seconds and other.started < (
            self.started + self.seconds
        )


@dataclass
class Outcome:
    requests: list[Request] = field(default_factory=list)
    # person → (text, number) of every save answered 200, in order
    acknowledged: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    seconds: float = 0.0


def people_for(
    questionnaires: list[Questionnaire], code: str, *, people: int, sharing: int = 1
) -> list[Person]:
    """The people of bench.generate.generate_people: person i answers questionnaire
    i // sharing, in an activity of its own there, so people sharing a questionnaire save it
    at the same time but never the same field."""
    answers: dict[int, list[int]] = {}
    for questionnaire_id, answer_id in (
        ActivityAnswer.objects.filter(questionnaire__in=questionnaires)
        .order_by("questionnaire", "activity__code", "pk")
        .values_list("questionnaire", "pk")
    ):
        answers.setdefault(questionnaire_id, []).append(answer_id)
    result = []
    for index in range(people):
        questionnaire = questionnaires[index // sharing]
        own = answers[questionnaire.pk]
        result.append(
            Person(
                person_username(code, index),
                questionnaire.pk,
                own[(index % sharing) % len(own)],
            )
        )
    return result


class FormReader(HTMLParser):
    """Every value the browser would send from the form with id FORM_ID: inputs (checked ones
    only for boxes and radio buttons), text areas and selected options; no buttons."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            self.found = self.found or self.inside
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, []]

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)
        elif self._option is not None:
            self._option[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A browser drops the one newline that may follow <textarea>.
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._close_option()
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]
            self.fields += [(self._select, value) for value in chosen]
            self._select = None

    def _close_option(self):
        value, selected, text = self._option
        self._options.append((value if value is not None else "".join(text).strip(), selected))
        self._option = None


def form_fields(html: str, form_id: str = FORM_ID) -> list[tuple[str, str]] | None:
    reader = FormReader(form_id)
    reader.feed(html)
    reader.close()
    return reader.fields if reader.found else None


class Browser:
    """One person's cookies and requests: a new connection for each request, as gunicorn's
    sync workers close every connection after answering."""

    def __init__(self, base: str, outcome: Outcome, person: str, lock: threading.Lock):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.outcome, self.person, self.lock = outcome, person, lock
        self.last: Request | None = None  # the latest request made

    def request(self, kind: str, method: str, path: str, form=None, headers=None):
        """(status, body, Location header); status 0 when the server did not answer."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            status, problem = response.status, ""
            location = response.headers.get("Location", "")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
        except OSError as error:
            status, content, location = 0, "", ""
            problem = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        self.last = Request(self.person, kind, status, started, seconds, problem)
        with self.lock:
            self.outcome.requests.append(self.last)
        return status, content, location


def _state(answer: str) -> str:
    """What the server said of a background save: "saved", or why not."""
    try:
        return json.loads(answer).get("state", "")
    except ValueError:
        return ""


def sign_in(browser: Browser, username: str) -> bool:
    """Through the sign-in page, as a person does: its form's token, user name and password."""
    path = reverse("login")
    status, page, _location = browser.request("sign-in", "GET", path)
    token = CSRF_INPUT.search(page) if status == 200 else None
    if not token:
        return False
    form = {"csrfmiddlewaretoken": token[1], "username": username, "password": PASSWORD}
    status, _page, _location = browser.request("sign-in", "POST", path, form=form)
    return status == 302


def _person_steps(
    base: str,
    person: Person,
    *,
    steps: int,
    pause: float,
    rng: random.Random,
    outcome: Outcome,
    lock: threading.Lock,
    start: threading.Barrier,
) -> None:
    browser = Browser(base, outcome, person.username, lock)
    acknowledged = outcome.acknowledged.setdefault(person.username, [])
    start.wait()
    if not sign_in(browser, person.username):
        return
    path = reverse("followup:questionnaire", args=[person.questionnaire])
    for step in range(steps):
        time.sleep(rng.uniform(0, pause))
        status, page, _location = browser.request("page", "GET", path)
        if status != 200:
            continue
        fields = form_fields(page)
        names = {name for name, _value in fields or []}
        if not {person.text_name, person.number_name} <= names:
            browser.last.problem = "no questionnaire form with the fields to change"
            continue
        # New values no earlier step wrote, and no run before this one either.
        text = f"{person.username} steg {step + 1} {rng.randrange(16**6):06x}"
        number = 1000 + step
        # As the page's script saves: only the changed fields, with the digests the page was
        # drawn with (`base`), so the server writes what changed and nothing else.
        drawn = dict(fields)
        form = [
            ("csrfmiddlewaretoken", drawn["csrfmiddlewaretoken"]),
            ("base", drawn["base"]),
            ("changed", f"{person.text_name},{person.number_name}"),
            (person.text_name, text),
            (person.number_name, str(number)),
        ]
        time.sleep(rng.uniform(0, pause))
        status, answer, _location = browser.request(
            "save", "POST", path, form=form, headers={"HX-Request": "true"}
        )
        if status == 200 and _state(answer) == "saved":
            acknowledged.append((text, number))
        elif status == 200:
            browser.last.problem = f"the save was answered, but not saved ({_state(answer)})"


@dataclass
class LongWrites:
    """A coordinator who, while the people answer, copies a big adopted plan version into a
    new draft and deletes that draft again, `cycles` times: the longest writes a page starts."""

    username: str
    version: int
    cycles: int
    gap: float = 2.0  # seconds before each copy and each delete


def _long_writes(
    base: str,
    writes: LongWrites,
    *,
    outcome: Outcome,
    lock: threading.Lock,
    start: threading.Barrier,
) -> None:
    browser = Browser(base, outcome, writes.username, lock)
    start.wait()
    if not sign_in(browser, writes.username):
        return

    def post(kind: str, path: str, form: dict) -> str:
        """The form's page, then the form sent: where it redirected to."""
        status, page, _location = browser.request("page", "GET", path)
        token = CSRF_INPUT.search(page) if status == 200 else None
        if not token:
            return ""
        # The revision the page was read at, as a person's confirmation carries it.
        read_at = {"revision": revision[1]} if (revision := REVISION_INPUT.search(page)) else {}
        status, _page, location = browser.request(
            kind, "POST", path, form={"csrfmiddlewaretoken": token[1], **read_at, **form}
        )
        return location if status == 302 else ""

    for cycle in range(writes.cycles):
        time.sleep(writes.gap)
        location = post(
            "copy", reverse("plans:version_copy", args=[writes.version]), {"label": f"L{cycle}"}
        )
        if not (draft := VERSION_PATH.search(location)):
            continue
        time.sleep(writes.gap)
        post("delete", reverse("plans:version_delete", args=[int(draft[1])]), {})


def autosave_load(
    base: str,
    people: list[Person],
    *,
    steps: int,
    pause: float,
    seed: int,
    long_writes: LongWrites | None = None,
) -> Outcome:
    """Every person's steps at once, one thread each, and the coordinator's long writes in
    another."""
    outcome = Outcome()
    lock = threading.Lock()
    start = threading.Barrier(len(people) + (1 if long_writes else 0))
    threads = [
        threading.Thread(
            target=_person_steps,
            args=(base, person),
            kwargs={
                "steps": steps,
                "pause": pause,
                "rng": random.Random(f"{seed}-{index}"),
                "outcome": outcome,
                "lock": lock,
                "start": start,
            },
        )
        for index, person in enumerate(people)
    ]
    coordinator = None
    if long_writes:
        coordinator = threading.Thread(
            target=_long_writes,
            args=(base, long_writes),
            kwargs={"outcome": outcome, "lock": lock, "start": start},
        )
        coordinator.start()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if coordinator:
        coordinator.join()
    outcome.seconds = time.perf_counter() - started
    return outcome


def lost_answers(people: list[Person], outcome: Outcome) -> tuple[list[str], list[str]]:
    """(people whose last acknowledged values are not what is stored, acknowledged texts
    missing from the audit trail)."""
    lost, untraced = [], []
    for person in people:
        acknowledged = outcome.acknowledged.get(person.username, [])
        if not acknowledged:
            continue
        text, number = acknowledged[-1]
        stored_text = ActivityAnswer.objects.get(pk=person.answer).what_was_done
        stored_number = (
            Participants.objects.filter(answer=person.answer, gender=NUMBER_GENDER)
            .values_list("count", flat=True)
            .first()
        )
        if (stored_text, stored_number) != (text, number):
            lost.append(
                f"{person.username}: told {text!r}, {number}; stored {stored_text!r}, "
                f"{stored_number}"
            )
        trail = set(
            ActivityAnswer.history.filter(id=person.answer).values_list("what_was_done", flat=True)
        )
        untraced += [f"{person.username}: {t!r}" for t, _n in acknowledged if t not in trail]
    return lost, untraced


def figures(outcome: Outcome) -> dict:
    """Counts by kind and status, and latencies, of everything the people asked."""
    by_kind = {}
    kinds = ["sign-in", "page", "save"]
    kinds += [kind for kind in LONG_WRITES if any(r.kind == kind for r in outcome.requests)]
    for kind in kinds:
        done = [r for r in outcome.requests if r.kind == kind]
        times = sorted(r.seconds * 1000 for r in done)
        by_kind[kind] = {
            "requests": len(done),
            "statuses": dict(sorted(Counter(r.status for r in done).items())),
            "p50_ms": _percentile(times, 50),
            "p95_ms": _percentile(times, 95),
            "max_ms": times[-1] if times else 0.0,
        }
    requests = outcome.requests
    long = [r for r in requests if r.kind in LONG_WRITES]
    during = [r for r in requests if r.kind not in LONG_WRITES and any(r.overlaps(w) for w in long)]
    return {
        "requests": len(requests),
        "server_errors": sum(1 for r in requests if r.status >= 500),
        "other_failures": sum(1 for r in requests if r.status < 500 and not _expected(r)),
        "statuses": dict(sorted(Counter(r.status for r in requests).items())),
        "problems": dict(Counter(r.problem for r in requests if r.problem).most_common(5)),
        "by_kind": by_kind,
        "seconds": outcome.seconds,
        # What the people asked while a long write was under way.
        "during_long_writes": {
            "requests": len(during),
            "server_errors": sum(1 for r in during if r.status >= 500),
            "max_ms": max((r.seconds * 1000 for r in during), default=0.0),
        },
    }


def _expected(request: Request) -> bool:
    """A form sent to sign in, copy or delete answers with a redirect; everything else with
    the page."""
    if request.problem:
        return False
    if request.kind == "sign-in":
        return request.status in (200, 302)
    if request.kind in LONG_WRITES:
        return request.status == 302
    return request.status == 200


def _percentile(sorted_values: list[float], percent: int) -> float:
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[percent - 1]
