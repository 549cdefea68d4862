"""Who may open which page: every named URL × every role × GET and POST, in one table.

The table below is the project's access policy written down. A URL in the resolver without a row
fails the suite, so a new page cannot slip through unreviewed: add its row (and think about who
should see it) in the same change that adds the page.

Columns, in this order:

    anonymous     not signed in
    reader        reads adopted plans and published reports
    reporter_a    reporter for Socialförvaltningen and IFO (answers their questionnaires)
    reporter_b    reporter for Utbildningsförvaltningen and Centrala elevhälsan
    coordinator   writes plans, runs the follow-up
    administrator manages actors and the users of its own municipality
    other         coordinator of ANOTHER municipality: every object below belongs to Älvby

Answers:

    200    the page
    302    a redirect elsewhere than the sign-in page: done, or told why not (e.g. locked)
    login  a redirect to the sign-in page
    401    not signed in, answered as such (a background request, not sent to sign in)
    403    signed in, but the role may not
    404    not found: the object is not visible to this user (another municipality, a draft)
    405    the method is not allowed on this URL

Every answer to a signed-in role, and every download, must carry `Cache-Control: no-store`
(a missing one shows as "200 without no-store").

POSTs carry no data unless a case gives some: an empty form that comes back with its errors (200)
proves the role got in as surely as a successful save. Every request runs in its own savepoint,
so a POST that deletes or changes something does not affect the next one.
"""

from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from followup.models import FollowUpRound, RoundQuestion
from followup.services import round_open
from organisations.models import User
from plans.models import Activity, Goal, Indicator, Plan, PlanVersion
from plans.services import plan_create
from reports.services import report_publish, text_section_save
from stats.models import Statistic
from tests.builders import make_municipality, make_user

ROLES = (
    "anonymous",
    "reader",
    "reporter_a",
    "reporter_b",
    "coordinator",
    "administrator",
    "other",
)
ANSWERS = {"200", "302", "login", "401", "403", "404", "405"}

# Not pages of the service: Django's admin has its own permission system, and the language
# switch must work for everyone.
IGNORED_NAMESPACES = {"admin"}
IGNORED_NAMES = {"set_language"}


@dataclass(frozen=True)
class Case:
    """One URL with one object, and the expected answer per role for GET and for POST."""

    get: str
    post: str
    target: str | None = None  # a key of the world below, whose pk is the URL's `pk`
    kwargs: dict = field(default_factory=dict)  # other URL arguments, literally
    query: str = ""  # a query string, with {placeholders} for keys of the world
    data: str | None = None  # a key of _post_data(), or "confirmed" (see _confirmed)
    confirmer: str = "coordinator"  # whose confirmation page a "confirmed" POST sends back

    def expected(self, method: str) -> dict[str, str]:
        answers = (self.get if method == "GET" else self.post).split()
        assert len(answers) == len(ROLES), f"{len(answers)} answers for {len(ROLES)} roles"
        assert set(answers) <= ANSWERS, set(answers) - ANSWERS
        return dict(zip(ROLES, answers, strict=True))


# fmt: off
#                                  anonym reader rep_a  rep_b  coord  admin  other
MATRIX: dict[str, list[Case]] = {
    # Signing in and out -----------------------------------------------------------------------
    "login": [Case(
        get=                        "200    200    200    200    200    200    200",
        post=                       "200    200    200    200    200    200    200")],
    # Signing out ends on the sign-in page.
    "logout": [Case(
        get=                        "login  405    405    405    405    405    405",
        post=                       "login  login  login  login  login  login  login")],
    "password_change": [Case(
        get=                        "login  200    200    200    200    200    200",
        post=                       "login  200    200    200    200    200    200")],
    "password_change_done": [Case(
        get=                        "login  200    200    200    200    200    200",
        post=                       "login  405    405    405    405    405    405")],
    "password_reset": [Case(
        get=                        "200    200    200    200    200    200    200",
        post=                       "200    200    200    200    200    200    200")],
    "password_reset_done": [Case(
        get=                        "200    200    200    200    200    200    200",
        post=                       "405    405    405    405    405    405    405")],
    "password_reset_confirm": [Case(
        kwargs={"uidb64": "MQ", "token": "not-a-token"},
        get=                        "200    200    200    200    200    200    200",
        post=                       "200    200    200    200    200    200    200")],
    "password_reset_complete": [Case(
        get=                        "200    200    200    200    200    200    200",
        post=                       "405    405    405    405    405    405    405")],
    # The page's session clock: time left, and "stay signed in".
    "session_status": [Case(
        get=                        "401    200    200    200    200    200    200",
        post=                       "401    200    200    200    200    200    200")],

    # Organisations ----------------------------------------------------------------------------
    "organisations:accessibility": [Case(
        get=                        "200    200    200    200    200    200    200",
        post=                       "405    405    405    405    405    405    405")],
    "organisations:actor_list": [Case(
        get=                        "login  200    200    200    200    200    200",
        post=                       "login  405    405    405    405    405    405")],
    "organisations:actor_create": [Case(
        data="actor",
        get=                        "login  403    403    403    200    200    200",
        post=                       "login  403    403    403    302    302    302")],
    "organisations:actor_edit": [Case(
        target="actor",
        get=                        "login  403    403    403    200    200    404",
        post=                       "login  403    403    403    200    200    404")],
    "organisations:actor_delete": [Case(
        target="actor", data="confirmed",
        get=                        "login  403    403    403    200    200    404",
        post=                       "login  403    403    403    302    302    404")],
    # Users: the administrator's, in its own municipality (another municipality's: 404, tested
    # in tests/organisations, since `other` here is a coordinator).
    "organisations:user_list": [Case(
        get=                        "login  403    403    403    403    200    403",
        post=                       "login  405    405    405    405    405    405")],
    "organisations:user_create": [Case(
        data="user",
        get=                        "login  403    403    403    403    200    403",
        post=                       "login  403    403    403    403    302    403")],
    "organisations:user_edit": [Case(
        target="reader_account",
        get=                        "login  403    403    403    403    200    403",
        post=                       "login  403    403    403    403    200    403")],
    # Deactivating asks first (the page says what the person loses); a POST without the
    # page's revision is asked again.
    "organisations:user_deactivate": [
        Case(target="reader_account", data="confirmed", confirmer="administrator",
        get=                        "login  403    403    403    403    200    403",
        post=                       "login  403    403    403    403    302    403"),
        Case(target="reader_account",
        get=                        "login  403    403    403    403    200    403",
        post=                       "login  403    403    403    403    200    403"),
    ],
    **{
        name: [Case(
            target="reader_account",
            get=                    "login  405    405    405    405    405    405",
            post=                   "login  403    403    403    403    302    403")]
        for name in (
            "organisations:user_reactivate",
            "organisations:user_password_link",
        )
    },

    # Plans: reading ---------------------------------------------------------------------------
    "plans:home": [Case(
        get=                        "login  200    200    200    200    200    200",
        post=                       "login  405    405    405    405    405    405")],
    "plans:plan_detail": [
        Case(target="plan",
        get=                        "login  302    302    302    302    302    404",
        post=                       "login  405    405    405    405    405    405"),
        # A plan with nothing but a draft: as hidden from readers as the draft itself.
        Case(target="draft_only_plan",
        get=                        "login  404    404    404    302    302    404",
        post=                       "login  405    405    405    405    405    405"),
    ],
    **{
        name: [
            Case(target="adopted",
            get=                    "login  200    200    200    200    200    404",
            post=                   "login  405    405    405    405    405    405"),
            Case(target="draft",
            get=                    "login  404    404    404    200    200    404",
            post=                   "login  405    405    405    405    405    405"),
        ]
        for name in (
            "plans:version_overview",
            "plans:version_by_goal",
            "plans:version_by_actor",
            "plans:version_activity_list",
            "plans:version_coverage",
            "exchange:version_export_xlsx",
            "exchange:version_export_json",
            "followup:version_rounds",
        )
    },
    "plans:term_list": [Case(
        get=                        "login  200    200    200    200    200    200",
        post=                       "login  405    405    405    405    405    405")],

    # Plans: writing (coordinators only; adopted versions are locked) ---------------------------
    "plans:plan_create": [Case(
        get=                        "login  403    403    403    200    403    200",
        post=                       "login  403    403    403    200    403    200")],
    "plans:version_edit": [
        Case(target="draft",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404"),
        Case(target="adopted",
        get=                        "login  403    403    403    302    403    404",
        post=                       "login  403    403    403    302    403    404"),
    ],
    "plans:version_adopt": [
        Case(target="draft",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404"),
        Case(target="adopted",
        get=                        "login  403    403    403    302    403    404",
        post=                       "login  403    403    403    302    403    404"),
    ],
    # Correcting an adopted version's decision: the coordinator's; a draft has none yet.
    "plans:version_decision_correct": [
        Case(target="adopted",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404"),
        Case(target="draft",
        get=                        "login  403    403    403    302    403    404",
        post=                       "login  403    403    403    302    403    404"),
    ],
    "plans:version_copy": [Case(
        target="adopted", data="copy",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    302    403    404")],
    "plans:version_delete": [
        Case(target="draft", data="confirmed",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    302    403    404"),
        Case(target="adopted",
        get=                        "login  403    403    403    302    403    404",
        post=                       "login  403    403    403    302    403    404"),
    ],
    **{
        name: [Case(
            target="draft",
            get=                    "login  403    403    403    200    403    404",
            post=                   "login  403    403    403    200    403    404")]
        for name in ("plans:goal_create", "plans:indicator_create", "plans:activity_create")
    },
    **{
        f"plans:{kind}_edit": [
            Case(target=f"{kind}_in_draft",
            get=                    "login  403    403    403    200    403    404",
            post=                   "login  403    403    403    200    403    404"),
            Case(target=f"{kind}_in_adopted",
            get=                    "login  403    403    403    302    403    404",
            post=                   "login  403    403    403    302    403    404"),
        ]
        for kind in ("goal", "indicator", "activity")
    },
    **{
        f"plans:{kind}_delete": [
            Case(target=f"{kind}_in_draft", data="confirmed",
            get=                    "login  403    403    403    200    403    404",
            post=                   "login  403    403    403    302    403    404"),
            Case(target=f"{kind}_in_adopted",
            get=                    "login  403    403    403    302    403    404",
            post=                   "login  403    403    403    302    403    404"),
        ]
        for kind in ("goal", "indicator", "activity")
    },
    **{
        f"plans:{kind}_move": [
            Case(target=f"{kind}_in_draft",
            get=                    "login  405    405    405    405    405    405",
            post=                   "login  403    403    403    302    403    404"),
            Case(target=f"{kind}_in_adopted",
            get=                    "login  405    405    405    405    405    405",
            post=                   "login  403    403    403    302    403    404"),
        ]
        for kind in ("goal", "indicator", "activity")
    },
    "plans:term_create": [Case(
        data="term",
        get=                        "login  403    403    403    200    403    200",
        post=                       "login  403    403    403    302    403    302")],

    # Exchange ---------------------------------------------------------------------------------
    "exchange:template_xlsx": [Case(
        get=                        "login  200    200    200    200    200    200",
        post=                       "login  405    405    405    405    405    405")],
    "exchange:plan_import": [Case(
        target="plan",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404")],
    "exchange:plan_import_new": [Case(
        get=                        "login  403    403    403    200    403    200",
        post=                       "login  403    403    403    200    403    200")],

    # Statistics -------------------------------------------------------------------------------
    "stats:statistic_list": [Case(
        get=                        "login  200    200    200    200    200    200",
        post=                       "login  405    405    405    405    405    405")],
    "stats:statistic_create": [Case(
        get=                        "login  403    403    403    200    403    200",
        post=                       "login  403    403    403    200    403    200")],
    "stats:statistic_edit": [
        Case(target="own_statistic",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404"),
        # The national catalogue belongs to nobody's municipality: nobody edits it here.
        Case(target="national_statistic",
        get=                        "login  403    403    403    404    403    404",
        post=                       "login  403    403    403    404    403    404"),
    ],
    "stats:statistic_delete": [Case(
        target="own_statistic",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    302    403    404")],
    "stats:version_statistics": [
        Case(target="adopted",
        get=                        "login  200    200    200    200    200    404",
        post=                       "login  403    403    403    302    403    404"),
        # Saving an empty form is a valid choice: nobody reports any statistic.
        Case(target="draft",
        get=                        "login  404    404    404    200    200    404",
        post=                       "login  404    404    404    302    403    404"),
    ],

    # Follow-up --------------------------------------------------------------------------------
    "followup:round_create": [
        Case(target="adopted",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404"),
        Case(target="draft",
        get=                        "login  403    403    403    302    403    404",
        post=                       "login  403    403    403    302    403    404"),
    ],
    **{
        name: [Case(
            target="round",
            get=                    "login  403    403    403    200    403    404",
            post=                   "login  405    405    405    405    405    405")]
        for name in ("followup:round_dashboard", "followup:round_export")
    },
    # Closing, reopening and reminding ask first; a POST without the page's revision is asked
    # again (200). Reopening an open round, or closing a closed one, says so (302).
    "followup:round_close": [
        Case(target="round", data="confirmed",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    302    403    404"),
        Case(target="round",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404"),
        Case(target="closed_round",
        get=                        "login  403    403    403    302    403    404",
        post=                       "login  403    403    403    302    403    404"),
    ],
    "followup:round_reopen": [
        Case(target="closed_round", data="confirmed",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    302    403    404"),
        Case(target="closed_round",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404"),
        Case(target="round",
        get=                        "login  403    403    403    302    403    404",
        post=                       "login  403    403    403    302    403    404"),
    ],
    "followup:round_remind": [
        Case(target="round", data="confirmed",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    302    403    404"),
        Case(target="closed_round",
        get=                        "login  403    403    403    302    403    404",
        post=                       "login  403    403    403    302    403    404"),
    ],
    "followup:round_questions": [Case(
        target="round",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404")],
    # Correcting an open round, and a question of its own that nobody has answered yet.
    "followup:round_edit": [Case(
        target="round",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404")],
    "followup:round_question_edit": [Case(
        target="question",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404")],
    "followup:my_questionnaires": [Case(
        get=                        "login  403    200    200    403    403    403",
        post=                       "login  405    405    405    405    405    405")],
    "followup:questionnaire": [
        # Reporter A's draft: A answers, the coordinator reads (a coordinator's POST is told
        # the questionnaire is not theirs to change), nobody else sees it.
        Case(target="questionnaire_a_draft", data="questionnaire_save",
        get=                        "login  404    200    404    200    404    404",
        post=                       "login  404    302    404    302    404    404"),
        # Reporter B's submitted questionnaire: locked for B, reviewed by the coordinator.
        Case(target="questionnaire_b_submitted",
        get=                        "login  404    404    200    200    404    404",
        post=                       "login  404    404    302    302    404    404"),
    ],
    "followup:questionnaire_return": [Case(
        target="questionnaire_b_submitted", data="return",
        get=                        "login  405    405    405    405    405    405",
        post=                       "login  403    403    403    302    403    404")],
    "followup:questionnaire_approve": [Case(
        target="questionnaire_b_submitted",
        get=                        "login  405    405    405    405    405    405",
        post=                       "login  403    403    403    302    403    404")],
    "followup:questionnaire_deadline": [Case(
        target="questionnaire_a_draft",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404")],

    # The audit trail (records) ----------------------------------------------------------------
    # A version's history includes its time as a draft: for coordinators and administrators.
    "records:version_history": [
        Case(target="adopted",
        get=                        "login  403    403    403    200    200    404",
        post=                       "login  405    405    405    405    405    405"),
        Case(target="draft",
        get=                        "login  403    403    403    200    200    404",
        post=                       "login  405    405    405    405    405    405"),
    ],
    # Whoever sees the questionnaire sees how it came about.
    "records:questionnaire_history": [Case(
        target="questionnaire_a_draft",
        get=                        "login  404    200    404    200    404    404",
        post=                       "login  405    405    405    405    405    405")],
    # An account's history: the administrator's, like the account.
    "records:user_history": [Case(
        target="reader_account",
        get=                        "login  403    403    403    403    200    403",
        post=                       "login  405    405    405    405    405    405")],
    # The actors' history: the municipality's actors, deleted ones too; and one actor's.
    "records:actors_history": [Case(
        get=                        "login  403    403    403    200    200    200",
        post=                       "login  405    405    405    405    405    405")],
    "records:actor_history": [Case(
        target="actor",
        get=                        "login  403    403    403    200    200    404",
        post=                       "login  405    405    405    405    405    405")],
    "records:events": [Case(
        get=                        "login  403    403    403    200    200    200",
        post=                       "login  405    405    405    405    405    405")],

    # Reports ----------------------------------------------------------------------------------
    # The working version of the follow-up report and its downloads: the coordinator's.
    "reports:round_report": [Case(
        target="round",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  405    405    405    405    405    405")],
    "reports:round_report_download": [Case(
        target="round", kwargs={"fmt": "xlsx"},
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  405    405    405    405    405    405")],
    # Publishing asks first, saying who has answered; a POST without the page's state is
    # asked again.
    "reports:round_publish": [
        Case(target="round", data="confirmed",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    302    403    404"),
        Case(target="round",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404"),
    ],
    # Published reports: everyone in the municipality reads them.
    "reports:plan_reports": [
        Case(target="plan",
        get=                        "login  200    200    200    200    200    404",
        post=                       "login  405    405    405    405    405    405"),
        Case(target="draft_only_plan",
        get=                        "login  404    404    404    200    200    404",
        post=                       "login  405    405    405    405    405    405"),
    ],
    "reports:published_report": [Case(
        target="published_report",
        get=                        "login  200    200    200    200    200    404",
        post=                       "login  405    405    405    405    405    405")],
    "reports:published_download": [Case(
        target="published_report", kwargs={"fmt": "xlsx"},
        get=                        "login  200    200    200    200    200    404",
        post=                       "login  405    405    405    405    405    405")],
    # Plan documents: as readable as the version they are made from.
    **{
        name: [
            Case(target="adopted", kwargs=kwargs, query=query,
            get=                    "login  200    200    200    200    200    404",
            post=                   "login  405    405    405    405    405    405"),
            Case(target="draft", kwargs=kwargs, query=query,
            get=                    "login  404    404    404    200    200    404",
            post=                   "login  405    405    405    405    405    405"),
        ]
        for name, kwargs, query in (
            ("reports:version_documents", {}, ""),
            ("reports:plan_document", {"kind": "activities", "fmt": "docx"}, ""),
            ("reports:actor_extract", {}, "?actor={actor}&format=docx"),
        )
    },
    # The documents' introductory texts are written by the coordinator, in drafts only.
    "reports:text_section_create": [
        Case(target="draft",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404"),
        Case(target="adopted",
        get=                        "login  403    403    403    302    403    404",
        post=                       "login  403    403    403    302    403    404"),
    ],
    "reports:text_sections_suggest": [Case(
        target="draft",
        get=                        "login  405    405    405    405    405    405",
        post=                       "login  403    403    403    302    403    404")],
    "reports:text_section_edit": [Case(
        target="text_in_draft",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    200    403    404")],
    "reports:text_section_delete": [Case(
        target="text_in_draft", data="confirmed",
        get=                        "login  403    403    403    200    403    404",
        post=                       "login  403    403    403    302    403    404")],
    "reports:text_section_move": [Case(
        target="text_in_draft",
        get=                        "login  405    405    405    405    405    405",
        post=                       "login  403    403    403    302    403    404")],
}
# fmt: on


def _post_data(world: dict) -> dict[str, dict]:
    return {
        "actor": {"kind": "unit", "name": "Matrisenheten"},
        "copy": {"label": "Matris 1.0"},
        "term": {"kind": "target_group", "name": "Matrisgruppen"},
        "questionnaire_save": {"action": "save", "changed": ""},
        "return": {"comment": "Komplettera gärna med antal deltagare."},
        "user": {
            "first_name": "Matris",
            "last_name": "Person",
            "username": "matris.person",
            "email": "matris.person@example.se",
            "role": "reader",
        },
    }


def _confirmed(world: dict, url: str, role: str) -> dict:
    """What a confirmation page sends back when confirmed: the revision of the row it shows
    (a confirmation without it is asked again, answering 200), and what else its form holds
    as drawn (a deadline to reopen with)."""
    client = Client()
    client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: world["sessions"][role]})
    form = client.get(url).context["form"]
    values = {name: form[name].value() for name in form.fields}
    return {name: value for name, value in values.items() if value is not None}


def resolver_names() -> tuple[set[str], list[str]]:
    """Every named URL of the project (namespaced), and the routes of any unnamed ones."""
    names: set[str] = set()
    unnamed: list[str] = []

    def walk(patterns, namespaces: list[str], route: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in IGNORED_NAMESPACES:
                    continue
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, inner, route + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    unnamed.append(route + str(pattern.pattern))
                elif pattern.name not in IGNORED_NAMES:
                    names.add(":".join([*namespaces, pattern.name]))

    walk(get_resolver().url_patterns, [], "/")
    return names, unnamed


def test_every_url_has_a_row_in_the_matrix():
    names, unnamed = resolver_names()
    assert not unnamed, f"URLs without a name cannot be checked: {unnamed}"
    missing = sorted(names - MATRIX.keys())
    stale = sorted(MATRIX.keys() - names)
    assert not missing, (
        "These URLs have no row in the permission matrix (tests/test_permission_matrix.py). "
        f"Decide who may open them and add a row: {missing}"
    )
    assert not stale, f"These rows name URLs that no longer exist: {stale}"


# The world -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo municipality plus a second municipality with its own coordinator, loaded once
    for the module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--quiet")
        other = make_municipality("Annanstad", "9998")
        users = {
            "reader": User.objects.get(username="lasare"),
            "reporter_a": User.objects.get(username="rapportor.social"),
            "reporter_b": User.objects.get(username="rapportor.utbildning"),
            "coordinator": User.objects.get(username="samordnare"),
            "administrator": User.objects.get(username="admin"),
            "other": make_user(other, User.Role.COORDINATOR, username="samordnare.annanstad"),
        }
        adopted = PlanVersion.objects.get(status=PlanVersion.Status.ADOPTED)
        draft = PlanVersion.objects.get(status=PlanVersion.Status.DRAFT)
        draft_only = plan_create(
            municipality=adopted.plan.municipality,
            title="Plan som bara finns som utkast",
            version_label="0.1",
            valid_from=2026,
            valid_to=2027,
        )
        round_ = FollowUpRound.objects.get(version=adopted)
        closed_round = round_open(
            version=adopted, year=2019, deadline=date(2020, 3, 31), opens_on=date(2020, 2, 1)
        )
        closed_round.close()
        questionnaires = {q.actor.name: q for q in round_.questionnaires.select_related("actor")}
        a_draft = questionnaires["Socialförvaltningen"]
        b_submitted = questionnaires["Utbildningsförvaltningen"]
        assert a_draft.status == "draft" and b_submitted.status == "submitted"
        assert a_draft.actor in users["reporter_a"].actors.all()
        assert b_submitted.actor in users["reporter_b"].actors.all()

        def leaf_goal(version):
            return Goal.objects.filter(version=version, children=None).order_by("code").last()

        objects = {
            "plan": adopted.plan,
            "draft_only_plan": Plan.objects.get(pk=draft_only.plan_id),
            "adopted": adopted,
            "draft": draft,
            "goal_in_draft": leaf_goal(draft),
            "goal_in_adopted": leaf_goal(adopted),
            "indicator_in_draft": Indicator.objects.filter(version=draft).first(),
            "indicator_in_adopted": Indicator.objects.filter(version=adopted).first(),
            "activity_in_draft": Activity.objects.filter(version=draft).first(),
            "activity_in_adopted": Activity.objects.filter(version=adopted).first(),
            "actor": a_draft.actor,
            "own_statistic": Statistic.objects.get(municipality=adopted.plan.municipality),
            "national_statistic": Statistic.objects.filter(municipality=None).first(),
            "round": round_,
            "closed_round": closed_round,
            "question": RoundQuestion.objects.create(
                round=round_, text="Hur många möten tog upp planen?", kind="number"
            ),
            "questionnaire_a_draft": a_draft,
            "questionnaire_b_submitted": b_submitted,
            "published_report": report_publish(round_=round_, user=users["coordinator"]),
            "text_in_draft": text_section_save(version=draft, title="Bakgrund", body="Text."),
            "reader_account": users["reader"],
        }
        world = {key: obj.pk for key, obj in objects.items()}
        world["sessions"] = {}
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            world["sessions"][role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)


def _answer(response) -> str:
    if response.status_code == 302:
        login = reverse(settings.LOGIN_URL)
        return "login" if response["Location"].startswith(login) else "302"
    return str(response.status_code)


def _request(world: dict, role: str, method: str, url: str, data: dict) -> str:
    client = Client()
    if role != "anonymous":
        client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: world["sessions"][role]})
    # Each request in a savepoint of its own: what one POST changes, the next does not see.
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    answer = _answer(response)
    # Nothing a signed-in person gets, and no download, may be stored by a browser or a proxy
    # (handlingskraft.middleware.NoStoreMiddleware).
    download = response.get("Content-Disposition", "").startswith("attachment")
    if (role != "anonymous" or download) and "no-store" not in response.get("Cache-Control", ""):
        answer += " without no-store"
    return answer


CASES = [
    pytest.param(name, index, case, id=f"{name}#{index}" if len(cases) > 1 else name)
    for name, cases in MATRIX.items()
    for index, case in enumerate(cases)
]


@pytest.mark.parametrize(("name", "index", "case"), CASES)
def test_who_may_open_the_url(world, db, name, index, case):
    kwargs = {"pk": world[case.target], **case.kwargs} if case.target else case.kwargs
    url = reverse(name, kwargs=kwargs) + case.query.format(**world)
    if case.data == "confirmed":
        data = _confirmed(world, url, case.confirmer)
    else:
        data = _post_data(world)[case.data] if case.data else {}
    wrong = []
    for method in ("GET", "POST"):
        for role, expected in case.expected(method).items():
            got = _request(world, role, method, url, data)
            if got != expected:
                wrong.append(f"  {method:4} {url} as {role:13} expected {expected:5} got {got}")
    assert not wrong, f"{name} ({case.target or 'no object'}):\n" + "\n".join(wrong)
