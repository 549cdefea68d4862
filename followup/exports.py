"""The round's status list as an Excel workbook, for the coordinator's own follow-up."""

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from handlingskraft.workbooks import put_row

from .queries import Dashboard

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dashboard_rows(dashboard: Dashboard) -> list[list]:
    header = [
        _("Actor"),
        _("Status"),
        _("Deadline"),
        _("Overdue"),
        _("Last changed"),
        _("Changed by"),
        _("Submitted"),
        _("Activities"),
        _("Reminders sent"),
    ]
    rows = [[str(cell) for cell in header]]
    for row in dashboard.rows:
        q = row.questionnaire
        rows.append(
            [
                q.actor.name,
                str(q.get_status_display()),
                q.deadline,
                _("Yes") if row.overdue else _("No"),
                timezone.localtime(q.changed_at).replace(tzinfo=None) if q.changed_at else None,
                str(q.changed_by) if q.changed_by else "",
                timezone.localtime(q.submitted_at).replace(tzinfo=None) if q.submitted_at else None,
                row.activity_count,
                len(row.reminders),
            ]
        )
    return rows


def dashboard_xlsx_response(dashboard: Dashboard) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Status")[:31]
    for number, row in enumerate(dashboard_rows(dashboard), start=1):
        put_row(sheet, number, row)  # never sheet.append: it takes "=…" for a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (40, 14, 12, 10, 18, 24, 18, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    name = f"{slugify(_('follow-up'))}-{dashboard.round.year}-{slugify(dashboard.round.version.plan.title)[:40]}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
