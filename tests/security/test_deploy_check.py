"""The production configuration, as a server's environment sets it up, in a fresh process:
Django's deployment check passes, and the single sign-on switch wires in what it should."""

from .conftest import manage, production_env, run_python, settings_in

DEPLOY_CHECK = ("check", "--deploy", "--fail-level", "WARNING")


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = manage(*DEPLOY_CHECK, env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_fails_with_the_development_secret_key(tmp_path):
    result = manage(*DEPLOY_CHECK, env=production_env(tmp_path, SECRET_KEY=None))
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_the_deployment_check_fails_with_debug_on(tmp_path):
    result = manage(*DEPLOY_CHECK, env=production_env(tmp_path, DEBUG="1"))
    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_the_deployment_check_fails_without_the_https_redirect(tmp_path):
    result = manage(*DEPLOY_CHECK, env=production_env(tmp_path, SECURE_SSL_REDIRECT="0"))
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_the_server_refuses_to_start_with_the_development_secret_key(tmp_path):
    result = run_python("import handlingskraft.wsgi", production_env(tmp_path, SECRET_KEY=None))
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


OIDC_ENV = {
    "OIDC_ENABLED": "1",
    "OIDC_RP_CLIENT_ID": "handlingskraft",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_ISSUER": "https://login.testby.se/realms/testby",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.testby.se/auth",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.testby.se/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.testby.se/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.testby.se/certs",
}
OIDC_BACKEND = "organisations.oidc.MunicipalAccountBackend"


def test_single_sign_on_is_off_unless_switched_on(tmp_path):
    values = settings_in(production_env(tmp_path), "AUTHENTICATION_BACKENDS", "callback URL")
    assert OIDC_BACKEND not in values["AUTHENTICATION_BACKENDS"]
    assert values["callback URL"] is None


def test_switching_single_sign_on_on_adds_its_backend_and_urls(tmp_path):
    env = production_env(tmp_path, **OIDC_ENV)
    values = settings_in(
        env, "AUTHENTICATION_BACKENDS", "callback URL", "OIDC_RP_SIGN_ALGO", "OIDC_CREATE_USER"
    )
    assert values == {
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
            OIDC_BACKEND,
        ],
        "callback URL": "/oidc/callback/",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_CREATE_USER": False,
    }
    result = manage(*DEPLOY_CHECK, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_single_sign_on_switched_on_without_its_issuer_refuses_to_start(tmp_path):
    result = manage("check", env=production_env(tmp_path, **(OIDC_ENV | {"OIDC_OP_ISSUER": None})))
    assert result.returncode != 0
    assert "OIDC_ENABLED needs OIDC_OP_ISSUER" in result.stderr


def test_single_sign_on_refuses_a_symmetric_signing_algorithm(tmp_path):
    env = production_env(tmp_path, **(OIDC_ENV | {"OIDC_RP_SIGN_ALGO": "HS256"}))
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "OIDC_RP_SIGN_ALGO" in result.stderr
