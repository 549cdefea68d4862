"""Restore a municipality from a file written by backup_municipality, all or nothing, into a
database that does not have it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from records.backup import BackupProblem, backup_read, municipality_restore
from records.models import AuditEvent
from records.services import audit_event_record


class Command(BaseCommand):
    help = (
        "Restore a municipality from a backup file into a database that does not have it. "
        "Restored users must set a new password."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A file written by backup_municipality.")

    def handle(self, *args, file: Path, **options):
        try:
            municipality = municipality_restore(data=backup_read(file))
        except (BackupProblem, OSError) as error:
            raise CommandError(str(error)) from error
        audit_event_record(
            user=None,
            action=AuditEvent.Action.RESTORE,
            description=str(municipality),
            municipality=municipality,
            details={"file": file.name},
        )
        self.stdout.write(
            _("%(municipality)s was restored. Its users must set a new password.")
            % {"municipality": municipality}
        )
