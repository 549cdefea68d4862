"""Benchmark the follow-up report on a generated municipality and record the figures.

`bench_report --size large --seed 1` builds the report of the municipality's latest round and
renders it as web page, PDF, Word and Excel, each three times, and writes the best wall time
and the peak memory of each step to docs/benchmarks.md, with the machine it ran on. Not a
timed test: a record to compare against when something changes."""

import gc
import os
import platform
import resource
import sys
import time
import tracemalloc
from datetime import date
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from followup.models import FollowUpRound
from reports.charts import forget_drawn_charts
from reports.content import report_build, report_for_export
from reports.generate import describe, generate, generated_municipality
from reports.render_docx import render_docx
from reports.render_html import render_body
from reports.render_pdf import render_pdf
from reports.render_xlsx import render_xlsx

RENDERERS = {
    "html": ("Web page (HTML, charts drawn)", lambda d: _cold(render_body, d).encode()),
    "pdf": ("PDF (WeasyPrint, PDF/UA-1)", lambda d: _cold(render_pdf, d)),
    "docx": ("Word (python-docx)", render_docx),
    "xlsx": ("Excel (openpyxl)", render_xlsx),
}
START = "<!-- bench_report: start -->"


def _cold(render, document):
    """Render with the charts drawn afresh, as for a report nobody has looked at yet."""
    forget_drawn_charts()
    return render(document)


END = "<!-- bench_report: end -->"


def measure(step, repeat: int) -> tuple[float, float, object]:
    """(best wall time in seconds, peak traced memory in MB, result of the last run)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = step()
        best = min(best, time.perf_counter() - started)
    gc.collect()
    tracemalloc.start()
    step()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20, result


def machine(load_before: float) -> list[tuple[str, str]]:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GB"
    except OSError:
        pass
    return [
        ("Processors (nproc)", str(os.cpu_count())),
        ("Memory", memory),
        ("Python", sys.version.split()[0]),
        ("Platform", platform.platform()),
        (
            "Database",
            f"{connection.display_name} "
            + ".".join(str(part) for part in connection.get_database_version()),
        ),
        # Other work on the machine slows every step down: compare runs made at low load.
        ("Load average (1 min), before / after", f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"),
    ]


class Command(BaseCommand):
    help = "Measure building and rendering the follow-up report of a generated municipality."

    def add_arguments(self, parser):
        parser.add_argument("--size", default="large")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md")
        )
        parser.add_argument(
            "--formats",
            default=",".join(RENDERERS),
            help="Which renderings to measure, separated by commas (default: all).",
        )

    def handle(self, *args, size, seed, repeat, output, formats, **options):
        load_before = os.getloadavg()[0]
        generated = None
        municipality = generated_municipality(size, seed)
        if municipality is None:
            self.stdout.write(f"Generating the {size} municipality (seed {seed}) …")
            started = time.perf_counter()
            municipality = generate(size=size, seed=seed)
            generated = time.perf_counter() - started
        round_ = (
            FollowUpRound.objects.filter(version__plan__municipality=municipality)
            .order_by("-year")
            .first()
        )
        rows = []
        with translation.override(settings.LANGUAGE_CODE):
            with CaptureQueriesContext(connection) as captured:
                report_build(round_)
            queries = len(captured.captured_queries)
            seconds, peak, document = measure(lambda: report_build(round_), repeat)
            rows.append(("Build the report content (exact)", seconds, peak, f"{queries} queries"))
            seconds, peak, exported = measure(lambda: report_for_export(document), repeat)
            rows.append(("Disclosure control (hide small counts)", seconds, peak, ""))
            for name in formats.split(","):
                label, render = RENDERERS[name.strip()]
                seconds, peak, content = measure(partial(render, exported), repeat)
                rows.append((label, seconds, peak, f"{len(content) / 1024:.0f} KB"))
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        tables = len(exported.tables())
        charts = len(exported.charts())
        sections = len(exported.sections)
        lines = [
            START,
            f"## Follow-up report, generated municipality ({size}, seed {seed})",
            "",
            f"Measured {date.today().isoformat()} with `python manage.py bench_report --size {size} "
            f"--seed {seed}` (best of {repeat} runs; peak memory traced by tracemalloc in a "
            "separate run).",
            "",
            "| Machine | |",
            "|---|---|",
            *[f"| {name} | {value} |" for name, value in machine(load_before)],
            "",
            "| Data | |",
            "|---|---|",
            *[f"| {name} | {count} |" for name, count in describe(municipality).items()],
            f"| report of the round | {round_.year}: {sections} sections, {tables} tables, "
            f"{charts} charts |",
            "",
            "| Step | Best time (s) | Peak memory (MB) | |",
            "|---|---:|---:|---|",
            *[
                f"| {label} | {seconds:.2f} | {peak:.0f} | {note} |"
                for label, seconds, peak, note in rows
            ],
            "",
            f"Peak resident memory of the whole process: {maxrss:.0f} MB."
            + (f" Generating the data took {generated:.0f} s." if generated else ""),
            END,
        ]
        _write(Path(output), "\n".join(lines))
        for label, seconds, peak, note in rows:
            self.stdout.write(f"{label:45} {seconds:8.2f} s {peak:8.0f} MB  {note}")
        self.stdout.write(self.style.SUCCESS(f"Written to {output}"))


def _write(path: Path, section: str) -> None:
    """Replace this command's part of the file, keeping anything else written there."""
    text = (
        path.read_text()
        if path.exists()
        else "# Benchmarks\n\nNot timed tests: figures to compare against when something changes.\n"
    )
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _old, after = rest.split(END, 1)
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
