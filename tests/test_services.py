"""Use cases against a real database (SQLite and PostgreSQL): one transaction each."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from alliance_flow import models as m
from alliance_flow.errors import Conflict, GateBlocked, InvalidInput, InvalidTransition, NotFound
from alliance_flow.services import alliances as A
from alliance_flow.services import items as I
from alliance_flow.services import stages as S
from alliance_flow.tables import metadata

TODAY = date(2026, 3, 2)
SECTORS = ["social_action", "socio_cultural_sports", "economic_insertion"]


def make_alliance(db, **kw):
    with db.transaction() as s:
        a = A.create_alliance(
            session=s,
            alliance_in={"name": "Roscommon Alliance", "country": "ie", **kw},
            actor="claire",
        )
        return a.id


def ready_for_launch(db, aid, candidates=8):
    """Record exactly what the scope gate asks for."""
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        A.update_alliance(
            session=s,
            ref=aid,
            changes={"region": "County Roscommon", "region_boundary": "The county council area"},
        )
        for i in range(candidates):
            org = I.add_item(
                session=s,
                alliance=a,
                kind="organisation",
                item_in={
                    "name": f"Org {i}",
                    "sectors": SECTORS[i % 3],
                    "group": "migrant_refugee_community" if i == 0 else "ngo",
                },
                today=TODAY,
            )
            I.add_item(
                session=s,
                alliance=a,
                kind="member",
                item_in={
                    "name": f"Person {i}",
                    "organisation_id": org.id,
                    "email": f"p{i}@example.org",
                    "has_authority": "yes",
                },
                today=TODAY,
            )
        I.add_item(
            session=s,
            alliance=a,
            kind="briefing",
            item_in={
                "why": "w",
                "regional_situation": "s",
                "why_mediation": "m",
                "reasons": "one|two|three|four|five",
                "expected_commitment": "4-5 meetings",
            },
            today=TODAY,
        )


def stage_of(db, aid):
    with db.transaction() as s:
        return A.get_alliance(session=s, ref=aid).stage


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_create_find_and_conflicting_slug(db):
    aid = make_alliance(db)
    with db.transaction() as s:
        assert A.get_alliance(session=s, ref="roscommon-alliance").id == aid
        assert A.get_alliance(session=s, ref=str(aid)).stage == "scope"
    with pytest.raises(Conflict, match="short name"), db.transaction() as s:
        A.create_alliance(
            session=s, alliance_in={"name": "Roscommon Alliance", "country": "IE"}, actor="x"
        )
    with pytest.raises(NotFound), db.transaction() as s:
        A.get_alliance(session=s, ref="nowhere")


def test_invalid_input_names_fields_and_saves_nothing(db):
    with pytest.raises(InvalidInput) as exc, db.transaction() as s:
        A.create_alliance(
            session=s,
            alliance_in={"name": "", "country": "Ireland", "timezone": "Mars/Base"},
            actor="x",
        )
    fields = {p.field for p in exc.value.problems}
    assert fields == {"name", "country", "timezone"}
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(m.Alliance)) == 0


def test_stage_cannot_be_edited_directly(db):
    aid = make_alliance(db)
    with pytest.raises(InvalidInput, match="stage"), db.transaction() as s:
        A.update_alliance(session=s, ref=aid, changes={"stage": "closed"})
    with pytest.raises(PermissionError), db.transaction() as s:
        A.get_alliance(session=s, ref=aid).stage = "closed"
    assert stage_of(db, aid) == "scope"


def test_refused_advance_changes_nothing_and_says_why(db):
    aid = make_alliance(db)
    ready_for_launch(db, aid, candidates=7)
    with pytest.raises(GateBlocked) as exc, db.transaction() as s:
        S.advance_stage(
            session=s, alliance=A.get_alliance(session=s, ref=aid), actor="claire", today=TODAY
        )
    assert [o.code for o in exc.value.report.blocking] == ["scope.enough_candidates"]
    assert "7 candidate" in exc.value.report.blocking[0].result.reason
    assert stage_of(db, aid) == "scope"
    with db.transaction() as s:
        kinds = [e.kind for e in S.history(session=s, alliance=A.get_alliance(session=s, ref=aid))]
    assert kinds == ["created"]


def test_advance_records_history_with_the_gate_results(db):
    aid = make_alliance(db)
    ready_for_launch(db, aid)
    with db.transaction() as s:
        S.advance_stage(
            session=s, alliance=A.get_alliance(session=s, ref=aid), actor="claire", today=TODAY
        )
    with db.transaction() as s:
        events = S.history(session=s, alliance=A.get_alliance(session=s, ref=aid))
    last = events[-1]
    assert (last.kind, last.from_stage, last.to_stage, last.actor) == (
        "advanced",
        "scope",
        "launch",
        "claire",
    )
    assert len(last.gate_results) == 8 and all(g["passed"] for g in last.gate_results)
    assert stage_of(db, aid) == "launch"


def test_waiver_lets_one_check_pass_and_is_kept(db):
    aid = make_alliance(db)
    ready_for_launch(db, aid, candidates=7)
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        report = S.waive_check(
            session=s,
            alliance=a,
            code="scope.enough_candidates",
            reason="Small county: seven organisations are all there is",
            actor="claire",
            today=TODAY,
        )
        assert report.clear and report.get("scope.enough_candidates").waived
        S.advance_stage(session=s, alliance=a, actor="claire", today=TODAY)
    with db.transaction() as s:
        events = S.history(session=s, alliance=A.get_alliance(session=s, ref=aid))
    waived = [e for e in events if e.kind == "waived"]
    assert waived[0].check_code == "scope.enough_candidates"
    assert waived[0].reason.startswith("Small county")
    advanced = events[-1].gate_results
    entry = next(g for g in advanced if g["code"] == "scope.enough_candidates")
    assert entry["waived"] and entry["waiver"]["actor"] == "claire"


def test_refusals_are_in_the_readers_language_and_name_things_in_words(db):
    """A coordinator reads these on a page: no English, no field or check codes, French
    typography (a no-break space before the colon and the semicolon)."""
    from alliance_flow.accounts import services as accounts
    from alliance_flow.i18n import use_language

    aid = make_alliance(db, slug="roscommon")
    ready_for_launch(db, aid)
    nb = "\u00a0"

    def refused(write) -> str:
        with use_language("fr"), db.transaction() as s, pytest.raises(Conflict) as caught:
            write(s, A.get_alliance(session=s, ref=aid))
        return caught.value.message

    said = refused(
        lambda s, a: A.create_alliance(
            session=s,
            alliance_in={"name": "Autre", "country": "fr", "slug": "roscommon"},
            actor="claire",
        )
    )
    assert said == (
        f"le nom court «{nb}roscommon{nb}» est déjà pris par une autre alliance{nb}; "
        "choisissez-en un autre"
    )
    said = refused(
        lambda s, a: S.waive_check(
            session=s,
            alliance=a,
            code="scope.region_defined",
            reason="une bonne raison",
            actor="c",
            today=TODAY,
        )
    )
    assert said.startswith(f"«{nb}Région définie") and "scope." not in said, said
    org = refused(
        lambda s, a: I.remove_item(
            session=s,
            alliance=a,
            kind="organisation",
            item_id=I.list_items(session=s, alliance=a, kind="organisation")[0].id,
        )
    )
    assert org == (
        f"1 membre représente cette organisation{nb}; retirez-le ou rattachez-le d'abord à une "
        "autre organisation"
    )
    with db.transaction() as s:
        accounts.create_user(
            session=s, user_in={"login": "camille", "name": "Camille", "password": "x" * 16}
        )
    with use_language("sv"), db.transaction() as s, pytest.raises(Conflict) as caught:
        accounts.create_user(
            session=s, user_in={"login": "camille", "name": "C", "password": "x" * 16}
        )
    assert caught.value.message == "användarnamnet ”camille” är redan upptaget"


def test_waive_rejects_unknown_passing_and_unreasoned(db):
    aid = make_alliance(db)
    ready_for_launch(db, aid)
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        with pytest.raises(InvalidInput, match="not a check of the alliance's current stage"):
            S.waive_check(
                session=s,
                alliance=a,
                code="launch.membership_size",
                reason="a good long reason",
                actor="c",
                today=TODAY,
            )
        with pytest.raises(Conflict, match="passes already"):
            S.waive_check(
                session=s,
                alliance=a,
                code="scope.region_defined",
                reason="a good long reason",
                actor="c",
                today=TODAY,
            )
        with pytest.raises(InvalidInput, match="reason"):
            S.waive_check(
                session=s,
                alliance=a,
                code="scope.region_defined",
                reason="no",
                actor="c",
                today=TODAY,
            )


def test_move_back_needs_a_reason_and_stops_at_scope(db):
    aid = make_alliance(db)
    ready_for_launch(db, aid)
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        S.advance_stage(session=s, alliance=a, actor="c", today=TODAY)
        with pytest.raises(InvalidInput, match="reason"):
            S.move_back(session=s, alliance=a, reason="", actor="c", today=TODAY)
        S.move_back(
            session=s,
            alliance=a,
            reason="The county asked to add two more partners",
            actor="c",
            today=TODAY,
        )
        assert a.stage == "scope"
        with pytest.raises(InvalidTransition):
            S.move_back(
                session=s, alliance=a, reason="one step too far back", actor="c", today=TODAY
            )


def test_history_is_append_only_even_in_sql(db):
    aid = make_alliance(db)
    with pytest.raises(PermissionError), db.transaction() as s:
        event = S.history(session=s, alliance=A.get_alliance(session=s, ref=aid))[0]
        event.reason = "rewritten"
        s.flush()
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("UPDATE stage_events SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM stage_events"))


def test_edit_validates_the_whole_item_and_failed_edit_keeps_data(db):
    aid = make_alliance(db)
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        mid = I.add_item(
            session=s,
            alliance=a,
            kind="member",
            item_in={"name": "Ana Pereira", "joined_on": "2025-05-01"},
            today=TODAY,
        ).id
    with pytest.raises(InvalidInput) as exc, db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        I.edit_item(
            session=s,
            alliance=a,
            kind="member",
            item_id=mid,
            changes={"left_on": "2025-04-01", "email": "ana@example.org"},
            today=TODAY,
        )
    assert exc.value.problems[0].field == "left_on"
    with db.transaction() as s:
        member = s.get(m.Member, mid)
        assert member.left_on is None and member.email is None


def test_one_active_holder_per_role(db):
    aid = make_alliance(db)
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        I.add_item(
            session=s,
            alliance=a,
            kind="member",
            item_in={"name": "Claire", "roles": "chair", "joined_on": "2025-01-01"},
            today=TODAY,
        )
    with pytest.raises(Conflict, match="Claire is already chair"), db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        I.add_item(
            session=s,
            alliance=a,
            kind="member",
            item_in={"name": "Sami", "roles": "chair", "joined_on": "2025-01-01"},
            today=TODAY,
        )


def test_references_must_belong_to_the_same_alliance(db):
    other = make_alliance(db)
    aid = make_alliance(db, slug="second")
    with db.transaction() as s:
        org = I.add_item(
            session=s,
            alliance=A.get_alliance(session=s, ref=other),
            kind="organisation",
            item_in={"name": "Foroige"},
            today=TODAY,
        )
        org_id = org.id
    with pytest.raises(InvalidInput, match="organisation_id"), db.transaction() as s:
        I.add_item(
            session=s,
            alliance=A.get_alliance(session=s, ref=aid),
            kind="member",
            item_in={"name": "X", "organisation_id": org_id},
            today=TODAY,
        )


def test_member_with_history_is_kept_not_removed(db):
    aid = make_alliance(db)
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        mid = I.add_item(
            session=s,
            alliance=a,
            kind="member",
            item_in={"name": "Ana", "joined_on": "2025-01-01"},
            today=TODAY,
        ).id
        I.add_item(
            session=s, alliance=a, kind="charter", item_in={"text": "We commit"}, today=TODAY
        )
        I.sign_charter(session=s, alliance=a, member_id=mid, today=TODAY)
    with pytest.raises(Conflict, match="record the date they left"), db.transaction() as s:
        I.remove_item(
            session=s, alliance=A.get_alliance(session=s, ref=aid), kind="member", item_id=mid
        )
    with pytest.raises(Conflict, match="already signed"), db.transaction() as s:
        I.sign_charter(
            session=s, alliance=A.get_alliance(session=s, ref=aid), member_id=mid, today=TODAY
        )


def test_charter_versions_and_actions_are_numbered(db):
    aid = make_alliance(db)
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        v1 = I.add_item(session=s, alliance=a, kind="charter", item_in={"text": "v1"}, today=TODAY)
        v2 = I.add_item(session=s, alliance=a, kind="charter", item_in={"text": "v2"}, today=TODAY)
        assert (v1.version, v2.version) == (1, 2)
        act = I.add_item(
            session=s,
            alliance=a,
            kind="action",
            item_in={"action": "Parent cafés", "estimated_budget": "1200.50"},
            today=TODAY,
        )
        assert act.number == 1
    with db.transaction() as s:
        assert str(s.get(m.ActionPlanItem, act.id).estimated_budget) == "1200.50"


def test_meeting_time_is_local_to_its_time_zone(db):
    aid = make_alliance(db, timezone="Europe/Dublin")
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        mt = I.add_item(
            session=s,
            alliance=a,
            kind="meeting",
            item_in={"kind": "plenary", "starts_at": "2026-07-01T10:00"},
            today=TODAY,
        )
        mid = mt.id
    with db.transaction() as s:
        row = I.as_row("meeting", s.get(m.Meeting, mid))
    assert row["starts_at"].isoformat() == "2026-07-01T10:00:00+01:00"
    assert row["timezone"] == "Europe/Dublin"


def test_a_waiver_does_not_outlive_the_visit_to_its_stage(db):
    aid = make_alliance(db)
    ready_for_launch(db, aid, candidates=7)
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        S.waive_check(
            session=s,
            alliance=a,
            code="scope.enough_candidates",
            reason="Small county: seven organisations are all there is",
            actor="claire",
            today=TODAY,
        )
        S.advance_stage(session=s, alliance=a, actor="claire", today=TODAY)
        S.move_back(
            session=s,
            alliance=a,
            reason="The county asked us to look again",
            actor="claire",
            today=TODAY,
        )
    with db.transaction() as s:
        a = A.get_alliance(session=s, ref=aid)
        report = S.gate_report(session=s, alliance=a, today=TODAY)
    # back in scope, the old waiver no longer covers the check: it must be waived again
    assert report.get("scope.enough_candidates").blocks
    assert not report.clear


def test_a_stage_change_made_meanwhile_is_not_overwritten(db):
    aid = make_alliance(db)
    ready_for_launch(db, aid)
    # given a coordinator who loaded the alliance in scope...
    with db.transaction() as first:
        stale = A.get_alliance(session=first, ref=aid)
        # ...while another use case advances it to launch and commits
        with db.transaction() as second:
            S.advance_stage(
                session=second,
                alliance=A.get_alliance(session=second, ref=aid),
                actor="sami",
                today=TODAY,
            )
        # when the first one tries to move it from the stage it read
        with pytest.raises(Conflict, match="changed stage meanwhile"):
            S.advance_stage(session=first, alliance=stale, actor="claire", today=TODAY)
    assert stage_of(db, aid) == "launch"
