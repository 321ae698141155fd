"""Demo data: the four Regional Alliances listed at the end of the guide, each at its own stage.

The organisations, their sectors and websites are the guide's (France, Ireland, the Netherlands,
Sweden). The people are invented (names suited to the country, e-mails on reserved
``example.org`` sub-domains); coordinates are those of the towns, for the mapping exercise. Free
text is in each alliance's working language (English, French, Dutch, Swedish), as its members
would write it; names of places and organisations stay as they are.

Every date is placed relative to ``today``: the work plan of each alliance started some months
ago and lasts 24 months, and every other date is a number of months after that start, so the
demo looks alive whatever the date. Each alliance is built only through the service layer and
moved stage by stage with ``advance_stage``, so it genuinely passes the guide's gates; the only
waiver is France's, whose metropolitan area needs more partners than the guide's 8-12.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.errors import NotFound
from alliance_flow.i18n import _, use_language
from alliance_flow.services import alliances, items, meetings, planning, stages
from alliance_flow.vocabulary import Stage

WORK_PLAN_MONTHS = 24
WORKSHOP_MONTH = 2  # the initiation workshop; members join on that day by default

SA, SC, EI = "social_action", "socio_cultural_sports", "economic_insertion"


class Org(NamedTuple):
    """A row of the stakeholder research table, with the guide's sector and website."""

    name: str
    sectors: str
    group: str
    website: str | None
    address: str
    lat: float
    lon: float
    influence: str = "medium"


class Person(NamedTuple):
    """A representative; ``organisation=None`` is an individual speaking for a community."""

    name: str
    organisation: str | None
    roles: str = ""
    joined: int | None = WORKSHOP_MONTH  # months after the start; None: still a candidate
    left: int | None = None
    level: str = "acting_together"
    authority_from: str | None = None  # who must grant the authority to be involved, if needed


class Meet(NamedTuple):
    kind: str
    month: int
    title: str
    place: str
    host: str
    minutes: str | None = None  # used once the meeting is in the past
    actions: tuple[tuple[str, str, int], ...] = ()  # (what, who, due month)
    absent: tuple[str, ...] = ()


class Action(NamedTuple):
    action: str
    local_problem: str
    description: str
    owner: str
    starts: int
    ends: int
    budget: int
    resources: str
    obstacles: str
    obstacle_plan: str
    collaborators: str
    measurable: str


class Charter(NamedTuple):
    #: lines added to the guide's charter (msgids, written in the alliance's language)
    text: tuple[str, ...]
    adopted: int
    unsigned: tuple[str, ...] = ()


@dataclass(frozen=True)
class Demo:
    slug: str
    stage: Stage
    started_months_ago: int
    alliance: dict[str, Any]
    mail_domain: str
    organisations: list[Org]
    people: list[Person]
    briefing: dict[str, Any]
    meetings: list[Meet]
    #: month (after the start) at which each passed stage was left
    advanced: dict[Stage, int]
    waivers: dict[Stage, list[tuple[str, str]]] = field(default_factory=dict)
    sector_profiles: list[dict[str, Any]] = field(default_factory=list)
    research: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[tuple[str, str, int, str]] = field(default_factory=list)
    gaps: list[tuple[str, int, str]] = field(default_factory=list)
    vision_month: int | None = None
    actions: list[Action] = field(default_factory=list)
    charters: list[Charter] = field(default_factory=list)
    communication: list[dict[str, Any]] = field(default_factory=list)
    publications: list[tuple[str, str, int, str]] = field(default_factory=list)
    evaluations: list[dict[str, Any]] = field(default_factory=list)


# The guide's agenda annex and the initiation-workshop programme of its invitation annex, in
# each alliance's working language (as the dashboard prefills an agenda).
AGENDAS = {
    "initiation_workshop": tuple(text for text, _minutes in meetings.WORKSHOP_AGENDA),
    "plenary": tuple(text for text, _minutes in meetings.STANDARD_AGENDA),
    "workshop": tuple(text for text, _minutes in meetings.STANDARD_AGENDA),
}

#: The guide's charter, then the one Bordeaux adopts next (with a confidentiality line); each is
#: written in the alliance's working language when loaded.
CHARTER_V1: tuple[str, ...] = ()
CHARTER_V2: tuple[str, ...] = (planning.CHARTER_CONFIDENTIALITY,)

#: An action's deadline and the note on a sector-profile programme's website, in each
#: alliance's working language (demo content, not interface text: no catalog entry).
BY = {"en": "By {day}", "fr": "D'ici le {day}", "nl": "Uiterlijk {day}", "sv": "Senast {day}"}
SECTOR_PROFILE_WEBSITE = {
    "en": "Website of a programme in the sector profile.",
    "fr": "Site web d'un programme du profil du secteur.",
    "nl": "Website van een programma uit het sectorprofiel.",
    "sv": "Webbplats för ett program i sektorprofilen.",
}

# ---------------------------------------------------------------------------------------------
# Ireland: County Roscommon, at the launch stage (no secretary yet, three plenaries scheduled).
# ---------------------------------------------------------------------------------------------
# fmt: off
IRELAND = Demo(
    slug="roscommon",
    stage=Stage.LAUNCH,
    started_months_ago=4,
    alliance={
        "name": "Roscommon Regional Alliance",
        "country": "IE",
        "region": "County Roscommon",
        "region_boundary": "The administrative county of Roscommon, including Ballaghaderreen, "
        "where refugee families have been resettled since 2017.",
        "language": "en",
        "timezone": "Europe/Dublin",
        "accountable": "Roscommon County Council, Community Development Section",
        "communication_channels": "group e-mail, shared drive, monthly call",
    },
    mail_domain="roscommon.example.org",
    organisations=[
        Org("Roscommon County Council", SA, "public_authority",
            "http://www.roscommoncoco.ie/en/", "Roscommon", 53.6311, -8.1897, "high"),
        Org("County Roscommon Refugee Resettlement Programme", SA, "ngo",
            "http://www.rosleaderpartnership.ie/"
            "?pagid=county-roscommon-refugee-resettlement-programme",
            "Roscommon", 53.6330, -8.1850, "high"),
        Org("TUSLA", SA, "public_authority", "https://www.tusla.ie", "Dublin",
            53.3441, -6.2935, "high"),
        Org("Ballaghaderreen Family Resource Centre", SA, "community_network",
            "https://www.facebook.com/pages/category/Community-Service/"
            "Ballaghaderreen-Family-Resource-Centre-319308348648265/",
            "Ballaghaderreen", 53.9010, -8.5790),
        Org("Northwest Roscommon Community Development Programme", SA, "community_network",
            "http://ballaghaderreen.com/nw-roscommon-community-development-programme/",
            "Ballaghaderreen", 53.9025, -8.5770),
        Org("Athlone Institute of Technology", EI, "educator", "https://www.ait.ie",
            "Athlone", 53.4194, -7.9035),
        Org("Galway Roscommon Education & Training Board (GRETB)", EI, "educator",
            "http://galwayroscommon.etb.ie", "Roscommon", 53.6290, -8.1870),
        # The guide lists no socio-cultural or sports structure for Ireland; Foroige's youth
        # clubs and projects are the nearest, so it is recorded in both of its sectors.
        Org("Foroige", f"{EI}, {SC}", "ngo", "https://www.foroige.ie", "Dublin",
            53.3340, -6.3760),
    ],
    people=[
        Person("Siobhán Kelly", "Roscommon County Council", "chair", level="deciding_together"),
        Person("Declan Murphy", "County Roscommon Refugee Resettlement Programme"),
        Person("Aoife Brennan", "TUSLA", level="consultation",
               authority_from="Area Manager, Tusla Midlands"),
        Person("Mary Flanagan", "Ballaghaderreen Family Resource Centre"),
        Person("Pádraig Regan", "Northwest Roscommon Community Development Programme"),
        Person("Niamh Gallagher", "Athlone Institute of Technology", level="consultation"),
        Person("Ciarán Duffy", "Galway Roscommon Education & Training Board (GRETB)"),
        Person("Gráinne Moran", "Foroige"),
        Person("Rania Haddad", None, level="deciding_together"),  # Syrian community
    ],
    briefing={
        "why": "To bring the agencies, community groups and resettled families of County "
        "Roscommon together around community mediation.",
        "regional_situation": "A rural county whose small towns have welcomed resettled "
        "refugee families and people in international protection; services are spread thin "
        "and far apart, and language and transport are daily obstacles.",
        "why_mediation": "Community mediators from the communities themselves can bridge "
        "families and services before misunderstandings turn into conflict.",
        "reasons": [
            "Share what each agency already does and avoid duplication",
            "Hear directly from resettled families about what works",
            "Train community mediators locally with GRETB and AIT",
            "Shape a county action plan that funders can support",
            "Join a European network of alliances (MCM) and learn from it",
        ],
        "expected_commitment": "Four or five plenary meetings over 18 months and a share in "
        "the county action plan.",
    },
    meetings=[
        Meet("initiation_workshop", WORKSHOP_MONTH, "Initiation workshop",
             "Roscommon Arts Centre, Roscommon", "Roscommon County Council",
             "The region is the whole county. Members agreed to invite the Irish Red Cross. "
             "Siobhán Kelly accepted the chair; the secretary will be named at the first "
             "plenary. Foresight exercise: transport, language, youth.",
             (("Circulate the draft terms of reference", "Siobhán Kelly", WORKSHOP_MONTH + 1),
              ("Propose a secretary", "Declan Murphy", 5)),
             absent=("Aoife Brennan",)),
        Meet("plenary", 5, "First plenary", "Ballaghaderreen Family Resource Centre",
             "Ballaghaderreen Family Resource Centre"),
        Meet("plenary", 9, "Second plenary", "GRETB, Roscommon", "GRETB"),
        Meet("plenary", 13, "Third plenary", "Athlone Institute of Technology", "AIT"),
    ],
    advanced={Stage.SCOPE: 1},
)
# fmt: on

# ---------------------------------------------------------------------------------------------
# Sweden: Kronoberg / Kalmar, at the analysis stage (research under way, gaps not yet).
# ---------------------------------------------------------------------------------------------
# fmt: off
SWEDEN = Demo(
    slug="kronoberg-kalmar",
    stage=Stage.ANALYSIS,
    started_months_ago=7,
    alliance={
        "name": "Regionala alliansen Kronoberg-Kalmar",
        "country": "SE",
        "region": "Kronobergs och Kalmar län",
        "region_boundary": "Kronobergs län (Växjö, Alvesta) och Kalmar län, med mötesplatsen i "
        "Kristianstad som inspirerade alliansen.",
        "language": "sv",
        "timezone": "Europe/Stockholm",
        "accountable": "Styrgruppen för Kronoberg tillsammans",
        "communication_channels": "gemensam mapp, gruppmejl, videomöte mellan plenarmötena",
    },
    mail_domain="kronoberg-kalmar.example.org",
    organisations=[
        Org("Urbana hembygdsgården", SA, "community_network",
            "https://www.kristianstad.se/sv/omsorg-och-hjalp/invandring-och-integration/"
            "aktiviteter/urbana-hembygdsgarden/", "Kristianstad", 56.0294, 14.1567),
        Org("Integra Kalmar", SA, "public_authority",
            "https://kalmar.se/omsorg-och-stod/invandring-och-integration/integra.html",
            "Kalmar", 56.6634, 16.3568, "high"),
        Org("Mötesplatsen Alvesta", SA, "public_authority",
            "https://www.alvesta.se/omsorg--stod/Integration/motesplats-centrum/",
            "Alvesta", 56.8992, 14.5559),
        Org("Gemenskap Kalmar", SA, "ngo", "https://gemenskapkalmar.se/", "Kalmar",
            56.6610, 16.3620),
        Org("Kronoberg tillsammans", f"{SA}, {SC}", "community_network",
            "https://kronobergtillsammans.se/integration/", "Växjö", 56.8777, 14.8091, "high"),
        Org("Internationella vänner", f"{SA}, {SC}", "ngo",
            "https://internationellavanner.se/om-oss/", "Växjö", 56.8790, 14.8050),
        Org("Svenska för alla", SA, "ngo",
            "https://swedish-for-all.se/ova-svenska-practice-swedish/", "Växjö",
            56.8760, 14.8120),
        Org("Väninnor till väninnor", SC, "community_network",
            "https://www.alvesta.se/omsorg--stod/Integration/vaninnor-till-vaninnor/"
            "vaninnor-till-vaninnor-i-kronoberg/", "Alvesta", 56.8985, 14.5570),
        Org("Friluftsfrämjandet", SC, "ngo", "https://www.friluftsframjandet.se/", "Växjö",
            56.8800, 14.8000),
        Org("Arbetsförmedlingen", EI, "public_authority",
            "https://arbetsformedlingen.se/for-arbetssokande/extra-stod/stod-a-o/"
            "arbetsmarknadsutbildning", "Växjö", 56.8770, 14.8060, "high"),
    ],
    people=[
        Person("Anna Lindqvist", "Kronoberg tillsammans", "chair", level="deciding_together"),
        Person("Erik Johansson", "Integra Kalmar", "secretary"),
        Person("Maria Nilsson", "Mötesplatsen Alvesta"),
        Person("Johan Berg", "Gemenskap Kalmar"),
        Person("Sara Holm", "Internationella vänner"),
        Person("Karin Ek", "Svenska för alla", level="consultation"),
        Person("Lena Sandberg", "Väninnor till väninnor"),
        Person("Oskar Lundgren", "Friluftsfrämjandet", level="consultation"),
        Person("Fredrik Wallin", "Arbetsförmedlingen", level="information",
               authority_from="Chefen för Arbetsförmedlingen i Växjö"),
        Person("Ingrid Persson", "Urbana hembygdsgården", level="information"),
        Person("Amina Yusuf", None, level="deciding_together"),  # Somali community, Växjö
    ],
    briefing={
        "why": "För att knyta samman de mötesplatser, föreningar och myndigheter som tar emot "
        "nyanlända i Kronoberg och Kalmar.",
        "regional_situation": "Nyanlända bosätter sig i små kommuner långt från de större "
        "städernas service; det finns många initiativ, men få känner till varandra.",
        "why_mediation": "Medlare som delar de nyanländas språk och erfarenheter hjälper dem "
        "att använda det som redan finns, och hjälper verksamheterna att förstå dem.",
        "reasons": [
            "Känna till varandras verksamheter och slussa människor mellan dem",
            "Nå nyanlända som ingen organisation når på egen hand",
            "Ge nyanlända en röst i hur verksamheterna utformas",
            "Förbereda gemensamma ansökningar om regional och europeisk finansiering",
            "Lära av MCM-projektets franska, irländska och nederländska allianser",
        ],
        "expected_commitment": "Fyra plenarmöten under 15 månader och ett bidrag till den "
        "regionala handlingsplanen.",
    },
    meetings=[
        Meet("initiation_workshop", WORKSHOP_MONTH, "Uppstartsworkshop", "Växjö Konsthall",
             "Kronoberg tillsammans",
             "Regionen fastställd (Kronoberg och Kalmar). Anna Lindqvist är ordförande, Erik "
             "Johansson sekreterare; Kronoberg tillsammans är huvudman. Nästa steg: "
             "sektorprofilen.",
             (("Samla befintliga program till sektorprofilen", "Erik Johansson", 4),
              ("Be Arbetsförmedlingen om dess regionala siffror", "Fredrik Wallin", 4))),
        Meet("plenary", 5, "Plenarmöte 1", "Integra, Kalmar", "Integra Kalmar",
             "Sektorprofilens första resultat presenterades; samråd planeras med länsstyrelsen "
             "och två kommuner.",
             (("Genomföra de återstående samråden", "Maria Nilsson", 7),),
             absent=("Oskar Lundgren",)),
        Meet("workshop", 8, "Workshop om luckor", "Mötesplatsen Alvesta", "Mötesplatsen Alvesta"),
        Meet("plenary", 9, "Plenarmöte 2", "Mötesplatsen Alvesta", "Mötesplatsen Alvesta"),
        Meet("plenary", 13, "Plenarmöte 3", "Gemenskap Kalmar", "Gemenskap Kalmar"),
        Meet("plenary", 17, "Plenarmöte 4", "Kronoberg tillsammans, Växjö",
             "Kronoberg tillsammans"),
    ],
    advanced={Stage.SCOPE: 1, Stage.LAUNCH: 3},
    sector_profiles=[
        {"programme": "Informationsverige", "initiators": "Länsstyrelserna",
         "kind": "Flerspråkig informationswebbplats", "cost": "Kostnadsfritt",
         "objectives": "Förklara det svenska samhället för nyanlända på deras egna språk",
         "availability_limits": "Endast på nätet", "obstacles": "Kräver digital vana",
         "url": "https://www.informationsverige.se/sv/"},
        {"programme": "Kurser att gå: svenskkurser", "initiators": "kurser.se",
         "kind": "Kurskatalog", "cost": "Varierar mellan kurserna",
         "objectives": "Hitta en svenskkurs nära dig",
         "availability_limits": "Få kurser utanför de större orterna",
         "obstacles": "Svåra att jämföra", "url": "https://www.kurser.se/kurs/svenska"},
        {"programme": "Antagning: alla utbildningar", "initiators": "antagning.se",
         "kind": "Antagningsportal", "cost": "Kostnadsfritt",
         "objectives": "Söka till gymnasieskola och vuxenutbildning",
         "availability_limits": "Blanketter endast på svenska", "obstacles": "Utländska betyg",
         "url": "https://www.antagning.se/se/start"},
    ],
    research=[
        {"title": "Arbetsförmedlingen: arbetsmarknadsutbildning",
         "kind": "government_report",
         "url": "https://arbetsformedlingen.se/for-arbetssokande/extra-stod/stod-a-o/"
         "arbetsmarknadsutbildning", "month": 3},
        {"title": "Guide för regionala allianser, projektet Migrant Community Mediators (MCM)",
         "kind": "research", "month": 3},
    ],
    consultations=[
        ("Gunilla Ström", "Länsstyrelsen Kronoberg", 4, "Samhällsorientering och mottagande."),
        ("Mohammed Ali", "Integra Kalmar", 5, "Språkcaféerna är fulla; det finns väntelistor."),
        ("Per Axelsson", "Alvesta kommun", 6, "Resorna från byarna begränsar deltagandet."),
    ],
)
# fmt: on

# ---------------------------------------------------------------------------------------------
# France: Bordeaux metropolitan area, at the planning stage (14 members, size waived; two
# members have not yet signed charter v2).
# ---------------------------------------------------------------------------------------------
# fmt: off
FRANCE = Demo(
    slug="bordeaux",
    stage=Stage.PLANNING,
    started_months_ago=12,
    alliance={
        "name": "Alliance régionale Bordeaux Métropole",
        "country": "FR",
        "region": "Métropole bordelaise",
        "region_boundary": "Cinq communes de Bordeaux Métropole : Bordeaux, Bègles, "
        "Lormont, Cenon et Villenave-d'Ornon.",
        "language": "fr",
        "timezone": "Europe/Paris",
        "accountable": "Fondation COS Alexandre Glasberg",
        "communication_channels": "liste de diffusion, dossier partagé en ligne, groupe de "
        "messagerie, réunion téléphonique toutes les six semaines",
        "vision": "Chaque personne nouvellement arrivée dans la métropole bordelaise peut compter "
        "sur un médiateur de sa communauté pour accéder aux services et à la vie de quartier "
        "dont elle a besoin.",
    },
    mail_domain="bordeaux.example.org",
    organisations=[
        # The guide spells it "Gasberg".
        Org("Fondation COS Alexandre Glasberg", SA, "ngo", "https://www.fondationcos.org/",
            "Bordeaux", 44.8378, -0.5792, "high"),
        Org("CADA de Bordeaux (Groupe SOS)", SA, "ngo",
            "https://www.groupe-sos.org/structures/1196/CADA_de_Bordeaux", "Bordeaux",
            44.8500, -0.5700),
        Org("CADA de Bègles (France terre d'asile)", SA, "ngo",
            "https://www.france-terre-asile.org/accueil/etablissement/cada-de-begles", "Bègles",
            44.8086, -0.5478),
        Org("CADA COS Quancard", SA, "ngo",
            "https://www.fondationcos.org/centre-daccueil-pour-demandeurs-dasile-cada-cos-quancard",
            "Villenave-d'Ornon", 44.7806, -0.5658),
        Org("Centre d'Insertion Sociale et Economique (CISE) de Cenon", SA, "social_worker",
            None, "Cenon", 44.8575, -0.5317),
        Org("CCAS de Bègles", SA, "public_authority", None, "Bègles", 44.8070, -0.5490,
            "high"),
        Org("CLAP Sud-Ouest", SA, "ngo", "https://www.clap-so.org/le-clap-sud-ouest/",
            "Bordeaux", 44.8410, -0.5750),
        Org("CLAP Sud-Ouest, secteur Médiation", SA, "mediator",
            "https://www.clap-so.org/les-secteurs/mediation/", "Lormont", 44.8792, -0.5217),
        Org("Équipe médiation de la mairie de Lormont", SA, "mediator", None, "Lormont",
            44.8780, -0.5230),
        Org("Agence PLACE", SA, "community_network", "https://place-reflex.org", "Bègles",
            44.8100, -0.5460),
        Org("Le SQUID, centre social autogéré", SC, "community_network",
            "https://squid.frama.site/", "Bordeaux", 44.8600, -0.5650),
        Org("Centre social et culturel de l'Estey", SC, "community_network",
            "https://estey.mairie-begles.fr/", "Bègles", 44.8050, -0.5400),
        Org("Association DIDEE, centre social et culturel", SC, "community_network",
            "https://asso-didee.org/lassociation-d-i-d-e-e/", "Lormont", 44.8760, -0.5190),
        Org("Centre social et culturel La Colline", SC, "community_network",
            "http://csc-lacolline.com/", "Cenon", 44.8560, -0.5290),
        Org("Centre social et culturel Réseau Paul Bert", SC, "community_network",
            "https://www.facebook.com/reseau.bert", "Bordeaux", 44.8330, -0.5700),
        Org("Ovale Citoyen", SC, "ngo", "https://ovalecitoyen.fr/", "Bordeaux", 44.8290,
            -0.5600),
        Org("AFL Bastide", SC, "community_network", "https://www.aflbastide.com/",
            "Bordeaux Bastide", 44.8440, -0.5560),
        Org("Wanted Café", SC, "community_network",
            "https://www.facebook.com/wantedcafebordeaux/", "Bordeaux", 44.8360, -0.5730),
        Org("Les Balades alternatives", EI, "ngo", "https://bordeaux.alternative-urbaine.com/",
            "Bordeaux", 44.8390, -0.5770),
        Org("AIM Actions Inter Médiation", EI, "educator", "https://www.aim-formation.fr/",
            "Lormont", 44.8800, -0.5250),
    ],
    people=[
        Person("Claire Dubois", "Fondation COS Alexandre Glasberg", "chair",
               level="deciding_together"),
        Person("Mehdi Benali", "CADA de Bordeaux (Groupe SOS)", "secretary"),
        Person("Sophie Laurent", "CADA de Bègles (France terre d'asile)"),
        Person("Julien Moreau", "CADA COS Quancard"),
        Person("Nadia Belkacem", "Centre d'Insertion Sociale et Economique (CISE) de Cenon"),
        Person("Thomas Girard", "CCAS de Bègles", level="consultation",
               authority_from="Directrice du CCAS de Bègles"),
        Person("Amadou Diallo", "CLAP Sud-Ouest, secteur Médiation"),
        Person("Isabelle Roux", "Équipe médiation de la mairie de Lormont"),
        Person("Lucie Fontaine", "Agence PLACE", level="consultation"),
        Person("Karim Mansouri", "Le SQUID, centre social autogéré"),
        Person("Émilie Garnier", "Centre social et culturel de l'Estey"),
        Person("Fatou Sow", "Association DIDEE, centre social et culturel"),
        Person("Pierre Lefèvre", "AIM Actions Inter Médiation"),
        Person("Ahmad Rahimi", None, level="deciding_together"),  # Afghan community
        Person("Hugo Bernard", "Ovale Citoyen", joined=None),  # a candidate, not yet joined
    ],
    briefing={
        "why": "Coordonner autour de la médiation communautaire les nombreuses structures "
        "d'accueil, sociales et culturelles de la métropole.",
        "regional_situation": "Demandeurs d'asile et réfugiés sont hébergés dans cinq "
        "communes ; centres sociaux, centres d'accueil et médiateurs travaillent côte à côte "
        "sans plan commun.",
        "why_mediation": "Des médiateurs issus des communautés rendent les services accessibles "
        "et apaisent les tensions dans les quartiers, les écoles et les centres d'accueil.",
        "reasons": [
            "Orienter les personnes des centres d'accueil vers les centres sociaux sans rupture",
            "Mutualiser la formation des médiateurs avec l'AIM",
            "Donner aux communautés migrantes une place là où se prennent les décisions",
            "Rendre visible auprès des communes le travail des petites associations",
            "Bâtir un plan d'action métropolitain que les financeurs peuvent soutenir",
            "Échanger des pratiques avec les alliances irlandaise, néerlandaise et suédoise",
        ],
        "expected_commitment": "Quatre plénières sur 15 mois, un groupe de travail de votre "
        "choix et une contribution au plan d'action régional.",
    },
    meetings=[
        Meet("initiation_workshop", WORKSHOP_MONTH, "Atelier de lancement",
             "Fondation COS, Bordeaux", "Fondation COS Alexandre Glasberg",
             "Les cinq communes forment la région. Chaque partenaire de la liste du guide est "
             "invité à rester : 14 ont adhéré. Claire Dubois préside, Mehdi Benali est "
             "secrétaire, la Fondation COS est la structure porteuse.",
             (("Écrire à Ovale Citoyen et au Wanted Café", "Claire Dubois", 3),
              ("Créer le dossier partagé", "Mehdi Benali", 3))),
        Meet("plenary", 5, "Plénière 1", "Centre social La Colline, Cenon",
             "Centre social et culturel La Colline",
             "Profil du secteur et consultations présentés ; atelier des manques fixé au "
             "sixième mois.",
             (("Préparer l'atelier des manques", "Lucie Fontaine", 6),),
             absent=("Thomas Girard",)),
        Meet("workshop", 6, "Atelier des manques", "Agence PLACE, Bègles", "Agence PLACE",
             "Atelier animé : trois manques identifiés (voir l'analyse).",
             (("Rédiger les manques pour publication", "Lucie Fontaine", 8),)),
        Meet("plenary", 9, "Plénière 2", "DIDEE, Lormont",
             "Association DIDEE, centre social et culturel",
             "Vision adoptée ; charte v1 adoptée et signée ; plan d'action rédigé.",
             (("Compléter le tableau du plan d'action", "Mehdi Benali", 10),),
             absent=("Karim Mansouri", "Julien Moreau")),
        Meet("plenary", 13, "Plénière 3", "Centre social de l'Estey, Bègles",
             "Centre social et culturel de l'Estey"),
        Meet("plenary", 17, "Plénière 4", "Mairie de Lormont",
             "Équipe médiation de la mairie de Lormont"),
    ],
    advanced={Stage.SCOPE: 1, Stage.LAUNCH: 3, Stage.ANALYSIS: 7},
    waivers={
        Stage.LAUNCH: [
            (
                "launch.membership_size",
                "La métropole s'étend sur cinq communes et la liste de partenaires du guide pour "
                "Bordeaux dépasse 12 : l'alliance a besoin de chaque centre d'accueil, centre "
                "social et équipe de médiation pour atteindre les personnes qu'elle accompagne ; "
                "elle garde donc 14 membres et travaille en petits groupes entre les plénières.",
            )
        ]
    },
    sector_profiles=[
        {"programme": "Médiation sociale de Lormont", "initiators": "Mairie de Lormont",
         "kind": "Équipe municipale de médiation", "cost": "Budget municipal",
         "objectives": "Prévenir les conflits dans l'espace public et les cités",
         "availability_limits": "Lormont uniquement",
         "obstacles": "Pas de budget d'interprétariat"},
        {"programme": "Accompagnement des demandeurs d'asile en CADA",
         "initiators": "Groupe SOS, France terre d'asile, Fondation COS",
         "kind": "Accueil financé par l'État", "cost": "Gratuit pour les résidents",
         "objectives": "Hébergement et accompagnement social et juridique pendant la "
         "procédure d'asile",
         "availability_limits": "Résidents uniquement",
         "obstacles": "L'accompagnement s'arrête à la décision"},
        {"programme": "Formation de médiateurs", "initiators": "AIM Actions Inter Médiation",
         "kind": "Formation", "cost": "Payante, financement possible",
         "objectives": "Qualifier des médiateurs",
         "availability_limits": "Places limitées par session",
         "obstacles": "Niveau de français exigé"},
    ],
    research=[
        {"title": "Stratégie nationale pour l'accueil et l'intégration des réfugiés (2018)",
         "kind": "government_report", "month": 3},
        {"title": "Guide des alliances régionales, projet Migrant Community Mediators (MCM)",
         "kind": "research", "month": 3},
    ],
    consultations=[
        ("Marion Petit", "Préfecture de la Gironde, service de l'immigration", 4,
         "Capacités d'accueil et procédures dans le département."),
        ("Youssef Amrani", "Bordeaux Métropole, mission insertion", 4,
         "Liens avec les dispositifs d'accès à l'emploi."),
        ("Camille Perrin", "Mission locale des Hauts de Garonne", 5,
         "Jeunes réfugiés de 16 à 25 ans."),
    ],
    gaps=[
        ("Aucun budget d'interprétariat partagé entre les cinq communes", 6,
         "Atelier des manques"),
        ("L'accompagnement s'arrête quand un réfugié quitte le centre d'accueil", 6,
         "Atelier des manques"),
        ("Les médiateurs formés par l'AIM n'ont pas de réseau pour trouver un poste", 6,
         "Consultations"),
    ],
    vision_month=9,
    actions=[
        Action("Vivier d'interprètes-médiateurs communautaires",
               "Les familles ne peuvent pas expliquer leur situation aux services",
               "Recruter et former 12 médiateurs issus des principales communautés linguistiques",
               "Pierre Lefèvre", 11, 20, 18000, "Formation AIM ; salles du CCAS",
               "Financement du temps des médiateurs",
               "Candidater au fonds d'intégration du département",
               "CCAS de Bègles, Mairie de Lormont", "12 médiateurs formés d'ici le 20e mois"),
        Action("Sortie de CADA : un relais partagé",
               "L'accompagnement s'arrête quand les réfugiés quittent les centres d'accueil",
               "Un rendez-vous de relais avec un centre social pour chaque ménage qui quitte "
               "un CADA",
               "Sophie Laurent", 12, 22, 6000,
               "Temps de travail des équipes des CADA et des centres sociaux",
               "Un logiciel différent dans chaque structure",
               "Une fiche de relais papier d'une page",
               "CADA de Bordeaux, CADA COS Quancard, centres sociaux",
               "80 % des ménages sortants ont rencontré un centre social"),
        Action("Balades d'accueil dans le quartier",
               "Les personnes nouvellement arrivées ne connaissent pas leur quartier",
               "Balades mensuelles avec les centres sociaux", "Fatou Sow", 11, 23, 2500,
               "Bénévoles ; Les Balades alternatives", "Météo, renouvellement des bénévoles",
               "Solution de repli en intérieur ; deux bénévoles par balade",
               "Les Balades alternatives, Wanted Café", "10 balades, 150 participants"),
    ],
    charters=[
        Charter(CHARTER_V1, 9),
        Charter(
            CHARTER_V2,
            11,
            unsigned=("Julien Moreau", "Lucie Fontaine"),
        ),
    ],
    publications=[
        ("research", "Accueil et médiation dans la métropole bordelaise : état des lieux", 8,
         "https://bordeaux.example.org/etat-des-lieux"),
        ("action_plan", "Plan d'action régional de la métropole bordelaise", 11,
         "https://bordeaux.example.org/plan-d-action"),
    ],
)
# fmt: on

# ---------------------------------------------------------------------------------------------
# The Netherlands: Leeuwarden / Fryslân, at the dissemination stage (profile not published).
# ---------------------------------------------------------------------------------------------
# fmt: off
NETHERLANDS = Demo(
    slug="fryslan",
    stage=Stage.DISSEMINATION,
    started_months_ago=16,
    alliance={
        "name": "Regionale Alliantie Fryslân",
        "country": "NL",
        "region": "Leeuwarden en de provincie Fryslân",
        "region_boundary": "De provincie Fryslân, met Leeuwarden en Heerenveen als "
        "belangrijkste ontmoetingsplaatsen.",
        "language": "nl",
        "timezone": "Europe/Amsterdam",
        "accountable": "Gemeente Leeuwarden, als penvoerder",
        "communication_channels": "gedeelde map, groepsmail, appgroep",
        "vision": "Nieuwkomers in Fryslân vinden hun weg dankzij mentoren en bemiddelaars uit "
        "hun eigen gemeenschappen, en Friese organisaties leren van hen.",
    },
    mail_domain="fryslan.example.org",
    organisations=[
        Org("Gemeente Leeuwarden", SA, "public_authority", "https://www.leeuwarden.nl",
            "Leeuwarden", 53.2012, 5.7999, "high"),
        Org("Provincie Fryslân", SA, "public_authority", "https://www.fryslan.frl",
            "Leeuwarden", 53.2030, 5.7930, "high"),
        Org("Kruispunt", SA, "ngo", "https://www.onskruispunt.nl", "Leeuwarden",
            53.2000, 5.8050),
        Org("Amnesty Leeuwarden", SA, "ngo", "https://www.amnestyleeuwarden.nl",
            "Leeuwarden", 53.2040, 5.7960),
        Org("Mentorprogramma Friesland", SA, "educator",
            "https://www.mentorprogrammafriesland.nl/", "Leeuwarden", 53.2100, 5.8000),
        Org("European Center for Evidence-Based Mentoring", SA, "educator",
            "https://www.ecebmentoring.eu/", "Leeuwarden", 53.2090, 5.8010),
        Org("Stichting VerbindMij", SA, "ngo", "http://www.stichtingverbindmij.nl/",
            "Leeuwarden", 53.1980, 5.7900),
        Org("DBieb", SC, "community_network", "https://www.dbieb.nl", "Leeuwarden",
            53.2034, 5.7869),
        Org("Ontmoetingscentrum Jonge Ouders Heerenveen", SC, "community_network",
            "https://www.caleidoscoopheerenveen.nl/jeugd-en-jongeren/"
            "ontmoetingscentrum-jonge-ouders-ojo/", "Heerenveen", 52.9593, 5.9196),
        Org("Ontmoetingscentrum Jonge Ouders Leeuwarden", SC, "community_network",
            "https://www.amaryllisleeuwarden.nl/jongerenwerk/ontmoetingscentrum-jonge-ouders/",
            "Leeuwarden", 53.1950, 5.8100),
        Org("Bureau Zelfstandigen Fryslân", EI, "public_authority",
            "https://www.bureauzelfstandigenfryslan.nl", "Leeuwarden", 53.1990, 5.8020),
        Org("SpareSpace", EI, "ngo", "https://www.sparespace.org/", "Leeuwarden",
            53.2060, 5.7940),
        Org("Friesland College", EI, "educator", "https://www.frieslandcollege.nl",
            "Leeuwarden", 53.1920, 5.8000),
        Org("Pastiel", EI, "ngo", "https://www.pastiel.nl", "Leeuwarden", 53.2070, 5.8080),
    ],
    people=[
        Person("Anke de Vries", "Gemeente Leeuwarden", "chair",
               level="deciding_together"),
        Person("Sjoerd Hoekstra", "Provincie Fryslân", level="consultation"),
        Person("Marieke Visser", "Kruispunt", "secretary"),
        Person("Jelle Dijkstra", "Amnesty Leeuwarden", left=12),
        Person("Tamar Wiersma", "Amnesty Leeuwarden", joined=12),
        Person("Femke Bakker", "Mentorprogramma Friesland", "communications_officer",
               level="supporting_independent"),
        Person("Lars Postma", "European Center for Evidence-Based Mentoring"),
        Person("Noor Jansen", "Stichting VerbindMij"),
        Person("Hiske Meijer", "DBieb"),
        Person("Esther Kuipers", "Ontmoetingscentrum Jonge Ouders Heerenveen"),
        Person("Rianne Bosma", "Ontmoetingscentrum Jonge Ouders Leeuwarden"),
        Person("Wiebe Zijlstra", "Bureau Zelfstandigen Fryslân", level="consultation",
               authority_from="Directeur van Bureau Zelfstandigen Fryslân"),
        Person("Tesfay Gebremedhin", None, level="deciding_together"),  # Eritrean community
    ],
    briefing={
        "why": "Om mentoring, opvang en werktrajecten voor nieuwkomers in heel Fryslân op "
        "elkaar aan te laten sluiten.",
        "regional_situation": "Statushouders wonen verspreid over steden en dorpen in de "
        "provincie; mentor- en taalprogramma's zijn sterk in Leeuwarden, maar elders "
        "schaars.",
        "why_mediation": "Bemiddelaars en mentoren uit de gemeenschappen van nieuwkomers "
        "bouwen sneller vertrouwen op dan welke instantie ook op eigen kracht.",
        "reasons": [
            "Mentorprogramma's verbinden met de gemeentelijke inburgeringsdiensten",
            "Jonge ouders bereiken via de ontmoetingscentra",
            "Wegen openen naar zelfstandig ondernemerschap en beroepsonderwijs",
            "Kennis uit onderzoek naar mentoring in de lokale praktijk brengen",
            "Met één stem spreken richting de provincie",
        ],
        "expected_commitment": "Vier plenaire bijeenkomsten in 15 maanden en een trekker voor "
        "ten minste één actie.",
    },
    meetings=[
        Meet("initiation_workshop", WORKSHOP_MONTH, "Startbijeenkomst", "DBieb, Blokhuispoort",
             "DBieb",
             "Regio: de provincie. Anke de Vries is voorzitter, Marieke Visser secretaris; de "
             "gemeente is eindverantwoordelijk. Tien ideeën voor het actieplan verzameld.",
             (("De ideeënlijst rondsturen", "Marieke Visser", 3),)),
        Meet("plenary", 5, "Plenaire bijeenkomst 1", "Stadhuis Leeuwarden", "Gemeente Leeuwarden",
             "Sectorprofiel en consultaties besproken; workshop over lacunes gepland.",
             (("De workshop over lacunes organiseren", "Lars Postma", 6),),
             absent=("Sjoerd Hoekstra",)),
        Meet("workshop", 6, "Workshop: lacunes", "Friesland College", "Friesland College",
             "Twee lacunes vastgesteld: mentoring buiten Leeuwarden; werk voor jonge moeders.",
             (("Een samenvatting van het onderzoek opstellen", "Lars Postma", 8),)),
        Meet("plenary", 9, "Plenaire bijeenkomst 2", "OJO Heerenveen",
             "Ontmoetingscentrum Jonge Ouders Heerenveen",
             "Visie vastgesteld; handvest ondertekend; actieplan goedgekeurd voor publicatie.",
             (("Het actieplan publiceren", "Marieke Visser", 10),)),
        Meet("plenary", 13, "Plenaire bijeenkomst 3", "Provinsjehûs, Leeuwarden",
             "Provincie Fryslân",
             "Tamar Wiersma welkom geheten namens Amnesty. Communicatieplan vastgesteld; Femke "
             "Bakker is communicatieverantwoordelijke.",
             (("Het profiel van de alliantie voor de website schrijven", "Femke Bakker", 17),),
             absent=("Wiebe Zijlstra",)),
        Meet("plenary", 17, "Plenaire bijeenkomst 4", "Kruispunt, Leeuwarden", "Kruispunt"),
    ],
    advanced={Stage.SCOPE: 1, Stage.LAUNCH: 3, Stage.ANALYSIS: 7, Stage.PLANNING: 10},
    sector_profiles=[
        {"programme": "Mentorprogramma Friesland", "initiators": "NHL Stenden, vrijwilligers",
         "kind": "Eén-op-één-mentoring door studenten", "cost": "Gratis voor mentees",
         "objectives": "Jonge nieuwkomers ondersteunen op school en werk",
         "availability_limits": "Vooral in Leeuwarden",
         "obstacles": "Elk jaar wisselen veel mentoren"},
        {"programme": "Inburgering", "initiators": "Gemeenten",
         "kind": "Wettelijk programma", "cost": "Gratis voor statushouders",
         "objectives": "Taal en participatie", "availability_limits": "Alleen statushouders",
         "obstacles": "Lange wachttijden voor taallessen"},
    ],
    research=[
        {"title": "Wet inburgering 2021: evaluatierapporten", "kind": "government_report",
         "month": 4},
        {"title": "Onderzoek naar mentorprogramma's voor jongeren (ECEBM)", "kind": "research",
         "url": "https://www.ecebmentoring.eu/", "month": 4},
    ],
    consultations=[
        ("Willem Hofstra", "COA Leeuwarden", 4, "Capaciteit van het azc en overplaatsingen."),
        ("Saskia van der Meer", "Gemeente Heerenveen", 5, "Statushouders in de dorpen."),
    ],
    gaps=[
        ("Buiten Leeuwarden is mentoring schaars", 6, "Workshop over lacunes"),
        ("Jonge moeders hebben geen route naar werk of opleiding", 6, "Workshop over lacunes"),
    ],
    vision_month=9,
    actions=[
        Action("Mentoring in de dorpen", "Buiten Leeuwarden is mentoring schaars",
               "Samen met de bibliotheken mentoren werven in drie dorpen", "Lars Postma", 10, 22,
               9000, "Ruimtes in de bibliotheek; mentortraining door Mentorprogramma Friesland",
               "Afstand, werving van vrijwilligers", "Online mentorbijeenkomsten; lokale werving",
               "DBieb, gemeenten", "30 mentorkoppels buiten Leeuwarden"),
        Action("Jonge moeders aan het werk",
               "Jonge moeders hebben geen route naar werk of opleiding",
               "Cursussen met kinderopvang bij Friesland College, samen met de OJO-centra",
               "Esther Kuipers", 11, 23, 15000,
               "Cursussen van Friesland College; ruimtes van het OJO",
               "Kinderopvang", "Crèche in het OJO tijdens de lessen",
               "Friesland College, Pastiel", "20 moeders ingeschreven"),
    ],
    charters=[Charter(CHARTER_V1, 9)],
    communication=[
        {"audience": "migrant_refugee_community", "stakeholder": "Eritrese en Syrische "
         "gemeenschappen", "objectives": "Het mentoraanbod kennen",
         "message": "Een mentor uit je eigen gemeenschap kan helpen",
         "delivery": "Bijeenkomsten in de gemeenschap, appgroepen", "frequency": "Elk kwartaal",
         "responsible": "Femke Bakker"},
        {"audience": "public_authority", "stakeholder": "Gemeenten en provincie",
         "objectives": "Mentoring in de dorpen financieren", "message": "Resultaten per dorp",
         "delivery": "Notities", "frequency": "Twee keer per jaar",
         "responsible": "De voorzitter"},
        {"audience": "ngo", "stakeholder": "Partnerorganisaties",
         "objectives": "Nieuwkomers doorverwijzen",
         "message": "Wat elke partner biedt", "delivery": "Nieuwsbrief",
         "frequency": "Om de twee maanden"},
        {"audience": "educator", "stakeholder": "Friesland College, mentorprogramma's",
         "objectives": "Cursussen openstellen", "message": "De vraag van jonge moeders",
         "delivery": "Overleggen", "frequency": "Twee keer per jaar"},
        {"audience": "community_network", "stakeholder": "Bibliotheken en ontmoetingscentra",
         "objectives": "Activiteiten huisvesten", "message": "Activiteitenkalender",
         "delivery": "Nieuwsbrief, posters", "frequency": "Maandelijks"},
        {"audience": "policy_makers", "stakeholder": "Gedeputeerde Staten",
         "objectives": "Integratie op de agenda houden", "message": "Successen en behoeften",
         "delivery": "Jaarlijkse presentatie", "frequency": "Jaarlijks",
         "responsible": "De voorzitter"},
        {"audience": "media", "stakeholder": "Leeuwarder Courant, Omrop Fryslân",
         "objectives": "Verhalen over mentoring vertellen", "message": "Videoportretten",
         "delivery": "Persberichten", "frequency": "Twee keer per jaar",
         "responsible": "Femke Bakker"},
    ],
    publications=[
        ("research", "Nieuwkomers in Fryslân: analyse", 8,
         "https://fryslan.example.org/analyse"),
        ("action_plan", "Regionaal actieplan Fryslân", 10, "https://fryslan.example.org/plan"),
        ("newsletter", "Alliantie Fryslân nieuwsbrief 1", 13,
         "https://fryslan.example.org/nieuwsbrief-1"),
        ("press", "Mentoren in de dorpen", 15, "https://fryslan.example.org/pers/mentors"),
    ],
    evaluations=[
        {"kind": "self_assessment", "month": 12, "evaluator": "Interne commissie",
         "strengths": "Sterke expertise in mentoring | Betrokken gemeente",
         "weaknesses": "Weinig aanwezig buiten Leeuwarden",
         "opportunities": "Provinciaal integratiebudget",
         "threats": "Vermoeidheid bij vrijwilligers", "findings": "Prioriteiten bevestigd."},
    ],
)
# fmt: on

DEMOS: tuple[Demo, ...] = (IRELAND, SWEDEN, FRANCE, NETHERLANDS)


def load_demo(db: Database, *, today: date, actor: str = "demo") -> list[str]:
    """Loads the four alliances from the guide; returns their slugs. Running it twice is
    harmless (an alliance whose slug already exists is left untouched)."""
    for demo in DEMOS:
        with db.transaction() as session:
            try:
                alliances.get_alliance(session=session, ref=demo.slug)
                continue
            except NotFound:
                pass
            _build(session, demo, today=today, actor=actor)
    return [demo.slug for demo in DEMOS]


def _build(session: Session, d: Demo, *, today: date, actor: str) -> m.Alliance:
    """Record one alliance stage by stage, leaving each passed stage through its gate."""
    start = today - relativedelta(months=d.started_months_ago)

    def at(month: int) -> date:
        return start + relativedelta(months=month)

    def moment(month: int) -> datetime:
        """When a demo event happened: noon UTC of that day, so the history reads true."""
        return datetime.combine(at(month), time(12), tzinfo=UTC)

    alliance = alliances.create_alliance(
        session=session,
        alliance_in={
            **d.alliance,
            "slug": d.slug,
            "work_plan_start": start,
            "work_plan_end": at(WORK_PLAN_MONTHS),
            "vision_agreed_on": at(d.vision_month) if d.vision_month else None,
        },
        actor=actor,
        recorded_at=moment(0),
    )

    def add(item_kind: str, /, **values: Any) -> Any:
        return items.add_item(
            session=session, alliance=alliance, kind=item_kind, item_in=values, today=today
        )

    def leave(stage: Stage) -> None:
        month = d.advanced.get(stage)
        if month is None:
            return
        for code, reason in d.waivers.get(stage, []):
            stages.waive_check(
                session=session,
                alliance=alliance,
                code=code,
                reason=reason,
                actor=actor,
                today=at(month),
                recorded_at=moment(month),
            )
        stages.advance_stage(
            session=session,
            alliance=alliance,
            actor=actor,
            today=at(month),
            recorded_at=moment(month),
        )

    # Stage 1, scope: the stakeholder table, the named representatives, the briefing.
    org_ids = {
        o.name: add(
            "organisation",
            name=o.name,
            group=o.group,
            sectors=o.sectors,
            website=o.website,
            address=o.address,
            latitude=o.lat,
            longitude=o.lon,
            influence=o.influence,
        ).id
        for o in d.organisations
    }
    members: dict[str, m.Member] = {}
    for p in d.people:
        members[p.name] = add(
            "member",
            name=p.name,
            organisation_id=org_ids[p.organisation] if p.organisation else None,
            email=_email(p.name, d.mail_domain),
            group=None if p.organisation else "migrant_refugee_community",
            sector=None if p.organisation else SA,
            has_authority="no" if p.authority_from else "yes",
            authority_granted_by=p.authority_from,
            participation_level=p.level,
            joined_on=at(p.joined) if p.joined is not None else None,
            left_on=at(p.left) if p.left is not None else None,
            roles=p.roles,
        )
    add("briefing", **d.briefing)
    leave(Stage.SCOPE)

    # Stage 2, launch: the initiation workshop and the plenaries, with agendas and minutes.
    for meet in d.meetings:
        day = _weekday(at(meet.month))
        held = day < today
        meeting = add(
            "meeting",
            kind=meet.kind,
            starts_at=datetime.combine(day, time(10, 0)),
            title=meet.title,
            place=meet.place,
            host_organisation=meet.host,
            status="held" if held else "planned",
            minutes=meet.minutes if held else None,
            minutes_recorded_on=day + timedelta(days=3) if held and meet.minutes else None,
        )
        chair = next((p.name for p in d.people if "chair" in p.roles), None)
        with use_language(alliance.language):
            agenda = [_(text) for text in AGENDAS[meet.kind]]
        for i, item in enumerate(agenda):
            minutes_from_start = 15 * i
            add(
                "agenda",
                meeting_id=meeting.id,
                item=item,
                position=i + 1,
                time=f"{10 + minutes_from_start // 60:02d}:{minutes_from_start % 60:02d}",
                moderator=chair,
            )
        if not held:
            continue
        for name, member in members.items():
            if member.is_active(day):
                add(
                    "attendance",
                    meeting_id=meeting.id,
                    member_id=member.id,
                    present=name not in meet.absent,
                )
        for what, who, due in meet.actions:
            add(
                "minutes-action",
                meeting_id=meeting.id,
                description=what,
                owner_member_id=members[who].id,
                due_on=at(due),
                done_on=at(due) if at(due) < today else None,
            )
    leave(Stage.LAUNCH)

    # Stage 3, analysis: sector profiling, secondary research, consultations, gaps.
    for profile in d.sector_profiles:
        url = profile.get("url")
        add(
            "sector-profile",
            **{k: v for k, v in profile.items() if k != "url"},
        )
        if url:
            add(
                "research",
                title=profile["programme"],
                kind="other",
                url=url,
                notes=SECTOR_PROFILE_WEBSITE[alliance.language],
            )
    for source in d.research:
        add("research", **{k: v for k, v in source.items() if k != "month"})
    for interviewee, organisation, month, notes in d.consultations:
        add(
            "consultation",
            interviewee=interviewee,
            organisation=organisation,
            held_on=at(month),
            notes=notes,
        )
    for description, month, found_in in d.gaps:
        add("gap", description=description, identified_on=at(month), source=found_in)
    leave(Stage.ANALYSIS)

    # Stage 4, planning: the action plan, the charter and its signatures, publications.
    organisation_of = {p.name: p.organisation for p in d.people}
    for a in d.actions:
        add(
            "action",
            action=a.action,
            local_problem=a.local_problem,
            description=a.description,
            estimated_budget=a.budget,
            resources=a.resources,
            responsible=organisation_of[a.owner] or a.owner,
            owner_member_id=members[a.owner].id,
            starts_on=at(a.starts),
            ends_on=at(a.ends),
            obstacles=a.obstacles,
            obstacle_plan=a.obstacle_plan,
            collaborators=a.collaborators,
            measurable=a.measurable,
            time_bound=_by(at(a.ends), alliance.language),
        )
    for version, charter in enumerate(d.charters, start=1):
        adopted = at(charter.adopted)
        text = planning.guide_charter(alliance.language, *charter.text)
        add("charter", text=text, version=version, adopted_on=adopted)
        for name, member in members.items():
            if name in charter.unsigned or member.joined_on is None:
                continue
            if member.left_on is not None and member.left_on <= adopted:
                continue
            signed_on = max(adopted, member.joined_on)
            if signed_on <= today:
                items.sign_charter(
                    session=session,
                    alliance=alliance,
                    member_id=member.id,
                    today=today,
                    version=version,
                    signed_on=signed_on,
                )
    for kind, title, month, url in d.publications:
        add("publication", kind=kind, title=title, published_on=at(month), url=url)
    leave(Stage.PLANNING)

    # Stage 5, dissemination: the communication plan (the officer is a member's role).
    for row in d.communication:
        add("communication", **row)
    for evaluation in d.evaluations:
        add(
            "evaluation",
            **{k: v for k, v in evaluation.items() if k != "month"},
            held_on=at(evaluation["month"]),
        )
    leave(Stage.DISSEMINATION)

    if alliance.stage != d.stage:  # the tables above and the intended stage disagree
        raise RuntimeError(f"demo '{d.slug}' reached {alliance.stage}, not {d.stage}")
    return alliance


def _by(day: date, language: str) -> str:
    """An action's deadline as its alliance writes it ("D'ici le 30 juin 2026")."""
    from babel.dates import format_date

    return BY[language].format(day=format_date(day, "d MMMM y", locale=language))


def _email(name: str, domain: str) -> str:
    return alliances.slugify(name).replace("-", ".") + "@" + domain


def _weekday(day: date) -> date:
    """Meetings fall on the first Tuesday on or after the planned day."""
    return day + timedelta(days=(1 - day.weekday()) % 7)
