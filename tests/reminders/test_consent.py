"""A member who withdrew consent to be contacted gets no reminder, on any channel of their own;
shared channels do not name them; the coordinators' digest says who cannot be reached and why.
Real sweeps, real receivers on 127.0.0.1."""

from __future__ import annotations

from datetime import date, timedelta

from alliance_flow import models as m
from alliance_flow import privacy
from alliance_flow.db import Database
from alliance_flow.reminders.delivery import AppriseNotifier
from alliance_flow.reminders.outbox import set_channel, sweep

from .conftest import HttpReceiver, add_meeting, add_member, make_alliance
from .test_outbox import DAY, NOW


def _channel(db: Database, aid: int, audience: str, url: str) -> None:
    with db.transaction() as s:
        set_channel(session=s, alliance=s.get(m.Alliance, aid), audience=audience, apprise_url=url)


def _withdraw(db: Database, member_id: int) -> None:
    with db.transaction() as s:
        privacy.set_consents(
            session=s, member=s.get(m.Member, member_id), granted={"contact": False}, actor="x"
        )


def _charter_and_actions(db: Database, aid: int, owner: int) -> None:
    """A charter adopted and signed by nobody; an action of `owner` due in three days."""
    with db.transaction() as s:
        s.add(m.CharterVersion(alliance_id=aid, version=1, text="We agree.", adopted_on=DAY))
        s.add(
            m.ActionPlanItem(
                alliance_id=aid,
                number=1,
                action="Book the interpreters",
                owner_member_id=owner,
                starts_on=DAY - timedelta(days=30),
                ends_on=DAY + timedelta(days=3),
            )
        )


def _sweep(db: Database, settings: object) -> None:
    # the digest goes out on its weekday (Monday): sweep that week's Monday and DAY
    for moment, now in ((date(2026, 3, 16), NOW + timedelta(days=3)), (DAY, NOW)):
        sweep(
            db=db,
            notifier=AppriseNotifier(timeout_seconds=2),
            moment=moment,
            now=now,
            settings=settings,  # type: ignore[arg-type]
        )


def test_a_member_who_withdrew_consent_hears_nothing_on_their_own_channel(
    db: Database, settings: object, receiver: HttpReceiver
) -> None:
    # given Ann and Bea with channels of their own, Bea having withdrawn consent to be
    # contacted; a meeting in 7 days, a charter neither signed, an action of Bea's due soon
    aid = make_alliance(db)
    _channel(db, aid, "coordinators", receiver.url("coordinators"))
    add_member(db, aid, "Ann", channel=receiver.url("ann"), language="en")
    bea = add_member(db, aid, "Bea", channel=receiver.url("bea"), roles=("secretary",))
    add_meeting(db, aid, "2026-03-20 18:00")
    _charter_and_actions(db, aid, owner=bea)
    _withdraw(db, bea)

    # when the sweeps run
    _sweep(db, settings)

    # then Ann hears of the meeting and the charter, Bea of nothing at all
    paths = [r["path"] for r in receiver.received]
    assert "/ann" in paths
    assert "/bea" not in paths, receiver.received
    # and the coordinators' digest says Bea gets no reminders because she withdrew consent
    digests = [r for r in receiver.received if r["path"] == "/coordinators"]
    assert any("Bea" in r["message"] and "consent" in r["message"].lower() for r in digests), (
        digests
    )


def test_shared_channels_do_not_name_a_member_who_withdrew_consent(
    db: Database, settings: object, receiver: HttpReceiver
) -> None:
    # given a members' shared channel; Bea (withdrawn) and Cy (no channel of his own) have not
    # signed the charter, and Bea owns an action due soon
    aid = make_alliance(db)
    _channel(db, aid, "members", receiver.url("members"))
    _channel(db, aid, "coordinators", receiver.url("coordinators"))
    bea = add_member(db, aid, "Beatrix Withdrawn")
    add_member(db, aid, "Cyrus Consenting")
    _charter_and_actions(db, aid, owner=bea)
    _withdraw(db, bea)

    # when the sweeps run
    _sweep(db, settings)

    # then the shared channel reminds Cy of the charter and never names Bea
    shared = [r for r in receiver.received if r["path"] == "/members"]
    assert any("Cyrus Consenting" in r["message"] for r in shared), shared
    assert not any("Beatrix" in r["title"] + r["message"] for r in shared), shared
    # and the coordinators hear of her withdrawal in their digest
    digests = [r["message"] for r in receiver.received if r["path"] == "/coordinators"]
    assert any("Beatrix Withdrawn" in d for d in digests), digests
