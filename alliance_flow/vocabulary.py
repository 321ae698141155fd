"""The guide's vocabulary as enums, shared by the domain, the database and the inputs."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    SCOPE = "scope"
    LAUNCH = "launch"
    ANALYSIS = "analysis"
    PLANNING = "planning"
    DISSEMINATION = "dissemination"
    SUSTAINABILITY = "sustainability"
    CLOSED = "closed"


#: The six working stages, in order; CLOSED follows the last one.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.SCOPE,
    Stage.LAUNCH,
    Stage.ANALYSIS,
    Stage.PLANNING,
    Stage.DISSEMINATION,
    Stage.SUSTAINABILITY,
    Stage.CLOSED,
)


class Sector(StrEnum):
    """The three sectors the guide's four real alliances group their partners in."""

    SOCIAL_ACTION = "social_action"
    SOCIO_CULTURAL_SPORTS = "socio_cultural_sports"
    ECONOMIC_INSERTION = "economic_insertion"


class StakeholderGroup(StrEnum):
    """Who a stakeholder is, in the guide's list of the actors an alliance brings together."""

    MIGRANT_REFUGEE_COMMUNITY = "migrant_refugee_community"
    PUBLIC_AUTHORITY = "public_authority"
    COMMUNITY_NETWORK = "community_network"
    NGO = "ngo"
    MEDIATOR = "mediator"
    SOCIAL_WORKER = "social_worker"
    EDUCATOR = "educator"
    OTHER = "other"


class Audience(StrEnum):
    """Audiences of the communication plan: the stakeholder groups plus outside audiences."""

    MIGRANT_REFUGEE_COMMUNITY = "migrant_refugee_community"
    PUBLIC_AUTHORITY = "public_authority"
    COMMUNITY_NETWORK = "community_network"
    NGO = "ngo"
    MEDIATOR = "mediator"
    SOCIAL_WORKER = "social_worker"
    EDUCATOR = "educator"
    OTHER = "other"
    POLICY_MAKERS = "policy_makers"
    MEDIA = "media"
    GENERAL_PUBLIC = "general_public"
    FUNDERS = "funders"


class Influence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Authority(StrEnum):
    """Does the representative have the authority to be involved (guide, stage 1)?"""

    YES = "yes"
    NO = "no"


class Role(StrEnum):
    CHAIR = "chair"
    SECRETARY = "secretary"
    COMMUNICATIONS_OFFICER = "communications_officer"


class ParticipationLevel(StrEnum):
    """Wilcox's participation ladder (2000), as adapted by the guide."""

    INFORMATION = "information"
    CONSULTATION = "consultation"
    DECIDING_TOGETHER = "deciding_together"
    ACTING_TOGETHER = "acting_together"
    SUPPORTING_INDEPENDENT = "supporting_independent"


class MeetingKind(StrEnum):
    INITIATION_WORKSHOP = "initiation_workshop"
    PLENARY = "plenary"
    WORKSHOP = "workshop"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class ResearchKind(StrEnum):
    GOVERNMENT_REPORT = "government_report"
    RESEARCH = "research"
    OTHER = "other"


class EvaluationKind(StrEnum):
    """The guide's three ways to evaluate: self-monitoring (SWOT), joint, external."""

    SELF_ASSESSMENT = "self_assessment"
    JOINT = "joint"
    EXTERNAL = "external"


class PublicationKind(StrEnum):
    ALLIANCE_PROFILE = "alliance_profile"
    RESEARCH = "research"
    ACTION_PLAN = "action_plan"
    PRESS = "press"
    NEWSLETTER = "newsletter"
    VIDEO = "video"
    SOCIAL_MEDIA = "social_media"
    OTHER = "other"


class Continuation(StrEnum):
    """What the sustainability plan proposes after the work plan ends."""

    VOLUNTARY = "voluntary"
    FORMAL = "formal"


class Decision(StrEnum):
    """The alliance's decision at the end of its work plan."""

    CLOSE = "close"
    RENEW = "renew"


class EventKind(StrEnum):
    CREATED = "created"
    ADVANCED = "advanced"
    MOVED_BACK = "moved_back"
    WAIVED = "waived"
    #: the mandate renewed at the end of the work plan (stage 6): a new end, the same stage
    RENEWED = "renewed"
