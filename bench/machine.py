"""What the benchmarks write next to their figures, and where."""

import os
import platform
import sys
from pathlib import Path

from django.db import connection

HEADER = "# Benchmarks\n\nNot timed tests: figures to compare against when something changes.\n"


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


def write_section(path: Path, name: str, section: str) -> None:
    """Replace the part of the file between `name`'s markers, keeping everything else."""
    start, end = f"<!-- {name}: start -->", f"<!-- {name}: end -->"
    section = f"{start}\n{section}\n{end}"
    text = path.read_text() if path.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
