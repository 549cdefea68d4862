"""Glue for django-axes, which locks out repeated failed sign-ins (settings: "Sign-in")."""

import ipaddress

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page shown instead of the sign-in form while a user name and address are locked out.

    It is rendered in place of the sign-in response, so nothing redirects to a page that would
    need a signed-in user."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "minutes": int(get_cool_off(request).total_seconds() // 60),
        },
        status=429,
    )


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in came from. Behind TRUSTED_PROXY_COUNT proxies that each append to
    X-Forwarded-For, it is the entry the outermost of them added; the entries before it are
    whatever the client sent and are never trusted."""
    address = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return request.META.get("REMOTE_ADDR")


def is_not_a_password_attempt(request: HttpRequest, credentials: dict | None) -> bool:
    """Single sign-on calls authenticate() without a user name: the identity provider, not a
    password, decides, so its failures neither count towards nor are stopped by a lockout.
    Every password sign-in form requires a user name."""
    return not (credentials or {}).get("username")
