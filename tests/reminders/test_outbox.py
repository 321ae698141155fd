"""The outbox on a real database with real receivers: recorded once, delivered once, retried."""

from __future__ import annotations

import contextlib
import email
import email.policy
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.reminders import models as rm
from alliance_flow.reminders.delivery import AppriseNotifier, Delivery, Target
from alliance_flow.reminders.outbox import (
    deliver_pending,
    list_outbox,
    plan,
    record_due,
    set_channel,
    sweep,
)

from .conftest import add_meeting, add_member, free_port, make_alliance

NOW = datetime(2026, 3, 13, 8, 0, tzinfo=UTC)
DAY = date(2026, 3, 13)  # 7 days before the meeting of 2026-03-20


def statuses(db: Database) -> Counter[str]:
    with db.transaction() as s:
        return Counter(s.scalars(select(rm.OutboxMessage.status)))


def count(db: Database) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(rm.OutboxMessage)) or 0


def test_recording_twice_inserts_once(db, settings, receiver):
    # given an alliance with a meeting in 7 days
    aid = make_alliance(db)
    for i in range(3):
        add_member(db, aid, f"M{i}", channel=receiver.url(f"m{i}"))
    add_meeting(db, aid, "2026-03-20 18:00")
    # when the sweep decides twice
    first = record_due(db=db, moment=DAY, settings=settings, now=NOW)
    second = record_due(db=db, moment=DAY, settings=settings, now=NOW)
    # then the rows were recorded once
    assert first.recorded == count(db) > 0
    assert second.recorded == 0 and second.decided == first.decided


def test_real_delivery_to_http_and_smtp_in_each_language(db, settings, receiver, smtp):
    aid = make_alliance(db)
    with db.transaction() as s:
        set_channel(
            session=s,
            alliance=s.get(m.Alliance, aid),
            audience="email",
            apprise_url=f"mailto://127.0.0.1:{smtp.port}?from=flow@alliance.test&to={{email}}",
        )
    add_member(db, aid, "Ann", channel=receiver.url("ann"), language="en")
    add_member(db, aid, "Zoé", email="zoe@example.org")
    add_member(db, aid, "Nobody")  # no channel, no e-mail: not reachable, nothing recorded
    add_meeting(db, aid, "2026-03-20 18:00")

    _, delivered = sweep(
        db=db, notifier=AppriseNotifier(timeout_seconds=2), moment=DAY, now=NOW, settings=settings
    )

    assert delivered.failed == delivered.retrying == 0
    posts = [r for r in receiver.received if r["path"] == "/ann"]
    assert len(posts) == 1 and posts[0]["title"] == "Bordeaux: meeting in 7 days"
    assert "https://alliances.example.org/alliances/bordeaux/meetings/" in posts[0]["message"]
    assert "- 18:00 Welcome" in posts[0]["message"]
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail.rcpt_tos == ["zoe@example.org"]
    parsed = email.message_from_bytes(mail.content, policy=email.policy.default)
    assert parsed["subject"] == "Bordeaux : réunion dans 7 jours"
    assert statuses(db) == {"sent": 2}
    # and a rerun sends nothing more
    sweep(
        db=db, notifier=AppriseNotifier(timeout_seconds=2), moment=DAY, now=NOW, settings=settings
    )
    assert len(receiver.received) == 1 and len(smtp.messages) == 1


def test_receiver_down_for_a_run_then_back_delivers_each_once(db, settings, receiver):
    aid = make_alliance(db)
    for i in range(3):
        add_member(db, aid, f"M{i}", channel=receiver.url(f"m{i}"))
    add_meeting(db, aid, "2026-03-20 18:00")
    notifier = AppriseNotifier(timeout_seconds=2)
    receiver.down = True
    _, first = sweep(db=db, notifier=notifier, moment=DAY, now=NOW, settings=settings)
    assert first.retrying == 3 and first.sent == 0
    receiver.down = False
    # too early for the retry: backoff holds it
    _, early = sweep(
        db=db, notifier=notifier, moment=DAY, now=NOW + timedelta(seconds=30), settings=settings
    )
    assert early.claimed == 0
    later = NOW + timedelta(seconds=61)
    _, second = sweep(db=db, notifier=notifier, moment=DAY, now=later, settings=settings)
    assert second.sent == 3
    _, third = sweep(
        db=db, notifier=notifier, moment=DAY, now=later + timedelta(hours=1), settings=settings
    )
    assert third.claimed == 0
    assert sorted(r["path"] for r in receiver.received) == ["/m0", "/m1", "/m2"]


def test_after_n_attempts_failed_with_redacted_error_and_others_unaffected(db, settings, receiver):
    aid = make_alliance(db)
    dead = f"json://alice:S3cretPassw0rd@127.0.0.1:{free_port()}/hook?+X-Token=tok987654321"
    add_member(db, aid, "Broken", channel=dead)
    add_member(db, aid, "Fine", channel=receiver.url("fine"))
    add_meeting(db, aid, "2026-03-20 18:00")
    notifier = AppriseNotifier(timeout_seconds=1)
    lines: list[str] = []
    t = NOW
    for _ in range(settings.max_attempts):
        record_due(db=db, moment=DAY, settings=settings, now=NOW)
        lines += deliver_pending(db=db, notifier=notifier, now=t, settings=settings).lines
        t += timedelta(hours=1)
    assert statuses(db) == {"sent": 1, "failed": 1}
    assert len(receiver.received) == 1
    with db.transaction() as s:
        rows = list_outbox(session=s, status="failed")
    assert len(rows) == 1 and rows[0][0].attempts == settings.max_attempts
    text = rows[0][0].last_error + "\n".join(lines)
    assert "S3cretPassw0rd" not in text and "tok987654321" not in text
    assert "****" in text


def test_sweep_interrupted_releases_what_it_holds_and_duplicates_nothing(db, settings, receiver):
    aid = make_alliance(db)
    for i in range(5):
        add_member(db, aid, f"M{i}", channel=receiver.url(f"m{i}"))
    add_meeting(db, aid, "2026-03-20 18:00")
    real = AppriseNotifier(timeout_seconds=2)
    one_at_a_time = settings.model_copy(update={"concurrency": 1})

    class DiesAfterTwo:
        sent = 0

        def send(self, *, target: Target, title: str, body: str, **kw) -> Delivery:
            if self.sent == 2:
                raise KeyboardInterrupt("killed")  # not an Exception: the sweep stops here
            self.sent += 1
            return real.send(target=target, title=title, body=body, **kw)

    record_due(db=db, moment=DAY, settings=settings, now=NOW)
    with contextlib.suppress(KeyboardInterrupt):
        deliver_pending(db=db, notifier=DiesAfterTwo(), now=NOW, settings=one_at_a_time)
    assert len(receiver.received) == 2
    # the interrupted sweep released what it held: a rerun right away sends the rest, once
    again = deliver_pending(
        db=db, notifier=real, now=NOW + timedelta(seconds=10), settings=settings
    )
    assert again.sent == 3
    assert sorted(r["path"] for r in receiver.received) == [f"/m{i}" for i in range(5)]
    assert statuses(db) == {"sent": 5}


def test_two_sweeps_at_once_send_nothing_twice(db, settings, receiver):
    aid = make_alliance(db)
    for i in range(20):
        add_member(db, aid, f"M{i}", channel=receiver.url(f"m{i}"))
    add_meeting(db, aid, "2026-03-20 18:00")
    small = settings.model_copy(update={"batch_size": 3})
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        own = Database(db.url)  # its own engine and connections, as another process would
        try:
            barrier.wait()
            sweep(
                db=own,
                notifier=AppriseNotifier(timeout_seconds=2),
                moment=DAY,
                now=NOW,
                settings=small,
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    with db.transaction() as s:
        unsent = [
            (r.recipient, r.status, r.attempts, r.last_error)
            for r in s.scalars(select(rm.OutboxMessage).where(rm.OutboxMessage.status != "sent"))
        ]
    paths = Counter(r["path"] for r in receiver.received)
    assert len(paths) == 20 and set(paths.values()) == {1}, unsent
    assert count(db) == 20 and statuses(db) == {"sent": 20}


def test_meeting_moved_after_its_reminder_was_sent(db, settings, receiver):
    aid = make_alliance(db)
    add_member(db, aid, "Ann", channel=receiver.url("ann"), language="en")
    mid = add_meeting(db, aid, "2026-03-20 18:00")
    notifier = AppriseNotifier(timeout_seconds=2)
    sweep(db=db, notifier=notifier, moment=DAY, now=NOW, settings=settings)
    assert receiver.titles() == ["Bordeaux: meeting in 7 days"]
    # the meeting moves a week later
    with db.transaction() as s:
        s.get(m.Meeting, mid).starts_at = datetime(2026, 3, 27, 18, tzinfo=ZoneInfo("Europe/Paris"))
    # the old date's eve: nothing; 7 days before the new date: one new reminder
    sweep(db=db, notifier=notifier, moment=date(2026, 3, 19), now=NOW, settings=settings)
    assert len(receiver.received) == 1
    sweep(db=db, notifier=notifier, moment=date(2026, 3, 20), now=NOW, settings=settings)
    assert receiver.titles() == ["Bordeaux: meeting in 7 days"] * 2
    sweep(db=db, notifier=notifier, moment=date(2026, 3, 26), now=NOW, settings=settings)
    assert receiver.titles()[-1] == "Bordeaux: meeting tomorrow" and len(receiver.received) == 3


def test_pending_reminder_for_an_old_date_is_cancelled_not_sent(db, settings, receiver):
    aid = make_alliance(db)
    add_member(db, aid, "Ann", channel=receiver.url("ann"))
    mid = add_meeting(db, aid, "2026-03-20 18:00")
    receiver.down = True
    sweep(
        db=db, notifier=AppriseNotifier(timeout_seconds=2), moment=DAY, now=NOW, settings=settings
    )
    receiver.down = False
    with db.transaction() as s:
        s.get(m.Meeting, mid).starts_at = datetime(2026, 4, 20, 18, tzinfo=UTC)
    sweep(
        db=db,
        notifier=AppriseNotifier(timeout_seconds=2),
        moment=date(2026, 3, 14),
        now=NOW + timedelta(hours=2),
        settings=settings,
    )
    assert receiver.received == []
    assert statuses(db)["cancelled"] == 1


def test_a_sweep_weeks_later_cancels_a_pending_reminder_only_if_its_meeting_moved(db, settings):
    # given two alliances past launch (a sweep reads only their meetings of the last weeks),
    # each with a meeting reminder recorded and still pending
    kept = make_alliance(db, "lyon", stage="analysis")
    moved = make_alliance(db, "lille", stage="analysis")
    meetings = {}
    for aid in (kept, moved):
        add_member(db, aid, "Ann", channel="json://127.0.0.1:9/ann")
        meetings[aid] = add_meeting(db, aid, "2026-03-20 18:00")
    record_due(db=db, moment=DAY, settings=settings, now=NOW)
    assert statuses(db) == {"pending": 2}
    # when one meeting is moved to another day, long past too, and a sweep runs two months on
    with db.transaction() as s:
        s.get(m.Meeting, meetings[moved]).starts_at = datetime(2026, 3, 6, 18, tzinfo=UTC)
    record_due(db=db, moment=date(2026, 5, 20), settings=settings, now=NOW)
    # then only the reminder for the date that no longer holds is cancelled
    with db.transaction() as s:
        by_alliance = dict(
            s.execute(
                select(rm.OutboxMessage.alliance_id, rm.OutboxMessage.status).where(
                    rm.OutboxMessage.kind.like("meeting_reminder%")
                )
            ).all()
        )
    assert by_alliance == {kept: "pending", moved: "cancelled"}


def test_closed_alliance_and_broken_alliance_do_not_stop_the_others(db, settings, receiver):
    ok = make_alliance(db, "lyon")
    closed = make_alliance(db, "nantes", stage="closed")
    broken = make_alliance(db, "lille")
    for aid in (ok, closed, broken):
        add_member(db, aid, "Ann", channel=receiver.url(f"a{aid}"))
        add_meeting(db, aid, "2026-03-20 18:00")
    with db.transaction() as s:  # bad data in one alliance makes its rules raise
        s.execute(
            update(m.Meeting).where(m.Meeting.alliance_id == broken).values(timezone="No/Zone")
        )
    report, _ = sweep(
        db=db, notifier=AppriseNotifier(timeout_seconds=2), moment=DAY, now=NOW, settings=settings
    )
    assert set(report.errors) == {"lille"}
    assert [r["path"] for r in receiver.received] == [f"/a{ok}"]


def test_dry_run_lists_whom_with_channels_redacted_and_writes_nothing(db, settings):
    aid = make_alliance(db)
    add_member(db, aid, "Ann", channel="json://bob:VerySecret123@hooks.example.org/x")
    add_meeting(db, aid, "2026-03-20 18:00")
    lines = plan(db=db, moment=DAY, settings=settings)
    assert count(db) == 0
    meeting = [p for p in lines if p.kind == "meeting_reminder_7d"]
    assert meeting and meeting[0].recipient.startswith("Ann")
    assert "VerySecret123" not in repr(lines) and "****" in meeting[0].channel
    assert not any(p.recorded for p in lines)
    # and once a sweep has recorded them, the dry run says so, message by message
    record_due(db=db, moment=DAY, settings=settings)
    again = plan(db=db, moment=DAY, settings=settings)
    assert [(p.kind, p.recipient) for p in again] == [(p.kind, p.recipient) for p in lines]
    assert all(p.recorded for p in again if p.reachable)


def test_apprise_config_file_with_tags_reaches_the_coordinators(db, settings, receiver, tmp_path):
    conf = tmp_path / "notifications.yml"
    conf.write_text(
        "version: 1\nurls:\n"
        f"  - {receiver.url('bordeaux-coord')}:\n      - tag: bordeaux-coordinators\n"
        f"  - {receiver.url('other')}:\n      - tag: lyon-coordinators\n"
    )
    aid = make_alliance(db)
    add_member(db, aid, "Ann", roles=("chair",))  # no own channel: the config file is used
    with_file = settings.model_copy(update={"notifications_file": conf})
    sweep(
        db=db, notifier=AppriseNotifier(timeout_seconds=2), moment=DAY, now=NOW, settings=with_file
    )
    assert [r["path"] for r in receiver.received] == ["/bordeaux-coord"]
    assert receiver.received[0]["title"] == "Bordeaux\u00a0: résumé de la semaine"


def test_failed_deliveries_are_listed_in_the_coordinators_digest(db, settings, receiver):
    # given a member whose channel always fails, and a coordinator reachable on the receiver
    aid = make_alliance(db)
    add_member(db, aid, "Broken", channel=f"json://127.0.0.1:{free_port()}/closed")
    add_member(db, aid, "Claire", channel=receiver.url("claire"), roles=("chair",))
    add_meeting(db, aid, "2026-03-20 18:00")
    notifier = AppriseNotifier(timeout_seconds=1)
    # when three sweeps exhaust the attempts (max_attempts=3), the last one on Monday
    for hours in (0, 2, 4):
        sweep(
            db=db,
            notifier=notifier,
            moment=DAY,
            now=NOW + timedelta(hours=hours),
            settings=settings,
        )
    assert statuses(db)["failed"] == 1
    monday = date(2026, 3, 16)
    sweep(db=db, notifier=notifier, moment=monday, now=NOW + timedelta(days=3), settings=settings)
    # then the coordinators' weekly digest names the message that could not be delivered
    digest = [
        r
        for r in receiver.received
        if "weekly digest" in r["title"].lower() or "résumé" in r["title"].lower()
    ]
    assert digest, receiver.titles()
    assert "Broken" in digest[-1]["message"]


def test_a_message_held_by_another_sweeps_live_lease_is_left_alone_until_it_runs_out(
    db, settings, receiver
):
    from alliance_flow.reminders.outbox import claim

    # given one due message, taken by a sweep A that is sending it
    aid = make_alliance(db)
    add_member(db, aid, "Ann", channel=receiver.url("ann"))
    add_meeting(db, aid, "2026-03-20 18:00")
    record_due(db=db, moment=DAY, settings=settings, now=NOW)
    (msg_id,) = claim(db=db, worker="A", now=NOW, lease_seconds=settings.lease_seconds, limit=10)
    notifier = AppriseNotifier(timeout_seconds=2)
    # when sweep B runs while A's lease holds, it sends nothing
    during = deliver_pending(db=db, notifier=notifier, now=NOW, settings=settings, worker="B")
    assert (during.claimed, during.sent, receiver.received) == (0, 0, [])
    # and once A's lease has run out (A died), B takes the message over and sends it, once
    later = NOW + timedelta(seconds=settings.lease_seconds + 1)
    taken = deliver_pending(db=db, notifier=notifier, now=later, settings=settings, worker="B")
    assert (taken.claimed, taken.sent, len(receiver.received)) == (1, 1, 1)
    # and A, settling late, does not mark as its own what B sent
    from alliance_flow.reminders.outbox import DeliveryReport, settle

    line = settle(
        db=db,
        msg_id=msg_id,
        worker="A",
        now=later,
        settings=settings,
        report=DeliveryReport(),
        ok=True,
        error=None,
        attempts=0,
        who="message",
    )
    assert "another sweep had taken the message over" in line
    assert statuses(db) == {"sent": 1}


def test_the_message_in_hand_is_held_one_lease_per_url_of_its_channel(db, settings, receiver):
    # given a member reached on a channel of two URLs
    aid = make_alliance(db)
    add_member(db, aid, "Ann", channel=f"{receiver.url('a')} {receiver.url('b')}")
    add_meeting(db, aid, "2026-03-20 18:00")
    record_due(db=db, moment=DAY, settings=settings, now=NOW)
    held_until: list[datetime] = []

    class Peek:
        def send(self, **kw: object) -> Delivery:
            with db.transaction() as s:
                (until,) = s.scalars(
                    select(rm.OutboxMessage.claimed_until).where(
                        rm.OutboxMessage.claimed_by.is_not(None)
                    )
                ).all()
            held_until.append(until if until.tzinfo else until.replace(tzinfo=UTC))
            return Delivery(True)

    # when a sweep sends it
    deliver_pending(db=db, notifier=Peek(), now=NOW, settings=settings)
    # then while in hand it was held long enough for both URLs to time out one after the other
    assert held_until == [NOW + timedelta(seconds=2 * settings.lease_seconds)]
    assert statuses(db) == {"sent": 1}
