"""Reads what the due rules need for one alliance, as plain data (a few queries per alliance)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.reminders.due import (
    DONE_STATUSES,
    ActionInfo,
    AllianceData,
    MeetingInfo,
    Person,
)
from alliance_flow.reminders.models import FAILED, OutboxMessage
from alliance_flow.services import stages as stage_service
from alliance_flow.vocabulary import Stage


def load_alliance_data(
    session: Session, alliance: m.Alliance, *, today: date, audiences: frozenset[str]
) -> AllianceData:
    """The alliance's plain data; `audiences` are those with a channel (table or config file)."""
    aid = alliance.id
    members = session.scalars(select(m.Member).where(m.Member.alliance_id == aid)).all()
    people = tuple(
        Person(
            id=mb.id,
            name=mb.name,
            language=mb.language,
            roles=frozenset(mb.roles),
            joined_on=mb.joined_on,
            left_on=mb.left_on,
            reachable=bool(mb.preferred_channel) or (bool(mb.email) and "email" in audiences),
        )
        for mb in members
    )
    meetings = session.scalars(
        select(m.Meeting).where(m.Meeting.alliance_id == aid).order_by(m.Meeting.starts_at)
    ).all()
    agenda: dict[int, list[str]] = defaultdict(list)
    actions: list[ActionInfo] = []
    if meetings:
        ids = [mt.id for mt in meetings]
        for item in session.scalars(
            select(m.AgendaItem)
            .where(m.AgendaItem.meeting_id.in_(ids))
            .order_by(m.AgendaItem.meeting_id, m.AgendaItem.position, m.AgendaItem.id)
        ):
            agenda[item.meeting_id].append(f"{item.time} {item.item}" if item.time else item.item)
        for act in session.scalars(
            select(m.MeetingAction).where(m.MeetingAction.meeting_id.in_(ids))
        ):
            actions.append(
                ActionInfo(
                    "meeting",
                    act.id,
                    act.description,
                    act.owner_member_id,
                    act.due_on,
                    act.done_on is not None,
                )
            )
    for row in session.scalars(select(m.ActionPlanItem).where(m.ActionPlanItem.alliance_id == aid)):
        actions.append(
            ActionInfo(
                "plan",
                row.id,
                row.action,
                row.owner_member_id,
                row.ends_on,
                row.status in DONE_STATUSES,
            )
        )
    charter = session.scalars(
        select(m.CharterVersion)
        .where(m.CharterVersion.alliance_id == aid)
        .order_by(m.CharterVersion.version.desc())
        .limit(1)
    ).first()
    signed: frozenset[int] = frozenset()
    if charter is not None:
        signed = frozenset(
            session.scalars(
                select(m.CharterSignature.member_id).where(
                    m.CharterSignature.charter_version_id == charter.id
                )
            )
        )
    evaluations = tuple(
        session.scalars(select(m.Evaluation.held_on).where(m.Evaluation.alliance_id == aid))
    )
    plan = session.get(m.SustainabilityPlan, aid)
    ready = False
    entered = None
    if alliance.stage != Stage.CLOSED:
        ready = stage_service.gate_report(session=session, alliance=alliance, today=today).clear
        events = stage_service.history(session=session, alliance=alliance)
        entered = stage_service.stage_entered_on(events).get(alliance.stage)
    failed = session.execute(
        select(OutboxMessage.title, OutboxMessage.recipient)
        .where(OutboxMessage.alliance_id == aid, OutboxMessage.status == FAILED)
        .order_by(OutboxMessage.id)
    ).all()
    names = {f"member:{mb.id}": mb.name for mb in members}
    return AllianceData(
        failed_deliveries=tuple(
            f"{title} → {names.get(who, who.removeprefix('audience:'))}" for title, who in failed
        ),
        id=aid,
        slug=alliance.slug,
        name=alliance.name,
        stage=alliance.stage,
        language=alliance.language or "en",
        timezone=alliance.timezone or "UTC",
        work_plan_start=alliance.work_plan_start,
        work_plan_end=alliance.work_plan_end,
        people=people,
        meetings=tuple(
            MeetingInfo(
                id=mt.id,
                title=mt.title or mt.kind.replace("_", " "),
                starts_at=mt.starts_at,
                timezone=mt.timezone,
                status=mt.status,
                minuted=bool(mt.minutes),
                agenda=tuple(agenda.get(mt.id, ())),
            )
            for mt in meetings
        ),
        actions=tuple(actions),
        charter_version=charter.version if charter else None,
        charter_adopted_on=charter.adopted_on if charter else None,
        charter_signed_by=signed,
        evaluations=evaluations,
        plan_dated_on=plan.dated_on if plan else None,
        ready_to_advance=ready,
        stage_entered_on=entered,
        audiences=audiences,
    )
