"""The printable annexes (in the alliance's working language, escaped, "nothing recorded yet"
when empty) and the charter's drafts (never shown to members, never counted, published later)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from alliance_flow import models as m
from alliance_flow.facts import load_facts
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from tests.conftest import TODAY
from tests.web.conftest import World, login

HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"

ALLIANCE_ANNEXES = ("briefing", "action-plan", "charter", "communication-plan", "swot")
MEETING_ANNEXES = ("invitation", "agenda", "minutes")


def _post(client: TestClient, url: str, csrf: str, **data: object) -> Response:
    return client.post(url, data={**data, "csrf_token": csrf}, follow_redirects=False)


def _set(world: World, slug: str, **values: Any) -> None:
    with world.db.transaction() as s:
        a = s.scalars(select(m.Alliance).where(m.Alliance.slug == slug)).one()
        for k, v in values.items():
            setattr(a, k, v)


def _fill_north(world: World, text: str = "") -> None:
    """Something in every annex of north; `text` goes into every free-text field."""
    with world.db.transaction() as s:
        north = alliance_service.get_alliance(session=s, ref="north")

        def add(kind: str, /, **values: object) -> Any:
            return item_service.add_item(
                session=s, alliance=north, kind=kind, item_in=values, today=TODAY
            )

        add(
            "briefing",
            why=f"Bring mediation to the region {text}",
            regional_situation="Many new arrivals",
            why_mediation="Mediators build trust",
            reasons=["Shared training", f"Reason two {text}"],
            expected_commitment="4-5 meetings over 18 months",
        )
        for i, (time, item, moderator) in enumerate(
            (("10:00", "Welcome and introduction", "Mia Member"), ("10:15", f"Housing {text}", ""))
        ):
            add(
                "agenda",
                meeting_id=world.meeting,
                position=i,
                time=time,
                item=item,
                moderator=moderator,
            )
        add("attendance", meeting_id=world.meeting, member_id=world.mia, present=True)
        add("attendance", meeting_id=world.meeting, member_id=world.olle, present=False)
        meeting = s.get(m.Meeting, world.meeting)
        assert meeting is not None
        meeting.place = "Salle des fêtes"
        meeting.host_organisation = f"CADA Bègles {text}"
        meeting.minutes = f"Everyone approved the previous minutes. {text}"
        action = s.get(m.ActionPlanItem, world.action)
        assert action is not None
        action.estimated_budget = Decimal("1200.50")
        action.local_problem = f"No interpreters {text}"
        action.indicator = "30 families reached"
        add(
            "communication",
            audience="policy_makers",
            stakeholder=f"Town council {text}",
            objectives="Fund the mediators",
            message="Mediation works",
            delivery="Meeting at the town hall",
            frequency="Twice a year",
        )
        add(
            "evaluation",
            kind="self_assessment",
            held_on="2026-02-20",
            evaluator="Eva Evaluator",
            strengths=["Trusted mediators"],
            weaknesses=[f"Few volunteers {text}"],
            opportunities=["New city programme"],
            threats=["Funding ends in 2027"],
        )
        north.vision = "Every newcomer finds a mediator"
        north.region = f"Gironde {text}"


def _urls(world: World, slug: str = "north") -> list[str]:
    return [f"/alliances/{slug}/print/{a}" for a in ALLIANCE_ANNEXES] + [
        f"/alliances/{slug}/meetings/{world.meeting}/print/{a}" for a in MEETING_ANNEXES
    ]


def test_every_annex_prints_from_the_data(client: TestClient, world: World) -> None:
    _fill_north(world)
    login(client, "coordinator")
    pages = {url.rsplit("/", 1)[1]: client.get(url) for url in _urls(world)}
    assert {k: p.status_code for k, p in pages.items()} == dict.fromkeys(pages, 200)
    for page in pages.values():
        # one layout: the print stylesheet, no dashboard chrome, the print button's script
        assert '<link rel="stylesheet" href="/static/print.css">' in page.text
        assert "govuk-frontend" not in page.text and "af-header" not in page.text
        assert 'style="' not in page.text and "onclick" not in page.text
    assert "Bring mediation to the region" in pages["briefing"].text
    assert "<li>Reason two</li>" in pages["briefing"].text
    assert "You are warmly invited" in pages["invitation"].text
    assert "<li>10:00 Welcome and introduction</li>" in pages["invitation"].text
    agenda = pages["agenda"].text
    assert "CADA Bègles" in agenda and "Salle des fêtes" in agenda
    assert '<td class="time">10:15</td><td>Housing</td>' in agenda
    minutes = pages["minutes"].text
    present, absent = minutes.index("Present (name"), minutes.index("Absent (name")
    assert present < minutes.index("Mia Member") < absent < minutes.index("Olle Other")
    assert "Everyone approved the previous minutes." in minutes
    assert "Book the room" in minutes and "Send minutes" in minutes
    plan = pages["action-plan"].text
    assert "Mia&#39;s action" in plan and "30 families reached" in plan
    assert "Every newcomer finds a mediator" in plan
    assert "/static/print-landscape.css" in plan  # a wide table prints sideways
    assert "1\u202f200,50\u00a0€" in plan  # an English alliance in France: written as there
    charter = pages["charter"].text
    assert "We work together, in good faith." in charter and "Version 1" in charter
    assert "Every newcomer finds a mediator" in charter and "Name:" in charter
    comms = pages["communication-plan"].text
    assert "Town council" in comms and "Policy makers" in comms and "Twice a year" in comms
    swot = pages["swot"].text
    for word in ("Trusted mediators", "Few volunteers", "New city programme", "Funding ends"):
        assert word in swot
    assert swot.index("Strengths") < swot.index("Weaknesses") < swot.index("Opportunities")
    assert "What is unique about your community?" in swot and "Eva Evaluator" in swot


def test_a_french_alliance_prints_in_french_for_an_english_reader(
    client: TestClient, world: World
) -> None:
    _fill_north(world)
    _set(world, "north", language="fr")
    login(client, "coordinator")  # reads the dashboard in English
    assert "Documents to print" in client.get("/alliances/north").text
    expected = {
        "briefing": "Pourquoi",
        "action-plan": "1\u202f200,50\u00a0€",
        "charter": "Je suis conscient",
        "communication-plan": "Décideurs politiques",
        "swot": "Qu'est-ce qui est unique dans votre communauté",
        "invitation": "Vous êtes cordialement invité",
        "agenda": "Ordre du jour",
        "minutes": "Personnes présentes",
    }
    for url in _urls(world):
        page = client.get(url)
        key = url.rsplit("/", 1)[1]
        assert page.status_code == 200, url
        assert '<html lang="fr">' in page.text, url
        text = page.text.replace("&#39;", "'")
        assert expected[key] in text, (url, expected[key])
        # the toolbar speaks to the reader, in English, and says which language prints
        assert "Print or save as PDF" in page.text and "français" in page.text
    # dates as written in France
    assert "10 févr. 2026" in client.get(_urls(world)[-1]).text


def test_money_and_dates_follow_the_alliance_country(client: TestClient, world: World) -> None:
    _fill_north(world)
    _set(world, "north", language="sv", country="SE")
    login(client, "coordinator")
    plan = client.get("/alliances/north/print/action-plan").text
    assert "1\u00a0200,50\u00a0kr" in plan and '<html lang="sv">' in plan
    _set(world, "north", language="en", country="IE")
    minutes = client.get(f"/alliances/north/meetings/{world.meeting}/print/minutes").text
    assert "10 Feb 2026" in minutes  # Irish English: day first


def test_user_text_is_escaped_in_every_annex(client: TestClient, world: World) -> None:
    _fill_north(world, HOSTILE)
    login(client, "coordinator")
    for url in _urls(world):
        page = client.get(url)
        assert page.status_code == 200, url
        assert HOSTILE not in page.text, url
        assert ESCAPED in page.text, url


def test_empty_annexes_say_nothing_is_recorded_yet(client: TestClient, world: World) -> None:
    login(client, "outsider")  # coordinates south, which has nothing yet
    with world.db.transaction() as s:
        south = alliance_service.get_alliance(session=s, ref="south")
        meeting = item_service.add_item(
            session=s,
            alliance=south,
            kind="meeting",
            item_in={"kind": "plenary", "starts_at": "2026-04-01T10:00"},
            today=TODAY,
        )
        meeting_id = meeting.id  # type: ignore[attr-defined]
    for url in [f"/alliances/south/print/{a}" for a in ALLIANCE_ANNEXES] + [
        f"/alliances/south/meetings/{meeting_id}/print/{a}" for a in ("agenda", "minutes")
    ]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Nothing recorded yet" in page.text, url
    # the invitation without an agenda prints the guide's programme
    invitation = client.get(f"/alliances/south/meetings/{meeting_id}/print/invitation")
    assert "Welcome to new members" in invitation.text and "a place to be confirmed" in (
        invitation.text
    )


def test_the_old_addresses_still_print(client: TestClient, world: World) -> None:
    _fill_north(world)
    login(client, "coordinator")
    old = client.get("/alliances/north/briefing/print")
    new = client.get("/alliances/north/print/briefing")
    assert old.status_code == new.status_code == 200 and old.text == new.text
    old = client.get(f"/alliances/north/meetings/{world.meeting}/invitation")
    assert old.status_code == 200 and "/static/print.css" in old.text


def test_the_documents_page_lists_what_the_reader_may_print(
    client: TestClient, world: World
) -> None:
    login(client, "funder")
    page = client.get("/alliances/north/print")
    assert page.status_code == 200
    assert "/print/swot" in page.text and "/print/communication-plan" in page.text
    assert "/print/action-plan" not in page.text and "/print/minutes" not in page.text
    client.cookies.clear()
    login(client, "member")
    page = client.get("/alliances/north/print")
    assert f"/meetings/{world.meeting}/print/minutes" in page.text
    assert "/print/action-plan" in page.text


def test_a_funder_reads_the_swot_without_the_evaluator_name(
    client: TestClient, world: World
) -> None:
    _fill_north(world)
    with world.db.transaction() as s:
        north = alliance_service.get_alliance(session=s, ref="north")
        s.add(m.MemberRole(member_id=world.mia, role="communications_officer"))
        assert north
    login(client, "funder")
    swot = client.get("/alliances/north/print/swot")
    assert swot.status_code == 200 and "Trusted mediators" in swot.text
    assert "Eva Evaluator" not in swot.text
    comms = client.get("/alliances/north/print/communication-plan")
    assert "Town council" in comms.text and "Mia Member" not in comms.text
    client.cookies.clear()
    login(client, "coordinator")
    comms = client.get("/alliances/north/print/communication-plan")
    assert "Communications officer: Mia Member" in comms.text


def test_a_swot_is_chosen_by_its_evaluation(client: TestClient, world: World) -> None:
    _fill_north(world)
    with world.db.transaction() as s:
        north = alliance_service.get_alliance(session=s, ref="north")
        older = item_service.add_item(
            session=s,
            alliance=north,
            kind="evaluation",
            item_in={"kind": "joint", "held_on": "2026-01-10", "strengths": ["Older strength"]},
            today=TODAY,
        )
        older_id = older.id  # type: ignore[attr-defined]
    login(client, "coordinator")
    assert "Trusted mediators" in client.get("/alliances/north/print/swot").text
    chosen = client.get(f"/alliances/north/print/swot?evaluation={older_id}")
    assert "Older strength" in chosen.text and "Trusted mediators" not in chosen.text
    assert client.get("/alliances/north/print/swot?evaluation=999999").status_code == 404


# --- charter drafts ------------------------------------------------------------------------------


def _charter_versions(world: World) -> list[int]:
    with world.db.transaction() as s:
        return list(s.scalars(select(m.CharterVersion.version).order_by(m.CharterVersion.version)))


def test_a_charter_draft_is_kept_hidden_from_members_then_published(
    client: TestClient, world: World
) -> None:
    # given: Mia signed version 1
    with world.db.transaction() as s:
        north = alliance_service.get_alliance(session=s, ref="north")
        s.add(m.CharterSignature(charter_version_id=_v1(s), member_id=world.mia, signed_on=TODAY))
        before = load_facts(s, north)
    csrf = login(client, "coordinator")
    # when: the coordinator saves a draft, then edits it
    saved = _post(client, "/alliances/north/charter/draft", csrf, text="Draft: we share data")
    assert saved.status_code == 303 and "saved=draft-saved" in saved.headers["location"]
    page = client.get(saved.headers["location"])
    assert "Draft: we share data" in page.text and "The draft is saved" in page.text
    version = page.text.split('name="version" value="')[1].split('"')[0]
    again = _post(
        client,
        "/alliances/north/charter/draft",
        csrf,
        text="Draft: we share data and attend",
        version=version,
    )
    assert again.status_code == 303
    # then: no version is added, no check changes, and members do not see it
    assert _charter_versions(world) == [1]
    with world.db.transaction() as s:
        after = load_facts(s, alliance_service.get_alliance(session=s, ref="north"))
    assert after == before
    client.cookies.clear()
    login(client, "member")
    for url in (
        "/alliances/north/charter",
        "/alliances/north/print/charter?draft=1",
        "/alliances/north/me",
    ):
        page = client.get(url)
        assert page.status_code == 200 and "we share data" not in page.text, url
    assert "You signed version 1" in client.get("/alliances/north/charter").text
    # when: the coordinator publishes it
    client.cookies.clear()
    csrf = login(client, "coordinator")
    page = client.get("/alliances/north/charter")
    assert "Draft: we share data and attend" in page.text
    assert client.get("/alliances/north/print/charter?draft=1").text.count("DRAFT") == 1
    version = page.text.split('name="version" value="')[1].split('"')[0]
    published = _post(
        client,
        "/alliances/north/charter",
        csrf,
        text="Draft: we share data and attend",
        version=version,
    )
    assert published.status_code == 303
    # then: version 2 exists, the draft is gone, and Mia is asked to sign again
    assert _charter_versions(world) == [1, 2]
    with world.db.transaction() as s:
        assert s.scalars(select(m.CharterDraft)).first() is None
        north = alliance_service.get_alliance(session=s, ref="north")
        facts = load_facts(s, north)
    assert facts != before
    client.cookies.clear()
    login(client, "member")
    page = client.get("/alliances/north/charter")
    assert "we share data and attend" in page.text and "Sign version 2" in page.text


def _v1(s: Any) -> int:
    return s.scalars(select(m.CharterVersion.id).where(m.CharterVersion.version == 1)).one()


def test_a_draft_saved_by_someone_else_is_not_overwritten_or_lost(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    assert _post(client, "/alliances/north/charter/draft", csrf, text="First").status_code == 303
    # a second editor opened the page before the first saved: their form has no draft version
    stale = _post(client, "/alliances/north/charter/draft", csrf, text="Second", version="7")
    assert stale.status_code == 409 and "Someone else saved this" in stale.text
    assert "Second" in stale.text  # what they typed is still in the form
    lost = _post(client, "/alliances/north/charter", csrf, text="Published over a draft")
    assert lost.status_code == 409 and _charter_versions(world) == [1]
    with world.db.transaction() as s:
        assert s.scalars(select(m.CharterDraft.text)).one() == "First"
    empty = _post(client, "/alliances/north/charter/draft", csrf, text="  ", version="1")
    assert empty.status_code == 422
    discarded = _post(client, "/alliances/north/charter/draft/discard", csrf)
    assert discarded.status_code == 303
    with world.db.transaction() as s:
        assert s.scalars(select(m.CharterDraft)).first() is None
    assert _charter_versions(world) == [1]


@pytest.mark.parametrize("who", ["member", "funder"])
def test_only_coordinators_write_drafts(client: TestClient, world: World, who: str) -> None:
    csrf = login(client, who)
    assert _post(client, "/alliances/north/charter/draft", csrf, text="x").status_code == 403
    with world.db.transaction() as s:
        assert s.scalars(select(m.CharterDraft)).first() is None


@pytest.mark.parametrize("language", ["fr", "nl", "sv"])
def test_a_printed_annex_holds_no_english_and_no_code(
    client: TestClient, world: World, language: str
) -> None:
    from alliance_flow.accounts import services as accounts
    from tests.web.test_no_leftovers import _codes, _english_messages, _Texts

    _fill_north(world)
    _set(world, "north", language=language)
    with world.db.transaction() as s:
        accounts.get_user(session=s, login="coordinator").language = language
    login(client, "coordinator")
    english, codes = _english_messages(language), _codes()
    leftovers: dict[str, set[str]] = {}
    for url in [*_urls(world), "/alliances/north/print"]:
        page = client.get(url)
        assert page.status_code == 200, url
        reader = _Texts()
        reader.feed(page.text)
        for text in reader.texts:
            if text.rstrip(":.") in english or text in codes:
                leftovers.setdefault(url, set()).add(text)
    assert not leftovers, f"{language}: {leftovers}"
