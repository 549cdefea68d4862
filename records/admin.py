from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The event log, read-only: nobody edits or deletes what it says happened."""

    list_display = ["created_at", "action", "username", "municipality", "description"]
    list_filter = ["action", "municipality"]
    search_fields = ["username", "description"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
