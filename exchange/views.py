"""Downloading a plan version as Excel or JSON, the empty template, and importing a file."""

import logging
import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from organisations.permissions import coordinator_required, member_required
from plans.models import Plan, PlanVersion
from plans.queries import version_for
from records.services import audit_event_record

from . import jsonfile, xlsx
from .choices import choice_lists
from .data import version_to_data
from .forms import ImportForm
from .importer import ImportProblems, plan_version_import_file

logger = logging.getLogger(__name__)
# A file of 5,000 bad rows may hold tens of thousands of problems: the page lists the first.
PROBLEMS_SHOWN = 500


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _filename(version: PlanVersion, extension: str) -> str:
    label = slugify(re.sub(r"\W+", "-", version.label))
    return "-".join(part for part in (slugify(version.plan.title) or "plan", label) if part) + (
        f".{extension}"
    )


def _log_export(request: HttpRequest, version: PlanVersion, kind: str) -> None:
    # Exports are logged: who took which version out, in which format.
    logger.info("export %s of version %s by user %s", kind, version.pk, request.user.pk)
    audit_event_record(
        user=request.user,
        action="export",
        description=str(version),
        details={"format": kind, "version": version.pk},
    )


@require_safe
@member_required
def version_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for(request.user, pk)
    content = xlsx.data_to_xlsx(
        version_to_data(version), lists=choice_lists(request.user.municipality)
    )
    _log_export(request, version, "xlsx")
    return _download(content, xlsx.CONTENT_TYPE, _filename(version, "xlsx"))


@require_safe
@member_required
def version_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for(request.user, pk)
    content = jsonfile.data_to_json(version_to_data(version))
    _log_export(request, version, "json")
    return _download(content, jsonfile.CONTENT_TYPE, _filename(version, "json"))


@require_safe
@member_required
def template_xlsx(request: HttpRequest) -> HttpResponse:
    content = xlsx.data_to_xlsx(None, lists=choice_lists(request.user.municipality))
    return _download(content, xlsx.CONTENT_TYPE, f"{slugify(_('plan template'))}.xlsx")


@coordinator_required
def plan_import(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Import a file as a new draft version of the plan `pk`, or as a new plan."""
    municipality = request.user.municipality
    plan = get_object_or_404(Plan, pk=pk, municipality=municipality) if pk else None
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems = []
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = plan_version_import_file(
                municipality=municipality, name=upload.name, content=upload.read(), plan=plan
            )
        except ImportProblems as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _(
                    "The file was imported as a new draft, version %(label)s. Goals: %(goals)s, "
                    "indicators: %(indicators)s, activities: %(activities)s. Check the plan "
                    "before it is adopted."
                )
                % {
                    "label": version.label,
                    "goals": version.goals.count(),
                    "indicators": version.indicators.count(),
                    "activities": version.activities.count(),
                }
                + "".join(f" {note}" for note in version.import_notes),
            )
            return redirect("plans:version_overview", pk=version.pk)
    return render(
        request,
        "exchange/import.html",
        {
            "form": form,
            "plan": plan,
            "problems": problems[:PROBLEMS_SHOWN],
            "problem_count": len(problems),
            "problems_hidden": max(len(problems) - PROBLEMS_SHOWN, 0),
        },
    )
