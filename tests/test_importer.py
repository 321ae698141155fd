"""Importing the guide's stakeholder research table from CSV and XLSX, in English and French."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from alliance_flow import importer
from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.errors import FieldProblem, ImportRejected, InvalidInput
from alliance_flow.importer import ImportSummary, import_stakeholders
from alliance_flow.services.alliances import create_alliance

ENGLISH_HEADER = [
    "Stakeholder name",
    "Group",
    "Sectors",
    "Phone",
    "E-mail",
    "Website",
    "Address",
    "Latitude",
    "Longitude",
    "How they could contribute",
    "What matters to them",
    "Influence on the project",
    "Mobilisation strategy",
    "Own criteria",
    "Representative",
    "Representative e-mail",
    "Role",
    "Has authority",
    "Authority granted by",
    "Participation level",
    "Joined on",
]

ENGLISH_ROWS = [
    [
        "Roscommon County Council",
        "Public authority",
        "Social action; Professional & economic insertion",
        "+353 90 663 7100",
        "info@roscommoncoco.ie",
        "https://www.roscommoncoco.ie",
        "Courthouse, Roscommon",
        "53.6333",
        "-8.1833",
        "Meeting rooms, links to services",
        "Integration of new arrivals",
        "High",
        "Meet the director",
        "Statutory partner",
        "Mary Byrne",
        "mary.byrne@roscommoncoco.ie",
        "chair",
        "yes",
        "",
        "deciding together",
        "2026-01-15",
    ],
    # the same organisation, a second representative: organisation columns left empty
    [
        "Roscommon County Council",
        *([""] * 13),
        "Sean Kelly",
        "SKelly@roscommoncoco.ie",
        "",
        "no",
        "Chief executive",
        "information",
        "",
    ],
    [
        "Roscommon Sports Partnership",
        "community network",
        "socio-cultural & sports structures",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "medium",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
]


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture
def alliance_id(db: Database) -> int:
    with db.transaction() as session:
        alliance = create_alliance(
            session=session, alliance_in={"name": "Roscommon", "country": "IE"}, actor="t"
        )
        return alliance.id


def write_csv(
    path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def run_import(db: Database, alliance_id: int, path: Path, today: date) -> ImportSummary:
    with db.transaction() as session:
        alliance = session.get(m.Alliance, alliance_id)
        assert alliance is not None
        return import_stakeholders(session=session, alliance=alliance, path=path, today=today)


def rejected(db: Database, alliance_id: int, path: Path, today: date) -> list[FieldProblem]:
    with pytest.raises(ImportRejected) as info:
        run_import(db, alliance_id, path, today)
    assert isinstance(info.value, InvalidInput)
    return info.value.problems


def organisations(db: Database, alliance_id: int) -> dict[str, m.Organisation]:
    with db.transaction() as session:
        rows = session.scalars(
            select(m.Organisation).where(m.Organisation.alliance_id == alliance_id)
        )
        return {o.name: o for o in rows}


def members(db: Database, alliance_id: int) -> dict[str, m.Member]:
    with db.transaction() as session:
        rows = session.scalars(select(m.Member).where(m.Member.alliance_id == alliance_id))
        return {p.name: p for p in rows}


def count(db: Database, model: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --- reading the three formats -------------------------------------------------------------------


def test_english_csv(db: Database, alliance_id: int, tmp_path: Path, today: date) -> None:
    path = write_csv(tmp_path / "stakeholders.csv", [ENGLISH_HEADER, *ENGLISH_ROWS])

    summary = run_import(db, alliance_id, path, today)

    assert summary == ImportSummary(
        organisations_created=2,
        organisations_updated=0,
        members_created=2,
        members_updated=0,
        rows=3,
    )
    orgs = organisations(db, alliance_id)
    council = orgs["Roscommon County Council"]
    assert council.group == "public_authority"
    assert council.sectors == ["economic_insertion", "social_action"]
    assert council.influence == "high"
    assert council.phone == "+353 90 663 7100"
    assert council.email == "info@roscommoncoco.ie"
    assert council.website == "https://www.roscommoncoco.ie"
    assert council.latitude == pytest.approx(53.6333)
    assert council.longitude == pytest.approx(-8.1833)
    assert council.contribution == "Meeting rooms, links to services"
    assert council.interests == "Integration of new arrivals"
    assert council.mobilisation_strategy == "Meet the director"
    assert council.own_criteria == "Statutory partner"
    sports = orgs["Roscommon Sports Partnership"]
    assert sports.group == "community_network"
    assert sports.sectors == ["socio_cultural_sports"]
    assert sports.influence == "medium"

    people = members(db, alliance_id)
    assert set(people) == {"Mary Byrne", "Sean Kelly"}
    mary, sean = people["Mary Byrne"], people["Sean Kelly"]
    assert mary.organisation_id == council.id == sean.organisation_id
    assert mary.email == "mary.byrne@roscommoncoco.ie"
    assert mary.roles == ["chair"]
    assert mary.has_authority == "yes"
    assert mary.participation_level == "deciding_together"
    assert mary.joined_on == date(2026, 1, 15)
    assert sean.has_authority == "no"
    assert sean.authority_granted_by == "Chief executive"
    assert sean.participation_level == "information"
    assert sean.joined_on is None


def test_french_csv_with_semicolons_in_latin1(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    rows = [
        [
            "Nom de la partie prenante",
            "Groupe",
            "Secteur(s)",
            "Téléphone",
            "Courriel",
            "Site web",
            "Adresse",
            "Latitude",
            "Longitude",
            "Comment pourraient-ils contribuer ?",
            "Ce qui compte pour eux",
            "Influence sur le projet",
            "Stratégie de mobilisation",
            "Vos propres critères",
            "Nom du représentant",
            "Courriel du représentant",
            "Rôle",
            "A l'autorité",
            "Qui peut l'accorder",
            "Niveau de participation",
            "Date d'adhésion",
        ],
        [
            "Mairie de Bègles",
            "Autorité publique",
            "Action sociale, Insertion professionnelle et économique",
            "05 56 49 88 88",
            "contact@mairie-begles.fr",
            "https://www.mairie-begles.fr",
            "77 rue Calixte Camelle, Bègles",
            "44,8085",
            "-0,5478",
            "Prêt de salles, relais vers les services sociaux",
            "Cohésion sociale, accès aux droits",
            "Élevée",
            "Rencontre avec l'élue déléguée",
            "Partenaire institutionnel",
            "Hélène Lefèvre",
            "h.lefevre@mairie-begles.fr",
            "Président(e)",
            "Non",
            "Le maire",
            "Décider ensemble",
            "15/01/2026",
        ],
        [
            "Centre socio-culturel L'Estey",
            "Réseau communautaire",
            "Structures socio-culturelles & sportives",
            "",
            "",
            "",
            "",
            "",
            "",
            "Ateliers pour les familles",
            "Être reconnu dans le quartier",
            "moyenne",
            "",
            "",
            "Zoé Martin",
            "",
            "Chargée de communication",
            "oui",
            "",
            "agir ensemble",
            "",
        ],
        [
            "Médiateurs sans frontières",
            "ONG",
            "action sociale",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "faible",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    path = write_csv(tmp_path / "parties-prenantes.csv", rows, delimiter=";", encoding="latin-1")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # really Latin-1, as French Excel saves it

    summary = run_import(db, alliance_id, path, today)

    assert (summary.organisations_created, summary.members_created, summary.rows) == (3, 2, 3)
    orgs = organisations(db, alliance_id)
    begles = orgs["Mairie de Bègles"]
    assert begles.group == "public_authority"
    assert begles.sectors == ["economic_insertion", "social_action"]
    assert begles.influence == "high"
    assert begles.address == "77 rue Calixte Camelle, Bègles"
    assert begles.latitude == pytest.approx(44.8085)
    assert begles.longitude == pytest.approx(-0.5478)
    assert begles.contribution == "Prêt de salles, relais vers les services sociaux"
    assert begles.mobilisation_strategy == "Rencontre avec l'élue déléguée"
    estey = orgs["Centre socio-culturel L'Estey"]
    assert estey.group == "community_network"
    assert estey.sectors == ["socio_cultural_sports"]
    assert estey.influence == "medium"
    assert estey.interests == "Être reconnu dans le quartier"
    ngo = orgs["Médiateurs sans frontières"]
    assert (ngo.group, ngo.sectors, ngo.influence) == ("ngo", ["social_action"], "low")

    people = members(db, alliance_id)
    helene = people["Hélène Lefèvre"]
    assert helene.organisation_id == begles.id
    assert helene.roles == ["chair"]
    assert helene.has_authority == "no"
    assert helene.authority_granted_by == "Le maire"
    assert helene.participation_level == "deciding_together"
    assert helene.joined_on == date(2026, 1, 15)
    zoe = people["Zoé Martin"]
    assert zoe.organisation_id == estey.id
    assert zoe.roles == ["communications_officer"]
    assert (zoe.has_authority, zoe.participation_level) == ("yes", "acting_together")


def test_utf8_csv_with_bom_and_excel_separator_line(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "sep=;\r\nNom de la partie prenante;Groupe;Influence sur le projet\r\n"
        "Association Œuvre d’entraide;Communauté migrante / réfugiée;forte\r\n".encode("utf-8-sig")
    )

    assert run_import(db, alliance_id, path, today).organisations_created == 1

    org = organisations(db, alliance_id)["Association Œuvre d’entraide"]
    assert (org.group, org.influence) == ("migrant_refugee_community", "high")


def test_xlsx_first_sheet(db: Database, alliance_id: int, tmp_path: Path, today: date) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Parties prenantes"
    sheet.append(
        [
            "Organisation",
            "Type",
            "Secteurs",
            "Tél",
            "Latitude",
            "Longitude",
            "Influence (faible, moyenne, élevée)",
            "Représentant(e)",
            "E-mail du représentant",
            "A-t-il l'autorité ?",
            "Date d'adhésion",
        ]
    )
    sheet.append([])  # an empty row is skipped, but still counts as a line
    sheet.append(
        [
            "Leeuwarden Welzijn",
            "travailleur social",
            "action sociale",
            582123456,  # a phone number typed as a number
            53.2012,
            5.7999,
            "haute",
            "Anke de Vries",
            "anke@welzijn.nl",
            True,
            datetime(2025, 11, 3),
        ]
    )
    sheet.append(["Fryslân Migrant Council", "migrants", "", None, None, None, "bad"])
    other = workbook.create_sheet("Notes")
    other.append(["Not a stakeholder table"])
    path = tmp_path / "stakeholders.xlsx"
    workbook.save(path)

    problems = rejected(db, alliance_id, path, today)
    assert [(p.line, p.field) for p in problems] == [(4, "influence")]

    sheet.cell(row=4, column=7, value="moyenne")
    workbook.save(path)
    summary = run_import(db, alliance_id, path, today)

    assert (summary.organisations_created, summary.members_created, summary.rows) == (2, 1, 2)
    orgs = organisations(db, alliance_id)
    welzijn = orgs["Leeuwarden Welzijn"]
    assert welzijn.group == "social_worker"
    assert welzijn.sectors == ["social_action"]
    assert welzijn.phone == "582123456"
    assert welzijn.influence == "high"
    assert welzijn.latitude == pytest.approx(53.2012)
    council = orgs["Fryslân Migrant Council"]
    assert (council.group, council.sectors, council.influence) == (
        "migrant_refugee_community",
        [],
        "medium",
    )
    anke = members(db, alliance_id)["Anke de Vries"]
    assert anke.organisation_id == welzijn.id
    assert (anke.email, anke.has_authority, anke.joined_on) == (
        "anke@welzijn.nl",
        "yes",
        date(2025, 11, 3),
    )


# --- idempotence ---------------------------------------------------------------------------------


def test_reimport_creates_no_duplicates_and_updates_what_changed(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    path = write_csv(tmp_path / "stakeholders.csv", [ENGLISH_HEADER, *ENGLISH_ROWS])
    run_import(db, alliance_id, path, today)

    again = run_import(db, alliance_id, path, today)

    assert again == ImportSummary(0, 0, 0, 0, rows=3)
    assert count(db, m.Organisation) == 2
    assert count(db, m.Member) == 2

    changed = [list(row) for row in ENGLISH_ROWS]
    changed[0][0] = "  roscommon county COUNCIL "  # matched whatever the case and spaces
    changed[0][3] = "+353 90 600 0000"
    changed[1][14] = "Seán Kelly"  # matched by e-mail (in another case): the name is updated
    changed[1][15] = "skelly@ROSCOMMONCOCO.ie"
    path = write_csv(tmp_path / "stakeholders-v2.csv", [ENGLISH_HEADER, *changed])

    summary = run_import(db, alliance_id, path, today)

    assert summary == ImportSummary(0, 1, 0, 1, rows=3)
    assert count(db, m.Organisation) == 2
    assert count(db, m.Member) == 2
    council = organisations(db, alliance_id)["Roscommon County Council"]
    assert council.phone == "+353 90 600 0000"
    assert council.sectors == ["economic_insertion", "social_action"]  # kept
    people = members(db, alliance_id)
    assert set(people) == {"Mary Byrne", "Seán Kelly"}
    assert people["Seán Kelly"].organisation_id == council.id


def test_member_without_email_is_matched_by_name_and_organisation(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    header = ["Organisation", "Représentant", "Téléphone du représentant"]
    path = write_csv(tmp_path / "a.csv", [header, ["Les Amis", "Jean Dupont", "0600000000"]])
    run_import(db, alliance_id, path, today)
    path = write_csv(tmp_path / "b.csv", [header, ["les amis", "JEAN DUPONT", "0611111111"]])

    summary = run_import(db, alliance_id, path, today)

    assert (summary.members_created, summary.members_updated) == (0, 1)
    people = members(db, alliance_id)
    assert list(people) == ["Jean Dupont"]
    assert people["Jean Dupont"].phone == "0611111111"


# --- refusing bad files --------------------------------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_imported(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    rows = [
        ["Stakeholder name", "E-mail", "Influence on the project"],
        ["Good One", "good@example.org", "low"],
        ["Bad E-mail", "not-an-address", "high"],
        ["Good Two", "", "medium"],
        ["Bad Influence", "", "huge"],
        ["", "", ""],  # empty rows are skipped
        ["Good Three", "", ""],
    ]
    path = write_csv(tmp_path / "bad.csv", rows)

    problems = rejected(db, alliance_id, path, today)

    assert [(p.line, p.field) for p in problems] == [(3, "email"), (5, "influence")]
    assert "not a valid e-mail address" in problems[0].problem
    assert "not-an-address" in problems[0].problem
    assert "huge" in problems[1].problem and "use one of: Low, Medium, High" in problems[1].problem
    assert count(db, m.Organisation) == 0
    assert count(db, m.Member) == 0


def test_rows_that_contradict_each_other_are_rejected(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    rows = [
        ["Stakeholder name", "Phone", "Representative", "Role", "Joined on"],
        ["Les Amis", "0100000000", "Ana", "chair", "01/02/2026"],
        ["LES AMIS", "0200000000", "Bea", "président", "2026-02-01"],
        ["Autre", "", "", "", "31/02/2026"],
        ["Trois", "", "", "trésorier", ""],
    ]
    path = write_csv(tmp_path / "clash.csv", rows)

    problems = rejected(db, alliance_id, path, today)

    assert [(p.line, p.field) for p in problems] == [
        (3, "phone"),
        (3, "representative.roles"),
        (4, "representative.joined_on"),
        (4, "representative.name"),
        (5, "representative.name"),
        (5, "representative.roles"),
    ]
    assert "line 2" in problems[0].problem
    assert "Ana is already chair" in problems[1].problem
    assert "not a date" in problems[2].problem
    assert "unknown value 'trésorier'" in problems[5].problem
    assert count(db, m.Organisation) == 0


def test_unknown_header_is_rejected(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    path = write_csv(
        tmp_path / "extra.csv", [["Stakeholder name", "Budget", "Infuence"], ["A", "1", "low"]]
    )

    problems = rejected(db, alliance_id, path, today)

    assert [(p.line, p.field) for p in problems] == [(1, "Budget"), (1, "Infuence")]
    assert "unknown column" in problems[0].problem
    assert "Stakeholder name / Nom de la partie prenante" in problems[0].problem
    assert "did you mean 'Influence on the project / Influence sur le projet'" in (
        problems[1].problem
    )
    assert count(db, m.Organisation) == 0


def test_missing_name_column_is_rejected(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    path = write_csv(tmp_path / "noname.csv", [["Groupe", "Téléphone"], ["ONG", "0102030405"]])

    problems = rejected(db, alliance_id, path, today)

    assert [(p.line, p.field) for p in problems] == [(1, "name")]
    assert "Nom de la partie prenante" in problems[0].problem

    path = write_csv(tmp_path / "nom.csv", [["Nom", "Groupe"], ["Les Amis", "ONG"]])
    problems = rejected(db, alliance_id, path, today)
    assert [(p.line, p.field) for p in problems] == [(1, "Nom"), (1, "name")]
    assert "ambiguous" in problems[0].problem


@pytest.mark.parametrize("name", ["stakeholders.txt", "stakeholders.xls", "stakeholders"])
def test_unsupported_extension_is_rejected(
    db: Database, alliance_id: int, tmp_path: Path, today: date, name: str
) -> None:
    path = tmp_path / name
    path.write_text("Stakeholder name\nA\n")

    problems = rejected(db, alliance_id, path, today)

    assert [p.field for p in problems] == ["file"]
    assert "use a .csv or .xlsx file" in problems[0].problem


def test_unreadable_workbook_is_rejected(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_text("not a zip")

    problems = rejected(db, alliance_id, path, today)

    assert "not a readable Excel workbook" in problems[0].problem


def test_individual_member_without_organisation(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    rows = [
        ["Nom de la partie prenante", "Groupe", "Secteur(s)", "Courriel", "Représentant"],
        ["", "Médiatrice", "action sociale", "fatou@example.org", "Fatou Diallo"],
    ]
    path = write_csv(tmp_path / "individual.csv", rows)

    summary = run_import(db, alliance_id, path, today)

    assert (summary.organisations_created, summary.members_created) == (0, 1)
    fatou = members(db, alliance_id)["Fatou Diallo"]
    assert fatou.organisation_id is None
    assert (fatou.group, fatou.sector, fatou.email) == (
        "mediator",
        "social_action",
        "fatou@example.org",
    )


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nom de la partie prenante", "name"),
        ("  STAKEHOLDER   NAME ", "name"),
        ("Organisation", "name"),
        ("Groupe", "group"),
        ("Type", "group"),
        ("Secteur(s)", "sectors"),
        ("Téléphone", "phone"),
        ("E-mail", "email"),
        ("Courriel", "email"),
        ("Site web", "website"),
        ("Adresse", "address"),
        ("Comment pourraient-ils contribuer ?", "contribution"),
        ("Ce qui compte pour eux", "interests"),
        ("Intérêts", "interests"),
        ("Influence sur le projet", "influence"),
        ("Stratégie de mobilisation", "mobilisation_strategy"),
        ("Vos propres critères", "own_criteria"),
        ("Représentant", "representative.name"),
        ("Nom du représentant", "representative.name"),
        ("Representative name", "representative.name"),
        ("Courriel du représentant", "representative.email"),
        ("Representative e-mail", "representative.email"),
        ("Téléphone de la représentante", "representative.phone"),
        ("Rôle", "representative.roles"),
        ("A l'autorité", "representative.has_authority"),
        ("Has authority", "representative.has_authority"),
        ("Qui peut l'accorder ?", "representative.authority_granted_by"),
        ("Authority granted by", "representative.authority_granted_by"),
        ("Niveau de participation", "representative.participation_level"),
        ("Joined on", "representative.joined_on"),
    ],
)
def test_headers_in_english_and_french(header: str, field: str) -> None:
    column = importer._column_for(header)
    assert column is not None
    assert column.field == field


# --- the guide's own table, merging, the preview ------------------------------------------------

GUIDE_HEADER = [
    "Nom de l'intervenant",
    "Personne à contacter",
    "Téléphone, E-mail, Site Web, Adresse",
    "Comment l'intervenant pourrait-il contribuer au projet?",
    "Qu'est-ce qui est important pour l'intervenant?",
    "L'Influence\nQuelle influence ont-ils sur le projet? (Faible, moyen, haut)",
    "Stratégie de mobilisation des intervenants",
    "Indiquez vos propres critères",
    "Secteur(s)",
]


def orgs_of(db: Database, alliance_id: int) -> dict[str, m.Organisation]:
    with db.transaction() as session:
        rows = session.scalars(
            select(m.Organisation).where(m.Organisation.alliance_id == alliance_id)
        ).all()
        out = {o.name: o for o in rows}
        for o in rows:
            _ = o.sectors
            session.expunge(o)
    return out


def test_the_guide_table_imports_as_printed(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    # given: the guide's annex table, filled in, saved from Excel as .xlsx
    workbook = openpyxl.Workbook()
    sheet: Any = workbook.active
    sheet.append(GUIDE_HEADER)
    sheet.append(
        [
            "Kronoberg tillsammans",
            "Anna Berg",
            "0470-123 45 67\ninfo@kronoberg.se\nhttps://kronobergtillsammans.se\n"
            "Storgatan 1, 352 30 Växjö",
            "Meeting rooms",
            "Newcomers' inclusion",
            "haut",
            "Call Anna",
            "Works with schools",
            "action sociale",
        ]
    )
    path = tmp_path / "guide.xlsx"
    workbook.save(path)

    # when
    summary = run_import(db, alliance_id, path, today)

    # then: every column landed in its field, the combined one split into its parts
    assert summary.organisations_created == 1
    org = orgs_of(db, alliance_id)["Kronoberg tillsammans"]
    assert (org.contact_person, org.phone, org.email, org.website, org.address) == (
        "Anna Berg",
        "0470-123 45 67",
        "info@kronoberg.se",
        "https://kronobergtillsammans.se",
        "Storgatan 1, 352 30 Växjö",
    )
    assert (org.contribution, org.interests, org.influence) == (
        "Meeting rooms",
        "Newcomers' inclusion",
        "high",
    )
    assert (org.mobilisation_strategy, org.own_criteria, org.sectors) == (
        "Call Anna",
        "Works with schools",
        ["social_action"],
    )


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        (
            "+353 90 663 7100, info@roscommoncoco.ie, www.roscommoncoco.ie, Courthouse, Roscommon",
            {
                "phone": "+353 90 663 7100",
                "email": "info@roscommoncoco.ie",
                "website": "www.roscommoncoco.ie",
                "address": "Courthouse, Roscommon",
            },
        ),
        ("mailto:a@b.fr; Tél : 05 56 00 00 00", {"email": "a@b.fr", "phone": "05 56 00 00 00"}),
        ("12 rue de la Paix, 33000 Bordeaux", {"address": "12 rue de la Paix, 33000 Bordeaux"}),
        ("kruispunt.nl", {"website": "kruispunt.nl"}),
    ],
)
def test_combined_contact_column_is_split(cell: str, parts: dict[str, str]) -> None:
    assert importer.split_contact(cell) == parts


def test_english_equivalents_of_the_guide_headers() -> None:
    for header, name in (
        ("Name of stakeholder", "name"),
        ("Contact person", "contact_person"),
        ("Phone, E-mail, Website, Address", "contact"),
        ("Influence", "influence"),
        ("How could the stakeholder contribute to the project?", "contribution"),
        ("Stakeholder mobilisation strategy", "mobilisation_strategy"),
        ("Interest in the alliance", "interest"),
        ("Notes", "notes"),
    ):
        column = importer._column_for(header)
        assert column is not None and column.name == name, header


def test_an_organisation_on_two_rows_under_two_sectors_is_merged(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    # given: the Swedish list, where an organisation appears under two sectors
    path = write_csv(
        tmp_path / "sweden.csv",
        [
            ["Nom de l'intervenant", "Secteur(s)", "Téléphone, E-mail, Site Web, Adresse"],
            ["Kronoberg tillsammans", "action sociale", "https://kronobergtillsammans.se"],
            ["Integra Kalmar", "action sociale", ""],
            ["Kronoberg tillsammans", "structures socio-culturelles & sportives", ""],
        ],
    )

    # when
    summary = run_import(db, alliance_id, path, today)

    # then
    assert summary.organisations_created == 2
    orgs = orgs_of(db, alliance_id)
    assert sorted(orgs["Kronoberg tillsammans"].sectors) == [
        "social_action",
        "socio_cultural_sports",
    ]


def test_two_files_with_two_sectors_keep_both(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    header = ["Stakeholder name", "Sectors", "Contact person"]
    first = write_csv(tmp_path / "a.csv", [header, ["Friluftsfrämjandet", "social action", "Eva"]])
    second = write_csv(
        tmp_path / "b.csv", [header, ["friluftsfrämjandet", "socio-cultural & sports", ""]]
    )
    run_import(db, alliance_id, first, today)

    summary = run_import(db, alliance_id, second, today)

    assert (summary.organisations_created, summary.organisations_updated) == (0, 1)
    org = orgs_of(db, alliance_id)["Friluftsfrämjandet"]
    assert sorted(org.sectors) == ["social_action", "socio_cultural_sports"]
    assert org.contact_person == "Eva"  # an empty cell does not erase


def test_preview_says_what_changes_and_writes_nothing(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    header = ["Stakeholder name", "Sectors", "Phone", "Representative", "Representative e-mail"]
    run_import(
        db,
        alliance_id,
        write_csv(tmp_path / "a.csv", [header, ["Alpha", "social action", "1111111", "", ""]]),
        today,
    )
    content = write_csv(
        tmp_path / "b.csv",
        [
            header,
            ["Alpha", "employment", "2222222", "Ann", "ann@alpha.org"],
            ["Beta", "", "", "", ""],
            ["Beta", "social action", "", "", ""],
        ],
    ).read_bytes()
    with db.transaction() as session:
        alliance = session.get(m.Alliance, alliance_id)
        assert alliance is not None
        planned = importer.plan_import(
            session=session, alliance=alliance, filename="b.csv", raw=content, today=today
        )
    preview = planned.preview
    assert not preview.problems
    (alpha,) = preview.of("organisation", "update")
    assert dict((f, (old, new)) for f, old, new in alpha.fields) == {
        "sectors": (["social_action"], ["social_action", "economic_insertion"]),
        "phone": ("1111111", "2222222"),
    }
    assert alpha.added_sectors == ("economic_insertion",)
    (beta,) = preview.of("organisation", "new")
    assert beta.name == "Beta" and beta.lines == (3, 4)
    assert [c.name for c in preview.merged] == ["Beta"]
    (ann,) = preview.of("member", "new")
    assert (ann.name, ann.organisation) == ("Ann", "Alpha")
    assert set(orgs_of(db, alliance_id)) == {"Alpha"}  # nothing written by the preview


def test_a_large_file_is_written_in_a_few_statements(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    """Set-based: the number of statements does not grow with the rows."""
    from sqlalchemy import event

    rows = [["Stakeholder name", "Sectors", "Representative", "Representative e-mail"]]
    rows += [[f"Org {i // 2}", "social action", f"P{i}", f"p{i}@x.org"] for i in range(600)]
    path = write_csv(tmp_path / "big.csv", rows)
    statements: list[str] = []
    with db.transaction() as session:
        alliance = session.get(m.Alliance, alliance_id)
        assert alliance is not None

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        event.listen(session.get_bind(), "before_cursor_execute", count)
        try:
            summary = import_stakeholders(
                session=session, alliance=alliance, path=path, today=today
            )
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", count)
    assert (summary.organisations_created, summary.members_created) == (300, 600)
    assert len(statements) < 60, len(statements)
    assert count_rows(db, m.AuditEvent, "members") == 600


def count_rows(db: Database, model: type[m.Base], table: str) -> int:
    with db.transaction() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(m.AuditEvent)
                .where(m.AuditEvent.table_name == table, m.AuditEvent.action == "insert")
            )
            or 0
        )


def test_an_apostrophe_guarding_a_formula_is_not_part_of_the_value(
    db: Database, alliance_id: int, tmp_path: Path, today: date
) -> None:
    # given: cells as a safe export writes them, so that a spreadsheet never runs them
    path = write_csv(
        tmp_path / "guarded.csv",
        [["Stakeholder name", "Phone", "Notes"], ["Cap", "'+353 90 663 7100", "'=1+1"]],
    )
    run_import(db, alliance_id, path, today)
    org = orgs_of(db, alliance_id)["Cap"]
    assert (org.phone, org.notes) == ("+353 90 663 7100", "=1+1")
