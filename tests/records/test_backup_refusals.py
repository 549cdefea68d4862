"""A backup is restored only if the service itself could have written it: every refusal says
what is wrong and where (a CommandError, in Swedish), never a traceback, and nothing is
written. A backup made on SQLite with a NUL in it cannot crash a restore into PostgreSQL."""

import gzip
import json

import pytest
from django.core.management import CommandError, call_command

from organisations.models import Municipality, User
from records.backup import BackupProblem, backup_write, municipality_restore

from .conftest import database_counts, elsewhere, small_backup


@pytest.fixture
def backup(municipality) -> dict:
    return elsewhere(small_backup(municipality))


def restore_refused(data_or_content, tmp_path, name: str = "backup.json") -> str:
    """The restore command's message for a file it refuses, after checking that it wrote
    nothing and that the message is the operator's, not a traceback."""
    path = tmp_path / name
    if isinstance(data_or_content, dict):
        backup_write(data_or_content, path)
    else:
        path.write_bytes(data_or_content)
    before = database_counts()
    with pytest.raises(CommandError) as caught:
        call_command("restore_municipality", path)
    assert database_counts() == before
    message = str(caught.value)
    assert "Traceback" not in message and "Error(" not in message
    return message


def test_a_small_backup_restores_whole(backup, tmp_path):
    backup_write(backup, tmp_path / "backup.json.gz")

    call_command("restore_municipality", tmp_path / "backup.json.gz")

    restored = Municipality.objects.get(code="9990")
    assert set(User.objects.filter(municipality=restored).values_list("email", flat=True)) == {
        "samordnare-2@testby.se",
        "polis-2@testby.se",
        "",
    }
    assert restored.plans.get().versions.get().rounds.get().published_reports.exists()


# The users ------------------------------------------------------------------------------------


def test_two_users_with_one_email_address_are_refused(backup, tmp_path):
    backup["users"][1]["email"] = " SAMORDNARE-2@testby.se "

    message = restore_refused(backup, tmp_path)

    assert "E-postadressen samordnare-2@testby.se finns på mer än en användare i filen." in message


def test_an_email_address_an_account_here_already_has_is_refused(backup, tmp_path):
    backup["users"][0]["email"] = "Polis@Testby.se"  # the original municipality's reporter

    message = restore_refused(backup, tmp_path)

    assert (
        "De här e-postadresserna tillhör redan konton i den här databasen: polis@testby.se."
        in message
    )


def test_two_users_with_one_user_name_are_refused(backup, tmp_path):
    backup["users"][2]["username"] = backup["users"][0]["username"]

    message = restore_refused(backup, tmp_path)

    assert "Användarnamnet läsare-2 finns på mer än en användare i filen." in message


def test_an_unknown_role_is_refused(backup, tmp_path):
    backup["users"][0]["role"] = "superuser"

    message = restore_refused(backup, tmp_path)

    assert "Användare ”läsare-2”, roll: Värdet 'superuser' är inget giltigt alternativ." in message
    assert "Inget har återställts." in message


def test_an_unknown_activity_role_is_refused(backup, tmp_path):
    activity = backup["plans"][0]["versions"][0]["activities"][0]
    activity["responsibilities"][0]["role"] = "boss"

    assert "Värdet 'boss' är inget giltigt alternativ." in restore_refused(backup, tmp_path)


# Values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda data: data["actors"][0].update(name="Nämnd " * 40),
            "Aktör ”Nämnd Nämnd",
        ),
        (
            lambda data: data["users"][0].update(username="x" * 151),
            "som mest 150 tecken (den har 151)",
        ),
        (lambda data: data["users"][0].update(email="inte en adress"), "giltig e-postadress"),
        (lambda data: data["municipality"].update(code="12345"), "Kommun"),
        (lambda data: data["plans"][0]["versions"][0].update(valid_from=70000), "Plan"),
        (lambda data: data["plans"][0]["versions"][0].update(status=None), "status"),
        (
            lambda data: data["plans"][0]["versions"][0]["goals"][0].update(
                description="Gäller 19850312-1234 och familj"
            ),
            "personnummer",
        ),
    ],
)
def test_a_value_the_service_would_not_store_is_refused(backup, tmp_path, change, message):
    change(backup)

    refusal = restore_refused(backup, tmp_path)

    assert message in refusal
    assert "Inget har återställts." in refusal


def test_an_overlong_name_is_refused_with_its_length(backup, tmp_path):
    backup["actors"][0]["name"] = "N" * 201

    message = restore_refused(backup, tmp_path)

    assert "namn: Säkerställ att detta värde har som mest 200 tecken (den har 201)." in message


def test_a_nul_from_a_backup_made_on_sqlite_is_refused_where_it_is(backup, tmp_path):
    """SQLite stores a NUL; PostgreSQL refuses it in the middle of the restore."""
    backup["plans"][0]["versions"][0]["goals"][1]["title"] = "Mål\x00 2"

    message = restore_refused(backup, tmp_path)

    assert (
        "plans[0].versions[0].goals[1].title: Texten innehåller ett styrtecken (U+0000) som "
        "inte kan sparas. Ta bort det." in message
    )


def test_a_nul_in_data_given_to_the_restore_directly_is_refused(backup):
    backup["users"][0]["first_name"] = "Anna\x00"
    before = database_counts()

    with pytest.raises(BackupProblem, match=r"users\[0\]\.first_name: .*U\+0000"):
        municipality_restore(data=backup)

    assert database_counts() == before


def test_two_leads_of_one_activity_break_a_rule_of_the_database(backup, tmp_path):
    responsibilities = backup["plans"][0]["versions"][0]["activities"][0]["responsibilities"]
    responsibilities[1]["role"] = "lead"

    message = restore_refused(backup, tmp_path)

    assert "Filen bryter mot en regel i databasen" in message


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.update(users="alla"),
        lambda data: data["actors"].append(["inte", "ett", "objekt"]),
        lambda data: data["plans"][0].pop("versions"),
        lambda data: data["plans"][0]["versions"][0]["goals"][0].update(parent="99"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(backup, tmp_path, change):
    change(backup)

    assert restore_refused(backup, tmp_path)


# The file -------------------------------------------------------------------------------------


def test_a_truncated_gz_is_refused(backup, tmp_path):
    content = gzip.compress(json.dumps(backup).encode())

    message = restore_refused(content[: len(content) // 2], tmp_path, "backup.json.gz")

    assert "Den komprimerade filen är skadad eller ofullständig" in message


def test_a_corrupt_gz_is_refused(backup, tmp_path):
    content = bytearray(gzip.compress(json.dumps(backup).encode()))
    content[len(content) // 2 : len(content) // 2 + 8] = b"\xff" * 8

    message = restore_refused(bytes(content), tmp_path, "backup.json.gz")

    assert "Den komprimerade filen är skadad eller ofullständig" in message


def test_truncated_json_is_refused_with_its_place(backup, tmp_path):
    content = json.dumps(backup, indent=1).encode()

    message = restore_refused(content[:2000], tmp_path)

    assert "Filen är inte giltig JSON. Det finns ett fel på rad" in message


def test_a_file_that_is_not_utf8_is_refused(tmp_path, db):
    message = restore_refused("{'kommun': 'Åsele'}".encode("latin-1"), tmp_path)

    assert "inte är UTF-8-text" in message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "fler än 40 nivåer"),
        ('{"format": ' + "1" * 5000 + "}", "format: Talet är längre än 30 tecken."),
        ('{"format": "\\ud800"}', "format: Texten innehåller ett ogiltigt tecken (U+D800)"),
        ('{"format": 1, "format": 2}', "format: ”format” står mer än en gång i samma objekt."),
    ],
)
def test_crafted_json_is_refused_with_its_place(tmp_path, db, raw, message):
    assert message in restore_refused(raw.encode(), tmp_path)


def test_a_backup_larger_than_the_limit_is_refused_even_compressed(backup, tmp_path, settings):
    settings.BACKUP_MAX_BYTES = 100_000
    backup["padding"] = " " * 1_000_000  # packs into a few kilobytes

    message = restore_refused(gzip.compress(json.dumps(backup).encode()), tmp_path, "b.json.gz")

    assert "Filen är större än 97,7\xa0kB, som är det största som kan läsas in." in message
