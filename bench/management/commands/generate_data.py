"""Generate data for benchmarks: `generate_data --size small|large|national --seed 1`."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench.generate import (
    NATIONAL,
    PASSWORD,
    SIZE_NAMES,
    describe,
    generate,
    generate_national,
)


class Command(BaseCommand):
    help = (
        "Create generated municipalities with a plan, actors and a yearly follow-up for every "
        "year, every questionnaire answered. small and large make one municipality (an earlier "
        "one with the same seed is replaced); national makes 290 of mixed sizes in a database "
        "without them. The same size and seed give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=SIZE_NAMES, default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--municipalities",
            type=int,
            default=NATIONAL,
            help="With --size national: how many municipalities (default: the whole country).",
        )

    def handle(self, *args, size: str, seed: int, municipalities: int, **options):
        started = time.perf_counter()
        if size == "national":

            def progress(index, municipality):
                if (index + 1) % 10 == 0 or index + 1 == municipalities:
                    elapsed = time.perf_counter() - started
                    self.stdout.write(
                        f"{index + 1}/{municipalities} municipalities, {elapsed:.0f} s"
                    )

            try:
                created = generate_national(seed=seed, count=municipalities, progress=progress)
            except ValueError as error:
                raise CommandError(str(error)) from error
        else:
            created = [generate(size=size, seed=seed)]
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Generated in {seconds:.1f} s: ")
            + ", ".join(f"{count} {name}" for name, count in describe(created).items())
        )
        first = created[0].code
        self.stdout.write(
            f"Sign in as coordinator-{first}, reporter-{first} or reader-{first} (one of each "
            f"per municipality), password {PASSWORD}."
        )
