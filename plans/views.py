"""Pages for reading and writing a plan. Views stay short: rules live in models, forms,
services and queries."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Model, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from handlingskraft.revisions import REVISION_FIELD, row_locked
from organisations.permissions import can_write_plans, coordinator_required, member_required

from . import queries, services
from .forms import (
    ActivityForm,
    AdoptForm,
    CopyForm,
    DecisionCorrectionForm,
    GoalForm,
    IndicatorForm,
    MoveForm,
    PlanCreateForm,
    TermForm,
    VersionForm,
)
from .models import Activity, Goal, Indicator, PlanVersion, Term


def _overview(version: PlanVersion):
    return redirect("plans:version_overview", pk=version.pk)


def _refuse_if_locked(request: HttpRequest, version: PlanVersion) -> HttpResponse | None:
    if version.is_editable:
        return None
    messages.error(
        request,
        _("This version is %(status)s and cannot be changed. Make a new draft to revise it.")
        % {"status": version.get_status_display().lower()},
    )
    return _overview(version)


def _version_page(request: HttpRequest, pk: int, template: str, **context) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    context.update(version=version, can_write=can_write_plans(request.user) and version.is_editable)
    return render(request, template, context)


# Reading ---------------------------------------------------------------------------------


@require_safe
@member_required
def home(request: HttpRequest) -> HttpResponse:
    versions = queries.versions_visible_to(request.user).order_by("-created_at")
    plans = queries.plans_visible_to(request.user).prefetch_related(
        Prefetch("versions", queryset=versions, to_attr="visible_versions")
    )
    return render(
        request,
        "plans/home.html",
        {
            "plans": [p for p in plans if p.visible_versions],
            "can_write": can_write_plans(request.user),
        },
    )


@require_safe
@member_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(queries.plans_visible_to(request.user), pk=pk)
    versions = queries.versions_visible_to(request.user).filter(plan=plan).order_by("-created_at")
    latest = versions.first()
    if latest is None:
        # Nothing in it is visible to this user (only drafts): as hidden as the drafts are.
        raise Http404
    return redirect("plans:version_overview", pk=latest.pk)


@require_safe
@member_required
def version_overview(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    siblings = (
        queries.versions_visible_to(request.user)
        .filter(plan_id=version.plan_id)
        .select_related("based_on")
        .order_by("-created_at")
    )
    can_write = can_write_plans(request.user)
    return render(
        request,
        "plans/version_overview.html",
        {
            "version": version,
            "versions": siblings,
            "counts": queries.version_counts(version),
            "can_write": can_write and version.is_editable,
            "can_copy": can_write,
            "can_correct": can_write and not version.is_editable,
            "corrections": [] if version.is_editable else queries.decision_corrections(version),
            "problems": services.version_adoption_problems(version)
            if can_write and version.is_editable
            else [],
        },
    )


@require_safe
@member_required
def version_by_goal(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    return render(
        request,
        "plans/version_by_goal.html",
        {
            "version": version,
            # Read only when the page is not already kept (page_cache).
            "tree": SimpleLazyObject(lambda: queries.plan_tree(version)),
            "page": queries.page_cache(version),
            "can_write": can_write_plans(request.user) and version.is_editable,
        },
    )


def _duties(version: PlanVersion, chosen: str | None) -> dict:
    duties = queries.duties_by_actor(version)
    if chosen:
        duties = [entry for entry in duties if str(entry.actor.pk) == chosen]
    return {
        "with_duties": [entry for entry in duties if entry.has_duties],
        "without_duties": [entry.actor for entry in duties if not entry.has_duties],
    }


@require_safe
@member_required
def version_by_actor(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    chosen = request.GET.get("actor")
    return render(
        request,
        "plans/version_by_actor.html",
        {
            "version": version,
            "duties": SimpleLazyObject(lambda: _duties(version, chosen)),
            "page": queries.page_cache(version, chosen),
            "chosen": chosen,
        },
    )


@require_safe
@member_required
def version_activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    return render(
        request,
        "plans/version_activity_list.html",
        {
            "version": version,
            "activities": SimpleLazyObject(lambda: queries.plan_tree(version).activities()),
            "page": queries.page_cache(version),
        },
    )


@require_safe
@member_required
def version_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    return render(
        request,
        "plans/version_coverage.html",
        {
            "version": version,
            "coverage": SimpleLazyObject(lambda: queries.coverage(version)),
            "page": queries.page_cache(version),
        },
    )


# Versions --------------------------------------------------------------------------------


@coordinator_required
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        version = services.plan_create(municipality=request.user.municipality, **form.cleaned_data)
        messages.success(request, _("The plan was created. Start by adding goals."))
        return _overview(version)
    return render(request, "plans/plan_form.html", {"form": form})


@coordinator_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    if locked := _refuse_if_locked(request, version):
        return locked
    if request.method == "POST":
        with transaction.atomic():
            row = row_locked(version)
            if locked := _refuse_if_locked(request, row):
                return locked
            form = VersionForm(request.POST, instance=row)
            if form.is_valid() and form.is_current():
                form.save()
                messages.success(request, _("The version was saved."))
                return _overview(version)
    else:
        form = VersionForm(instance=version)
    return render(request, "plans/version_form.html", {"form": form, "version": version})


@coordinator_required
def version_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    if locked := _refuse_if_locked(request, version):
        return locked
    problems = services.version_adoption_problems(version)
    if request.method == "POST":
        with transaction.atomic():
            row = row_locked(version)
            if locked := _refuse_if_locked(request, row):
                return locked
            form = AdoptForm(request.POST, instance=row)
            if form.is_valid() and form.is_current() and not problems:
                try:
                    services.plan_version_adopt(version=row, **form.cleaned_data)
                except ValidationError as error:
                    problems = error.messages
                else:
                    messages.success(
                        request, _("The version is adopted. It can no longer be changed.")
                    )
                    return _overview(version)
    else:
        form = AdoptForm(instance=version)
    return render(
        request,
        "plans/version_adopt.html",
        {"form": form, "version": version, "problems": problems},
    )


@coordinator_required
def version_decision_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """An adopted version is read-only, but a wrongly recorded decision can be corrected,
    with a reason that the history shows."""
    version = queries.version_for(request.user, pk)
    if version.is_editable:
        messages.error(
            request,
            _("A draft has no decision to correct. Its decision is recorded when it is adopted."),
        )
        return _overview(version)
    if request.method == "POST":
        with transaction.atomic():
            row = row_locked(version)
            form = DecisionCorrectionForm(request.POST, instance=row)
            if form.is_valid() and form.is_current():
                decision = {name: form.cleaned_data[name] for name in PlanVersion.DECISION_FIELDS}
                try:
                    row.correct_decision(
                        user=request.user, reason=form.cleaned_data["reason"], **decision
                    )
                except ValidationError as error:  # the form checked the fields already
                    form.add_error(None, error.messages)
                else:
                    messages.success(
                        request,
                        _(
                            "The decision was corrected. The version's history shows the correction."
                        ),
                    )
                    return _overview(version)
    else:
        form = DecisionCorrectionForm(instance=version)
    return render(
        request, "plans/version_decision_correct.html", {"form": form, "version": version}
    )


@coordinator_required
def version_copy(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    form = CopyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        new = services.plan_version_copy(version=version, label=form.cleaned_data["label"])
        messages.success(
            request,
            _("A new draft “%(label)s” was made from “%(old)s”.")
            % {"label": new.label, "old": version.label},
        )
        return _overview(new)
    return render(request, "plans/version_copy.html", {"form": form, "version": version})


@coordinator_required
def version_delete(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.version_for(request.user, pk)
    if locked := _refuse_if_locked(request, version):
        return locked
    if request.method == "POST":
        with transaction.atomic():
            row = row_locked(version)
            if locked := _refuse_if_locked(request, row):
                return locked
            form = VersionForm(instance=row)
            if form.is_unchanged_since(request.POST.get(REVISION_FIELD)):
                services.plan_version_delete(version=row)
                messages.success(request, _("The draft was deleted."))
                return redirect("plans:home")
    else:
        form = VersionForm(instance=version)
    return render(
        request,
        "plans/confirm_delete.html",
        {
            "version": version,
            "object": version,
            "form": form,
            "cancel_url": reverse("plans:version_overview", args=[pk]),
        },
    )


# Goals, indicators and activities ----------------------------------------------------------

ITEM_FORMS = {Goal: GoalForm, Indicator: IndicatorForm, Activity: ActivityForm}
ITEM_TITLES = {
    Goal: (gettext_lazy("New goal"), gettext_lazy("Edit goal")),
    Indicator: (gettext_lazy("New indicator"), gettext_lazy("Edit indicator")),
    Activity: (gettext_lazy("New activity"), gettext_lazy("Edit activity")),
}


def _back_to(item) -> HttpResponse:
    """The plan by goal, scrolled to the item just written or moved."""
    page = reverse("plans:version_by_goal", args=[item.version_id])
    return redirect(f"{page}#{type(item).__name__.lower()}-{item.pk}")


def _item(request: HttpRequest, model: type[Model], pk: int):
    item = get_object_or_404(
        model.objects.select_related("version__plan"),
        pk=pk,
        version__plan__municipality_id=request.user.municipality_id,
    )
    return item, item.version


def _item_form(request: HttpRequest, version: PlanVersion, model, item=None) -> HttpResponse:
    if locked := _refuse_if_locked(request, version):
        return locked
    initial = {}
    if item is None and model is not Goal and request.GET.get("goal"):
        initial["goal"] = request.GET["goal"]
    if item is None and model is Goal and request.GET.get("parent"):
        initial["parent"] = request.GET["parent"]
    form_class = ITEM_FORMS[model]
    if request.method == "POST":
        with transaction.atomic():
            # An edit is checked against, and written to, the row as it is now.
            row = row_locked(item) if item else None
            form = form_class(request.POST, instance=row, version=version, initial=initial)
            if form.is_valid() and form.is_current():
                saved = _item_save(form, model)
                messages.success(request, _("“%(item)s” was saved.") % {"item": saved})
                return _back_to(saved)
    else:
        form = form_class(instance=item, version=version, initial=initial)
    return render(
        request,
        "plans/item_form.html",
        {"form": form, "version": version, "item": item, "title": ITEM_TITLES[model][bool(item)]},
    )


def _item_save(form, model):
    saved = form.save(commit=False)
    if saved.pk is None:
        saved.position = services.next_position(services.siblings(saved))
    saved.save()
    form.save_m2m()
    if model is Activity:
        services.activity_set_responsibilities(
            activity=saved,
            lead=form.cleaned_data["lead"],
            co_actors=list(form.cleaned_data["co_actors"]),
        )
    return saved


def _item_delete(request: HttpRequest, model, pk: int) -> HttpResponse:
    item, version = _item(request, model, pk)
    if locked := _refuse_if_locked(request, version):
        return locked
    if request.method == "POST":
        with transaction.atomic():
            row = row_locked(item)
            form = ITEM_FORMS[model](instance=row, version=version)
            if form.is_unchanged_since(request.POST.get(REVISION_FIELD)):
                row.delete()
                messages.success(request, _("“%(item)s” was deleted.") % {"item": item})
                return redirect("plans:version_by_goal", pk=version.pk)
    else:
        form = ITEM_FORMS[model](instance=item, version=version)
    consequences = []
    if model is Goal:
        consequences = Goal.objects.filter(pk=pk).aggregate(
            children=Count("children", distinct=True),
            indicators=Count("indicators", distinct=True),
            activities=Count("activities", distinct=True),
        )
    return render(
        request,
        "plans/confirm_delete.html",
        {
            "version": version,
            "object": item,
            "form": form,
            "consequences": consequences,
            "cancel_url": reverse("plans:version_by_goal", args=[version.pk]),
        },
    )


def _item_move(request: HttpRequest, model, pk: int) -> HttpResponse:
    item, version = _item(request, model, pk)
    if locked := _refuse_if_locked(request, version):
        return locked
    form = MoveForm(request.POST)
    if form.is_valid():
        services.item_move(item=item, offset=form.offset)
    else:
        messages.error(request, MoveForm.refused)
    return _back_to(item)


@coordinator_required
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_form(request, queries.version_for(request.user, pk), Goal)


@coordinator_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item, version = _item(request, Goal, pk)
    return _item_form(request, version, Goal, item)


@coordinator_required
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_delete(request, Goal, pk)


@require_POST
@coordinator_required
def goal_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_move(request, Goal, pk)


@coordinator_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_form(request, queries.version_for(request.user, pk), Indicator)


@coordinator_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item, version = _item(request, Indicator, pk)
    return _item_form(request, version, Indicator, item)


@coordinator_required
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_delete(request, Indicator, pk)


@require_POST
@coordinator_required
def indicator_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_move(request, Indicator, pk)


@coordinator_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_form(request, queries.version_for(request.user, pk), Activity)


@coordinator_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item, version = _item(request, Activity, pk)
    return _item_form(request, version, Activity, item)


@coordinator_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_delete(request, Activity, pk)


@require_POST
@coordinator_required
def activity_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_move(request, Activity, pk)


# Vocabularies ------------------------------------------------------------------------------


@require_safe
@member_required
def term_list(request: HttpRequest) -> HttpResponse:
    municipality_id = request.user.municipality_id
    vocabularies = [
        (label, list(queries.terms_for(municipality_id, kind))) for kind, label in Term.Kind.choices
    ]
    return render(
        request,
        "plans/term_list.html",
        {"vocabularies": vocabularies, "can_write": can_write_plans(request.user)},
    )


@coordinator_required
def term_create(request: HttpRequest) -> HttpResponse:
    form = TermForm(
        request.POST if request.method == "POST" else None, municipality=request.user.municipality
    )
    if request.method == "POST" and form.is_valid():
        term = form.save()
        messages.success(request, _("“%(term)s” was added.") % {"term": term.label})
        return redirect("plans:term_list")
    return render(request, "plans/term_form.html", {"form": form})
