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


def test_no_page_or_report_links_to_a_script_address_stored_in_any_url_column(
    client: TestClient, world: World
) -> None:
    """Addresses saved before the input check (or by hand) are shown as text, never as links:
    every url/website column of every table holds `javascript:`, every page is opened."""
    from sqlalchemy import String

    from tests.web.test_authorization_matrix import routes_of_app
    from tests.web.test_funder_sees_no_names import _concrete_paths, type_names_everywhere

    # given a row of every kind, and a script address in every column meant for an address
    type_names_everywhere(world.db, world)
    script = "javascript:alert(document.cookie)"
    with world.db.transaction() as session:
        for table in m.Base.metadata.sorted_tables:
            columns = [
                c.name
                for c in table.columns
                if isinstance(c.type, String) and c.name in ("url", "website")
            ]
            if columns:
                session.execute(update(table).values(dict.fromkeys(columns, script)))
    login(client, "coordinator")
    opened = 0
    # when the coordinator opens every page and report
    for route in sorted({path for method, path in routes_of_app() if method == "GET"}):
        if route.startswith("/api/"):
            continue
        for path in _concrete_paths(route, world):
            answer = client.get(path)
            if answer.status_code != 200 or "html" not in answer.headers.get("content-type", ""):
                continue
            opened += 1
            # then no link, image or form points at the script
            found = re.findall(r'(?:href|src|action)\s*=\s*"\s*javascript:', answer.text, re.I)
            assert not found, path
    assert opened > 20


def test_an_edit_key_with_a_non_ascii_digit_or_a_huge_id_is_no_server_error(
    client: TestClient, world: World
) -> None:
    login(client, "coordinator")
    for edit in ("gaps:%C2%B3", "gaps:99999999999999999999", "plan:%C2%B3", "gaps:-1"):
        for page in ("analysis", "dissemination"):
            answer = client.get(f"/alliances/north/{page}?edit={edit}")
            assert answer.status_code < 500, (page, edit, answer.status_code)


def _odt_with(how: dict[str, int]) -> bytes:
    """An .odt whose 'mimetype' entry is marked encrypted, or uses an unknown compression."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    raw = bytearray(buffer.getvalue())
    central = raw.find(b"PK\x01\x02")
    if "encrypted" in how:
        raw[6] |= 1
        raw[central + 8] |= 1
    if "method" in how:
        raw[8] = raw[central + 10] = how["method"]
    return bytes(raw)


def test_a_crafted_office_file_is_refused_naming_the_field_not_a_server_error() -> None:
    import pytest

    from alliance_flow.errors import InvalidInput
    from alliance_flow.services import documents

    for crafted in (_odt_with({"encrypted": 1}), _odt_with({"method": 99})):
        with pytest.raises(InvalidInput) as refused:
            documents.check_file(field="report", filename="report.odt", content=crafted)
        assert refused.value.problems[0].field == "report"
