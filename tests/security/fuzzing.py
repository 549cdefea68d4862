"""The machinery of the fuzz test (test_fuzz.py): the service's routes, the forms its pages
draw, request bodies a browser could not send, a snapshot of the database, and what an answer
means (done, or refused with a message).

Kept apart from the test so that the test reads as the policy: which objects fill which URL,
which values are hostile, what must hold."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from django.apps import apps
from django.contrib import messages
from django.db import connection
from django.forms import BaseForm
from django.test.utils import ContextList
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.translation import trans_real

from followup.forms import QuestionnaireForms

# Routes ---------------------------------------------------------------------------------------

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "plans:goal_edit"
    route: str  # e.g. "/goals/<int:pk>/edit/"
    parameters: tuple[tuple[str, str], ...]  # (name, converter)

    @property
    def first_segment(self) -> str:
        return self.route.strip("/").split("/")[0]

    @property
    def is_file(self) -> bool:
        """A download (…/export.xlsx, …/report.<str:fmt>): no forms to read on it."""
        return bool(re.search(r"\.(\w+|<[^>]+>)/?$", self.route))


def routes(ignored_namespaces=("admin",)) -> list[Route]:
    """Every named URL pattern of the project, as the resolver holds it."""
    found: list[Route] = []

    def walk(patterns, namespaces: list[str], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ignored_namespaces:
                    continue
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = prefix + str(pattern.pattern)
                found.append(
                    Route(
                        name=":".join([*namespaces, pattern.name]),
                        route=route,
                        parameters=tuple(
                            (m["name"], m["converter"] or "str") for m in _PARAMETER.finditer(route)
                        ),
                    )
                )

    walk(get_resolver().url_patterns, [], "/")
    return found


# Forms as a page draws them ---------------------------------------------------------------------


@dataclass
class DrawnForm:
    """One <form method="post"> of a page: where it posts, and what a browser would send as
    drawn (hidden fields, typed values, the checked boxes, the selected options)."""

    action: str  # a path
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Every value the page offers for a field name: options, checkboxes, radio buttons.
    offered: dict[str, set[str]] = field(default_factory=dict)


class _FormReader(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[DrawnForm] = []
        self._form: DrawnForm | None = None
        self._select: str | None = None
        self._selected: list[str] = []
        self._first_option: str | None = None
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urlsplit(urljoin(self.page, a.get("action") or self.page)).path
                self._form = DrawnForm(action=action)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                form.offered.setdefault(name, set()).add(value)
                if "checked" in a:
                    form.fields.append((name, value))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                form.fields.append((name, value))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            form.offered.setdefault(name, set()).add(a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._selected, self._first_option = name, [], None
        elif tag == "option" and self._select:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form" and form is not None:
            self.forms.append(form)
            self._form = None
        elif tag == "option" and self._option is not None and self._select and form:
            value = self._option["value"]
            value = self._option["text"].strip() if value is None else value
            form.offered.setdefault(self._select, set()).add(value)
            if self._first_option is None:
                self._first_option = value
            if self._option["selected"]:
                self._selected.append(value)
            self._option = None
        elif tag == "select" and self._select and form is not None:
            chosen = self._selected or ([self._first_option] if self._first_option else [])
            form.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea and form is not None:
            # A browser drops the one line break that follows <textarea>.
            form.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


class _AlertReader(HTMLParser):
    """The text of every element with role="alert": what a page tells about a refusal."""

    VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.alerts: list[str] = []
        self._depth = 0  # open elements inside the current alert

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self._depth:
            self._depth += 1
        elif dict(attrs).get("role") == "alert":
            self._depth = 1
            self.alerts.append("")

    def handle_endtag(self, tag):
        if self._depth and tag not in self.VOID:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.alerts[-1] += data


def alert_texts(html: str) -> list[str]:
    reader = _AlertReader()
    reader.feed(html)
    return [" ".join(text.split()) for text in reader.alerts if text.strip()]


def drawn_forms(page: str, html: str) -> list[DrawnForm]:
    reader = _FormReader(page)
    reader.feed(html)
    return reader.forms


# Request bodies -------------------------------------------------------------------------------

BOUNDARY = "----handlingskraft-fuzz"


def _bytes(text: str) -> bytes:
    # Lone surrogates go out as the bytes a careless client writes; the server must cope.
    return text.encode("utf-8", "surrogatepass")


def urlencoded(pairs: list[tuple[str, str]]) -> bytes:
    return b"&".join(
        quote(_bytes(name), safe="").encode() + b"=" + quote(_bytes(value), safe="").encode()
        for name, value in pairs
    )


def multipart(pairs: list[tuple[str, str]]) -> bytes:
    """As FormData sends it (the questionnaire's autosave); names escaped as browsers do."""
    parts = []
    for name, value in pairs:
        escaped = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        parts.append(
            b"--"
            + BOUNDARY.encode()
            + b'\r\nContent-Disposition: form-data; name="'
            + _bytes(escaped)
            + b'"\r\n\r\n'
            + _bytes(value)
            + b"\r\n"
        )
    return b"".join(parts) + b"--" + BOUNDARY.encode() + b"--\r\n"


def json_body(pairs: list[tuple[str, str]]) -> bytes:
    """The fields as a JSON object, lone surrogates escaped as JSON allows (\\ud800): what a
    script that posts JSON instead of a form sends. The service reads forms only."""
    return json.dumps(dict(pairs)).encode()


BODIES = {
    "urlencoded": ("application/x-www-form-urlencoded", urlencoded),
    "multipart": (f"multipart/form-data; boundary={BOUNDARY}", multipart),
    "json": ("application/json", json_body),
}


# The database -------------------------------------------------------------------------------------


def watched_tables(ignored: set[str]) -> list[str]:
    """Every table of the project's models (history and many-to-many tables included), but
    those of the apps or models in `ignored`."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in ignored
        and model._meta.label not in ignored
    }
    return sorted(tables)


def snapshot(tables: list[str]) -> dict[str, frozenset]:
    """Every row of the tables (the fuzz world is small), as text; in plain SQL, since the
    test takes one after every refused post."""
    result = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            result[table] = frozenset(map(repr, cursor.fetchall()))
    return result


def snapshot_difference(before: dict, after: dict) -> dict[str, dict]:
    return {
        label: {"gone": sorted(rows - after[label])[:3], "new": sorted(after[label] - rows)[:3]}
        for label, rows in before.items()
        if label in after and rows != after[label]
    }


# What an answer means -------------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    refused: bool
    kind: str  # for the summary: "form errors", "redirect, refused", "409", …
    texts: list[str]  # what the person is told: messages, form errors, the JSON's message
    fields_refused: list[str] = field(default_factory=list)  # field names the answer names


_REFUSING_LEVELS = {messages.INFO, messages.WARNING, messages.ERROR}


def _queued_messages(response) -> list:
    storage = getattr(response.wsgi_request, "_messages", None)
    return list(getattr(storage, "_queued_messages", []))


def _contexts(response) -> list[dict]:
    """Each template's context, flattened (a response drawn from one template has one)."""
    contexts = response.context
    if contexts is None:
        return []
    if not isinstance(contexts, ContextList):
        contexts = [contexts]
    return [context.flatten() for context in contexts]


def _context_forms(response) -> list[BaseForm]:
    forms, seen = [], set()
    for context in _contexts(response):
        for value in context.values():
            # The questionnaire holds its forms in one object (followup.forms).
            candidates = value.all() if isinstance(value, QuestionnaireForms) else [value]
            for form in candidates:
                if isinstance(form, BaseForm) and id(form) not in seen:
                    seen.add(id(form))
                    forms.append(form)
    return forms


def outcome(response) -> Outcome:
    """Whether the service did what was posted, and what it told the person.

    Refused: an error status; a page drawn again (a post that is done is redirected); a
    redirect with a message that is not a success; a background save that did not save.
    The questionnaire saves field by field: an answer that says it wrote fields counts as
    done, and names the fields it refused (checked separately)."""
    status = response.status_code
    queued = _queued_messages(response)
    texts = [str(m.message) for m in queued if m.level in _REFUSING_LEVELS]
    succeeded = any(m.level == messages.SUCCESS for m in queued)
    content_type = response.get("Content-Type", "")
    if status >= 400:
        return Outcome(status, True, str(status), texts + [_page_text(response)])
    if content_type.startswith("application/json"):
        data = response.json()
        names = [p["name"] for p in [*data.get("errors", []), *data.get("conflicts", [])]]
        texts += [p["message"] for p in data.get("errors", []) if p.get("message")]
        # A conflict is worded by the page's script ("… saved: …"), from the field and values.
        texts += [f"{p['item']} – {p['label']}: {p['theirs']}" for p in data.get("conflicts", [])]
        texts += [data["message"]] if data.get("message") else []
        if "state" not in data:
            return Outcome(status, False, "answer (JSON)", texts)  # not a save: the clock
        if data.get("state") == "saved":
            return Outcome(status, False, "saved (background)", texts)
        wrote = bool(data.get("written"))
        return Outcome(status, not wrote, f"{data.get('state')} (background)", texts, names)
    if status == 302:
        refused = bool(texts) and not succeeded
        return Outcome(status, refused, "redirect, refused" if refused else "redirect", texts)
    forms = _context_forms(response)
    errors = [str(e) for form in forms if form.is_bound for e in _form_errors(form)]
    context = _context(response)
    names = [p["name"] for p in [*context.get("errors", []), *context.get("conflicts", [])]]
    stale = any(getattr(form, "stale", False) for form in forms)
    kind = "form errors" if errors else "conflict" if stale else "page again"
    wrote = bool(context.get("problems_saved"))
    told = alert_texts(response.content.decode(errors="replace"))
    if not forms:
        # Not the form drawn again, but a page that answers (a sign-in link that no longer
        # works): its text is what the person is told.
        kind, told = "page", told + [_page_text(response)]
    return Outcome(status, not wrote, kind, texts + errors + told, names)


def _form_errors(form: BaseForm) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


def _context(response) -> dict:
    """The page's own context: the first template's."""
    contexts = _contexts(response)
    return contexts[0] if contexts else {}


def _page_text(response) -> str:
    html = response.content.decode(errors="replace")
    main = re.search(r"<main.*?</main>", html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", main.group(0) if main else html).strip()


# Swedish ----------------------------------------------------------------------------------------


@functools.cache
def _english_sources() -> frozenset[str]:
    catalog = trans_real.translation("sv")._catalog
    return frozenset(
        key for key, value in catalog.items() if isinstance(key, str) and key and key != value
    )


def untranslated(texts: list[str]) -> list[str]:
    """Texts shown as their English source although the Swedish catalogue translates them."""
    return [text for text in texts if text.strip() in _english_sources()]
