from django.db import migrations

# Swedish names are stored; the UI shows the translated label for national terms.
NATIONAL_TERMS = {
    "prevention_level": [
        ("universal", "Universell"),
        ("selective", "Selektiv"),
        ("indicated", "Indikerad"),
    ],
    "violence_area": [
        ("close_relationships_women", "Våld i nära relationer mot kvinnor"),
        ("close_relationships_men", "Våld i nära relationer mot män"),
        ("close_relationships_children", "Våld mot barn i nära relationer"),
        ("close_relationships_lgbtqi", "Våld i nära relationer mot hbtqi-personer"),
        ("honour", "Hedersrelaterat våld och förtryck"),
        ("child_forced_marriage", "Barn- och tvångsäktenskap"),
        ("fgm", "Könsstympning av flickor och kvinnor"),
        ("prostitution_trafficking", "Prostitution och människohandel för sexuella ändamål"),
        ("child_sexual_exploitation", "Sexuell exploatering av barn"),
        ("sexual_violence", "Sexuellt våld oberoende av relation"),
        ("commercial_exploitation", "Kommersiell exploatering av kvinnors kroppar"),
        ("youth_relationships", "Våld i ungas parrelationer"),
        ("older_people", "Våld mot äldre"),
        ("post_separation", "Eftervåld"),
        ("taken_abroad", "Barn och unga som riskerar att föras utomlands"),
        ("sexual_harassment", "Sexuella trakasserier"),
        ("grooming", "Grooming"),
    ],
    "target_group": [
        ("children_young", "Barn och unga"),
        ("adults", "Vuxna"),
        ("older", "Äldre"),
        ("disabilities", "Personer med funktionsnedsättning"),
        ("lgbtqi", "Hbtqi-personer"),
        ("perpetrators", "Våldsutövare"),
        ("parents", "Föräldrar"),
        ("staff", "Personal"),
        ("public", "Allmänheten"),
    ],
    "activity_type": [
        ("competence", "Kompetensutveckling"),
        ("routine", "Rutin eller arbetssätt"),
        ("collaboration", "Samverkan"),
        ("information", "Information och kommunikation"),
        ("prevention_programme", "Förebyggande program"),
        ("support_protection", "Stöd och skydd"),
        ("statistics", "Statistik och uppföljning"),
    ],
}


def create_terms(apps, schema_editor):
    Term = apps.get_model("plans", "Term")
    for kind, terms in NATIONAL_TERMS.items():
        for position, (code, name) in enumerate(terms):
            Term.objects.update_or_create(
                municipality=None, kind=kind, code=code,
                defaults={"name": name, "position": position},
            )


def remove_terms(apps, schema_editor):
    apps.get_model("plans", "Term").objects.filter(municipality=None).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(create_terms, remove_terms)]
