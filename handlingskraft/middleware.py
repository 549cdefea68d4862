import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import render
from django.utils import translation
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


class SessionAbsoluteLimitMiddleware:
    """Signs a person out once their session has lasted SESSION_ABSOLUTE_AGE seconds, however
    active it has been; the clock starts at signing in (session_started).

    It also keeps the idle limit: a session ends SESSION_COOKIE_AGE seconds after it was last
    stored, and it is stored again when SESSION_REFRESH_SECONDS have passed since the last
    time. That spares a database write on nearly every page, and lets a session end at most
    that much early."""

    SESSION_KEY = "_signed_in_at"
    REFRESHED_KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(self.SESSION_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out because your session reached its time limit."),
                )
            elif (
                now - request.session.get(self.REFRESHED_KEY, 0) > settings.SESSION_REFRESH_SECONDS
            ):
                request.session[self.REFRESHED_KEY] = now  # stored, with a new expiry date
        return self.get_response(request)


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs sign-in, as with Django's LoginRequiredMiddleware; but a request htmx
    makes in the background (the questionnaire's autosave) after the session has ended gets
    401 and a message for the page, not a redirect: htmx would follow it and put the sign-in
    page where the message belongs, and the page could not tell that nothing was saved."""

    def handle_no_permission(self, request, view_func):
        if request.headers.get("HX-Request") == "true":
            return render(request, "signed_out_status.html", status=401)
        return super().handle_no_permission(request, view_func)


def session_started(sender, request, user, **kwargs):
    """On signing in (connected in organisations.apps), when the session is being stored anyway:
    start both clocks, so the requests that follow need not store it again."""
    now = time.time()
    request.session[SessionAbsoluteLimitMiddleware.SESSION_KEY] = now
    request.session[SessionAbsoluteLimitMiddleware.REFRESHED_KEY] = now
