"""The permission functions as template filters: `{% if user|can_manage_users %}`."""

from django import template

from organisations import permissions

register = template.Library()

for name in (
    "can_write_plans",
    "can_manage_actors",
    "can_read_drafts",
    "can_read_audit_trail",
    "can_answer_followups",
    "can_manage_users",
    "can_review_followup",
):
    register.filter(name, getattr(permissions, name))
