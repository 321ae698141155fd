"""Generated alliances at every stage, for the benchmarks and the statement-count tests.

Every table the read model reads gets rows, varied so that each check passes for some alliances
and fails for others: members (some candidates, some gone, roles, channels), organisations with
sectors and coordinates, meetings of every kind and status in several time zones with agenda,
attendance and minutes actions, analysis records, an action plan, charters and signatures,
communication plans, publications, evaluations, sustainability plans, the stage history with
waivers, channels and a few failed outbox messages. Bulk inserts with ids chosen here, so
10,000 alliances take tens of seconds, not minutes.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.reminders import models as rm

TODAY = date(2026, 3, 2)
STAGES = ("scope", "launch", "analysis", "planning", "dissemination", "sustainability", "closed")
SECTORS = ("social_action", "socio_cultural_sports", "economic_insertion")
GROUPS = ("migrant_refugee_community", "public_authority", "ngo", "mediator", "social_worker")
ZONES = ("UTC", "Europe/Paris", "Europe/Dublin", "Europe/Stockholm")
PUBLICATIONS = ("alliance_profile", "research", "action_plan", "press")
AUDIENCES = ("migrant_refugee_community", "public_authority", "ngo", "policy_makers", "media")
CHECK_CODES = {
    "scope": ("scope.briefing_reasons", "scope.authority_checked"),
    "launch": ("launch.membership_size", "launch.plenaries_planned"),
    "analysis": ("analysis.gaps_identified",),
    "planning": ("planning.charter_signed",),
    "dissemination": ("dissemination.communication_plan",),
    "sustainability": ("sustainability.plan_on_time",),
}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=hour)


def generate(db: Database, n: int, *, seed: int = 7, today: date = TODAY, start: int = 0) -> int:
    """Add `n` alliances (slugs g<start>...); returns how many rows were written in all."""
    rnd = random.Random(seed + start)
    rows: dict[Any, list[dict[str, Any]]] = {}

    def add(table: Any, **values: Any) -> int:
        bucket = rows.setdefault(table, [])
        if table not in ids:
            ids[table] = base_id(table)
        ident = ids[table] = ids[table] + 1
        if "id" in table.c:
            values["id"] = ident
        bucket.append(values)
        return ident

    with db.transaction() as session:

        def base_id(table: Any) -> int:
            if "id" not in table.c:
                return 0
            return int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)

        ids: dict[Any, int] = {}
        T = {
            name: model.__table__ for name, model in vars(m).items() if hasattr(model, "__table__")
        }
        out_t = rm.OutboxMessage.__table__
        ch_t = rm.AllianceChannel.__table__
        for i in range(start, start + n):
            stage = STAGES[i % len(STAGES)]
            level = STAGES.index(stage)
            good = rnd.random() < 0.5  # about half of them meet most of their checks
            begin = today - timedelta(days=rnd.randint(200, 500))
            aid = add(
                T["Alliance"],
                slug=f"g{i:05d}",
                name=f"Alliance {i}",
                region=f"Region {i}" if good or rnd.random() < 0.5 else None,
                region_boundary="Municipalities of the region" if good else None,
                country=("FR", "IE", "NL", "SE")[i % 4],
                language=("fr", "en", "nl", "sv")[i % 4] if i % 4 < 2 else "en",
                timezone=ZONES[i % len(ZONES)],
                work_plan_start=begin,
                work_plan_end=begin + timedelta(days=rnd.choice((400, 540, 700))),
                stage=stage,
                accountable="The chair's organisation" if good or level < 1 else None,
                communication_channels=["email", "shared drive"] if good else [],
                vision="A region where conflicts are mediated" if level >= 3 and good else None,
                vision_agreed_on=today - timedelta(days=30) if level >= 3 and good else None,
                created_at=_at(begin),
                updated_at=_at(today - timedelta(days=rnd.randint(0, 30))),
            )
            orgs = []
            for j in range(rnd.randint(3, 6)):
                oid = add(
                    T["Organisation"],
                    alliance_id=aid,
                    name=f"Org {i}-{j}",
                    group=GROUPS[j % len(GROUPS)],
                    latitude=45.0 + j if good or j else None,
                    longitude=1.0 + j if good or j else None,
                )
                orgs.append(oid)
                for sector in SECTORS[: (3 if good else 1 + j % 2)]:
                    if j % 3 == SECTORS.index(sector) % 3 or good:
                        add(T["OrganisationSector"], organisation_id=oid, sector=sector)
            members = []
            for j in range(rnd.randint(7, 13)):
                joined = begin + timedelta(days=rnd.randint(0, 60)) if j < 11 or good else None
                left = today - timedelta(days=10) if j == 9 and not good else None
                mid = add(
                    T["Member"],
                    alliance_id=aid,
                    organisation_id=orgs[j % len(orgs)] if j % 4 else None,
                    name=f"Member {i}-{j:02d}",
                    email=f"m{j}@a{i}.example" if j % 5 or good else None,
                    phone=None,
                    preferred_channel=f"json://127.0.0.1:9/a{i}-{j}" if j % 3 == 0 else None,
                    language=("fr", None, "en")[j % 3],
                    group=GROUPS[j % len(GROUPS)] if not j % 4 else None,
                    sector=SECTORS[j % 3] if not j % 4 else None,
                    has_authority=("yes", "no", None)[j % 3] if not good else "yes",
                    authority_granted_by="Their director" if j % 2 else None,
                    participation_level=("information", "consultation", None)[j % 3],
                    joined_on=joined,
                    left_on=left,
                )
                members.append(mid)
                if j == 0:
                    add(T["MemberRole"], member_id=mid, role="chair")
                if j == (1 if good else 0):
                    add(T["MemberRole"], member_id=mid, role="secretary")
                if j == 2 and good:
                    add(T["MemberRole"], member_id=mid, role="communications_officer")
            if good or rnd.random() < 0.5:
                add(
                    T["Briefing"],
                    alliance_id=aid,
                    why="Mediation",
                    regional_situation="Tensions" if good else None,
                    why_mediation="It works",
                    reasons=["a", "b", "c", "d", "e"][: (5 if good else 3)],
                    expected_commitment="Four meetings a year",
                )
            for j in range(rnd.randint(3, 7)):
                kind = ("initiation_workshop", "plenary", "plenary", "workshop", "plenary")[j % 5]
                day = today + timedelta(days=rnd.randint(-200, 40))
                status = "held" if day < today - timedelta(days=1) else "planned"
                if rnd.random() < 0.1:
                    status = "cancelled"
                mt = add(
                    T["Meeting"],
                    alliance_id=aid,
                    kind=kind,
                    title=f"{kind.replace('_', ' ').title()} {j}" if j % 2 else None,
                    starts_at=_at(day, rnd.randint(8, 20)),
                    timezone=ZONES[(i + j) % len(ZONES)],
                    status=status,
                    minutes="Decisions: ..." if status == "held" and (good or j % 2) else None,
                )
                for p in range(2):
                    add(T["AgendaItem"], meeting_id=mt, position=p, time="18:00", item=f"Item {p}")
                if status == "held":
                    for mb in members[:6]:
                        add(
                            T["Attendance"], meeting_id=mt, member_id=mb, present=rnd.random() < 0.8
                        )
                    add(
                        T["MeetingAction"],
                        meeting_id=mt,
                        description=f"Follow-up {j}",
                        owner_member_id=members[j % len(members)],
                        due_on=day + timedelta(days=rnd.randint(5, 60)),
                        done_on=day + timedelta(days=3) if rnd.random() < 0.5 else None,
                    )
            if level >= 2:
                for table, count in (
                    ("SectorProfile", 2),
                    ("ResearchSource", 2),
                    ("Consultation", 1),
                    ("Gap", 3 if good else 1),
                ):
                    for j in range(count if good or rnd.random() < 0.5 else 0):
                        extra = {
                            "SectorProfile": {"programme": f"Programme {j}"},
                            "ResearchSource": {"title": f"Source {j}", "kind": "report"},
                            "Consultation": {"interviewee": f"Person {j}"},
                            "Gap": {"description": f"Gap {j}"},
                        }[table]
                        add(T[table], alliance_id=aid, **extra)
            if level >= 3:
                for j in range(rnd.randint(2, 6)):
                    complete = good or j % 2
                    add(
                        T["ActionPlanItem"],
                        alliance_id=aid,
                        number=j + 1,
                        action=f"Action {j + 1}",
                        estimated_budget=Decimal("1000.00") if complete else None,
                        budget_committed=Decimal("500.00") if j % 2 else None,
                        resources="Volunteers",
                        responsible=None if j % 2 else "Town hall",
                        owner_member_id=members[j % len(members)] if j % 2 else None,
                        starts_on=today - timedelta(days=60),
                        ends_on=today + timedelta(days=rnd.randint(-30, 120)),
                        obstacles="Time",
                        obstacle_plan="Planning" if complete else None,
                        collaborators="Schools",
                        status=("planned", "in_progress", "done", "dropped")[j % 4],
                    )
                for version in (1, 2)[: 1 + (i % 2)]:
                    cv = add(
                        T["CharterVersion"],
                        alliance_id=aid,
                        version=version,
                        text=f"Charter v{version}",
                        adopted_on=today - timedelta(days=40 - version),
                    )
                    for mb in members[: (len(members) if good else len(members) // 2)]:
                        add(
                            T["CharterSignature"],
                            charter_version_id=cv,
                            member_id=mb,
                            signed_on=today - timedelta(days=20),
                        )
                for kind in PUBLICATIONS[: (4 if good else 1 + i % 3)]:
                    add(
                        T["Publication"],
                        alliance_id=aid,
                        kind=kind,
                        title=f"{kind} of {i}",
                        published_on=today - timedelta(days=rnd.randint(0, 200)),
                    )
            if level >= 4:
                for audience in AUDIENCES[: (5 if good else 2)]:
                    add(T["CommunicationPlanRow"], alliance_id=aid, audience=audience)
            if level >= 5:
                add(
                    T["Evaluation"],
                    alliance_id=aid,
                    kind=("self_assessment", "external")[i % 2],
                    held_on=today - timedelta(days=rnd.randint(0, 300)),
                    strengths=["cohesion"],
                    weaknesses=[],
                    opportunities=["funding"],
                    threats=[],
                    findings="Good",
                )
                add(
                    T["SustainabilityPlan"],
                    alliance_id=aid,
                    dated_on=today - timedelta(days=rnd.randint(0, 300)) if good else None,
                    decision=("renew", "close", None)[i % 3],
                    decided_on=today - timedelta(days=5) if i % 3 < 2 else None,
                )
            # The history: created, then one advance per stage reached, waivers on the way.
            at = _at(begin)
            add(
                T["StageEvent"],
                alliance_id=aid,
                kind="created",
                stage="scope",
                to_stage="scope",
                actor="gen",
                gate_results=[],
                at=at,
            )
            for k in range(level):
                at += timedelta(days=20)
                code = CHECK_CODES.get(STAGES[k], ())
                if code and rnd.random() < 0.5:
                    add(
                        T["StageEvent"],
                        alliance_id=aid,
                        kind="waived",
                        stage=STAGES[k],
                        check_code=code[0],
                        actor="gen",
                        reason="Agreed at the plenary",
                        gate_results=[],
                        at=at - timedelta(days=1),
                    )
                add(
                    T["StageEvent"],
                    alliance_id=aid,
                    kind="advanced",
                    stage=STAGES[k],
                    from_stage=STAGES[k],
                    to_stage=STAGES[k + 1],
                    actor="gen",
                    gate_results=[],
                    at=at,
                )
            codes = CHECK_CODES.get(stage, ())
            for code in codes[: (2 if rnd.random() < 0.4 else 0)]:
                add(
                    T["StageEvent"],
                    alliance_id=aid,
                    kind="waived",
                    stage=stage,
                    check_code=code,
                    actor="gen",
                    reason="Agreed",
                    gate_results=[],
                    at=at + timedelta(days=1),
                )
            if i % 3 == 0:
                add(
                    ch_t,
                    alliance_id=aid,
                    audience="members",
                    apprise_url=f"json://127.0.0.1:9/m{i}",
                )
            if i % 4 == 0:
                add(
                    ch_t, alliance_id=aid, audience="email", apprise_url="mailto://x@y.z?to={email}"
                )
            if i % 5 == 0:
                add(
                    ch_t,
                    alliance_id=aid,
                    audience="funders",
                    apprise_url=f"json://127.0.0.1:9/f{i}",
                )
            if i % 7 == 0:
                add(
                    out_t,
                    alliance_id=aid,
                    kind="weekly_digest",
                    subject="week:2026-W01",
                    due_on=today - timedelta(days=50),
                    recipient=f"member:{members[0]}",
                    language="en",
                    title="Digest",
                    body="...",
                    status="failed",
                    attempts=5,
                    next_attempt_at=_at(today),
                    created_at=_at(today),
                )
        total = 0
        order = [
            T["Alliance"],
            T["Organisation"],
            T["OrganisationSector"],
            T["Member"],
            T["MemberRole"],
            T["Briefing"],
            T["Meeting"],
            T["AgendaItem"],
            T["Attendance"],
            T["MeetingAction"],
        ]
        order += [t for t in rows if t not in order]
        for table in order:
            batch = rows.get(table, [])
            for k in range(0, len(batch), 2000):
                # Same keys in every row of one executemany: fill the missing ones with None.
                keys = set().union(*(r.keys() for r in batch[k : k + 2000]))
                chunk = [{key: r.get(key) for key in keys} for r in batch[k : k + 2000]]
                session.execute(insert(table), chunk)
            total += len(batch)
        if db.engine.dialect.name == "postgresql":
            for table in order:
                if "id" in table.c:
                    session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                        )
                    )
    return total
