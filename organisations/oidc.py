"""Single sign-on with the municipality's OpenID Connect provider (mozilla-django-oidc).

Switched on by OIDC_ENABLED (settings and README: Production). Who a person is comes from the
provider; what they may do never does. The provider's e-mail address is matched, ignoring case,
against the active users an administrator has created with a municipality and a role; nobody is
created, and nobody without such an account gets in. Superusers sign in with their password
only, so a mistake at the provider cannot hand out the whole service.

The ID token is checked strictly before anyone is matched: its signature against the provider's
published keys with the configured algorithm only; `iss` equal to OIDC_OP_ISSUER; `aud`
containing our client id (and `azp` naming us when present or when there are several
audiences); `exp` not passed and `iat` not in the future, give or take
OIDC_CLOCK_LEEWAY_SECONDS; `nonce` equal to the one this browser's sign-in started with
(mozilla-django-oidc keeps it in the session with `state`). The userinfo answer must be about
the same `sub` as the ID token.
"""

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)

REFUSAL_ATTRIBUTE = "oidc_refusal"


class Refused(Exception):
    """Sign-in refused for a reason the person should be told about."""

    def __init__(self, reason: str, email: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.email = email


def check_id_token_claims(claims: dict, *, issuer: str, client_id: str, leeway: float) -> None:
    """Raises SuspiciousOperation unless the ID token was issued by our provider, to us, and is
    still valid. PyJWT checks most of this while decoding too; this says it once more, plainly,
    so the rules do not depend on a library's defaults."""
    if claims.get("iss") != issuer:
        raise SuspiciousOperation("ID token from another issuer")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if client_id not in audiences:
        raise SuspiciousOperation("ID token for another audience")
    if ("azp" in claims or len(audiences) > 1) and claims.get("azp") != client_id:
        raise SuspiciousOperation("ID token authorised for another party")
    now = time.time()
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int | float) or expires + leeway < now:
        raise SuspiciousOperation("ID token expired")
    if not isinstance(issued, int | float) or issued - leeway > now:
        raise SuspiciousOperation("ID token issued in the future")
    if not claims.get("sub"):
        raise SuspiciousOperation("ID token without a subject")


class MunicipalAccountBackend(OIDCAuthenticationBackend):
    """Authenticates the return from the provider; see the module's description."""

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password sign-in never reaches the provider.
        if request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            logger.info("Single sign-on refused: %s", refusal.reason)
            setattr(request, REFUSAL_ATTRIBUTE, refusal)
        except (
            SuspiciousOperation,
            jwt.InvalidTokenError,
            requests.RequestException,
            KeyError,
            ValueError,
        ) as error:
            logger.warning("Single sign-on refused, invalid answer from the provider: %s", error)
            setattr(request, REFUSAL_ATTRIBUTE, Refused("invalid"))
        return None

    def get_payload_data(self, token, key):
        """The verified claims of a token signed by the provider with the configured algorithm.
        Never an unsigned token, whatever OIDC_ALLOW_UNSECURED_JWT says."""
        algorithm = self.OIDC_RP_SIGN_ALGO
        if jwt.get_unverified_header(token).get("alg") != algorithm:
            raise SuspiciousOperation("Token not signed with the configured algorithm")
        return jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_OP_ISSUER,
            leeway=settings.OIDC_CLOCK_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "sub", "exp", "iat"]},
        )

    def verify_token(self, token, **kwargs):
        claims = super().verify_token(token, **kwargs)  # signature and nonce
        check_id_token_claims(
            claims,
            issuer=settings.OIDC_OP_ISSUER,
            client_id=self.OIDC_RP_CLIENT_ID,
            leeway=settings.OIDC_CLOCK_LEEWAY_SECONDS,
        )
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        """The one active account in a municipality, not a superuser's, with the provider's
        e-mail address; never a new one."""
        claims = self.get_userinfo(access_token, id_token, payload)
        email = (claims.get("email") or "").strip()
        if not email:
            raise SuspiciousOperation("no e-mail address from the provider")
        if claims.get("email_verified") in (False, "false"):
            raise Refused("unverified", email)
        users = list(
            self.UserModel.objects.filter(
                email__iexact=email,
                is_active=True,
                is_superuser=False,
                municipality__isnull=False,
            ).order_by("pk")[:2]
        )
        if not users:
            raise Refused("unknown", email)
        if len(users) > 1:
            raise Refused("ambiguous", email)
        return users[0]

    def get_user(self, user_id):
        # mozilla-django-oidc's own get_user would keep a deactivated user signed in.
        return ModelBackend.get_user(self, user_id)


def refusal_message(refusal: Refused | None) -> str:
    email = refusal.email if refusal else ""
    reason = refusal.reason if refusal else "invalid"
    if reason == "unknown":
        return _(
            "No active account in Handlingskraft has the e-mail address %(email)s. "
            "Ask your administrator to add you."
        ) % {"email": email}
    if reason == "ambiguous":
        return _(
            "More than one account in Handlingskraft has the e-mail address %(email)s, so it "
            "cannot be used to sign in. Ask your administrator to correct this."
        ) % {"email": email}
    if reason == "unverified":
        return _(
            "Your municipality's sign-in has not confirmed the e-mail address %(email)s. "
            "Ask your administrator for help."
        ) % {"email": email}
    return _(
        "Signing in with the municipality's account did not succeed. Try again, or sign in "
        "with user name and password."
    )


class MunicipalAccountCallbackView(OIDCAuthenticationCallbackView):
    """The return from the provider. On failure: back to the sign-in page, saying why."""

    def login_failure(self):
        messages.error(
            self.request, refusal_message(getattr(self.request, REFUSAL_ATTRIBUTE, None))
        )
        return redirect(settings.LOGIN_URL)


# Included by handlingskraft/urls.py only when OIDC_ENABLED. mozilla-django-oidc finds the
# views by these names.
urlpatterns = [
    path(
        "oidc/authenticate/",
        login_not_required(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(MunicipalAccountCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
