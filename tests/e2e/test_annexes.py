"""Every annex printed to PDF by Chromium (what "save as PDF" gives a coordinator): the text is
the alliance's, in its working language, on A4, without the screen's toolbar; a screenshot of
each printed page is kept in tests/artifacts/ for a person to look at."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from alliance_flow.accounts import services as accounts
from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.web.i18n import Translator
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e

#: What each annex must say on paper, by alliance: its headings in the working language, and
#: words from the demo data (see alliance_flow/demo.py).
EXPECT: dict[str, dict[str, tuple[str, ...]]] = {
    "annexes-en": {
        "briefing": ("Briefing document", "Why community mediation"),
        "invitation": ("Invitation", "You are warmly invited", "Yours sincerely", "Arts Centre"),
        "agenda": ("Agenda", "Moderator", "Welcome and introduction", "Siobhan Kelly"),
        "minutes": ("Present (name / organisation)", "Agreed actions", "Book the library room"),
        "action-plan": ("Local problem to solve", "Total estimated budget", "€75,000"),
        "charter": ("Charter of engagement", "Version 1", "Signature:", "Siobhan Kelly"),
        "communication-plan": ("Content of the message", "County councillors"),
        "swot": ("Strengths", "Weaknesses", "Opportunities", "Threats", "Trusted mediators"),
    },
    "annexes-fr": {
        "briefing": ("Document d'information", "Pourquoi la médiation communautaire"),
        "invitation": ("Invitation", "cordialement invité", "Sincèrement", "Salle Jean Vilar"),
        "agenda": ("Ordre du jour", "Modérateur", "Accueil et introduction", "Amina Diallo"),
        "minutes": ("Personnes présentes", "Actions convenues", "Réserver la salle"),
        "action-plan": ("Problème local à résoudre", "Budget estimé total", "75 000,00 €"),
        "charter": ("Charte d'engagement", "Version 1", "Signature :", "Amina Diallo"),
        "communication-plan": ("Contenu du message", "Élus de la métropole"),
        "swot": ("Forces", "Faiblesses", "Opportunités", "Menaces", "Médiateurs reconnus"),
    },
}
LANDSCAPE = {"action-plan", "communication-plan"}

#: The same alliance twice, in English (Ireland) and in French (France): what each annex holds.
DATA: dict[str, dict[str, Any]] = {
    "en": {
        "alliance": {
            "name": "Annex Alliance Roscommon",
            "country": "IE",
            "language": "en",
            "region": "County Roscommon",
            "timezone": "Europe/Dublin",
        },
        "vision": "Every newcomer in County Roscommon can reach a mediator who speaks their "
        "language within a week.",
        "briefing": {
            "why": "Newcomers and services in the county do not yet meet each other.",
            "regional_situation": "Small towns, long distances, few interpreters.",
            "why_mediation": "Mediators from the communities build trust on both sides.",
            "reasons": [
                "Shared training",
                "A seat at the county table",
                "Fewer missed appointments",
                "Joint funding bids",
                "Visibility of your work",
            ],
            "expected_commitment": "Four to five meetings over 18 months.",
        },
        "members": [
            ("Siobhan Kelly", "Roscommon County Council"),
            ("Ahmed Rahimi", "Roscommon Integration Network"),
            ("Mary Brennan", "Family Resource Centre"),
        ],
        "meeting": {"place": "Roscommon Arts Centre", "host": "Roscommon County Council"},
        "agenda": [
            ("10:00", "Welcome and introduction", 0),
            ("10:15", "Minutes of the previous meeting", 0),
            ("10:30", "Feedback on the action plan", 1),
            ("11:15", "Other business", 0),
            ("11:30", "Close and thanks", 0),
        ],
        "item_minutes": [
            "The host welcomed everyone and introduced two new members.",
            "The minutes were approved without change.",
        ],
        "minutes": "The alliance agreed to start the interpreters' pool in May.",
        "actions": [
            ("Book the library room for the training", "2026-04-15"),
            ("Send the draft communication plan", "2026-04-30"),
        ],
        "plan": [
            (
                "Train ten community mediators",
                "No interpreters for health visits",
                "A six-day course with the county's health services.",
                "7500",
                "HSE integration fund",
                "Roscommon County Council",
                "Ten mediators certified",
            ),
            (
                "Open a mediation desk in Boyle",
                "Newcomers in the north of the county travel 40 km",
                "A weekly desk in the library.",
                "5000",
                "Library budget",
                "Family Resource Centre",
                "200 visits a year",
            ),
        ],
        "charter": "As a member of this Regional Alliance, I commit to attend the meetings, "
        "share information and support the objectives of the alliance.\nI will respect "
        "diversity and equality, and declare any conflict of interest.",
        "communication": [
            (
                "policy_makers",
                "County councillors",
                "Fund the mediation desk",
                "Mediation saves missed appointments",
                "Presentation at the council",
                "Twice a year",
            ),
            (
                "migrant_refugee_community",
                "Syrian and Ukrainian families",
                "Use the desk",
                "A mediator speaks your language",
                "WhatsApp groups, posters",
                "Monthly",
            ),
        ],
        "swot": {
            "strengths": ["Trusted mediators", "The council is a member"],
            "weaknesses": ["Few volunteers in the north"],
            "opportunities": ["New national integration strategy"],
            "threats": ["Funding ends in 2027"],
        },
    },
    "fr": {
        "alliance": {
            "name": "Alliance Annexes Bordeaux",
            "country": "FR",
            "language": "fr",
            "region": "Bordeaux Métropole",
            "timezone": "Europe/Paris",
        },
        "vision": "Chaque personne nouvellement arrivée dans la métropole trouve un médiateur "
        "qui parle sa langue.",
        "briefing": {
            "why": "Les structures d'accueil et les communautés se connaissent mal.",
            "regional_situation": "Beaucoup d'arrivées, peu d'interprètes.",
            "why_mediation": "Les médiateurs issus des communautés créent la confiance.",
            "reasons": [
                "Formation commune",
                "Une place à la table de la métropole",
                "Moins de rendez-vous manqués",
                "Financements communs",
                "Visibilité de votre travail",
            ],
            "expected_commitment": "Quatre à cinq réunions sur 18 mois.",
        },
        "members": [
            ("Amina Diallo", "CADA Bègles"),
            ("Jean Moreau", "CCAS de Bègles"),
            ("Léa Martin", "Le SQUID"),
        ],
        "meeting": {"place": "Salle Jean Vilar, Bègles", "host": "CADA Bègles"},
        "agenda": [
            ("10:00", "Accueil et introduction", 0),
            ("10:15", "Compte rendu de la réunion précédente", 0),
            ("10:30", "Retour sur le plan d'action", 1),
            ("11:15", "Autres questions", 0),
            ("11:30", "Conclusion et remerciements", 0),
        ],
        "item_minutes": [
            "L'organisme d'accueil a souhaité la bienvenue à tous.",
            "Le compte rendu a été approuvé sans modification.",
        ],
        "minutes": "L'alliance a décidé de lancer le réseau d'interprètes en mai.",
        "actions": [
            ("Réserver la salle pour la formation", "2026-04-15"),
            ("Envoyer le projet de plan de communication", "2026-04-30"),
        ],
        "plan": [
            (
                "Former dix médiateurs",
                "Pas d'interprètes pour les visites de santé",
                "Une formation de six jours avec les services de santé.",
                "7500",
                "Fonds d'intégration",
                "CADA Bègles",
                "Dix médiateurs formés",
            ),
            (
                "Ouvrir une permanence à Lormont",
                "Les personnes du nord de la métropole se déplacent loin",
                "Une permanence hebdomadaire à la médiathèque.",
                "5000",
                "Budget de la médiathèque",
                "CCAS de Bègles",
                "200 visites par an",
            ),
        ],
        "charter": "En tant que membre de l'Alliance régionale, je m'engage à assister aux "
        "réunions, à diffuser des informations et à soutenir les objectifs de l'Alliance.\n"
        "Je respecterai les principes de diversité et d'égalité.",
        "communication": [
            (
                "policy_makers",
                "Élus de la métropole",
                "Financer la permanence",
                "La médiation évite les rendez-vous manqués",
                "Présentation en commission",
                "Deux fois par an",
            ),
            (
                "migrant_refugee_community",
                "Familles afghanes et ukrainiennes",
                "Venir à la permanence",
                "Un médiateur parle votre langue",
                "Groupes WhatsApp, affiches",
                "Chaque mois",
            ),
        ],
        "swot": {
            "strengths": ["Médiateurs reconnus", "La mairie est membre"],
            "weaknesses": ["Peu de bénévoles à Lormont"],
            "opportunities": ["Nouvelle stratégie nationale d'intégration"],
            "threats": ["Le financement s'arrête en 2027"],
        },
    },
}
DAY = date(2026, 3, 2)
#: The action plan holds its rows this many times over: long enough to run over pages.
PLAN_ROUNDS = 6


def _build(db: Database, slug: str, data: dict[str, Any], login: str) -> None:
    """One alliance with something in every annex, and its coordinator (reading in English)."""
    with db.transaction() as s:
        a = alliance_service.create_alliance(
            session=s, alliance_in={**data["alliance"], "slug": slug}, actor="tests"
        )
        a.vision = data["vision"]

        def add(kind: str, /, **values: object) -> Any:
            return item_service.add_item(
                session=s, alliance=a, kind=kind, item_in=values, today=DAY
            )

        add("briefing", **data["briefing"])
        members = []
        for name, organisation in data["members"]:
            org = add("organisation", name=organisation)
            members.append(
                add("member", name=name, organisation_id=org.id, joined_on="2026-01-10").id
            )
        meeting = add(
            "meeting",
            kind="plenary",
            starts_at="2026-02-10T10:00",
            status="held",
            place=data["meeting"]["place"],
            host_organisation=data["meeting"]["host"],
            minutes=data["minutes"],
        )
        for i, (time, item, moderator) in enumerate(data["agenda"]):
            row = add(
                "agenda",
                meeting_id=meeting.id,
                position=i,
                time=time,
                item=item,
                moderator=data["members"][moderator][0],
            )
            if i < len(data["item_minutes"]):
                row.minutes = data["item_minutes"][i]
        for i, member in enumerate(members):
            add("attendance", meeting_id=meeting.id, member_id=member, present=i < 2)
        for (description, due), owner in zip(data["actions"], members, strict=False):
            add(
                "minutes-action",
                meeting_id=meeting.id,
                description=description,
                owner_member_id=owner,
                due_on=due,
            )
        for number, (
            action,
            problem,
            description,
            budget,
            resources,
            responsible,
            indicator,
        ) in enumerate(data["plan"] * PLAN_ROUNDS, start=1):
            add(
                "action",
                number=number,
                action=action,
                local_problem=problem,
                description=description,
                estimated_budget=budget,
                resources=resources,
                responsible=responsible,
                indicator=indicator,
                starts_on="2026-04-01",
                ends_on="2026-12-31",
                owner_member_id=members[(number - 1) % len(members)],
            )
        add("charter", text=data["charter"], adopted_on="2026-02-15")
        for member in members[:2]:
            item_service.sign_charter(
                session=s, alliance=a, member_id=member, today=DAY, signed_on=DAY
            )
        for audience, stakeholder, objectives, message, delivery, frequency in data[
            "communication"
        ]:
            add(
                "communication",
                audience=audience,
                stakeholder=stakeholder,
                objectives=objectives,
                message=message,
                delivery=delivery,
                frequency=frequency,
            )
        add("evaluation", kind="self_assessment", held_on="2026-02-20", **data["swot"])
        accounts.create_user(
            session=s,
            user_in={
                "login": login,
                "name": "Annex Reader",
                "password": "demo-password",
                "language": "en",
            },
        )
        accounts.grant_role(session=s, login=login, alliance_ref=slug, role="coordinator")


def _rows_are_never_split(pdf: Path, data: dict[str, Any]) -> None:
    """Every page repeats the table's header, a row's first line (the action) and last (its
    status) are on the same page (no row is cut in two by a page break), and the total comes
    once, at the end."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages >= 2, "the test plan should run over more than one page"
    tr = Translator(data["alliance"]["language"])
    header, status = tr.gettext("Local problem to solve"), tr.gettext("Planned")
    names = {row[0] for row in data["plan"]}
    total = tr.gettext("Total estimated budget")
    seen = totals = 0
    for number in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        flat = " ".join(text.split())
        actions = sum(flat.count(name) for name in names)
        assert flat.count(header) == 1, (number, flat[:300])
        assert actions == flat.count(status), (number, actions, flat.count(status))
        seen += actions
        totals += flat.count(total)
    assert seen == len(data["plan"]) * PLAN_ROUNDS
    assert totals == 1  # once, at the end: not repeated on every page


@pytest.fixture(scope="module")
def annex_alliances(demo_db: Database) -> None:
    for language, data in DATA.items():
        _build(demo_db, f"annexes-{language}", data, f"annexes-reader-{language}")


def _pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.replace("\u2019", "'").split())


def _page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    assert found, info.stdout
    return float(found.group(1)), float(found.group(2))


@pytest.mark.parametrize(
    ("slug", "login"),
    [("annexes-en", "annexes-reader-en"), ("annexes-fr", "annexes-reader-fr")],
    ids=["en", "fr"],
)
def test_every_annex_prints_to_a_pdf_in_the_working_language(
    page: Page, artifacts: Path, tmp_path: Path, slug: str, login: str, annex_alliances: None
) -> None:
    # given a coordinator reading the dashboard in English, on the documents page
    log_in(page, login, "demo-password")
    shot = f"annex-{slug.removeprefix('annexes-')}"
    page.goto(f"/alliances/{slug}/print")
    page.screenshot(path=str(artifacts / f"{shot}-0-list.png"), full_page=True)
    links = {
        href.rsplit("/", 1)[1]: href
        for href in page.locator("#annexes a").evaluate_all("els => els.map(e => e.href)")
    }
    for href in (
        page.locator("#meeting-annexes tbody tr")
        .first.locator("a")
        .evaluate_all("els => els.map(e => e.href)")
    ):
        links[href.rsplit("/", 1)[1]] = href
    assert set(links) == set(EXPECT[slug]), links
    violations: dict[str, list[str]] = {"list": serious_violations(page)}
    for key, url in links.items():
        # when the annex is printed to PDF, as "save as PDF" does
        page.goto(url)
        violations[key] = serious_violations(page)  # on screen, as people read it first
        page.emulate_media(media="print")
        page.screenshot(path=str(artifacts / f"{shot}-{key}.png"), full_page=True)
        pdf = tmp_path / f"{slug}-{key}.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        # then the PDF reads as the guide's document, in the alliance's language, on A4
        text = _pdf_text(pdf)
        for expected in EXPECT[slug][key]:
            assert expected in text, (slug, key, expected, text[:800])
        assert "Nothing recorded yet" not in text and "Rien n'est encore" not in text, key
        assert "Print or save as PDF" not in text and "All documents to print" not in text
        if key == "action-plan":
            _rows_are_never_split(pdf, DATA[slug.removeprefix("annexes-")])
        width, height = _page_size(pdf)
        a4 = (595, 842) if key not in LANDSCAPE else (842, 595)
        assert (round(width), round(height)) == a4, (key, width, height)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(artifacts / f"{shot}-{key}-pdf"),
            ],
            check=True,
        )
    assert not any(violations.values()), violations
