"""The stakeholder table, its import through a preview, its export, and the briefing, over HTTP."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from alliance_flow import models as m
from alliance_flow.i18n import _, use_language
from alliance_flow.services import alliances as alliance_service
from tests.web.conftest import World, login

GUIDE_CSV = (
    "Nom de l'intervenant;Secteur(s);Personne à contacter;Téléphone, E-mail, Site Web, Adresse;"
    "L'Influence\n"
    "Kronoberg tillsammans;action sociale;Anna Berg;"
    '"0470 123 456, info@kronoberg.se, https://kronobergtillsammans.se, Storgatan 1, Växjö";haut\n'
    "Internationella vänner;action sociale;;;moyen\n"
    "Kronoberg tillsammans;structures socio-culturelles & sportives;;;\n"
)


def _orgs(world: World, alliance: str = "north") -> dict[str, m.Organisation]:
    with world.db.transaction() as s:
        a = s.scalars(select(m.Alliance).where(m.Alliance.slug == alliance)).one()
        orgs = s.scalars(select(m.Organisation).where(m.Organisation.alliance_id == a.id))
        out = {o.name: o for o in orgs}
        for o in out.values():
            s.expunge(o)
        return out


def _count(world: World, model: type[m.Base]) -> int:
    with world.db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _add(client: TestClient, csrf: str, **fields: object) -> object:
    return client.post(
        "/alliances/north/organisations",
        data={"csrf_token": csrf, **fields},
        follow_redirects=False,
    )


# --- add, edit, remove -------------------------------------------------------------------------


def test_add_an_organisation_with_every_column(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    answer = _add(
        client,
        csrf,
        name="Foyer Bègles",
        group="ngo",
        sectors=["social_action", "economic_insertion"],
        contact_person="Awa Diallo",
        email="contact@foyer.fr",
        influence="high",
        interest="medium",
        mobilisation_strategy="Meet the director",
        notes="Runs French classes",
    )
    assert answer.status_code == 303  # type: ignore[attr-defined]
    org = _orgs(world)["Foyer Bègles"]
    assert (org.contact_person, org.influence, org.interest, org.notes) == (
        "Awa Diallo",
        "high",
        "medium",
        "Runs French classes",
    )
    page = client.get("/alliances/north/organisations")
    assert "Awa Diallo" in page.text and "Meet the director" in page.text


def test_refused_add_keeps_what_was_typed_and_says_which_field(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    answer = _add(
        client,
        csrf,
        name="Foyer Bègles",
        group="ngo",
        sectors=["economic_insertion"],
        contact_person="Awa Diallo",
        email="not-an-email",
        influence="high",
    )
    assert answer.status_code == 422  # type: ignore[attr-defined]
    text = answer.text  # type: ignore[attr-defined]
    assert 'id="o-email-error"' in text and "not a valid e-mail address" in text
    assert 'value="Awa Diallo"' in text and 'value="not-an-email"' in text
    assert re.search(r'value="economic_insertion" checked', text)
    assert re.search(r'<option value="ngo" selected>', text)
    assert re.search(r'id="o-influence".*?<option value="high" selected>', text, re.S)
    assert "Foyer Bègles" not in _orgs(world)


def test_edit_changes_and_clears_fields(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    _add(client, csrf, name="Cap Sud", group="ngo", notes="old note", influence="low")
    org_id = _orgs(world)["Cap Sud"].id
    form = client.get(f"/alliances/north/organisations/{org_id}")
    assert form.status_code == 200 and "old note" in form.text
    answer = client.post(
        f"/alliances/north/organisations/{org_id}",
        # a browser sends every field of the form, the emptied ones as ""
        data={
            "csrf_token": csrf,
            "name": "Cap Sud",
            "group": "ngo",
            "influence": "high",
            "notes": "",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    org = _orgs(world)["Cap Sud"]
    assert org.influence == "high" and org.notes is None


def test_a_bad_value_on_edit_erases_nothing(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    _add(client, csrf, name="Cap Sud", group="ngo", email="a@cap.fr", notes="keep me")
    org_id = _orgs(world)["Cap Sud"].id
    answer = client.post(
        f"/alliances/north/organisations/{org_id}",
        data={"csrf_token": csrf, "name": "Cap Sud", "group": "ngo", "email": "broken"},
    )
    assert answer.status_code == 422
    assert 'value="broken"' in answer.text  # what was typed is shown again
    org = _orgs(world)["Cap Sud"]
    assert (org.email, org.notes) == ("a@cap.fr", "keep me")


def test_remove_is_refused_while_a_member_represents_it(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    _add(client, csrf, name="Cap Sud", group="ngo")
    _add(client, csrf, name="Empty One", group="ngo")
    orgs = _orgs(world)
    client.post(
        "/alliances/north/members",
        data={"csrf_token": csrf, "name": "Rep", "organisation_id": str(orgs["Cap Sud"].id)},
    )
    refused = client.post(
        f"/alliances/north/organisations/{orgs['Cap Sud'].id}/remove",
        data={"csrf_token": csrf, "confirm": "yes"},
    )
    assert refused.status_code == 409
    assert "1 member represents this organisation" in refused.text
    unconfirmed = client.post(
        f"/alliances/north/organisations/{orgs['Empty One'].id}/remove",
        data={"csrf_token": csrf},
    )
    assert unconfirmed.status_code == 422
    removed = client.post(
        f"/alliances/north/organisations/{orgs['Empty One'].id}/remove",
        data={"csrf_token": csrf, "confirm": "yes"},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert set(_orgs(world)) == {"Cap Sud"}


def test_filter_sort_and_grid(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    _add(client, csrf, name="Zeta", group="ngo", sectors="social_action", influence="high",
         interest="high")  # fmt: skip
    _add(client, csrf, name="Alpha", group="public_authority", sectors="economic_insertion",
         influence="low", interest="high")  # fmt: skip
    _add(client, csrf, name="Mid", group="ngo", influence="medium")
    page = client.get("/alliances/north/organisations?sector=social_action")
    assert "Zeta" in page.text.split('id="grid"')[0]
    assert "Alpha" not in page.text.split('id="grid"')[0]
    by_influence = client.get("/alliances/north/organisations?sort=influence").text
    table = by_influence.split('id="grid"')[0]
    assert table.index("Zeta") < table.index("Mid") < table.index("Alpha")
    grid = by_influence.split('id="grid"')[1]
    first = grid.split("Mobilise first:")[1].split("</p>")[0]
    assert "Zeta" in first and "Alpha" not in first
    assert "Not yet placed" in grid and "Mid" in grid.split("Not yet placed")[1]


# --- import through a preview, export ------------------------------------------------------------


def _upload(client: TestClient, csrf: str, name: str, content: bytes) -> object:
    return client.post(
        "/alliances/north/organisations/import",
        data={"csrf_token": csrf},
        files={"file": (name, content, "text/csv")},
    )


def _confirm(client: TestClient, csrf: str, preview_html: str) -> object:
    action = re.search(r'action="(/alliances/north/organisations/import/[^"]+)"', preview_html)
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', preview_html)
    assert action and fingerprint, preview_html
    return client.post(
        action.group(1),
        data={"csrf_token": csrf, "fingerprint": fingerprint.group(1)},
        follow_redirects=False,
    )


def test_guide_table_import_previews_then_writes_only_when_confirmed(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    preview = _upload(client, csrf, "intervenants.csv", GUIDE_CSV.encode("utf-8"))
    assert preview.status_code == 200  # type: ignore[attr-defined]
    html = preview.text  # type: ignore[attr-defined]
    assert "Nothing has been saved yet" in html
    assert "Kronoberg tillsammans" in html and "2, 4" in html  # merged from lines 2 and 4
    assert _orgs(world) == {}  # nothing written before the confirmation
    done = _confirm(client, csrf, html)
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert "imported=2-0-0-0" in done.headers["location"]  # type: ignore[attr-defined]
    org = _orgs(world)["Kronoberg tillsammans"]
    assert sorted(org.sectors) == ["social_action", "socio_cultural_sports"]
    assert (org.phone, org.email, org.website, org.address, org.contact_person) == (
        "0470 123 456",
        "info@kronoberg.se",
        "https://kronobergtillsammans.se",
        "Storgatan 1, Växjö",
        "Anna Berg",
    )
    # the upload is used once
    again = _confirm(client, csrf, html)
    assert again.status_code == 404  # type: ignore[attr-defined]


def test_import_with_bad_rows_lists_them_and_offers_no_confirmation(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    bad = "Nom de l'intervenant;L'Influence\nA;énorme\n;haut\n"
    preview = _upload(client, csrf, "bad.csv", bad.encode())
    html = preview.text  # type: ignore[attr-defined]
    assert "2 problems must be corrected" in html
    assert "unknown value" in html and "énorme" in html
    assert 'name="fingerprint"' not in html
    assert _orgs(world) == {}


def test_unreadable_file_is_refused_on_the_table_page(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    answer = _upload(client, csrf, "notes.txt", b"hello")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "use a .csv or .xlsx file" in answer.text  # type: ignore[attr-defined]


def test_confirmation_refused_when_the_table_changed_since_the_preview(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    html = _upload(client, csrf, "intervenants.csv", GUIDE_CSV.encode()).text  # type: ignore[attr-defined]
    _add(client, csrf, name="Internationella vänner", group="ngo")  # meanwhile
    answer = _confirm(client, csrf, html)
    assert answer.status_code == 409  # type: ignore[attr-defined]
    assert "changed since this preview" in answer.text  # type: ignore[attr-defined]
    assert set(_orgs(world)) == {"Internationella vänner"}


def test_upload_is_not_echoed_as_html(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    evil = "Stakeholder name;Notes\n<script>alert(1)</script>;<b>x</b>\n"
    html = _upload(client, csrf, "x.csv", evil.encode()).text  # type: ignore[attr-defined]
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_export_reimports_without_change_csv_and_xlsx(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    _confirm(client, csrf, _upload(client, csrf, "g.csv", GUIDE_CSV.encode()).text)  # type: ignore[attr-defined]
    _add(client, csrf, name="Cap Sud", group="migrant_refugee_community", interest="high",
         sectors=["economic_insertion"], notes="=HYPERLINK(\"http://x.example\")",
         phone="+33 5 56 00 00 00")  # fmt: skip
    cap = _orgs(world)["Cap Sud"]
    client.post(
        "/alliances/north/members",
        data={"csrf_token": csrf, "name": "Rep One", "organisation_id": str(cap.id),
              "email": "rep@cap.fr", "has_authority": "yes", "roles": "secretary"},
    )  # fmt: skip
    before = (_count(world, m.Organisation), _count(world, m.Member), _count(world, m.AuditEvent))
    exported = client.get("/alliances/north/stakeholders.csv?contacts=yes")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    cap_row = next(r for r in rows if r[0] == "Cap Sud")
    assert '\'=HYPERLINK("http://x.example")' in cap_row  # never run as a formula
    assert "'+33 5 56 00 00 00" in cap_row
    assert rows[0][0] == "Stakeholder name" and len(rows) == 1 + 3 + 2  # orgs + 2 members of north
    xlsx = client.get("/alliances/north/stakeholders.xlsx?contacts=yes")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row == len(rows)
    plain = client.get("/alliances/north/stakeholders.csv")  # without contact details
    for name, content in (
        ("back.csv", exported.content),
        ("back.xlsx", xlsx.content),
        ("plain.csv", plain.content),
    ):
        html = _upload(client, csrf, name, content).text  # type: ignore[attr-defined]
        assert "This file changes nothing" in html, html
        assert 'name="fingerprint"' not in html
    assert (
        _count(world, m.Organisation),
        _count(world, m.Member),
        _count(world, m.AuditEvent),
    ) == before


# --- the briefing --------------------------------------------------------------------------------


def test_briefing_saves_counts_reasons_and_prints_in_the_working_language(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    page = client.get("/alliances/north/briefing")
    assert "0 of the 5 reasons" in page.text
    answer = client.post(
        "/alliances/north/briefing",
        data={
            "csrf_token": csrf,
            "why": "Bring mediation to Bordeaux",
            "regional_situation": "Many new arrivals",
            "why_mediation": "Mediators build trust",
            "reasons": "One\nTwo\n\nThree",
            "expected_commitment": "4-5 meetings over 18 months",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get("/alliances/north/briefing?saved=1")
    assert "3 of the 5 reasons" in page.text and "was saved" in page.text
    with world.db.transaction() as s:
        assert s.scalars(select(m.Briefing)).one().reasons == ["One", "Two", "Three"]
    printed = client.get("/alliances/north/briefing/print")
    assert printed.status_code == 200
    assert '<html lang="en">' in printed.text and "<li>Two</li>" in printed.text
    with world.db.transaction() as s:
        s.scalars(select(m.Alliance).where(m.Alliance.slug == "north")).one().language = "fr"
    printed = client.get("/alliances/north/briefing/print")
    assert '<html lang="fr">' in printed.text


def test_member_reads_the_briefing_but_cannot_edit(client: TestClient, world: World) -> None:
    csrf = login(client, "member")
    page = client.get("/alliances/north/briefing")
    assert page.status_code == 200 and 'name="why"' not in page.text
    answer = client.post("/alliances/north/briefing", data={"csrf_token": csrf, "why": "x"})
    assert answer.status_code == 403


def test_a_stakeholder_file_larger_than_a_form_may_be_uploaded(
    client: TestClient, world: World
) -> None:
    """Forms are limited to 1 MB; the stakeholder upload takes a real table (here 2.5 MB)."""
    csrf = login(client, "coordinator")
    rows = "".join(f"Organisation {i:05d};{'x' * 100}\n" for i in range(20_000))
    content = ("Stakeholder name;Notes\n" + rows).encode()
    assert len(content) > 2_000_000
    preview = _upload(client, csrf, "big.csv", content)
    assert preview.status_code == 200  # type: ignore[attr-defined]
    assert "20000" in preview.text.replace(",", "").replace("\u202f", "")  # type: ignore[attr-defined]
    too_big_form = client.post(
        "/alliances/north/organisations", data={"csrf_token": csrf, "notes": "x" * 1_100_000}
    )
    assert too_big_form.status_code == 413


def test_the_export_holds_contact_details_only_when_asked_and_as_consent_allows(
    client: TestClient, world: World
) -> None:
    # given an organisation with a contact, Rep One (consenting) and Rep Two, who withdrew
    # consent to be contacted, both with e-mail and phone
    from alliance_flow import privacy

    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        org = m.Organisation(
            alliance_id=north.id,
            name="Cap Sud",
            contact_person="Desk Person",
            phone="+33 5 00 00 00 01",
            email="desk@cap.example",
        )
        session.add(org)
        session.flush()
        for name, mail, phone in (
            ("Rep One", "one@cap.example", "+33 6 00 00 00 01"),
            ("Rep Two", "two@cap.example", "+33 6 00 00 00 02"),
        ):
            session.add(
                m.Member(
                    alliance_id=north.id, organisation_id=org.id, name=name, email=mail, phone=phone
                )
            )
        session.flush()
        two = session.scalars(select(m.Member).where(m.Member.name == "Rep Two")).one()
        privacy.set_consents(session=session, member=two, granted={"contact": False}, actor="t")

    def cells(answer: Any) -> str:
        assert answer.status_code == 200, answer.text
        if answer.headers["content-type"].startswith("text/csv"):
            return answer.content.decode("utf-8-sig")
        book = openpyxl.load_workbook(io.BytesIO(answer.content))
        return "\n".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)

    for who in ("coordinator", "member"):
        csrf = login(client, who)
        for fmt in ("csv", "xlsx"):
            # when the table is exported as it comes: no contact details of anyone
            plain = cells(client.get(f"/alliances/north/stakeholders.{fmt}"))
            assert "Rep One" in plain and "Rep Two" in plain and "Cap Sud" in plain
            for detail in ("@cap.example", "00 00 00", "Desk Person"):
                assert detail not in plain, (who, fmt, detail)
            # when asked for: the organisation's and Rep One's, never Rep Two's
            asked = client.get(f"/alliances/north/stakeholders.{fmt}?contacts=yes")
            assert "-contacts." in asked.headers["content-disposition"]
            full = cells(asked)
            for detail in ("one@cap.example", "+33 6 00 00 00 01", "desk@cap.example", "Desk"):
                assert detail in full, (who, fmt, detail)
            assert "two@cap.example" not in full and "00 00 00 02" not in full
        client.post("/logout", data={"csrf_token": csrf})
    # and a funder gets no table at all
    login(client, "funder")
    assert client.get("/alliances/north/stakeholders.csv?contacts=yes").status_code == 403


#: The stakeholder name's header, as each language's export writes it.
NAME_HEADER = {
    "en": "Stakeholder name",
    "fr": "Nom de la partie prenante",
    "nl": "Naam van de belanghebbende",
    "sv": "Intressentens namn",
}


@pytest.mark.parametrize("language", sorted(NAME_HEADER))
def test_the_export_speaks_the_readers_language_and_reimports_unchanged(
    client: TestClient, world: World, language: str
) -> None:
    from alliance_flow.accounts import services as accounts
    from tests.leftovers import code_values

    # given a reader of `language` and a table with every coded field filled in: an
    # organisation with its representative, and an individual member
    with world.db.transaction() as s:
        accounts.get_user(session=s, login="coordinator").language = language
    csrf = login(client, "coordinator")
    _add(client, csrf, name="Cap Sud", group="ngo", influence="high", interest="low",
         sectors=["social_action", "socio_cultural_sports"])  # fmt: skip
    cap = _orgs(world)["Cap Sud"]
    for fields in (
        {"name": "Rep One", "organisation_id": str(cap.id), "email": "rep@cap.example",
         "roles": ["chair", "communications_officer"], "has_authority": "no",
         "authority_granted_by": "The board", "participation_level": "deciding_together",
         "language": "nl", "joined_on": "2026-01-15"},
        {"name": "Ana Solo", "group": "mediator", "sector": "economic_insertion",
         "has_authority": "yes", "language": "sv"},
    ):  # fmt: skip
        added = client.post(
            "/alliances/north/members", data={"csrf_token": csrf, **fields}, follow_redirects=False
        )
        assert added.status_code == 303, added.text
    before = (_count(world, m.Organisation), _count(world, m.Member), _count(world, m.AuditEvent))
    # when the table is exported, as CSV and as a workbook, with and without contact details
    files = {
        "back.csv": client.get("/alliances/north/stakeholders.csv?contacts=yes").content,
        "plain.csv": client.get("/alliances/north/stakeholders.csv").content,
        "back.xlsx": client.get("/alliances/north/stakeholders.xlsx?contacts=yes").content,
    }
    # then its headers and values are the reader's words, never a stored code
    rows = list(csv.reader(io.StringIO(files["back.csv"].decode("utf-8-sig")), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(files["back.xlsx"])).active
    assert sheet is not None
    assert sheet.max_row == len(rows)
    assert [c.value for c in sheet[1]] == rows[0] and rows[0][0] == NAME_HEADER[language]
    cells = {c for r in rows for part in r for c in [part, *part.split("; ")] if c}
    codes = code_values() | {"nl", "sv"}
    if language == "en":
        codes -= {"yes", "no"}  # English says them as it stores them
    assert not cells & codes, sorted(cells & codes)
    rep = next(r for r in rows if "Rep One" in r)
    solo = next(r for r in rows if "Ana Solo" in r)
    with use_language(language):
        assert _("NGO (reception, socio-cultural inclusion)") in rep
        assert f"{_('Social action')}; {_('Socio-cultural and sports structures')}" in rep
        assert f"{_('Chair')}; {_('Communications officer')}" in rep
        assert _("Deciding together") in rep and _("no") in rep
        assert _("Mediator") in solo and _("Professional and economic insertion") in solo
    # and each file re-imports without changing anything
    for name, content in files.items():
        html = _upload(client, csrf, name, content).text  # type: ignore[attr-defined]
        assert 'name="fingerprint"' not in html, (name, html)
        assert 'class="problems"' not in html and "error" not in html.lower(), (name, html)
    assert (
        _count(world, m.Organisation),
        _count(world, m.Member),
        _count(world, m.AuditEvent),
    ) == before
