"""The project's URLs plus pages that fail on purpose, for the tests of the error pages
(`@pytest.mark.urls("tests.failing_urls")`), with the project's own error handlers."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError
from django.urls import path

from handlingskraft import urls as project


def database_gone(request):
    raise DatabaseError("could not connect to server")


def tampered(request):
    raise SuspiciousOperation("a damaged request")


urlpatterns = [
    *project.urlpatterns,
    path("fails/database/", login_not_required(database_gone), name="fails_database"),
    path("fails/tampered/", login_not_required(tampered), name="fails_tampered"),
]
handler500 = project.handler500
