"""Load the demo municipality with its action plan and print how to sign in."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from followup.demo import demo_follow_up
from plans.demo import DEMO_PASSWORD, demo_load, demo_municipality, demo_sign_ins


class Command(BaseCommand):
    help = "Load a fictional municipality with an adopted action plan and one user per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo municipality's data and load it again.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, reset: bool, quiet: bool, **options):
        already_loaded = demo_municipality() is not None and not reset
        with transaction.atomic():
            municipality = demo_load(reset=reset)
            if not already_loaded:
                demo_follow_up(municipality=municipality)
        if quiet:
            return
        if already_loaded:
            self.stdout.write(
                _("The demo data for %(municipality)s is already loaded; use --reset to reload it.")
                % {"municipality": municipality.name}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Loaded the demo data for %(municipality)s.")
                    % {"municipality": municipality.name}
                )
            )
        self.stdout.write(
            _("Demo sign-ins (password: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for label, username in demo_sign_ins():
            self.stdout.write(f"  {label}: {username}")
