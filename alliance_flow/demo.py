"""Demo data: the four Regional Alliances listed at the end of the guide, each at its own stage.

The organisations, their sectors and websites are the guide's (France, Ireland, the Netherlands,
Sweden). The people are invented (names suited to the country, e-mails on reserved
``example.org`` sub-domains); coordinates are those of the towns, for the mapping exercise. Free
text is in English so the whole team can read it.

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
        "region": "Kronoberg and Kalmar counties",
        "region_boundary": "The counties of Kronoberg (Växjö, Alvesta) and Kalmar, with the "
        "Kristianstad meeting place that inspired the alliance.",
        "language": "sv",
        "timezone": "Europe/Stockholm",
        "accountable": "The steering group of Kronoberg tillsammans",
        "communication_channels": "shared folder, group e-mail, video call between plenaries",
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
               authority_from="Head of the Arbetsförmedlingen office, Växjö"),
        Person("Ingrid Persson", "Urbana hembygdsgården", level="information"),
        Person("Amina Yusuf", None, level="deciding_together"),  # Somali community, Växjö
    ],
    briefing={
        "why": "To link the meeting places, associations and agencies that welcome newcomers "
        "in Kronoberg and Kalmar.",
        "regional_situation": "Newcomers settle in small municipalities far from the "
        "services of the larger towns; many initiatives exist but few know of each other.",
        "why_mediation": "Mediators who share the newcomers' languages and experience help "
        "them use what already exists, and help services understand them.",
        "reasons": [
            "Know each other's activities and refer people between them",
            "Reach newcomers that no single organisation reaches alone",
            "Give newcomers a voice in how services are designed",
            "Prepare joint applications for regional and European funding",
            "Learn from the French, Irish and Dutch alliances of the MCM project",
        ],
        "expected_commitment": "Four plenary meetings over 15 months and a contribution to "
        "the regional action plan.",
    },
    meetings=[
        Meet("initiation_workshop", WORKSHOP_MONTH, "Uppstartsworkshop", "Växjö Konsthall",
             "Kronoberg tillsammans",
             "Region agreed (Kronoberg and Kalmar). Anna Lindqvist chairs, Erik Johansson is "
             "secretary; Kronoberg tillsammans is accountable. Next steps: sector profile.",
             (("Collect existing programmes for the sector profile", "Erik Johansson", 4),
              ("Ask Arbetsförmedlingen for its regional figures", "Fredrik Wallin", 4))),
        Meet("plenary", 5, "Plenary 1", "Integra, Kalmar", "Integra Kalmar",
             "First findings of the sector profile presented; consultations planned with the "
             "county administrative board and two municipalities.",
             (("Hold the remaining consultations", "Maria Nilsson", 7),),
             absent=("Oskar Lundgren",)),
        Meet("workshop", 8, "Gap workshop", "Mötesplatsen Alvesta", "Mötesplatsen Alvesta"),
        Meet("plenary", 9, "Plenary 2", "Mötesplatsen Alvesta", "Mötesplatsen Alvesta"),
        Meet("plenary", 13, "Plenary 3", "Gemenskap Kalmar", "Gemenskap Kalmar"),
        Meet("plenary", 17, "Plenary 4", "Kronoberg tillsammans, Växjö",
             "Kronoberg tillsammans"),
    ],
    advanced={Stage.SCOPE: 1, Stage.LAUNCH: 3},
    sector_profiles=[
        {"programme": "Informationsverige", "initiators": "The county administrative boards",
         "kind": "Multilingual information website", "cost": "Free",
         "objectives": "Explain Swedish society to newcomers in their own languages",
         "availability_limits": "Online only", "obstacles": "Needs digital skills",
         "url": "https://www.informationsverige.se/sv/"},
        {"programme": "Kurser att gå: Swedish courses", "initiators": "kurser.se",
         "kind": "Directory of courses", "cost": "Varies by course",
         "objectives": "Find a Swedish course near you",
         "availability_limits": "Few courses outside the larger towns",
         "obstacles": "Hard to compare", "url": "https://www.kurser.se/kurs/svenska"},
        {"programme": "Antagning: all study programmes", "initiators": "antagning.se",
         "kind": "Admissions portal", "cost": "Free",
         "objectives": "Apply to upper-secondary and adult education",
         "availability_limits": "Swedish-language forms", "obstacles": "Foreign diplomas",
         "url": "https://www.antagning.se/se/start"},
    ],
    research=[
        {"title": "Arbetsförmedlingen: labour market training (arbetsmarknadsutbildning)",
         "kind": "government_report",
         "url": "https://arbetsformedlingen.se/for-arbetssokande/extra-stod/stod-a-o/"
         "arbetsmarknadsutbildning", "month": 3},
        {"title": "Regional Alliance guide, Migrant Community Mediators (MCM) project",
         "kind": "research", "month": 3},
    ],
    consultations=[
        ("Gunilla Ström", "Länsstyrelsen Kronoberg", 4, "Civic orientation and reception."),
        ("Mohammed Ali", "Integra Kalmar", 5, "Language cafés are full; waiting lists."),
        ("Per Axelsson", "Alvesta kommun", 6, "Transport from villages limits attendance."),
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
        "region": "Bordeaux metropolitan area",
        "region_boundary": "Five municipalities of Bordeaux Métropole: Bordeaux, Bègles, "
        "Lormont, Cenon and Villenave-d'Ornon.",
        "language": "fr",
        "timezone": "Europe/Paris",
        "accountable": "Fondation COS Alexandre Glasberg",
        "communication_channels": "group e-mail, shared cloud folder, messaging group, "
        "call every six weeks",
        "vision": "Every newcomer in the Bordeaux metropolitan area can count on a mediator "
        "from their community to reach the services and the neighbourhood life they need.",
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
        "why": "To coordinate the many reception, social and cultural structures of the "
        "metropolitan area around community mediation.",
        "regional_situation": "Asylum seekers and refugees are housed across five "
        "municipalities; social centres, reception centres and mediators work side by side "
        "without a shared plan.",
        "why_mediation": "Mediators from the communities make services accessible and ease "
        "tensions in neighbourhoods, schools and reception centres.",
        "reasons": [
            "Refer people between reception centres and social centres without losses",
            "Pool training for mediators with AIM",
            "Give migrant communities a seat where decisions are made",
            "Make the work of small associations visible to the municipalities",
            "Build a metropolitan action plan that funders can support",
            "Exchange practices with the Irish, Dutch and Swedish alliances",
        ],
        "expected_commitment": "Four plenary meetings over 15 months, a working group of your "
        "choice and a contribution to the regional action plan.",
    },
    meetings=[
        Meet("initiation_workshop", WORKSHOP_MONTH, "Atelier de lancement",
             "Fondation COS, Bordeaux", "Fondation COS Alexandre Glasberg",
             "The five municipalities form the region. Every partner of the guide's list is "
             "invited to stay: 14 joined. Claire Dubois chairs, Mehdi Benali is secretary, the "
             "Fondation COS is accountable.",
             (("Write to Ovale Citoyen and Wanted Café", "Claire Dubois", 3),
              ("Set up the shared folder", "Mehdi Benali", 3))),
        Meet("plenary", 5, "Plénière 1", "Centre social La Colline, Cenon",
             "Centre social et culturel La Colline",
             "Sector profile and consultations presented; gap workshop set for month six.",
             (("Prepare the gap workshop", "Lucie Fontaine", 6),),
             absent=("Thomas Girard",)),
        Meet("workshop", 6, "Atelier des manques", "Agence PLACE, Bègles", "Agence PLACE",
             "Facilitated workshop: three gaps identified (see the analysis).",
             (("Write up the gaps for publication", "Lucie Fontaine", 8),)),
        Meet("plenary", 9, "Plénière 2", "DIDEE, Lormont",
             "Association DIDEE, centre social et culturel",
             "Vision agreed; charter v1 adopted and signed; action plan drafted.",
             (("Complete the action-plan table", "Mehdi Benali", 10),),
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
                "The metropolitan area spans five municipalities and the guide's own partner "
                "list for Bordeaux is longer than 12: the alliance needs every reception centre, "
                "social centre and mediation team to reach the people it serves, so it keeps "
                "14 members and works in small groups between plenaries.",
            )
        ]
    },
    sector_profiles=[
        {"programme": "Médiation sociale de Lormont", "initiators": "Mairie de Lormont",
         "kind": "Municipal mediation team", "cost": "Municipal budget",
         "objectives": "Prevent conflicts in public spaces and housing estates",
         "availability_limits": "Lormont only", "obstacles": "No interpreting budget"},
        {"programme": "Accompagnement des demandeurs d'asile en CADA",
         "initiators": "Groupe SOS, France terre d'asile, Fondation COS",
         "kind": "State-funded reception", "cost": "Free for residents",
         "objectives": "Housing and social and legal support during the asylum procedure",
         "availability_limits": "Residents only", "obstacles": "Support ends at the decision"},
        {"programme": "Formation de médiateurs", "initiators": "AIM Actions Inter Médiation",
         "kind": "Training", "cost": "Fee-paying, funding possible",
         "objectives": "Qualify mediators", "availability_limits": "Places per session",
         "obstacles": "Level of French required"},
    ],
    research=[
        {"title": "Stratégie nationale pour l'accueil et l'intégration des réfugiés (2018)",
         "kind": "government_report", "month": 3},
        {"title": "Regional Alliance guide, Migrant Community Mediators (MCM) project",
         "kind": "research", "month": 3},
    ],
    consultations=[
        ("Marion Petit", "Préfecture de la Gironde, service de l'immigration", 4,
         "Reception capacity and procedures in the département."),
        ("Youssef Amrani", "Bordeaux Métropole, mission insertion", 4,
         "Links with employment programmes."),
        ("Camille Perrin", "Mission locale des Hauts de Garonne", 5,
         "Young refugees aged 16-25."),
    ],
    gaps=[
        ("No interpreting budget shared between the five municipalities", 6, "Gap workshop"),
        ("Support stops when a refugee leaves the reception centre", 6, "Gap workshop"),
        ("Mediators trained by AIM have no network to place them", 6, "Consultations"),
    ],
    vision_month=9,
    actions=[
        Action("Pool of community interpreters-mediators",
               "Families cannot explain their situation to services",
               "Recruit and train 12 mediators from the main language communities",
               "Pierre Lefèvre", 11, 20, 18000, "AIM training; CCAS rooms",
               "Funding of mediators' time", "Apply to the département's integration fund",
               "CCAS de Bègles, Mairie de Lormont", "12 mediators trained by month 20"),
        Action("Leaving the CADA: a shared handover",
               "Support stops when refugees leave the reception centres",
               "A handover meeting with a social centre for every household leaving a CADA",
               "Sophie Laurent", 12, 22, 6000, "Staff time of the CADAs and social centres",
               "Different software in each structure", "A one-page paper handover form",
               "CADA de Bordeaux, CADA COS Quancard, centres sociaux",
               "80% of leaving households met a social centre"),
        Action("Neighbourhood welcome walks", "Newcomers do not know their neighbourhood",
               "Monthly walks with the social centres", "Fatou Sow", 11, 23, 2500,
               "Volunteers; Les Balades alternatives", "Weather, volunteer turnover",
               "Indoor alternative; two volunteers per walk",
               "Les Balades alternatives, Wanted Café", "10 walks, 150 participants"),
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
        ("research", "Accueil et médiation dans la métropole bordelaise: état des lieux", 8,
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
        "region": "Leeuwarden and the province of Fryslân",
        "region_boundary": "The province of Fryslân, with Leeuwarden and Heerenveen as the "
        "main meeting places.",
        "language": "nl",
        "timezone": "Europe/Amsterdam",
        "accountable": "Municipality of Leeuwarden, as lead partner",
        "communication_channels": "shared drive, group e-mail, messaging group",
        "vision": "Newcomers in Fryslân find their way through mentors and mediators from "
        "their own communities, and Frisian organisations learn from them.",
    },
    mail_domain="fryslan.example.org",
    organisations=[
        Org("Municipality of Leeuwarden", SA, "public_authority", "https://www.leeuwarden.nl",
            "Leeuwarden", 53.2012, 5.7999, "high"),
        Org("Province of Fryslân", SA, "public_authority", "https://www.fryslan.frl",
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
        Person("Anke de Vries", "Municipality of Leeuwarden", "chair",
               level="deciding_together"),
        Person("Sjoerd Hoekstra", "Province of Fryslân", level="consultation"),
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
               authority_from="Director, Bureau Zelfstandigen Fryslân"),
        Person("Tesfay Gebremedhin", None, level="deciding_together"),  # Eritrean community
    ],
    briefing={
        "why": "To join up mentoring, reception and work programmes for newcomers across "
        "Fryslân.",
        "regional_situation": "Status holders are housed in towns and villages across the "
        "province; mentoring and language programmes are strong in Leeuwarden but thin "
        "elsewhere.",
        "why_mediation": "Mediators and mentors from the newcomers' communities build trust "
        "faster than any service can on its own.",
        "reasons": [
            "Connect mentoring programmes with municipal integration services",
            "Reach young parents through the meeting centres",
            "Open paths to self-employment and vocational training",
            "Bring evidence from mentoring research into local practice",
            "Speak to the province with one voice",
        ],
        "expected_commitment": "Four plenary meetings over 15 months and an owner for at "
        "least one action.",
    },
    meetings=[
        Meet("initiation_workshop", WORKSHOP_MONTH, "Startbijeenkomst", "DBieb, Blokhuispoort",
             "DBieb",
             "Region: the province. Anke de Vries chairs, Marieke Visser is secretary; the "
             "municipality is accountable. Ten ideas for the action plan collected.",
             (("Share the list of ideas", "Marieke Visser", 3),)),
        Meet("plenary", 5, "Plenaire 1", "Stadhuis Leeuwarden", "Municipality of Leeuwarden",
             "Sector profile and consultations discussed; gap workshop planned.",
             (("Organise the gap workshop", "Lars Postma", 6),),
             absent=("Sjoerd Hoekstra",)),
        Meet("workshop", 6, "Workshop: gaps", "Friesland College", "Friesland College",
             "Two gaps identified: mentoring outside Leeuwarden; work for young mothers.",
             (("Draft the research summary", "Lars Postma", 8),)),
        Meet("plenary", 9, "Plenaire 2", "OJO Heerenveen",
             "Ontmoetingscentrum Jonge Ouders Heerenveen",
             "Vision agreed; charter signed; action plan approved for publication.",
             (("Publish the action plan", "Marieke Visser", 10),)),
        Meet("plenary", 13, "Plenaire 3", "Provinsjehûs, Leeuwarden", "Province of Fryslân",
             "Tamar Wiersma welcomed for Amnesty. Communication plan adopted; Femke Bakker is "
             "communications officer.",
             (("Write the alliance profile for the website", "Femke Bakker", 17),),
             absent=("Wiebe Zijlstra",)),
        Meet("plenary", 17, "Plenaire 4", "Kruispunt, Leeuwarden", "Kruispunt"),
    ],
    advanced={Stage.SCOPE: 1, Stage.LAUNCH: 3, Stage.ANALYSIS: 7, Stage.PLANNING: 10},
    sector_profiles=[
        {"programme": "Mentorprogramma Friesland", "initiators": "NHL Stenden, volunteers",
         "kind": "One-to-one mentoring by students", "cost": "Free for mentees",
         "objectives": "Support young newcomers at school and work",
         "availability_limits": "Mostly Leeuwarden", "obstacles": "Mentor turnover each year"},
        {"programme": "Inburgering (civic integration)", "initiators": "Municipalities",
         "kind": "Statutory programme", "cost": "Free for status holders",
         "objectives": "Language and participation", "availability_limits": "Status holders",
         "obstacles": "Long waiting times for language classes"},
    ],
    research=[
        {"title": "Wet inburgering 2021: evaluation reports", "kind": "government_report",
         "month": 4},
        {"title": "Evidence on youth mentoring programmes (ECEBM)", "kind": "research",
         "url": "https://www.ecebmentoring.eu/", "month": 4},
    ],
    consultations=[
        ("Willem Hofstra", "COA Leeuwarden", 4, "Reception centre capacity and transfers."),
        ("Saskia van der Meer", "Municipality of Heerenveen", 5, "Status holders in villages."),
    ],
    gaps=[
        ("Mentoring is scarce outside Leeuwarden", 6, "Gap workshop"),
        ("Young mothers have no route to work or training", 6, "Gap workshop"),
    ],
    vision_month=9,
    actions=[
        Action("Village mentoring", "Mentoring is scarce outside Leeuwarden",
               "Recruit mentors in three villages with the libraries", "Lars Postma", 10, 22,
               9000, "Library rooms; mentor training by Mentorprogramma Friesland",
               "Distance, volunteer recruitment", "Online mentor meetings; local recruitment",
               "DBieb, municipalities", "30 mentor pairs outside Leeuwarden"),
        Action("Young mothers to work", "Young mothers have no route to work or training",
               "Childcare-friendly courses at Friesland College with the OJO centres",
               "Esther Kuipers", 11, 23, 15000, "Friesland College courses; OJO rooms",
               "Childcare", "Crèche at the OJO during classes",
               "Friesland College, Pastiel", "20 mothers enrolled"),
    ],
    charters=[Charter(CHARTER_V1, 9)],
    communication=[
        {"audience": "migrant_refugee_community", "stakeholder": "Eritrean and Syrian "
         "communities", "objectives": "Know the mentoring offer",
         "message": "A mentor from your community can help", "delivery": "Community meetings, "
         "messaging groups", "frequency": "Quarterly",
         "responsible": "Femke Bakker"},
        {"audience": "public_authority", "stakeholder": "Municipalities and province",
         "objectives": "Fund village mentoring", "message": "Results per village",
         "delivery": "Briefing notes", "frequency": "Twice a year",
         "responsible": "The chair"},
        {"audience": "ngo", "stakeholder": "Partner NGOs", "objectives": "Refer newcomers",
         "message": "What each partner offers", "delivery": "Newsletter",
         "frequency": "Every two months"},
        {"audience": "educator", "stakeholder": "Friesland College, mentoring programmes",
         "objectives": "Open courses", "message": "Demand from young mothers",
         "delivery": "Meetings", "frequency": "Twice a year"},
        {"audience": "community_network", "stakeholder": "Libraries and meeting centres",
         "objectives": "Host activities", "message": "Activities calendar",
         "delivery": "Newsletter, posters", "frequency": "Monthly"},
        {"audience": "policy_makers", "stakeholder": "Provincial Executive",
         "objectives": "Keep integration on the agenda", "message": "Successes and needs",
         "delivery": "Annual presentation", "frequency": "Yearly",
         "responsible": "The chair"},
        {"audience": "media", "stakeholder": "Leeuwarder Courant, Omrop Fryslân",
         "objectives": "Tell mentoring stories", "message": "Video case studies",
         "delivery": "Press releases", "frequency": "Twice a year",
         "responsible": "Femke Bakker"},
    ],
    publications=[
        ("research", "Nieuwkomers in Fryslân: analyse", 8,
         "https://fryslan.example.org/analyse"),
        ("action_plan", "Regionaal actieplan Fryslân", 10, "https://fryslan.example.org/plan"),
        ("newsletter", "Alliantie Fryslân nieuwsbrief 1", 13,
         "https://fryslan.example.org/nieuwsbrief-1"),
        ("press", "Mentors in the villages", 15, "https://fryslan.example.org/pers/mentors"),
    ],
    evaluations=[
        {"kind": "self_assessment", "month": 12, "evaluator": "Internal committee",
         "strengths": "Strong mentoring expertise | Committed municipality",
         "weaknesses": "Little presence outside Leeuwarden",
         "opportunities": "Provincial integration budget",
         "threats": "Volunteer fatigue", "findings": "Priorities confirmed."},
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
                notes="Website of a programme in the sector profile.",
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
            time_bound=f"By {at(a.ends).isoformat()}",
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


def _email(name: str, domain: str) -> str:
    return alliances.slugify(name).replace("-", ".") + "@" + domain


def _weekday(day: date) -> date:
    """Meetings fall on the first Tuesday on or after the planned day."""
    return day + timedelta(days=(1 - day.weekday()) % 7)
