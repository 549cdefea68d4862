from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Actor, Municipality, User


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "municipality"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name", "short_name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "municipality", "role", "is_active"]
    list_filter = ["municipality", "role", "is_active"]
    filter_horizontal = ["actors"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Municipality and role"), {"fields": ["municipality", "role", "actors"]}),
    )
