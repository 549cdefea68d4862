"""Writes of the reports app: publishing a report, and the plan documents' introductory texts.
Each runs in one transaction."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from followup.models import FollowUpRound
from plans.models import PlanVersion
from plans.services import next_position, position_move

from .content import report_build_with_ledger, report_for_export
from .document import Document
from .formats import render
from .models import PlanTextSection, PublishedReport, PublishedReportFile
from .queries import publication_stamp


class PublicationStale(Exception):
    """What the report is built from changed after the confirmation page was drawn."""


@transaction.atomic
def report_publish(*, round_: FollowUpRound, user) -> PublishedReport:
    """Freeze the round's report as it reads now, small counts hidden, under the next number.
    Earlier publications stay as they were; the new one is audited together with them, and
    keeps what the next one needs for that. The report is written in the site's language."""
    return _publish(round_=_locked(round_), user=user)


@transaction.atomic
def report_publish_confirmed(
    *, round_: FollowUpRound, user, stamp: str
) -> tuple[PublishedReport, bool]:
    """Publish as the coordinator confirmed it: `stamp` is the publication_stamp the
    confirmation page was drawn with. Sent again (a double click, back and resubmit, a second
    tab), it returns the report already published from that page, and False: no new number.
    Raises PublicationStale, publishing nothing, when the answers or anything else the report
    is built from have changed since the page was drawn. The round's row is locked first, so
    two of the same confirmation at once publish one report."""
    round_ = _locked(round_)
    earlier = round_.published_reports.filter(source_stamp=stamp).first()
    if earlier is not None:
        return earlier, False
    if publication_stamp(round_) != stamp:
        raise PublicationStale
    return _publish(round_=round_, user=user, stamp=stamp), True


def _locked(round_: FollowUpRound) -> FollowUpRound:
    # One number at a time, and nothing the report reads from the round changes meanwhile.
    return FollowUpRound.objects.select_for_update().get(pk=round_.pk)


def _publish(*, round_: FollowUpRound, user, stamp: str = "") -> PublishedReport:
    last = round_.published_reports.aggregate(Max("number"))["number__max"] or 0
    published_at = timezone.now()
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        exact, ledger = report_build_with_ledger(round_)
        document = report_for_export(exact)
        document.subtitle = _("Report %(number)s, published %(date)s") % {
            "number": last + 1,
            "date": timezone.localtime(published_at).date().isoformat(),
        }
    return PublishedReport.objects.create(
        round=round_,
        number=last + 1,
        published_at=published_at,
        published_by=user,
        language=language,
        content=document.to_dict(),
        disclosure=ledger,
        source_stamp=stamp,
    )


def published_file(*, report: PublishedReport, fmt: str) -> bytes:
    """The published report as a file: the stored one, or rendered now and stored."""
    stored = report.files.filter(format=fmt).values_list("content", flat=True).first()
    if stored is not None:
        return bytes(stored)
    with translation.override(report.language):
        content = render(Document.from_dict(report.content), fmt)
    try:
        with transaction.atomic():
            PublishedReportFile.objects.create(report=report, format=fmt, content=content)
    except IntegrityError:  # someone else asked at the same moment and stored it first
        return bytes(report.files.get(format=fmt).content)
    return content


# Introductory texts of the plan documents ----------------------------------------------------


def _refuse_unless_draft(version: PlanVersion) -> None:
    if not version.is_editable:
        raise ValidationError(_("Only a draft's texts can be changed."))


@transaction.atomic
def text_section_save(
    *, version: PlanVersion, title: str, body: str, section: PlanTextSection | None = None
) -> PlanTextSection:
    _refuse_unless_draft(version)
    if section is None:
        section = PlanTextSection(version=version, position=next_position(version.text_sections))
    section.title, section.body = title, body
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def text_section_delete(*, section: PlanTextSection) -> None:
    _refuse_unless_draft(section.version)
    section.delete()


@transaction.atomic
def text_section_move(*, section: PlanTextSection, offset: int) -> None:
    """One step up (-1) or down (+1) among the version's texts."""
    _refuse_unless_draft(section.version)
    position_move(section.version.text_sections.order_by("position", "id"), section, offset)


def suggested_titles() -> list[str]:
    return [
        _("Background"),
        _("Purpose and scope"),
        _("Definitions"),
        _("Responsibility and organisation"),
        _("Follow-up and revision"),
    ]


@transaction.atomic
def text_sections_suggest(*, version: PlanVersion) -> list[PlanTextSection]:
    """Start a draft's texts from the headings such plans usually have."""
    _refuse_unless_draft(version)
    if version.text_sections.exists():
        return []
    return bulk_create_with_history(
        [
            PlanTextSection(version=version, position=position, title=title)
            for position, title in enumerate(suggested_titles())
        ],
        PlanTextSection,
    )


def text_sections_copy(*, source: PlanVersion, target: PlanVersion) -> None:
    """Bring a version's texts to its copy (called by plans.services.plan_version_copy)."""
    bulk_create_with_history(
        [
            PlanTextSection(version=target, position=s.position, title=s.title, body=s.body)
            for s in source.text_sections.all()
        ],
        PlanTextSection,
    )
