"""Write a whole municipality to one file (JSON; gzipped when the name ends in .gz)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organisations.models import Municipality
from records.backup import backup_write, municipality_backup
from records.models import AuditEvent
from records.services import audit_event_record


class Command(BaseCommand):
    help = (
        "Back up a municipality: actors, users (without passwords), vocabularies, statistics, "
        "plans with every version, and every follow-up with its answers."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The municipality code, e.g. 0580.")
        parser.add_argument("file", type=Path, help="Where to write; .gz to compress.")

    def handle(self, *args, code: str, file: Path, **options):
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(
                _("There is no municipality with the code %(code)s.") % {"code": code}
            )
        try:
            backup_write(municipality_backup(municipality=municipality), file)
        except OSError as error:
            raise CommandError(str(error)) from error
        audit_event_record(
            user=None,
            action=AuditEvent.Action.BACKUP,
            description=str(municipality),
            municipality=municipality,
            details={"file": file.name},
        )
        self.stdout.write(
            _("%(municipality)s was backed up to %(file)s.")
            % {"municipality": municipality, "file": file}
        )
