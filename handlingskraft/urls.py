from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from .views import session_status

# An unexpected error: the error page in the service's style, drawn without the database.
handler500 = "handlingskraft.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("organisations.account_urls")),
    # Anyone, signed in or not, may choose the language of the pages.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # The page's session clock: time left, and "stay signed in" (static/js/session.js).
    path("session/", session_status, name="session_status"),
    path("", include("organisations.urls")),
    path("", include("plans.urls")),
    path("", include("exchange.urls")),
    path("", include("stats.urls")),
    path("", include("followup.urls")),
    path("", include("reports.urls")),
    path("", include("records.urls")),
]

if settings.OIDC_ENABLED:
    # Single sign-on: oidc/authenticate/ and oidc/callback/ (organisations/oidc.py).
    from organisations.oidc import urlpatterns as oidc_urlpatterns

    urlpatterns += oidc_urlpatterns

if settings.BENCHMARK_HELLO:
    # The benchmark's reference page (bench/views.py); off unless the benchmark starts the server.
    from bench.views import HELLO_PATH, hello

    urlpatterns += [path(HELLO_PATH, hello, name="bench_hello")]
