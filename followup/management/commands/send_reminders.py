"""Send the reminders that are due. Safe to run from cron as often as you like."""

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from followup.services import reminders_send


def send_reminder(questionnaire, key, recipients) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "questionnaire": questionnaire,
            "after_deadline": key.startswith("after"),
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


class Command(BaseCommand):
    help = "Send reminders to reporters whose questionnaires are not submitted."

    def handle(self, *args, **options):
        sent = reminders_send(today=timezone.localdate(), send=send_reminder)
        self.stdout.write(_("%(count)s reminders sent.") % {"count": len(sent)})
