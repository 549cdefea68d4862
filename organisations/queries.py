"""Reusable reads about organisations."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from .models import Actor, Municipality, User


@dataclass
class ActorNode:
    actor: Actor
    depth: int


def actor_tree(municipality: Municipality) -> list[ActorNode]:
    """All actors of a municipality in tree order (parents before their children), one query."""
    actors = list(Actor.objects.filter(municipality=municipality).order_by("name"))
    children: dict[int | None, list[Actor]] = {}
    for actor in actors:
        children.setdefault(actor.parent_id, []).append(actor)
    result: list[ActorNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for actor in children.get(parent_id, []):
            result.append(ActorNode(actor, depth))
            walk(actor.pk, depth + 1)

    walk(None, 0)
    return result


def manageable_users(municipality: Municipality) -> QuerySet[User]:
    """The accounts a municipality's administrator manages. Not the Django admin's staff and
    superusers: changing their e-mail address and sending a set-password link would hand
    their wider powers to whoever reads that address."""
    return User.objects.filter(municipality=municipality, is_staff=False, is_superuser=False)


def users_of(municipality: Municipality) -> QuerySet[User]:
    """The municipality's accounts with the actors they report for: two queries."""
    return (
        manageable_users(municipality)
        .prefetch_related(Prefetch("actors", queryset=Actor.objects.order_by("name")))
        .order_by("-is_active", "last_name", "first_name", "username")
    )


def actors_left_without_reporter(user: User) -> list[Actor]:
    """The actors `user` reports for that no other active reporter answers for: deactivating
    `user` leaves nobody to answer their follow-ups or receive their reminders."""
    if user.role != User.Role.REPORTER:
        return []
    others = User.objects.filter(role=User.Role.REPORTER, is_active=True).exclude(pk=user.pk)
    # Not user.actors.exclude(…): the exclusion would reuse the manager's join to `user`.
    mine = Actor.objects.filter(reporters=user)
    return list(
        Actor.objects.filter(pk__in=mine.values("pk"))
        .exclude(reporters__in=others)
        .order_by("name")
    )
