"""Steps on the server side of a browser's session, for the tests of the session warning and of
forms kept after the session ended."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from handlingskraft.middleware import SessionAbsoluteLimitMiddleware


def session_key(page) -> str:
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    return cookie["value"]


def session_ends(page) -> None:
    """The session ends on the server while the page is open; the browser keeps its cookies."""
    Session.objects.filter(session_key=session_key(page)).delete()


def session_left(page, *, idle: int | None = None, absolute: int | None = None) -> None:
    """As if the session would end in `idle` seconds for want of activity (it was last stored
    long ago), or in `absolute` seconds at its time limit (it started long ago)."""
    store = SessionStore(session_key(page))
    now = time.time()
    if idle is not None:
        store[SessionAbsoluteLimitMiddleware.REFRESHED_KEY] = (
            now - settings.SESSION_COOKIE_AGE + idle
        )
    if absolute is not None:
        store[SessionAbsoluteLimitMiddleware.SESSION_KEY] = (
            now - settings.SESSION_ABSOLUTE_AGE + absolute
        )
    store.save()
    if idle is not None:
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() + timedelta(seconds=idle)
        )


def session_expiry(page):
    return Session.objects.get(session_key=session_key(page)).expire_date
