"""The generated data for benchmarks, and the export benchmark's record."""

import pytest
from django.core.management import call_command

from bench.generate import (
    SIZES,
    describe,
    generate,
    generate_national,
    national_municipalities,
    national_sizes,
)
from followup.models import ActivityAnswer, FollowUpRound, Questionnaire, StatisticCount
from followup.services import questionnaire_items
from organisations.models import User
from plans.models import Activity


def fingerprint(municipality):
    rounds = FollowUpRound.objects.filter(version__plan__municipality=municipality)
    return (
        describe(municipality),
        sorted(
            Activity.objects.filter(version__plan__municipality=municipality).values_list(
                "code", "title"
            )
        ),
        sorted(
            ActivityAnswer.objects.filter(questionnaire__round__in=rounds).values_list(
                "activity__code", "questionnaire__actor__name", "status"
            )
        ),
        sorted(
            StatisticCount.objects.filter(questionnaire__round__in=rounds).values_list(
                "questionnaire__round__year", "statistic__code", "gender", "age_band", "count"
            )
        ),
    )


def test_the_same_size_and_seed_give_the_same_municipality(db):
    first = fingerprint(generate(size="small", seed=3))
    again = fingerprint(generate(size="small", seed=3))  # replaces the first
    assert first == again
    assert fingerprint(generate(size="small", seed=4))[2:] != first[2:]


def test_a_generated_municipality_has_every_round_answered(db):
    municipality = generate(size="small", seed=1)
    counts = describe(municipality)
    spec = SIZES["small"]
    assert counts["actors"] == spec.actors
    assert counts["activities (adopted versions)"] == spec.activities
    assert counts["rounds"] == spec.rounds
    rounds = FollowUpRound.objects.filter(version__plan__municipality=municipality)
    earlier = Questionnaire.objects.filter(round__in=rounds.exclude(status="open"))
    assert not earlier.exclude(status="approved").exists()
    latest = rounds.get(status="open")
    assert latest.year == max(rounds.values_list("year", flat=True))
    reporter = User.objects.get(municipality=municipality, role=User.Role.REPORTER)
    mine = Questionnaire.objects.get(round=latest, actor__in=reporter.actors.all())
    assert mine.status == "draft"  # the benchmark's reporter can still answer
    assert counts["statistic counts"] > 0


def test_each_round_asks_exactly_what_opening_it_would_ask(db):
    municipality = generate(size="small", seed=2)
    for round_ in FollowUpRound.objects.filter(version__plan__municipality=municipality):
        items = questionnaire_items(round_.version)
        answers = ActivityAnswer.objects.filter(questionnaire__round=round_)
        assert sorted(round_.questionnaires.values_list("actor_id", flat=True)) == items.actor_ids
        assert sorted(answers.values_list("questionnaire__actor_id", "activity_id")) == sorted(
            items.activities
        )


def test_national_sizes_are_mixed_with_the_biggest_first_and_about_29000_activities():
    sizes = national_sizes(seed=1)
    assert len(sizes) == 290
    assert sizes[0].activities == max(s.activities for s in sizes) == 300
    assert min(s.activities for s in sizes) < 40
    assert 25_000 < sum(s.activities for s in sizes) < 33_000
    assert national_sizes(seed=1) == sizes


def test_national_data_goes_only_into_a_database_without_it(db):
    municipalities = generate_national(seed=1, count=2)
    assert [m.code for m in national_municipalities()] == ["9300", "9301"]
    assert describe(municipalities)["municipalities"] == 2
    with pytest.raises(ValueError):
        generate_national(seed=1, count=2)


def test_the_export_benchmark_writes_its_figures_and_keeps_the_rest_of_the_file(db, tmp_path):
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nPages: measured elsewhere.\n")
    generate(size="small", seed=2)
    options = {"size": "small", "seed": 2, "repeat": 1, "output": str(output)}
    call_command("bench_exports", steps="build,xlsx", in_process=True, **options)
    text = output.read_text()
    assert "Pages: measured elsewhere." in text
    for step in ("Report content", "queries to build", "Report as Excel", "Processors (nproc)"):
        assert step in text
    call_command("bench_exports", steps="build", in_process=True, **options)
    text = output.read_text()
    assert text.count("bench_exports: start") == 1 and "Report as Excel" not in text
