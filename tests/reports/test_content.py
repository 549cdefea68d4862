"""What the follow-up report says, computed from the answers."""

import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from docx import Document as WordDocument

from followup.models import ActivityAnswer, FollowUpRound, IndicatorAnswer, StatisticCount
from followup.services import round_open
from organisations.models import Actor
from plans.models import Indicator, PlanVersion, Term
from plans.services import plan_version_adopt, plan_version_copy
from reports.content import report_build, report_for_export
from reports.document import Document
from reports.formats import render
from reports.indicators import IMPROVED, NOT_ASSESSABLE, UNCHANGED, WORSENED, assess
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_actor, make_municipality, make_plan

from .conftest import answer_round


def adopted(municipality, **kwargs) -> PlanVersion:
    version = make_plan(municipality, **kwargs)
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    return version


def open_round(version, year=2025) -> FollowUpRound:
    return round_open(
        version=version, year=year, opens_on=date(year + 1, 1, 10), deadline=date(year + 1, 3, 31)
    )


def table(document: Document, key: str):
    return next(t for t in document.tables() if t.key == key)


@pytest.fixture
def actors(municipality):
    return [
        make_actor(municipality, "Socialnämnden"),
        make_actor(municipality, "Polisen", kind=Actor.Kind.EXTERNAL),
    ]


def build(round_, language="en") -> Document:
    with translation.override(language):
        return report_build(round_)


def test_the_report_costs_the_same_number_of_queries_whatever_the_size(db):
    small_town = make_municipality("Lillby", "9981")
    small = adopted(small_town, goals=1, activities_per_goal=1)
    StatisticAssignment.objects.create(
        version=small,
        statistic=Statistic.objects.get(code="honour_cases"),
        actor=small.activities.get().lead,
    )
    small_round = open_round(small)
    answer_round(small_round)

    big_town = make_municipality("Storby", "9982")
    actors = [make_actor(big_town, f"Nämnd {n}") for n in range(5)]
    big = adopted(big_town, goals=4, activities_per_goal=6, actors=actors)
    for code in ("honour_cases", "travel_bans", "staff_basic_training"):
        for actor in actors[:3]:
            StatisticAssignment.objects.create(
                version=big, statistic=Statistic.objects.get(code=code), actor=actor
            )
    for year in (2025, 2026, 2027):
        big_round = open_round(big, year)
        answer_round(big_round, seed=year)

    def queries(round_):
        with CaptureQueriesContext(connection) as context:
            build(round_)
        return len(context.captured_queries)

    assert queries(small_round) == queries(big_round)


def test_an_activitys_status_is_the_leads_answer_else_a_co_responsible_ones(municipality, actors):
    version = adopted(municipality, goals=1, activities_per_goal=3, actors=actors)
    round_ = open_round(version)
    answer_round(round_)
    first, second, third = version.activities.order_by("code")
    social, police = actors  # Socialnämnden leads every activity, the police take part

    def answer(activity, actor):
        return ActivityAnswer.objects.get(
            questionnaire__round=round_, activity=activity, questionnaire__actor=actor
        )

    ActivityAnswer.objects.filter(pk=answer(first, social).pk).update(status="ongoing")
    ActivityAnswer.objects.filter(pk=answer(first, police).pk).update(status="done")
    ActivityAnswer.objects.filter(pk=answer(second, social).pk).update(status="")
    ActivityAnswer.objects.filter(pk=answer(second, police).pk).update(status="cancelled")
    ActivityAnswer.objects.filter(activity=third).update(status="")

    status = table(build(round_), "status_by_goal")
    headers = status.headers
    row = dict(zip(headers, status.rows[0], strict=True))
    assert row["Ongoing"] == 1 and row["Cancelled"] == 1 and row["Not reported"] == 1
    assert row["Done"] == 0
    by_actor_table = table(build(round_), "status_by_actor")
    by_actor = {
        r[0]: dict(zip(by_actor_table.headers, r, strict=True)) for r in by_actor_table.rows
    }
    assert by_actor["Polisen"]["Done"] == 1 and by_actor["Socialnämnden"]["Ongoing"] == 1


def test_only_submitted_and_approved_questionnaires_count(municipality, actors):
    version = adopted(municipality, goals=1, activities_per_goal=2, actors=actors)
    round_ = open_round(version)
    answer_round(round_)
    round_.questionnaires.filter(actor__name="Polisen").update(status="draft")
    document = build(round_)
    facts = dict((label, value) for label, value in document.facts)
    assert facts["Answers"] == "1 of 2 actors (50 %)"
    assert any("Not answered: Polisen." == f for f in document.sections[0].blocks[0].items)
    stalled = (
        [row[1] for row in table(document, "stalled").rows]
        if any(t.key == "stalled" for t in document.tables())
        else []
    )
    assert "Polisen" not in stalled


def test_indicator_values_are_pooled_and_assessed_in_the_desired_direction(municipality, actors):
    version = adopted(municipality, goals=1, activities_per_goal=1, actors=actors)
    indicator = version.indicators.get()  # a share, baseline 20, target 80, should increase
    indicator.reported_by.set(actors)
    round_ = open_round(version)
    answer_round(round_)
    IndicatorAnswer.objects.filter(questionnaire__actor__name="Socialnämnden").update(
        numerator=30, denominator=50
    )
    IndicatorAnswer.objects.filter(questionnaire__actor__name="Polisen").update(
        numerator=10, denominator=50
    )
    row = table(build(round_), "indicators").rows[0]
    assert row[6] == 40.0  # (30 + 10) / (50 + 50)
    assert row[7] == "Improved" and row[8] == "No"

    Indicator.objects.filter(pk=indicator.pk).update(direction=Indicator.Direction.DECREASE)
    assert table(build(round_), "indicators").rows[0][7] == "Worsened"


@pytest.mark.parametrize(
    ("value", "baseline", "direction", "expected"),
    [
        (40, 20, "increase", IMPROVED),
        (10, 20, "increase", WORSENED),
        (20.0, 20, "increase", UNCHANGED),
        (10, 20, "decrease", IMPROVED),
        (30, 20, "decrease", WORSENED),
        (20, 20, "maintain", UNCHANGED),
        (21, 20, "maintain", WORSENED),
        (None, 20, "increase", NOT_ASSESSABLE),
        (30, None, "increase", NOT_ASSESSABLE),
    ],
)
def test_assessment_against_the_baseline(value, baseline, direction, expected):
    assert assess(value, baseline, direction) == expected


def test_statistics_add_up_the_actors_and_earlier_years_come_from_earlier_versions(
    municipality, actors
):
    version = adopted(municipality, goals=1, activities_per_goal=1, actors=actors)
    statistic = Statistic.objects.get(code="staff_basic_training")  # by gender only
    for actor in actors:
        StatisticAssignment.objects.create(version=version, statistic=statistic, actor=actor)
    first = open_round(version, 2025)
    answer_round(first, lambda s, g, a, i: 10 if g == "women" else 0)
    first.close()
    draft = plan_version_copy(version=version)  # the plan is revised
    plan_version_adopt(version=draft, decided_by="KF", decision_date=date(2026, 1, 1))
    second = open_round(draft, 2026)
    answer_round(second, lambda s, g, a, i: 7 if g == "women" else 0)

    document = build(second)
    current = table(document, f"statistic-{statistic.pk}-2026")
    assert dict((r[0], r[1]) for r in current.rows)["Women"] == 14  # two actors, 7 each
    trend = table(document, f"statistic-{statistic.pk}-trend")
    assert trend.headers[1:] == ["2025", "2026"]
    assert dict((r[0], r[1:]) for r in trend.rows)["Total"] == [20, 14]


def test_the_findings_name_the_weight_on_the_indicated_level(municipality, actors):
    version = adopted(municipality, goals=2, activities_per_goal=3, actors=actors)
    round_ = open_round(version)
    answer_round(round_)
    indicated = Term.objects.get(municipality=None, kind="prevention_level", code="indicated")
    for answer in ActivityAnswer.objects.filter(questionnaire__round=round_):
        answer.levels_reached.set([indicated])
    findings = build(round_).sections[0].blocks[0].items
    assert any("100 % were indicated" in f for f in findings)
    assert any("weighted towards people already exposed" in f for f in findings)
    # The plan (make_plan) aims everything at the universal level: the gap is named.
    assert any("aims 100 % of its prevention work" in f for f in findings)


def test_the_document_is_plain_data_that_survives_json(municipality, actors):
    version = adopted(municipality, goals=1, activities_per_goal=2, actors=actors)
    StatisticAssignment.objects.create(
        version=version, statistic=Statistic.objects.get(code="honour_cases"), actor=actors[0]
    )
    round_ = open_round(version)
    answer_round(round_)
    document = build(round_, "sv")
    data = json.loads(json.dumps(document.to_dict()))
    assert Document.from_dict(data) == document


def test_the_exported_copy_hides_small_counts_and_leaves_the_working_one_exact(
    municipality, actors
):
    version = adopted(municipality, goals=1, activities_per_goal=1, actors=actors)
    StatisticAssignment.objects.create(
        version=version, statistic=Statistic.objects.get(code="honour_cases"), actor=actors[0]
    )
    round_ = open_round(version)
    answer_round(round_, lambda s, g, a, i: 2)
    with translation.override("en"):
        document = build(round_)
        exported = report_for_export(document)
    key = next(t.key for t in document.tables() if t.hidden)
    assert table(document, key).rows[0][1] == 2
    assert table(exported, key).rows[0][1] == "–"
    assert exported.exact is False and document.exact is True
    assert any("Not shown" in note for note in table(exported, key).footnotes)
    assert StatisticCount.objects.filter(questionnaire__round=round_).exists()


def test_a_round_nobody_has_answered_yet_still_gives_a_report_in_every_format(municipality, actors):
    version = adopted(municipality, goals=1, activities_per_goal=2, actors=actors)
    StatisticAssignment.objects.create(
        version=version, statistic=Statistic.objects.get(code="travel_bans"), actor=actors[0]
    )
    document = build(open_round(version))
    assert document.sections[0].blocks[0].items[0].startswith("0 of 2 actors answered")
    exported = report_for_export(document)
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")):
        assert render(exported, fmt).startswith(magic)


def test_characters_pasted_from_elsewhere_do_not_break_the_word_file(municipality, actors):
    version = adopted(municipality, goals=1, activities_per_goal=1, actors=actors)
    round_ = open_round(version)
    answer_round(round_)
    ActivityAnswer.objects.filter(questionnaire__round=round_).update(
        what_was_done="Utbildning\x0bför\x0call personal."
    )
    content = render(report_for_export(build(round_, "sv")), "docx")
    text = " ".join(p.text for p in WordDocument(io.BytesIO(content)).paragraphs)
    assert "Utbildningförall personal." in text
