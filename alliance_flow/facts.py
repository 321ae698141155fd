"""The read-only record of what is known about an alliance, built by a few queries for the gates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance_flow import models as m


@dataclass(frozen=True)
class PersonFacts:
    id: int
    name: str
    organisation: str | None
    group: str | None
    sectors: frozenset[str]
    has_contact: bool
    has_authority: str | None
    authority_granted_by: str | None
    joined_on: date | None
    left_on: date | None
    roles: frozenset[str]

    def active(self, today: date) -> bool:
        return (
            self.joined_on is not None
            and self.joined_on <= today
            and (self.left_on is None or self.left_on > today)
        )

    def left(self, today: date) -> bool:
        return self.left_on is not None and self.left_on <= today

    @property
    def label(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


@dataclass(frozen=True)
class OrganisationFacts:
    id: int
    name: str
    group: str
    sectors: frozenset[str]
    mapped: bool


@dataclass(frozen=True)
class MeetingFacts:
    id: int
    kind: str
    title: str | None
    day: date  # local date in the meeting's time zone
    status: str
    minuted: bool


@dataclass(frozen=True)
class ActionFacts:
    number: int
    action: str
    status: str
    owner: str | None
    starts_on: date | None
    ends_on: date | None
    resources: str | None
    obstacles: str | None
    obstacle_plan: str | None
    collaborators: str | None
    estimated_budget: Decimal | None


@dataclass(frozen=True)
class BriefingFacts:
    why: str | None
    regional_situation: str | None
    why_mediation: str | None
    reasons: tuple[str, ...]
    expected_commitment: str | None


@dataclass(frozen=True)
class CharterFacts:
    version: int
    signed_by: frozenset[int]


@dataclass(frozen=True)
class EvaluationFacts:
    kind: str
    held_on: date


@dataclass(frozen=True)
class SustainabilityFacts:
    dated_on: date | None
    decision: str | None
    decided_on: date | None


@dataclass(frozen=True)
class AllianceFacts:
    id: int
    slug: str
    name: str
    stage: str
    region: str | None = None
    region_boundary: str | None = None
    work_plan_start: date | None = None
    work_plan_end: date | None = None
    accountable: str | None = None
    channels: tuple[str, ...] = ()
    vision: str | None = None
    vision_agreed_on: date | None = None
    people: tuple[PersonFacts, ...] = ()
    organisations: tuple[OrganisationFacts, ...] = ()
    briefing: BriefingFacts | None = None
    meetings: tuple[MeetingFacts, ...] = ()
    sector_profiles: int = 0
    research_sources: int = 0
    consultations: int = 0
    gaps: int = 0
    action_plan: tuple[ActionFacts, ...] = ()
    charter: CharterFacts | None = None
    communication_audiences: frozenset[str] = frozenset()
    publications: frozenset[str] = frozenset()
    evaluations: tuple[EvaluationFacts, ...] = ()
    sustainability: SustainabilityFacts | None = None

    def active_members(self, today: date) -> list[PersonFacts]:
        return [p for p in self.people if p.active(today)]

    def not_left(self, today: date) -> list[PersonFacts]:
        """Candidates and members still involved: the stakeholder list of stage 1."""
        return [p for p in self.people if not p.left(today)]


def load_facts(session: Session, alliance: m.Alliance) -> AllianceFacts:
    """Gather everything the gates read, in one query per table."""
    aid = alliance.id
    orgs = session.scalars(select(m.Organisation).where(m.Organisation.alliance_id == aid)).all()
    org_by_id = {o.id: o for o in orgs}
    members = session.scalars(
        select(m.Member).where(m.Member.alliance_id == aid).order_by(m.Member.name)
    ).all()
    people = []
    for mb in members:
        org = org_by_id.get(mb.organisation_id) if mb.organisation_id else None
        sectors = set(org.sectors) if org else set()
        if mb.sector:
            sectors.add(mb.sector)
        people.append(
            PersonFacts(
                id=mb.id,
                name=mb.name,
                organisation=org.name if org else None,
                group=mb.group or (org.group if org else None),
                sectors=frozenset(sectors),
                has_contact=bool(mb.email or mb.phone),
                has_authority=mb.has_authority,
                authority_granted_by=mb.authority_granted_by,
                joined_on=mb.joined_on,
                left_on=mb.left_on,
                roles=frozenset(mb.roles),
            )
        )
    briefing = session.get(m.Briefing, aid)
    meetings = []
    for mt in session.scalars(
        select(m.Meeting).where(m.Meeting.alliance_id == aid).order_by(m.Meeting.starts_at)
    ):
        local_day = mt.starts_at.astimezone(ZoneInfo(mt.timezone)).date()
        meetings.append(
            MeetingFacts(mt.id, mt.kind, mt.title, local_day, mt.status, bool(mt.minutes))
        )

    def count(model: type[m.Base]) -> int:
        col = model.alliance_id  # type: ignore[attr-defined]
        return session.scalar(select(func.count()).select_from(model).where(col == aid)) or 0

    member_names = {mb.id: mb.name for mb in members}
    actions = tuple(
        ActionFacts(
            number=a.number,
            action=a.action,
            status=a.status,
            owner=member_names.get(a.owner_member_id) if a.owner_member_id else a.responsible,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            resources=a.resources,
            obstacles=a.obstacles,
            obstacle_plan=a.obstacle_plan,
            collaborators=a.collaborators,
            estimated_budget=a.estimated_budget,
        )
        for a in session.scalars(
            select(m.ActionPlanItem)
            .where(m.ActionPlanItem.alliance_id == aid)
            .order_by(m.ActionPlanItem.number)
        )
    )
    charter = None
    latest = session.scalars(
        select(m.CharterVersion)
        .where(m.CharterVersion.alliance_id == aid)
        .order_by(m.CharterVersion.version.desc())
        .limit(1)
    ).first()
    if latest is not None:
        signed = session.scalars(
            select(m.CharterSignature.member_id).where(
                m.CharterSignature.charter_version_id == latest.id
            )
        ).all()
        charter = CharterFacts(latest.version, frozenset(signed))
    audiences = frozenset(
        session.scalars(
            select(m.CommunicationPlanRow.audience).where(m.CommunicationPlanRow.alliance_id == aid)
        )
    )
    publications = frozenset(
        session.scalars(select(m.Publication.kind).where(m.Publication.alliance_id == aid))
    )
    evaluations = tuple(
        EvaluationFacts(e.kind, e.held_on)
        for e in session.scalars(
            select(m.Evaluation)
            .where(m.Evaluation.alliance_id == aid)
            .order_by(m.Evaluation.held_on)
        )
    )
    plan = session.get(m.SustainabilityPlan, aid)
    return AllianceFacts(
        id=aid,
        slug=alliance.slug,
        name=alliance.name,
        stage=alliance.stage,
        region=alliance.region,
        region_boundary=alliance.region_boundary,
        work_plan_start=alliance.work_plan_start,
        work_plan_end=alliance.work_plan_end,
        accountable=alliance.accountable,
        channels=tuple(alliance.communication_channels or ()),
        vision=alliance.vision,
        vision_agreed_on=alliance.vision_agreed_on,
        people=tuple(people),
        organisations=tuple(
            OrganisationFacts(
                o.id,
                o.name,
                o.group,
                frozenset(o.sectors),
                o.latitude is not None and o.longitude is not None,
            )
            for o in sorted(orgs, key=lambda o: o.name)
        ),
        briefing=None
        if briefing is None
        else BriefingFacts(
            briefing.why,
            briefing.regional_situation,
            briefing.why_mediation,
            tuple(r for r in (briefing.reasons or []) if r.strip()),
            briefing.expected_commitment,
        ),
        meetings=tuple(meetings),
        sector_profiles=count(m.SectorProfile),
        research_sources=count(m.ResearchSource),
        consultations=count(m.Consultation),
        gaps=count(m.Gap),
        action_plan=actions,
        charter=charter,
        communication_audiences=audiences,
        publications=publications,
        evaluations=evaluations,
        sustainability=None
        if plan is None
        else SustainabilityFacts(plan.dated_on, plan.decision, plan.decided_on),
    )
