from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from handlingskraft.confirmations import ConfirmationForm
from handlingskraft.revisions import REVISION_FIELD, row_locked

from . import services
from .forms import ActorForm, UserForm
from .lockout import password_reset_allowed
from .models import Actor, User
from .permissions import (
    actor_manager_required,
    can_manage_actors,
    member_required,
    user_manager_required,
)
from .queries import actor_tree, actors_left_without_reporter, manageable_users, users_of


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
    municipality = request.user.municipality
    if request.method == "POST":
        with transaction.atomic():
            # An edit is checked against, and written to, the row as it is now.
            row = row_locked(actor) if actor else None
            form = ActorForm(request.POST, instance=row, municipality=municipality)
            if form.is_valid() and form.is_current():
                saved = form.save()
                messages.success(request, _("“%(name)s” was saved.") % {"name": saved.name})
                return redirect("organisations:actor_list")
    else:
        form = ActorForm(instance=actor, municipality=municipality)
    return render(request, "organisations/actor_form.html", {"form": form, "actor": actor})


@actor_manager_required
def actor_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_object_or_404(Actor, pk=pk, municipality=request.user.municipality)
    municipality = request.user.municipality
    if request.method == "POST":
        try:
            with transaction.atomic():
                row = row_locked(actor)
                form = ActorForm(instance=row, municipality=municipality)
                if form.is_unchanged_since(request.POST.get(REVISION_FIELD)):
                    row.delete()
                    messages.success(request, _("“%(name)s” was deleted.") % {"name": actor.name})
                    return redirect("organisations:actor_list")
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
    else:
        form = ActorForm(instance=actor, municipality=municipality)
    return render(
        request, "organisations/actor_confirm_delete.html", {"actor": actor, "form": form}
    )


@require_safe
@user_manager_required
def user_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "organisations/user_list.html", {"users": users_of(request.user.municipality)}
    )


def _own_user(request: HttpRequest, pk: int) -> User:
    """An account of the administrator's own municipality; any other is not found."""
    return get_object_or_404(manageable_users(request.user.municipality), pk=pk)


@user_manager_required
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    account = _own_user(request, pk) if pk else None
    context = {"municipality": request.user.municipality, "editor": request.user}
    if request.method == "POST":
        with transaction.atomic():
            # An edit is checked against, and written to, the account as it is now.
            row = row_locked(account) if account else None
            form = UserForm(request.POST, instance=row, **context)
            saved = _user_save(form) if form.is_valid() and form.is_current() else None
        if saved:
            messages.success(request, _("“%(name)s” was saved.") % {"name": saved})
            if account is None and form.cleaned_data.get("send_password_link"):
                _send_link(request, saved)
            return redirect("organisations:user_list")
    else:
        form = UserForm(instance=account, **context)
    return render(request, "organisations/user_form.html", {"form": form, "account": account})


def _user_save(form: UserForm) -> User:
    saved = form.save(commit=False)
    if saved.pk is None:
        saved.set_unusable_password()  # the person chooses one through the link
    saved.save()
    form.save_m2m()
    return saved


def _send_link(request: HttpRequest, account: User) -> None:
    try:
        services.user_send_password_link(user=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A link to choose a password was sent to %(email)s.") % {"email": account.email},
        )


@user_manager_required
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivating asks first, saying what the person loses and that it can be undone."""
    account = _own_user(request, pk)
    if not account.is_active:
        messages.info(request, _("“%(name)s” is already deactivated.") % {"name": account})
        return redirect("organisations:user_edit", pk=account.pk)
    if account.pk == request.user.pk:
        messages.error(
            request,
            _("You cannot deactivate your own account. Ask another administrator to do it."),
        )
        return redirect("organisations:user_edit", pk=account.pk)
    actors = list(account.actors.order_by("name")) if account.role == User.Role.REPORTER else []
    alone = actors_left_without_reporter(account)
    form = ConfirmationForm(
        request.POST or None,
        facts=["deactivate", account.is_active, account.role, actors, alone],
    )
    if form.is_confirmed():
        with transaction.atomic():
            try:
                services.user_set_active(user=row_locked(account), active=False, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("“%(name)s” is deactivated and can no longer sign in.") % {"name": account},
                )
        return redirect("organisations:user_edit", pk=account.pk)
    return render(
        request,
        "organisations/user_deactivate.html",
        {"account": account, "actors": actors, "alone": alone, "form": form},
    )


@require_POST
@user_manager_required
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account = _own_user(request, pk)
    services.user_set_active(user=account, active=True, by=request.user)
    messages.success(request, _("“%(name)s” can sign in again.") % {"name": account})
    return redirect("organisations:user_edit", pk=account.pk)


@require_POST
@user_manager_required
def user_send_password_link(request: HttpRequest, pk: int) -> HttpResponse:
    account = _own_user(request, pk)
    _send_link(request, account)
    return redirect("organisations:user_edit", pk=account.pk)


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a link to choose a new password: Django's page, which answers the same
    whether or not an account has the address, limited per address and per network
    (lockout.password_reset_allowed), with the e-mail in the service's words."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            minutes = settings.PASSWORD_RESET_LIMIT_MINUTES
            context = self.get_context_data(form=form, limited=True, minutes=minutes)
            return self.render_to_response(context, status=429)
        self.extra_email_context = {
            "site_url": settings.SITE_URL.rstrip("/"),
            "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        }
        return super().form_valid(form)


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
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "reviewed_on": ACCESSIBILITY_STATEMENT_REVIEWED,
        },
    )
