import os
import shutil
import subprocess
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from followup.answers import answers_from_rows
from followup.models import FollowUpRound, Questionnaire
from followup.queries import questionnaire_content
from followup.services import questionnaire_save, round_open
from organisations.models import Actor, User
from plans.models import Indicator, PlanVersion, Term
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_actor, make_municipality, make_plan, make_user
from tests.conftest import confirm

STATUSES = ["done", "ongoing", "not_started", "cancelled", "done", "ongoing", "done"]


def demo_counts(statistic, gender, age, index):
    """Plausible counts: many small, some larger."""
    return (7 * index + 3 * len(gender) + len(age) * 5) % 23


def answer_round(
    round_: FollowUpRound,
    counts=demo_counts,
    *,
    seed: int = 0,
    indicators=None,
    participants=None,
) -> None:
    """Every questionnaire not yet answered gets complete answers and is submitted, through the
    follow-up's own services, as a reporter would do it. `indicators(indicator, index)` may
    give an indicator's answer, `participants(n, index)` an activity's participants."""
    levels = {t.code: t.pk for t in Term.objects.filter(municipality=None, kind="prevention_level")}
    groups = list(
        Term.objects.filter(municipality=None, kind="target_group").values_list("pk", flat=True)
    )
    questionnaires = round_.questionnaires.select_related("actor").order_by("actor__name")
    for index, questionnaire in enumerate(questionnaires):
        if questionnaire.status in (Questionnaire.Status.SUBMITTED, Questionnaire.Status.APPROVED):
            continue
        index += seed
        content = questionnaire_content(questionnaire)
        order = sorted(answer.pk for answer in content.activity_answers)

        def activity(answer, _position, index=index, order=order):
            n = order.index(answer.pk)  # the answers in the order they were made
            status = STATUSES[(index + n) % len(STATUSES)]
            values = {
                "status": status,
                "what_was_done": f"Arbetet med aktiviteten: {status}.",
                "obstacles": "Personalomsättning och omorganisation."
                if status in ("not_started", "cancelled")
                else "",
                "next_step": "Fortsätter nästa år.",
                "levels_reached": [levels["indicated"]] if n % 5 else [levels["selective"]],
                "groups_reached": [groups[(index + n) % len(groups)]],
            }
            if participants:
                for gender, count in participants(n, index).items():
                    values[f"participants_{gender}"] = count
            return values

        def indicator(answer, _n, index=index):
            values = {"numerator": 20 + index % 15, "denominator": 50, "value": None}
            if indicators:
                values |= indicators(answer.indicator, index)
            return values

        changes = answers_from_rows(
            content,
            activity=activity,
            indicator=indicator,
            statistic=lambda statistic, index=index: {
                (g, a): counts(statistic, g, a, index)
                for g in statistic.genders()
                for a in statistic.age_bands()
            },
            standard={
                "plan_followed_up": ["yes", "partly", "no"][index % 3],
                "coordination_needs": "Stöd i hur uppföljningen förs in i verksamhetsplanen.",
            },
        )
        questionnaire_save(questionnaire=questionnaire, user=None, changes=changes, submit=True)


def demo_completed_round() -> FollowUpRound:
    """The demo municipality with its open round, every questionnaire answered."""
    from followup.demo import demo_follow_up
    from plans.demo import demo_load

    municipality = demo_load()
    demo_follow_up(municipality=municipality)
    round_ = FollowUpRound.objects.get(version__plan__municipality=municipality)
    answer_round(round_)
    return round_


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def published_outputs(round_: FollowUpRound) -> dict:
    """Publish the round's report through the page, then fetch it in every format as a
    reader would."""
    municipality = round_.version.plan.municipality
    coordinator = User.objects.filter(municipality=municipality, role="coordinator").first()
    coordinator = coordinator or make_user(municipality, User.Role.COORDINATOR, "samordnare-x")
    reader = make_user(municipality, User.Role.READER, username=f"läsare-{municipality.code}")
    response = confirm(signed_in(coordinator), reverse("reports:round_publish", args=[round_.pk]))
    assert response.status_code == 302, response
    report = round_.published_reports.get()
    client = signed_in(reader)
    outputs = {"report": report}
    page = client.get(reverse("reports:published_report", args=[report.pk]))
    assert page.status_code == 200
    outputs["html"] = page.content.decode()
    for fmt in ("pdf", "docx", "xlsx"):
        response = client.get(reverse("reports:published_download", args=[report.pk, fmt]))
        assert response.status_code == 200, fmt
        outputs[fmt] = response.content
    return outputs


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker):
    """Run `build` once for the module inside a transaction that is rolled back afterwards."""

    def run(build):
        with django_db_blocker.unblock(), translation.override("sv"):
            # pytest-django sets up the test database only for modules that ask for it
            # (pytestmark = pytest.mark.django_db); never write to the real one.
            name = str(connection.settings_dict["NAME"])
            assert "memory" in name or "test" in name, "mark the module with django_db"
            with transaction.atomic():
                result = build()
                transaction.set_rollback(True)
        return result

    return run


# A plan whose statistics are all small ---------------------------------------------------------


def small_counts(statistic, gender, age, index):
    """Every cell of the gender × age statistic 1–4; the gender-only one mixes small and large
    counts, and in the first year adds up to a small total."""
    if statistic.by_age:
        return 1 + (len(gender) + len(age) + index) % 4
    if index == 1:  # Socialnämnden, the first year
        return {"girls": 2, "boys": 1}.get(gender, 0)
    return {"girls": 12, "boys": 3, "women": 40, "men": 0, "other": 2, "unknown": 9}[gender]


def small_indicators(indicator, index):
    """A count of 3, a share of 2 in 50 and a share of 48 in 50: all hidden."""
    if indicator.unit == Indicator.Unit.COUNT:
        return {"value": 3, "numerator": None, "denominator": None}
    return {"numerator": 2 if indicator.code == "M1" else 48, "denominator": 50}


def small_participants(n, index):
    """Per activity: a few girls and women, no men, and once a larger group of boys."""
    return {"girls": 1 + (n + index) % 3, "women": 2, "men": 0, "boys": 12 if n == 0 else 1}


def small_count_rounds(years=(2025, 2026)) -> list[FollowUpRound]:
    municipality = make_municipality("Litenby", "9990")
    social = make_actor(municipality, "Socialnämnden")
    police = make_actor(municipality, "Polisen", kind=Actor.Kind.EXTERNAL)
    version = make_plan(municipality, goals=2, activities_per_goal=2, actors=[social, police])
    count = Indicator.objects.create(
        version=version,
        goal=version.goals.get(code="1"),
        code="M9",
        title="Antal personer som påbörjat behandling",
        unit=Indicator.Unit.COUNT,
        direction=Indicator.Direction.INCREASE,
        baseline_year=2024,
        baseline_value=4,
        target_value=10,
        source=Indicator.Source.FOLLOW_UP,
        position=2,
    )
    count.reported_by.set([social])
    for code in ("honour_cases", "staff_basic_training"):
        StatisticAssignment.objects.create(
            version=version, statistic=Statistic.objects.get(code=code), actor=social
        )
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    rounds = []
    for offset, year in enumerate(years):
        round_ = round_open(
            version=version,
            year=year,
            opens_on=date(year + 1, 1, 15),
            deadline=date(year + 1, 3, 31),
        )
        answer_round(
            round_,
            small_counts,
            seed=offset,
            indicators=small_indicators,
            participants=small_participants,
        )
        rounds.append(round_)
    make_user(municipality, User.Role.COORDINATOR, username="samordnare-litenby")
    return rounds


# LibreOffice ----------------------------------------------------------------------------------

# CI installs LibreOffice (.ci/run) and must run these tests; elsewhere they need soffice.
needs_libreoffice = pytest.mark.skipif(
    not shutil.which("soffice") and os.environ.get("CI") != "true",
    reason="LibreOffice (soffice) is not installed; CI installs it",
)


@pytest.fixture(scope="session")
def libreoffice_profile(tmp_path_factory):
    """A LibreOffice user profile of the test session's own (one per parallel worker):
    created once, and never shared with another LibreOffice running on the machine."""
    return tmp_path_factory.mktemp("libreoffice-profile")


def libreoffice_to_pdf(files, out, profile) -> list:
    """Open each file in LibreOffice, headless, and convert it to PDF: Word and Excel files in
    one run, PDFs through LibreOffice's PDF import. Fails unless every file converts."""
    groups = [
        ([f for f in files if f.suffix != ".pdf"], []),
        ([f for f in files if f.suffix == ".pdf"], ["--infilter=writer_pdf_import"]),
    ]
    converted = []
    for index, (group, options) in enumerate(groups):
        if not group:
            continue
        target = out / str(index)
        command = [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            *options,
            "--convert-to",
            "pdf",
            "--outdir",
            str(target),
            *[str(f) for f in group],
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        for path in group:
            pdf = target / f"{path.stem}.pdf"
            assert result.returncode == 0 and pdf.exists(), (path, result.stdout, result.stderr)
            assert pdf.stat().st_size > 1000, path
            converted.append(pdf)
    return converted
