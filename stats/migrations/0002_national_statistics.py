from django.db import migrations

# Swedish names are stored; the UI shows the translated label for national statistics.
NATIONAL = [
    ("honour_cases", "Ärenden inom socialtjänsten som rör hedersrelaterat våld", True, True),
    ("taken_abroad", "Barn och unga som förts utomlands där hedersrelaterat våld misstänks", True, True),
    ("concern_reports_honour", "Orosanmälningar som nämner hedersrelaterat våld", True, True),
    ("travel_bans", "Ansökningar om utreseförbud", True, True),
    ("staff_basic_training", "Personal som gått grundutbildning", True, False),
    ("staff_advanced_training", "Personal som gått fördjupad utbildning", True, False),
    ("staff_target_group", "Personal i målgruppen för utbildning", True, False),
]


def create(apps, schema_editor):
    Statistic = apps.get_model("stats", "Statistic")
    for position, (code, name, by_gender, by_age) in enumerate(NATIONAL):
        Statistic.objects.update_or_create(
            municipality=None,
            code=code,
            defaults={"name": name, "by_gender": by_gender, "by_age": by_age, "position": position},
        )


def remove(apps, schema_editor):
    apps.get_model("stats", "Statistic").objects.filter(municipality=None).delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
