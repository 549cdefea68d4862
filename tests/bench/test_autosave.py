"""Twenty people autosaving their questionnaires at once lose nothing and meet no server error,
on the embedded database and on PostgreSQL, also while a coordinator copies and deletes a big
draft: the load `make bench` measures (bench_autosave), at a small size, through gunicorn with
production settings, on a fresh database of its own."""

import json
import os
import socket
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings

PEOPLE, STEPS = 20, 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def migrate(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def autosave_load(database_url: str, tmp_path) -> dict:
    """bench_autosave on the database at `database_url`, already migrated."""
    env = {**os.environ, "DATABASE_URL": database_url}
    manage = [sys.executable, "manage.py"]
    figures = tmp_path / "figures.json"
    completed = subprocess.run(
        [
            *manage,
            "bench_autosave",
            f"--people={PEOPLE}",
            f"--steps={STEPS}",
            "--pause=0.2",
            "--long-writes=1",
            "--workers=3",
            f"--port={free_port()}",
            "--output=",
            f"--json={figures}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert figures.exists(), completed.stdout + completed.stderr
    return json.loads(figures.read_text())


def assert_nothing_lost_and_no_errors(figures: dict) -> None:
    assert figures["server_errors"] == 0, figures["problems"]
    assert figures["other_failures"] == 0, figures["statuses"]
    assert (figures["lost_answers"], figures["untraced_saves"]) == (0, 0), figures["lost"]
    saves = figures["by_kind"]["save"]
    assert saves["statuses"] == {"200": PEOPLE * STEPS}
    for write in ("copy", "delete"):
        assert figures["by_kind"][write]["statuses"] == {"302": 1}
    # The draft was copied and deleted while the people were saving.
    assert figures["during_long_writes"]["requests"] > 0


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(ON_POSTGRESQL, reason="the suite on SQLite runs it; it needs no suite database")
def test_twenty_people_autosave_on_sqlite_without_errors_or_lost_answers(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    migrate({**os.environ, "DATABASE_URL": url})
    figures = autosave_load(url, tmp_path)

    assert_nothing_lost_and_no_errors(figures)
    assert "journal wal" in figures["database"]
    assert "transactions IMMEDIATE" in figures["database"]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the suite runs on SQLite")
def test_twenty_people_autosave_on_postgresql_without_errors_or_lost_answers(tmp_path):
    server = urlsplit(os.environ["DATABASE_URL"])
    name = f"hk_autosave_{uuid.uuid4().hex[:8]}"
    maintenance = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(server._replace(path=f"/{name}"))
    try:
        migrate({**os.environ, "DATABASE_URL": url})
        figures = autosave_load(url, tmp_path)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert figures["vendor"] == "postgresql"
    assert_nothing_lost_and_no_errors(figures)
