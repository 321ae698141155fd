"""Every kind of reminder links to a page its recipient can open: each message is rendered as
it is sent, and the link it carries is followed in the dashboard while logged in as the person
(or role) the message goes to."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from alliance_flow.reminders.due import Due, Rules
from alliance_flow.reminders.messages import RENDERERS, render
from tests.web.conftest import World, login

BASE = "https://alliances.example.org"
LINK = re.compile(re.escape(BASE) + r"\S*")

#: kind -> the persona of tests/web/conftest.py who receives it in north, as the rules of
#: alliance_flow/reminders/due.py address it: every member, or the owner, secretary or signatory
#: (Mia, the "member" persona's member); the coordinators (or the chair standing in for them);
#: the funders' channel.
RECIPIENT = {
    "meeting_reminder": "member",
    "meeting_cancelled": "member",
    "minutes_missing": "member",
    "action_due_soon": "member",
    "action_overdue": "member",
    "charter_unsigned": "member",
    "sustainability_escalation": "coordinator",
    "sustainability": "coordinator",
    "ready_to_advance": "coordinator",
    "evaluation_due": "coordinator",
    "weekly_digest": "coordinator",
    "funder_progress": "funder",
}

#: What the rules put in a message's parameters, for every kind (each renderer reads its own).
PARAMS = {
    "title": "Plenary",
    "starts": "2026-03-20 18:00",
    "timezone": "Europe/Paris",
    "agenda": [],
    "place": "Town hall",
    "days": 7,
    "held_on": "2026-02-10",
    "description": "Book the room",
    "due": "2026-03-20",
    "owner": "Mia Member",
    "version": "1",
    "deadline": "2027-12-31",
    "stage": "scope",
    "last": "2026-01-01",
    "month": "2026-02",
    **{
        key: []
        for key in (
            "not_signed",
            "names",
            "missing",
            "ready",
            "failing",
            "due_soon",
            "overdue",
            "failed",
            "unreached",
            "withdrawn",
            "meetings",
        )
    },
}


def concrete_kinds() -> list[str]:
    """Every kind a sweep records: the meeting and sustainability steps spelled out."""
    rules = Rules()
    kinds = []
    for kind in RENDERERS:
        if kind == "meeting_reminder":
            kinds += [f"{kind}_{n}d" for n in rules.meeting_days_before]
        elif kind == "sustainability":
            kinds += [f"{kind}_{n}d" for n in rules.sustainability_days_before]
        else:
            kinds.append(kind)
    return kinds


def recipient_of(kind: str) -> str:
    return RECIPIENT[max((k for k in RECIPIENT if kind.startswith(k)), key=len)]


def test_every_kind_of_reminder_has_a_recipient_here():
    assert set(RECIPIENT) == set(RENDERERS)


@pytest.mark.parametrize("kind", concrete_kinds())
def test_the_link_of_each_reminder_opens_for_its_recipient(
    kind: str, world: World, client: TestClient
):
    # given the message of this kind about north (a meeting's messages about its plenary),
    # rendered as it is sent
    params = {**PARAMS, "meeting_id": world.meeting}
    due = Due(1, kind, "subject", date(2026, 3, 13), "member:1", "en", params)
    _title, body = render(due, alliance_name="North", slug=world.north, base_url=BASE)
    links = LINK.findall(body)
    assert len(links) == 1, body
    assert links[0].startswith(f"{BASE}/alliances/{world.north}"), links
    # when its recipient follows the link, logged in
    login(client, recipient_of(kind))
    answer = client.get(urlsplit(links[0]).path, follow_redirects=False)
    # then the page opens: not missing, not forbidden, not a detour to the login page
    assert answer.status_code == 200, (kind, links[0], answer.status_code)
