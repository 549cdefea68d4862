"""The main pages of one municipality: what `bench_pages` loads and what the query-budget
tests count, so both always mean the same pages."""

from django.urls import reverse

from followup.models import FollowUpRound, Questionnaire
from organisations.models import User
from plans.models import PlanVersion


def latest_round(municipality) -> FollowUpRound:
    return (
        FollowUpRound.objects.filter(version__plan__municipality=municipality)
        .select_related("version")
        .latest("year")
    )


def main_pages(municipality) -> list[tuple[str, str, User]]:
    """(name, path, who is signed in) for each main page of a generated municipality: its
    adopted version, its latest round and the reporter's questionnaire in it."""
    version = PlanVersion.objects.get(
        plan__municipality=municipality, status=PlanVersion.Status.ADOPTED
    )
    round_ = latest_round(municipality)
    coordinator = User.objects.get(municipality=municipality, role=User.Role.COORDINATOR)
    reporter = User.objects.get(municipality=municipality, role=User.Role.REPORTER)
    questionnaire = Questionnaire.objects.get(round=round_, actor__in=reporter.actors.all())
    return [
        ("Plan by goal", reverse("plans:version_by_goal", args=[version.pk]), coordinator),
        ("Plan by actor", reverse("plans:version_by_actor", args=[version.pk]), coordinator),
        ("Activity list", reverse("plans:version_activity_list", args=[version.pk]), coordinator),
        ("Coverage", reverse("plans:version_coverage", args=[version.pk]), coordinator),
        ("Round dashboard", reverse("followup:round_dashboard", args=[round_.pk]), coordinator),
        ("A questionnaire", reverse("followup:questionnaire", args=[questionnaire.pk]), reporter),
        ("Report web page", reverse("reports:round_report", args=[round_.pk]), coordinator),
    ]
