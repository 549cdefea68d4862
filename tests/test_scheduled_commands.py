"""The README's production section names every management command of the project, saying
which run on a schedule and how often, so an operator finds them all in one place."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_names_every_management_command_of_the_project():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Scheduled commands") :]
    section = section[: section.index("\n### ", 1)]
    commands = sorted(
        path.stem
        for path in ROOT.glob("*/management/commands/*.py")
        if path.stem != "__init__" and ".venv" not in path.parts
    )
    assert commands, "no commands found"
    missing = [name for name in commands if f"`{name}" not in section]
    assert not missing, f"README's scheduled commands do not name: {missing}"
