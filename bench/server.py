"""The project served by gunicorn on loopback with production settings, for the benchmarks
that measure it from outside (bench_pages, bench_autosave)."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from bench.views import HELLO_PATH

ERROR_RECORD = "Internal Server Error:"  # how Django logs each answer 500
EXCEPTION_LINE = re.compile(r"^((?:\w+\.)*\w*(?:Error|Exception): .*)$", re.MULTILINE)


def serve(*, port: int, workers: int, secret_key: str, log=None) -> subprocess.Popen:
    """gunicorn with DEBUG off on the database of this process, `workers` sync workers; its
    output (the tracebacks of server errors) to the file `log` when given."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        # Behind a TLS proxy in production; here plain HTTP on loopback.
        "SECURE_SSL_REDIRECT": "0",
        "BENCHMARK_HELLO": "1",
    }
    if not settings.TESTING:  # the suite's server serves static files without a manifest
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [
            str(gunicorn),
            "handlingskraft.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
    )


def wait_until_up(base: str) -> None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(base + "/" + HELLO_PATH, timeout=10):
                return
        except OSError:  # not listening yet, or still starting its workers
            time.sleep(0.2)
    raise CommandError("gunicorn did not answer.")


def logged_errors(text: str) -> Counter:
    """The exception each server error in a server's output ended in, e.g.
    "django.db.utils.OperationalError: database is locked", and how often."""
    errors = Counter()
    for record in text.split(ERROR_RECORD)[1:]:
        # The last exception of a record is the one raised; those above it caused it.
        if found := EXCEPTION_LINE.findall(record):
            errors[found[-1]] += 1
    return errors


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
