"""Who may do what: every role check in the project is decided here.

Views use the decorators and `can_*` functions; templates use the same functions as filters
(`{% load permissions %}{% if user|can_manage_users %}`), so a page never decides by comparing
role names itself."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import User

Role = User.Role


def has_role(user, *roles: str) -> bool:
    return bool(user.is_authenticated and user.municipality_id and user.role in roles)


def can_write_plans(user) -> bool:
    return has_role(user, Role.COORDINATOR)


def can_manage_actors(user) -> bool:
    return has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR)


def can_read_drafts(user) -> bool:
    """Drafts are work in progress: only those who write or administer plans see them."""
    return has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR)


def can_read_audit_trail(user) -> bool:
    """A version's trail and the event log include a version's time as a draft, which readers
    and reporters do not see: they are for those who answer for the plans and the system."""
    return has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR)


def can_answer_followups(user) -> bool:
    """Reporters answer questionnaires (which ones: `can_answer`)."""
    return has_role(user, Role.REPORTER)


def can_manage_users(user) -> bool:
    """Administrators manage the accounts of their own municipality, and only those."""
    return has_role(user, Role.ADMINISTRATOR)


def role_required(*roles: str) -> Callable:
    """View decorator: the signed-in user must have one of the roles, in a municipality."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


coordinator_required = role_required(Role.COORDINATOR)
actor_manager_required = role_required(Role.COORDINATOR, Role.ADMINISTRATOR)
auditor_required = role_required(Role.COORDINATOR, Role.ADMINISTRATOR)
reporter_required = role_required(Role.REPORTER)
user_manager_required = role_required(Role.ADMINISTRATOR)
member_required = role_required(*Role.values)


def can_review_followup(user) -> bool:
    """Coordinators open rounds, read every answer, return and approve questionnaires."""
    return has_role(user, Role.COORDINATOR)


def can_answer(user, questionnaire) -> bool:
    """A reporter answers for the actors it reports for, and nothing else."""
    return can_answer_followups(user) and user.actors.filter(pk=questionnaire.actor_id).exists()
