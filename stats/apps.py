from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    # Not "statistics": that name belongs to Python's standard library.
    name = "stats"
    verbose_name = _("Statistics")
