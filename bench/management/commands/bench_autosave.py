"""People autosaving their questionnaires at once: `bench_autosave` (run by `make bench` on
SQLite and on PostgreSQL).

Serves the project with gunicorn on loopback, with production settings, on the database this
command is given, and has --people people (20) sign in and each take --steps steps (40) on a
questionnaire they share with --sharing - 1 others (two people to a questionnaire), each in an
activity of their own: read the page, change a text and a number, autosave those two fields
(bench/autosave.py). Every answer's status and time is recorded; afterwards the database
must hold every person's last acknowledged values. Server errors or lost answers fail the
command, after the figures are printed and written to docs/benchmarks.md."""

import json
import os
import secrets
import tempfile
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.autosave import LongWrites, autosave_load, figures, lost_answers, people_for
from bench.generate import generate, generate_people, generated_municipality
from bench.machine import machine, write_section
from bench.server import logged_errors, serve, stop, wait_until_up
from plans.models import PlanVersion
from plans.services import plan_version_copy, plan_version_delete


def database_setup() -> str:
    """What decides how SQLite takes concurrent writes, and how safely either commits."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            shown = []
            for name in ("fsync", "synchronous_commit"):
                cursor.execute(f"SHOW {name}")
                shown.append(f"{name} {cursor.fetchone()[0]}")
        return f"{connection.display_name}, {', '.join(shown)}"
    with connection.cursor() as cursor:
        pragmas = {}
        for name in ("journal_mode", "synchronous", "busy_timeout"):
            cursor.execute(f"PRAGMA {name}")
            pragmas[name] = cursor.fetchone()[0]
    synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(pragmas["synchronous"])
    mode = settings.DATABASES["default"].get("OPTIONS", {}).get("transaction_mode") or "DEFERRED"
    return (
        f"SQLite file, journal {pragmas['journal_mode']}, synchronous {synchronous}, "
        f"busy timeout {pragmas['busy_timeout'] / 1000:g} s, transactions {mode}"
    )


def long_writes_alone(version: PlanVersion) -> dict:
    """Seconds and queries of one copy of `version` and the copy's deletion, with nothing else
    running: about how long each holds an SQLite database's write lock."""
    figures = {}
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        draft = plan_version_copy(version=version)
    figures["copy"] = {"seconds": time.perf_counter() - started, "queries": len(queries)}
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        plan_version_delete(version=draft)
    figures["delete"] = {"seconds": time.perf_counter() - started, "queries": len(queries)}
    return figures


class Command(BaseCommand):
    help = (
        "Have people autosave their questionnaires at the same time through gunicorn and "
        "check that nothing acknowledged was lost (run on a fresh database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20)
        parser.add_argument("--steps", type=int, default=40, help="Saves per person.")
        parser.add_argument(
            "--pause",
            type=float,
            default=0.5,
            help="The longest pause in seconds before each request (each is random up to it).",
        )
        parser.add_argument(
            "--long-writes",
            type=int,
            default=0,
            help="Meanwhile a coordinator copies a big plan version and deletes the copy, "
            "this many times.",
        )
        parser.add_argument(
            "--sharing",
            type=int,
            default=2,
            help="People answering each questionnaire, each in an activity of its own.",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
        )
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"),
            help="Where the figures go; an empty value writes none.",
        )
        parser.add_argument("--json", default="", help="Also write the figures here as JSON.")

    def handle(self, *args, **options):
        load_before = os.getloadavg()[0]
        try:
            questionnaires = generate_people(
                people=options["people"], seed=options["seed"], sharing=options["sharing"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        code = questionnaires[0].actor.municipality.code
        people = people_for(
            questionnaires, code, people=options["people"], sharing=options["sharing"]
        )
        long_writes, alone = None, {}
        if options["long_writes"]:
            # bench_exports makes the same one: generating it again would first delete it.
            big = generated_municipality("large", options["seed"]) or generate(
                size="large", seed=options["seed"]
            )
            version = PlanVersion.objects.get(plan__municipality=big, status="adopted")
            alone = long_writes_alone(version)
            long_writes = LongWrites(
                username=f"coordinator-{big.code}",
                version=version.pk,
                cycles=options["long_writes"],
            )
        setup = database_setup()
        base = f"http://127.0.0.1:{options['port']}"
        # The command's own connection stays out of the way of the server's writers.
        connection.close()
        log = tempfile.TemporaryFile("w+")
        server = serve(
            port=options["port"],
            workers=options["workers"],
            secret_key=secrets.token_urlsafe(50),
            log=log,
        )
        try:
            wait_until_up(base)
            outcome = autosave_load(
                base,
                people,
                steps=options["steps"],
                pause=options["pause"],
                seed=options["seed"],
                long_writes=long_writes,
            )
        finally:
            stop(server)
            log.seek(0)
            errors = logged_errors(log.read())
            log.close()
        lost, untraced = lost_answers(people, outcome)
        result = figures(outcome) | {
            "people": len(people),
            "steps": options["steps"],
            "lost_answers": len(lost),
            "untraced_saves": len(untraced),
            "lost": lost[:10],
            "untraced": untraced[:10],
            "database": setup,
            "vendor": connection.vendor,
            "long_writes": options["long_writes"],
            "long_writes_alone": alone,
        }
        result["problems"] = dict(errors.most_common(5)) | result["problems"]
        self._report(result, options, load_before)
        if result["server_errors"] or result["other_failures"] or lost or untraced:
            raise CommandError(
                f"{result['server_errors']} server errors, {result['other_failures']} other "
                f"failures, {len(lost)} lost answers, {len(untraced)} acknowledged saves not in "
                f"the audit trail: {result['problems']} {lost[:3]} {untraced[:3]}"
            )

    def _report(self, result: dict, options: dict, load_before: float) -> None:
        saves = result["by_kind"]["save"]
        pages = result["by_kind"]["page"]
        self.stdout.write(
            f"{result['database']}: {result['requests']} requests in {result['seconds']:.1f} s "
            f"({saves['requests']} saves), {result['server_errors']} server errors, "
            f"{result['other_failures']} other failures, statuses {result['statuses']}, "
            f"{result['lost_answers']} lost answers; saves p50 {saves['p50_ms']:.0f} ms, "
            f"p95 {saves['p95_ms']:.0f} ms; pages p50 {pages['p50_ms']:.0f} ms, "
            f"p95 {pages['p95_ms']:.0f} ms"
        )
        during = result["during_long_writes"]
        if result["long_writes"]:
            for kind in ("copy", "delete"):
                data = result["by_kind"].get(kind, {"requests": 0, "p50_ms": 0, "max_ms": 0})
                alone = result["long_writes_alone"][kind]
                self.stdout.write(
                    f"Long writes, {kind}: alone {alone['seconds'] * 1000:.0f} ms "
                    f"({alone['queries']} queries); during the load {data['requests']}, "
                    f"p50 {data['p50_ms']:.0f} ms, max {data['max_ms']:.0f} ms"
                )
            self.stdout.write(
                f"During them: {during['requests']} requests, {during['server_errors']} server "
                f"errors, the longest {during['max_ms']:.0f} ms"
            )
        if result["problems"]:
            self.stdout.write(f"Problems: {result['problems']}")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(result, indent=2, ensure_ascii=False))
        if not options["output"]:
            return
        name = "SQLite" if result["vendor"] == "sqlite" else "PostgreSQL"
        scenario, command = "Autosave under load", "bench_autosave"
        if result["long_writes"]:
            scenario = "Autosave during long writes"
            command += f" --steps {result['steps']} --long-writes {result['long_writes']}"
        environment = machine(load_before) + [
            ("Database setup", result["database"]),
            ("Server", f"gunicorn, {options['workers']} sync workers, DEBUG off, on loopback"),
            (
                "Load",
                f"{result['people']} people at once, {options['sharing']} to a questionnaire, "
                f"each signing in and then {result['steps']} times reading the questionnaire "
                f"and autosaving a text and a number it changed, a random pause of up to "
                f"{options['pause']:g} s before each request"
                + (
                    f"; meanwhile a coordinator copies the adopted plan version of a large "
                    f"municipality (300 activities) into a new draft and deletes the draft, "
                    f"{result['long_writes']} times"
                    if result["long_writes"]
                    else ""
                ),
            ),
        ]
        rows = [
            f"| {kind} | {data['requests']} | "
            + ", ".join(f"{status or 'no answer'}: {n}" for status, n in data["statuses"].items())
            + f" | {data['p50_ms']:.0f} | {data['p95_ms']:.0f} | {data['max_ms']:.0f} |"
            for kind, data in result["by_kind"].items()
        ]
        lines = [
            f"## {scenario}, {name} (measured {date.today().isoformat()})",
            "",
            f"`python manage.py {command}` (run by `make bench`) on "
            + ("a fresh SQLite file." if result["vendor"] == "sqlite" else "its PostgreSQL."),
            "",
            "| Machine | |",
            "|---|---|",
            *[f"| {key} | {value} |" for key, value in environment],
            "",
            "| Requests | Count | Answers by status | p50 (ms) | p95 (ms) | max (ms) |",
            "|---|---:|---|---:|---:|---:|",
            *rows,
            "",
            f"**{result['requests']} requests in {result['seconds']:.0f} s: "
            f"{result['server_errors']} server errors, {result['other_failures']} other "
            f"failures, {result['lost_answers']} lost answers** (every person's last "
            "acknowledged values are stored, and "
            + (
                "every acknowledged save is in the audit trail)."
                if not result["untraced_saves"]
                else f"{result['untraced_saves']} acknowledged saves are not in the audit trail)."
            ),
        ]
        if result["long_writes"]:
            alone = result["long_writes_alone"]
            lines += [
                "",
                f"While a copy or a deletion was under way the people made {during['requests']} "
                f"requests: {during['server_errors']} server errors, the longest took "
                f"{during['max_ms']:.0f} ms. Alone, before the load, the copy took "
                f"{alone['copy']['seconds']:.2f} s ({alone['copy']['queries']} queries) and the "
                f"deletion {alone['delete']['seconds']:.2f} s ({alone['delete']['queries']} "
                "queries): about as long as each holds SQLite's write lock.",
            ]
        if result["problems"]:
            lines += [
                "",
                "Errors: " + "; ".join(f"{k} ({n})" for k, n in result["problems"].items()),
            ]
        section = "bench_autosave_long_writes" if result["long_writes"] else "bench_autosave"
        write_section(Path(options["output"]), f"{section}_{result['vendor']}", "\n".join(lines))
        self.stdout.write(self.style.SUCCESS(f"Written to {options['output']}"))
