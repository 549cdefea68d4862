import json
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render, resolve_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Swedish unless the person chose another language from the menu. Unlike Django's
    LocaleMiddleware, the browser's Accept-Language is ignored: a Swedish public service
    speaks Swedish first, whatever the browser was set up with."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` (with Django's other never-cache headers) on every response to
    a person who is signed in, or was when the request began (signing out), and on every
    download. Nothing a signed-in person saw is then kept by a proxy, nor by the browser, where
    the next person at a shared computer could bring it back with the back button or from the
    cache on disk. Only pages open to everyone (signing in, the accessibility statement) and
    the static files (served before this) may be cached: published reports are for the
    municipality's signed-in users, not the public."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if (
            signed_in
            or request.user.is_authenticated
            or response.get("Content-Disposition", "").startswith("attachment")
        ):
            add_never_cache_headers(response)
        return response


class SessionAbsoluteLimitMiddleware:
    """Signs a person out once their session has lasted SESSION_ABSOLUTE_AGE seconds, however
    active it has been; the clock starts at signing in (session_started).

    It also keeps the idle limit: a session ends SESSION_COOKIE_AGE seconds after it was last
    stored, and it is stored again when SESSION_REFRESH_SECONDS have passed since the last
    time. That spares a database write on nearly every page, and lets a session end at most
    that much early. A view marked with leaves_session_idle (the page's question "how long
    have I got?") does not count as activity.

    Signed-in pages learn from request.session_clock how long the session has left, for the
    warning before it ends (static/js/session.js)."""

    SESSION_KEY = "_signed_in_at"
    REFRESHED_KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.setdefault(self.SESSION_KEY, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                request.session_reached_limit = True
                messages.info(
                    request,
                    _("You were signed out because your session reached its time limit."),
                )
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        now = time.time()
        if getattr(view_func, "counts_as_activity", True) and (
            now - request.session.get(self.REFRESHED_KEY, 0) > settings.SESSION_REFRESH_SECONDS
        ):
            request.session[self.REFRESHED_KEY] = now  # stored, with a new expiry date
        request.session_clock = {
            **session_seconds_left(request),
            "idle_limit": settings.SESSION_COOKIE_AGE,
            "warning": settings.SESSION_WARNING_SECONDS,
            "owner": owner_tag(request.user),
        }
        return None


def session_seconds_left(request) -> dict[str, int]:
    """Seconds until the idle limit and until the absolute limit end the signed-in session. The
    session was stored when it was last refreshed, so the idle count runs from then."""
    now = time.time()
    session = request.session
    idle_end = session.get(SessionAbsoluteLimitMiddleware.REFRESHED_KEY, now)
    absolute_end = session.get(SessionAbsoluteLimitMiddleware.SESSION_KEY, now)
    return {
        "idle": max(0, int(idle_end + settings.SESSION_COOKIE_AGE - now)),
        "absolute": max(0, int(absolute_end + settings.SESSION_ABSOLUTE_AGE - now)),
    }


def leaves_session_idle(view):
    """Marks a view whose requests do not start the idle count again."""
    view.counts_as_activity = False
    return view


# A form posted after the session ended is kept in the (new, anonymous) session under the page's
# address, with a tag of the person who was signed in, and filled in again once that same
# person has signed in (static/js/session.js). The tag comes from a cookie set while signed in:
# the ended session itself can no longer be read.
KEPT_FORMS_KEY = "kept_forms"
OWNER_COOKIE = "signed_in_as"


def owner_tag(user) -> str:
    """Who a kept form belongs to, as a keyed digest: the next person at the same computer can
    read the cookie, but neither learn whose it is nor make one for somebody else."""
    return salted_hmac("handlingskraft.kept-form-owner", str(user.pk)).hexdigest()


def kept_form_store(request, reason: str = "signed_out") -> bool:
    """Keeps what was posted to this page, but never a password or the CSRF token, nor more than
    SESSION_KEPT_FORM_MAX_BYTES (an older kept form gives way to a newer). False when nothing
    could be kept for anybody. The reason ("signed_out", or "expired_page" when the form's CSRF
    token was refused) decides what the page says when it is filled in again."""
    owner = request.COOKIES.get(OWNER_COOKIE)
    fields = {
        name: values
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken" and "password" not in name.lower()
    }
    size = len(json.dumps(fields))
    if not owner or not fields or size > settings.SESSION_KEPT_FORM_MAX_BYTES:
        return False
    path = request.get_full_path()
    kept = request.session.get(KEPT_FORMS_KEY, {})
    kept.pop(path, None)
    kept[path] = {"owner": owner, "fields": fields, "size": size, "reason": reason}
    while sum(entry["size"] for entry in kept.values()) > settings.SESSION_KEPT_FORM_MAX_BYTES:
        kept.pop(next(iter(kept)))
    request.session[KEPT_FORMS_KEY] = kept
    return True


def page_posted_from(request) -> str | None:
    """The page on this site the browser says the form was on (Referer), as a path."""
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs sign-in, as with Django's LoginRequiredMiddleware; but a request htmx
    makes in the background (the questionnaire's autosave) after the session has ended gets
    401 and a message for the page, not a redirect: htmx would follow it and put the sign-in
    page where the message belongs, and the page could not tell that nothing was saved.

    A form a page posts to itself after the session ended is kept (kept_form_store); the
    person signs in and lands on the page again, where it is filled in (request.restored_form,
    once). A post to another address, such as a "move up" button's, was only a click: it is
    not kept, and signing in leads back to the page it was made on. Signing in, choosing the
    language and the accessibility statement are open to everyone and never get here."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.user.is_authenticated
            and request.method == "GET"
            and request.headers.get("HX-Request") != "true"
            and (kept := request.session.get(KEPT_FORMS_KEY))
            and (entry := kept.pop(request.get_full_path(), None))
        ):
            if kept:
                request.session[KEPT_FORMS_KEY] = kept
            else:
                del request.session[KEPT_FORMS_KEY]
            request.restored_form = entry
        return super().process_view(request, view_func, view_args, view_kwargs)

    def process_response(self, request, response):
        if getattr(request, "restored_form", None) and response.status_code != 200:
            # Not shown after all (say, a redirect): keep it for the page itself.
            kept = request.session.get(KEPT_FORMS_KEY, {})
            request.session[KEPT_FORMS_KEY] = {
                request.get_full_path(): request.restored_form,
                **kept,
            }
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            tag = owner_tag(user)
            if request.COOKIES.get(OWNER_COOKIE) != tag:
                response.set_cookie(
                    OWNER_COOKIE,
                    tag,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
        return response

    def handle_no_permission(self, request, view_func):
        if request.headers.get("HX-Request") == "true":
            return render(request, "signed_out_status.html", status=401)
        if request.method != "POST":
            return super().handle_no_permission(request, view_func)
        match = request.resolver_match
        if match and match.view_name == "logout":
            return redirect(settings.LOGIN_URL)  # signed out already, as they wanted
        page = page_posted_from(request)
        if page is None:
            return super().handle_no_permission(request, view_func)
        if urlsplit(page).path == request.path:
            page = request.get_full_path()  # the page posted to itself: back to it
            if kept_form_store(request):
                messages.info(
                    request,
                    _("What you wrote is kept and filled in when you have signed in.")
                    if getattr(request, "session_reached_limit", False)
                    else _(
                        "You were signed out because you had been inactive for a long time. "
                        "What you wrote is kept and filled in when you have signed in."
                    ),
                )
        return redirect_to_login(
            page,
            resolve_url(self.get_login_url(view_func)),
            self.get_redirect_field_name(view_func),
        )


def session_started(sender, request, user, **kwargs):
    """On signing in (connected in organisations.apps), when the session is being stored anyway:
    start both clocks, so the requests that follow need not store it again; and drop any form
    kept from somebody else's session (a shared computer), so it is never shown to this person."""
    now = time.time()
    request.session[SessionAbsoluteLimitMiddleware.SESSION_KEY] = now
    request.session[SessionAbsoluteLimitMiddleware.REFRESHED_KEY] = now
    if kept := request.session.get(KEPT_FORMS_KEY):
        tag = owner_tag(user)
        mine = {
            path: entry
            for path, entry in kept.items()
            if constant_time_compare(entry["owner"], tag)
        }
        if mine:
            request.session[KEPT_FORMS_KEY] = mine
        else:
            del request.session[KEPT_FORMS_KEY]
