"""The generated municipalities for benchmarks, and the benchmark command."""

from django.core.management import call_command

from followup.models import ActivityAnswer, FollowUpRound, Questionnaire, StatisticCount
from plans.models import Activity
from reports.generate import SIZES, describe, generate


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
    assert counts["activities (latest version)"] == spec.activities
    assert counts["rounds"] == spec.rounds
    rounds = FollowUpRound.objects.filter(version__plan__municipality=municipality)
    assert not Questionnaire.objects.filter(round__in=rounds).exclude(status="approved").exists()
    assert counts["statistic counts"] > 0


def test_the_benchmark_writes_its_figures_and_keeps_the_rest_of_the_file(db, tmp_path):
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nPages: measured elsewhere.\n")
    options = {"size": "small", "seed": 2, "repeat": 1, "output": str(output)}
    call_command("bench_report", formats="xlsx,docx", **options)
    text = output.read_text()
    assert "Pages: measured elsewhere." in text
    for step in ("Build the report content", "23 queries", "Word", "Excel", "Processors (nproc)"):
        assert step in text
    call_command("bench_report", formats="xlsx", **options)
    text = output.read_text()
    assert text.count("bench_report: start") == 1 and "Word" not in text
