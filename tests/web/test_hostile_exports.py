"""Hostile values in every file the dashboard hands out: calendars, map exports, spreadsheets,
download names. Each must open in the program it is meant for and run nothing."""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree as ET

import openpyxl
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import update

from alliance_flow import models as m
from alliance_flow.safety import sheet_title
from alliance_flow.services import alliances as alliance_service
from tests.web.conftest import World, login

BRACKETS = "Alliance [/] test: *?"
INJECTED = "Plenary\r\nATTENDEE:mailto:evil@example.org\r\nBEGIN:VEVENT\r\nSUMMARY:fake"


def test_a_name_no_spreadsheet_allows_as_a_sheet_name_still_exports(
    client: TestClient, world: World
) -> None:
    # given north renamed with characters a sheet name may not hold
    with world.db.transaction() as session:
        session.execute(update(m.Alliance).where(m.Alliance.slug == "north").values(name=BRACKETS))
    login(client, "coordinator")
    # when the stakeholder table and the report are downloaded as spreadsheets
    for path in ("/alliances/north/stakeholders.xlsx", "/alliances/north/report.xlsx"):
        answer = client.get(path)
        # then they open, the stakeholder sheet named as near to the alliance as allowed
        assert answer.status_code == 200, (path, answer.text[:300])
        book = openpyxl.load_workbook(io.BytesIO(answer.content))
        assert all(not set(s.title) & set("[]:*?/\\") for s in book.worksheets)
    assert sheet_title(BRACKETS) == "Alliance test"
    assert sheet_title("") == "Sheet" and len(sheet_title("x" * 99)) == 31


def test_a_meeting_title_cannot_add_lines_to_its_calendar_file(
    client: TestClient, world: World
) -> None:
    # given a meeting whose title and place carry calendar lines of their own
    with world.db.transaction() as session:
        session.execute(
            update(m.Meeting)
            .where(m.Meeting.id == world.meeting)
            .values(title=INJECTED, place="Hall\nORGANIZER:mailto:evil@example.org")
        )
        session.execute(
            update(m.Alliance).where(m.Alliance.slug == "north").values(name="North\r\nX-EVIL:1")
        )
    login(client, "coordinator")
    # when its calendar file is downloaded
    answer = client.get(f"/alliances/north/meetings/{world.meeting}/calendar.ics")
    assert answer.status_code == 200
    # then it holds one event, with the typed text inside its own properties only
    calendar = Calendar.from_ical(answer.content)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    (event,) = events
    assert "ATTENDEE" not in event and "ORGANIZER" not in event and "X-EVIL" not in calendar
    assert "ATTENDEE:mailto:evil@example.org" in str(event["summary"])
    lines = answer.content.decode().splitlines()
    assert not any(re.match(r"^(ATTENDEE|ORGANIZER|X-EVIL|SUMMARY:fake)", line) for line in lines)


def test_the_map_exports_run_no_script_and_open_as_xml(client: TestClient, world: World) -> None:
    # given a mapped organisation with markup, a script address and a control character
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        session.add(
            m.Organisation(
                alliance_id=north.id,
                name="Org \x01<b>bold</b>",
                address="<script>alert(1)</script>",
                website="javascript:alert(2)",
                latitude=44.8,
                longitude=-0.5,
            )
        )
    login(client, "coordinator")
    # when the map is exported as KML and GeoJSON
    kml = client.get("/alliances/north/map.kml")
    geo = client.get("/alliances/north/map.geojson")
    assert kml.status_code == 200 and geo.status_code == 200
    # then the KML is well-formed, its description shows the markup as text, no script link
    root = ET.fromstring(kml.content)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    description = root.find(".//k:Placemark/k:description", ns)
    assert description is not None and description.text is not None
    assert "<script>" not in description.text and "&lt;script&gt;" in description.text
    assert "javascript:" not in kml.text and "javascript:" not in geo.text
    assert "\x01" not in kml.text


def test_download_names_are_plain_ascii_whatever_the_alliance_is_called(
    client: TestClient, world: World
) -> None:
    # given an alliance named with quotes, a newline and non-Latin letters
    with world.db.transaction() as session:
        session.execute(
            update(m.Alliance)
            .where(m.Alliance.slug == "north")
            .values(name='Nord "quoted"\r\nSet-Cookie: x=1 Åström')
        )
    login(client, "coordinator")
    for path in (
        "/alliances/north/stakeholders.csv",
        "/alliances/north/report.pdf",
        "/alliances/north/map.kml",
        f"/alliances/north/meetings/{world.meeting}/calendar.ics",
        "/reports/portfolio.csv",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        disposition = answer.headers["content-disposition"]
        assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"', disposition), disposition
