"""The reminder e-mail: the edge where the follow-up meets the mail system (Django's
EMAIL_BACKEND; SMTP in production)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _


def reminder_email_send(questionnaire, key: str, recipients) -> None:
    """E-mail one reminder to the reporters, in the site's language. Raises whatever the
    mail system raises when it refuses (followup.services.reminder_deliver records it)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "questionnaire": questionnaire,
            "after_deadline": key.startswith("after")
            or (key.startswith("now") and timezone.localdate() > questionnaire.deadline),
            "url": settings.SITE_URL.rstrip("/")
            + reverse("followup:questionnaire", args=[questionnaire.pk]),
        }
        send_mail(
            subject=_("Reminder: the follow-up of %(plan)s")
            % {"plan": questionnaire.round.version.plan.title},
            message=render_to_string("followup/reminder_email.txt", context),
            from_email=None,
            recipient_list=[user.email for user in recipients],
        )
