"""Measure the main pages under load: `bench_pages` (run by `make bench`).

Serves the project with gunicorn on loopback, with production settings (DEBUG off, the
database this command is given), and loads each main page of the biggest municipality in the
national data with wrk, first from 1 and then from 20 concurrent connections, each request
signed in as one of 20 people. The same server's bare "hello" view is measured in the same run,
and every figure is also given as a ratio to it. Figures go to a JSON file and a summary with
the machine to docs/benchmarks.md. Not a timed test: a record to compare against."""

import json
import os
import secrets
import shutil
import subprocess
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from bench.generate import (
    NATIONAL,
    describe,
    national_municipalities,
)
from bench.machine import machine, write_section
from bench.pages import main_pages
from bench.server import serve, stop, wait_until_up
from bench.views import HELLO_PATH

# A main page is fast enough when its p95 at 20 concurrent users is at most this, and its
# throughput at least this share of the bare view's (issue 6).
TARGET_P95_MS = 150
TARGET_THROUGHPUT_SHARE = 0.30
PEOPLE = 20  # sessions per role: the requests rotate over them


class Command(BaseCommand):
    help = (
        "Load each main page through gunicorn with wrk at 1 and 20 concurrent users, next to "
        "a bare view, and record the figures (needs wrk; run on PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, default=NATIONAL)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--duration", type=int, default=10, help="Seconds per measurement.")
        parser.add_argument("--warmup", type=int, default=5, help="Seconds before each one.")
        parser.add_argument("--concurrency", default="1,20")
        parser.add_argument(
            "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
        )
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md")
        )
        parser.add_argument(
            "--results", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks-pages.json")
        )

    def handle(self, *args, **options):
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed (Debian: apt-get install wrk).")
        if connection.vendor != "postgresql":
            self.stderr.write("Not PostgreSQL: the figures will not be comparable.")
        load_before = os.getloadavg()[0]
        municipality = self._national_data(options["municipalities"], options["seed"])
        pages = [("Bare view (hello)", "/" + HELLO_PATH, None), *main_pages(municipality)]
        # The server signs its sessions with this key; the sessions made here must match.
        secret_key = secrets.token_urlsafe(50)
        with override_settings(SECRET_KEY=secret_key):
            cookies = {
                user.pk: self._sessions(user)
                for user in {user for _name, _path, user in pages if user}
            }
        base = f"http://127.0.0.1:{options['port']}"
        server = serve(port=options["port"], workers=options["workers"], secret_key=secret_key)
        try:
            wait_until_up(base)
            levels = [int(c) for c in options["concurrency"].split(",")]
            results = []
            for name, path, user in pages:
                jar = cookies[user.pk] if user else []
                self._check(base + path, jar[:1], name)
                for users in levels:
                    # Warm up every worker's caches, then wait for the requests left queued.
                    self._wrk(base + path, jar, users, options["warmup"])
                    self._check(base + "/" + HELLO_PATH, [], "Bare view (hello)")
                    figures = self._wrk(base + path, jar, users, options["duration"])
                    figures.update(page=name, path=path, users=users)
                    results.append(figures)
                    self.stdout.write(
                        f"{name:22} {users:3} users: p50 {figures['p50_ms']:7.1f} ms, "
                        f"p95 {figures['p95_ms']:7.1f} ms, {figures['per_second']:7.1f}/s"
                    )
        finally:
            stop(server)
        data = describe(national_municipalities())
        measured = describe(municipality)
        self._record(results, options, load_before, data, measured, municipality, levels)

    def _national_data(self, count: int, seed: int):
        existing = national_municipalities().count()
        if existing == 0:
            call_command("generate_data", size="national", seed=seed, municipalities=count)
        elif existing != count:
            raise CommandError(
                f"The database holds {existing} generated municipalities, not {count}: "
                f"use an empty database or --municipalities {existing}."
            )
        if connection.vendor == "postgresql":
            # Up-to-date planner statistics, as a database in use has, and no autovacuum of
            # the freshly written rows competing with the measurements.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        # The first is always the biggest (bench.generate.national_sizes).
        return national_municipalities().first()

    def _sessions(self, user) -> list[str]:
        """Session cookies for `user`, as if PEOPLE people had signed in as it."""
        values = []
        for _ in range(PEOPLE):
            client = Client()
            client.force_login(user)
            values.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        return values

    def _check(self, url: str, cookies: list[str], name: str) -> None:
        """The page answers 200 to a signed-in person, not a redirect to the sign-in page."""
        request = urllib.request.Request(url)
        if cookies:
            request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={cookies[0]}")
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=120) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise CommandError(f"{name} ({url}) answered {status}, not 200.")

    def _wrk(self, url: str, cookies: list[str], users: int, seconds: int) -> dict:
        threads = min(users, os.cpu_count() or 1)
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{users}",
                f"-d{seconds}s",
                "--timeout",
                "60s",
                "-s",
                str(Path(__file__).resolve().parents[2] / "wrk.lua"),
                url,
            ],
            env={
                **os.environ,
                "WRK_COOKIES": " ".join(cookies),
                "WRK_COOKIE_NAME": settings.SESSION_COOKIE_NAME,
            },
            capture_output=True,
            text=True,
            check=True,
        )
        raw = json.loads(completed.stdout.strip().splitlines()[-1])
        if raw["status_errors"] or raw["socket_errors"]:
            raise CommandError(f"{url}: {raw['status_errors']} error answers, {raw}")
        return {
            "requests": raw["requests"],
            "p50_ms": raw["p50_us"] / 1000,
            "p95_ms": raw["p95_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000,
            "per_second": raw["requests"] / (raw["duration_us"] / 1e6),
        }

    def _record(self, results, options, load_before, data, measured, municipality, levels):
        hello = {r["users"]: r for r in results if r["page"] == "Bare view (hello)"}
        for result in results:
            reference = hello[result["users"]]
            result["p95_ratio"] = result["p95_ms"] / reference["p95_ms"]
            result["throughput_share"] = result["per_second"] / reference["per_second"]
        most = max(levels)
        rows = []
        for result in results:
            verdict = ""
            if result["users"] == most and result["page"] != "Bare view (hello)":
                met = (
                    result["p95_ms"] <= TARGET_P95_MS
                    and result["throughput_share"] >= TARGET_THROUGHPUT_SHARE
                )
                verdict = "met" if met else "**missed**"
            rows.append(
                f"| {result['page']} | {result['users']} | {result['p50_ms']:.1f} | "
                f"{result['p95_ms']:.1f} | {result['p95_ratio']:.1f}× | "
                f"{result['per_second']:.1f} | {result['throughput_share']:.0%} | {verdict} |"
            )
        environment = machine(load_before) + [
            ("Server", f"gunicorn, {options['workers']} sync workers, DEBUG off, on loopback"),
            (
                "Load",
                f"wrk, {options['duration']} s per figure after {options['warmup']} s warm-up",
            ),
        ]
        Path(options["results"]).write_text(
            json.dumps(
                {
                    "measured": date.today().isoformat(),
                    "machine": dict(environment),
                    "data": data,
                    "municipality measured": {"name": municipality.name, **measured},
                    "results": results,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
        lines = [
            f"## Main pages under load, national data (measured {date.today().isoformat()})",
            "",
            f"`python manage.py bench_pages` (run by `make bench`); all figures in "
            f"`{Path(options['results']).name}`. Targets at {most} concurrent users: p95 ≤ "
            f"{TARGET_P95_MS} ms and throughput ≥ {TARGET_THROUGHPUT_SHARE:.0%} of the bare "
            "view's.",
            "",
            "| Machine | |",
            "|---|---|",
            *[f"| {name} | {value} |" for name, value in environment],
            "",
            "| Data in the database | | Municipality measured (the biggest) | |",
            "|---|---:|---|---:|",
            *[f"| {name} | {count} | {name} | {measured[name]} |" for name, count in data.items()],
            "",
            "| Page | Users | p50 (ms) | p95 (ms) | p95 / bare | Requests/s | Share of bare "
            "throughput | Target |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
            *rows,
        ]
        write_section(Path(options["output"]), "bench_pages", "\n".join(lines))
        self.stdout.write(self.style.SUCCESS(f"Written to {options['output']}"))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
