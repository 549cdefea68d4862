"""Generate a municipality for benchmarks: `generate_data --size large --seed 1`."""

import time

from django.core.management.base import BaseCommand

from reports.generate import PASSWORD, SIZES, describe, generate


class Command(BaseCommand):
    help = (
        "Create a generated municipality with a plan, actors and a yearly follow-up for every "
        "year, every questionnaire answered. The same size and seed give the same data; an "
        "earlier one with them is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, size: str, seed: int, **options):
        started = time.perf_counter()
        municipality = generate(size=size, seed=seed)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"{municipality} generated in {seconds:.1f} s: ")
            + ", ".join(f"{count} {name}" for name, count in describe(municipality).items())
        )
        self.stdout.write(
            f"Sign in as coordinator-{municipality.code} or reader-{municipality.code}, "
            f"password {PASSWORD}."
        )
