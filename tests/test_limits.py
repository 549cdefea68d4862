"""Files from outside are read within the limits of handlingskraft.limits. Random and hostile
plan files (JSON documents, workbook cells) and backups never make the service fail: the
import page answers below 500 and restore refuses with a message, and a refused file changes
nothing in the database."""

import copy
import json
import sys
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from exchange.choices import choice_lists
from exchange.data import SHEETS, version_to_data
from exchange.jsonfile import data_to_json
from exchange.xlsx import data_to_xlsx
from handlingskraft import limits
from handlingskraft.limits import Refused, document_problems, json_read, plan_file
from tests.exchange.conftest import database_counts as plan_counts
from tests.exchange.conftest import make_rich_plan, open_workbook, save_workbook, sheet_of
from tests.records.conftest import database_counts, elsewhere, small_backup

# Fixed seed (derandomize), bounded examples: a few seconds, the same inputs on every run.
FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # each example checks what it changed itself
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


class Raw(str):
    """JSON source text put in place of a value: what json.dumps cannot write."""


RAW = [
    "9" * 5000,  # beyond Python's 4,300 digits
    "1" * 31,
    "1e999999999",
    "-1e400",
    "NaN",
    "Infinity",
    "[" * 3000 + "]" * 3000,
    "[[[[[[[[[[[[1]]]]]]]]]]]]",
    '{"a": 1, "a": 2}',
    '"\\ud800"',
    '"\\udfff x"',
    '"\\u0000"',
    '"a\\u001bb"',
    "[" + ",".join(["{}"] * 5001) + "]",
]
HOSTILE_TEXT = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1+1",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "a\x01\x1bb",
    "\x00",
    "\x7f\x85",
    "\ud800",
    "x" * 40_000,
    "Ö" * 301,
    "19850312-1234",
    "",
    " ",
    "1.1",
    "2025",
    "1e999999999",
    "superuser",
    "lead",
]
TEXT = st.sampled_from(HOSTILE_TEXT) | st.text(
    st.characters(exclude_categories=()), max_size=40
)  # surrogates and controls too
SCALAR = (
    TEXT
    | st.none()
    | st.booleans()
    | st.integers(-(10**40), 10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
)
VALUE = (
    SCALAR
    | st.builds(Raw, st.sampled_from(RAW))
    | st.lists(SCALAR, max_size=4)
    | st.dictionaries(TEXT, SCALAR, max_size=3)
)


def paths(document) -> list[tuple]:
    """The path to every value in a document, containers too."""
    found, pending = [], [((), document)]
    while pending:
        path, value = pending.pop()
        found.append(path)
        if isinstance(value, dict):
            pending.extend(((*path, key), item) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend(((*path, index), item) for index, item in enumerate(value))
    return sorted(found, key=lambda p: [str(k) for k in p])


def put_at(document, path: tuple, value):
    if not path:
        return value
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return document


@st.composite
def mutated(draw, document):
    """The document with one to three values replaced by hostile ones, or a key removed."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(document)))
        if path and isinstance(path[-1], str) and draw(st.integers(0, 5)) == 0:
            parent = document
            for key in path[:-1]:
                parent = parent[key]
            del parent[path[-1]]
        else:
            document = put_at(document, path, draw(VALUE))
    return document


def json_text(document) -> str:
    """The document as JSON source, Raw values written as they are."""
    raws: list[str] = []

    def encode(value):
        if isinstance(value, Raw):
            raws.append(str(value))
            return f"@@raw{len(raws) - 1}@@"
        raise TypeError(value)

    def marked(value):
        if isinstance(value, Raw):
            return encode(value)
        if isinstance(value, dict):
            return {key: marked(item) for key, item in value.items()}
        if isinstance(value, list):
            return [marked(item) for item in value]
        return value

    text = json.dumps(marked(document), ensure_ascii=True)
    for index, raw in enumerate(raws):
        text = text.replace(f'"@@raw{index}@@"', raw)
    return text


def report(what: str, outcomes: list[bool]) -> None:
    """How many inputs were tried, and how many were taken (shown with pytest -s)."""
    print(f"{len(outcomes)} {what} tried, {sum(outcomes)} taken")  # noqa: T201


def posted(client, name: str, content: bytes) -> bool:
    """Import a file through the page; the database is unchanged unless it was imported.
    Whether it was."""
    before = plan_counts()
    response = client.post(
        reverse("exchange:plan_import_new"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert plan_counts() == before
    return response.status_code == 302


@pytest.fixture
def plan_data(municipality):
    return version_to_data(make_rich_plan(municipality))


def test_random_and_hostile_json_plan_files_never_fail_the_import(coordinator_client, plan_data):
    tried = []

    @settings(FUZZ, max_examples=50)
    @given(document=mutated(plan_data) | VALUE)
    def check(document):
        tried.append(posted(coordinator_client, "plan.json", json_text(document).encode()))

    check()
    report("JSON plan files", tried)


def test_random_bytes_never_fail_the_import(coordinator_client, db):
    tried = []

    @settings(FUZZ, max_examples=15)
    @given(content=st.binary(max_size=200), name=st.sampled_from(["p.json", "p.xlsx", "p.xls"]))
    def check(content, name):
        tried.append(posted(coordinator_client, name, content))

    check()
    report("files of random bytes", tried)


def writable(text: str) -> bool:
    """What openpyxl lets be written, and XML can hold."""
    return not ILLEGAL_CHARACTERS_RE.search(text) and not any(
        0xD800 <= ord(c) <= 0xDFFF for c in text
    )


CELL = (
    TEXT.filter(writable)
    | st.sampled_from(["=1+1", "=A1", '=HYPERLINK("http://x","y")', "=1/0", "{=SUM(A1:A2)}"])
    | st.none()
    | st.booleans()
    | st.integers(-(10**40), 10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.dates(min_value=date(1900, 3, 1)).map(lambda d: datetime(d.year, d.month, d.day))
)
TABLES = [sheet.key for sheet in SHEETS if not sheet.vertical]


@pytest.fixture
def plan_xlsx(municipality, plan_data) -> bytes:
    return data_to_xlsx(plan_data, lists=choice_lists(municipality))


def test_random_and_hostile_workbook_cells_never_fail_the_import(coordinator_client, plan_xlsx):
    workbook_cells = st.tuples(st.sampled_from(TABLES), st.integers(1, 7), st.integers(1, 15), CELL)

    tried = []

    workbook = open_workbook(plan_xlsx)

    @settings(FUZZ, max_examples=12)
    @given(changes=st.lists(workbook_cells, min_size=1, max_size=4))
    def check(changes):
        cells = [sheet_of(workbook, key).cell(row=r, column=c) for key, r, c, _v in changes]
        kept = [cell.value for cell in cells]  # put back afterwards: loading again is slow
        for cell, (_s, _r, _c, value) in zip(cells, changes, strict=True):
            cell.value = value
        try:
            tried.append(posted(coordinator_client, "plan.xlsx", save_workbook(workbook)))
        finally:
            for cell, value in reversed(list(zip(cells, kept, strict=True))):
                cell.value = value

    check()
    report("workbooks with hostile cells", tried)


@pytest.fixture
def backup_data(municipality):
    return elsewhere(small_backup(municipality))


def test_random_and_hostile_backups_are_restored_whole_or_refused(backup_data, tmp_path):
    path = tmp_path / "backup.json"

    tried = []

    @settings(FUZZ, max_examples=20)
    @given(document=mutated(backup_data))
    def check(document):
        path.write_bytes(json_text(document).encode())
        before = database_counts()
        with transaction.atomic():
            try:
                call_command("restore_municipality", path)
            except CommandError as error:
                assert "Traceback" not in str(error)
                assert database_counts() == before
                tried.append(False)
            else:
                tried.append(True)
            transaction.set_rollback(True)  # a restored copy would refuse the next one

    check()
    report("backups", tried)


# The limits themselves ------------------------------------------------------------------------


def test_problems_come_in_the_order_of_the_document_with_their_paths():
    document = {"a": ["ok", "x\x00"], "b": {"c": "\ud800"}, "d": [[[[[[[[[[[]]]]]]]]]]]}

    found = document_problems(document, plan_file())

    assert [where for where, _message in found] == [
        ("a", 1),
        ("b", "c"),
        ("d", 0, 0, 0, 0, 0, 0, 0, 0, 0),
    ]


def test_json_read_reads_an_ordinary_document(plan_data):
    assert json_read(data_to_json(plan_data), plan_file()) == plan_data


def test_json_read_refuses_every_problem_at_once():
    with pytest.raises(Refused) as caught:
        json_read(b'{"a": 1, "a": "\\u0000", "b": NaN, "c": ' + b"1" * 40 + b"}", plan_file())

    assert [where for where, _message in caught.value.problems] == [("a",), ("a",), ("b",), ("c",)]


def test_a_deep_file_is_refused_before_parsing_whatever_the_recursion_limit():
    """With the limit raised (Hypothesis and other libraries do), Python's JSON reader would
    exhaust the C stack on this file and kill the process."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    try:
        with translation.override("en"), pytest.raises(Refused) as caught:
            json_read(b"[" * 200_000 + b"]" * 200_000, plan_file())
    finally:
        sys.setrecursionlimit(limit)

    assert caught.value.problems == [
        ((), "The file has lists or objects nested more than 10 levels deep.")
    ]


@pytest.mark.parametrize(
    ("text", "depth"),
    [('"x"', 0), ("{}", 1), ('{"a": [1, {"b": "[[[["}]}', 3), ('["\\"[", [[]]]', 3)],
)
def test_depth_is_counted_outside_strings(text, depth):
    assert limits._depth(text) == depth
