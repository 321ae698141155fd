"""Due-date rules at their boundaries: pure functions, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from alliance_flow.reminders.due import (
    ActionInfo,
    AllianceData,
    MeetingInfo,
    Person,
    Rules,
    due_for,
    local_today,
)

PARIS = "Europe/Paris"
JOINED = date(2025, 1, 1)


def person(pid: int, *roles: str, left_on: date | None = None, language: str | None = None):
    return Person(pid, f"P{pid}", language, frozenset(roles), JOINED, left_on)


def alliance(**kw) -> AllianceData:
    base = AllianceData(
        id=1,
        slug="bordeaux",
        name="Bordeaux",
        stage="launch",
        language="fr",
        timezone=PARIS,
        people=(person(1, "chair"), person(2, "secretary"), person(3, language="en")),
    )
    return replace(base, **kw)


def meeting(mid: int, local: str, tz: str = PARIS, **kw) -> MeetingInfo:
    starts = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz))
    return MeetingInfo(mid, f"Plenary {mid}", starts.astimezone(UTC), tz, **kw)


def kinds(dues, prefix=""):
    return sorted({(d.kind, d.recipient) for d in dues if d.kind.startswith(prefix)})


def at(local: str, tz: str = PARIS) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz))


# given a meeting / when the sweep runs N days before / then the right reminder


def test_meeting_reminders_fire_7_and_1_days_before_in_the_meetings_time_zone():
    a = alliance(meetings=(meeting(10, "2026-03-20 09:00"),))
    assert kinds(due_for(a, at("2026-03-12 23:00")), "meeting") == []  # 8 days before
    seven = due_for(a, at("2026-03-13 00:30"), Rules())
    assert {d.kind for d in seven if d.kind.startswith("meeting")} == {"meeting_reminder_7d"}
    assert {d.recipient for d in seven if d.kind == "meeting_reminder_7d"} == {
        "member:1",
        "member:2",
        "member:3",
    }
    # 2..7 days before: still the 7-day reminder (catch-up), same key, recorded once
    late = [d for d in due_for(a, at("2026-03-18 08:00")) if d.kind.startswith("meeting")]
    assert {d.key for d in late} == {d.key for d in seven if d.kind.startswith("meeting")}
    eve = due_for(a, at("2026-03-19 12:00"))
    assert {d.kind for d in eve if d.kind.startswith("meeting")} == {"meeting_reminder_1d"}
    assert kinds(due_for(a, at("2026-03-20 08:00")), "meeting") == []  # the day itself


def test_utc_instant_is_a_different_local_day_in_tokyo():
    # 2026-03-12 16:00 UTC is already 2026-03-13 01:00 in Tokyo: 7 days before a 03-20 meeting
    a = alliance(timezone="Asia/Tokyo", meetings=(meeting(1, "2026-03-20 10:00", "Asia/Tokyo"),))
    now = datetime(2026, 3, 12, 16, 0, tzinfo=UTC)
    assert local_today(now, "Asia/Tokyo") == date(2026, 3, 13)
    assert {d.kind for d in due_for(a, now)} >= {"meeting_reminder_7d"}
    before = datetime(2026, 3, 12, 14, 0, tzinfo=UTC)  # 23:00 in Tokyo, 8 days before
    assert not [d for d in due_for(a, before) if d.kind.startswith("meeting")]


def test_dst_change_does_not_shift_the_reminder_day():
    # Clocks go forward in Paris on 2026-03-29; a meeting on 04-02 at 00:30 local time.
    a = alliance(meetings=(meeting(5, "2026-04-02 00:30"),))
    d = next(d for d in due_for(a, at("2026-03-26 00:05")) if d.kind.startswith("meeting"))
    assert (d.kind, d.due_on) == ("meeting_reminder_7d", date(2026, 4, 2))
    assert not [d for d in due_for(a, at("2026-03-25 23:59")) if d.kind.startswith("meeting")]
    eve = [d for d in due_for(a, at("2026-04-01 00:01")) if d.kind.startswith("meeting")]
    assert {d.kind for d in eve} == {"meeting_reminder_1d"}


def test_moved_meeting_gets_new_keys_so_old_reminders_are_not_resent():
    before = alliance(meetings=(meeting(7, "2026-03-20 18:00"),))
    after = alliance(meetings=(meeting(7, "2026-03-27 18:00"),))
    old = {d.key for d in due_for(before, at("2026-03-13 09:00")) if d.kind.startswith("meet")}
    new = {d.key for d in due_for(after, at("2026-03-20 09:00")) if d.kind.startswith("meet")}
    assert old and new and not old & new
    assert all("@2026-03-27" in k[2] for k in new)
    # and at the old date's eve the moved meeting yields nothing for the old date
    eve_old = due_for(after, at("2026-03-19 09:00"))
    assert all("@2026-03-20" not in d.subject for d in eve_old)


def test_cancelled_meeting_sends_a_notice_not_reminders():
    a = alliance(meetings=(meeting(8, "2026-03-20 18:00", status="cancelled"),))
    dues = [d for d in due_for(a, at("2026-03-19 09:00")) if d.kind.startswith("meeting")]
    assert {d.kind for d in dues} == {"meeting_cancelled"}
    assert not [d for d in due_for(a, at("2026-03-21 09:00")) if d.kind.startswith("meeting")]


def test_members_who_left_get_nothing_and_closed_alliances_get_nothing():
    people = (person(1, "chair"), person(2, left_on=date(2026, 3, 10)))
    a = alliance(people=people, meetings=(meeting(1, "2026-03-20 09:00"),))
    dues = due_for(a, at("2026-03-13 09:00"))
    assert "member:2" not in {d.recipient for d in dues}
    assert due_for(replace(a, stage="closed"), at("2026-03-13 09:00")) == []
    # left on the day of the sweep: already gone
    assert "member:2" not in {d.recipient for d in due_for(a, date(2026, 3, 10))}


def test_minutes_missing_three_days_after_to_the_secretary():
    a = alliance(meetings=(meeting(3, "2026-02-27 18:00", status="held"),))
    assert not [d for d in due_for(a, date(2026, 3, 1)) if d.kind == "minutes_missing"]
    dues = [d for d in due_for(a, date(2026, 3, 2)) if d.kind == "minutes_missing"]
    assert [(d.recipient, d.due_on) for d in dues] == [("member:2", date(2026, 3, 2))]
    minuted = replace(a, meetings=(replace(a.meetings[0], minuted=True),))
    assert not [d for d in due_for(minuted, date(2026, 3, 5)) if d.kind == "minutes_missing"]


def test_actions_due_soon_and_overdue_go_to_the_owner_once_each():
    acts = (
        ActionInfo("plan", 1, "Draft the leaflet", 3, date(2026, 3, 9)),
        ActionInfo("meeting", 2, "Book a room", 3, date(2026, 3, 1)),
        ActionInfo("meeting", 3, "Done already", 3, date(2026, 3, 1), done=True),
        ActionInfo("meeting", 4, "Owner left", 9, date(2026, 3, 1)),
    )
    a = alliance(actions=acts)
    dues = [d for d in due_for(a, date(2026, 3, 2)) if d.kind.startswith("action")]
    assert sorted((d.kind, d.subject) for d in dues) == [
        ("action_due_soon", "plan-action:1"),
        ("action_overdue", "meeting-action:2"),
    ]
    assert {d.language for d in dues} == {"en"}  # member 3 chose English in a French alliance
    digest = next(d for d in due_for(a, date(2026, 3, 2)) if d.kind == "weekly_digest")
    assert len(digest.params["overdue"]) == 2  # includes the action whose owner left


def test_end_of_month_sustainability_deadline_and_steps():
    # work plan ends 2026-08-31: six months before is 2026-02-28 (end of February)
    a = alliance(work_plan_end=date(2026, 8, 31))

    def sus(day):
        return [d for d in due_for(a, day) if d.kind.startswith("sustainability")]

    assert sus(date(2025, 12, 29)) == []  # 61 days before
    assert {d.kind for d in sus(date(2025, 12, 30))} == {"sustainability_60d"}
    assert {d.kind for d in sus(date(2026, 1, 29))} == {"sustainability_30d"}
    assert {d.kind for d in sus(date(2026, 2, 21))} == {"sustainability_7d"}
    assert {d.kind for d in sus(date(2026, 2, 28))} == {"sustainability_0d"}
    esc = sus(date(2026, 3, 1))
    assert [(d.kind, d.recipient) for d in esc] == [("sustainability_escalation", "member:1")]
    assert {d.due_on for d in sus(date(2026, 3, 1))} == {date(2026, 2, 28)}
    done = replace(a, evaluations=(date(2026, 2, 1),), plan_dated_on=date(2026, 2, 20))
    assert [d for d in due_for(done, date(2026, 3, 1)) if d.kind.startswith("sus")] == []


def test_charter_unsigned_goes_to_each_member_who_has_not_signed():
    a = alliance(charter_version=2, charter_adopted_on=date(2026, 2, 1), charter_signed_by={1})
    dues = [d for d in due_for(a, date(2026, 3, 2)) if d.kind == "charter_unsigned"]
    assert sorted(d.recipient for d in dues) == ["member:2", "member:3"]
    assert {d.subject for d in dues} == {"charter:v2"}


def test_coordinators_channel_ready_to_advance_evaluation_digest_and_funders():
    a = alliance(
        audiences=frozenset({"coordinators", "funders"}),
        ready_to_advance=True,
        stage_entered_on=date(2026, 1, 5),
        work_plan_start=date(2025, 11, 1),
        evaluations=(date(2025, 12, 1),),
    )
    dues = due_for(a, date(2026, 3, 4))  # a Wednesday
    by_kind = {d.kind: d for d in dues}
    assert by_kind["ready_to_advance"].recipient == "audience:coordinators"
    assert by_kind["ready_to_advance"].due_on == date(2026, 1, 5)
    assert by_kind["evaluation_due"].due_on == date(2026, 3, 1)
    assert by_kind["weekly_digest"].due_on == date(2026, 3, 2)  # that week's Monday
    assert by_kind["funder_progress"].subject == "month:2026-03"
    assert by_kind["funder_progress"].recipient == "audience:funders"
    # without a coordinators' channel: the chair and the secretary
    plain = replace(a, audiences=frozenset())
    assert {d.recipient for d in due_for(plain, date(2026, 3, 4)) if d.kind == "weekly_digest"} == {
        "member:1",
        "member:2",
    }
    assert "funder_progress" not in {d.kind for d in due_for(plain, date(2026, 3, 4))}
