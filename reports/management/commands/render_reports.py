"""Render and keep the files of published reports that nobody has downloaded yet.

A large report takes a while to draw as PDF; run this after publishing (or from cron, like
send_reminders) so that the first reader does not wait."""

from django.core.management.base import BaseCommand

from reports.formats import FORMATS
from reports.models import PublishedReport, PublishedReportFile
from reports.services import published_file


class Command(BaseCommand):
    help = "Render the PDF, Word and Excel files of every published report that lacks them."

    def handle(self, *args, **options):
        stored = set(PublishedReportFile.objects.values_list("report_id", "format"))
        rendered = 0
        for report in PublishedReport.objects.order_by("pk").iterator():
            for fmt in FORMATS:
                if (report.pk, fmt) not in stored:
                    published_file(report=report, fmt=fmt)
                    rendered += 1
        self.stdout.write(self.style.SUCCESS(f"{rendered} files rendered."))
