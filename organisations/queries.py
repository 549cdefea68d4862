"""Reusable reads about organisations."""

from dataclasses import dataclass

from .models import Actor, Municipality


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
