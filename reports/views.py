"""Pages and downloads of the follow-up report and the plan documents.

The coordinator's working view of a round shows exact figures; everything that leaves it — a
download, a published report — has small counts hidden. Published reports are read by
everyone in the municipality."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from followup.queries import dashboard, round_for
from handlingskraft.confirmations import ConfirmationForm
from handlingskraft.revisions import REVISION_FIELD, row_locked
from organisations.permissions import (
    can_review_followup,
    can_write_plans,
    coordinator_required,
    member_required,
)
from plans.forms import MoveForm
from plans.queries import page_cache, version_for
from records.models import AuditEvent
from records.services import audit_event_record

from . import formats, queries, services
from .content import report_build, report_for_export
from .document import Document
from .formats import FORMATS, PLAN_FORMATS, content_type
from .forms import ActorExtractForm, TextSectionForm
from .plan_documents import KINDS, actor_extract, plan_document
from .render_html import render_body

audit = logging.getLogger("handlingskraft.audit")


def _log(request: HttpRequest, action: str, obj, *, fmt: str = "", concerns=None) -> None:
    """Exports and publications are logged: who, what, which object; and they go to the
    municipality's event log, where the audit trail's readers look for them."""
    audit.info("%s %s %s by user %s", action, obj._meta.label_lower, obj.pk, request.user.pk)
    audit_event_record(
        user=request.user,
        action=AuditEvent.Action.PUBLISH if action == "publish" else AuditEvent.Action.EXPORT,
        description=str(concerns or obj),
        details={"format": fmt} if fmt else {},
    )


def _file(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type(fmt))
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


def _download(document: Document, fmt: str, name: str) -> HttpResponse:
    return _file(formats.render(document, fmt), fmt, name)


def _report_name(round_, number: int | None = None) -> str:
    parts = [
        slugify(round_.version.plan.title)[:60] or "plan",
        slugify(_("follow-up")),
        str(round_.year),
    ]
    if number:
        parts.append(str(number))
    return "-".join(parts)


# The follow-up report -------------------------------------------------------------------------


@require_safe
@coordinator_required
def round_report(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_for(request.user, pk)
    # Building and drawing a big report takes a second; kept until anything in it changes.
    key = f"reports:round:{round_.pk}:{translation.get_language()}:{queries.report_stamp(round_)}"
    body = cache.get(key)
    if body is None:
        body = render_body(report_build(round_))
        cache.set(key, body, 24 * 3600)
    return render(
        request,
        "reports/round_report.html",
        {
            "round": round_,
            "version": round_.version,
            "body": body,
            "published": round_.published_reports.defer("content").order_by("-number"),
        },
    )


@require_safe
@coordinator_required
def round_report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    round_ = round_for(request.user, pk)
    with translation.override(settings.LANGUAGE_CODE):
        document = report_for_export(report_build(round_))
        document.subtitle = _("Not published: working version of %(date)s") % {
            "date": timezone.localdate().isoformat()
        }
        response = _download(document, fmt, _report_name(round_))
    _log(request, f"export-{fmt}", round_, fmt=fmt)
    return response


@coordinator_required
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing asks first, saying who has answered. The page carries the state the report
    is built from; the same confirmation sent twice shows the report it already published."""
    round_ = round_for(request.user, pk)
    posted = request.POST.get(REVISION_FIELD, "") if request.method == "POST" else ""
    if posted:
        try:
            report, created = services.report_publish_confirmed(
                round_=round_, user=request.user, stamp=posted
            )
        except services.PublicationStale:
            pass  # asked again, with the report as it reads now
        else:
            if created:
                _log(request, "publish", report, concerns=report.round)
                messages.success(
                    request,
                    _("Report %(number)s is published. Everyone in the municipality can read it.")
                    % {"number": report.number},
                )
            else:
                messages.info(
                    request,
                    _(
                        "Report %(number)s was already published from this page; no new "
                        "report was made."
                    )
                    % {"number": report.number},
                )
            return redirect("reports:published_report", pk=report.pk)
    stamp = queries.publication_stamp(round_)
    form = ConfirmationForm(request.POST or None, token=stamp)
    published = list(round_.published_reports.defer("content", "disclosure").order_by("-number"))
    return render(
        request,
        "reports/round_publish.html",
        {
            "round": round_,
            "version": round_.version,
            "dashboard": dashboard(round_),
            "form": form,
            "published": published,
            # The answers as they stand now were published already: nothing new to publish.
            "same": next((r for r in published if r.source_stamp == stamp), None),
        },
    )


@require_safe
@member_required
def plan_reports(request: HttpRequest, pk: int) -> HttpResponse:
    plan, reports = queries.plan_reports(request.user, pk)
    return render(
        request,
        "reports/plan_reports.html",
        {
            "plan": plan,
            "reports": reports,
            "rounds": queries.rounds_of_plan(plan) if can_review_followup(request.user) else [],
        },
    )


@require_safe
@member_required
def published_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = queries.published_report_for(request.user, pk)
    document = queries.published_document(report)
    return render(
        request,
        "reports/published_report.html",
        {
            "report": report,
            "body": render_body(document),
            "others": queries.published_reports_for(request.user)
            .filter(round_id=report.round_id)
            .exclude(pk=report.pk)
            .defer("content")
            .order_by("-number"),
            "can_review": can_review_followup(request.user),
        },
    )


@require_safe
@member_required
def published_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    report = queries.published_report_for(request.user, pk)
    content = services.published_file(report=report, fmt=fmt)
    response = _file(content, fmt, _report_name(report.round, report.number))
    _log(request, f"download-{fmt}", report, fmt=fmt, concerns=report.round)
    return response


# Plan documents -----------------------------------------------------------------------------


@require_safe
@member_required
def version_documents(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for(request.user, pk)
    form = ActorExtractForm(municipality=request.user.municipality)
    return _documents_page(request, version, form)


def _documents_page(request: HttpRequest, version, actor_form: ActorExtractForm) -> HttpResponse:
    return render(
        request,
        "reports/version_documents.html",
        {
            "version": version,
            "sections": queries.text_sections_of(version),
            "can_write": can_write_plans(request.user) and version.is_editable,
            "actor_form": actor_form,
            "documents": [
                ("plan", _("The full plan"), PLAN_FORMATS),
                ("short", _("Short version"), PLAN_FORMATS),
                ("activities", _("Activity list on one page"), PLAN_FORMATS),
            ],
        },
    )


def _plan_name(version, kind: str) -> str:
    return "-".join(
        p for p in (slugify(version.plan.title)[:60], slugify(version.label), kind) if p
    )


@require_safe
@member_required
def plan_document_download(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    if kind not in KINDS or fmt not in PLAN_FORMATS:
        raise Http404
    version = version_for(request.user, pk)
    with translation.override(settings.LANGUAGE_CODE):
        # A frozen version's documents are drawn once per worker (a big plan's PDF takes
        # seconds); a draft's every time (page_cache keeps nothing for drafts).
        kept = page_cache(version, kind, fmt, version.plan.title, version.plan.municipality.name)
        key = f"reports:plan_document:{kept.key}"
        content = cache.get(key)
        if content is None:
            content = formats.render(plan_document(version, kind), fmt)
            cache.set(key, content, kept.seconds)
        response = _file(content, fmt, _plan_name(version, kind))
    _log(request, f"plan-{kind}-{fmt}", version, fmt=fmt)
    return response


@require_safe
@member_required
def actor_extract_download(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for(request.user, pk)
    form = ActorExtractForm(request.GET, municipality=request.user.municipality)
    if not form.is_valid():
        # The documents page again, with what is missing at the extract's fields.
        return _documents_page(request, version, form)
    actor, fmt = form.cleaned_data["actor"], form.cleaned_data["format"]
    with translation.override(settings.LANGUAGE_CODE):
        document = actor_extract(version, actor)
        response = _download(document, fmt, _plan_name(version, slugify(actor.name)))
    _log(request, f"plan-extract-{fmt}", version, fmt=fmt)
    return response


# The plan documents' introductory texts ------------------------------------------------------


def _editable_version(request: HttpRequest, pk: int):
    version = version_for(request.user, pk)
    if not version.is_editable:
        messages.error(request, _("Only a draft's texts can be changed."))
        return version, redirect("reports:version_documents", pk=version.pk)
    return version, None


def _text_form(request: HttpRequest, version, section=None) -> HttpResponse:
    if request.method == "POST":
        with transaction.atomic():
            # An edit is checked against, and written to, the text as it is now.
            row = row_locked(section) if section else None
            form = TextSectionForm(request.POST, instance=row)
            if form.is_valid() and form.is_current():
                services.text_section_save(
                    version=version,
                    section=row,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
                messages.success(request, _("The text was saved."))
                return redirect("reports:version_documents", pk=version.pk)
    else:
        form = TextSectionForm(instance=section)
    return render(
        request,
        "reports/text_section_form.html",
        {"form": form, "version": version, "section": section},
    )


@coordinator_required
def text_section_create(request: HttpRequest, pk: int) -> HttpResponse:
    version, refused = _editable_version(request, pk)
    return refused or _text_form(request, version)


@coordinator_required
def text_section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = queries.text_section_for(request.user, pk)
    version, refused = _editable_version(request, section.version_id)
    return refused or _text_form(request, version, section)


@coordinator_required
def text_section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = queries.text_section_for(request.user, pk)
    version, refused = _editable_version(request, section.version_id)
    if refused:
        return refused
    if request.method == "POST":
        with transaction.atomic():
            row = row_locked(section)
            form = TextSectionForm(instance=row)
            if form.is_unchanged_since(request.POST.get(REVISION_FIELD)):
                services.text_section_delete(section=row)
                messages.success(request, _("“%(title)s” was deleted.") % {"title": row.title})
                return redirect("reports:version_documents", pk=version.pk)
    else:
        form = TextSectionForm(instance=section)
    return render(
        request,
        "reports/text_section_delete.html",
        {"section": section, "version": version, "form": form},
    )


@require_POST
@coordinator_required
def text_section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = queries.text_section_for(request.user, pk)
    version, refused = _editable_version(request, section.version_id)
    if refused:
        return refused
    form = MoveForm(request.POST)
    if form.is_valid():
        services.text_section_move(section=section, offset=form.offset)
    else:
        messages.error(request, MoveForm.refused)
    return redirect("reports:version_documents", pk=version.pk)


@require_POST
@coordinator_required
def text_sections_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    version, refused = _editable_version(request, pk)
    if refused:
        return refused
    try:
        services.text_sections_suggest(version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reports:version_documents", pk=version.pk)
