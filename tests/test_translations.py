"""Every user-facing string has a Swedish translation, and the Swedish catalogue is in use."""

import shutil
import subprocess
import sys
from pathlib import Path

from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent


def untranslated(po_text: str) -> list[str]:
    """msgids with an empty msgstr, or marked fuzzy, in a .po file's text."""
    problems, entries = [], po_text.split("\n\n")
    for entry in entries[1:]:  # the first entry is the header
        lines = [line for line in entry.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            problems.append(entry)
            continue
        msgstrs, current = [], None
        for line in lines:
            if line.startswith("msgstr"):
                current = [line.split(" ", 1)[1].strip('"')]
                msgstrs.append(current)
            elif line.startswith('"') and current is not None:
                current.append(line.strip('"'))
            elif not line.startswith('"'):
                current = None
        if not msgstrs or any(not "".join(parts) for parts in msgstrs):
            problems.append(entry)
    return problems


def test_every_message_in_the_source_has_a_swedish_translation(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "tests", "*.sqlite3", "__pycache__", "staticfiles"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-location", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    po = (copy / "locale/sv/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    missing = untranslated(po)
    assert not missing, f"{len(missing)} untranslated messages, e.g.:\n" + "\n\n".join(missing[:5])


def test_swedish_is_the_default_language():
    with translation.override("sv"):
        assert translation.gettext("Sign in") == "Logga in"
