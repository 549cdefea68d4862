"""Content-Security-Policy: scripts and styles only from the service's own files, nothing inline,
never framed. Every response carries the header, and neither the templates nor the pages they
render contain anything the policy would block."""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from organisations.models import User
from plans.demo import demo_municipality
from tests.conftest import signed_in

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


# What the policy blocks, as found in markup ------------------------------------------------------


class InlineCode(HTMLParser):
    """Collects what the policy would block: inline <script> (a JSON data block is not run, so
    it is allowed), <style> elements, style="" and on…="" attributes, and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        if tag == "script" and not attributes.get("src"):
            if attributes.get("type") not in ("application/json", "application/ld+json"):
                self.found.append(f"line {line}: inline <script>")
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"line {line}: style attribute on <{tag}>")
            elif name.startswith("on"):
                self.found.append(f"line {line}: {name} handler on <{tag}>")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"line {line}: javascript: URL on <{tag}>")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser


def project_templates() -> list[Path]:
    skip = {".venv", "staticfiles", "node_modules", ".git"}
    return sorted(
        path
        for path in Path(settings.BASE_DIR).rglob("templates/**/*.html")
        if not skip & set(path.relative_to(settings.BASE_DIR).parts)
    )


# Raw template text, so that what only some data would render is caught too. Django tags are
# blanked out first; a tag's own "<" or ">" would otherwise confuse the search.
DJANGO_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)
IN_TEMPLATES = {
    "inline <script>": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I
    ),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "on… handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"=\s*[\"']?\s*javascript:", re.I),
}


def template_violations(path: Path, root: Path = settings.BASE_DIR) -> list[str]:
    text = DJANGO_TAG.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), path.read_text())
    found = []
    for what, pattern in IN_TEMPLATES.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(root)}:{line}: {what}")
    return found


def test_no_template_contains_inline_script_or_style():
    templates = project_templates()
    assert len(templates) > 30  # the search found the templates
    violations = [found for path in templates for found in template_violations(path)]
    assert violations == []


def test_the_template_search_finds_what_the_policy_blocks(tmp_path):
    sample = tmp_path / "templates" / "sample.html"
    sample.parent.mkdir()
    sample.write_text(
        '<script>alert(1)</script>\n<p style="color: red">x</p>\n<style>p {}</style>\n'
        '<button onclick="go()">x</button>\n<a href="javascript:go()">x</a>\n'
        '<script src="{% static \'x.js\' %}"></script>\n'
        '<script type="application/json">{}</script>\n'
    )
    found = template_violations(sample, root=tmp_path)
    assert [line.split(": ", 1)[1] for line in found] == [
        "inline <script>",
        "<style> element",
        "style attribute",
        "on… handler",
        "javascript: URL",
    ]


# Responses ---------------------------------------------------------------------------------------


def test_the_policy_allows_nothing_inline_and_no_framing(client):
    assert policy_of(client.get(reverse("login"))) == EXPECTED_POLICY


@pytest.mark.parametrize(
    "url",
    ["/", "/accounts/login/", "/no-such-page/", "/admin/login/"],
    ids=["redirect to sign-in", "sign-in", "not found", "admin"],
)
def test_pages_for_visitors_who_are_not_signed_in_carry_the_policy(client, url):
    response = client.get(url)
    assert policy_of(response) == EXPECTED_POLICY


PER_PAGE_KIND = 3  # pages visited per URL name: enough to see every kind of page with data


def crawl(client, start: str) -> tuple[list[str], list[str], list[str]]:
    """Follow every link inside the service from `start`. Returns the URLs visited, those whose
    response lacked the policy, and the inline code found in the HTML pages."""
    queue, seen, per_kind = deque([start]), {start}, Counter()
    visited, without_policy, inline = [], [], []
    while queue:
        url = queue.popleft()
        response = client.get(url)
        visited.append(url)
        if policy_of_or_none(response) != EXPECTED_POLICY:
            without_policy.append(url)
        links = []
        if response.status_code in (301, 302):
            links = [response["Location"]]
        elif response.get("Content-Type", "").startswith("text/html"):
            page = inline_code(response.content.decode())
            inline += [f"{url} {found}" for found in page.found]
            links = page.links
        for link in links:
            target = urldefrag(link).url
            if not target.startswith("/") or target.startswith("//") or target in seen:
                continue
            try:
                kind = resolve(urlsplit(target).path).view_name
            except Resolver404:
                continue
            if kind in ("logout", "set_language") or kind.startswith("admin:"):
                continue
            seen.add(target)
            if per_kind[kind] < PER_PAGE_KIND:
                per_kind[kind] += 1
                queue.append(target)
    return visited, without_policy, inline


def policy_of_or_none(response) -> dict | None:
    return policy_of(response) if response.has_header("Content-Security-Policy") else None


@pytest.mark.parametrize("role", [User.Role.COORDINATOR, User.Role.REPORTER])
def test_every_page_a_user_reaches_carries_the_policy_and_no_inline_code(db, role):
    call_command("load_demo", "--quiet")
    user = User.objects.filter(municipality=demo_municipality(), role=role).first()
    visited, without_policy, inline = crawl(signed_in(user), reverse("plans:home"))
    assert len(visited) > 15  # the crawl got around, to questionnaires for a reporter
    assert without_policy == []
    assert inline == []
