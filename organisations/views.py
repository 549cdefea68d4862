from datetime import date

from django.conf import settings
from django.contrib import messages
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .forms import ActorForm
from .models import Actor
from .permissions import actor_manager_required, can_manage_actors, member_required
from .queries import actor_tree


@require_safe
@member_required
def actor_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/actor_list.html",
        {
            "nodes": actor_tree(request.user.municipality),
            "can_manage": can_manage_actors(request.user),
        },
    )


@actor_manager_required
def actor_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = get_object_or_404(Actor, pk=pk, municipality=request.user.municipality) if pk else None
    form = ActorForm(request.POST or None, instance=actor, municipality=request.user.municipality)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("“%(name)s” was saved.") % {"name": saved.name})
        return redirect("organisations:actor_list")
    return render(request, "organisations/actor_form.html", {"form": form, "actor": actor})


@actor_manager_required
def actor_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_object_or_404(Actor, pk=pk, municipality=request.user.municipality)
    if request.method == "POST":
        try:
            actor.delete()
        except ProtectedError:
            messages.error(
                request,
                _(
                    "“%(name)s” cannot be deleted: it has responsibilities in a plan "
                    "or units under it. Move those first."
                )
                % {"name": actor.name},
            )
            return redirect("organisations:actor_list")
        messages.success(request, _("“%(name)s” was deleted.") % {"name": actor.name})
        return redirect("organisations:actor_list")
    return render(request, "organisations/actor_confirm_delete.html", {"actor": actor})


# The day the accessibility statement was last checked against the service; update it with
# the statement.
ACCESSIBILITY_STATEMENT_REVIEWED = date(2026, 11, 22)


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement the law requires, readable without signing in."""
    return render(
        request,
        "organisations/accessibility.html",
        {
            "contact_email": getattr(
                settings, "ACCESSIBILITY_CONTACT_EMAIL", "tillganglighet@example.se"
            ),
            "reviewed_on": ACCESSIBILITY_STATEMENT_REVIEWED,
        },
    )
