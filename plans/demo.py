"""Demo data: the fictional municipality Älvby with an adopted action plan and one user per role.

The data is plain Python below; `demo_load` writes it through the project's own models and
services and validates every row it creates. The plan's content is Swedish because it is data.
"""

from collections import Counter
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction
from django.db.models import Q

from organisations.models import Actor, Municipality, User
from stats.models import Statistic, StatisticAssignment

from .models import Activity, Goal, Indicator, Plan, PlanVersion, Responsibility, Term
from .services import (
    activity_set_responsibilities,
    next_position,
    plan_create,
    plan_version_adopt,
    plan_version_copy,
)

DEMO_PASSWORD = "demo-handlingskraft"

# Not a real municipality: no county has the prefix 29 and no municipality is called Älvby.
MUNICIPALITY = {"name": "Älvby kommun", "code": "2999"}

# key -> the actor; "parent" names another key. Parents come before their children.
ACTORS = [
    {"key": "ks", "name": "Kommunstyrelsen", "short_name": "KS", "kind": "board"},
    {
        "key": "klf",
        "name": "Kommunledningsförvaltningen",
        "short_name": "KLF",
        "kind": "administration",
        "parent": "ks",
    },
    {"key": "sn", "name": "Socialnämnden", "short_name": "SN", "kind": "board"},
    {
        "key": "sof",
        "name": "Socialförvaltningen",
        "short_name": "SOF",
        "kind": "administration",
        "parent": "sn",
    },
    {
        "key": "ifo",
        "name": "Individ- och familjeomsorgen",
        "short_name": "IFO",
        "kind": "unit",
        "parent": "sof",
    },
    {
        "key": "vst",
        "name": "Våldsstödsteamet",
        "short_name": "VST",
        "kind": "unit",
        "parent": "sof",
    },
    {"key": "un", "name": "Utbildningsnämnden", "short_name": "UN", "kind": "board"},
    {
        "key": "utf",
        "name": "Utbildningsförvaltningen",
        "short_name": "UTF",
        "kind": "administration",
        "parent": "un",
    },
    {
        "key": "elev",
        "name": "Centrala elevhälsan",
        "short_name": "EHT",
        "kind": "unit",
        "parent": "utf",
    },
    {"key": "von", "name": "Vård- och omsorgsnämnden", "short_name": "VON", "kind": "board"},
    {
        "key": "vof",
        "name": "Vård- och omsorgsförvaltningen",
        "short_name": "VOF",
        "kind": "administration",
        "parent": "von",
    },
    {"key": "kfn", "name": "Kultur- och fritidsnämnden", "short_name": "KFN", "kind": "board"},
    {
        "key": "kff",
        "name": "Kultur- och fritidsförvaltningen",
        "short_name": "KFF",
        "kind": "administration",
        "parent": "kfn",
    },
    {"key": "bostad", "name": "AB Älvbyhem", "short_name": "Älvbyhem", "kind": "company"},
    {
        "key": "polis",
        "name": "Polisen, lokalpolisområde Älvby",
        "short_name": "LPO Älvby",
        "kind": "external",
    },
    {
        "key": "jour",
        "name": "Kvinnojouren i Älvby",
        "short_name": "Kvinnojouren",
        "kind": "external",
    },
    {
        "key": "region",
        "name": "Region Norrmark, hälso- och sjukvården",
        "short_name": "Region Norrmark",
        "kind": "external",
    },
    {
        "key": "rtj",
        "name": "Räddningstjänsten Norrmark",
        "short_name": "RTJ",
        "kind": "external",
    },
    {
        "key": "samverkan",
        "name": "Samverkansgruppen mot våld",
        "short_name": "Samverkansgruppen",
        "kind": "working_group",
    },
]

# Vocabularies are extendable: Älvby adds a violence area of its own.
LOCAL_TERMS = [
    {"kind": "violence_area", "code": "digital_violence", "name": "Digitalt våld", "position": 100},
]

PLAN = {
    "title": (
        "Handlingsplan mot mäns våld mot kvinnor, våld i nära relationer "
        "och hedersrelaterat våld och förtryck 2025–2028"
    ),
    "version_label": "2025–2028",
    "valid_from": 2025,
    "valid_to": 2028,
    "change_summary": "\n".join(
        [
            "Ersätter handlingsplanen mot våld i nära relationer 2021–2024.",
            "Planen omfattar nu hela det sjätte jämställdhetspolitiska delmålet, också "
            "prostitution, människohandel och sexuellt våld oberoende av relation.",
            "Nya prioriterade inriktningar: våld i ungas parrelationer, våld mot äldre, eftervåld, "
            "barn och unga som riskerar att föras utomlands, sexuella trakasserier, grooming och "
            "sex mot ersättning.",
            "Fler aktiviteter riktas till riskgrupper och till alla invånare, inte bara till dem "
            "som redan utsatts.",
            "Varje nämnd följer upp sina aktiviteter varje år.",
        ]
    ),
    "adoption": {
        "decided_by": "Kommunfullmäktige",
        "decision_date": date(2025, 3, 24),
        "decision_paragraph": "§ 45",
        "diary_number": "KS 2024-311",
        "distribution": "\n".join(
            [
                "Kommunstyrelsen",
                "Socialnämnden",
                "Utbildningsnämnden",
                "Vård- och omsorgsnämnden",
                "Kultur- och fritidsnämnden",
                "AB Älvbyhem",
                "Polisen, lokalpolisområde Älvby",
                "Kvinnojouren i Älvby",
                "Region Norrmark",
            ]
        ),
    },
}

# A goal's parent is the code without its last part: 1.3.1 belongs to 1.3, 1.3 to 1.
GOALS = [
    {
        "code": "1",
        "title": "Våldsutsatta upptäcks tidigt och får stöd och skydd",
        "description": (
            "Alla som utsätts för våld i nära relationer, hedersrelaterat våld och förtryck eller "
            "sexuellt våld i Älvby upptäcks så tidigt som möjligt och får stöd och skydd utifrån "
            "sina behov, oavsett ålder, kön, funktionsförmåga eller sexuell läggning."
        ),
        "conditions": [
            "Alla verksamheter som möter invånare har en rutin för vad medarbetare gör vid "
            "misstanke om våld.",
            "Medarbetare har grundläggande kunskap om våld och vet vart de ska hänvisa.",
            "Socialtjänsten använder bedömningsstöd för risk och skydd.",
            "Det finns en tydlig väg in till stöd, också utanför kontorstid.",
        ],
    },
    {
        "code": "1.1",
        "title": "Medarbetare frågar om våld och vet hur de ska agera",
        "description": (
            "Medarbetare i socialtjänst, skola, vård och omsorg frågar rutinmässigt om "
            "våldsutsatthet och följer kommunens rutin när de får veta att någon utsätts för våld."
        ),
        "conditions": [
            "Rutinen vid misstanke om våld är känd på varje arbetsplats.",
            "Chefer följer upp att nyanställda går grundutbildningen.",
            "Frågor om våld finns med i socialtjänstens utredningsmallar.",
        ],
    },
    {
        "code": "1.2",
        "title": "Barn som lever med våld får eget stöd",
        "description": (
            "Barn som har upplevt eller utsatts för våld i familjen ses som brottsoffer i egen "
            "rätt och får stöd anpassat efter ålder och mognad."
        ),
        "conditions": [
            "Barnets egen berättelse tas till vara i varje utredning.",
            "Skola och socialtjänst har en gemensam rutin för barn i skyddat boende.",
            "Det finns gruppverksamhet för barn som upplevt våld.",
        ],
    },
    {
        "code": "1.3",
        "title": "Barn och unga skyddas mot hedersrelaterat våld och förtryck",
        "description": (
            "Barn och unga som lever med begränsningar, kontroll eller hot i hederns namn "
            "upptäcks och får skydd. Särskilt sårbara grupper, som hbtqi-personer och unga med "
            "funktionsnedsättning, uppmärksammas."
        ),
        "conditions": [
            "Medarbetare i skola och socialtjänst har fördjupad kunskap om hedersrelaterat våld "
            "och förtryck.",
            "Socialförvaltningen har en utsedd kontaktperson för hedersfrågor.",
            "Samverkan med polis och region är etablerad.",
        ],
    },
    {
        "code": "1.3.1",
        "title": "Barn och unga som riskerar att föras utomlands upptäcks och skyddas i tid",
        "description": (
            "Risken att föras utomlands för äktenskap, könsstympning eller så kallade "
            "uppfostringsresor uppmärksammas före loven, och skyddsåtgärder som utreseförbud "
            "används när det behövs."
        ),
        "conditions": [
            "Skolpersonal känner till varningssignalerna före sommarlovet.",
            "Socialtjänsten har en rutin för ansökan om utreseförbud.",
            "Kontaktvägarna till polisen är kända.",
        ],
    },
    {
        "code": "1.3.2",
        "title": "Flickor och kvinnor som utsatts för könsstympning får stöd och vård",
        "description": (
            "Flickor och kvinnor som utsatts för eller riskerar könsstympning får frågan, "
            "erbjuds samtal och hänvisas till vård."
        ),
        "conditions": [
            "Elevhälsan och mödrahälsovården vet hur de ska fråga.",
            "Det finns en känd remissväg till en specialiserad mottagning.",
        ],
    },
    {
        "code": "1.4",
        "title": "Våldsutsatta vuxna får skydd och stöd att leva ett liv utan våld",
        "description": (
            "Vuxna som utsätts för våld får skydd, boende och långsiktigt stöd, också efter en "
            "separation när våldet ofta fortsätter i andra former."
        ),
        "conditions": [
            "Det finns skyddat boende med plats för medföljande barn.",
            "Den som lämnar skyddat boende kan få hjälp till en egen bostad.",
            "Risken för eftervåld bedöms i frågor om vårdnad, boende och umgänge.",
            "Stödet är tillgängligt för personer med funktionsnedsättning och hbtqi-personer.",
        ],
    },
    {
        "code": "2",
        "title": "Den som utövar våld får hjälp att sluta",
        "description": (
            "Den som utövar våld ansvarar för våldet. Kommunen erbjuder tidiga och "
            "kunskapsbaserade insatser så att våldet upphör och inte upprepas."
        ),
        "conditions": [
            "Det finns ett behandlingsprogram för den som utövar våld.",
            "Polis och socialtjänst har en rutin för tidig kontakt med den som utövat våld.",
            "Informationen om var man kan få hjälp når också den som inte själv söker den.",
        ],
    },
    {
        "code": "3",
        "title": "Barn och unga har kunskap om jämställdhet, samtycke och sunda relationer",
        "description": (
            "Barn och unga i Älvby växer upp med kunskap om jämställdhet, sexualitet, samtycke "
            "och relationer. Normer som försvarar våld utmanas tidigt, i skolan, på fritiden och "
            "på nätet."
        ),
        "conditions": [
            "Det våldsförebyggande arbetet ingår i skolans systematiska kvalitetsarbete.",
            "Fritidsgårdar har kunskap om våld, grooming och sexuell exploatering.",
            "Föräldrar får stöd i att prata med sina barn om relationer och om nätet.",
        ],
    },
    {
        "code": "3.1",
        "title": "Skolan förebygger våld och sexuella trakasserier",
        "description": (
            "Alla grundskolor och gymnasieskolor arbetar systematiskt med att förebygga våld i "
            "ungas parrelationer och sexuella trakasserier."
        ),
        "conditions": [
            "Varje skola har en aktuell plan mot kränkande behandling som omfattar sexuella "
            "trakasserier.",
            "Personal som leder förebyggande program har utbildning i metoden.",
        ],
    },
    {
        "code": "3.2",
        "title": "Unga vet var de kan få hjälp, också när våldet sker på nätet",
        "description": (
            "Unga som utsätts för våld i en parrelation, grooming eller digitalt våld vet vart de "
            "kan vända sig och får stöd snabbt."
        ),
        "conditions": [
            "Personal på fritidsgårdar har kunskap om grooming och digitalt våld.",
            "Ungdomsmottagning, elevhälsa och socialtjänst hänvisar till varandra.",
        ],
    },
    {
        "code": "4",
        "title": "Ingen i Älvby utnyttjas i prostitution eller människohandel",
        "description": (
            "Kommunen förebygger prostitution, människohandel för sexuella ändamål och sex mot "
            "ersättning, och den som utnyttjas får stöd att ta sig ur."
        ),
        "conditions": [
            "Medarbetare som möter unga vet att sex mot ersättning kan vara ett sätt att skada "
            "sig själv.",
            "Det finns en rutin för samverkan med polisen vid misstanke om människohandel.",
            "Kommunens egna avtal och evenemang tar avstånd från köp av sexuella tjänster.",
        ],
    },
    {
        "code": "5",
        "title": "Arbetet är samordnat, kunskapsbaserat och följs upp varje år",
        "description": (
            "Arbetet mot våld bedrivs i hela kommunen och i samverkan med externa aktörer. "
            "Varje nämnd följer upp sina aktiviteter årligen och resultatet redovisas för "
            "kommunstyrelsen."
        ),
        "conditions": [
            "Det finns en samordnare och en nyckelperson i varje förvaltning.",
            "Samverkansgruppen mot våld träffas regelbundet.",
            "Uppföljningen ställer samma frågor varje år så att resultaten går att jämföra.",
        ],
    },
]

# "reported_by": the actors that give the indicator's value in the yearly follow-up. Kolada
# figures are fetched, and the coordinator enters manual ones: nobody reports those.
INDICATORS = [
    {
        "code": "M1",
        "goal": "1.1",
        "title": (
            "Andel medarbetare i målgruppen som har gått grundutbildningen om våld i nära "
            "relationer"
        ),
        "definition": (
            "Antal medarbetare i socialtjänst, elevhälsa och vård och omsorg som har gått "
            "kommunens grundutbildning, delat med antalet medarbetare i dessa verksamheter. "
            "Varje förvaltning lämnar uppgiften i den årliga uppföljningen."
        ),
        "unit": "share",
        "direction": "increase",
        "baseline": (2024, "34"),
        "target": (2028, "80"),
        "source": "follow_up",
        "reported_by": ["sof", "utf", "vof"],
    },
    {
        "code": "M2",
        "goal": "1.1",
        "title": "Andel medarbetare som känner till kommunens rutin vid misstanke om våld",
        "definition": (
            "Andel av de svarande i medarbetarenkäten som svarar ja på frågan om de vet vad de "
            "ska göra enligt kommunens rutin när de misstänker att någon utsätts för våld."
        ),
        "unit": "share",
        "direction": "increase",
        "baseline": (2024, "46"),
        "target": (2027, "85"),
        "source": "staff_survey",
        "by_gender": True,
        "reported_by": ["sof", "utf", "vof", "kff"],
    },
    {
        "code": "M3",
        "goal": "1",
        "title": (
            "Vuxna som aktualiserats i individ- och familjeomsorgen på grund av våld i nära "
            "relation eller hedersrelaterat våld, antal per 10 000 vuxna invånare"
        ),
        "definition": (
            "Kolada-nyckeltal U30750. En ökning tolkas som att fler våldsutsatta upptäcks och "
            "kommer i kontakt med socialtjänsten, inte som att våldet ökar."
        ),
        "unit": "rate",
        "direction": "increase",
        "baseline": (2023, "31.4"),
        "target": (2028, "38"),
        "source": "kolada",
        "kolada_kpi": "U30750",
    },
    {
        "code": "M4",
        "goal": "1.4",
        "title": (
            "Vuxna som fått minst en insats från individ- och familjeomsorgen på grund av våld i "
            "nära relation eller hedersrelaterat våld, antal per 10 000 vuxna invånare"
        ),
        "definition": "Kolada-nyckeltal U30751.",
        "unit": "rate",
        "direction": "increase",
        "baseline": (2023, "17.2"),
        "target": (2028, "22"),
        "source": "kolada",
        "kolada_kpi": "U30751",
    },
    {
        "code": "M5",
        "goal": "1.4",
        "title": (
            "Vuxna vars ärende om våld i nära relation eller hedersrelaterat våld avslutats för "
            "att målet med insatserna nåtts helt eller delvis, antal per 10 000 vuxna invånare"
        ),
        "definition": "Kolada-nyckeltal U30752.",
        "unit": "rate",
        "direction": "increase",
        "baseline": (2023, "5.8"),
        "target": (2028, "8"),
        "source": "kolada",
        "kolada_kpi": "U30752",
    },
    {
        "code": "M6",
        "goal": "2",
        "title": "Antal personer som har påbörjat behandling för att sluta utöva våld",
        "definition": (
            "Antal personer som under året påbörjat individuell behandling eller "
            "gruppbehandling för våld i nära relation, uppdelat på kön."
        ),
        "unit": "count",
        "direction": "increase",
        "baseline": (2024, "9"),
        "target": (2028, "20"),
        "source": "follow_up",
        "by_gender": True,
        "reported_by": ["ifo"],
    },
    {
        "code": "M7",
        "goal": "3.1",
        "title": (
            "Andel skolor med en aktuell plan mot kränkande behandling som omfattar sexuella "
            "trakasserier"
        ),
        "definition": (
            "Andel av kommunens grundskolor och gymnasieskolor vars plan mot kränkande "
            "behandling är högst ett år gammal och tar upp sexuella trakasserier."
        ),
        "unit": "share",
        "direction": "increase",
        "baseline": (2024, "60"),
        "target": (2026, "100"),
        "source": "follow_up",
        "reported_by": ["utf"],
    },
    {
        "code": "M8",
        "goal": "3.1",
        "title": "Antal elever i årskurs 7–9 som har deltagit i våldsförebyggande program",
        "definition": (
            "Antal elever som under läsåret deltagit i minst fyra pass av det "
            "våldsförebyggande programmet, uppdelat på kön."
        ),
        "unit": "count",
        "direction": "increase",
        "baseline": (2024, "180"),
        "target": (2028, "900"),
        "source": "follow_up",
        "by_gender": True,
        "reported_by": ["utf"],
    },
    {
        "code": "M9",
        "goal": "4",
        "title": (
            "Andel medarbetare på fritidsgårdar och i elevhälsan som har fått utbildning om sex "
            "mot ersättning"
        ),
        "definition": (
            "Antal medarbetare som gått utbildningen, delat med antalet medarbetare på "
            "fritidsgårdarna och i elevhälsan."
        ),
        "unit": "share",
        "direction": "increase",
        "baseline": (2024, "10"),
        "target": (2027, "75"),
        "source": "follow_up",
        "reported_by": ["kff", "elev"],
    },
    {
        "code": "M10",
        "goal": "5",
        "title": "Andel nämnder som har lämnat sin årliga uppföljning av handlingsplanen i tid",
        "definition": (
            "Samordnaren räknar hur många av nämnderna med ansvar i planen som lämnat sin "
            "uppföljning senast sista svarsdag."
        ),
        "unit": "share",
        "direction": "increase",
        "baseline": (2024, "50"),
        "target": (2026, "100"),
        "source": "manual",
    },
]

# Statistics are extendable too: Älvby counts the calls to its violence support team.
LOCAL_STATISTICS = [
    {
        "code": "vst_advice_calls",
        "name": "Samtal till Våldsstödsteamets rådgivning",
        "definition": (
            "Samtal under året till Våldsstödsteamets telefonrådgivning från våldsutsatta, "
            "anhöriga och yrkesverksamma. Bara antal, inga uppgifter om den som ringer."
        ),
        "by_gender": True,
        "by_age": False,
        "position": 100,
    },
]

# Which actor reports which aggregate statistic in the yearly follow-up of the adopted version:
# (statistic code from stats.catalogue or LOCAL_STATISTICS, actor key).
STATISTIC_ASSIGNMENTS = [
    ("honour_cases", "ifo"),
    ("concern_reports_honour", "ifo"),
    ("travel_bans", "ifo"),
    ("taken_abroad", "ifo"),
    ("taken_abroad", "elev"),
    ("staff_basic_training", "sof"),
    ("staff_basic_training", "utf"),
    ("staff_basic_training", "vof"),
    ("staff_advanced_training", "sof"),
    ("staff_advanced_training", "utf"),
    ("staff_target_group", "sof"),
    ("staff_target_group", "utf"),
    ("staff_target_group", "vof"),
    ("vst_advice_calls", "vst"),
]

# An activity's goal is its code without the last part: 1.3.1.2 belongs to goal 1.3.1.
# "years" is (from, to) within the plan's validity, or "continuous".
ACTIVITIES = [
    {
        "code": "1.1.1",
        "title": "Rutinmässiga frågor om våld i individ- och familjeomsorgens utredningar",
        "intended_outcome": (
            "Våldsutsatthet upptäcks tidigare i ärenden om ekonomiskt bistånd, missbruk och "
            "barn och unga."
        ),
        "description": (
            "Frågor om våld förs in i utredningsmallarna för ekonomiskt bistånd, missbruks- och "
            "beroendevård samt barn och unga. Våldsstödsteamet handleder medarbetarna under "
            "införandet."
        ),
        "years": (2025, 2026),
        "type": "routine",
        "levels": ["indicated"],
        "areas": ["close_relationships_women", "close_relationships_children", "honour"],
        "groups": ["adults", "staff"],
        "lead": "ifo",
        "co": ["vst"],
    },
    {
        "code": "1.1.2",
        "title": "Kommungemensam rutin vid misstanke om våld",
        "intended_outcome": (
            "Alla förvaltningar agerar på samma sätt när en medarbetare misstänker att någon "
            "utsätts för våld."
        ),
        "description": (
            "Socialförvaltningen tar fram en gemensam rutin med ansvar, kontaktvägar och hur en "
            "orosanmälan görs. Varje förvaltning anpassar rutinen till sin verksamhet och går "
            "igenom den på arbetsplatsträffar."
        ),
        "years": (2025, 2025),
        "type": "routine",
        "levels": ["indicated"],
        "areas": [
            "close_relationships_women",
            "close_relationships_children",
            "honour",
            "older_people",
        ],
        "groups": ["staff"],
        "lead": "sof",
        "co": ["utf", "vof", "kff"],
    },
    {
        "code": "1.1.3",
        "title": "Grundutbildning om våld för nyanställda och chefer",
        "intended_outcome": (
            "Medarbetare känner igen tecken på våld och vet hur de ska agera och vart de hänvisar."
        ),
        "description": (
            "Våldsstödsteamet håller en halvdagsutbildning två gånger per termin, med en "
            "webbutbildning som komplement. HR på kommunledningsförvaltningen för in "
            "utbildningen i introduktionen för nyanställda."
        ),
        "years": "continuous",
        "type": "competence",
        "levels": ["indicated"],
        "areas": ["close_relationships_women", "honour", "sexual_violence"],
        "groups": ["staff"],
        "lead": "vst",
        "co": ["klf"],
    },
    {
        "code": "1.1.4",
        "title": "Upptäcka våld mot äldre i hemtjänst och på särskilda boenden",
        "intended_outcome": (
            "Äldre som utsätts för våld av en partner, ett vuxet barn eller en annan närstående "
            "upptäcks och får stöd."
        ),
        "description": (
            "Frågor om hur det är hemma förs in i genomförandeplanen. Biståndshandläggare och "
            "omsorgspersonal lär sig känna igen tecken på våld mot äldre, också ekonomiskt och "
            "psykiskt våld."
        ),
        "years": (2026, 2027),
        "type": "routine",
        "levels": ["selective", "indicated"],
        "areas": ["older_people", "close_relationships_women"],
        "groups": ["older", "staff"],
        "lead": "vof",
        "co": ["vst", "region"],
    },
    {
        "code": "1.2.1",
        "title": "Stödgrupper för barn som har upplevt våld i familjen",
        "intended_outcome": (
            "Barn som har upplevt våld får bearbeta det de varit med om och får ett eget stöd."
        ),
        "description": (
            "Två grupper per år för barn 7–12 år och en för unga 13–17 år, med parallella "
            "träffar för den förälder som inte har utövat våld. Elevhälsan informerar om "
            "grupperna."
        ),
        "years": "continuous",
        "type": "support_protection",
        "levels": ["indicated"],
        "areas": ["close_relationships_children"],
        "groups": ["children_young", "parents"],
        "lead": "ifo",
        "co": ["elev"],
    },
    {
        "code": "1.2.2",
        "title": "Barnsamtal i alla utredningar där våld förekommer",
        "intended_outcome": (
            "Barnets egen berättelse om våldet och om sina behov finns med i varje utredning."
        ),
        "description": (
            "Utredarna får utbildning i samtal med barn. Rutinen följs upp genom granskning av "
            "akter två gånger per år."
        ),
        "years": (2025, 2025),
        "type": "routine",
        "levels": ["indicated"],
        "areas": ["close_relationships_children"],
        "groups": ["children_young"],
        "lead": "ifo",
        "co": [],
    },
    {
        "code": "1.2.3",
        "title": "Samverkan mellan skola och socialtjänst kring barn i skyddat boende",
        "intended_outcome": (
            "Barn i skyddat boende går i skolan utan avbrott och utan att deras skyddade "
            "uppgifter röjs."
        ),
        "description": (
            "En rutin tas fram för skolplacering, skolskjuts och hantering av skyddade "
            "personuppgifter när en familj flyttar till eller från ett skyddat boende."
        ),
        "years": (2025, 2026),
        "type": "routine",
        "levels": ["indicated"],
        "areas": ["close_relationships_children"],
        "groups": ["children_young", "staff"],
        "lead": "utf",
        "co": ["ifo", "jour"],
    },
    {
        "code": "1.3.1.1",
        "title": "Insats inför sommarlovet för elever som riskerar att föras utomlands",
        "intended_outcome": (
            "Elever som riskerar att föras utomlands mot sin vilja upptäcks före lovet och får "
            "skydd."
        ),
        "description": (
            "Varje vår påminns rektorer och elevhälsa om varningssignalerna och om hur en "
            "orosanmälan görs. Eleverna får veta vart de kan vända sig, också från utlandet."
        ),
        "years": "continuous",
        "type": "routine",
        "levels": ["selective", "indicated"],
        "areas": ["taken_abroad", "child_forced_marriage", "honour"],
        "groups": ["children_young", "staff"],
        "lead": "utf",
        "co": ["elev", "ifo", "polis"],
    },
    {
        "code": "1.3.1.2",
        "title": "Rutin för ansökan om utreseförbud",
        "intended_outcome": (
            "Socialtjänsten kan agera samma dag när det finns risk att ett barn förs utomlands."
        ),
        "description": (
            "Rutinen beskriver när ett utreseförbud kan bli aktuellt, hur ansökan görs och hur "
            "polisen underrättas. Den prövas i en gemensam övning med polisen."
        ),
        "years": (2025, 2025),
        "type": "routine",
        "levels": ["indicated"],
        "areas": ["taken_abroad", "child_forced_marriage"],
        "groups": ["children_young"],
        "lead": "ifo",
        "co": ["polis"],
    },
    {
        "code": "1.3.2.1",
        "title": "Frågor om könsstympning i mödrahälsovården och elevhälsan",
        "intended_outcome": (
            "Flickor och kvinnor som utsatts för könsstympning erbjuds samtal och vård."
        ),
        "description": (
            "Barnmorskor och skolsköterskor får utbildning i att fråga om könsstympning och om "
            "remissvägarna till specialiserad mottagning."
        ),
        "years": (2026, 2027),
        "type": "support_protection",
        "levels": ["selective", "indicated"],
        "areas": ["fgm"],
        "groups": ["children_young", "adults", "staff"],
        "lead": "region",
        "co": ["elev"],
    },
    {
        "code": "1.4.1",
        "title": "Skyddat boende och stödsamtal för våldsutsatta kvinnor och deras barn",
        "intended_outcome": (
            "Kvinnor och barn som behöver skydd får en trygg plats att bo och stöd under tiden."
        ),
        "description": (
            "Kvinnojouren driver skyddat boende enligt avtal med socialnämnden och erbjuder "
            "stödsamtal, också per telefon och chatt. Avtalet följs upp varje år."
        ),
        "years": "continuous",
        "type": "support_protection",
        "levels": ["indicated"],
        "areas": ["close_relationships_women", "close_relationships_children"],
        "groups": ["adults", "children_young"],
        "lead": "jour",
        "co": ["ifo"],
    },
    {
        "code": "1.4.2",
        "title": "Hjälp till egen bostad efter skyddat boende",
        "intended_outcome": (
            "Våldsutsatta som lämnar skyddat boende får en egen bostad utan lång väntan."
        ),
        "description": (
            "AB Älvbyhem avsätter lägenheter varje år som socialtjänsten kan förmedla. Bolagets "
            "personal får information om våld och om hur de hänvisar hyresgäster som söker hjälp."
        ),
        "years": (2025, 2028),
        "type": "support_protection",
        "levels": ["indicated"],
        "areas": ["close_relationships_women", "post_separation"],
        "groups": ["adults"],
        "lead": "bostad",
        "co": ["ifo"],
    },
    {
        "code": "1.4.3",
        "title": "Bedöma risken för eftervåld i frågor om vårdnad, boende och umgänge",
        "intended_outcome": (
            "Risken för fortsatt våld efter en separation uppmärksammas innan beslut eller avtal "
            "om vårdnad, boende och umgänge."
        ),
        "description": (
            "Familjerättens samtal och utredningar kompletteras med en strukturerad "
            "riskbedömning. Våldsstödsteamet handleder familjerättssekreterarna."
        ),
        "years": (2026, 2026),
        "type": "routine",
        "levels": ["indicated"],
        "areas": ["post_separation", "close_relationships_children"],
        "groups": ["adults", "children_young", "parents"],
        "lead": "vst",
        "co": ["ifo", "jour"],
    },
    {
        "code": "1.4.4",
        "title": "Stöd anpassat för hbtqi-personer och personer med funktionsnedsättning",
        "intended_outcome": "Stödet når också grupper som i dag sällan söker hjälp.",
        "description": (
            "Informationen om stöd tas fram på lättläst svenska och i tillgängliga format. "
            "Personal i bostäder med särskild service och daglig verksamhet får kunskap om våld "
            "och om särskild sårbarhet, också i en hederskontext."
        ),
        "years": (2027, 2028),
        "type": "support_protection",
        "levels": ["selective", "indicated"],
        "areas": ["close_relationships_lgbtqi", "honour"],
        "groups": ["lgbtqi", "disabilities"],
        "lead": "vst",
        "co": ["vof"],
    },
    {
        "code": "1.4.5",
        "title": "Uppmärksamma tecken på våld vid hembesök om brandsäkerhet",
        "intended_outcome": (
            "Räddningstjänstens personal känner igen tecken på våld hos äldre och vet vart de "
            "hänvisar."
        ),
        "description": (
            "Räddningstjänstens hembesök hos äldre kompletteras med en kort utbildning om våld "
            "och en kontaktväg till äldreomsorgens biståndshandläggare."
        ),
        "years": (2026, 2027),
        "type": "competence",
        "levels": ["selective"],
        "areas": ["older_people", "close_relationships_women"],
        "groups": ["older", "staff"],
        "lead": "rtj",
        "co": ["vof"],
    },
    {
        "code": "2.1",
        "title": "Behandling för den som utövar våld i nära relation",
        "intended_outcome": "Den som utövar våld slutar, och kvinnor och barn blir tryggare.",
        "description": (
            "Individuell behandling och gruppbehandling enligt en manualbaserad metod. Den "
            "våldsutsattas säkerhet bedöms under hela behandlingen och partnern erbjuds "
            "stödsamtal."
        ),
        "years": "continuous",
        "type": "support_protection",
        "levels": ["indicated"],
        "areas": ["close_relationships_women", "close_relationships_children"],
        "groups": ["perpetrators"],
        "lead": "ifo",
        "co": ["region"],
    },
    {
        "code": "2.2",
        "title": "Tidig kontakt med den som misstänks för våld i nära relation",
        "intended_outcome": (
            "Fler som utövar våld tar emot stöd tidigt, och risken för upprepat våld minskar."
        ),
        "description": (
            "Med den misstänktes samtycke lämnar polisen kontaktuppgifter till socialtjänsten, "
            "som hör av sig inom två arbetsdagar och erbjuder samtal."
        ),
        "years": (2025, 2026),
        "type": "collaboration",
        "levels": ["indicated"],
        "areas": ["close_relationships_women", "close_relationships_children"],
        "groups": ["perpetrators"],
        "lead": "polis",
        "co": ["ifo"],
    },
    {
        "code": "2.3",
        "title": "Information om var den som är orolig för sitt eget våld kan få hjälp",
        "intended_outcome": "Fler som använder eller riskerar att använda våld söker hjälp själva.",
        "description": (
            "Kampanj i sociala medier, på kommunens webbplats och i kollektivtrafiken med "
            "hänvisning till nationella stödlinjer och till kommunens behandling."
        ),
        "years": (2027, 2027),
        "type": "information",
        "levels": ["universal", "selective"],
        "areas": ["close_relationships_women", "youth_relationships"],
        "groups": ["public", "perpetrators"],
        "lead": "klf",
        "co": ["sof"],
    },
    {
        "code": "3.1.1",
        "title": "Våldsförebyggande program i årskurs 7–9",
        "intended_outcome": (
            "Elever kan se och säga ifrån mot våld och sexuella trakasserier, och normer som "
            "försvarar våld utmanas."
        ),
        "description": (
            "Programmet bygger på en normkritisk metod där eleverna övar på att ingripa som "
            "åskådare. Personal från skola och fritidsgårdar utbildas till handledare och leder "
            "passen tillsammans."
        ),
        "years": (2025, 2028),
        "type": "prevention_programme",
        "levels": ["universal"],
        "areas": ["youth_relationships", "sexual_harassment"],
        "groups": ["children_young"],
        "lead": "utf",
        "co": ["elev", "kff"],
    },
    {
        "code": "3.1.2",
        "title": "Undervisning om samtycke, relationer och gränser",
        "intended_outcome": (
            "Elever vet vad samtycke innebär och känner igen kontroll och våld i en parrelation."
        ),
        "description": (
            "Elevhälsan tar fram lektionsupplägg för högstadiet och gymnasiet tillsammans med "
            "ungdomsmottagningen. Uppläggen ingår i undervisningen om sexualitet, samtycke och "
            "relationer."
        ),
        "years": (2025, 2026),
        "type": "prevention_programme",
        "levels": ["universal"],
        "areas": ["youth_relationships", "sexual_violence"],
        "groups": ["children_young"],
        "lead": "elev",
        "co": ["region"],
    },
    {
        "code": "3.1.3",
        "title": "Rutin för att utreda och stoppa sexuella trakasserier mellan elever",
        "intended_outcome": (
            "Skolorna agerar snabbt och på samma sätt när en elev utsätts för sexuella "
            "trakasserier."
        ),
        "description": (
            "Rutinen samordnas med planen mot kränkande behandling och beskriver anmälan till "
            "huvudmannen, utredning, åtgärder och uppföljning."
        ),
        "years": (2025, 2025),
        "type": "routine",
        "levels": ["selective", "indicated"],
        "areas": ["sexual_harassment"],
        "groups": ["children_young", "staff"],
        "lead": "utf",
        "co": [],
    },
    {
        "code": "3.2.1",
        "title": "Kunskap om grooming och digitalt våld för personal på fritidsgårdar",
        "intended_outcome": (
            "Personal på fritidsgårdar upptäcker grooming och digitalt våld och vet hur de ska "
            "agera."
        ),
        "description": (
            "Utbildningen tas fram tillsammans med polisen och tar upp hur vuxna tar kontakt med "
            "barn på nätet, spridning av bilder och hur en polisanmälan görs."
        ),
        "years": (2026, 2026),
        "type": "competence",
        "levels": ["selective"],
        "areas": ["grooming", "digital_violence"],
        "groups": ["staff", "children_young"],
        "lead": "kff",
        "co": ["polis"],
    },
    {
        "code": "3.2.2",
        "title": "Föräldraträffar om ungas liv på nätet",
        "intended_outcome": (
            "Föräldrar vet hur de kan prata med sina barn om nätet och vart de vänder sig när de "
            "är oroliga."
        ),
        "description": (
            "Träffar på bibliotek och skolor i anslutning till föräldramöten. Materialet finns "
            "på flera språk."
        ),
        "years": (2026, 2027),
        "type": "information",
        "levels": ["universal"],
        "areas": ["grooming", "digital_violence"],
        "groups": ["parents"],
        "lead": "elev",
        "co": ["kff", "polis"],
    },
    {
        "code": "3.2.3",
        "title": "Stödsamtal för unga som utsatts för våld i en parrelation",
        "intended_outcome": (
            "Unga som utsatts för våld av en pojkvän, flickvän eller partner får stöd snabbt och "
            "på ett sätt som passar dem."
        ),
        "description": (
            "Våldsstödsteamet och ungdomsmottagningen erbjuder samtal på drop-in och via chatt. "
            "Ungdomsmottagningen hänvisar vidare när den unga behöver skydd."
        ),
        "years": "continuous",
        "type": "support_protection",
        "levels": ["indicated"],
        "areas": ["youth_relationships", "sexual_violence"],
        "groups": ["children_young"],
        "lead": "vst",
        "co": ["region"],
    },
    {
        "code": "4.1",
        "title": "Rutin vid misstanke om sex mot ersättning eller människohandel",
        "intended_outcome": (
            "Medarbetare vet vad de ska göra när de misstänker att någon säljer sex, utnyttjas "
            "sexuellt eller utsätts för människohandel."
        ),
        "description": (
            "Rutinen gäller både barn och vuxna och beskriver kontakten med polisen och med den "
            "regionala samordnaren mot prostitution och människohandel."
        ),
        "years": (2025, 2026),
        "type": "routine",
        "levels": ["indicated"],
        "areas": ["prostitution_trafficking", "child_sexual_exploitation"],
        "groups": ["staff"],
        "lead": "sof",
        "co": ["polis"],
    },
    {
        "code": "4.2",
        "title": "Utbildning om sex mot ersättning för personal som möter unga",
        "intended_outcome": (
            "Personal i skola, fritid och socialtjänst ser att sex mot ersättning kan vara ett "
            "sätt att skada sig själv och vågar fråga."
        ),
        "description": (
            "Våldsstödsteamet håller utbildningen för elevhälsan, fritidsgårdarna och "
            "socialtjänstens ungdomsverksamhet. Den tar också upp exploatering via sociala medier."
        ),
        "years": (2026, 2027),
        "type": "competence",
        "levels": ["selective"],
        "areas": ["child_sexual_exploitation", "prostitution_trafficking"],
        "groups": ["staff"],
        "lead": "vst",
        "co": ["utf", "kff"],
    },
    {
        "code": "4.3",
        "title": "Stöd till den som vill lämna prostitution",
        "intended_outcome": (
            "Den som säljer sex eller har utnyttjats får stöd med boende, ekonomi och hälsa."
        ),
        "description": (
            "Socialtjänsten samverkar med regionens mottagning för sexuell hälsa och med "
            "kvinnojouren. Stödet ges utan krav på att personen polisanmäler."
        ),
        "years": "continuous",
        "type": "support_protection",
        "levels": ["indicated"],
        "areas": ["prostitution_trafficking"],
        "groups": ["adults"],
        "lead": "ifo",
        "co": ["region", "jour"],
    },
    {
        "code": "4.4",
        "title": "Kommunens avtal och evenemang tar avstånd från köp av sexuella tjänster",
        "intended_outcome": (
            "Kommunen bidrar inte till köp av sexuella tjänster eller till att kvinnors kroppar "
            "exploateras i reklam och vid evenemang."
        ),
        "description": (
            "En skrivning förs in i kommunens riktlinjer för tjänsteresor, upphandling och "
            "sponsring. Reklam på kommunens ytor granskas mot riktlinjer om könsdiskriminerande "
            "reklam."
        ),
        "years": (2027, 2027),
        "type": "routine",
        "levels": ["universal"],
        "areas": ["commercial_exploitation", "prostitution_trafficking"],
        "groups": ["staff", "public"],
        "lead": "klf",
        "co": ["kff"],
    },
    {
        "code": "5.1",
        "title": "Samverkansgruppen mot våld träffas varje kvartal",
        "intended_outcome": (
            "Aktörerna har en gemensam lägesbild och löser hinder i samverkan tillsammans."
        ),
        "description": (
            "Samordnaren kallar. I gruppen ingår nyckelpersoner från alla förvaltningar, AB "
            "Älvbyhem, polisen, regionen, räddningstjänsten och kvinnojouren. Varje möte tar upp "
            "hur arbetet med handlingsplanen går."
        ),
        "years": "continuous",
        "type": "collaboration",
        "levels": [],
        "areas": ["close_relationships_women", "honour", "sexual_violence"],
        "groups": ["staff"],
        "lead": "samverkan",
        "co": ["sof", "polis", "jour"],
    },
    {
        "code": "5.2",
        "title": "Årlig uppföljning av handlingsplanen i alla nämnder",
        "intended_outcome": (
            "Varje nämnd vet hur långt den har kommit, och kommunstyrelsen får en samlad bild "
            "varje år."
        ),
        "description": (
            "Uppföljningen görs i januari med en enkät per förvaltning som bara innehåller den "
            "egna förvaltningens aktiviteter. Resultatet redovisas för kommunstyrelsen i mars."
        ),
        "years": "continuous",
        "type": "statistics",
        "levels": [],
        "areas": [],
        "groups": ["staff"],
        "lead": "klf",
        "co": ["sof"],
    },
    {
        "code": "5.3",
        "title": "Statistik om hedersrelaterat våld, utreseförbud och orosanmälningar",
        "intended_outcome": (
            "Kommunen vet hur ofta hedersrelaterat våld förekommer i ärendena och kan planera "
            "insatser efter det."
        ),
        "description": (
            "Individ- och familjeomsorgen sammanställer varje år antalet ärenden som rör "
            "hedersrelaterat våld, orosanmälningar och ansökningar om utreseförbud, uppdelat på "
            "kön och åldersgrupp. Inga uppgifter om enskilda personer lämnas."
        ),
        "years": "continuous",
        "type": "statistics",
        "levels": [],
        "areas": ["honour", "taken_abroad"],
        "groups": [],
        "lead": "ifo",
        "co": ["sof"],
    },
    {
        "code": "5.4",
        "title": "Medarbetarenkät om kunskap och rutiner",
        "intended_outcome": (
            "Kommunen vet om kunskapen ökar och om rutinen vid misstanke om våld är känd."
        ),
        "description": (
            "Enkäten skickas 2025 och 2027 till medarbetare i socialtjänst, skola, vård och "
            "omsorg och fritid. Resultatet ger värdet för mått M2."
        ),
        "years": (2025, 2027),
        "type": "statistics",
        "levels": [],
        "areas": [],
        "groups": ["staff"],
        "lead": "sof",
        "co": ["klf"],
    },
    {
        "code": "5.5",
        "title": "Uppmärksamma den internationella dagen mot våld mot kvinnor",
        "intended_outcome": (
            "Fler invånare vet att våld inte är en privatsak och var man kan få hjälp."
        ),
        "description": (
            "Varje år den 25 november: utställning på biblioteket, information i kommunens "
            "kanaler och en öppen föreläsning tillsammans med kvinnojouren."
        ),
        "years": "continuous",
        "type": "information",
        "levels": ["universal"],
        "areas": ["close_relationships_women", "sexual_violence"],
        "groups": ["public"],
        "lead": "kff",
        "co": ["klf", "jour"],
    },
]

# A draft revision made from the adopted version, to show what revising a plan looks like.
REVISION = {
    "label": "2025–2028 (revidering 2026)",
    "change_summary": "\n".join(
        [
            "Förslag till revidering efter uppföljningen 2025.",
            "Ny aktivitet 3.2.4: lektioner om grooming och digitalt våld i årskurs 5–6.",
            "Målvärdet för mått M1 höjs från 80 till 90 procent, eftersom fler än väntat har "
            "gått grundutbildningen.",
            "Aktivitet 1.4.3 om eftervåld förlängs till och med 2027.",
            "Kultur- och fritidsförvaltningen lämnar också statistik om hur många på "
            "fritidsgårdarna som gått grund- och fördjupningsutbildningen.",
        ]
    ),
    "indicator_targets": {"M1": "90"},
    "statistic_assignments": [
        ("staff_basic_training", "kff"),
        ("staff_advanced_training", "kff"),
        ("staff_target_group", "kff"),
    ],
    "activity_years": {"1.4.3": (2026, 2027)},
    "new_activities": [
        {
            "code": "3.2.4",
            "title": "Lektioner om grooming och digitalt våld i årskurs 5–6",
            "intended_outcome": (
                "Yngre elever känner igen när en vuxen försöker få kontakt på nätet och vet att "
                "de ska berätta för en vuxen de litar på."
            ),
            "description": (
                "Elevhälsan och polisen tar fram två lektioner som klasslärarna håller. "
                "Vårdnadshavare får information före lektionerna."
            ),
            "years": (2026, 2027),
            "type": "prevention_programme",
            "levels": ["universal"],
            "areas": ["grooming", "digital_violence"],
            "groups": ["children_young"],
            "lead": "elev",
            "co": ["polis"],
        }
    ],
}

USERS = [
    {
        "username": "samordnare",
        "email": "lena.forsberg@alvby.example",
        "first_name": "Lena",
        "last_name": "Forsberg",
        "role": "coordinator",
        "actors": [],
    },
    {
        "username": "rapportor.utbildning",
        "email": "erik.sandberg@alvby.example",
        "first_name": "Erik",
        "last_name": "Sandberg",
        "role": "reporter",
        "actors": ["utf", "elev"],
    },
    {
        "username": "rapportor.social",
        "email": "amina.haddad@alvby.example",
        "first_name": "Amina",
        "last_name": "Haddad",
        "role": "reporter",
        "actors": ["sof", "ifo"],
    },
    {
        "username": "lasare",
        "email": "gunnar.holm@alvby.example",
        "first_name": "Gunnar",
        "last_name": "Holm",
        "role": "reader",
        "actors": [],
    },
    {
        "username": "admin",
        "email": "sara.wikstrom@alvby.example",
        "first_name": "Sara",
        "last_name": "Wikström",
        "role": "administrator",
        "actors": [],
        "is_staff": True,
    },
]


def demo_municipality() -> Municipality | None:
    return Municipality.objects.filter(code=MUNICIPALITY["code"]).first()


def demo_sign_ins() -> list[tuple[str, str]]:
    """(role label, username) for every demo user, reporters with the actors they answer for."""
    names = {actor["key"]: actor["name"] for actor in ACTORS}
    sign_ins = []
    for user in USERS:
        label = str(User.Role(user["role"]).label)
        if user["actors"]:
            label = f"{label} ({', '.join(names[key] for key in user['actors'])})"
        sign_ins.append((label, user["username"]))
    return sign_ins


@transaction.atomic
def demo_load(*, reset: bool = False) -> Municipality:
    """Load the demo municipality. Does nothing if it exists, unless reset=True."""
    existing = demo_municipality()
    if existing is not None:
        if not reset:
            return existing
        _demo_delete(existing)

    municipality = _saved(Municipality(**MUNICIPALITY))
    actors = _create_actors(municipality)
    terms = _create_terms(municipality)
    statistics = _create_statistics(municipality)
    version = plan_create(
        municipality=municipality,
        title=PLAN["title"],
        version_label=PLAN["version_label"],
        valid_from=PLAN["valid_from"],
        valid_to=PLAN["valid_to"],
    )
    version.plan.full_clean()
    version.change_summary = PLAN["change_summary"]
    _saved(version)
    _create_content(version, actors=actors, terms=terms)
    _assign_statistics(version, STATISTIC_ASSIGNMENTS, actors=actors, statistics=statistics)
    adopted = plan_version_adopt(version=version, **PLAN["adoption"])
    adopted.full_clean()
    _create_revision(adopted, actors=actors, terms=terms, statistics=statistics)
    _create_users(municipality, actors=actors)
    return municipality


def _demo_delete(municipality: Municipality) -> None:
    """Delete in an order the PROTECT relations allow: plans (with their responsibilities,
    indicators' reporters and statistic assignments), users, then actors from the leaves up,
    then the municipality with its terms and statistics."""
    # Follow-up rounds protect the plan's activities and actors: they go first. Imported
    # here because the follow-up builds on plans, not the other way round.
    from followup.models import FollowUpRound
    from reports.models import PublishedReport

    PublishedReport.objects.filter(round__version__plan__municipality=municipality).delete()
    FollowUpRound.objects.filter(version__plan__municipality=municipality).delete()
    Plan.objects.filter(municipality=municipality).delete()
    User.objects.filter(municipality=municipality).delete()
    actors = Actor.objects.filter(municipality=municipality)
    while actors.exists():
        deleted, _details = actors.filter(children__isnull=True).delete()
        if not deleted:
            raise RuntimeError("The demo actors' parents form a cycle; delete them by hand.")
    municipality.delete()


def _saved(instance: models.Model) -> models.Model:
    instance.full_clean()
    instance.save()
    return instance


def _create_actors(municipality: Municipality) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    for row in ACTORS:
        actors[row["key"]] = _saved(
            Actor(
                municipality=municipality,
                parent=actors[row["parent"]] if "parent" in row else None,
                kind=row["kind"],
                name=row["name"],
                short_name=row["short_name"],
            )
        )
    return actors


def _create_terms(municipality: Municipality) -> dict[tuple[str, str], Term]:
    for row in LOCAL_TERMS:
        _saved(Term(municipality=municipality, **row))
    available = Term.objects.filter(Q(municipality=None) | Q(municipality=municipality))
    return {(term.kind, term.code): term for term in available}


def _create_statistics(municipality: Municipality) -> dict[str, Statistic]:
    """The national statistics and the municipality's own, by code."""
    for row in LOCAL_STATISTICS:
        _saved(Statistic(municipality=municipality, **row))
    available = Statistic.objects.filter(Q(municipality=None) | Q(municipality=municipality))
    return {statistic.code: statistic for statistic in available}


def _assign_statistics(
    version: PlanVersion,
    pairs: list[tuple[str, str]],
    *,
    actors: dict[str, Actor],
    statistics: dict[str, Statistic],
) -> None:
    for code, actor_key in pairs:
        assignment = StatisticAssignment(
            version=version, statistic=statistics[code], actor=actors[actor_key]
        )
        assignment.full_clean()
        assignment.save()


def _create_content(
    version: PlanVersion, *, actors: dict[str, Actor], terms: dict[tuple[str, str], Term]
) -> None:
    # Positions count among siblings, as the services that move items expect.
    goals: dict[str, Goal] = {}
    goal_positions: Counter[str] = Counter()
    for row in GOALS:
        parent_code = _parent_code(row["code"])
        position = goal_positions[parent_code]
        goal_positions[parent_code] += 1
        goals[row["code"]] = _saved(
            Goal(
                version=version,
                parent=goals.get(parent_code),
                code=row["code"],
                title=row["title"],
                description=row["description"],
                conditions="\n".join(row["conditions"]),
                position=position,
            )
        )
    indicator_positions: Counter[str] = Counter()
    for row in INDICATORS:
        position = indicator_positions[row["goal"]]
        indicator_positions[row["goal"]] += 1
        (baseline_year, baseline_value), (target_year, target_value) = (
            row["baseline"],
            row["target"],
        )
        indicator = _saved(
            Indicator(
                version=version,
                goal=goals[row["goal"]],
                code=row["code"],
                title=row["title"],
                definition=row["definition"],
                unit=row["unit"],
                direction=row["direction"],
                baseline_year=baseline_year,
                baseline_value=baseline_value,
                target_year=target_year,
                target_value=target_value,
                source=row["source"],
                kolada_kpi=row.get("kolada_kpi", ""),
                by_gender=row.get("by_gender", False),
                position=position,
            )
        )
        indicator.reported_by.set([actors[key] for key in row.get("reported_by", [])])
    activity_positions: Counter[str] = Counter()
    for row in ACTIVITIES:
        goal_code = _parent_code(row["code"])
        position = activity_positions[goal_code]
        activity_positions[goal_code] += 1
        goal = goals[goal_code]
        _create_activity(version, goal, row, position=position, actors=actors, terms=terms)


def _create_activity(
    version: PlanVersion,
    goal: Goal,
    row: dict,
    *,
    position: int,
    actors: dict[str, Actor],
    terms: dict[tuple[str, str], Term],
) -> Activity:
    continuous = row["years"] == "continuous"
    start_year, end_year = (None, None) if continuous else row["years"]
    activity = _saved(
        Activity(
            version=version,
            goal=goal,
            code=row["code"],
            title=row["title"],
            intended_outcome=row["intended_outcome"],
            description=row["description"],
            start_year=start_year,
            end_year=end_year,
            continuous=continuous,
            activity_type=terms[("activity_type", row["type"])],
            position=position,
        )
    )
    activity.prevention_levels.set([terms[("prevention_level", c)] for c in row["levels"]])
    activity.violence_areas.set([terms[("violence_area", c)] for c in row["areas"]])
    activity.target_groups.set([terms[("target_group", c)] for c in row["groups"]])
    activity_set_responsibilities(
        activity=activity,
        lead=actors[row["lead"]],
        co_actors=[actors[key] for key in row["co"]],
    )
    for responsibility in activity.responsibilities.all():
        responsibility.full_clean()
    return activity


def _create_revision(
    adopted: PlanVersion,
    *,
    actors: dict[str, Actor],
    terms: dict[tuple[str, str], Term],
    statistics: dict[str, Statistic],
) -> PlanVersion:
    draft = plan_version_copy(version=adopted, label=REVISION["label"])
    draft.change_summary = REVISION["change_summary"]
    _saved(draft)
    # The adopted version's statistic assignments, unless the copy service brought them along.
    copied = set(draft.statistic_assignments.values_list("statistic_id", "actor_id"))
    missing = [
        (code, actor_key)
        for code, actor_key in STATISTIC_ASSIGNMENTS
        if (statistics[code].pk, actors[actor_key].pk) not in copied
    ]
    _assign_statistics(
        draft,
        [*missing, *REVISION["statistic_assignments"]],
        actors=actors,
        statistics=statistics,
    )
    for code, target_value in REVISION["indicator_targets"].items():
        indicator = draft.indicators.get(code=code)
        indicator.target_value = target_value
        _saved(indicator)
    for code, (start_year, end_year) in REVISION["activity_years"].items():
        activity = draft.activities.get(code=code)
        activity.start_year, activity.end_year = start_year, end_year
        _saved(activity)
    for row in REVISION["new_activities"]:
        goal = draft.goals.get(code=_parent_code(row["code"]))
        position = next_position(Activity.objects.filter(goal=goal))
        _create_activity(draft, goal, row, position=position, actors=actors, terms=terms)
    # The copy was written by the service; check it against the models' rules too.
    copied = [
        *draft.goals.all(),
        *draft.indicators.all(),
        *draft.activities.all(),
        *Responsibility.objects.filter(activity__version=draft),
        *draft.statistic_assignments.all(),
    ]
    for item in copied:
        item.full_clean()
    return draft


def _create_users(municipality: Municipality, *, actors: dict[str, Actor]) -> None:
    for row in USERS:
        user = User(
            username=row["username"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=row["email"],
            municipality=municipality,
            role=row["role"],
            is_staff=row.get("is_staff", False),
        )
        validate_password(DEMO_PASSWORD, user)
        user.set_password(DEMO_PASSWORD)
        _saved(user)
        user.actors.set([actors[key] for key in row["actors"]])


def _parent_code(code: str) -> str:
    return code.rpartition(".")[0]
