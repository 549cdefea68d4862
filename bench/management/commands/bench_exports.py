"""Measure every export of a generated municipality: `bench_exports --size large --seed 1`.

Each export runs in a process of its own, as in a server worker: from the database to the
finished file (the report is built, small counts hidden, then rendered), best wall time of a
few runs, and the process's peak resident memory. Figures go to docs/benchmarks.md with the
machine they were measured on. Not a timed test: a record to compare against."""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from bench.generate import describe, generate, generated_municipality
from bench.machine import machine, write_section
from bench.pages import latest_round
from plans.models import PlanVersion
from reports.charts import forget_drawn_charts
from reports.content import report_build, report_for_export
from reports.plan_documents import plan_document
from reports.render_docx import render_docx
from reports.render_html import render_body
from reports.render_pdf import render_pdf
from reports.render_xlsx import render_xlsx

MEMORY_TARGET_MB = 300


def _report(round_):
    return report_for_export(report_build(round_))


def _build_only(round_) -> bytes:
    _report(round_)
    return b""  # nothing is written out


def _cold(render, document):
    """Render with the charts drawn afresh, as for a report nobody has looked at yet."""
    forget_drawn_charts()
    return render(document)


# name: (label, target in seconds or None, export from the round and the version to bytes)
STEPS = {
    "build": (
        "Report content: build and hide small counts",
        None,
        lambda round_, version: _build_only(round_),
    ),
    "xlsx": ("Report as Excel", 1.0, lambda r, v: render_xlsx(_report(r))),
    "docx": ("Report as Word", 2.0, lambda r, v: render_docx(_report(r))),
    "pdf": ("Report as PDF", 5.0, lambda r, v: _cold(render_pdf, _report(r))),
    "html": ("Report web page (charts drawn)", None, lambda r, v: _cold(render_body, _report(r))),
    "plan_pdf": ("Full plan as PDF", None, lambda r, v: render_pdf(plan_document(v, "plan"))),
    "plan_docx": ("Full plan as Word", None, lambda r, v: render_docx(plan_document(v, "plan"))),
}


class Command(BaseCommand):
    help = "Measure the time and memory of every export of a generated municipality."

    def add_arguments(self, parser):
        parser.add_argument("--size", default="large", choices=["small", "large"])
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md")
        )
        parser.add_argument(
            "--steps",
            default=",".join(STEPS),
            help="Which exports to measure, separated by commas (default: all).",
        )
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="Measure in this process rather than one per export (memory then adds up).",
        )
        parser.add_argument("--step", help=argparse.SUPPRESS)  # the child process's one export

    def handle(self, *args, size, seed, repeat, output, steps, step, in_process, **options):
        if step:  # in the child process: measure one export and print the figures
            self.stdout.write(json.dumps(self._measure(step, size, seed, repeat)))
            return
        load_before = os.getloadavg()[0]
        generated = None
        municipality = generated_municipality(size, seed)
        if municipality is None:
            self.stdout.write(f"Generating the {size} municipality (seed {seed}) …")
            started = time.perf_counter()
            municipality = generate(size=size, seed=seed)
            generated = time.perf_counter() - started
        round_ = latest_round(municipality)
        with CaptureQueriesContext(connection) as captured:
            report_build(round_)
        rows = []
        for name in [s.strip() for s in steps.split(",")]:
            if in_process:
                figures = self._measure(name, size, seed, repeat)
            else:
                figures = self._child(name, size, seed, repeat)
            label, target, _export = STEPS[name]
            rows.append((label, target, figures))
            self.stdout.write(
                f"{label:40} {figures['seconds']:7.2f} s {figures['peak_mb']:6.0f} MB "
                f"{figures['kb']:7.0f} KB"
            )
        document = report_build(round_)
        lines = [
            f"## Exports, generated municipality ({size}, seed {seed})",
            "",
            f"Measured {date.today().isoformat()} with `python manage.py bench_exports --size "
            f"{size} --seed {seed}` (run by `make bench`). Each export runs in a process of its "
            "own, like a server worker, from the database to the finished file: best time of "
            f"{repeat} runs, and the process's peak resident memory (Django and the libraries "
            f"included). Targets for the large municipality: Excel ≤ 1 s, Word ≤ 2 s, PDF ≤ 5 s, "
            f"≤ {MEMORY_TARGET_MB} MB for any export.",
            "",
            "| Machine | |",
            "|---|---|",
            *[f"| {name} | {value} |" for name, value in machine(load_before)],
            "",
            "| Data | |",
            "|---|---|",
            *[f"| {name} | {count} |" for name, count in describe(municipality).items()],
            f"| report of the round | {round_.year}: {len(document.sections)} sections, "
            f"{len(document.tables())} tables, {len(document.charts())} charts, "
            f"{len(captured.captured_queries)} queries to build |",
            "",
            "| Export | Time (s) | Peak memory (MB) | Size (KB) | Target |",
            "|---|---:|---:|---:|---|",
            *[
                f"| {label} | {f['seconds']:.2f} | {f['peak_mb']:.0f} | {f['kb']:.0f} | "
                f"{_verdict(target, f)} |"
                for label, target, f in rows
            ],
        ]
        if generated:
            lines += ["", f"Generating the data took {generated:.0f} s."]
        write_section(Path(output), "bench_exports", "\n".join(lines))
        self.stdout.write(self.style.SUCCESS(f"Written to {output}"))

    def _child(self, name: str, size: str, seed: int, repeat: int) -> dict:
        completed = subprocess.run(
            [sys.executable, "manage.py", "bench_exports", "--step", name]
            + ["--size", size, "--seed", str(seed), "--repeat", str(repeat)],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(completed.stdout.strip().splitlines()[-1])

    def _measure(self, name: str, size: str, seed: int, repeat: int) -> dict:
        round_ = latest_round(generated_municipality(size, seed))
        version = PlanVersion.objects.get(pk=round_.version_id)
        export = STEPS[name][2]
        best = float("inf")
        with translation.override(settings.LANGUAGE_CODE):
            for _ in range(repeat):
                started = time.perf_counter()
                content = export(round_, version)
                best = min(best, time.perf_counter() - started)
        return {
            "seconds": best,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "kb": len(content) / 1024,
        }


def _verdict(target: float | None, figures: dict) -> str:
    problems = []
    if target is not None and figures["seconds"] > target:
        problems.append(f"over {target:g} s")
    if figures["peak_mb"] > MEMORY_TARGET_MB:
        problems.append(f"over {MEMORY_TARGET_MB} MB")
    if problems:
        return "**missed**: " + ", ".join(problems)
    return f"met (≤ {target:g} s)" if target is not None else "met (memory)"
