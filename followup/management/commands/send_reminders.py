"""Send the reminders that are due. Safe to run from cron as often as you like: each reminder
goes out once, and one that could not be sent is tried again on the next run."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from followup.mail import reminder_email_send
from followup.services import reminders_send


class Command(BaseCommand):
    help = "Send reminders to reporters whose questionnaires are not submitted."

    def handle(self, *args, **options):
        tried = reminders_send(today=timezone.localdate(), send=reminder_email_send)
        failed = [reminder for reminder in tried if reminder.problem]
        self.stdout.write(
            _(
                "%(sent)s reminders sent, %(failed)s could not be sent (listed on each round's page)."
            )
            % {"sent": len(tried) - len(failed), "failed": len(failed)}
        )
