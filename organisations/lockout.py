"""Limits on what can be tried over and over: glue for django-axes, which locks out repeated
failed sign-ins, and the limit on asking for a new password (settings: "Sign-in")."""

import ipaddress

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac


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


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Counts one request for a new password and says whether it may be answered: at most
    PASSWORD_RESET_LIMIT_PER_NETWORK from the client's address (client_ip) and, of those,
    PASSWORD_RESET_LIMIT_PER_ADDRESS for one e-mail address, in PASSWORD_RESET_LIMIT_MINUTES
    from the first. The counts are kept in the "limits" cache, shared by every worker and
    server (settings: CACHES), under a keyed digest of the address rather than the address.

    Every well-formed address is counted the same, whether or not an account has it, so that
    neither the answer nor the limit tells anyone which addresses have accounts."""
    network = f"password-reset:network:{client_ip(request) or 'unknown'}"
    if not _count(network, settings.PASSWORD_RESET_LIMIT_PER_NETWORK):
        return False  # a refused request does not count against the address
    digest = salted_hmac("handlingskraft.password-reset-limit", email.strip().casefold())
    return _count(
        f"password-reset:address:{digest.hexdigest()}", settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
    )


def _count(key: str, limit: int) -> bool:
    """One more for the key in its window (which starts at the first); whether it is within."""
    cache = caches["limits"]
    window = settings.PASSWORD_RESET_LIMIT_MINUTES * 60
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
