"""The starting vocabularies from DESIGN.md. Municipalities may add terms of their own."""

from django.utils.translation import gettext_lazy as _

# kind -> [(code, label)]; the codes are stable identifiers used in exchange files.
DEFAULT_TERMS = {
    "prevention_level": [
        ("universal", _("Universal")),
        ("selective", _("Selective")),
        ("indicated", _("Indicated")),
    ],
    "violence_area": [
        ("close_relationships_women", _("Violence in close relationships against women")),
        ("close_relationships_men", _("Violence in close relationships against men")),
        ("close_relationships_children", _("Violence against children in close relationships")),
        ("close_relationships_lgbtqi", _("Violence in close relationships against LGBTQI persons")),
        ("honour", _("Honour-related violence and oppression")),
        ("child_forced_marriage", _("Child and forced marriage")),
        ("fgm", _("Female genital mutilation")),
        ("prostitution_trafficking", _("Prostitution and trafficking for sexual purposes")),
        ("child_sexual_exploitation", _("Sexual exploitation of children")),
        ("sexual_violence", _("Sexual violence regardless of relationship")),
        ("commercial_exploitation", _("Commercial exploitation of women's bodies")),
        ("youth_relationships", _("Violence in young people's relationships")),
        ("older_people", _("Violence against older people")),
        ("post_separation", _("Post-separation violence")),
        ("taken_abroad", _("Children at risk of being taken abroad")),
        ("sexual_harassment", _("Sexual harassment")),
        ("grooming", _("Grooming")),
    ],
    "target_group": [
        ("children_young", _("Children and young people")),
        ("adults", _("Adults")),
        ("older", _("Older people")),
        ("disabilities", _("People with disabilities")),
        ("lgbtqi", _("LGBTQI persons")),
        ("perpetrators", _("People exercising violence")),
        ("parents", _("Parents")),
        ("staff", _("Staff")),
        ("public", _("The public")),
    ],
    "activity_type": [
        ("competence", _("Competence development")),
        ("routine", _("Routine or procedure")),
        ("collaboration", _("Collaboration")),
        ("information", _("Information and communication")),
        ("prevention_programme", _("Prevention programme")),
        ("support_protection", _("Support and protection")),
        ("statistics", _("Statistics and follow-up")),
    ],
}

DEFAULT_LABELS = {
    (kind, code): label for kind, terms in DEFAULT_TERMS.items() for code, label in terms
}
