import importlib
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from .fake_idp import FakeIdentityProvider

# Every variable the settings module reads for what is tested here; a subprocess starts without
# them, as on a freshly configured server, and gets only those a test gives it.
SETTINGS_VARIABLES = {
    "PYTEST_VERSION",
    "PYTEST_XDIST_WORKER",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "TRUSTED_PROXY_COUNT",
}
SETTINGS_PREFIXES = ("SECURE_", "SESSION_", "SIGN_IN_", "OIDC_", "CSRF_COOKIE_")
PRODUCTION_SECRET_KEY = "k3Jv-9xq2LwPz7Rt_mN4bYc8HsDf6GtA1eUo5iQ0vWjKlXnZ" + "y2R8pT4sV7"


def production_env(tmp_path, **variables: str) -> dict[str, str]:
    """The environment of a production server: DEBUG off, a real secret key, one host name,
    its own database; plus `variables` (a value of None leaves a variable out)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in SETTINGS_VARIABLES
        and not name.startswith(SETTINGS_PREFIXES)
        # The browser tests set this in the same worker process; a server never has it.
        and name != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "handlingskraft.settings",
        "SECRET_KEY": PRODUCTION_SECRET_KEY,
        "ALLOWED_HOSTS": "handlingskraft.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }
    env |= variables
    return {name: value for name, value in env.items() if value is not None}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in(env: dict[str, str], *names: str) -> dict:
    """The named settings as a fresh process with `env` sees them. The name "callback URL"
    stands for the address of the single sign-on callback, None when there is none."""
    code = f"""
import json, django
django.setup()
from django.conf import settings
from django.urls import NoReverseMatch, reverse
def value(name):
    if name != "callback URL":
        return getattr(settings, name, None)
    try:
        return reverse("oidc_authentication_callback")
    except NoReverseMatch:
        return None
print(json.dumps({{name: value(name) for name in {list(names)!r}}}, default=str))
"""
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# In-process ------------------------------------------------------------------------------------


def in_english(client):
    """Pages in English, the language of the messages' source, so that what the tests read does
    not depend on the Swedish translation."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client(client):
    return in_english(client)


# Single sign-on --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def identity_provider():
    provider = FakeIdentityProvider()
    yield provider
    provider.close()


def _reload_urls() -> None:
    clear_url_caches()
    importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
    clear_url_caches()


@pytest.fixture
def single_sign_on(identity_provider):
    """The service with OIDC_ENABLED, pointed at the fake provider, as settings.py would set it
    up from the environment (tests/security/test_deploy_check.py checks that wiring)."""
    identity_provider.reset()
    with override_settings(
        OIDC_ENABLED=True,
        OIDC_RP_CLIENT_ID=identity_provider.client_id,
        OIDC_RP_CLIENT_SECRET=identity_provider.client_secret,
        OIDC_OP_ISSUER=identity_provider.issuer,
        OIDC_OP_AUTHORIZATION_ENDPOINT=identity_provider.authorization_endpoint,
        OIDC_OP_TOKEN_ENDPOINT=identity_provider.token_endpoint,
        OIDC_OP_USER_ENDPOINT=identity_provider.userinfo_endpoint,
        OIDC_OP_JWKS_ENDPOINT=identity_provider.jwks_endpoint,
        OIDC_RP_SIGN_ALGO="RS256",
        OIDC_USE_PKCE=True,
        OIDC_TOKEN_USE_BASIC_AUTH=False,
        AUTHENTICATION_BACKENDS=[
            *settings.AUTHENTICATION_BACKENDS,
            "organisations.oidc.MunicipalAccountBackend",
        ],
    ):
        _reload_urls()
        yield identity_provider
    _reload_urls()


def sign_in_at_provider(client, provider: FakeIdentityProvider, email: str, next_url="", **how):
    """What a browser does: start at the service, sign in at the provider as `email`, come back.
    Returns the service's answer to the return (the callback)."""
    provider.sign_in_as(email, **how)
    start = client.get(reverse("oidc_authentication_init"), {"next": next_url} if next_url else {})
    assert start.status_code == 302
    assert start["Location"].startswith(provider.authorization_endpoint + "?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")
