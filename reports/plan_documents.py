"""The plan's documents, generated from the plan data instead of kept by hand in Word: the full
plan, the one-page activity list, the short version, and one actor's extract (what a board
must bring into its own operational plan). Each is a Document (reports.document) and renders to
PDF and Word like the follow-up report. Each costs a fixed number of queries."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisations.models import Actor
from organisations.queries import actor_tree
from plans.models import Activity, Indicator, PlanVersion
from plans.queries import GoalNode, PlanTree, duties_by_actor, plan_tree
from stats.models import StatisticAssignment

from .document import Document, Entries, Entry, Items, Paragraph, Section, Table, display
from .models import PlanTextSection

KINDS = ("plan", "short", "activities")


def _base(version: PlanVersion, kind: str, title: str, subtitle: str, **kw) -> Document:
    facts = [[_("Version"), version.label], [_("Status"), str(version.get_status_display())]]
    if version.valid_from:
        facts.append([_("Valid"), f"{version.valid_from}–{version.valid_to or ''}"])
    if version.decided_by:
        facts.append([_("Adopted by"), version.decided_by])
    if version.decision_date:
        facts.append([_("Decision date"), version.decision_date.isoformat()])
    if version.decision_paragraph:
        facts.append([_("Paragraph (§)"), version.decision_paragraph])
    if version.diary_number:
        facts.append([_("Diary number (Dnr)"), version.diary_number])
    return Document(
        kind=kind,
        title=title,
        subtitle=subtitle,
        language=get_language() or "sv",
        facts=facts,
        author=version.plan.municipality.name,
        draft_mark=_("Draft") if version.is_editable else "",
        **kw,
    )


def _value(value, unit: str) -> str:
    if value is None:
        return ""
    number = int(value) if value == int(value) else float(value)
    text = display(number, get_language() or "sv")
    return f"{text} %" if unit == Indicator.Unit.SHARE else text


def _baseline(indicator: Indicator) -> str:
    value = _value(indicator.baseline_value, indicator.unit)
    return f"{value} ({indicator.baseline_year})" if value and indicator.baseline_year else value


def _target(indicator: Indicator) -> str:
    value = _value(indicator.target_value, indicator.unit)
    return f"{value} ({indicator.target_year})" if value and indicator.target_year else value


def _terms(terms) -> str:
    return ", ".join(str(term.label) for term in terms)


def _co_actors(activity: Activity) -> str:
    return ", ".join(actor.name for actor in activity.co_actors)


def _lead(activity: Activity) -> str:
    return activity.lead.name if activity.lead else ""


def _text_sections(version: PlanVersion) -> list[Section]:
    return [
        Section(
            key=f"text-{section.pk}",
            title=section.title,
            level=1,
            blocks=[Paragraph(part) for part in section.paragraphs],
        )
        for section in PlanTextSection.objects.filter(version=version)
    ]


def _indicator_table(node: GoalNode) -> Table:
    return Table(
        key=f"indicators-{node.goal.code}",
        caption=_("Indicators of goal %(code)s") % {"code": node.goal.code},
        headers=[
            _("Indicator"),
            _("Unit"),
            _("Desired direction"),
            _("Baseline"),
            _("Target"),
            _("Data source"),
            _("Reported by"),
        ],
        rows=[
            [
                f"{i.code} {i.title}",
                str(i.get_unit_display()),
                str(i.get_direction_display()),
                _baseline(i),
                _target(i),
                str(i.get_source_display()) + (f" ({i.kolada_kpi})" if i.kolada_kpi else ""),
                ", ".join(actor.name for actor in i.reported_by.all()),
            ]
            for i in node.indicators
        ],
        sheet=_("Indicators %(code)s") % {"code": node.goal.code},
    )


def _activity_entry(activity: Activity) -> Entry:
    fields = [
        [_("Intended outcome"), activity.intended_outcome],
        [_("Description"), activity.description],
        [_("Timeframe"), activity.timeframe],
        [_("Lead"), _lead(activity)],
        [_("Co-responsible"), _co_actors(activity)],
        [_("Activity type"), str(activity.activity_type.label) if activity.activity_type else ""],
        [_("Prevention levels"), _terms(activity.prevention_levels.all())],
        [_("Violence areas"), _terms(activity.violence_areas.all())],
        [_("Target groups"), _terms(activity.target_groups.all())],
    ]
    return Entry(title=f"{activity.code} {activity.title}", fields=[f for f in fields if f[1]])


def _goal_sections(tree: PlanTree) -> list[Section]:
    sections = []
    for node in tree.nodes():
        blocks: list = []
        if node.goal.description:
            blocks.append(Paragraph(node.goal.description))
        if node.goal.condition_list:
            blocks.append(
                Items(
                    items=node.goal.condition_list,
                    intro=_("To get there, the following must be in place:"),
                )
            )
        if node.indicators:
            blocks.append(_indicator_table(node))
        if node.activities:
            blocks.append(Entries([_activity_entry(a) for a in node.activities]))
        sections.append(
            Section(
                key=f"goal-{node.goal.code}",
                title=f"{node.goal.code} {node.goal.title}",
                level=min(node.depth + 2, 5),
                blocks=blocks,
            )
        )
    return sections


def _duty_rows(leads: list[Activity], takes_part_in: list[Activity]) -> list[list[str]]:
    rows = [[a.code, a.title, _("Lead"), a.timeframe, _co_actors(a)] for a in leads]
    rows += [[a.code, a.title, _("Co-responsible"), a.timeframe, _lead(a)] for a in takes_part_in]
    return sorted(rows, key=lambda row: [int(p) if p.isdigit() else p for p in row[0].split(".")])


def _actor_sections(version: PlanVersion, tree: PlanTree) -> list[Section]:
    sections = [
        Section(
            key="actors",
            title=_("Who does what"),
            level=1,
            blocks=[
                Paragraph(
                    _(
                        "Each actor's part of the plan: the activities it leads or takes part in, and the indicators it reports."
                    )
                ),
            ],
        )
    ]
    for duties in duties_by_actor(version, tree):
        if not duties.has_duties:
            continue
        blocks: list = []
        if duties.leads or duties.takes_part_in:
            blocks.append(
                Table(
                    key=f"actor-{duties.actor.pk}",
                    caption=_("Activities of %(actor)s") % {"actor": duties.actor.name},
                    headers=[
                        _("No."),
                        _("Activity"),
                        _("Role"),
                        _("Timeframe"),
                        _("Together with"),
                    ],
                    rows=_duty_rows(duties.leads, duties.takes_part_in),
                    sheet=duties.actor.short_name or duties.actor.name,
                )
            )
        if duties.reports:
            blocks.append(
                Items(
                    items=[f"{i.code} {i.title}" for i in duties.reports],
                    intro=_("Reports the indicators:"),
                )
            )
        sections.append(
            Section(
                key=f"actor-{duties.actor.pk}",
                title=duties.actor.name,
                level=2,
                blocks=blocks,
            )
        )
    return sections


def _decision_trail(version: PlanVersion) -> Section:
    versions = [
        v
        for v in version.plan.versions.order_by("created_at", "pk")
        if v.pk == version.pk
        or (v.created_at <= version.created_at and v.status != PlanVersion.Status.DRAFT)
    ]
    table = Table(
        key="decisions",
        caption=_("The plan's versions and decisions"),
        headers=[
            _("Version"),
            _("Status"),
            _("Adopted by"),
            _("Decision date"),
            _("Paragraph (§)"),
            _("Diary number (Dnr)"),
            _("Valid"),
        ],
        rows=[
            [
                v.label,
                str(v.get_status_display()),
                v.decided_by,
                v.decision_date.isoformat() if v.decision_date else "",
                v.decision_paragraph,
                v.diary_number,
                f"{v.valid_from}–{v.valid_to or ''}" if v.valid_from else "",
            ]
            for v in versions
        ],
        sheet=_("Decisions"),
    )
    entries = [
        Entry(
            title=_("Version %(label)s") % {"label": v.label},
            fields=[
                f
                for f in [
                    [_("What changed"), v.change_summary],
                    [_("Decision sent to"), ", ".join(v.distribution_list)],
                ]
                if f[1]
            ],
        )
        for v in versions
        if v.change_summary or v.distribution_list
    ]
    blocks: list = [table]
    if entries:
        blocks.append(Entries(entries))
    return Section(key="decisions", title=_("Decision trail"), level=1, blocks=blocks)


def plan_full(version: PlanVersion) -> Document:
    tree = plan_tree(version)
    document = _base(
        version,
        "plan",
        version.plan.title,
        _("Action plan, version %(label)s") % {"label": version.label},
    )
    document.sections = [
        *_text_sections(version),
        Section(
            key="goals",
            title=_("Goals, indicators and activities"),
            level=1,
            blocks=[
                Paragraph(
                    _(
                        "Each goal lists what must be in place to reach it, how it is measured "
                        "and the activities that take the work there, with who is responsible."
                    )
                )
            ],
        ),
        *_goal_sections(tree),
        *_actor_sections(version, tree),
        _decision_trail(version),
    ]
    return document


def activity_table(activities: list[Activity], *, key: str, caption: str) -> Table:
    return Table(
        key=key,
        caption=caption,
        headers=[_("No."), _("Activity"), _("Timeframe"), _("Lead"), _("Co-responsible")],
        rows=[[a.code, a.title, a.timeframe, _lead(a), _co_actors(a)] for a in activities],
        sheet=_("Activities"),
    )


def plan_activity_list(version: PlanVersion) -> Document:
    tree = plan_tree(version)
    document = _base(
        version,
        "activity_list",
        _("Activities: %(plan)s") % {"plan": version.plan.title},
        _("Version %(label)s") % {"label": version.label},
        landscape=True,
    )
    document.facts = document.facts[:3]
    document.sections = [
        Section(
            key="activities",
            title=_("All activities, goal by goal"),
            level=1,
            blocks=[
                activity_table(
                    tree.activities(),
                    key="activities",
                    caption=_("Activities with timeframe and responsible actors"),
                )
            ],
        )
    ]
    return document


def plan_short(version: PlanVersion) -> Document:
    tree = plan_tree(version)
    document = _base(
        version,
        "short_plan",
        version.plan.title,
        _("Short version of the action plan, version %(label)s") % {"label": version.label},
    )
    sections = []
    for root in tree.roots:
        nodes = list(root.walk())
        blocks: list = []
        if root.goal.description:
            blocks.append(Paragraph(root.goal.description))
        subgoals = [f"{n.goal.code} {n.goal.title}" for n in nodes[1:]]
        if subgoals:
            blocks.append(Items(items=subgoals, intro=_("Goals under this goal:")))
        indicators = [i for n in nodes for i in n.indicators]
        if indicators:
            blocks.append(
                Items(
                    items=[
                        f"{i.code} {i.title}"
                        + (f" – {_('target')} {_target(i)}" if i.target_value is not None else "")
                        for i in indicators
                    ],
                    intro=_("How we measure it:"),
                )
            )
        activities = [a for n in nodes for a in n.activities]
        if activities:
            blocks.append(
                activity_table(
                    activities,
                    key=f"activities-{root.goal.code}",
                    caption=_("What we do for goal %(code)s") % {"code": root.goal.code},
                )
            )
        sections.append(
            Section(
                key=f"goal-{root.goal.code}",
                title=f"{root.goal.code} {root.goal.title}",
                level=1,
                blocks=blocks,
            )
        )
    document.sections = sections
    return document


def plan_document(version: PlanVersion, kind: str) -> Document:
    return {"plan": plan_full, "short": plan_short, "activities": plan_activity_list}[kind](version)


def actor_extract(version: PlanVersion, actor: Actor) -> Document:
    """What an actor, with the administrations and units under it, must bring into its own
    operational plan: the activities it leads or takes part in, the indicators and the
    statistics it reports."""
    tree = plan_tree(version)
    nodes = actor_tree(version.plan.municipality)
    inside, depth = [], None
    for node in nodes:  # the actor and everything under it, in tree order
        if node.actor.pk == actor.pk:
            depth = node.depth
            inside.append(node.actor.pk)
        elif depth is not None and node.depth > depth:
            inside.append(node.actor.pk)
        elif depth is not None:
            break
    statistics: dict[int, list[str]] = {}
    for assignment in StatisticAssignment.objects.filter(
        version=version, actor_id__in=inside
    ).select_related("statistic"):
        statistics.setdefault(assignment.actor_id, []).append(str(assignment.statistic.label))
    document = _base(
        version,
        "actor_extract",
        _("%(actor)s in %(plan)s") % {"actor": actor.name, "plan": version.plan.title},
        _("What %(actor)s is responsible for under the action plan, version %(label)s")
        % {"actor": actor.name, "label": version.label},
    )
    sections = [
        Section(
            key="about",
            title=_("About this extract"),
            level=1,
            blocks=[
                Paragraph(
                    _(
                        "These are the parts of the plan that %(actor)s answers for. Bring them "
                        "into the operational plan and follow them up every year: the yearly "
                        "follow-up asks about each of them."
                    )
                    % {"actor": actor.name}
                )
            ],
        )
    ]
    duties = {d.actor.pk: d for d in duties_by_actor(version, tree)}
    for actor_id in inside:
        entry = duties[actor_id]
        blocks: list = []
        if entry.leads:
            blocks.append(
                Table(
                    key=f"leads-{actor_id}",
                    caption=_("Activities %(actor)s leads") % {"actor": entry.actor.name},
                    headers=[
                        _("No."),
                        _("Activity"),
                        _("Intended outcome"),
                        _("Timeframe"),
                        _("Together with"),
                    ],
                    rows=[
                        [a.code, a.title, a.intended_outcome, a.timeframe, _co_actors(a)]
                        for a in entry.leads
                    ],
                )
            )
        if entry.takes_part_in:
            blocks.append(
                Table(
                    key=f"takes-part-{actor_id}",
                    caption=_("Activities %(actor)s takes part in") % {"actor": entry.actor.name},
                    headers=[_("No."), _("Activity"), _("Timeframe"), _("Lead")],
                    rows=[[a.code, a.title, a.timeframe, _lead(a)] for a in entry.takes_part_in],
                )
            )
        if entry.reports:
            blocks.append(
                Table(
                    key=f"indicators-{actor_id}",
                    caption=_("Indicators %(actor)s reports") % {"actor": entry.actor.name},
                    headers=[_("Indicator"), _("Baseline"), _("Target")],
                    rows=[[f"{i.code} {i.title}", _baseline(i), _target(i)] for i in entry.reports],
                )
            )
        if statistics.get(actor_id):
            blocks.append(
                Items(items=statistics[actor_id], intro=_("Statistics reported every year:"))
            )
        if not blocks and actor_id != actor.pk:
            continue
        if not blocks:
            blocks.append(
                Paragraph(
                    _("%(actor)s has no responsibilities in this version of the plan.")
                    % {"actor": entry.actor.name}
                )
            )
        sections.append(
            Section(key=f"actor-{actor_id}", title=entry.actor.name, level=1, blocks=blocks)
        )
    document.sections = sections
    return document
