"""The closed lists of an exchange file. Files show a value's label in the language of the
export; reading accepts its code, a term's stored Swedish name, or its label in any language
the site offers, ignoring case, so a workbook made in English imports in Swedish and back."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from organisations.models import Actor, Municipality
from plans.models import Indicator, Term
from stats.models import Statistic

YES, NO = "yes", "no"


def normalised(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def in_every_language(text: Promise | str) -> set[str]:
    """The normalised forms of a (lazily translated) text in each of the site's languages."""
    forms = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            forms.add(normalised(str(text)))
    return forms


@dataclass
class ChoiceList:
    """One closed list: codes with their labels, and every way of writing each code."""

    title: Promise
    options: list[tuple[str, Promise | str]]
    aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        title: Promise,
        options: Iterable[tuple[str, Promise | str]],
        names: dict[str, str] | None = None,
    ) -> "ChoiceList":
        options = list(options)
        choice_list = cls(title, options)
        for code, label in options:
            written = {normalised(code), *in_every_language(label)}
            if names and code in names:
                written.add(normalised(names[code]))
            for form in written:
                # The first option to claim a spelling keeps it.
                choice_list.aliases.setdefault(form, code)
        return choice_list

    def label(self, code: str) -> str:
        return next((str(label) for c, label in self.options if c == code), code)

    def labels(self) -> list[str]:
        return [str(label) for _code, label in self.options]

    def code_for(self, text: str) -> str | None:
        return self.aliases.get(normalised(text))


def choice_lists(municipality: Municipality) -> dict[str, ChoiceList]:
    """Every closed list, with the municipality's own terms and statistics after the national
    ones (two queries)."""
    lists = {
        "actor_kind": ChoiceList.build(_("Kinds of actor"), Actor.Kind.choices),
        "unit": ChoiceList.build(_("Units"), Indicator.Unit.choices),
        "direction": ChoiceList.build(_("Desired directions"), Indicator.Direction.choices),
        "source": ChoiceList.build(_("Data sources"), Indicator.Source.choices),
        "yes_no": ChoiceList.build(_("Yes or no"), [(YES, _("Yes")), (NO, _("No"))]),
    }
    lists["yes_no"].aliases.update({"true": YES, "false": NO, "1": YES, "0": NO})
    terms = sorted(
        Term.objects.filter(Q(municipality__isnull=True) | Q(municipality=municipality)),
        key=lambda t: (t.municipality_id is not None, t.position, t.name),
    )
    titles = {
        Term.Kind.ACTIVITY_TYPE: _("Activity types"),
        Term.Kind.PREVENTION_LEVEL: _("Prevention levels"),
        Term.Kind.VIOLENCE_AREA: _("Violence areas"),
        Term.Kind.TARGET_GROUP: _("Target groups"),
    }
    for kind, title in titles.items():
        of_kind = [term for term in terms if term.kind == kind]
        lists[kind] = ChoiceList.build(
            title,
            [(term.code, term.label) for term in of_kind],
            names={term.code: term.name for term in reversed(of_kind)},
        )
    statistics = sorted(
        Statistic.objects.filter(Q(municipality__isnull=True) | Q(municipality=municipality)),
        key=lambda s: (s.municipality_id is not None, s.position, s.name, s.code),
    )
    lists["statistic"] = ChoiceList.build(
        _("Statistics"),
        [(statistic.code, statistic.label) for statistic in statistics],
        names={statistic.code: statistic.name for statistic in reversed(statistics)},
    )
    return lists
