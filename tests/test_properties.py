"""Properties over many inputs (hypothesis, derandomised): parsers refuse cleanly, rules hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_flow.errors import InvalidInput
from alliance_flow.importer import read_table, split_contact
from alliance_flow.reminders.due import AllianceData, MeetingInfo, Person, due_for
from alliance_flow.reports.figures import parse_period
from alliance_flow.safety import MAX_ID, parse_id, safe_url, spreadsheet_cell

SOME = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ZONES = st.sampled_from(
    ["UTC", "Europe/Paris", "Europe/Dublin", "Europe/Stockholm", "Pacific/Apia"]
)

# --- the period parser ----------------------------------------------------------------------

PERIOD_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["whole", "since-last", "quarter", "last-quarter", "LAST_QUARTER"]),
    st.builds(lambda y, q: f"{y}-q{q}", st.integers(0, 12000), st.integers(-1, 6)),
    st.builds(
        lambda a, b: f"{a}..{b}",
        st.dates().map(date.isoformat) | st.text(max_size=12),
        st.dates().map(date.isoformat) | st.text(max_size=12),
    ),
)


@SOME
@given(spec=PERIOD_TEXT, today=st.dates(date(2000, 1, 1), date(2100, 1, 1)))
def test_a_period_is_a_span_or_a_clear_refusal(spec: str, today: date) -> None:
    try:
        period = parse_period(spec, today=today, start_of_life=date(1999, 1, 1))
    except ValueError:
        return  # the service turns it into a 422 naming the period
    assert period.start <= period.end


# --- the import parsers ---------------------------------------------------------------------


@SOME
@given(raw=st.binary(max_size=400) | st.text(max_size=300).map(str.encode))
def test_any_csv_file_is_read_or_refused_naming_the_problem(raw: bytes) -> None:
    try:
        rows = read_table("stakeholders.csv", raw)
    except InvalidInput as refused:
        assert refused.problems and all(p.field for p in refused.problems)
        return
    assert isinstance(rows, list)


@SOME
@given(raw=st.binary(max_size=300))
def test_any_xlsx_file_is_read_or_refused(raw: bytes) -> None:
    try:
        read_table("stakeholders.xlsx", b"PK\x03\x04" + raw)
    except InvalidInput as refused:
        assert refused.problems


@SOME
@given(cell=st.text(max_size=120))
def test_a_contact_cell_always_splits(cell: str) -> None:
    parts = split_contact(cell)
    assert isinstance(parts, dict)
    assert all(isinstance(v, str) for v in parts.values())


# --- the due-date rules ---------------------------------------------------------------------


@SOME
@given(
    zone=ZONES,
    day=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    at=st.times(),
    sweep_hour=st.integers(0, 23),
)
def test_each_meeting_reminder_comes_once_in_its_window(
    zone: str, day: date, at: time, sweep_hour: int
) -> None:
    # given a planned meeting at any local time, and a sweep at the same hour every day
    starts = datetime.combine(day, at).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    meeting = MeetingInfo(1, "Plenary", starts, zone)
    local_day = starts.astimezone(ZoneInfo(zone)).date()
    alliance = AllianceData(
        id=1,
        slug="a",
        name="A",
        stage="launch",
        timezone=zone,
        people=(Person(1, "P1", None, frozenset(), date(2025, 1, 1), None),),
        meetings=(meeting,),
    )
    seen: dict[str, list[int]] = {}
    for offset in range(-10, 3):
        local = datetime.combine(local_day + timedelta(days=offset), time(sweep_hour))
        moment = local.replace(tzinfo=ZoneInfo(zone))
        for due in due_for(alliance, moment):
            if due.kind.startswith("meeting_reminder"):
                seen.setdefault(due.kind, []).append(offset)
    # then the 7-day reminder falls 7..2 days before and the 1-day one on the eve, never after
    assert set(seen) == {"meeting_reminder_7d", "meeting_reminder_1d"}
    assert min(seen["meeting_reminder_7d"]) == -7 and max(seen["meeting_reminder_7d"]) == -2
    assert seen["meeting_reminder_1d"] == [-1]


# --- the safety helpers ---------------------------------------------------------------------


@SOME
@given(text=st.text(max_size=30) | st.integers(-(2**70), 2**70).map(str))
def test_an_id_is_in_range_or_none(text: str) -> None:
    number = parse_id(text)
    assert number is None or 0 < number <= MAX_ID


@SOME
@given(text=st.text(max_size=60))
def test_a_link_is_only_ever_http_or_mailto(text: str) -> None:
    link = safe_url(text)
    assert link is None or link.lower().startswith(("http://", "https://", "mailto:"))


@SOME
@given(text=st.text(max_size=30))
def test_no_cell_starts_like_a_formula(text: str) -> None:
    cell = spreadsheet_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
