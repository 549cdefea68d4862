"""Writes about accounts that are more than saving a form."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import User


def user_set_active(*, user: User, active: bool, by: User) -> User:
    """Deactivate or reactivate an account. Accounts are never deleted: the audit trail and
    the questionnaires name the people who wrote them."""
    if not active and user.pk == by.pk:
        raise ValidationError(
            _("You cannot deactivate your own account. Ask another administrator to do it.")
        )
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user


def password_link(user: User) -> str:
    """A link to Django's page for choosing a new password, valid until the password changes
    or PASSWORD_RESET_TIMEOUT has passed."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def user_send_password_link(*, user: User) -> None:
    """E-mail the person a link to choose a password (a new account has none yet)."""
    if not user.is_active:
        raise ValidationError(_("The account is deactivated: reactivate it first."))
    if not user.email:
        raise ValidationError(_("The account has no e-mail address to send the link to."))
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "url": password_link(user),
            "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        }
        send_mail(
            subject=_("Choose a password for Handlingskraft"),
            message=render_to_string("organisations/password_link_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
