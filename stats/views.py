"""Pages for the statistics catalogue and for who reports which statistic in a plan version."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from organisations.models import Actor
from organisations.permissions import can_write_plans, coordinator_required, member_required
from plans.queries import version_for

from . import queries, services
from .forms import StatisticAssignmentForm, StatisticForm
from .models import AgeBand, Gender

# The catalogue -----------------------------------------------------------------------------


@require_safe
@member_required
def statistic_list(request: HttpRequest) -> HttpResponse:
    entries = queries.catalogue(request.user.municipality_id)
    return render(
        request,
        "stats/statistic_list.html",
        {
            "national": [entry for entry in entries if entry.is_national],
            "own": [entry for entry in entries if not entry.is_national],
            "genders": Gender.labels,
            "age_bands": AgeBand.labels,
            "can_write": can_write_plans(request.user),
        },
    )


@coordinator_required
def statistic_create(request: HttpRequest) -> HttpResponse:
    form = StatisticForm(
        request.POST if request.method == "POST" else None, municipality=request.user.municipality
    )
    if request.method == "POST" and form.is_valid():
        statistic = services.statistic_create(
            municipality=request.user.municipality, **form.cleaned_data
        )
        messages.success(request, _("“%(name)s” was added.") % {"name": statistic.name})
        return redirect("stats:statistic_list")
    return render(request, "stats/statistic_form.html", {"form": form, "statistic": None})


@coordinator_required
def statistic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    statistic = queries.own_statistic_for(request.user, pk)
    form = StatisticForm(
        request.POST if request.method == "POST" else None,
        instance=statistic,
        municipality=request.user.municipality,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("“%(name)s” was saved.") % {"name": statistic.name})
        return redirect("stats:statistic_list")
    return render(request, "stats/statistic_form.html", {"form": form, "statistic": statistic})


@coordinator_required
def statistic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    statistic = queries.own_statistic_for(request.user, pk)
    if request.method == "POST":
        try:
            statistic.delete()
        except ProtectedError:
            messages.error(
                request,
                _(
                    "“%(name)s” cannot be deleted: a plan version asks actors to report it. "
                    "Take it out of every version first."
                )
                % {"name": statistic.name},
            )
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": statistic.name})
        return redirect("stats:statistic_list")
    return render(
        request,
        "stats/statistic_confirm_delete.html",
        {"statistic": statistic, "versions": list(queries.versions_using(statistic))},
    )


# Who reports what in a plan version ----------------------------------------------------------


@member_required
def version_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for(request.user, pk)
    if request.method == "POST":
        if not can_write_plans(request.user):
            raise PermissionDenied
        if not version.is_editable:
            messages.error(
                request,
                _(
                    "This version is %(status)s and cannot be changed. Make a new draft to revise it."
                )
                % {"status": version.get_status_display().lower()},
            )
            return redirect("stats:version_statistics", pk=version.pk)
    rows = queries.reporters_by_statistic(version)
    form = None
    if can_write_plans(request.user) and version.is_editable:
        actors = list(
            Actor.objects.filter(municipality_id=version.plan.municipality_id).order_by("name")
        )
        form = StatisticAssignmentForm(
            request.POST if request.method == "POST" else None, rows=rows, actors=actors
        )
        if form.is_valid():
            services.statistic_assignments_set(version=version, assignments=form.assignments())
            messages.success(request, _("Who reports which statistic was saved."))
            return redirect("stats:version_statistics", pk=version.pk)
    return render(
        request,
        "stats/version_statistics.html",
        {"version": version, "rows": rows, "form": form},
    )
