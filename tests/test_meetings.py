"""Meetings in the service layer, on SQLite and PostgreSQL: local times that do not exist, the
guide's agenda, invitations and "meeting moved" notices in the outbox, calendars parsed back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from alliance_flow import models as m
from alliance_flow import privacy
from alliance_flow.db import Database
from alliance_flow.errors import Conflict, InvalidInput
from alliance_flow.facts import load_facts
from alliance_flow.gates import evaluate
from alliance_flow.reminders import models as rm
from alliance_flow.reminders import outbox
from alliance_flow.reminders.config import ReminderSettings
from alliance_flow.reminders.delivery import Delivery, Target
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import calendars as calendar_service
from alliance_flow.services import items as item_service
from alliance_flow.services import meetings as meeting_service
from alliance_flow.services import members as member_service
from alliance_flow.settings import get_thresholds
from alliance_flow.stages import checks_for

TODAY = date(2027, 3, 1)


def _alliance(db: Database) -> int:
    with db.transaction() as s:
        a = alliance_service.create_alliance(
            session=s,
            alliance_in={
                "name": "Roscommon Alliance",
                "country": "IE",
                "timezone": "Europe/Dublin",
                "language": "en",
            },
            actor="test",
        )
        outbox.set_channel(
            session=s, alliance=a, audience="email", apprise_url="json://127.0.0.1:9/{email}"
        )
        for name, email, lang in (
            ("Aoife Kelly", "aoife@example.ie", None),
            ("Brigitte Martin", "brigitte@example.fr", "fr"),
            ("Cian Walsh", None, None),  # no e-mail, no channel: gets a printed invitation
        ):
            item_service.add_item(
                session=s,
                alliance=a,
                kind="member",
                item_in={"name": name, "email": email, "language": lang, "joined_on": "2027-01-10"},
                today=TODAY,
            )
        return a.id


def _meeting(db: Database, aid: int, starts_at: str = "2027-03-10T10:00") -> int:
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        row = meeting_service.add_meeting(
            session=s,
            alliance=a,
            meeting_in={
                "kind": "plenary",
                "starts_at": starts_at,
                "place": "Roscommon Arts Centre",
            },
            today=TODAY,
        )
        return row.id


def _rows(db: Database, aid: int) -> list[rm.OutboxMessage]:
    with db.transaction() as s:
        return list(
            s.scalars(
                select(rm.OutboxMessage)
                .where(rm.OutboxMessage.alliance_id == aid)
                .order_by(rm.OutboxMessage.id)
            )
        )


def test_a_local_time_the_clocks_skip_is_refused_with_the_reason(db: Database) -> None:
    aid = _alliance(db)
    with pytest.raises(InvalidInput) as refused:
        _meeting(db, aid, "2026-03-29T01:30")
    problem = refused.value.problems[0]
    assert problem.field == "starts_at"
    assert "does not exist in Europe/Dublin" in problem.problem and "02:30" in problem.problem
    # the hour after is fine, and stored as the right instant (IST = UTC+1)
    mid = _meeting(db, aid, "2026-03-29T02:30")
    with db.transaction() as s:
        assert s.get(m.Meeting, mid).starts_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # type: ignore[union-attr]


def test_a_new_agenda_starts_from_the_guides_items_timed_from_the_start(db: Database) -> None:
    aid = _alliance(db)
    mid = _meeting(db, aid)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        rows = meeting_service.start_agenda(session=s, alliance=a, meeting_id=mid)
        assert [r.item for r in rows][:2] == [
            "Welcome and introductions",
            "Minutes of the previous meeting",
        ]
        assert rows[-1].item == "Close and thanks"
        assert (rows[0].time, rows[1].time, rows[2].time) == ("10:00", "10:15", "10:25")
    with pytest.raises(Conflict), db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.start_agenda(session=s, alliance=a, meeting_id=mid)


def test_a_bad_agenda_row_saves_nothing_and_names_its_row(db: Database) -> None:
    aid = _alliance(db)
    mid = _meeting(db, aid)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        first = meeting_service.start_agenda(session=s, alliance=a, meeting_id=mid)[0]
        first_id = first.id
    with pytest.raises(InvalidInput) as refused, db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.save_agenda(
            session=s,
            alliance=a,
            meeting_id=mid,
            rows=[
                {"id": str(first_id), "item": "Renamed welcome", "time": "10:00"},
                {"item": "New item", "time": "25:99"},
            ],
        )
    assert [p.field for p in refused.value.problems] == ["agenda-1-time"]
    with db.transaction() as s:
        assert s.get(m.AgendaItem, first_id).item == "Welcome and introductions"  # type: ignore[union-attr]


def test_invitations_are_recorded_once_per_recipient_in_their_language(db: Database) -> None:
    aid = _alliance(db)
    mid = _meeting(db, aid)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.start_agenda(session=s, alliance=a, meeting_id=mid)
        sent = meeting_service.send_invitations(
            session=s, alliance=a, meeting_id=mid, today=TODAY, settings=ReminderSettings()
        )
    assert (sent.recorded, sent.recipients, sent.unreachable) == (2, 2, ["Cian Walsh"])
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        again = meeting_service.send_invitations(
            session=s, alliance=a, meeting_id=mid, today=TODAY, settings=ReminderSettings()
        )
    assert again.recorded == 0
    rows = _rows(db, aid)
    assert len(rows) == 2
    english, french = sorted(rows, key=lambda r: r.language)
    assert "You are warmly invited to the Plenary meeting of Roscommon Alliance" in english.body
    assert (
        "Roscommon Arts Centre" in english.body
        and "10:00 Welcome and introductions" in english.body
    )
    assert f"/alliances/roscommon-alliance/meetings/{mid}" in english.body
    assert "Vous êtes cordialement invité" in french.body and "mercredi 10 mars 2027" in french.body


def _moved_setup(db: Database) -> tuple[int, int]:
    """A meeting on the 10th, invited, its 7-day reminder recorded by the sweep."""
    aid = _alliance(db)
    mid = _meeting(db, aid)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.send_invitations(
            session=s, alliance=a, meeting_id=mid, today=TODAY, settings=ReminderSettings()
        )
    outbox.record_due(db=db, moment=date(2027, 3, 3), settings=ReminderSettings())
    kinds = {r.kind for r in _rows(db, aid)}
    assert "meeting_reminder_7d" in kinds
    return aid, mid


def test_moving_a_meeting_cancels_its_pending_reminders_and_tells_the_invited(
    db: Database,
) -> None:
    # given a meeting whose reminders wait for a retry (the receiver was down)
    aid, mid = _moved_setup(db)
    # when it moves from the 10th to the 17th, in the afternoon, elsewhere
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.change_meeting(
            session=s,
            alliance=a,
            meeting_id=mid,
            changes={"starts_at": "2027-03-17T14:00", "place": "Hodson Bay Hotel"},
            today=date(2027, 3, 3),
        )
    # then nothing about the 10th is left to send, and each invited member hears of the move
    rows = _rows(db, aid)
    pending = [r for r in rows if r.status == rm.PENDING]
    assert all(r.kind == meeting_service.MOVED for r in pending)
    assert {r.recipient for r in pending} == {
        r.recipient for r in rows if r.kind == "meeting_invitation"
    }
    cancelled = [r for r in rows if r.status == rm.CANCELLED]
    assert {r.kind for r in cancelled} >= {"meeting_invitation", "meeting_reminder_7d"}
    english = next(r for r in pending if r.language == "en")
    assert "It was planned for Wednesday, March 10, 2027" in english.body
    assert "Roscommon Arts Centre" in english.body and "Hodson Bay Hotel" in english.body
    assert "Wednesday, March 17, 2027 at 14:00 (Dublin)" in english.body
    assert f"/meetings/{mid}" in english.body
    french = next(r for r in pending if r.language == "fr")
    assert "a été déplacée" in french.body or "déplacé" in french.title
    with db.transaction() as s:
        assert s.get(m.Meeting, mid).sequence == 1  # type: ignore[union-attr]


def test_retries_after_a_move_never_send_the_old_date(db: Database) -> None:
    """Issue 11, item 1: receiver down, meeting moved, then a delivery-only run."""
    aid, mid = _moved_setup(db)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.change_meeting(
            session=s,
            alliance=a,
            meeting_id=mid,
            changes={"starts_at": "2027-03-17T10:00"},
            today=date(2027, 3, 3),
        )
    sent: list[str] = []

    class Recorder:
        def send(self, *, target: Target, title: str, body: str, **_: object) -> Delivery:
            sent.append(body)
            return Delivery(ok=True, error=None)

    outbox.deliver_pending(
        db=db,
        notifier=Recorder(),
        now=datetime(2027, 3, 4, tzinfo=UTC),
        settings=ReminderSettings(),
    )
    assert sent and all(
        "2027-03-10" not in b and "March 10" not in b.split("planned for")[0] for b in sent
    )
    assert not any("starts 2027-03-10" in b for b in sent)


def test_a_time_change_on_the_same_day_gets_fresh_reminders(db: Database) -> None:
    aid, mid = _moved_setup(db)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.change_meeting(
            session=s,
            alliance=a,
            meeting_id=mid,
            changes={"starts_at": "2027-03-10T15:00"},
            today=date(2027, 3, 3),
        )
    outbox.record_due(db=db, moment=date(2027, 3, 3), settings=ReminderSettings())
    fresh = [
        r for r in _rows(db, aid) if r.kind == "meeting_reminder_7d" and r.status == rm.PENDING
    ]
    assert fresh and all("15:00" in r.body for r in fresh)


def test_minutes_per_item_make_the_workshop_minuted_and_actions_reach_my_part(
    db: Database,
) -> None:
    aid = _alliance(db)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        mt = meeting_service.add_meeting(
            session=s,
            alliance=a,
            meeting_in={"kind": "initiation_workshop", "starts_at": "2027-02-20T10:00"},
            today=TODAY,
        )
        mid = mt.id
        agenda = meeting_service.start_agenda(session=s, alliance=a, meeting_id=mid)
        assert agenda[0].item == "Welcome to new members"
        meeting_service.record_minutes(
            session=s,
            alliance=a,
            meeting_id=mid,
            item_minutes={agenda[0].id: "Everyone introduced themselves."},
            general="",
            held=True,
            today=TODAY,
        )
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        report = evaluate(checks_for("launch"), load_facts(s, a), get_thresholds(), TODAY)
        check = report.get("launch.initiation_workshop")
        assert check is not None and check.passed, check
        meeting = s.get(m.Meeting, mid)
        assert meeting is not None and meeting.minutes is not None
        assert "Everyone introduced themselves." in meeting.minutes


def test_minutes_are_refused_before_the_meeting_and_nothing_changes(db: Database) -> None:
    aid = _alliance(db)
    mid = _meeting(db, aid)
    with pytest.raises(InvalidInput), db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.record_minutes(
            session=s,
            alliance=a,
            meeting_id=mid,
            item_minutes={},
            general="x",
            held=True,
            today=TODAY,
        )
    with db.transaction() as s:
        mt = s.get(m.Meeting, mid)
        assert mt is not None and mt.status == "planned" and mt.minutes is None


def test_the_ics_and_the_feed_parse_back_with_a_stable_uid_and_a_sequence(db: Database) -> None:
    aid = _alliance(db)
    mid = _meeting(db, aid)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.start_agenda(session=s, alliance=a, meeting_id=mid)
        one = calendar_service.meeting_ics(
            session=s, alliance=a, meeting_id=mid, base_url="https://af.example"
        )
    cal = Calendar.from_ical(one)
    (event,) = cal.walk("VEVENT")
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Dublin"]
    assert event.decoded("dtstart") == datetime(2027, 3, 10, 10, 0, tzinfo=UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
    assert str(event["location"]) == "Roscommon Arts Centre"
    assert "Welcome and introductions" in str(event["description"])
    assert f"https://af.example/alliances/roscommon-alliance/meetings/{mid}" in str(event["url"])
    uid, seq = str(event["uid"]), int(event["sequence"])
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.change_meeting(
            session=s,
            alliance=a,
            meeting_id=mid,
            changes={"starts_at": "2027-04-10T10:00"},
            today=TODAY,
        )
        feed = calendar_service.feed_ics(session=s, alliance=a, base_url="https://af.example")
    (moved,) = Calendar.from_ical(feed).walk("VEVENT")
    assert str(moved["uid"]) == uid and int(moved["sequence"]) == seq + 1
    # Dublin is on summer time in April: 10:00 local is 09:00 UTC
    assert moved.decoded("dtstart").astimezone(UTC) == datetime(2027, 4, 10, 9, 0, tzinfo=UTC)


def test_the_feed_token_is_stored_hashed_and_can_be_revoked_or_replaced(db: Database) -> None:
    aid = _alliance(db)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        first = calendar_service.issue_feed_token(session=s, alliance=a, actor="coordinator")
        row = s.get(m.CalendarFeed, aid)
        assert row is not None and first not in row.token_hash
    with db.transaction() as s:
        assert calendar_service.alliance_for_token(session=s, token=first).id == aid  # type: ignore[union-attr]
        a = alliance_service.get_alliance(session=s, ref=aid)
        second = calendar_service.issue_feed_token(session=s, alliance=a, actor="coordinator")
    with db.transaction() as s:
        assert calendar_service.alliance_for_token(session=s, token=first) is None
        assert calendar_service.alliance_for_token(session=s, token=second) is not None
        a = alliance_service.get_alliance(session=s, ref=aid)
        assert calendar_service.revoke_feed(session=s, alliance=a)
    with db.transaction() as s:
        assert calendar_service.alliance_for_token(session=s, token=second) is None


def test_roles_are_handed_over_and_chair_and_secretary_are_two_people(db: Database) -> None:
    aid = _alliance(db)
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        ids = [mb.id for mb in s.scalars(select(m.Member).order_by(m.Member.name))]
        member_service.assign_roles(
            session=s, alliance=a, holders={"chair": ids[0], "secretary": ids[1]}, today=TODAY
        )
    with pytest.raises(InvalidInput) as refused, db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        member_service.assign_roles(
            session=s, alliance=a, holders={"chair": ids[2], "secretary": ids[2]}, today=TODAY
        )
    assert refused.value.problems[0].field == "secretary"
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        member_service.assign_roles(
            session=s, alliance=a, holders={"chair": ids[2], "secretary": ids[1]}, today=TODAY
        )
        holders = member_service.role_holders(session=s, alliance=a, today=TODAY)
        assert (holders["chair"].id, holders["secretary"].id) == (ids[2], ids[1])
        assert "chair" not in s.get(m.Member, ids[0]).roles  # type: ignore[union-attr]


def test_no_invitation_goes_to_a_member_who_withdrew_consent_to_be_contacted(
    db: Database,
) -> None:
    # given Brigitte withdrew her consent to be contacted
    aid = _alliance(db)
    mid = _meeting(db, aid)
    with db.transaction() as s:
        brigitte = s.scalars(select(m.Member).where(m.Member.name == "Brigitte Martin")).one()
        privacy.set_consents(session=s, member=brigitte, granted={"contact": False}, actor="her")
        brigitte_id = brigitte.id
    # when the invitations are sent
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        sent = meeting_service.send_invitations(
            session=s, alliance=a, meeting_id=mid, today=TODAY, settings=ReminderSettings()
        )
    # then only Aoife's is recorded; Brigitte is among those the coordinator must tell
    assert (sent.recorded, sent.recipients) == (1, 1)
    assert sorted(sent.unreachable) == ["Brigitte Martin", "Cian Walsh"]
    invited = [r.recipient for r in _rows(db, aid) if r.kind == "meeting_invitation"]
    assert len(invited) == 1 and f"member:{brigitte_id}" not in invited


def test_an_action_asked_for_under_another_meeting_is_not_found_in_the_readers_words(
    db: Database,
) -> None:
    from alliance_flow.errors import NotFound
    from alliance_flow.i18n import use_language

    aid = _alliance(db)
    first, second = _meeting(db, aid), _meeting(db, aid, "2027-04-10T10:00")
    with db.transaction() as s:
        a = alliance_service.get_alliance(session=s, ref=aid)
        action = meeting_service.add_action(
            session=s,
            alliance=a,
            meeting_id=first,
            action_in={"description": "Book the room", "due_on": "2027-03-20"},
            today=TODAY,
        )
        action_id = action.id
    with use_language("fr"), db.transaction() as s, pytest.raises(NotFound) as caught:
        a = alliance_service.get_alliance(session=s, ref=aid)
        meeting_service.remove_action(session=s, alliance=a, meeting_id=second, action_id=action_id)
    assert caught.value.message == f"Aucune action {action_id} dans la réunion {second}."
    with db.transaction() as s:  # still there
        assert s.get(m.MeetingAction, action_id) is not None
