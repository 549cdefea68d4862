"""The plan as a JSON file: the exchange structure written as it is, and read back with the
place of every value (section, item number, field) for messages, within the limits every plan
file is read within (handlingskraft.limits)."""

import json

from django.utils.translation import gettext as _

from handlingskraft import limits

from .data import FORMAT, FORMAT_VERSION, SHEETS, Location, ParsedFile, Problem, Record

CONTENT_TYPE = "application/json"


def data_to_json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_json(content: bytes) -> ParsedFile:
    try:
        document = limits.json_read(content, limits.plan_file())
    except limits.Refused as refused:
        return ParsedFile(
            problems=[Problem(*_place(where), message) for where, message in refused.problems]
        )
    return data_to_records(document)


def _place(where: tuple) -> tuple[str, int | None, str]:
    """Section, item number (from 1) and field of a path in the document."""
    section = where[0] if where and isinstance(where[0], str) else ""
    rest = where[1:] if section else where
    row = None
    if rest and isinstance(rest[0], int):
        row, rest = rest[0] + 1, rest[1:]
    field = rest[0] if rest and isinstance(rest[0], str) else ""
    return section, row, field


def _fatal(message: str) -> ParsedFile:
    return ParsedFile(problems=[Problem("", None, "", message)])


def data_to_records(document) -> ParsedFile:
    """The exchange structure (from a JSON file or from Python) as records to validate."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return _fatal(
            _("This is not a Handlingskraft plan file: “format” should be “%(format)s”.")
            % {"format": FORMAT}
        )
    version = document.get("format_version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or not 1 <= version <= FORMAT_VERSION
    ):
        return _fatal(
            _(
                "The file has format version %(version)s, which this version of Handlingskraft "
                "cannot read."
            )
            % {"version": version}
        )
    parsed = ParsedFile()
    for sheet in SHEETS:
        section = document.get(sheet.key)
        keys = [column.key for column in sheet.columns]
        if sheet.vertical:
            items = [section] if isinstance(section, dict) else None
        else:
            items = section if isinstance(section, list) else None
        if section is None and version < sheet.since:
            parsed.sections[sheet.key] = []  # The file is older than the section.
            continue
        if items is None:
            parsed.problems.append(
                Problem(
                    sheet.key,
                    None,
                    "",
                    _("The file has no “%(section)s” section, or it has the wrong shape.")
                    % {"section": sheet.key},
                )
            )
            parsed.sections[sheet.key] = []
            continue
        records = []
        for number, item in enumerate(items, start=1):
            row = None if sheet.vertical else number
            if not isinstance(item, dict):
                parsed.problems.append(
                    Problem(sheet.key, row, "", _("Each item must be an object with fields."))
                )
                continue
            records.append(
                Record(
                    values={key: item.get(key) for key in keys},
                    where={key: Location(sheet.key, row, key) for key in keys},
                    origin=Location(sheet.key, row, ""),
                )
            )
        parsed.sections[sheet.key] = records
    return parsed
