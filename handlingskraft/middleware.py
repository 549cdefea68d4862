import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
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
    active it has been. (Idleness is Django's: SESSION_COOKIE_AGE with
    SESSION_SAVE_EVERY_REQUEST.) The clock starts at the first request after signing in."""

    SESSION_KEY = "_signed_in_at"

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
        return self.get_response(request)
