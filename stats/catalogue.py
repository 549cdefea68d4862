"""The national starting set of statistics (DESIGN.md). Municipalities may add their own."""

from django.utils.translation import gettext_lazy as _

# code -> (label, definition, by_gender, by_age)
NATIONAL_STATISTICS = {
    "honour_cases": (
        _("Cases opened in social services concerning honour-related violence"),
        _(
            "Investigations opened during the year where honour-related violence or oppression is part of the concern."
        ),
        True,
        True,
    ),
    "taken_abroad": (
        _("Children and young people taken abroad where honour-related violence is suspected"),
        _(
            "Known cases during the year of children and young people taken abroad, or kept abroad, where honour-related violence is suspected."
        ),
        True,
        True,
    ),
    "concern_reports_honour": (
        _("Reports of concern mentioning honour-related violence"),
        _(
            "Reports of concern (orosanmälningar) received during the year that mention honour-related violence or oppression."
        ),
        True,
        True,
    ),
    "travel_bans": (
        _("Travel bans applied for"),
        _("Applications for a travel ban (utreseförbud) made during the year."),
        True,
        True,
    ),
    "staff_basic_training": (
        _("Staff who completed basic training"),
        _("Staff who completed the basic training about violence during the year."),
        True,
        False,
    ),
    "staff_advanced_training": (
        _("Staff who completed advanced training"),
        _("Staff who completed the advanced training about violence during the year."),
        True,
        False,
    ),
    "staff_target_group": (
        _("Staff in the target group for training"),
        _("Staff who should take the training, at the end of the year."),
        True,
        False,
    ),
}
