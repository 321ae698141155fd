"""Stage 3 and 4 use cases against a real database: the map and its exports, gaps from the
minutes, SMART actions, the completion date, the charter's versions and signatures."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import geojson
import pytest
from fastkml import kml
from lxml import etree

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.errors import Conflict, InvalidInput
from alliance_flow.facts import load_facts
from alliance_flow.reports import figures
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import analysis as analysis_service
from alliance_flow.services import items as item_service
from alliance_flow.services import mapping, planning
from tests.conftest import TODAY


def _alliance(db: Database) -> None:
    with db.transaction() as s:
        alliance_service.create_alliance(
            session=s,
            alliance_in={"name": "Bordeaux Alliance", "country": "FR", "slug": "bordeaux"},
            actor="test",
        )


def _add(db: Database, kind: str, /, **values: Any) -> int:
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        row = item_service.add_item(session=s, alliance=a, kind=kind, item_in=values, today=TODAY)
        return row.id  # type: ignore[attr-defined]


@pytest.fixture
def bordeaux(db: Database) -> Database:
    _alliance(db)
    return db


# --- the map --------------------------------------------------------------------------------


def test_exports_carry_the_mapped_organisations_and_parse_back(bordeaux: Database) -> None:
    # given two organisations placed (one typed with a decimal comma) and one not
    db = bordeaux
    cap = _add(
        db,
        "organisation",
        name="CAP Sciences & Médiation <Bègles>",
        group="ngo",
        sectors="social_action",
        address="Quai de Bacalan, Bordeaux",
        email="contact@cap.example",
        phone="+33 5 56 00 00 00",
    )
    lormont = _add(db, "organisation", name="Mairie de Lormont", group="public_authority")
    _add(db, "organisation", name="Not yet placed")
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        mapping.place_organisation(
            session=s,
            alliance=a,
            organisation_id=cap,
            latitude="44,8651",
            longitude="-0,5528",
            today=TODAY,
        )
        mapping.place_organisation(
            session=s,
            alliance=a,
            organisation_id=lormont,
            latitude="44.8790",
            longitude="-0.5217",
            today=TODAY,
        )
        rows = mapping.places(session=s, alliance=a)
        gj = mapping.geojson_text(alliance=a, rows=rows)
        kml_doc = mapping.kml_text(alliance=a, rows=rows)

    # then the GeoJSON is a valid FeatureCollection, longitude first
    parsed = geojson.loads(gj)
    assert parsed.is_valid, parsed.errors()
    assert parsed["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in parsed["features"]}
    assert set(by_name) == {"CAP Sciences & Médiation <Bègles>", "Mairie de Lormont"}
    assert by_name["Mairie de Lormont"]["geometry"]["coordinates"] == [-0.5217, 44.879]
    assert by_name["CAP Sciences & Médiation <Bègles>"]["geometry"]["coordinates"] == [
        -0.5528,
        44.8651,
    ]
    # and neither export carries the organisation's e-mail or phone
    assert "contact@cap.example" not in gj and "+33 5" not in gj
    assert "contact@cap.example" not in kml_doc and "+33 5" not in kml_doc

    # then the KML is well-formed KML 2.2 that fastkml reads back with the same points
    root = etree.fromstring(kml_doc.encode())
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    doc = kml.KML.from_string(kml_doc.encode())
    document = doc.features[0]
    marks = {p.name: p for p in document.features}
    assert set(marks) == {"CAP Sciences & Médiation <Bègles>", "Mairie de Lormont"}
    point = marks["Mairie de Lormont"].geometry
    assert (point.x, point.y) == (-0.5217, 44.879)
    assert "Quai de Bacalan" in (marks["CAP Sciences & Médiation <Bègles>"].description or "")


def test_a_coordinate_alone_or_out_of_range_is_refused_and_keeps_the_saved_place(
    bordeaux: Database,
) -> None:
    db = bordeaux
    org = _add(db, "organisation", name="Foyer", latitude="44.8", longitude="-0.5")
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        with pytest.raises(InvalidInput) as only_one:
            mapping.place_organisation(
                session=s, alliance=a, organisation_id=org, latitude="45", longitude="", today=TODAY
            )
        assert only_one.value.problems[0].field == "longitude"
    with pytest.raises(InvalidInput) as far, db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        mapping.place_organisation(
            session=s, alliance=a, organisation_id=org, latitude="95", longitude="-0.5", today=TODAY
        )
    assert far.value.problems[0].field == "latitude"
    with db.transaction() as s:
        row = s.get(m.Organisation, org)
        assert row is not None and (row.latitude, row.longitude) == (44.8, -0.5)


# --- gaps from the workshop's minutes ---------------------------------------------------------


def test_chosen_lines_of_the_minutes_become_gaps_once(bordeaux: Database) -> None:
    db = bordeaux
    meeting = _add(
        db,
        "meeting",
        kind="workshop",
        title="Gaps workshop",
        starts_at="2026-02-12T14:00",
        timezone="Europe/Paris",
        status="held",
        minutes="- No interpreting for health visits\n\n* Youth clubs closed in summer\nThanks all",
    )
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        mt = s.get(m.Meeting, meeting)
        assert mt is not None
        entries = analysis_service.minutes_entries(session=s, meeting=mt)
        assert [e.text for e in entries] == [
            "No interpreting for health visits",
            "Youth clubs closed in summer",
            "Thanks all",
        ]
        keys = [entries[0].key, entries[1].key]
        added = analysis_service.gaps_from_minutes(
            session=s, alliance=a, meeting_id=meeting, keys=keys, today=TODAY
        )
        assert [g.description for g in added] == [entries[0].text, entries[1].text]
        assert {g.identified_on for g in added} == {date(2026, 2, 12)}
        assert all("Gaps workshop" in (g.source or "") for g in added)
        # choosing them again adds nothing twice
        again = analysis_service.gaps_from_minutes(
            session=s, alliance=a, meeting_id=meeting, keys=keys, today=TODAY
        )
        assert again == []
        with pytest.raises(InvalidInput):
            analysis_service.gaps_from_minutes(
                session=s, alliance=a, meeting_id=meeting, keys=["line-99"], today=TODAY
            )


# --- SMART actions and the completion date --------------------------------------------------


def test_smart_score_names_what_is_missing(bordeaux: Database) -> None:
    db = bordeaux
    bare = _add(db, "action", action="Train mediators")
    full = _add(
        db,
        "action",
        action="Open a drop-in",
        objective="Reach 50 families",
        indicator="families met each month",
        responsible="Mairie de Lormont",
        estimated_budget="1200",
        local_problem="No place to ask for help",
        starts_on="2026-04-01",
        ends_on="2026-12-31",
    )
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        rows = {r.action.id: r for r in planning.action_plan(session=s, alliance=a)}
    assert rows[full].smart.complete and rows[full].smart.percent == 100
    assert rows[bare].smart.present == 0
    assert "no indicator" in rows[bare].smart.missing
    assert "no end date" in rows[bare].smart.missing
    assert len(rows[bare].smart.missing) == rows[bare].smart.total


def test_done_keeps_its_date_and_past_reports_tell_what_was_done_by_then(
    bordeaux: Database,
) -> None:
    db = bordeaux
    action = _add(
        db, "action", action="Open a drop-in", starts_on="2026-01-05", ends_on="2026-06-30"
    )
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        # marked done without a date: today is kept
        row: Any = item_service.edit_item(
            session=s,
            alliance=a,
            kind="action",
            item_id=action,
            changes={"status": "done"},
            today=TODAY,
        )
        assert row.completed_on == TODAY
        with pytest.raises(InvalidInput):
            item_service.edit_item(
                session=s,
                alliance=a,
                kind="action",
                item_id=action,
                changes={"completed_on": str(TODAY + timedelta(days=1))},
                today=TODAY,
            )
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        row = item_service.edit_item(
            session=s,
            alliance=a,
            kind="action",
            item_id=action,
            changes={"completed_on": "2026-02-20"},
            today=TODAY,
        )
        assert row.completed_on == date(2026, 2, 20)
        january = figures.Period("range", date(2026, 1, 1), date(2026, 1, 31))
        february = figures.Period("range", date(2026, 2, 1), date(2026, 2, 28))
        facts = load_facts(s, a, figures.REPORT)
        before = figures._actions(facts, january)
        after = figures._actions(facts, february)
    assert before.lines[0].state == figures.ON_TRACK
    assert after.lines[0].state == figures.DONE
    assert after.done_in_period == 1 and before.done_in_period == 0
    # reopened: the date goes with the status
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        row = item_service.edit_item(
            session=s,
            alliance=a,
            kind="action",
            item_id=action,
            changes={"status": "in_progress"},
            today=TODAY,
        )
        assert row.completed_on is None


# --- the charter ------------------------------------------------------------------------------


def test_a_new_charter_version_asks_everyone_to_sign_again(bordeaux: Database) -> None:
    db = bordeaux
    ana = _add(db, "member", name="Ana", joined_on="2026-01-10")
    bo = _add(db, "member", name="Bo", joined_on="2026-01-10")
    _add(db, "member", name="Candidate")  # never joined: not asked
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        v1 = planning.publish_charter(session=s, alliance=a, text="We attend.", today=TODAY)
        assert v1.version == 1 and v1.adopted_on == TODAY
        for who in (ana, bo):
            item_service.sign_charter(session=s, alliance=a, member_id=who, today=TODAY)
        with pytest.raises(InvalidInput):
            planning.publish_charter(session=s, alliance=a, text=" We attend. ", today=TODAY)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        planning.publish_charter(session=s, alliance=a, text="We attend and share.", today=TODAY)
        item_service.sign_charter(session=s, alliance=a, member_id=ana, today=TODAY)
        overview = planning.charter_overview(session=s, alliance=a, today=TODAY)
    current, first = overview
    assert current.version.version == 2
    assert [x.member.name for x in current.signed] == ["Ana"]
    assert [p.name for p in current.unsigned] == ["Bo"]
    assert sorted(x.member.name for x in first.signed) == ["Ana", "Bo"]
    assert first.unsigned == []


def test_publishing_the_plan_needs_an_action_and_counts_for_the_gate(bordeaux: Database) -> None:
    db = bordeaux
    with pytest.raises(Conflict), db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        planning.publish(
            session=s,
            alliance=a,
            today=TODAY,
            publication_in={"kind": "action_plan", "title": "Plan"},
        )
    _add(db, "action", action="Open a drop-in")
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        planning.publish(
            session=s,
            alliance=a,
            today=TODAY,
            publication_in={"kind": "action_plan", "title": "Plan régional"},
        )
        kinds = [p.kind for p in planning.publications(session=s, alliance=a)]
    assert kinds == ["action_plan"]


def test_geojson_dumps_plain_json(bordeaux: Database) -> None:
    with bordeaux.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref="bordeaux")
        text = mapping.geojson_text(alliance=a, rows=[])
    assert json.loads(text) == {
        "type": "FeatureCollection",
        "name": "Bordeaux Alliance",
        "features": [],
    }


def test_minutes_per_agenda_item_are_offered_once(bordeaux: Database) -> None:
    db = bordeaux
    meeting = _add(db, "meeting", kind="workshop", starts_at="2026-02-12T14:00", status="held")
    item = _add(db, "agenda", meeting_id=meeting, item="Gaps", position=1)
    with db.transaction() as s:
        row = s.get(m.AgendaItem, item)
        mt = s.get(m.Meeting, meeting)
        assert row is not None and mt is not None
        if not hasattr(row, "minutes"):
            pytest.skip("minutes per agenda item are not in this version")
        row.minutes = "No interpreting\nNo evening childcare"  # type: ignore[attr-defined]
        # the meeting's minutes repeat the items' minutes, then the general notes
        mt.minutes = "Gaps: No interpreting\nNo evening childcare\n\nThanks all"
        s.flush()
        entries = [e.text for e in analysis_service.minutes_entries(session=s, meeting=mt)]
    assert entries == ["Gaps: No interpreting", "Gaps: No evening childcare", "Thanks all"]
