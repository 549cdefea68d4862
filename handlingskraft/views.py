import logging
import time
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .middleware import (
    OWNER_COOKIE,
    SessionAbsoluteLimitMiddleware,
    kept_form_store,
    leaves_session_idle,
    owner_tag,
    page_posted_from,
    session_seconds_left,
)

logger = logging.getLogger(__name__)


# Open to everyone so that a signed-out page gets 401 and JSON, not the sign-in page.
@login_not_required
@leaves_session_idle
@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session has left (GET, which does not count as activity), or the same after
    storing it now (POST: "stay signed in"). The CSRF token, for pages that outlived the one
    they were given, and a tag of who is signed in, since another tab may have signed in as
    somebody else."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    if request.method == "POST":
        request.session[SessionAbsoluteLimitMiddleware.REFRESHED_KEY] = time.time()
    return JsonResponse(
        {
            "signed_in": True,
            **session_seconds_left(request),
            "owner": owner_tag(request.user),
            "csrf_token": get_token(request),
        }
    )


# System pages ----------------------------------------------------------------------------------

# What a server error answers when even its template cannot be drawn.
SERVER_ERROR_FALLBACK = (
    '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Något gick fel – '
    "Handlingskraft</title></head><body><h1>Något gick fel</h1><p>Ett fel i tjänsten gjorde att "
    'sidan inte kunde visas. Försök igen om en stund.</p><p><a href="/">Till startsidan</a></p>'
    "</body></html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the error page in the service's style, drawn without the request, since its
    context (the user, the session) may need the database that has just failed."""
    try:
        body = render_to_string("500.html")
    except Exception:  # whatever broke may have broken the templates too
        logger.exception("The error page could not be drawn")
        body = SERVER_ERROR_FALLBACK
    return HttpResponseServerError(body)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form was sent with a token the service no longer accepts, mostly
    because its page was open for long (signing in again gives a new token) or the browser
    blocks cookies. Nothing is done with what was sent, but a form a page posted to itself is
    kept for the person who was signed in, as when the session has ended
    (middleware.kept_form_store), and filled in when they open the page again.

    The form is kept only when the browser says it was sent from the same page on this site
    (Referer) and carries the tag of a person who was signed in here (a SameSite cookie): a
    form another site makes the browser send has neither, so it can never plant what it sent
    in a page of the service."""
    if request.headers.get("HX-Request") == "true":
        # The questionnaire's autosave fetches a fresh token and tries again (questionnaire.js).
        return JsonResponse({"state": "forbidden"}, status=403)
    kept = False
    page = page_posted_from(request)
    if (
        request.method == "POST"
        and page is not None
        and urlsplit(page).path == request.path
        and _needs_sign_in(request.path_info)
        and (
            not request.user.is_authenticated
            or constant_time_compare(request.COOKIES.get(OWNER_COOKIE, ""), owner_tag(request.user))
        )
    ):
        kept = kept_form_store(request, reason="expired_page")
    return render(
        request,
        "403_csrf.html",
        {"kept": kept, "page": request.get_full_path()},
        status=403,
    )


def _needs_sign_in(path: str) -> bool:
    """Whether the page at the path is for signed-in people only: only those fill in a kept
    form (SignInRequiredMiddleware); a sign-in form has nothing worth keeping."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "login_required", True)
