"""The audit trail's pages: what changed in a plan version, a questionnaire, an account or the
actors, and the event log of sign-ins, exports, publications and backups."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from followup.queries import questionnaire_for
from organisations.models import Actor
from organisations.permissions import auditor_required, member_required, user_manager_required
from organisations.queries import manageable_users
from plans.queries import version_for

from . import queries
from .models import AuditEvent


@require_safe
@auditor_required
def version_history(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for(request.user, pk)
    return render(
        request,
        "records/version_history.html",
        {"version": version, "page": queries.version_history(version, request.GET.get("page"))},
    )


@require_safe
@member_required
def questionnaire_history(request: HttpRequest, pk: int) -> HttpResponse:
    # Whoever may see the questionnaire sees how it came about: its reporters and coordinators.
    questionnaire = questionnaire_for(request.user, pk)
    return render(
        request,
        "records/questionnaire_history.html",
        {
            "questionnaire": questionnaire,
            "version": questionnaire.round.version,
            "page": queries.questionnaire_history(questionnaire, request.GET.get("page")),
        },
    )


@require_safe
@user_manager_required
def user_history(request: HttpRequest, pk: int) -> HttpResponse:
    # Accounts are the administrator's, and only those of their own municipality.
    account = get_object_or_404(manageable_users(request.user.municipality), pk=pk)
    return render(
        request,
        "records/user_history.html",
        {"account": account, "page": queries.user_history(account, request.GET.get("page"))},
    )


@require_safe
@auditor_required
def actors_history(request: HttpRequest) -> HttpResponse:
    # All of the municipality's actors, so that a deleted one can still be looked up.
    page = queries.actors_history(request.user.municipality_id, request.GET.get("page"))
    return render(request, "records/actor_history.html", {"actor": None, "page": page})


@require_safe
@auditor_required
def actor_history(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_object_or_404(Actor, pk=pk, municipality_id=request.user.municipality_id)
    page = queries.actor_history(actor, request.GET.get("page"))
    return render(request, "records/actor_history.html", {"actor": actor, "page": page})


@require_safe
@auditor_required
def events(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    if action not in AuditEvent.Action.values:
        action = ""
    return render(
        request,
        "records/events.html",
        {
            "page": queries.events_page(
                request.user.municipality_id, action=action, page_number=request.GET.get("page")
            ),
            "actions": AuditEvent.Action.choices,
            "action": action,
        },
    )
