"""The follow-up report of a round, built once as plain data (see reports.document).

`report_build(round_)` reads everything it needs in a fixed number of queries, whatever the
size of the plan or the number of earlier rounds, and returns a Document with exact figures and
the cells disclosure control hides marked. `report_for_export` gives the copy that may leave the
coordinator's working view. Only answered questionnaires (submitted or approved) count.

Disclosure control covers every count of people the report publishes: the statistics and
their trends, the participants in the activities, indicator values of unit count and shares
pooled from small counts, with what would narrow a hidden value (its assessment, and the
counts and findings that quote assessments). It is computed together with the plan's earlier
publications (`report_build_with_ledger` gives what a new publication must keep for the next
one). Counts of activities and actors are about the plan's work, not about people, and are
shown as they are.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from followup.models import (
    ActivityAnswer,
    FollowUpRound,
    IndicatorAnswer,
    Participants,
    QuestionAnswer,
    Questionnaire,
    StatisticCount,
)
from organisations.queries import ActorNode, actor_tree
from plans.models import Activity, Term
from plans.queries import PlanTree, plan_tree, terms_for
from stats.models import Statistic

from .document import (
    Chart,
    Document,
    Entries,
    Entry,
    Figure,
    Findings,
    Items,
    Paragraph,
    Section,
    Series,
    Table,
    Value,
    disclosed,
)
from .indicators import (
    IMPROVED,
    NOT_ASSESSABLE,
    NOT_SHOWN,
    UNCHANGED,
    WORSENED,
    assess,
    hidden_indicator_values,
    indicator_number,
    indicator_section,
    indicator_values,
    shown_assessments,
)
from .models import PublishedReport
from .statistic_tables import participants_section, statistics_sections
from .wording import iso_date, names, percent, yes_no

ANSWERED = (Questionnaire.Status.SUBMITTED, Questionnaire.Status.APPROVED)
NOT_REPORTED = "not_reported"
STATUSES = [*ActivityAnswer.Status.values, NOT_REPORTED]
UNDER_WAY = (ActivityAnswer.Status.DONE, ActivityAnswer.Status.ONGOING)
STALLED = (ActivityAnswer.Status.NOT_STARTED, ActivityAnswer.Status.CANCELLED)


def disclosure_threshold() -> int:
    return getattr(settings, "DISCLOSURE_THRESHOLD", 5)


def suppression_footnote(threshold: int) -> str:
    return _(
        "– Not shown: fewer than %(threshold)s (but more than none), or a figure from which "
        "such a number could be worked out."
    ) % {"threshold": threshold}


def report_for_export(document: Document) -> Document:
    """The copy of a report that may be published or exported: small counts hidden, with a
    footnote in the report's own language."""
    with translation.override(document.language):
        footnote = suppression_footnote(document.threshold or 0)
    return disclosed(document, footnote=footnote)


# Reading the round -------------------------------------------------------------------------


@dataclass
class Source:
    round: FollowUpRound
    tree: PlanTree
    actors: list[ActorNode]
    questionnaires: list[Questionnaire]
    answers: list[ActivityAnswer]  # every answer of the round; `reported` filters
    levels: list[Term]
    areas: list[Term]
    groups: list[Term]
    rounds_by_year: dict[int, int]  # year -> round id, this round and earlier ones
    indicator_rows: list[tuple]  # (round id, indicator code, value, numerator, denominator)
    statistic_cells: dict[int, dict[int, dict[tuple[str, str], int]]]
    statistics: list[Statistic]
    questions: list
    question_answers: list[QuestionAnswer]
    participants: dict[int, dict[str, int]]  # activity id -> gender -> count, answered only
    releases: dict[str, list[dict]]  # table key -> the plan's earlier publications of it

    @property
    def year(self) -> int:
        return self.round.year

    def answered(self, questionnaire: Questionnaire) -> bool:
        return questionnaire.status in ANSWERED

    @cached_property
    def _activities(self) -> dict[int, Activity]:
        return {activity.pk: activity for activity in self.tree.activities()}

    def activity(self, pk: int) -> Activity:
        return self._activities[pk]

    def reported(self) -> list[ActivityAnswer]:
        return [a for a in self.answers if a.questionnaire.status in ANSWERED and a.status]


def _load(round_: FollowUpRound) -> Source:
    round_ = FollowUpRound.objects.select_related("version__plan__municipality").get(pk=round_.pk)
    version = round_.version
    municipality = version.plan.municipality
    rounds = FollowUpRound.objects.filter(
        version__plan_id=version.plan_id, year__lte=round_.year
    ).order_by("year", "created_at")
    rounds_by_year = {r.year: r.pk for r in rounds} | {round_.year: round_.pk}
    round_ids = list(rounds_by_year.values())
    answered_in = {"questionnaire__round_id__in": round_ids, "questionnaire__status__in": ANSWERED}

    cells: dict = defaultdict(lambda: defaultdict(dict))
    counts = (
        StatisticCount.objects.filter(**answered_in)
        .values("questionnaire__round_id", "statistic_id", "gender", "age_band")
        .annotate(total=Sum("count"))
        .order_by()
    )
    for row in counts:
        key = (row["gender"], row["age_band"])
        cells[row["questionnaire__round_id"]][row["statistic_id"]][key] = row["total"]
    counted = {statistic_id for by_statistic in cells.values() for statistic_id in by_statistic}
    statistics = list(
        Statistic.objects.filter(Q(pk__in=counted) | Q(assignments__version=version)).distinct()
    )
    statistics.sort(key=lambda s: (s.municipality_id is not None, s.position, str(s.label)))

    return Source(
        round=round_,
        tree=plan_tree(version),
        actors=actor_tree(municipality),
        questionnaires=list(round_.questionnaires.select_related("actor").order_by("actor__name")),
        answers=list(
            ActivityAnswer.objects.filter(questionnaire__round=round_)
            .select_related("questionnaire__actor")
            .prefetch_related("levels_reached", "groups_reached")
            .order_by("questionnaire__actor__name")
        ),
        levels=list(terms_for(municipality.pk, Term.Kind.PREVENTION_LEVEL)),
        areas=list(terms_for(municipality.pk, Term.Kind.VIOLENCE_AREA)),
        groups=list(terms_for(municipality.pk, Term.Kind.TARGET_GROUP)),
        rounds_by_year=rounds_by_year,
        indicator_rows=list(
            IndicatorAnswer.objects.filter(**answered_in).values_list(
                "questionnaire__round_id", "indicator__code", "value", "numerator", "denominator"
            )
        ),
        statistic_cells=cells,
        statistics=statistics,
        questions=list(round_.questions.all()),
        question_answers=list(
            QuestionAnswer.objects.filter(
                questionnaire__round=round_, questionnaire__status__in=ANSWERED
            )
            .select_related("questionnaire__actor")
            .order_by("questionnaire__actor__name")
        ),
        participants=_participants(round_),
        releases=_releases(round_ids),
    )


def _participants(round_: FollowUpRound) -> dict[int, dict[str, int]]:
    found: dict = defaultdict(dict)
    rows = (
        Participants.objects.filter(
            answer__questionnaire__round=round_, answer__questionnaire__status__in=ANSWERED
        )
        .values("answer__activity_id", "gender")
        .annotate(total=Sum("count"))
        .order_by()
    )
    for row in rows:
        found[row["answer__activity_id"]][row["gender"]] = row["total"]
    return found


def _releases(round_ids: list[int]) -> dict[str, list[dict]]:
    """Every table the plan's earlier reports published, oldest first: a reader may hold them
    all, so a new publication is audited together with them."""
    releases: dict = defaultdict(list)
    ledgers = (
        PublishedReport.objects.filter(round_id__in=round_ids)
        .order_by("published_at", "pk")
        .values_list("disclosure", flat=True)
    )
    for ledger in ledgers:
        for key, entry in (ledger or {}).items():
            releases[key].append(entry)
    return releases


# Small helpers ------------------------------------------------------------------------------


def _status_labels() -> dict[str, str]:
    labels = {value: str(label) for value, label in ActivityAnswer.Status.choices}
    return labels | {NOT_REPORTED: _("Not reported")}


def _code(term: Term, code: str) -> bool:
    return term.municipality_id is None and term.code == code


# The analysis, shared by the sections and the findings -------------------------------------


@dataclass
class Analysis:
    statuses: dict[int, str]  # activity id -> status
    levels_planned: Counter
    levels_reached: Counter
    groups_reached: dict[int, set[int]]
    answered: list[Questionnaire]
    late: list[Questionnaire]
    indicator_values: dict[tuple[int, str], Value]  # (year, code) -> value
    assessments: dict[int, str]  # indicator id -> assessment
    hidden_values: set[tuple[int, str]]  # (year, code) of the values publication hides
    hidden_indicators: set[int]  # ids of indicators whose value this year is hidden


def _analyse(source: Source) -> Analysis:
    activities = source.tree.activities()
    reported = defaultdict(list)
    for answer in source.reported():
        reported[answer.activity_id].append(answer)
    statuses = {}
    levels_reached: Counter = Counter()
    groups_reached: dict[int, set[int]] = {}
    for activity in activities:
        answers = reported.get(activity.pk, [])
        lead = activity.lead
        lead_answer = next(
            (a for a in answers if lead and a.questionnaire.actor_id == lead.pk), None
        )
        chosen = lead_answer or (answers[0] if answers else None)
        statuses[activity.pk] = chosen.status if chosen else NOT_REPORTED
        reached = {term.pk for a in answers for term in a.levels_reached.all()}
        for level in reached:
            levels_reached[level] += 1
        groups_reached[activity.pk] = {term.pk for a in answers for term in a.groups_reached.all()}
    levels_planned = Counter(
        term.pk for activity in activities for term in activity.prevention_levels.all()
    )
    answered = [q for q in source.questionnaires if source.answered(q)]
    late = [
        q
        for q in answered
        if q.submitted_at and timezone.localtime(q.submitted_at).date() > q.deadline
    ]
    values = indicator_values(
        tree=source.tree, rounds_by_year=source.rounds_by_year, rows=source.indicator_rows
    )
    hidden_values = hidden_indicator_values(
        tree=source.tree,
        rounds_by_year=source.rounds_by_year,
        rows=source.indicator_rows,
        threshold=disclosure_threshold(),
    )
    assessments = {}
    hidden_indicators = set()
    for node in source.tree.nodes():
        for indicator in node.indicators:
            if (source.year, indicator.code) in hidden_values:
                hidden_indicators.add(indicator.pk)
            value = values.get((source.year, indicator.code))
            assessments[indicator.pk] = assess(
                value,
                indicator_number(indicator.baseline_value, indicator.unit),
                indicator.direction,
            )
    return Analysis(
        statuses=statuses,
        levels_planned=levels_planned,
        levels_reached=levels_reached,
        groups_reached=groups_reached,
        answered=answered,
        late=late,
        indicator_values=values,
        assessments=assessments,
        hidden_values=hidden_values,
        hidden_indicators=hidden_indicators,
    )


# The report ---------------------------------------------------------------------------------


def report_build(round_: FollowUpRound) -> Document:
    return report_build_with_ledger(round_)[0]


def report_build_with_ledger(round_: FollowUpRound) -> tuple[Document, dict]:
    """The report, and the ledger a publication of it keeps: every protected table's exact
    grid and mask by key, which the next publication is audited against."""
    ledger: dict = {}
    source = _load(round_)
    analysis = _analyse(source)
    version = source.round.version
    threshold = disclosure_threshold()
    document = Document(
        kind="followup_report",
        title=_("Follow-up %(year)s of %(plan)s") % {"year": source.year, "plan": version.plan},
        subtitle=_("Working version, compiled %(date)s") % {"date": iso_date(timezone.localdate())},
        language=get_language() or settings.LANGUAGE_CODE,
        exact=True,
        threshold=threshold,
        notice=_(
            "Working version: contains exact figures, including counts that are hidden in "
            "exports and published reports. Do not publish or pass it on."
        ),
        author=version.plan.municipality.name,
    )
    document.facts = _facts(source, analysis)
    document.sections = [
        _summary(source, analysis),
        *_status_sections(source, analysis),
        _levels_section(source, analysis),
        _coverage_section(source, analysis),
        indicator_section(
            tree=source.tree,
            year=source.year,
            values=analysis.indicator_values,
            assessments=analysis.assessments,
            hidden=analysis.hidden_values,
        ),
        *statistics_sections(
            statistics=source.statistics,
            rounds_by_year=source.rounds_by_year,
            cells=source.statistic_cells,
            year=source.year,
            threshold=threshold,
            releases=source.releases,
            ledger=ledger,
        ),
        participants_section(
            activities=[(a.pk, f"{a.code} {a.title}") for a in source.tree.activities()],
            counts=source.participants,
            round_id=source.round.pk,
            year=source.year,
            threshold=threshold,
            releases=source.releases,
            ledger=ledger,
        ),
        _compliance_section(source, analysis),
        *_account_sections(source),
        _about_section(threshold),
    ]
    return document, ledger


def _facts(source: Source, analysis: Analysis) -> list[list[Value]]:
    total = len(source.questionnaires)
    answered = len(analysis.answered)
    return [
        [_("Plan"), source.round.version.plan.title],
        [_("Plan version"), source.round.version.label],
        [_("Year followed up"), source.year],
        [_("Deadline"), iso_date(source.round.deadline)],
        [
            _("Answers"),
            _("%(answered)s of %(total)s actors (%(rate)s %%)")
            % {"answered": answered, "total": total, "rate": percent(answered, total) or 0},
        ],
        [_("Activities in the plan"), len(analysis.statuses)],
    ]


def _findings(source: Source, analysis: Analysis) -> list[str]:
    findings = []
    total = len(source.questionnaires)
    answered = len(analysis.answered)
    findings.append(
        ngettext(
            "%(answered)s of %(total)s actor answered the follow-up (%(rate)s %%).",
            "%(answered)s of %(total)s actors answered the follow-up (%(rate)s %%).",
            total,
        )
        % {"answered": answered, "total": total, "rate": percent(answered, total) or 0}
    )
    missing = [q.actor.name for q in source.questionnaires if not source.answered(q)]
    if missing:
        findings.append(_("Not answered: %(actors)s.") % {"actors": names(missing)})

    count = Counter(analysis.statuses.values())
    activities = len(analysis.statuses)
    if activities:
        findings.append(
            _(
                "%(done)s of %(total)s activities are done and %(ongoing)s are ongoing; "
                "%(stalled)s have not started or were cancelled."
            )
            % {
                "done": count["done"],
                "ongoing": count["ongoing"],
                "total": activities,
                "stalled": count["not_started"] + count["cancelled"],
            }
        )
    if count[NOT_REPORTED]:
        findings.append(
            ngettext(
                "%(count)s activity has not been reported on.",
                "%(count)s activities have not been reported on.",
                count[NOT_REPORTED],
            )
            % {"count": count[NOT_REPORTED]}
        )
    findings += _level_findings(source, analysis)

    goals_without_progress = [
        node.goal.code
        for node in source.tree.nodes()
        if node.activities
        and not any(analysis.statuses[a.pk] in UNDER_WAY for a in node.activities)
        and any(analysis.statuses[a.pk] != NOT_REPORTED for a in node.activities)
    ]
    if goals_without_progress:
        findings.append(
            ngettext(
                "Under goal %(goals)s, no activity is done or ongoing.",
                "Under goals %(goals)s, no activity is done or ongoing.",
                len(goals_without_progress),
            )
            % {"goals": names(goals_without_progress)}
        )

    assessed = Counter(shown_assessments(analysis.assessments, analysis.hidden_indicators).values())
    if analysis.assessments:
        figures = {
            "total": len(analysis.assessments),
            "improved": assessed[IMPROVED],
            "unchanged": assessed[UNCHANGED],
            "worsened": assessed[WORSENED],
            "na": assessed[NOT_ASSESSABLE],
            "hidden": assessed[NOT_SHOWN],
        }
        if assessed[NOT_SHOWN]:
            findings.append(
                _(
                    "Of %(total)s indicators, %(improved)s improved, %(unchanged)s are "
                    "unchanged, %(worsened)s worsened and %(na)s could not be assessed against "
                    "their baseline; for %(hidden)s the value and assessment are not shown "
                    "because they rest on small counts."
                )
                % figures
            )
        else:
            findings.append(
                _(
                    "Of %(total)s indicators, %(improved)s improved, %(unchanged)s are "
                    "unchanged, %(worsened)s worsened and %(na)s could not be assessed against "
                    "their baseline."
                )
                % figures
            )
    uncovered = [str(area.label) for area in source.areas if not _area_activities(source, area)]
    if uncovered:
        findings.append(
            _("No activity in the plan addresses: %(areas)s.") % {"areas": names(uncovered)}
        )
    findings += _compliance_findings(analysis)
    return findings


def _level_findings(source: Source, analysis: Analysis) -> list[str]:
    reached_total = sum(analysis.levels_reached.values())
    if not reached_total:
        return [_("No actor reported which prevention levels the activities reached.")]
    shares = {
        code: sum(
            percent(analysis.levels_reached[level.pk], reached_total) or 0
            for level in source.levels
            if _code(level, code)
        )
        for code in ("universal", "selective", "indicated")
    }
    findings = [
        _(
            "Of the prevention levels the activities reached, %(indicated)s %% were indicated "
            "(people already exposed to violence), %(selective)s %% selective (risk groups) and "
            "%(universal)s %% universal (everyone)."
        )
        % shares
    ]
    if shares["indicated"] >= 60:
        findings.append(
            _(
                "The work is weighted towards people already exposed to violence: little reaches "
                "risk groups or everyone before violence has occurred."
            )
        )
    planned_total = sum(analysis.levels_planned.values())
    early = [level.pk for level in source.levels if not _code(level, "indicated")]
    planned_early = percent(sum(analysis.levels_planned[pk] for pk in early), planned_total)
    reached_early = percent(sum(analysis.levels_reached[pk] for pk in early), reached_total)
    if planned_early is not None and reached_early is not None and reached_early < planned_early:
        findings.append(
            _(
                "The plan aims %(planned)s %% of its prevention work at the universal or "
                "selective level, but only %(reached)s %% of what was reached was at those levels."
            )
            % {"planned": planned_early, "reached": reached_early}
        )
    return findings


def _compliance_findings(analysis: Analysis) -> list[str]:
    findings = []
    answered = analysis.answered
    if answered:
        followed = Counter(q.plan_followed_up for q in answered)
        findings.append(
            _(
                "%(yes)s of the %(answered)s actors that answered have followed the plan up in "
                "their own operational plan and annual report, %(partly)s partly and %(no)s not."
            )
            % {
                "yes": followed["yes"],
                "partly": followed["partly"],
                "no": followed["no"],
                "answered": len(answered),
            }
        )
    if analysis.late:
        findings.append(
            ngettext(
                "%(count)s actor answered after the deadline.",
                "%(count)s actors answered after the deadline.",
                len(analysis.late),
            )
            % {"count": len(analysis.late)}
        )
    return findings


def _summary(source: Source, analysis: Analysis) -> Section:
    labels = _status_labels()
    count = Counter(analysis.statuses.values())
    total = len(analysis.statuses)
    rows = [[labels[s], count[s], percent(count[s], total)] for s in STATUSES]
    table = Table(
        key="status",
        caption=_("Activities by status"),
        headers=[_("Status"), _("Activities"), _("Share (%)")],
        rows=[*rows, [_("Total"), total, 100 if total else None]],
        total_row=True,
        sheet=_("Status"),
    )
    chart = Chart(
        key="status",
        kind="bar",
        title=_("Activities by status"),
        description=_(
            "Bar chart of the number of activities in each status. The figures are in the "
            "table below the chart."
        ),
        categories=[row[0] for row in rows],
        series=[Series(_("Activities"), [row[1] for row in rows])],
        axis_label=_("Activities"),
    )
    return Section(
        key="summary",
        title=_("Summary"),
        level=1,
        blocks=[
            Findings(items=_findings(source, analysis), title=_("Key findings")),
            Figure(chart=chart, table=table),
        ],
    )


def _status_row(label: str, statuses: list[str]) -> list[Value]:
    """Counts per status, the total, and the share done or ongoing."""
    count = Counter(statuses)
    under_way = sum(count[s] for s in UNDER_WAY)
    return [label, *[count[s] for s in STATUSES], len(statuses), percent(under_way, len(statuses))]


def _status_sections(source: Source, analysis: Analysis) -> list[Section]:
    labels = _status_labels()
    headers = [labels[s] for s in STATUSES]
    goal_rows = [
        _status_row(
            f"{node.goal.code} {node.goal.title}",
            [analysis.statuses[a.pk] for a in node.activities],
        )
        for node in source.tree.nodes()
        if node.activities
    ]
    by_goal = Table(
        key="status_by_goal",
        caption=_("Activity status by goal"),
        headers=[_("Goal"), *headers, _("Total"), _("Done or ongoing (%)")],
        rows=[*goal_rows, _status_row(_("Total"), list(analysis.statuses.values()))],
        total_row=True,
        sheet=_("Status by goal"),
    )
    per_actor = defaultdict(list)
    for answer in source.answers:
        reported = source.answered(answer.questionnaire) and answer.status
        per_actor[answer.questionnaire.actor_id].append(answer.status if reported else NOT_REPORTED)
    actor_rows = [
        _status_row(node.actor.name, per_actor[node.actor.pk])
        for node in source.actors
        if per_actor.get(node.actor.pk)
    ]
    by_actor = Table(
        key="status_by_actor",
        caption=_("Status of each actor's activities"),
        headers=[_("Actor"), *headers, _("Total"), _("Done or ongoing (%)")],
        rows=[
            *actor_rows,
            _status_row(_("Total"), [s for statuses in per_actor.values() for s in statuses]),
        ],
        total_row=True,
        footnotes=[
            _(
                "An activity with several responsible actors is counted once for each of them, "
                "with the status each of them reported."
            )
        ],
        sheet=_("Status by actor"),
    )
    stalled = [
        [
            f"{source.activity(a.activity_id).code} {source.activity(a.activity_id).title}",
            a.questionnaire.actor.name,
            labels[a.status],
            a.obstacles or a.what_was_done,
            a.next_step,
        ]
        for a in sorted(source.reported(), key=_answer_order(source))
        if a.status in STALLED
    ]
    stalled_blocks = (
        [
            Table(
                key="stalled",
                caption=_("Activities not started or cancelled, with the actors' explanations"),
                headers=[
                    _("Activity"),
                    _("Actor"),
                    _("Status"),
                    _("What hindered the work"),
                    _("Next step"),
                ],
                rows=stalled,
                sheet=_("Not started"),
            )
        ]
        if stalled
        else [Paragraph(_("No activity is reported as not started or cancelled."))]
    )
    return [
        Section(
            key="status",
            title=_("Activity status"),
            level=1,
            blocks=[
                Paragraph(
                    _(
                        "An activity's status is the one its lead actor reported; where the lead "
                        "has not answered, the status a co-responsible actor reported. “Not "
                        "reported” means that no responsible actor has answered for it."
                    )
                ),
                by_goal,
                by_actor,
            ],
        ),
        Section(
            key="stalled",
            title=_("Activities not started or cancelled"),
            level=2,
            blocks=stalled_blocks,
        ),
    ]


def _answer_order(source: Source):
    """Answers in the plan's reading order, the lead actor's first."""
    activities = source.tree.activities()
    position = {a.pk: index for index, a in enumerate(activities)}
    leads = {a.pk: a.lead.pk if a.lead else None for a in activities}

    def key(answer: ActivityAnswer):
        return (
            position.get(answer.activity_id, len(position)),
            answer.questionnaire.actor_id != leads.get(answer.activity_id),
            answer.questionnaire.actor.name,
        )

    return key


def _levels_section(source: Source, analysis: Analysis) -> Section:
    planned_total = sum(analysis.levels_planned.values())
    reached_total = sum(analysis.levels_reached.values())
    rows = [
        [
            str(level.label),
            analysis.levels_planned[level.pk],
            percent(analysis.levels_planned[level.pk], planned_total),
            analysis.levels_reached[level.pk],
            percent(analysis.levels_reached[level.pk], reached_total),
        ]
        for level in source.levels
    ]
    table = Table(
        key="levels",
        caption=_("Prevention levels: planned and reached"),
        headers=[
            _("Prevention level"),
            _("Planned: activities"),
            _("Planned: share (%)"),
            _("Reached: activities"),
            _("Reached: share (%)"),
        ],
        rows=[
            *rows,
            [
                _("Total"),
                planned_total,
                100 if planned_total else None,
                reached_total,
                100 if reached_total else None,
            ],
        ],
        total_row=True,
        footnotes=[
            _(
                "Planned: the levels the plan gives each activity. Reached: the levels the "
                "responsible actors report that the activity reached this year. An activity can "
                "be at several levels; the shares are of all markings."
            )
        ],
        sheet=_("Prevention levels"),
    )
    chart = Chart(
        key="levels",
        kind="bar",
        title=_("Prevention levels: planned and reached (%)"),
        description=_(
            "Bar chart comparing, for each prevention level, the share of the plan's activities "
            "aimed at it with the share reported as reached. The figures are in the table "
            "below the chart."
        ),
        categories=[str(level.label) for level in source.levels],
        series=[
            Series(_("Planned"), [row[2] for row in rows]),
            Series(_("Reached"), [row[4] for row in rows]),
        ],
        axis_label=_("Share (%)"),
        percent=True,
    )
    return Section(
        key="levels",
        title=_("Prevention levels"),
        level=1,
        blocks=[
            Paragraph(
                _(
                    "Universal prevention reaches everyone, selective prevention reaches risk "
                    "groups, and indicated prevention reaches people already exposed to or "
                    "exercising violence."
                )
            ),
            Findings(items=_level_findings(source, analysis)),
            Figure(chart=chart, table=table),
        ],
    )


def _area_activities(source: Source, area: Term) -> list[Activity]:
    return [
        a for a in source.tree.activities() if any(t.pk == area.pk for t in a.violence_areas.all())
    ]


def _coverage_section(source: Source, analysis: Analysis) -> Section:
    area_rows, uncovered_areas = [], []
    for area in source.areas:
        activities = _area_activities(source, area)
        if not activities:
            uncovered_areas.append(str(area.label))
        under_way = sum(analysis.statuses[a.pk] in UNDER_WAY for a in activities)
        area_rows.append([str(area.label), len(activities), under_way])
    group_rows, uncovered_groups = [], []
    for group in source.groups:
        planned = [
            a
            for a in source.tree.activities()
            if any(t.pk == group.pk for t in a.target_groups.all())
        ]
        reached = sum(group.pk in ids for ids in analysis.groups_reached.values())
        if not planned:
            uncovered_groups.append(str(group.label))
        group_rows.append([str(group.label), len(planned), reached])
    blocks: list = [
        Table(
            key="areas",
            caption=_("Violence areas: activities in the plan"),
            headers=[_("Violence area"), _("Activities in the plan"), _("Done or ongoing")],
            rows=area_rows,
            sheet=_("Violence areas"),
        ),
        Paragraph(
            _("No activity in the plan addresses: %(areas)s.") % {"areas": names(uncovered_areas)}
            if uncovered_areas
            else _("Every violence area has at least one activity.")
        ),
        Table(
            key="groups",
            caption=_("Target groups: activities in the plan and reached this year"),
            headers=[_("Target group"), _("Activities in the plan"), _("Reached this year")],
            rows=group_rows,
            footnotes=[
                _("Reached this year: activities whose actors report that they reached the group.")
            ],
            sheet=_("Target groups"),
        ),
        Paragraph(
            _("No activity in the plan is aimed at: %(groups)s.")
            % {"groups": names(uncovered_groups)}
            if uncovered_groups
            else _("Every target group has at least one activity.")
        ),
    ]
    return Section(
        key="coverage", title=_("Violence areas and target groups"), level=1, blocks=blocks
    )


# Compliance and accounts --------------------------------------------------------------------


def _compliance_section(source: Source, analysis: Analysis) -> Section:
    followed_labels = dict(Questionnaire.PlanFollowUp.choices)
    rows = []
    order = {node.actor.pk: index for index, node in enumerate(source.actors)}
    for q in sorted(source.questionnaires, key=lambda q: order.get(q.actor_id, 0)):
        answered = source.answered(q)
        submitted = timezone.localtime(q.submitted_at).date() if q.submitted_at else None
        rows.append(
            [
                q.actor.name,
                str(q.get_status_display()),
                iso_date(submitted) if answered else "",
                yes_no(q not in analysis.late) if answered and submitted else "",
                str(followed_labels.get(q.plan_followed_up, _("Not answered"))) if answered else "",
                q.plan_followed_up_comment if answered else "",
            ]
        )
    answered = analysis.answered
    followed = Counter(q.plan_followed_up or "" for q in answered)
    follow_rows = [
        [str(label), followed[value], percent(followed[value], len(answered))]
        for value, label in [*Questionnaire.PlanFollowUp.choices, ("", _("Not answered"))]
    ]
    chart = Chart(
        key="followed_up",
        kind="bar",
        title=_("Followed up in the actors' own operational plans and annual reports"),
        description=_(
            "Bar chart of how many of the actors that answered have followed the plan up in "
            "their own operational plan and annual report: yes, partly, no or not answered. "
            "The figures are in the table below the chart."
        ),
        categories=[row[0] for row in follow_rows],
        series=[Series(_("Actors"), [row[1] for row in follow_rows])],
        axis_label=_("Actors"),
    )
    return Section(
        key="compliance",
        title=_("Answers and follow-up in the actors' own plans"),
        level=1,
        blocks=[
            Findings(items=_compliance_findings(analysis)),
            Table(
                key="compliance",
                caption=_("Who answered, when, and whether they followed the plan up"),
                headers=[
                    _("Actor"),
                    _("Questionnaire"),
                    _("Submitted"),
                    _("On time"),
                    _("Followed up in own operational plan and annual report"),
                    _("Comment"),
                ],
                rows=rows,
                sheet=_("Answers"),
            ),
            Figure(
                chart=chart,
                table=Table(
                    key="followed_up",
                    caption=_("Followed up in own operational plan and annual report"),
                    headers=[_("Answer"), _("Actors"), _("Share (%)")],
                    rows=[*follow_rows, [_("Total"), len(answered), 100 if answered else None]],
                    total_row=True,
                    sheet=_("Own follow-up"),
                ),
            ),
        ],
    )


def _account_sections(source: Source) -> list[Section]:
    labels = _status_labels()
    by_activity = defaultdict(list)
    for answer in sorted(source.reported(), key=_answer_order(source)):
        by_activity[answer.activity_id].append(answer)
    sections = [
        Section(
            key="accounts",
            title=_("The actors' own accounts"),
            level=1,
            blocks=[
                Paragraph(
                    _(
                        "What each responsible actor wrote about its activities, goal by goal, "
                        "as answered in the follow-up."
                    )
                )
            ],
        )
    ]
    for node in source.tree.nodes():
        entries = []
        for activity in node.activities:
            for answer in by_activity.get(activity.pk, []):
                fields = [
                    [_("Status"), labels[answer.status]],
                    [_("What was done"), answer.what_was_done],
                    [_("What hindered the work"), answer.obstacles],
                    [_("Next step"), answer.next_step],
                ]
                entries.append(
                    Entry(
                        title=f"{activity.code} {activity.title} – {answer.questionnaire.actor.name}",
                        fields=[f for f in fields if f[1]],
                    )
                )
        if entries:
            sections.append(
                Section(
                    key=f"accounts-{node.goal.code}",
                    title=f"{node.goal.code} {node.goal.title}",
                    level=2,
                    blocks=[Entries(entries)],
                )
            )
    needs = [
        Entry(
            title=q.actor.name,
            fields=[
                f
                for f in [
                    [_("Needs from the coordination"), q.coordination_needs],
                    [_("Other comments"), q.other_comments],
                ]
                if f[1]
            ],
        )
        for q in source.questionnaires
        if source.answered(q) and (q.coordination_needs or q.other_comments)
    ]
    if needs:
        sections.append(
            Section(
                key="coordination",
                title=_("What the actors need from the coordination"),
                level=2,
                blocks=[Entries(needs)],
            )
        )
    answers = defaultdict(list)
    for answer in source.question_answers:
        answers[answer.question_id].append(answer)
    questions = [
        Entry(
            title=question.text,
            fields=[[a.questionnaire.actor.name, a.value] for a in answers[question.pk]],
        )
        for question in source.questions
        if answers.get(question.pk)
    ]
    if questions:
        sections.append(
            Section(
                key="questions",
                title=_("Answers to the round's own questions"),
                level=2,
                blocks=[Entries(questions)],
            )
        )
    return sections


def _about_section(threshold: int) -> Section:
    return Section(
        key="about",
        title=_("How the report was compiled"),
        level=1,
        blocks=[
            Items(
                items=[
                    _(
                        "The report is compiled from the questionnaires the actors have submitted "
                        "or the coordinator has approved; drafts and returned questionnaires are "
                        "not included."
                    ),
                    _(
                        "An activity's status is the one its lead actor reported, otherwise the "
                        "one a co-responsible actor reported."
                    ),
                    _(
                        "Indicator values are computed from the answers of the actors that report "
                        "them and compared with the baseline in the desired direction."
                    ),
                    _(
                        "Statistics are the sums of the counts the actors reported. Counts below "
                        "%(threshold)s are not shown in exported or published reports, nor "
                        "other counts from which they could be worked out."
                    )
                    % {"threshold": threshold},
                    _(
                        "The report contains no information about individuals, only activities, "
                        "aggregate counts and the actors' accounts of their work."
                    ),
                ]
            )
        ],
    )
