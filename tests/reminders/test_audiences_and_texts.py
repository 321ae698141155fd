"""Someone always hears, and each message says what, when, where, what to do (pure, no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from alliance_flow.reminders.due import MEMBERS, due_for
from alliance_flow.reminders.messages import render

from .test_due import alliance, at, meeting, person

BASE = "https://alliances.example.org"


def text(d, name="Bordeaux"):
    return render(d, alliance_name=name, slug="bordeaux", base_url=BASE)


def test_members_without_a_channel_hear_of_the_charter_through_the_shared_channel():
    # given Bordeaux: two members have not signed and have no channel; a shared members channel
    people = (
        person(1, "chair"),
        replace(person(2), reachable=False, name="Aline"),
        replace(person(3), reachable=False, name="Bruno"),
    )
    a = alliance(
        people=people,
        charter_version=2,
        charter_adopted_on=date(2026, 1, 5),
        charter_signed_by=frozenset({1}),
        audiences=frozenset({MEMBERS}),
    )
    # when the sweep decides
    dues = due_for(a, at("2026-03-16 08:00"))
    charter = [d for d in dues if d.kind == "charter_unsigned"]
    # then the shared channel gets one message naming both, and nobody is left unreachable
    assert [d.recipient for d in charter] == ["audience:members"]
    assert "Aline, Bruno" in text(charter[0])[1]
    assert all(d.reachable for d in dues)


def test_the_digest_lists_failing_checks_who_has_not_signed_and_who_cannot_be_reached():
    people = (person(1, "chair"), replace(person(2), reachable=False, name="Aline"))
    a = alliance(
        people=people,
        stage="planning",
        charter_version=1,
        charter_adopted_on=date(2026, 1, 5),
        charter_signed_by=frozenset({1}),
        failing_checks=("Charte signée : 1 membre n'a pas signé",),
    )
    dues = due_for(a, at("2026-03-16 08:00"))  # a Monday
    (digest,) = [d for d in dues if d.kind == "weekly_digest"]
    _, body = text(digest)
    # the stage is in the alliance's language, and the digest says what is failing and who
    assert "Étape\u00a0: Planification." in body and "planning" not in body.lower().split("/")[0]
    assert "Charte signée : 1 membre n'a pas signé" in body
    assert "N'ont pas encore signé la charte\u00a0: Aline." in body
    assert "Aline (charte à signer)" in body
    # and Aline's own reminder is decided, not dropped, but marked unreachable (not recorded)
    assert [d.reachable for d in dues if d.kind == "charter_unsigned"] == [False]


def test_with_no_channel_at_all_everything_is_still_decided():
    a = alliance(
        people=tuple(replace(p, reachable=False) for p in alliance().people),
        meetings=(meeting(10, "2026-03-20 18:00"),),
    )
    dues = due_for(a, at("2026-03-13 08:00"))
    assert {d.kind for d in dues} >= {"meeting_reminder_7d", "weekly_digest"}
    assert not any(d.reachable for d in dues)


def test_a_meeting_reminder_says_what_when_where_what_to_do_and_links_the_meeting():
    a = alliance(
        meetings=(meeting(10, "2026-03-20 18:00", place="Salle des fêtes, Mérignac"),),
        people=(person(3, language="en"),),
    )
    (d,) = [d for d in due_for(a, at("2026-03-13 08:00")) if d.kind == "meeting_reminder_7d"]
    title, body = text(d)
    assert title == "Bordeaux: meeting in 7 days"
    assert "When: Friday 20 March 2026, 18:00 (France Time)" in body
    assert "Where: Salle des fêtes, Mérignac" in body
    assert "What to do: " in body
    assert f"Open: {BASE}/alliances/bordeaux/meetings/10" in body


def test_evaluation_reminder_gives_its_due_date_and_sustainability_explains_what_is_missing():
    a = alliance(
        work_plan_start=date(2025, 6, 1),
        work_plan_end=date(2026, 12, 31),
        evaluations=(date(2025, 11, 1),),
        audiences=frozenset({"coordinators"}),
        language="en",
    )
    dues = due_for(a, at("2026-06-20 08:00"))
    (evaluation,) = [d for d in dues if d.kind == "evaluation_due"]
    title, body = text(evaluation)
    assert "due on Sunday 1 February 2026" in body and "1 February 2026" in title
    (sus,) = [d for d in dues if d.kind.startswith("sustainability")]
    body = text(sus)[1]
    assert "a sustainability plan saying how the alliance's work goes on" in body
    assert f"Open: {BASE}/alliances/bordeaux/sustainability" in body
