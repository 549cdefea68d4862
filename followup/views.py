"""Pages of the yearly follow-up: opening a round, answering, reviewing, the dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import RadioSelect
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from handlingskraft.confirmations import ConfirmationForm
from handlingskraft.revisions import (
    REVISION_FIELD,
    canonical,
    digest,
    digests_decode,
    digests_encode,
    row_locked,
)
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
from .answers import answers_read
from .forms import (
    DeadlineForm,
    QuestionnaireForms,
    QuestionRemoveForm,
    ReopenForm,
    ReturnForm,
    RoundEditForm,
    RoundForm,
    RoundQuestionForm,
    form_data,
)
from .mail import reminder_email_send


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
        request.POST if request.method == "POST" else None,
        version=version,
        initial={"year": timezone.localdate().year - 1},
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
        {
            "round": round_,
            "version": round_.version,
            "dashboard": queries.dashboard(round_),
            "history": queries.round_history(round_),
        },
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


@coordinator_required
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Closing asks first, saying who has answered and who has not."""
    round_ = queries.round_for(request.user, pk)
    if not round_.is_open:
        messages.info(request, _("The round is already closed."))
        return redirect("followup:round_dashboard", pk=round_.pk)
    board = queries.dashboard(round_)
    form = ConfirmationForm(request.POST or None, facts=["close", board.answer_facts])
    if form.is_confirmed():
        with transaction.atomic():
            row = row_locked(round_)
            if row.is_open:
                row.close()
        messages.success(request, _("The round is closed. Every answer is now read-only."))
        return redirect("followup:round_dashboard", pk=round_.pk)
    return render(
        request,
        "followup/round_close.html",
        {"round": round_, "version": round_.version, "dashboard": board, "form": form},
    )


@coordinator_required
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopening asks first, for a new deadline if the old one has passed."""
    round_ = queries.round_for(request.user, pk)
    if round_.is_open:
        messages.info(request, _("The round is already open."))
        return redirect("followup:round_dashboard", pk=round_.pk)
    today = timezone.localdate()
    form = ReopenForm(request.POST or None, round_=round_, today=today)
    if form.is_confirmed() and form.is_valid():
        try:
            deadline = form.cleaned_data["deadline"]
            services.round_reopen(round_=round_, deadline=deadline, today=today)
        except ValidationError as error:  # reopened, or the deadline refused, meanwhile
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "The round is open again until %(date)s. Actors who have not submitted "
                    "can answer again."
                )
                % {"date": date_format(deadline)},
            )
        return redirect("followup:round_dashboard", pk=round_.pk)
    return render(
        request,
        "followup/round_reopen.html",
        {
            "round": round_,
            "version": round_.version,
            "dashboard": queries.dashboard(round_),
            "published": round_.published_reports.defer("content", "disclosure").order_by(
                "-number"
            ),
            "form": form,
        },
    )


@coordinator_required
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Send reminders now, after saying who gets one and who cannot be reached."""
    round_ = queries.round_for(request.user, pk)
    if not round_.is_open:
        messages.error(request, _("The round is closed: no reminders are sent."))
        return redirect("followup:round_dashboard", pk=round_.pk)
    today = timezone.localdate()
    targets = queries.reminder_targets(queries.dashboard(round_, today), today)
    facts = [
        "remind",
        [(t.row.questionnaire.pk, [u.email for u in t.recipients], t.sent_today) for t in targets],
    ]
    form = ConfirmationForm(request.POST or None, facts=facts)
    if form.is_confirmed():
        try:
            tried = services.reminders_send_now(
                round_=round_, user=request.user, today=today, send=reminder_email_send
            )
        except ValidationError as error:  # closed meanwhile
            messages.error(request, " ".join(error.messages))
        else:
            failed = [reminder for reminder in tried if reminder.problem]
            messages.success(
                request,
                _("%(count)s reminders were sent.") % {"count": len(tried) - len(failed)},
            )
            if failed:
                messages.warning(
                    request,
                    _("%(count)s could not be sent; the list below says why.")
                    % {"count": len(failed)},
                )
        return redirect("followup:round_dashboard", pk=round_.pk)
    return render(
        request,
        "followup/round_remind.html",
        {
            "round": round_,
            "version": round_.version,
            "form": form,
            "reached": [t for t in targets if t.recipients and not t.sent_today],
            "sent_today": [t for t in targets if t.sent_today],
            "unreached": [t for t in targets if not t.recipients and not t.sent_today],
        },
    )


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
    the question changed meanwhile, and the form returned shows it as it reads now, or it has
    answers (`answer_count`) and the page asks first whether they should go with it."""
    chosen = QuestionRemoveForm(request.POST, round_=round_)
    if not chosen.is_valid():  # not a number: no page of ours sends that
        messages.error(
            request, _("The question to remove could not be read. Reload the page and try again.")
        )
        return None
    question = chosen.cleaned_data["delete"]
    if question is None:
        messages.info(request, _("The question was already removed."))
        return None
    with transaction.atomic():
        removal = RoundQuestionForm(instance=row_locked(question))
        if not removal.is_unchanged_since(request.POST.get(REVISION_FIELD)):
            return removal
        # The answers go with the question: removed only once the page has said how many.
        removal.answer_count = question.answers.count()
        if removal.answer_count and request.POST.get("answers") != str(removal.answer_count):
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
    return levels, groups


# The page saves in the background (static/js/questionnaire.js), marked by the header
# HX-Request: a session that ended meanwhile is answered with 401 and a message
# (handlingskraft.middleware.SignInRequiredMiddleware), so the page keeps what was typed.
@member_required
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = queries.questionnaire_for(request.user, pk)
    may_answer = can_answer(request.user, questionnaire)
    may_review = can_review_followup(request.user)
    if not (may_answer or may_review):
        raise PermissionDenied
    editable = may_answer and questionnaire.is_editable
    background = request.headers.get("HX-Request") == "true"
    page = QuestionnairePage(request, questionnaire, may_review=may_review, editable=editable)
    if request.method != "POST":
        return page.render()
    if not editable:
        if background:
            return JsonResponse({"state": "locked", "message": _locked_message()}, status=409)
        messages.error(request, _locked_message())
        return redirect("followup:questionnaire", pk=pk)
    return page.save(background=background)


def _locked_message() -> str:
    return _(
        "Not saved: the questionnaire has been submitted or locked and can no longer be "
        "changed. Your answers are still on this page; copy what you need and reload it."
    )


class QuestionnairePage:
    """The questionnaire page: drawn from the stored answers, and saved field by field from
    what the page sends (followup.services.questionnaire_save)."""

    def __init__(self, request, questionnaire, *, may_review: bool, editable: bool):
        self.request = request
        self.questionnaire = questionnaire
        self.may_review = may_review
        self.editable = editable
        self.content = queries.questionnaire_content(questionnaire, with_others=may_review)
        self.values = answers_read(self.content)
        self.levels, self.groups = _term_choices(request.user.municipality_id)

    def forms(self, data=None) -> QuestionnaireForms:
        return QuestionnaireForms(
            self.content,
            self.values,
            data,
            levels=self.levels,
            groups=self.groups,
            editable=self.editable,
        )

    def render(self, forms=None, **context) -> HttpResponse:
        questionnaire = context.pop("saved", None) or self.questionnaire
        forms = forms or self.forms()
        return render(
            self.request,
            "followup/questionnaire.html",
            {
                "questionnaire": questionnaire,
                "content": self.content,
                "forms": forms,
                "editable": self.editable,
                "may_review": self.may_review,
                "base": digests_encode({f.html_name: v for f, v in self.values.items()}),
                "return_form": ReturnForm(),
                "autosave_strings": _autosave_strings(),
                **context,
            },
        )

    def save(self, *, background: bool) -> HttpResponse:
        post = self.request.POST
        fields = {field.html_name: field for field in self.values}
        base = digests_decode(post.get("base", ""), names=fields)
        if base is None:
            base = {}  # a page we cannot read: whatever differs is for the person to choose
        if "changed" in post:
            names = [name for name in post["changed"].split(",") if name in fields]
        else:
            names = list(base) or list(fields)
        forms = self.forms(form_data(self.values, post, names))
        forms.is_valid()
        posted = [fields[name] for name in names]
        errors = {field: messages for field, messages in forms.errors().items() if field in posted}
        submit = post.get("action") == "submit" and not background
        missing = forms.missing() if submit and not errors else []
        try:
            result = services.questionnaire_save(
                questionnaire=self.questionnaire,
                user=self.request.user,
                changes=forms.cleaned(posted),
                base={fields[name]: value for name, value in base.items()},
                submit=submit and not errors and not missing,
            )
        except ValidationError:
            if background:
                return JsonResponse({"state": "locked", "message": _locked_message()}, status=409)
            messages.error(self.request, _locked_message())
            return redirect("followup:questionnaire", pk=self.questionnaire.pk)
        self.values = result.values
        if background:
            return JsonResponse(self._answer(forms, result, posted, errors, base))
        if not (errors or result.conflicts or missing):
            if result.questionnaire.status == result.questionnaire.Status.SUBMITTED:
                text = _("Thank you! The questionnaire is submitted to the coordinator.")
            else:
                text = _("Your answers are saved as a draft.")
            messages.success(self.request, text)
            return redirect("followup:questionnaire", pk=self.questionnaire.pk)
        # Shown again: what is stored now, with the person's own input where it was refused or
        # where someone else changed the same field; saving again then writes what they see.
        keep = [field.html_name for field in [*errors, *result.conflicts]]
        mine = forms.cleaned(result.conflicts)
        forms = self.forms(form_data(self.values, post, keep))
        forms.is_valid()
        who = result.previous_by or _("someone else")
        for field, theirs in result.conflicts.items():
            forms.form_of(field).add_error(
                field.name,
                _("%(who)s saved: “%(theirs)s”. Your answer is still in the field.")
                % {"who": who, "theirs": forms.display(field, theirs) or "–"},
            )
        return self.render(
            forms,
            saved=result.questionnaire,
            errors=[_problem(forms, field, message) for field, m in errors.items() for message in m],
            conflicts=[
                _conflict(forms, field, theirs, mine=mine.get(field))
                for field, theirs in result.conflicts.items()
            ],
            missing=missing,
            problems_saved=bool(result.written),
            conflict_by=who,
        )

    def _answer(self, forms, result, posted, errors, base) -> dict:
        """The answer to a background save, for static/js/questionnaire.js."""
        saved = result.questionnaire
        mine = forms.cleaned(posted)
        settled = [f for f in posted if f not in errors and f not in result.conflicts]
        # Fields whose stored value the page does not show: changed by someone else, or sent
        # unchanged from an older page (kept by the save as the other person left it).
        updates = {
            field.html_name: {
                "values": forms.input_values(field, value),
                "digest": digest(value),
            }
            for field, value in result.values.items()
            if (field in settled and canonical(value) != canonical(mine.get(field)))
            or (
                field not in posted
                and field.html_name in base
                and base[field.html_name] != digest(value)
            )
        }
        return {
            "state": "problems" if errors or result.conflicts else "saved",
            "saved_at": timezone.localtime(saved.changed_at).strftime("%H:%M")
            if saved.changed_at
            else "",
            "saved_by": str(saved.changed_by or ""),
            "saved_text": _saved_text(saved),
            "conflict_by": str(result.previous_by or _("someone else")),
            "written": len(result.written),
            "base": {field.html_name: digest(result.values[field]) for field in settled},
            "updates": updates,
            "errors": [
                _problem(forms, field, message) for field, m in errors.items() for message in m
            ],
            "conflicts": [
                _conflict(forms, field, theirs, mine=mine.get(field))
                for field, theirs in result.conflicts.items()
            ],
        }


def _saved_text(questionnaire) -> str:
    """"Last saved" as the page's facts say it."""
    if not questionnaire.changed_at:
        return ""
    when = date_format(timezone.localtime(questionnaire.changed_at), "SHORT_DATETIME_FORMAT")
    return f"{when}, {questionnaire.changed_by}" if questionnaire.changed_by else when


def _autosave_strings() -> dict[str, str]:
    """What static/js/questionnaire.js says, in the page's language. {time}, {who}, {count},
    {seconds}, {item} and {label} are filled in by the script."""
    return {
        "saving": _("Saving…"),
        "saved": _("Saved at {time}."),
        "updated": _("Saved at {time}. Answers {who} saved meanwhile are now shown."),
        "restored": _(
            "Answers that had not been saved when the page was last open have been filled in "
            "again and are being saved."
        ),
        "offline": _(
            "Not saved: no contact with the server. Your answers are kept in this browser and "
            "sent again automatically in {seconds} seconds."
        ),
        "server": _(
            "Not saved: the server could not save just now. Your answers are kept in this "
            "browser and sent again automatically in {seconds} seconds."
        ),
        "forbidden": _(
            "Not saved: you may no longer change this questionnaire. Your answers are still on "
            "this page; reload it, or ask the coordinator."
        ),
        "signed_out": _(
            "Not saved: you have been signed out. Everything you have written is still on this "
            "page: do not close it or reload it."
        ),
        "sign_in": _("Sign in again (opens in a new tab)"),
        "sign_in_after": _("Then come back to this page: what you have written is saved when you return."),
        "invalid_one": _("Not saved: one answer needs correcting."),
        "invalid_many": _("Not saved: {count} answers need correcting."),
        "conflict_one": _("Not saved: {who} has also changed one of your answers. Choose which answer applies."),
        "conflict_many": _("Not saved: {who} has also changed {count} of your answers. Choose which answers apply."),
        "conflict_at_field": _("{who} saved: “{theirs}”. Yours: “{mine}”."),
        "keep_mine": _("Keep my answer"),
        "take_theirs": _("Use the saved answer"),
        "unsent": _("Not yet saved:"),
        "retry": _("Try again now"),
        "field": _("{item} – {label}"),
        "empty": _("(empty)"),
    }


def _problem(forms, field, message: str) -> dict:
    bound = forms.bound_field(field)
    return {
        "name": field.html_name,
        "id": field_anchor(bound),
        "item": str(forms.form_of(field).item),
        "label": str(bound.label),
        "message": str(message),
    }


def _conflict(forms, field, theirs, *, mine) -> dict:
    return _problem(forms, field, "") | {
        "theirs": forms.display(field, theirs),
        "theirs_values": forms.input_values(field, theirs),
        "theirs_digest": digest(theirs),
        "mine": forms.display(field, mine),
    }


def field_anchor(bound) -> str:
    """The id of the element a link to the field should lead to: the field, or the first
    choice of a group of radio buttons or checkboxes."""
    if isinstance(bound.field.widget, RadioSelect):  # checkbox groups are radio selects too
        return f"{bound.auto_id}_0"
    return bound.auto_id


@require_POST
@coordinator_required
def questionnaire_return(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = queries.questionnaire_for(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        # The questionnaire again, with the comment and what is wrong with it at the field.
        editable = can_answer(request.user, questionnaire) and questionnaire.is_editable
        page = QuestionnairePage(request, questionnaire, may_review=True, editable=editable)
        return page.render(return_form=form)
    try:
        questionnaire.send_back(request.user, form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The questionnaire was returned to %(actor)s.") % {"actor": questionnaire.actor},
        )
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
