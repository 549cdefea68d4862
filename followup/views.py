"""Pages of the yearly follow-up: opening a round, answering, reviewing, the dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from handlingskraft.revisions import REVISION_FIELD, row_locked
from organisations.permissions import (
    can_answer,
    can_review_followup,
    can_write_plans,
    coordinator_required,
    member_required,
    reporter_required,
)
from plans.models import Term
from plans.queries import terms_for, version_for
from records.services import audit_event_record

from . import exports, queries, services
from .forms import (
    DeadlineForm,
    QuestionnaireForms,
    ReturnForm,
    RoundEditForm,
    RoundForm,
    RoundQuestionForm,
)


@require_safe
@member_required
def version_rounds(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for(request.user, pk)
    rounds = list(version.rounds.all())
    summary = queries.round_summary(rounds)
    return render(
        request,
        "followup/version_rounds.html",
        {
            "version": version,
            "rounds": [(round_, summary.get(round_.pk, {})) for round_ in rounds],
            "can_open": can_write_plans(request.user) and version.status == "adopted",
            "can_review": can_review_followup(request.user),
        },
    )


@coordinator_required
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_for(request.user, pk)
    if version.status != version.Status.ADOPTED:
        messages.error(request, _("Only an adopted plan can be followed up."))
        return redirect("followup:version_rounds", pk=version.pk)
    form = RoundForm(
        request.POST or None, version=version, initial={"year": timezone.localdate().year - 1}
    )
    if request.method == "POST" and form.is_valid():
        round_ = services.round_open(version=version, **form.cleaned_data)
        messages.success(
            request,
            _("The follow-up is open: %(count)s questionnaires were created.")
            % {"count": round_.questionnaires.count()},
        )
        return redirect("followup:round_dashboard", pk=round_.pk)
    return render(request, "followup/round_form.html", {"form": form, "version": version})


@require_safe
@coordinator_required
def round_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = queries.round_for(request.user, pk)
    return render(
        request,
        "followup/round_dashboard.html",
        {"round": round_, "version": round_.version, "dashboard": queries.dashboard(round_)},
    )


@require_safe
@coordinator_required
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = queries.round_for(request.user, pk)
    response = exports.dashboard_xlsx_response(queries.dashboard(round_))
    audit_event_record(
        user=request.user,
        action="export",
        description=f"{round_.version}, {round_.year}",
        details={"format": "xlsx", "round": round_.pk},
    )
    return response


@require_POST
@coordinator_required
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = queries.round_for(request.user, pk)
    if round_.is_open:
        round_.close()
        messages.success(request, _("The round is closed. Every answer is now read-only."))
    return redirect("followup:round_dashboard", pk=round_.pk)


@coordinator_required
def round_questions(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = queries.round_for(request.user, pk)
    adding = request.method == "POST" and "delete" not in request.POST
    form = RoundQuestionForm(request.POST if adding else None)
    removal = None
    if request.method == "POST" and round_.is_open:
        if "delete" in request.POST:
            removal = _question_remove(request, round_)
            if removal is None:
                return redirect("followup:round_questions", pk=round_.pk)
        else:
            form.instance.round = round_
            form.instance.position = round_.questions.count()
            if form.is_valid():
                form.save()
                messages.success(request, _("The question was added to every questionnaire."))
                return redirect("followup:round_questions", pk=round_.pk)
    questions = queries.questions_with_answers(round_)
    return render(
        request,
        "followup/round_questions.html",
        {
            "round": round_,
            "version": round_.version,
            "form": form,
            "removal": removal,
            # Each question's removal carries the revision it was shown at.
            "questions": [(q, RoundQuestionForm(instance=q, auto_id=False)) for q in questions],
        },
    )


def _question_remove(request: HttpRequest, round_) -> RoundQuestionForm | None:
    """Remove the posted question as it was shown. None when done (or already gone); else
    the question changed meanwhile, and the form returned shows it as it reads now."""
    chosen = request.POST["delete"]
    question = round_.questions.filter(pk=chosen).first() if chosen.isdigit() else None
    if question is None:
        messages.info(request, _("The question was already removed."))
        return None
    with transaction.atomic():
        removal = RoundQuestionForm(instance=row_locked(question))
        if not removal.is_unchanged_since(request.POST.get(REVISION_FIELD)):
            return removal
        removal.instance.delete()
    messages.success(request, _("The question was removed."))
    return None


@require_safe
@reporter_required
def my_questionnaires(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "followup/my_questionnaires.html",
        {
            "questionnaires": queries.questionnaires_of_reporter(request.user),
            "today": timezone.localdate(),
        },
    )


def _term_choices(municipality_id: int):
    terms = list(terms_for(municipality_id, Term.Kind.PREVENTION_LEVEL)) + list(
        terms_for(municipality_id, Term.Kind.TARGET_GROUP)
    )
    levels = [(str(t.pk), t.label) for t in terms if t.kind == Term.Kind.PREVENTION_LEVEL]
    groups = [(str(t.pk), t.label) for t in terms if t.kind == Term.Kind.TARGET_GROUP]
    return levels, groups, {t.pk: str(t.label) for t in terms}


# The page autosaves in the background: a session that ended meanwhile is answered with 401 and
# a message (handlingskraft.middleware.SignInRequiredMiddleware), so the page keeps what was typed.
@member_required
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = queries.questionnaire_for(request.user, pk)
    may_answer = can_answer(request.user, questionnaire)
    may_review = can_review_followup(request.user)
    if not (may_answer or may_review):
        raise PermissionDenied
    content = queries.questionnaire_content(questionnaire, with_others=may_review)
    levels, groups, term_labels = _term_choices(request.user.municipality_id)
    editable = may_answer and questionnaire.is_editable
    posted = request.method == "POST" and editable
    forms = QuestionnaireForms(
        content, request.POST if posted else None, levels=levels, groups=groups, editable=editable
    )
    context = {
        "questionnaire": questionnaire,
        "content": content,
        "forms": forms,
        "editable": editable,
        "may_review": may_review,
        "revision": questionnaire.revision,
        "return_form": ReturnForm(),
        "is_htmx": request.headers.get("HX-Request") == "true",
    }
    if request.method == "POST" and not editable:
        messages.error(request, _("This questionnaire is locked and can no longer be changed."))
        return redirect("followup:questionnaire", pk=pk)
    if posted:
        response = _save(request, questionnaire, forms, context, term_labels, context["is_htmx"])
        if response:
            return response
    template = (
        "followup/questionnaire_status.html"
        if context["is_htmx"]
        else "followup/questionnaire.html"
    )
    return render(request, template, context)


def _save(request, questionnaire, forms, context, term_labels, autosave: bool):
    """Save or submit the page. Returns a response when done; None to show the page again."""
    submit = request.POST.get("action") == "submit" and not autosave
    base_revision = int(request.POST.get("revision") or -1)
    if not forms.is_valid():
        context["errors"] = forms.error_list()
        return None
    if submit and (missing := forms.missing()):
        context["missing"] = missing
        return None
    try:
        saved = services.questionnaire_save(
            questionnaire=questionnaire,
            user=request.user,
            base_revision=base_revision,
            answers=forms.answers(),
            submit=submit,
        )
    except services.SaveConflict as conflict:
        fresh = queries.questionnaire_content(conflict.questionnaire)
        context["conflict"] = conflict.questionnaire
        context["differences"] = queries.answer_differences(fresh, forms.answers(), term_labels)
        if not autosave:
            # Saving again from the full page is a deliberate choice made after seeing what
            # changed; an autosave keeps failing until the person chooses.
            context["revision"] = conflict.questionnaire.revision
        return None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("followup:questionnaire", pk=questionnaire.pk)
    if autosave:
        context["saved"] = saved
        context["revision"] = saved.revision
        return None
    if submit:
        messages.success(
            request, _("Thank you! The questionnaire is submitted to the coordinator.")
        )
    else:
        messages.success(request, _("Your answers are saved as a draft."))
    return redirect("followup:questionnaire", pk=questionnaire.pk)


@require_POST
@coordinator_required
def questionnaire_return(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = queries.questionnaire_for(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            questionnaire.send_back(request.user, form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The questionnaire was returned to %(actor)s.") % {"actor": questionnaire.actor},
            )
    else:
        messages.error(request, _("Write a comment that says what should be completed."))
    return redirect("followup:questionnaire", pk=pk)


@require_POST
@coordinator_required
def questionnaire_approve(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = queries.questionnaire_for(request.user, pk)
    try:
        questionnaire.approve(request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The questionnaire from %(actor)s is approved.") % {"actor": questionnaire.actor},
        )
    return redirect("followup:round_dashboard", pk=questionnaire.round_id)


@coordinator_required
def questionnaire_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = queries.questionnaire_for(request.user, pk)
    if request.method == "POST":
        with transaction.atomic():
            row = row_locked(questionnaire)
            form = DeadlineForm(request.POST, questionnaire=row)
            if form.is_valid() and form.is_current():
                try:
                    services.questionnaire_extend_deadline(
                        questionnaire=row, deadline=form.cleaned_data["deadline"]
                    )
                except ValidationError as error:
                    form.add_error("deadline", error)
                else:
                    messages.success(
                        request,
                        _("%(actor)s now has until %(date)s.")
                        % {"actor": questionnaire.actor, "date": row.deadline},
                    )
                    return redirect("followup:round_dashboard", pk=questionnaire.round_id)
    else:
        form = DeadlineForm(questionnaire=questionnaire)
    return render(
        request,
        "followup/questionnaire_deadline.html",
        {"questionnaire": questionnaire, "form": form, "version": questionnaire.round.version},
    )


# Correcting an open round and its questions ------------------------------------------------


@coordinator_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = queries.round_for(request.user, pk)
    if not round_.is_open:
        messages.error(request, _("A closed round can no longer be changed."))
        return redirect("followup:round_dashboard", pk=round_.pk)
    if request.method == "POST":
        with transaction.atomic():
            row = row_locked(round_)
            form = RoundEditForm(request.POST, instance=row)
            if form.is_valid() and form.is_current():
                try:
                    services.round_update(round_=row, **form.cleaned_data)
                except ValidationError as error:  # closed meanwhile
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, _("The follow-up round was saved."))
                return redirect("followup:round_dashboard", pk=round_.pk)
    else:
        form = RoundEditForm(instance=round_)
    return render(
        request,
        "followup/round_edit.html",
        {"round": round_, "version": round_.version, "form": form},
    )


@coordinator_required
def round_question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = queries.question_for(request.user, pk)
    round_ = question.round
    if refused := _refuse_question_change(request, question):
        return refused
    if request.method == "POST":
        with transaction.atomic():
            row = row_locked(question)
            if refused := _refuse_question_change(request, row):
                return refused
            form = RoundQuestionForm(request.POST, instance=row)
            if form.is_valid() and form.is_current():
                form.save()
                messages.success(request, _("The question was saved."))
                return redirect("followup:round_questions", pk=round_.pk)
    else:
        form = RoundQuestionForm(instance=question)
    return render(
        request,
        "followup/round_question_form.html",
        {"round": round_, "version": round_.version, "question": question, "form": form},
    )


def _refuse_question_change(request: HttpRequest, question) -> HttpResponse | None:
    """A question is changed only in an open round and before anyone has answered it: an
    answer must keep meaning what the reporter answered."""
    if not question.round.is_open:
        message = _("A closed round can no longer be changed.")
    elif question.answers.exists():
        message = _(
            "Someone has already answered the question, so it can no longer be changed. "
            "Remove it and add a new one instead."
        )
    else:
        return None
    messages.error(request, message)
    return redirect("followup:round_questions", pk=question.round_id)
